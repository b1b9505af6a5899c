"""Current date and time, in one place so tests can pin them."""

from __future__ import annotations

import datetime as _dt

_fixed_now: _dt.datetime | None = None


def now() -> _dt.datetime:
    return _fixed_now or _dt.datetime.now().replace(microsecond=0)


def now_iso() -> str:
    return now().isoformat(timespec="seconds")


def today() -> _dt.date:
    return _fixed_now.date() if _fixed_now else _dt.date.today()


def today_iso() -> str:
    return today().isoformat()


def set_fixed_now(value: _dt.datetime | None) -> None:
    """Pin the clock (tests only); ``None`` releases it."""
    global _fixed_now
    _fixed_now = value
