"""Personal data out of logs: what an exception's text may carry is scrubbed before it is written.

Exception messages can quote what the code was given: a cell's text (``invalid literal for int():
'Nguyễn Văn An'``), an ID number, a name. :func:`scrub` replaces

* runs of 8 digits or more (ID numbers: 9 or 12 digits, health-insurance and phone numbers),
  with or without spaces, dots or dashes between groups, by ``[số]``;
* anything quoted (``'…'``, ``"…"``, ``«…»``, ``“…”``, ``‘…’``) by ``'…'`` — cell values and names
  are quoted by Python's and SQLite's messages;
* two or more capitalised words with Vietnamese letters in a row (a name written bare) by ``[tên]``.

Program structure stays readable: a traceback's file names (``File "…"``), line numbers,
function names and English error types are kept. Used by the log file's formatter and the crash log (``ui/errors.py``).
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(?<![\w.])\d(?:[ .\-]?\d){7,}(?![\w])")
_QUOTED = re.compile(r"'[^'\n]{1,2000}'|\"[^\"\n]{1,2000}\"|«[^»\n]{0,2000}»|“[^”\n]{0,2000}”|‘[^’\n]{0,2000}’")
_UPPER = "A-ZÀ-ỸĐ"
_WORD = rf"[{_UPPER}][a-zà-ỹđ]*"
_NAME = re.compile(rf"\b{_WORD}(?:\s+{_WORD})+\b")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

SCRUBBED_NOTE = "số định danh, họ tên và nội dung ô đã được xóa khỏi nhật ký"


def _name(match: re.Match[str]) -> str:
    return "[tên]" if _NON_ASCII.search(match.group(0)) else match.group(0)


def _quoted(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 5) : match.start()]
    return match.group(0) if before == "File " else "'…'"  # a traceback's own file name stays


def scrub(text: str) -> str:
    """``text`` with ID-like numbers, quoted values and bare Vietnamese names replaced."""
    if not text:
        return text
    text = _QUOTED.sub(_quoted, text)
    text = _DIGITS.sub("[số]", text)
    return _NAME.sub(_name, text)
