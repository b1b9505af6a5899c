"""Deprivation rules, evaluated from plain member/household facts on a reference date.

The rules are code (one evaluator per kind, in ``RULES``); their parameters and which
rules a period uses are data (the standard file). Unknown data never makes a household
deprived: the indicator is "not deprived" and the reason says "thiếu dữ liệu".
Ages are exact ages on the reference date (a birthday on that day counts).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class MemberFacts:
    id: int
    name: str
    birth_date: _dt.date | None
    birth_year: int | None
    sex: str | None
    employment_deprived: bool | None = None  # unemployed or wage work without contract
    hi_card: bool | None = None  # has a card number
    hi_valid_from: _dt.date | None = None
    hi_valid_to: _dt.date | None = None
    in_school: bool | None = None
    education_rank: int | None = None  # 0 none … 2 lower secondary, 3 upper secondary …
    vocational: bool = False
    trained_on_job: bool = False
    malnourished: bool | None = None
    disabled: bool = False
    social_allowance: int = 0
    # the ages on one date worked out once (household_facts: every rule asks each member's age)
    ages_on: _dt.date | None = None
    age_on_day: int | None = None
    exact_age_on_day: float | None = None

    def age(self, on: _dt.date) -> int | None:
        if on == self.ages_on:
            return self.age_on_day
        return age_on(self.birth_date, self.birth_year, on)

    def exact_age(self, on: _dt.date) -> float | None:
        if on == self.ages_on:
            return self.exact_age_on_day
        return exact_age_on(self.birth_date, self.birth_year, on)


def age_on(birth_date: _dt.date | None, birth_year: int | None, on: _dt.date) -> int | None:
    """Age in whole years on ``on`` (a birthday on that day counts); from the year alone when the date is unknown."""
    if birth_date is not None:
        years = on.year - birth_date.year
        return years - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return on.year - birth_year
    return None


def exact_age_on(birth_date: _dt.date | None, birth_year: int | None, on: _dt.date) -> float | None:
    if birth_date is None:
        return None if birth_year is None else float(on.year - birth_year)
    return (on - birth_date).days / 365.2425


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    id: int
    area_type: str
    members: tuple[MemberFacts, ...]  # living members only
    wall_durable: bool | None = None
    column_durable: bool | None = None
    roof_durable: bool | None = None
    floor_area: float | None = None
    water_hygienic: bool | None = None
    latrine_hygienic: bool | None = None
    internet_use: bool | None = None
    has_info_device: bool | None = None
    loudspeaker_reach: bool | None = None
    waste_treatment: bool | None = None
    income_per_capita: int | None = None
    is_farming: bool = False


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    code: str
    deprived: bool
    reason: str
    missing: bool = False  # data was missing: counted as not deprived
    members: tuple[int, ...] = field(default_factory=tuple)  # members who cause the deprivation


Rule = Callable[[HouseholdFacts, dict[str, Any], _dt.date, dict[str, Any]], IndicatorResult]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        return fn

    return register


def _result(code: str, who: list[MemberFacts], why: str, missing: list[MemberFacts]) -> IndicatorResult:
    if who:
        names = ", ".join(m.name for m in who[:3]) + (" …" if len(who) > 3 else "")
        return IndicatorResult(code, True, f"{why}: {names}", members=tuple(m.id for m in who))
    if missing:
        return IndicatorResult(code, False, f"thiếu dữ liệu ({', '.join(m.name for m in missing[:3])})", True)
    return IndicatorResult(code, False, "")


def working_age(member: MemberFacts, on: _dt.date, ctx: dict[str, Any]) -> bool | None:
    age = member.exact_age(on)
    if age is None:
        return None
    retire = ctx["retirement"](member.sex, on.year)
    return bool(ctx.get("min_age", 15) <= age < retire)


@rule("member_employment_deprived")
def _employment(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    who, missing = [], []
    for m in h.members:
        if working_age(m, on, ctx) and not m.disabled:
            if m.employment_deprived is None:
                missing.append(m)
            elif m.employment_deprived:
                who.append(m)
    return _result("employment", who, "thất nghiệp hoặc làm công không có hợp đồng lao động", missing)


@rule("dependants_share_above")
def _dependants(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    if not h.members:
        return IndicatorResult("dependants", False, "thiếu dữ liệu (hộ không có nhân khẩu)", True)
    dependants, unknown = [], 0
    for m in h.members:
        age = m.age(on)
        if age is None:
            unknown += 1
            continue
        if (
            age < p.get("child_under", 16)
            or age >= p.get("elderly_from", 60)
            or (p.get("count_disabled") and m.disabled)
        ):
            dependants.append(m)
    share = len(dependants) / len(h.members)
    if share > p.get("share", 0.5):
        return IndicatorResult(
            "dependants",
            True,
            f"người phụ thuộc {len(dependants)}/{len(h.members)} nhân khẩu (trên {int(p.get('share', 0.5) * 100)} %)",
            members=tuple(m.id for m in dependants),
        )
    return IndicatorResult("dependants", False, "thiếu dữ liệu (ngày sinh)" if unknown else "", bool(unknown))


@rule("child_malnourished")
def _nutrition(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    children = [m for m in h.members if (age := m.age(on)) is not None and age < p.get("under_age", 16)]
    who = [m for m in children if m.malnourished]
    missing = [m for m in children if m.malnourished is None]
    return _result("nutrition", who, "trẻ em suy dinh dưỡng", missing)


def hi_valid(m: MemberFacts, on: _dt.date) -> bool | None:
    if m.hi_card is None:
        return None
    if not m.hi_card:
        return False
    if m.hi_valid_to is None:
        return True  # a card without dates: taken as valid
    return (m.hi_valid_from is None or m.hi_valid_from <= on) and on <= m.hi_valid_to


@rule("hi_card_missing")
def _health_insurance(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    who, missing = [], []
    for m in h.members:
        age = m.age(on)
        if age is None or age < p.get("min_age", 6):
            continue
        valid = hi_valid(m, on)
        if valid is None:
            missing.append(m)
        elif not valid:
            who.append(m)
    return _result(
        "health_insurance", who, f"từ {p.get('min_age', 6)} tuổi không có thẻ bảo hiểm y tế còn hạn", missing
    )


@rule("adult_education_below")
def _adult_education(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    who, missing = [], []
    for m in h.members:
        age = m.age(on)
        if age is None or not (p.get("from_age", 16) <= age <= p.get("to_age", 30)):
            continue
        if m.in_school or m.trained_on_job:
            continue
        needed = p.get("young_min_rank", 2) if age < p.get("young_until", 18) else p.get("adult_min_rank", 3)
        if m.education_rank is None:
            missing.append(m)
        elif m.education_rank < needed and not (age >= p.get("young_until", 18) and m.vocational):
            who.append(m)
    return _result("adult_education", who, "từ 16 đến 30 tuổi không đi học và chưa có bằng cấp theo tuổi", missing)


@rule("child_not_in_school")
def _school(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    who, missing = [], []
    for m in h.members:
        age = m.age(on)
        if age is None or not (p.get("from_age", 3) <= age < p.get("under_age", 16)):
            continue
        if m.in_school is None:
            missing.append(m)
        elif not m.in_school:
            who.append(m)
    return _result("school_attendance", who, "trẻ từ 3 đến dưới 16 tuổi không đi học", missing)


@rule("non_durable_parts")
def _housing(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    parts = {"tường": h.wall_durable, "khung, cột": h.column_durable, "mái": h.roof_durable}
    weak = [name for name, durable in parts.items() if durable is False]
    if len(weak) >= p.get("min_parts", 2):
        return IndicatorResult("housing_quality", True, "nhà không bền chắc: " + ", ".join(weak))
    unknown = [name for name, durable in parts.items() if durable is None]
    if unknown and len(weak) + len(unknown) >= p.get("min_parts", 2):
        return IndicatorResult("housing_quality", False, "thiếu dữ liệu (vật liệu " + ", ".join(unknown) + ")", True)
    return IndicatorResult("housing_quality", False, "")


@rule("floor_area_per_person_below")
def _floor_area(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    if h.floor_area is None or not h.members:
        return IndicatorResult("floor_area", False, "thiếu dữ liệu (diện tích nhà)", True)
    per_person = h.floor_area / len(h.members)
    if per_person < p.get("m2", 8):
        return IndicatorResult(
            "floor_area", True, f"diện tích bình quân {per_person:.1f} m²/người dưới {p.get('m2', 8)} m²"
        )
    return IndicatorResult("floor_area", False, "")


def _flag(code: str, value: bool | None, deprived_when: bool, why: str, what: str) -> IndicatorResult:
    if value is None:
        return IndicatorResult(code, False, f"thiếu dữ liệu ({what})", True)
    return IndicatorResult(code, value == deprived_when, why if value == deprived_when else "")


@rule("water_not_hygienic")
def _water(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    return _flag("water", h.water_hygienic, False, "không có nguồn nước hợp vệ sinh", "nguồn nước")


@rule("latrine_not_hygienic")
def _latrine(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    return _flag("latrine", h.latrine_hygienic, False, "không có nhà tiêu hợp vệ sinh", "loại nhà tiêu")


@rule("no_internet")
def _telecom(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    return _flag("telecom", h.internet_use, False, "không thành viên nào sử dụng internet", "sử dụng internet")


@rule("waste_not_treated")
def _waste(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    return _flag("waste", h.waste_treatment, False, "không xử lý rác thải sinh hoạt hợp vệ sinh", "xử lý rác thải")


@rule("no_info_device_nor_loudspeaker")
def _information(h: HouseholdFacts, p: dict[str, Any], on: _dt.date, ctx: dict[str, Any]) -> IndicatorResult:
    if h.has_info_device is None or (not h.has_info_device and h.loudspeaker_reach is None):
        return IndicatorResult("information", False, "thiếu dữ liệu (phương tiện thông tin, loa)", True)
    if not h.has_info_device and not h.loudspeaker_reach:
        return IndicatorResult("information", True, "không có phương tiện tiếp cận thông tin và không nghe được loa")
    return IndicatorResult("information", False, "")


def evaluation_context(standard: Any) -> dict[str, Any]:
    """What the rules share while evaluating many households under ``standard``: its working ages
    (retirement age looked up once per sex and year) and the results already made, so that the
    same member-less result (most are "not deprived", no reason) is one object for every household."""
    retirement: dict[tuple[str | None, int], float] = {}

    def retire(sex: str | None, year: int) -> float:
        key = (sex, year)
        found = retirement.get(key)
        if found is None:
            found = retirement[key] = standard.retirement_age(sex, year)
        return found

    return {
        "min_age": standard.working_age.get("min_age", 15),
        "retirement": retire,
        "shared": {},
        "rules": [(RULES[i.rule], i.params, i.code) for i in standard.indicators],
    }


def evaluate(
    standard: Any, household: HouseholdFacts, on: _dt.date, ctx: dict[str, Any] | None = None
) -> list[IndicatorResult]:
    """Every indicator of ``standard`` for ``household`` on ``on``, in report order.

    Pass one :func:`evaluation_context` when evaluating many households under one standard."""
    if ctx is None:
        ctx = evaluation_context(standard)
    shared: dict[tuple[str, bool, str], IndicatorResult] = ctx["shared"]
    results = []
    for check, params, code in ctx["rules"]:
        found = check(household, params, on, ctx)
        if found.code != code:
            found = IndicatorResult(code, found.deprived, found.reason, found.missing, found.members)
        if not found.members and not found.missing:
            found = shared.setdefault((code, found.deprived, found.reason), found)
        results.append(found)
    return results
