"""Household codes, made in one place: the village's code, a dash, a running number of four digits; and
compared in one way (:func:`key`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from giamngheo_desktop.text import fold


def key_sql(table: str = "") -> str:
    """:func:`key` of a household's code in SQL (``code_fold`` holds the code folded by text.fold);
    ``table``: the household table's alias."""
    return f"replace({table + '.' if table else ''}code_fold, ' ', '')"


def key(code: str) -> str:
    """The form household codes are compared in (a code is kept as typed): no case, no accents, no
    spaces, so "DX 01", "dx01" and "DX01" are one code."""
    return fold(code).replace(" ", "")


def keys(codes: Iterable[str]) -> dict[str, str]:
    """:func:`key` of each distinct code; plain ASCII codes without spaces (the usual) folded at once."""
    distinct = list(dict.fromkeys(codes))
    joined = "\n".join(distinct)
    if (
        joined.isascii()
        and joined.count("\n") == len(distinct) - 1
        and not any(ch in joined for ch in " \t\r\x0b\x0c\x1c\x1d\x1e\x1f")
    ):
        return dict(zip(distinct, joined.lower().split("\n"), strict=True))
    return {code: key(code) for code in distinct}


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
