"""Reading the cells of a list: text, dates, ID numbers as Excel leaves them, and the words people
write for codes (Vocab).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any
from unicodedata import is_normalized, normalize

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain.idnumber import normalize_id
from giamngheo_desktop.importing.headers import (
    synonyms_file,
)
from giamngheo_desktop.importing.reader import (
    MAX_CELL_CHARS,
)
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, fold_key, nfc

# a field key of the register's checks → the import field that fills it (to name the file's column)
_KEY_TO_FIELD = {
    **{f.key: f.import_key for f in field_table.FIELDS if f.import_key},
    "birth_year": "birth_date",
    "relationship_code": "relationship",
}


_TEXT_FIELDS = ("full_name", "head_name", "address", "phone", "occupation", "note", "household_code", "village")


def _text(value: Any) -> str:
    """:func:`cell_text` of a cell the planner has already put in NFC (text is returned as is)."""
    return value if type(value) is str else cell_text(value)


def cell_text(value: Any) -> str:
    if type(value) is str:
        return nfc(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return ""
    return nfc(str(value))


# a time after the date ("12/03/1980 00:00:00", as a date cell copied as text shows it) is dropped
# (a Vietnamese-locale program writes "12/03/1980 12:00:00 SA": SA/CH are AM/PM)
_DMY = re.compile(
    r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[AP]M|SA|CH))?)?$"
)


_YMD = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$")  # 1978-04-09, 1978/04/09, 1978.04.09


_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")


_EXCEL_EPOCH = _dt.date(1899, 12, 30)
# the dates Excel shows for the years 1880–2100 typed into a cell formatted as a date (no one alive was born then)
_YEAR_AS_DATE = (_EXCEL_EPOCH + _dt.timedelta(days=1880), _EXCEL_EPOCH + _dt.timedelta(days=2100))
# and in a workbook using the 1904 date system (Excel for Mac): 1950 shows 05/05/1909
_EXCEL_EPOCH_1904 = _dt.date(1904, 1, 1)
_YEAR_AS_DATE_1904 = (_EXCEL_EPOCH_1904 + _dt.timedelta(days=1880), _EXCEL_EPOCH_1904 + _dt.timedelta(days=2100))


class _Said(str):
    """A date's problem that is no problem: read, and said at the row as a warning (a false text)."""

    def __bool__(self) -> bool:
        return False


CENTURY_GUESSED = _Said(
    "năm ghi 2 chữ số nên đã đoán thế kỷ: đọc là năm 2000 trở đi; người sinh trước năm 2000 thì ghi đủ 4 chữ số của "
    "năm rồi nhập lại"
)


def parse_date(value: Any) -> tuple[str | None, int | None, str | None]:
    """(ISO date, year, problem). Date cells, dd/mm/yyyy text, yyyy-mm-dd, year only, Excel serials. A problem
    that is false (:data:`CENTURY_GUESSED`) is a date read whose reading the row should say."""
    if value is None or value == "":
        return None, None, None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        if _YEAR_AS_DATE[0] <= value <= _YEAR_AS_DATE_1904[1]:
            if value <= _YEAR_AS_DATE[1]:  # a year typed into a date cell: 1950 shows 03/05/1905
                return None, (value - _EXCEL_EPOCH).days, None
            if value >= _YEAR_AS_DATE_1904[0]:
                return None, (value - _EXCEL_EPOCH_1904).days, None
        return value.isoformat(), value.year, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 1880 <= number <= 2100:
            return None, int(number), None
        if number < 2101:  # "78", "5": a year in two figures or an age, not a day of 1900 (as read before)
            return None, None, "không phải ngày hay năm (năm ghi đủ 4 chữ số, như 1978)"
        if number < 80_000:
            date = _EXCEL_EPOCH + _dt.timedelta(days=int(number))
            return date.isoformat(), date.year, None
        return None, None, "không phải ngày hợp lệ"
    text = cell_text(value)
    # dd/mm/yyyy, the usual way, without the regular expressions (a list has as many birth dates as
    # people); gives what _parse_text_date gives (tested)
    if len(text) == 10 and text[2] == "/" and text[5] == "/" and text[6] != "0":
        day, month, year = text[:2], text[3:5], text[6:]
        if day.isdecimal() and month.isdecimal() and year.isdecimal():
            try:
                date = _dt.date(int(year), int(month), int(day))
            except ValueError:
                return _parse_text_date(text)  # "00/00/1950" (the year only), or not a date
            return date.isoformat(), date.year, None
    return _parse_text_date(text)


_SLASHED = re.compile(r"^\s*(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})\b")


def month_first(cells: Iterable[Any]) -> bool:
    """A column of text dates written month first (m/d/yyyy, as an English-locale Excel saves a CSV): two or
    more have a middle part over 12, or one carries an English time ("4/9/1978 12:00:00 AM", as a web program
    on an English-locale server writes dates), and none has a first part over 12."""
    later = english = 0
    for value in cells:
        if type(value) is str and (match := _SLASHED.match(value)):
            if int(match.group(1)) > 12:
                return False
            later += int(match.group(3)) > 12
            english += value.endswith(("AM", "PM"))
    return later >= 2 or english > 0


def month_day_swapped(distinct: Iterable[Any]) -> bool | None:
    """A date column typed day first in an Excel set to month first (an English-language Windows): what Excel could
    read month first it made date cells, day and month swapped ("09/04/1978" became 4 September), what it could
    not ("13/04/1978") it kept as text. The sign: every text date has a day over 12 and no date cell has one (while
    some have day and month differ). True when the cells are enough to be sure (8 date cells, 2 texts), False when
    they only may be so, None for a column without the sign (``distinct``: its cells, once each)."""
    texts = 0
    dates = []
    for value in distinct:
        if type(value) is str:
            if (match := _SLASHED.match(value)) is not None:
                if int(match.group(1)) <= 12:  # a text Excel could have read month first: not its doing
                    return None
                texts += 1
        elif isinstance(value, _dt.date) and value.year >= 1910:  # (a year typed into a date cell shows 1905)
            if value.day > 12:
                return None
            dates.append(value)
    if not texts or all(d.day == d.month for d in dates):
        return None
    return len(dates) >= 8 and texts >= 2


MONTH_DAY_SWAPPED = _Said(
    "Excel có thể đã đổi ngày và tháng của ô ngày này (máy đặt kiểu tháng/ngày: các ngày trên 12 của cột là chữ): "
    "đã đọc như ô đang ghi; nếu sai hãy định dạng cột là Văn bản (Text) rồi gõ lại ngày dạng ngày/tháng/năm"
)


def utc_midnights(distinct: Iterable[Any]) -> bool:
    """Whether a column's date cells (two or more) all carry the time 17:00: midnight in Vietnam (UTC+7) written in UTC,
    as a web program exports dates it keeps in UTC; read as they are, each would be a day early."""
    times = {v.time() for v in distinct if isinstance(v, _dt.datetime)}
    return times == {_dt.time(17)} and sum(isinstance(v, _dt.datetime) for v in distinct) >= 2


def swap_month_day(value: Any) -> Any:
    """A date cell with its day and month swapped back (see :func:`month_day_swapped`); anything else as it is."""
    if isinstance(value, _dt.date) and value.year >= 1910:
        return value.replace(month=value.day, day=value.month)
    return value


def day_first(value: Any) -> Any:
    """A text date m/d/yyyy as d/m/yyyy (anything else as it is)."""
    match = _SLASHED.match(value) if type(value) is str else None
    if match is None:
        return value
    return f"{match.group(3)}{match.group(2)}{match.group(1)}{value[match.end(3) :]}"


# the year alone after blanks left for the day and month: "/1985", "…/…/1985", "../../1985", "  /  /1985"
_BLANKS_YEAR = re.compile(r"^[\s./\-_…]*[/.\-…][\s./\-_…]*(\d{4})$")


def parse_end_date(value: Any) -> tuple[str | None, int | None, str | None]:
    """:func:`parse_date` of a date that lies ahead as often as behind (a health insurance card's end): a two-digit
    year is this century ("31/12/27" is 2027; :func:`parse_date`, made for births, would read 1927)."""
    if type(value) is str and (match := _DMY.match(value.strip())) is not None and len(match.group(3)) == 2:
        day, month, year = (int(g) for g in match.groups())
        try:
            date = _dt.date(2000 + year, month, day)
        except ValueError:
            return None, None, "không phải ngày hợp lệ (ngày/tháng/năm)"
        return date.isoformat(), date.year, None
    return parse_date(value)


def _parse_text_date(text: str) -> tuple[str | None, int | None, str | None]:
    if text.isdigit() and len(text) == 4:
        return None, int(text), None
    if (blanks := _BLANKS_YEAR.match(text)) is not None:
        return None, int(blanks.group(1)), None
    if text.isdigit() and len(text) == 5 and int(text) < 80_000:  # an Excel serial kept as text ("29312")
        date = _EXCEL_EPOCH + _dt.timedelta(days=int(text))
        return date.isoformat(), date.year, None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        guessed = False
        if year < 100:  # "05/06/26": this century unless that is after today; said at the row (CENTURY_GUESSED)
            today = clock.today()
            year += 2000 if year <= today.year % 100 else 1900
            if year >= 2000 and 1 <= month <= 12 and 1 <= day <= 31:
                try:
                    guessed = _dt.date(year, month, day) <= today
                except ValueError:
                    pass
                if not guessed:
                    year -= 100
        if (day == 0 or month == 0) and month <= 12 and year >= 1000:  # "00/00/1950": the year only is known
            return None, year, None
        try:
            date = _dt.date(year, month, day)
        except ValueError:
            return None, None, "không phải ngày hợp lệ (ngày/tháng/năm)"
        return date.isoformat(), year, CENTURY_GUESSED if guessed else None
    match = _YMD.match(text)
    if match:
        try:
            date = _dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            return None, None, "không phải ngày hợp lệ"
        return date.isoformat(), date.year, None
    match = _MY.match(text)
    if match:
        return None, int(match.group(2)), None
    folded = fold(text)
    if folded in _UNKNOWN_BIRTH:  # "Không rõ": as an empty cell
        return None, None, None
    if (about := _ABOUT_YEAR.match(folded)) is not None:  # "khoảng 1947", "~1939", "1950?": the year written
        return None, int(about.group(1)), None
    match = _WORDED.match(folded) if any(ch.isalpha() for ch in text) else None
    if match:  # "ngày 2 tháng 1 năm 2016", "Năm 1981", "SN 1981", "T4/1981": the words a form prints, filled in
        day_text, month_text, year_text = match.groups()
        if day_text is None:
            return None, int(year_text), None
        return _parse_text_date(f"{day_text}/{month_text}/{year_text}")
    english = _ENGLISH_MONTH.match(folded)
    if english is not None and english.group(2) in _MONTHS:
        return _parse_text_date(f"{english.group(1)}/{_MONTHS[english.group(2)]}/{english.group(3)}")
    return None, None, "không đọc được ngày (ghi dạng ngày/tháng/năm hoặc chỉ năm sinh)"


_UNKNOWN_BIRTH = frozenset(["khong ro", "khong nho", "chua ro", "khong biet", "kr", "k ro", "ko ro"])
_ABOUT_YEAR = re.compile(r"^(?:(?:khoang|tam|chung|co|ước|uoc|~|±|\+/-)\s*)?(\d{4})\s*(?:\?|\(\?\))?$")
_WORDED = re.compile(
    r"^(?:(?:ngay\s*)?(\d{1,2})\s*[,.]?\s*thang\s*(\d{1,2})\s*[,.]?\s*nam|(?:sinh nam|nam sinh|nam|sn|ns)"
    r"|(?:t|th|thang)\s*\d{1,2}\s*[/.\-]|(?:t|th|thang)\s*\d{1,2}\s*nam)\s*[:.]?\s*(\d{4})\s*$"
)
# "09-Apr-1978", "9 Apr 1978" (an English-language Excel's dates written out as text)
_ENGLISH_MONTH = re.compile(r"^(\d{1,2})[\s./-]*([a-z]{3})[a-z]*[\s.,/-]*(\d{4}|\d{2})$")
_MONTHS = {
    m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


def parse_id(value: Any) -> tuple[str, str | None]:
    """(digits, note). A number cell loses the leading zeros: 11 digits → 12, 10 → 12 (the provinces 001–009),
    8 → 9."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) not in (8, 10, 11):
        return value, None  # the usual: plain digits as text (what _read_id gives, tested)
    return _read_id(value)


_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_TWO_IDS = re.compile(r"^(\d[\d .]{7,16}\d)\s*(?:[/;,\n]|\s-\s|\s+)\s*(?:\D{0,12}?)(\d[\d .]{7,16}\d)$")

ID_DIGITS_LOST = (
    "Excel đã ghi số định danh dạng số mũ (như 7,9E+10) nên mất chữ số, không đọc lại được; trong tệp gốc hãy "
    "định dạng cột là Văn bản (Text) rồi gõ hoặc dán lại số định danh đủ 12 chữ số"
)


@functools.lru_cache(maxsize=1)
def _no_id_words() -> frozenset[str]:
    return frozenset(fold_key(word) for word in synonyms_file().get("no_id", []))


def ditto_fields() -> frozenset[str]:
    """The fields where a cell may stand for the one above it (a ditto mark, a cell merged down)."""
    return _ditto()[1]


@functools.lru_cache(maxsize=1)
def _ditto() -> tuple[frozenset[str], frozenset[str]]:
    data = synonyms_file().get("ditto", {})
    return frozenset(w.casefold() for w in data.get("words", [])), frozenset(data.get("fields", []))


def fill_ditto(key: str, values: list[Any], distinct: Any) -> list[Any]:
    """A column's cleaned cells with "nt", "\"" (như trên: as the row above) replaced by the nearest filled cell
    above, in the fields where that is meant (``resources/templates/header-synonyms.json``: "ditto");
    ``values`` itself when the column holds none (``distinct``: its distinct raw cells)."""
    words, wanted = _ditto()
    if key not in wanted or not any(type(v) is str and len(v) < 16 and v.strip().casefold() in words for v in distinct):
        return values
    result = list(values)
    above = None
    for i, value in enumerate(result):
        if type(value) is str and value.casefold() in words:
            result[i] = above
        elif value is not None:
            above = value
    return result


@functools.lru_cache(maxsize=1)
def _blanks() -> frozenset[str]:
    return frozenset(synonyms_file().get("blanks", {}).get("words", []))


def drop_blanks(key: str, values: list[Any], distinct: Any) -> list[Any]:
    """A column's cleaned cells with a dash or dots alone ("-", "…": nothing to write) as empty cells, in every
    field but the names (``resources/templates/header-synonyms.json``: "blanks"); ``values`` itself when none
    (``distinct``: the column's distinct raw cells, or its raw cells when most differ)."""
    blanks = _blanks()
    if key in ("full_name", "head_name", "given_name", "middle_name"):
        return values
    if isinstance(distinct, dict):  # the few distinct cells (stripped: as cleaned)
        if not any(type(v) is str and v.strip() in blanks for v in distinct):
            return values
    elif blanks.isdisjoint(values):
        return values
    return [None if type(v) is str and v in blanks else v for v in values]


@functools.lru_cache(maxsize=1)
def _id_labels() -> frozenset[str]:
    return frozenset(fold_key(word) for word in synonyms_file().get("id_labels", []))


_LABELLED_ID = re.compile(r"^(\D+?)\s*[:.\-]?\s*(\d[\d\s.\-]*)$")

ID_NOT_A_NUMBER = "không phải số định danh (không có chữ số nào): để trống số định danh"


def _read_id(value: Any) -> tuple[str, str | None]:
    if value is None or value == "":
        return "", None
    if type(value) is str and not value[:1].isdigit():
        if fold_key(value) in _no_id_words():
            return "", None  # "Chưa có", "KCC": the member has no ID number yet
        labelled = _LABELLED_ID.match(value.strip())
        if labelled is not None and fold_key(labelled.group(1)) in _id_labels():
            value = labelled.group(2)  # "CCCD: 025080000101", "CMND 131234567"
        elif not any(map(str.isdigit, value)):
            return "", ID_NOT_A_NUMBER  # a note ("Đang làm thẻ"), not a number
    if type(value) is str and _SCIENTIFIC.match(value.strip()):
        return "", ID_DIGITS_LOST
    if type(value) is str and (two := _TWO_IDS.match(value.strip())) is not None:
        ids = sorted((re.sub(r"\D", "", two.group(1)), re.sub(r"\D", "", two.group(2))), key=len)
        if [len(n) for n in ids] == [9, 12]:  # the old CMND beside the new ID number: the ID number kept
            return ids[1], f"ô ghi hai số: lấy số định danh {ids[1]}, bỏ số CMND cũ {ids[0]}"
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    text = normalize_id(cell_text(value))
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit() and (numeric or len(text) in (8, 11)) and len(text) in (8, 11):
        return "0" + text, "ô đang ở dạng số nên mất số 0 ở đầu; đã thêm lại"
    if len(text) == 10 and text.isdigit() and text[0] != "0" and text[1] in "0123":  # "008…" (Tuyên Quang) as 8…
        return "00" + text, "ô đang ở dạng số nên mất hai số 0 ở đầu; đã thêm lại"
    return text, None


_PLAIN = re.compile(r"^[\x00-\x7f]*$")  # typed without accents
_WORDS = re.compile(r"[0-9a-z]+")


def _holds(words: list[str], phrase: list[str]) -> bool:
    """Whether ``phrase`` is found in ``words``, word for word."""
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def accent_key(text: str) -> str:
    """A key that keeps the accents: NFC, no case, only letters and digits ("Chủ hộ" → "chủhộ")."""
    return "".join(ch for ch in normalize("NFC", text).casefold() if ch.isalnum())


def _lookup_names(list_name: str) -> dict[str, dict[str, list[str]]]:
    """code_system → code → aliases, from the shipped JSON files."""
    result: dict[str, dict[str, list[str]]] = {}
    for path in sorted(resource_path("codes").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("list_name") != list_name:
            continue
        system = result.setdefault(data["code_system"], {})
        for item in data["items"]:
            system[str(item["code"])] = list(item.get("aliases", []))
    return result


@functools.lru_cache(maxsize=1)
def _class_words() -> tuple[dict[str, str], list[tuple[list[str], str]]]:
    """(folded key → class, (words, class) of every class word, the longest first)."""
    classes = synonyms_file()["classes"]
    keys = {fold_key(name): str(code) for code, names in classes.items() for name in names}
    phrases = sorted(
        ((_WORDS.findall(fold(name)), str(code)) for code, names in classes.items() for name in names),
        key=lambda item: -len(item[0]),
    )
    return keys, phrases


def class_named(text: str) -> str | None:
    """The class a cell or a sheet's name names: a class word ("Hộ nghèo", "HCN"), else the class word it starts
    with, after "Hộ" or "H." ("Hộ nghèo thiếu hụt đa chiều", "HN mới", "Cận nghèo 2025", "Hộ CN"), unless
    another class word follows it ("Nghèo → cận nghèo": None)."""
    keys, phrases = _class_words()
    found = keys.get(fold_key(text))
    if found is not None:
        return found
    words = _WORDS.findall(fold(text))
    starts = [words, words[1:]] if words[:1] in (["ho"], ["h"]) else [words]
    for start in starts:
        for phrase, code in phrases:
            if start[: len(phrase)] == phrase:
                rest = start[len(phrase) :]
                others = (o for o, _c in phrases if len(o) > 1 or (len(o[0]) > 1 and o[0] != "khac"))
                return None if any(_holds(rest, other) for other in others) else code
    return None


@functools.lru_cache(maxsize=1)
def _life_notes() -> re.Pattern[str]:
    phrases = sorted({fold(p) for p in synonyms_file().get("life_notes", {}).get("phrases", [])}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b") if phrases else re.compile(r"(?!)")


def life_notes(notes: Sequence[str | None]) -> list[int]:
    """Indexes of the notes saying the person died or moved away ("Đã chết", "Chuyển đi nơi khác"; the
    phrases are data: "life_notes")."""
    pattern = _life_notes()
    said: dict[str, bool] = {}
    found = []
    for i, note in enumerate(notes):
        if note:
            if note not in said:
                said[note] = pattern.search(fold(note)) is not None
            if said[note]:
                found.append(i)
    return found


ETHNICITY_FOREIGN = (
    "người nước ngoài không thuộc dân tộc nào trong danh mục 54 dân tộc Việt Nam: để trống dân tộc "
    "(ghi quốc tịch ở cột Ghi chú nếu cần)"
)


# a relation with its rank after it: "Con thứ hai", "Con trai út", "Con dâu thứ 2", "Con nuôi cả"
_RANKED = re.compile(r"^(.+?)\s+(?:thứ\s+\w+|cả|út|trưởng)$", re.IGNORECASE)
_ETHNICITY_WORD = re.compile(r"^\s*(?:dân tộc|dan toc|dt)[\s.:]+", re.IGNORECASE)


class Vocab:
    """Matching the words people write to codes (folded names, aliases, codes)."""

    def __init__(self, db: Database) -> None:
        self.codes = reg.CodeBook(db)
        syn = synonyms_file()
        self.classes: dict[str, str] = {
            fold_key(name): str(code) for code, names in syn["classes"].items() for name in names
        }
        self.sexes = {fold_key(name): code for code, names in syn["sexes"].items() for name in names}
        self.heads = {fold_key(name) for name in syn["heads"]}
        self._head_words = list(syn["heads"])
        self.marks = {fold_key(name) for name in syn.get("marks", [])}
        self.yes_no: dict[str, bool] = {
            fold_key(word): answer for answer, words in ((True, syn["yes"]), (False, syn["no"])) for word in words
        }
        self.work_statuses = {
            fold_key(word): {k: v for k, v in item.items() if k != "words"}
            for item in syn.get("work_status", {}).get("values", [])
            for word in item["words"]
        }
        # "Vợ/chồng": a relation for either sex, the member's sex says which (accent key → man's, woman's code)
        self._pairs: dict[str, tuple[str, str]] = {
            accent_key(word): (item["M"], item["F"])
            for item in syn.get("relationships_by_sex", {}).get("pairs", [])
            for word in item["words"]
        }
        self._maps: dict[str, dict[str, str]] = {}
        self._memo: dict[tuple[str, str, str | None], str | None] = {}
        self._foreign = {fold_key(word) for word in syn.get("ethnicity_foreign", [])}

    def _map(self, list_name: str, system: str | None = None) -> dict[str, str]:
        key = f"{list_name}/{system or ''}"
        if key not in self._maps:
            mapping: dict[str, str] = {}
            aliases = _lookup_names(list_name)
            for code, item in self.codes.items(list_name, system).items():
                mapping.setdefault(fold_key(item["name"]), code)
                mapping.setdefault(fold_key(code), code)
                for alias in aliases.get(item["code_system"], {}).get(code, []):
                    mapping.setdefault(fold_key(alias), code)
            self._maps[key] = mapping
        return self._maps[key]

    def code(self, list_name: str, text: str, system: str | None = None) -> str | None:
        memo_key = (list_name, text, system)
        if memo_key in self._memo:
            return self._memo[memo_key]
        found = self._code(list_name, text, system)
        self._memo[memo_key] = found
        return found

    def relation_pairs(self, texts: list[str]) -> dict[int, tuple[str, str]]:
        """Row index → (code for a man, code for a woman) of the relations written for either sex."""
        if not self._pairs:
            return {}
        found = {t: self._pairs.get(accent_key(t)) for t in set(texts) if t}
        if not any(found.values()):
            return {}
        return {i: pair for i, t in enumerate(texts) if t and (pair := found[t]) is not None}

    def _code(self, list_name: str, text: str, system: str | None = None) -> str | None:
        key = fold_key(text)
        if not key:
            return None
        if list_name == "relationship" and not _PLAIN.match(text):
            # written with accents: matched with them ("Chú" is an uncle, "Chủ" the head; "Bà" is not "Ba")
            found = self._accented(list_name, system).get(accent_key(text))
        else:
            found = self._map(list_name, system).get(key)
            if found is None and list_name == "relationship" and key in self.heads:
                found = reg.HEAD
        if found is None and list_name == "ethnicity" and key.isdigit() and len(key) == 1:
            return self._code(list_name, "0" + key, system)  # a code that lost its zero in a number cell: 1 is 01
        if found is None and list_name == "ethnicity" and (plain := _ETHNICITY_WORD.sub("", text)) != text:
            return self._code(list_name, plain, system)  # "Dân tộc Kinh", "DT Tày"
        if found is None and list_name == "relationship" and (ranked := _RANKED.match(text.strip())):
            return self._code(list_name, ranked.group(1), system)  # "Con thứ hai", "Con trai út": as "Con"
        if found is None and "(" in text and not text.startswith("("):  # "Tày (Thổ)", "Chủ hộ (CH)"
            return self._code(list_name, text[: text.index("(")], system)
        return found

    def ethnicity_problem(self, text: str, system: str | None = None) -> tuple[str, str]:
        """(reason, severity) of an ethnicity not in the code list: a foreigner (no group of the list: a
        warning, left empty), two groups in one cell ("Tày Nùng": an error naming both), or unknown."""
        if fold_key(text) in self._foreign:
            return ETHNICITY_FOREIGN, "warning"
        found = self._several_ethnicities(text, system)
        if len(found) > 1:
            names = ", ".join(self.codes.items("ethnicity", system)[code]["name"] for code in found)
            return f"ghi {len(found)} dân tộc ({names}): mỗi người chỉ thuộc một dân tộc, hãy ghi đúng một", "error"
        return "không có trong danh mục dân tộc", "error"

    def _several_ethnicities(self, text: str, system: str | None) -> list[str]:
        """The codes of the groups ``text`` names one after another ("Tày Nùng", "Kinh/Hoa"), [] unless every
        word belongs to one of them."""
        words = [w for w in re.split(r"[\s,;/+&()\-]+", text) if w and fold_key(w) not in ("va", "hoac")]
        found: list[str] = []
        start = 0
        while start < len(words):
            for end in range(len(words), start, -1):  # the longest name first ("Gia Rai", "Bru Vân Kiều")
                code = self.code("ethnicity", " ".join(words[start:end]), system)
                if code is not None:
                    found.append(code)
                    start = end
                    break
            else:
                return []
        return list(dict.fromkeys(found))

    def _accented(self, list_name: str, system: str | None) -> dict[str, str]:
        key = f"accented:{list_name}/{system or ''}"
        if key not in self._maps:
            mapping: dict[str, str] = {}
            aliases = _lookup_names(list_name)
            for code, item in self.codes.items(list_name, system).items():
                for name in (item["name"], *aliases.get(item["code_system"], {}).get(code, [])):
                    mapping.setdefault(accent_key(name), code)
                mapping.setdefault(accent_key(code), code)
            if list_name == "relationship":
                for name in self._head_words:
                    mapping.setdefault(accent_key(name), reg.HEAD)
            self._maps[key] = mapping
        return self._maps[key]

    def _cause_names(self) -> list[tuple[str, str]]:
        """(folded name or alias, cause code), the longest first: the official wordings (Mẫu 7.10), the short forms."""
        if not hasattr(self, "_causes"):
            aliases = _lookup_names("poverty_cause")
            names: list[tuple[str, str]] = []
            for code, item in self.codes.items("poverty_cause").items():
                for name in [item["name"], *aliases.get(item["code_system"], {}).get(code, [])]:
                    if fold(name):
                        names.append((fold(name), code))
            self._causes = sorted(names, key=lambda x: -len(x[0]))
        return self._causes

    def causes(self, text: str) -> tuple[list[str], bool]:
        """Cause codes found in ``text`` (names or numbers) and whether everything was understood."""
        folded = fold(text)
        found: list[str] = []
        rest = folded
        for name, code in self._cause_names():
            if name in rest:
                found.append(code)
                rest = rest.replace(name, " ")
        for token in re.findall(r"\d+", rest):
            if self.codes.has("poverty_cause", token):
                found.append(token)
                rest = rest.replace(token, " ", 1)
        leftover = re.sub(r"[\s,;/+.\-]+", "", rest)
        return list(dict.fromkeys(found)), not leftover


_VILLAGE_PREFIX = re.compile(
    r"^(?:(?:thon|to dan pho|to|xom|ban|ap|khom|buon|khu pho|khu|doi)\s+|(?:th|t|x|tdp|kp)\.\s*)"
)


# a village known by its number, its kind word short or long: "Thôn 01", "T1", "T.2", "Th 3", "TDP 4", "X5"
_VILLAGE_NUMBER = re.compile(
    r"^(?:thon|th|t|to dan pho|tdp|to|xom|x|ban|b|ap|khom|buon|khu pho|kp|khu|doi)?\s*[.:-]?\s*0*(\d+)$"
)


# a village's number written another way: "Thôn số 2", "Thôn II", "Xóm Ba", "Thôn Mười Hai"
_KIND_WORD = re.compile(r"^(?:thôn|tổ dân phố|tổ|xóm|bản|ấp|khóm|buôn|khu phố|khu|đội|làng)\s+")
_ROMAN = re.compile(r"^(?=[ivxlc])(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_UNITS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_LATER_UNITS = {**_UNITS, "mốt": 1, "tư": 4, "lăm": 5}  # after "mười", "mươi": "mười lăm", "hai mươi mốt"


def _roman_value(text: str) -> int | None:
    if _ROMAN.match(text) is None:
        return None
    values = [{"c": 100, "l": 50, "x": 10, "v": 5, "i": 1}[c] for c in text]
    return sum(-v if nxt > v else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


def _words_value(words: list[str]) -> int | None:
    if len(words) == 1:
        return 10 if words[0] == "mười" else _UNITS.get(words[0])
    if len(words) == 2 and words[0] == "mười":  # "mười một", "mười lăm"
        return 10 + _LATER_UNITS[words[1]] if words[1] in _LATER_UNITS else None
    if len(words) in (2, 3) and words[0] in _UNITS and words[0] != "một" and words[1] == "mươi":  # "hai mươi mốt"
        rest = _LATER_UNITS.get(words[2]) if len(words) == 3 else 0
        return None if rest is None else _UNITS[words[0]] * 10 + rest
    return None


def village_number(text: str) -> tuple[str, str] | None:
    """('số' | 'roman' | 'words', the number) of a village written by its number another way than in figures: "Thôn số
    2", "Thôn II", "Xóm Ba", "Thôn Mười Hai" (None for any other name). A commune whose villages are "Thôn 1", "Thôn
    2"… reads them as those, unless it writes some of its own villages that way (:func:`numbered_villages`)."""
    bare = _KIND_WORD.sub("", " ".join(normalize("NFC", text).lower().split()))
    if bare[:3] == "số " and bare[3:].isdigit():
        return "số", str(int(bare[3:]))
    value = _roman_value(bare)
    if value is not None:
        return "roman", str(value)
    value = _words_value(bare.split())
    return ("words", str(value)) if value is not None else None


def village_norm(text: str) -> str:
    """A village's key with its number however written ("Thôn II", "Thôn số 2", "Thôn 2": "2"): two names of one
    village written two ways compare equal."""
    number = village_number(text)
    return number[1] if number is not None else village_key(text)


def village_form(text: str) -> str | None:
    """How a village's number is written: 'digits' ("Thôn 2", "T2"), or :func:`village_number`'s way; None for a
    village not known by a number."""
    found = village_number(text)
    if found is not None:
        return found[0]
    return "digits" if village_key(text).isdigit() else None


def numbered_villages(names: Iterable[str]) -> frozenset[str]:
    """The ways (:func:`village_form`) a commune's own village names write their number (then no list's village
    written that way is read as another: "Thôn II" may be another village than "Thôn 2"); a village named by one
    letter ("Khu C") counts as Roman."""
    used = set()
    for name in names:
        form = village_form(name)
        if form is not None:
            used.add(form)
        if len(_KIND_WORD.sub("", fold(name))) == 1:
            used.add("roman")
    return frozenset(used)


def village_numbers(names: Iterable[str]) -> dict[str, str]:
    """The commune's villages known by a number, however written: the number → the name (a number two of them
    share left out)."""
    found: dict[str, str | None] = {}
    for name in names:
        if village_form(name) is not None:
            number = village_norm(name)
            found[number] = None if number in found else name
    return {number: name for number, name in found.items() if name is not None}


def numbered_village(text: str, numbers: dict[str, str], forms: frozenset[str]) -> str | None:
    """The commune's village ``text`` names by its number written another way ("Thôn II", "Thôn số 2", "Thôn Hai"
    for "Thôn 2"; "Thôn 2" for "Thôn II"), when the commune writes none of its villages that way (``forms``:
    :func:`numbered_villages`; ``numbers``: :func:`village_numbers`)."""
    form = village_form(text)
    if form is None or form in forms:
        return None
    return numbers.get(village_norm(text))


_TITLE = re.compile(r"^(?:hộ\s+)?(?:(ông|bà)\s+|(ô|b)\.\s*)(?=\S)", re.IGNORECASE)


def drop_titles(names: list[Any]) -> tuple[list[Any], list[str | None] | None]:
    """A column of heads' names written with their title ("Ông Nguyễn Văn Hùng", "Hộ bà Lê Thị Lan"): the names
    without it, and the sex it gives ('Nam'/'Nữ' as a list writes it). Only when most names have one: "Ông" is
    also a family name, rare."""
    filled = [i for i, v in enumerate(names) if type(v) is str]
    found = {i: m for i in filled if (m := _TITLE.match(names[i])) and len(names[i]) > m.end() + 1}
    if not found or len(found) * 2 < len(filled):
        return names, None
    plain = list(names)
    sexes: list[str | None] = [None] * len(names)
    for i, match in found.items():
        plain[i] = names[i][match.end() :]
        sexes[i] = "Nam" if (match.group(1) or match.group(2)).casefold().startswith("ô") else "Nữ"
    return plain, sexes


_NAME_TITLE = re.compile(r"^(ông|bà)\s+(?=\S+\s+\S)", re.IGNORECASE)  # "Ông Phạm Văn Long": a title and a name


def drop_name_titles(names: list[str], sample: int = 2000) -> tuple[list[str], list[int]]:
    """Names written with the head's title ("Ông Phạm Văn Long", "Bà Lò Thị Xuân") in a column of everyone's names:
    the names without it, and the rows that had one; ``names`` itself when the first rows show no such habit: a
    title on both a man's ("Ông") and a woman's ("Bà") name, and no "Ông … Thị …" ("Ông" is also a family name)."""
    first = [m.group(1).casefold() for name in names[:sample] if (m := _NAME_TITLE.match(name))]
    if "ông" not in first or "bà" not in first:
        return names, []
    plain = list(names)
    rows = []
    for i, name in enumerate(names):
        found = _NAME_TITLE.match(name)
        if found is not None:
            if found.group(1).casefold() == "ông" and " thị " in f" {name.casefold()} ":
                return names, []
            plain[i] = name[found.end() :]
            rows.append(i)
    return plain, rows


@functools.lru_cache(maxsize=1)
def _bullets() -> tuple[str, ...]:
    return tuple(sorted(synonyms_file().get("name_bullets", []), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _bullet_starts() -> frozenset[str]:
    return frozenset(b[:1] for b in _bullets())


_FIRST = itemgetter(slice(0, 1))
_LAST = itemgetter(slice(-1, None))


def drop_bullets(names: list[str]) -> tuple[list[str], set[int]]:
    """Names without the bullet a list puts before the members under their head ("- Lê Thị Lan", "+ Lan",
    "• Lan": ``resources/templates/header-synonyms.json``, "name_bullets"), and the rows that had one;
    ``names`` itself when none has one."""
    bullets = _bullets()
    if _bullet_starts().isdisjoint(map(_FIRST, names)):  # the first characters only, in C
        return names, set()
    plain = list(names)
    marked: set[int] = set()
    for i, name in enumerate(names):
        if name.startswith(bullets):
            rest = name
            while rest.startswith(bullets):  # "- - Lan", "-- Lan"
                rest = rest[len(next(b for b in bullets if rest.startswith(b))) :].lstrip()
            if any(map(str.isalpha, rest)):  # a name after it (a cell of "-" alone stays, and is refused)
                plain[i] = rest
                marked.add(i)
    return plain, marked


_NAME_NOTE = re.compile(r"^(.*?[^\W\d_].*?)\s*[(\[]([^()\[\]]+)[)\]]\s*$")


def split_name_notes(names: list[str]) -> tuple[list[str], dict[int, str]]:
    """Names with a note in brackets after them ("Lê Thị Lan (đã chết)", "Nguyễn Văn Hùng (CH)"): the names
    without it, and the notes by row; ``names`` itself when none has one."""
    if {")", "]"}.isdisjoint(map(_LAST, names)):  # the last characters only, in C
        return names, {}
    plain = list(names)
    notes: dict[int, str] = {}
    for i, name in enumerate(names):
        found = _NAME_NOTE.match(name) if name.endswith((")", "]")) else None
        if found is not None:
            plain[i], notes[i] = found.group(1).strip(), found.group(2).strip()
    return plain, notes


def join_given(family: list[Any], given: list[Any]) -> list[Any]:
    """A name written in two columns ("Họ và chữ đệm" | "Tên") as one; a "Tên" column kept beside the whole
    name (to sort by) is not added to it again."""
    joined: list[Any] = []
    for first, last in zip(family, given, strict=True):
        if last is None or first is None:
            joined.append(last if first is None else first)
            continue
        head, tail = _text(first), _text(last)
        whole = fold(head)
        joined.append(head if whole == fold(tail) or whole.endswith(" " + fold(tail)) else f"{head} {tail}")
    return joined


def phone_text(value: Any) -> str:
    """A phone number as written; a number cell lost its leading 0 (912345678 is 0912345678)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = cell_text(value)
        return "0" + digits if digits.isdigit() and len(digits) in (9, 10) and digits[0] != "0" else digits
    return _text(value)


def village_key(name: str) -> str:
    folded = fold(name)
    numbered = _VILLAGE_NUMBER.match(folded)
    if numbered:
        return numbered.group(1)
    return fold_key(_VILLAGE_PREFIX.sub("", folded)) or fold_key(folded)


_SUMMARY = re.compile(r"^(tong|cong|tong cong|tong so|nguoi lap|chu tich|xac nhan|ngay .* thang)")


# characters that break the files made later (xlsx, PDF, the upload package): C0/C1 controls other
# than tab and line breaks, unpaired surrogates, non-characters
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_SPACES = re.compile("[ \u00a0]+")
# what a cell pasted from Zalo, a web page or a PDF carries unseen: zero-width spaces and joiners, soft
# hyphens, a byte-order mark, direction marks (dropped); tabs, line breaks typed with Alt+Enter (a name on two
# lines) and the wide, narrow and ideographic spaces (one space: the register keeps one-line texts)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
_ODD_SPACES = re.compile("[ \t\n\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

# what Excel shows in a cell whose formula failed (a VLOOKUP that found nothing, a sheet deleted…)
EXCEL_ERRORS = frozenset(
    ["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"]
)
_HOSTILE = "\x00hostile"  # _screened: an over-long cell or a formula (the row is read again and reported)


# letters that Vietnamese written in Unicode never holds but the old 8-bit fonts put in its place: TCVN3
# (.VnTime: "NguyÔn V¨n Hïng") and VNI-Windows ("Nguyeãn Vaên Huøng") store the accented letters as
# Latin-1 symbols and foreign letters
LEGACY_FONT_CHARS = re.compile(
    "[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de-\u00df"
    "\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]"
)

LEGACY_FONT_HELP = (
    "chữ gõ bằng phông chữ cũ (bảng mã TCVN3 – phông .VnTime, hoặc VNI – phông VNI-Times), không phải "
    "Unicode; hãy chuyển tệp sang Unicode rồi nhập lại: mở tệp trong Excel, chọn (bôi đen) các ô, sao chép, "
    "bật Unikey → Công cụ (Ctrl+Shift+F6) → Bảng mã nguồn “TCVN3 (ABC)” (hoặc “VNI Windows”), đích "
    "“Unicode” → Chuyển mã, rồi dán lại vào Excel và đặt phông Times New Roman"
)


LEGACY_FONT_REASON = "chữ gõ bằng phông chữ cũ (TCVN3/.VnTime hoặc VNI), không phải Unicode: chuyển mã tệp rồi nhập lại"


def legacy_font(texts: Sequence[str | None]) -> list[int]:
    """Indexes of the texts typed in an old 8-bit Vietnamese font (one search over the whole column)."""
    try:
        joined = "\n".join(texts)  # type: ignore[arg-type]  # text only (the usual): joined in C
    except TypeError:
        joined = "\n".join(t or "" for t in texts)
    if not LEGACY_FONT_CHARS.search(joined):
        return []
    return [i for i, t in enumerate(texts) if t and LEGACY_FONT_CHARS.search(t)]


def _screened(text: str) -> str:
    """A text cell stripped and in NFC ('' when blank), or ``_HOSTILE``."""
    value = text.strip()
    if not value:
        return ""
    if (
        len(value) > MAX_CELL_CHARS
        or (value[0] == "=" and len(value) > 1)
        or (value[0] == "#" and value in EXCEL_ERRORS)
    ):
        return _HOSTILE
    if not value.isprintable():
        if _BAD_CHARS.search(value):
            return _HOSTILE
        value = _ODD_SPACES.sub(" ", _INVISIBLE.sub("", value)).strip()
        if not value:
            return ""
    if "\u00a0" in value or "  " in value:  # non-breaking spaces (copied from a web page), double spaces
        value = _SPACES.sub(" ", value)
    return normalize("NFC", value)


_NONE_FOR_EMPTY: dict[Any, Any] = {"": None}  # .get(text, text): None for '', any other as it is


def screened_texts(texts: list[str]) -> list[str | None] | None:
    """``_screened(t) or None`` of each text, when a few scans of the joined texts in C show that :func:`_screened`
    leaves each one but '' as it is (a column of 200,000 ID numbers, dates or names, most of them different);
    None when some text needs a look of its own (see :func:`already_screened`)."""
    # joined by "|": printable, and a starter that composes with nothing (the whole is NFC exactly when each
    # text is); one character looked for first (in C, at memory speed) spares most of the two-character scans
    joined = "|".join(texts)
    if (
        joined.count("|") != len(texts) - 1  # a text holding a "|" (or no text at all)
        or not joined.isprintable()  # then U+0020 is the only white space left
        or joined[:1] in (" ", "=", "#")
        or joined[-1:] == " "
        or (" " in joined and (" |" in joined or "| " in joined or "  " in joined))
        or ("=" in joined and "|=" in joined)
        or ("#" in joined and "|#" in joined)
        or (len(joined) > MAX_CELL_CHARS and max(map(len, texts)) > MAX_CELL_CHARS)
        or not is_normalized("NFC", joined)
    ):
        return None
    if "||" in joined or joined[:1] == "|" or joined[-1:] == "|" or not joined:  # some texts ''
        return list(map(_NONE_FOR_EMPTY.get, texts, texts))
    return list(texts)


def already_screened(texts: list[str]) -> bool:
    """Whether :func:`_screened` leaves each of these texts as it is (none empty or blank, over-long, a formula, with
    an unprintable character, outer or double spaces, or not in NFC): a few scans of the joined texts in C
    instead of a call per cell (a column of 200,000 ID numbers or names). False only says "look at each"."""
    if not texts:
        return True
    whole = "".join(texts)
    if "" in texts or (len(whole) > MAX_CELL_CHARS and max(map(len, texts)) > MAX_CELL_CHARS):
        return False
    if not whole.isprintable():  # then U+0020 is the only white space left (the others are unprintable)
        return False
    # joined by line breaks: a starter that composes with nothing, so the whole is NFC exactly when each text is
    joined = "\n".join(texts)
    return (
        joined[0] not in " =#" and joined[-1] != " " and "\n=" not in joined and "\n#" not in joined
        and " \n" not in joined
        and "\n " not in joined and "  " not in joined and is_normalized("NFC", joined)
    )  # fmt: skip
