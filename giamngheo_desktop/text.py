"""Text normalisation: NFC on the way in, and the folded search key.

The search key ignores case and diacritics and maps đ/Đ to d, so
"nguyen van duc" finds "Nguyễn Văn Đức". SQLite's lower()/LIKE fold ASCII only,
so the key is computed here and stored in *_fold columns.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from giamngheo_desktop import formats

_SPACES = re.compile(r"\s+")
_DD = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(value: str | None) -> str:
    """Return ``value`` in Unicode NFC with outer white space removed ('' for None)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


_NFC = functools.partial(unicodedata.normalize, "NFC")


def nfc_all(values: list[Any]) -> list[str]:
    """:func:`nfc` of each value (a column of 200,000 names): when every one is text, two passes in C (no Python
    call per value)."""
    if None not in values:
        try:
            return list(map(str.strip, map(_NFC, values)))  # (a subclass of str comes out as str, as from nfc)
        except TypeError:  # a value that is not text
            pass
    return list(map(nfc, values))


def nfc_or_none(value: str | None) -> str | None:
    """Like :func:`nfc` but keeps ``None`` and turns empty text into ``None``."""
    if value is None:
        return None
    text = nfc(value)
    return text or None


def _fold_slow(value: str) -> str:
    """The definition of :func:`fold` (any text); the fast path below must agree with it."""
    text = unicodedata.normalize("NFD", value.translate(_DD))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.translate(_DD).lower()
    return _SPACES.sub(" ", text).strip()


def _fold_char(ch: str) -> str:
    """One character through :func:`_fold_slow` without the white-space step."""
    text = unicodedata.normalize("NFD", ch.translate(_DD))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").translate(_DD).lower()


def _build_fold_table() -> dict[int, str | None]:
    """ASCII capitals, Latin letters with diacritics (U+0080–U+024F, U+1E00–U+1EFF) → their
    folded ASCII form; combining marks (U+0300–U+036F) → deleted. Built from the slow path."""
    table: dict[int, str | None] = {}
    for code in (*range(0x41, 0x5B), *range(0x80, 0x250), *range(0x1E00, 0x1F00)):
        folded = _fold_char(chr(code))
        if folded != chr(code) and folded.isascii():
            table[code] = folded or None
    for code in range(0x300, 0x370):
        if unicodedata.category(chr(code)) == "Mn":
            table[code] = None
    return table


_FOLD_TABLE = _build_fold_table()


def fold(value: str | None) -> str:
    """Folded search key: no case, no diacritics, đ→d, single spaces."""
    if not value:
        return ""
    text = str(value)
    fast = text.translate(_FOLD_TABLE)
    if fast.isascii():  # Vietnamese and other Latin text: one table lookup per character
        return " ".join(fast.split())
    return _fold_slow(text)


def fold_key(value: str | None) -> str:
    """A stricter key for matching headers and codes: folded, punctuation and spaces removed."""
    return re.sub(r"[^0-9a-z]", "", fold(value))


def thousands(value: int | float) -> str:
    """Vietnamese thousands grouping: 1500000 → '1.500.000' (rounded to a whole number)."""
    return formats.integer(value)


def like_pattern(query: str) -> str:
    """A LIKE pattern (escape character '\\') matching folded text containing ``query``."""
    folded = fold(query)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
