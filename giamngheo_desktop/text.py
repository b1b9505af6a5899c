"""Text normalisation: NFC on the way in, and the folded search key.

The search key ignores case and diacritics and maps đ/Đ to d, so
"nguyen van duc" finds "Nguyễn Văn Đức". SQLite's lower()/LIKE fold ASCII only,
so the key is computed here and stored in *_fold columns.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_DD = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(value: str | None) -> str:
    """Return ``value`` in Unicode NFC with outer white space removed ('' for None)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def nfc_or_none(value: str | None) -> str | None:
    """Like :func:`nfc` but keeps ``None`` and turns empty text into ``None``."""
    if value is None:
        return None
    text = nfc(value)
    return text or None


def fold(value: str | None) -> str:
    """Folded search key: no case, no diacritics, đ→d, single spaces."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value).translate(_DD))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.translate(_DD).lower()
    return _SPACES.sub(" ", text).strip()


def fold_key(value: str | None) -> str:
    """A stricter key for matching headers and codes: folded, punctuation and spaces removed."""
    return re.sub(r"[^0-9a-z]", "", fold(value))


def thousands(value: int | float) -> str:
    """Vietnamese thousands grouping: 1500000 → '1.500.000' (rounded to a whole number)."""
    return f"{round(value):,}".replace(",", ".")


def like_pattern(query: str) -> str:
    """A LIKE pattern (escape character '\\') matching folded text containing ``query``."""
    folded = fold(query)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
