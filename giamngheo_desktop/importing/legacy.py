"""Lists typed with the old 8-bit Vietnamese fonts, converted to Unicode.

Before Unicode, Vietnamese was typed with fonts that draw accented letters in place of Latin-1
symbols: TCVN3 (ABC: .VnTime, .VnArial…) and VNI-Windows (VNI-Times…). Excel keeps the symbols, so
"Nguyễn Văn Hùng" reads "NguyÔn V¨n Hïng" (TCVN3) or "Nguyeãn Vaên Huøng" (VNI). A sheet is
converted only when it is confidently in one of them: it holds symbols Vietnamese never uses, and
reading those cells with one table (``resources/templates/legacy-fonts.json``) gives Vietnamese
syllables, with the other not. A column is converted where it holds such symbols; in a column that
also holds Unicode Vietnamese (letters beyond Latin-1), only the cells with the symbols are, so a
list where some rows were retyped in Unicode is not mangled. Anything less sure is left as it is
(the planner then refuses the names it cannot read, saying how to convert them).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop.importing.reader import RawTable
from giamngheo_desktop.importing.values import LEGACY_FONT_CHARS
from giamngheo_desktop.resources import resource_path

NAMES = {"tcvn3": "TCVN3 (phông .VnTime)", "vni": "VNI (phông VNI-Times)"}
_LOOK = 60  # rows looked at first: a list typed in an old font shows it in its title, header or first rows
_SAMPLE = 3000  # distinct texts weighed to decide
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TOKEN = re.compile(r"[^\s,.;:/()\[\]\-–'\"“”*+&!?]+")
# the vowels of a Vietnamese syllable (with its closing i/y/o/u), then its final consonant
_VOWELS = re.findall(
    r"\S+",
    "iêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu yêu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "a ă â e ê i o ô ơ u ư y",
)
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?(?:" + "|".join(_VOWELS) + r")(?:ch|ng|nh|[cmnpt])?$"
)
_UPPER_WORD = re.compile(r"\S+")


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern[str], dict[str, str]]:
    data = json.loads(resource_path("templates", "legacy-fonts.json").read_text(encoding="utf-8"))
    tcvn3 = {ord(k): v for k, v in data["tcvn3"].items()}
    vni: dict[str, str] = data["vni"]
    pattern = re.compile("|".join(re.escape(k) for k in sorted(vni, key=len, reverse=True)))
    return tcvn3, pattern, vni


def convert(text: str, encoding: str) -> str:
    """``text`` typed in ``encoding`` ('tcvn3' | 'vni') as Unicode NFC."""
    tcvn3, pattern, vni = _tables()
    if encoding == "vni":
        return unicodedata.normalize("NFC", pattern.sub(lambda m: vni[m.group()], text))
    result = text.translate(tcvn3)
    if result != text and any("A" <= ch <= "Z" for ch in text):
        # capitals with tones were typed in the .VnTimeH fonts with the lower-case codes: "DANH S¸CH" is
        # "DANH SÁCH"; a word (or a cell) whose plain letters are all capitals is all capitals
        capitals = sum("A" <= ch <= "Z" for ch in text)
        lower = any("a" <= ch <= "z" for ch in text)
        result = result.upper() if capitals >= 2 and not lower else _UPPER_WORD.sub(_capital_word, result)
    return unicodedata.normalize("NFC", result)


def _capital_word(match: re.Match[str]) -> str:
    word = match.group()
    plain = [ch for ch in word if ch.isascii() and ch.isalpha()]
    if len(plain) >= 2 and all(ch.isupper() for ch in plain):
        return word.upper()
    return word


def _is_syllable(token: str) -> bool:
    parts = unicodedata.normalize("NFD", token.lower())
    if sum(parts.count(t) for t in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONES))
    return _SYLLABLE.match(bare) is not None


def _score(texts: list[str], encoding: str) -> tuple[int, int]:
    """(Vietnamese syllables, words weighed) of ``texts`` read in ``encoding``: the words that mix plain
    letters with symbols ("Hïng", "Nguyeãn"; not "½" nor "1½" in a note)."""
    good = weighed = 0
    for text in texts:
        for before, after in zip(_TOKEN.findall(text), _TOKEN.findall(convert(text, encoding)), strict=False):
            if before.isascii() or not any("a" <= ch.lower() <= "z" for ch in before):
                continue
            weighed += 1
            good += _is_syllable(after)
    return good, weighed


def _unicode_vietnamese(text: str) -> bool:
    """Text that holds a letter beyond Latin-1 (ạ, ư, đ, …): typed in Unicode."""
    return any(ord(ch) > 0xFF for ch in text)


@dataclass
class Conversion:
    """What was converted on one sheet."""

    encoding: str  # 'tcvn3' | 'vni'
    columns: dict[int, int] = field(default_factory=dict)  # column index → cells converted

    @property
    def name(self) -> str:
        return NAMES[self.encoding]

    @property
    def cells(self) -> int:
        return sum(self.columns.values())


def detect(texts: list[str]) -> str | None:
    """'tcvn3' or 'vni' when ``texts`` (cells holding old-font symbols) are confidently in it, else None."""
    sample = list(dict.fromkeys(texts))[:_SAMPLE]
    scores = {enc: _score(sample, enc) for enc in NAMES}
    best = max(scores, key=lambda enc: scores[enc][0] / max(scores[enc][1], 1))
    good, weighed = scores[best]
    other = next(enc for enc in NAMES if enc != best)
    other_rate = scores[other][0] / max(scores[other][1], 1)
    if weighed >= 3 and good >= 0.85 * weighed and other_rate <= good / weighed - 0.25:
        return best
    return None


def convert_table(table: RawTable) -> Conversion | None:
    """Convert ``table`` in place when it is confidently typed in an old font; what was converted, or None."""
    if not any(
        type(c) is str and not c.isascii() and LEGACY_FONT_CHARS.search(c) for r in table.rows[:_LOOK] for c in r
    ):
        return None
    flagged: dict[int, list[int]] = {}  # column → rows whose cell holds an old-font symbol
    unicode_columns: set[int] = set()  # columns holding Unicode Vietnamese
    latin: dict[int, list[int]] = {}  # column → rows whose cell is Latin-1 text without such symbols
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if type(cell) is not str or cell.isascii():
                continue
            if _unicode_vietnamese(cell):
                unicode_columns.add(c)
            elif LEGACY_FONT_CHARS.search(cell):
                flagged.setdefault(c, []).append(r)
            else:
                latin.setdefault(c, []).append(r)
    encoding = detect([table.rows[r][c] for c, rows in flagged.items() for r in rows])
    if encoding is None:
        return None
    result = Conversion(encoding)
    for c, rows in flagged.items():
        # a column of the old font: its other Latin-1 cells too ("Vâ" is "Võ"), unless it holds Unicode
        todo = rows if c in unicode_columns else sorted([*rows, *latin.get(c, [])])
        for r in todo:
            cells: list[Any] = table.rows[r]
            cells[c] = convert(cells[c], encoding)
        result.columns[c] = len(todo)
    return result
