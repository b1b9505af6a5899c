"""Poverty standards as data (``resources/standards/*.json``), one per period.

A standard file holds: id, name, level (national/provincial), valid_from/valid_to,
provisional, income lines and average-living bands per area type, the minimum number of
deprivations for a poor household, B2 points, working age, and the indicators in report
order, each with a ``rule`` (an evaluator in ``domain/indicators.py``) and its ``params``.
A new standard is a new file; only a new *kind* of rule needs code.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop import formats
from giamngheo_desktop.domain.errors import DomainError, NotFound


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    short_name: str
    dimension: str
    rule: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Standard:
    id: str
    name: str
    level: str
    valid_from: str
    valid_to: str | None
    provisional: bool
    income_lines: dict[str, int]
    average_upper: dict[str, int] | None
    low_income_worker_upper: dict[str, int] | None
    poor_min_deprivations: int
    b2_points_per_deprivation: int
    indicators: tuple[Indicator, ...]
    working_age: dict[str, Any]
    enabled: bool = True
    province_code: str | None = None
    definition: dict[str, Any] = field(default_factory=dict, compare=False)

    def covers(self, day: _dt.date | str) -> bool:
        text = day if isinstance(day, str) else day.isoformat()
        return self.valid_from <= text and (self.valid_to is None or text <= self.valid_to)

    def line(self, area_type: str) -> int:
        return int(self.income_lines[area_type])

    def retirement_age(self, sex: str | None, year: int) -> float:
        table = self.working_age.get("retirement", {}).get("male" if sex != "F" else "female") or [[0, 60]]
        age = float(table[0][1])
        for from_year, value in table:
            if year >= from_year:
                age = float(value)
        return age


def parse_standard(data: dict[str, Any]) -> Standard:
    """Build and check a standard from its JSON; DomainError names what is wrong."""
    problems = []
    for key in ("id", "name", "level", "valid_from", "income_lines", "indicators"):
        if key not in data:
            problems.append(f"thiếu mục “{key}”")
    if problems:
        raise DomainError(f"Tệp chuẩn nghèo {data.get('id', '?')} không hợp lệ: " + "; ".join(problems) + ".")
    from giamngheo_desktop.domain.indicators import RULES

    indicators = []
    for item in data["indicators"]:
        if item.get("rule") not in RULES:
            raise DomainError(
                f"Chuẩn {data['id']}: chỉ số “{item.get('code')}” dùng quy tắc “{item.get('rule')}” chưa được hỗ trợ."
            )
        indicators.append(
            Indicator(
                code=item["code"],
                name=item["name"],
                short_name=item.get("short_name") or item["name"],
                dimension=item.get("dimension", ""),
                rule=item["rule"],
                params=dict(item.get("params") or {}),
            )
        )
    for area in ("rural", "urban"):
        if not isinstance(data["income_lines"].get(area), int):
            raise DomainError(f"Chuẩn {data['id']}: thiếu chuẩn thu nhập cho khu vực {area}.")
    return Standard(
        id=data["id"],
        name=data["name"],
        level=data["level"],
        valid_from=data["valid_from"],
        valid_to=data.get("valid_to"),
        provisional=bool(data.get("provisional")),
        income_lines=dict(data["income_lines"]),
        average_upper=data.get("average_upper"),
        low_income_worker_upper=data.get("low_income_worker_upper"),
        poor_min_deprivations=int(data.get("poor_min_deprivations", 3)),
        b2_points_per_deprivation=int(data.get("b2_points_per_deprivation", 10)),
        indicators=tuple(indicators),
        working_age=dict(data.get("working_age") or {"min_age": 15}),
        enabled=bool(data.get("enabled", True)),
        province_code=data.get("province_code"),
        definition=data,
    )


def select_national(standards: list[Standard], day: _dt.date | str) -> Standard:
    """The national standard in force on ``day`` (the review's reference date)."""
    found = [s for s in standards if s.level == "national" and s.covers(day)]
    if not found:
        raise NotFound(f"Không có chuẩn nghèo quốc gia nào áp dụng cho ngày {formats.dmy(day, str(day))}.")
    return sorted(found, key=lambda s: s.valid_from)[-1]
