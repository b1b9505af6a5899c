"""Household codes, made in one place: the village's code, a dash, a running number of four digits."""

from __future__ import annotations

from collections.abc import Callable


def make(prefix: str, number: int) -> str:
    """ "DX-0012" for prefix "DX" and number 12; "0012" without a prefix."""
    return f"{prefix}-{number:04d}" if prefix else f"{number:04d}"


def next_free(prefix: str, start: int, taken: Callable[[str], bool]) -> tuple[str, int]:
    """The first code after number ``start`` that ``taken`` does not refuse, and its number."""
    number = start
    while True:
        number += 1
        code = make(prefix, number)
        if not taken(code):
            return code, number
