"""Reporting periods: month, quarter, year, custom range or a review round → dates and labels.

Text forms (CLI ``--period`` and ``report_package.period``): ``2026-11`` (month), ``2026-Q4``
(quarter), ``2026`` (year), ``2026-01-01..2026-03-31`` (custom range), ``round:7`` (review round;
its dates are filled in by the reporting service from the database).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue

KIND_LABELS = {"month": "Tháng", "quarter": "Quý", "year": "Năm", "range": "Khoảng thời gian", "round": "Đợt rà soát"}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    key: str  # the text form, stable: used in file names and report_package.period
    label: str  # Vietnamese, e.g. "Tháng 11 năm 2026"
    round_id: int | None = None

    @property
    def file_key(self) -> str:
        """The period in a file name the officer reads: "2026-11", "2026-Q4", "dot-7" (a review round)."""
        return re.sub(r"[^0-9A-Za-z_-]+", "_", self.key.replace("round:", "dot-"))


def month(year: int, month_no: int) -> Period:
    last = calendar.monthrange(year, month_no)[1]
    return Period(
        "month",
        date(year, month_no, 1),
        date(year, month_no, last),
        f"{year}-{month_no:02d}",
        f"Tháng {month_no} năm {year}",
    )


def quarter(year: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    last_day = calendar.monthrange(year, first + 2)[1]
    return Period(
        "quarter", date(year, first, 1), date(year, first + 2, last_day), f"{year}-Q{q}", f"Quý {_ROMAN[q]} năm {year}"
    )


def year(year_no: int) -> Period:
    return Period("year", date(year_no, 1, 1), date(year_no, 12, 31), str(year_no), f"Năm {year_no}")


def custom(start: date, end: date) -> Period:
    if end < start:
        raise ValidationFailed([ValidationIssue("period", "Ngày kết thúc của kỳ báo cáo phải sau ngày bắt đầu.")])
    return Period(
        "range", start, end, f"{start.isoformat()}..{end.isoformat()}", f"Từ ngày {_vn(start)} đến ngày {_vn(end)}"
    )


def review_round(round_id: int, name: str = "", start: date | None = None, end: date | None = None) -> Period:
    """A review round; ``start``/``end`` come from the round (reporting fills them in)."""
    today = date.today()
    return Period(
        "round", start or today, end or today, f"round:{round_id}", name or f"Đợt rà soát số {round_id}", round_id
    )


def with_round(period: Period, name: str, start: date, end: date) -> Period:
    return replace(period, label=name, start=start, end=end)


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def parse(text: str) -> Period:
    """Read a period from its text form; a clear Vietnamese message when it cannot."""
    value = (text or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            if 1 <= int(m[2]) <= 12:
                return month(int(m[1]), int(m[2]))
        elif m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
            return quarter(int(m[1]), int(m[2]))
        elif re.fullmatch(r"\d{4}", value):
            return year(int(value))
        elif m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", value):
            return custom(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
        elif m := re.fullmatch(r"round:(\d+)", value):
            return review_round(int(m[1]))
    except ValueError:
        pass
    raise ValidationFailed(
        [
            ValidationIssue(
                "period",
                f"Kỳ báo cáo «{value}» không hợp lệ: dùng dạng 2026-11 (tháng), 2026-Q4 (quý), 2026 (năm), "
                "2026-01-01..2026-03-31 (khoảng ngày) hoặc round:7 (đợt rà soát).",
                value=value,
            )
        ]
    )
