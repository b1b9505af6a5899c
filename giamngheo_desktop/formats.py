"""Vietnamese formats for everything a person reads: one helper for tables, forms, dialogs and
messages (plain values in, text out; standard library only).

- dates: ``06/12/2026`` (:func:`dmy`) or ``ngày 06 tháng 12 năm 2026`` on paper (:func:`in_words`;
  days below 10 and months 1–2 take a leading 0, Decree 30/2020);
- numbers: dot thousands and decimal comma (``1.500.000``, ``80,0``), percentages ``80,0 %``.

Every function takes ``None`` (or an unreadable date) and returns a blank a person can fill in.
"""

from __future__ import annotations

import datetime as _dt

BLANK_DATE = "…/…/……"
BLANK_WORDS = "ngày …… tháng …… năm ……"


def as_date(value: _dt.date | str | None) -> _dt.date | None:
    """A date from a ``date``/``datetime`` or an ISO text ("2026-12-06", "2026-12-06T10:00:00"); else None."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def dmy(value: _dt.date | str | None, blank: str = BLANK_DATE) -> str:
    """``06/12/2026``; ``blank`` when there is no date."""
    d = as_date(value)
    return blank if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


def in_words(value: _dt.date | str | None, blank: str = BLANK_WORDS) -> str:
    """``ngày 06 tháng 12 năm 2026`` (as on a Vietnamese administrative document)."""
    d = as_date(value)
    return blank if d is None else f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def place_and_date(place: str, value: _dt.date | str | None) -> str:
    """``Tân Lập, ngày 06 tháng 12 năm 2026`` (the line under the motto)."""
    return f"{place or '……'}, {in_words(value)}"


def integer(value: float | int | None) -> str:
    """``1.500.000`` (rounded to a whole number); '' for None."""
    if value is None:
        return ""
    return f"{round(value):,}".replace(",", ".")


def decimal(value: float | int | None, places: int = 1) -> str:
    """``1.234,5`` — dot thousands, decimal comma; '' for None."""
    if value is None:
        return ""
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | int | None, places: int = 1) -> str:
    """``80,0 %`` (value already in per cent); '' for None."""
    if value is None:
        return ""
    return f"{decimal(value, places)} %"


def money(value: float | int | None) -> str:
    """``1.500.000 đồng``; '' for None."""
    if value is None:
        return ""
    return f"{integer(value)} đồng"
