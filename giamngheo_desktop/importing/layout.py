"""Where a sheet's list is: the rows between its header and its end, and what the sheet says around them.

A list ends at a signature or date footer ("Người lập biểu", "TM. Ủy ban nhân dân",
"…, ngày … tháng … năm …") or at its totals row ("Tổng cộng"); a subtotal ("Cộng thôn …")
inside it is skipped. A row holding only a village ("Thôn Đông Xá", as the app's own detailed
list writes) or only a class ("I. HỘ NGHÈO") gives that to the rows under it. A sheet named
after a village, or whose title names one, gives that village to its rows; a title naming one
class ("DANH SÁCH CHI TIẾT HỘ NGHÈO") gives that class. Phrases are data
(``resources/templates/header-synonyms.json``: "totals", "footers").
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from unicodedata import normalize

from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.importing.headers import LABEL_JOIN, HeaderMatch, is_number_row, synonyms_file
from giamngheo_desktop.importing.preview import column_letter
from giamngheo_desktop.importing.reader import RawTable
from giamngheo_desktop.importing.values import cell_text, class_named, village_norm
from giamngheo_desktop.text import fold, fold_key

VillageOf = Callable[[str], "str | None"]  # a text → the village it names (its name as the commune writes it), or None

_VILLAGE_WORDS = re.compile(r"^(thon|to dan pho|to|xom|ban|ap|khom|buon|khu pho|khu|doi|lang)\s+\S")
_ENUMERATION = re.compile(r"^\s*(?:(?:phần|mục)\s+)?(?:[ivxlc]+|\d+|[a-z])\s*[.):/-]\s*", re.IGNORECASE)
_COUNT_NOTE = re.compile(r"\s*[(:].*$")
_LIST_TITLE = re.compile(r"^(?:danh sach|ds)\b|^ho (?:can )?ngheo\b")  # a list's title, a class's group
_PAGE_NUMBER = re.compile(r"^\s*[.:]?\s*\d{1,4}\s*(?:(?:/|of|tren)\s*\d{1,4})?\s*$")
_VILLAGE_MENTION = re.compile(r"\b(?:thon|xom|to|ban|ap|khom|buon|khu|lang|doi)\b")
_LIST_WORD = re.compile(r"^\s*(?:ds|d\.\s*s\.?|danh\s+sách)\b\s*[:.-]?\s*", re.IGNORECASE)  # a sheet's "DS …"
_DATE_LINE = re.compile(r"\bngay\b.{0,12}\bthang\b.{0,12}\bnam\b")


@functools.lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = synonyms_file()
    totals = tuple(sorted((fold(p) for p in data.get("totals", [])), key=len, reverse=True))
    footers = tuple(fold(p).strip("() ") for p in data.get("footers", []))
    return totals, footers


@functools.lru_cache(maxsize=1)
def _class_words() -> dict[str, str]:
    return {fold_key(name): code for code, names in synonyms_file()["classes"].items() for name in names}


def _first_text(row: list[Any]) -> str:
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str):
            text = cell.strip()
            if text:
                return text
            continue
        return ""  # a number first (a row number): a data row
    return ""


def _starts_with(text: str, phrase: str) -> bool:
    return text == phrase or (text.startswith(phrase) and not text[len(phrase)].isalnum())


@functools.lru_cache(maxsize=1)
def _initials() -> frozenset[str]:
    totals, footers = _phrases()
    return frozenset(p[:1] for p in (*totals, *footers) if p)


def row_kind(row: list[Any]) -> str:
    """'footer', 'total', 'subtotal' or '' (anything else) for a row under the header."""
    raw = _first_text(row)
    if not raw:
        return ""
    # most rows start with a row number (then raw is ''), or a name: only a few initials need a closer look
    if fold(raw[:2]).strip("() ")[:1] not in _initials() and "ng" not in raw.lower():
        return ""
    first = fold(raw).strip("() ")
    if not first:
        return ""
    totals, footers = _phrases()
    for phrase in footers:
        if _starts_with(first, phrase):
            return "footer"
    if _DATE_LINE.search(first) and len(first) < 80:
        return "footer"
    for phrase in totals:
        if _starts_with(first, phrase):
            if phrase.startswith("cong") and len(first) > len(phrase) + 1:
                return "subtotal"  # "Cộng thôn Đồng Xuân", "Cộng hộ"
            # "Tổng thôn Đồng Xuân", "Tổng số hộ thôn Tân Hòa": one village's, the list goes on
            return "subtotal" if _VILLAGE_MENTION.search(first[len(phrase) :]) else "total"
    return ""


_GROUP_NUMBER = re.compile(r"^(?:[IVXLC]{1,6}|[A-Za-z]|\d{1,3})\s*[.)]?$")


def _single_text(row: list[Any]) -> str | None:
    """The row's one text when it holds nothing else (numbers beside it are counts, and so is a group's own
    number in the STT column: "I" | "THÔN ĐỒNG XUÂN", "A" | "HỘ NGHÈO")."""
    texts = [c.strip() for c in row if isinstance(c, str) and c.strip()]
    if len(texts) == 2 and _GROUP_NUMBER.match(texts[0]):
        return texts[1]
    if len(texts) != 1:
        return None
    return texts[0]


@functools.lru_cache(maxsize=1)
def _class_fields() -> frozenset[str]:
    return frozenset(["poverty_class", *synonyms_file().get("class_marks", {}).get("fields", {})])


@functools.lru_cache(maxsize=1)
def _page_words() -> tuple[str, ...]:
    return tuple(fold(word) for word in synonyms_file().get("pages", []))


def _page_mark(text: str) -> bool:
    """A printed page's number ("Trang 2", "Trang 2/3", "Page 1 of 4"; the words are data: "pages")."""
    folded = fold(text)
    for word in _page_words():
        if _starts_with(folded, word):
            return _PAGE_NUMBER.match(folded[len(word) :]) is not None
    return False


def group_value(text: str, village_of: VillageOf) -> tuple[str, str] | None:
    """('village', name) or ('class', code) when a row holding only ``text`` opens a group."""
    bare = _COUNT_NOTE.sub("", _ENUMERATION.sub("", text)).strip()
    if not bare or len(bare) > 150:
        return None
    if len(bare) > 60:
        return _title_group(bare)
    klass = _class_words().get(fold_key(bare))
    if klass is not None:
        return "class", klass
    village = village_of(bare)
    if village is not None:
        return "village", village
    if _VILLAGE_WORDS.match(fold(bare)):
        return "village", bare
    return _title_group(bare)


def _title_group(text: str) -> tuple[str, str] | None:
    """('class', code) of a title naming one class over the rows under it: "DANH SÁCH HỘ CẬN NGHÈO NĂM 2025"
    over a second table, "HỘ NGHÈO PHÁT SINH MỚI"."""
    if _LIST_TITLE.match(fold(text)) and (klass := title_class([text])) is not None:
        return "class", klass
    return None


def title_class(texts: list[str]) -> str | None:
    """The class a title names alone: 'poor' for "DANH SÁCH HỘ NGHÈO …", 'near_poor' for "… HỘ CẬN NGHÈO"."""
    folded = " ".join(fold(t) for t in texts)
    near = "can ngheo" in folded
    poor = re.search(r"(?<!can )(?<!thoat )(?<!khong )\bngheo\b", folded.replace("can ngheo", " ")) is not None
    if "thoat" in folded:
        return None
    if near and not poor:
        return "near_poor"
    if poor and not near:
        return "poor"
    return None


@dataclass
class SheetPart:
    """One sheet's list: its rows and what the sheet says of them."""

    table: RawTable
    header: HeaderMatch
    start: int  # index in table.rows of the first data row
    end: int  # index after the last
    groups: dict[int, dict[str, str]] = field(default_factory=dict)  # row index → {'village'|'class': value}
    skipped: set[int] = field(default_factory=set)  # row indexes inside [start, end) that are not data
    village: str | None = None  # from the sheet's name or title
    klass: str | None = None  # from the title
    notes: list[str] = field(default_factory=list)
    # household title rows ("1 | Hộ ông Phạm Văn Long - Thôn Đồng Xuân (Hộ nghèo)"): the first row under each →
    # (the title's row index, the head's name it gives)
    starts: dict[int, tuple[int, str]] = field(default_factory=dict)
    empty_titles: list[int] = field(default_factory=list)  # title rows with no one under them
    # rows under a household title row naming their village or class → (the title's row index, village, class)
    titled: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    # a title row saying how many people the household has ("(4 khẩu)"): (its index, that number, the rows under it)
    title_counts: list[tuple[int, int, int]] = field(default_factory=list)
    # a title row naming another village or class than the group row above it: (its index, field, title's, group's)
    title_conflicts: list[tuple[int, str, str, str]] = field(default_factory=list)
    next_header: HeaderMatch | None = None  # a second table's own header further down the sheet (its columns other)
    next_top: int = 0  # where the second table's title starts


def class_by_values(table: RawTable, header: HeaderMatch, scan: int = 2000) -> str | None:
    """A list with no class column whose unnamed column ("Hộ", "Diện") holds only class words ("Hộ nghèo",
    "Cận nghèo", "HCN"), at least one of them poor or near-poor: that column is the class column (its
    label, the header changed in place); None when there is none."""
    if _class_fields().intersection(header.columns.values()):
        return None
    rows = table.rows[header.data_start : header.data_start + scan]
    for col in sorted(c for c in header.labels if c not in header.columns):
        words = {c.strip() for r in rows if col < len(r) and isinstance(c := r[col], str) and c.strip()}
        if len(words) > 12 or not any(len(w) > 1 for w in words):
            continue
        classes = {class_named(w) for w in words}
        if None not in classes and classes & {"poor", "near_poor"}:
            header.columns = dict(sorted({**header.columns, col: "poverty_class"}.items()))
            header.texts.setdefault("poverty_class", header.labels[col])
            header.duplicates = [d for d in header.duplicates if d[2] != col]
            return header.labels[col]
    return None


_TABLE_FIRSTS = frozenset(["stt", "tt", "số tt", "số thứ tự", "stt hộ", "tt hộ", "họ và tên", "họ tên"])


def cut(
    table: RawTable,
    header: HeaderMatch,
    village_of: VillageOf,
    village_in: VillageOf,
    *,
    top: int = 0,
    header_at: Callable[[int], HeaderMatch | None] | None = None,
) -> SheetPart:
    """The sheet's list: where it starts and ends, its group rows, its village and class. ``top``: the row its title
    starts at (under the sheet's table above, for a second table); ``header_at(index)``: a header of other columns
    starting at that row, which ends this list and starts another (``part.next_header``)."""
    rows = table.rows
    numbers = table.row_numbers
    part = SheetPart(table=table, header=header, start=header.data_start, end=len(rows))
    titles = [c.strip() for r in rows[top : header.row] for c in r if isinstance(c, str) and c.strip()]
    part.village = village_of(table.sheet) or _village_in(titles, village_in)
    if not _class_fields().intersection(header.columns.values()):  # "HCN 2025": a sheet of one class
        part.klass = (
            title_class([*titles, table.sheet])
            or class_named(table.sheet)
            or class_named(_LIST_WORD.sub("", table.sheet))  # "DS HCN 2026"
        )
    current: dict[str, str] = {}
    # "I. HỘ NGHÈO" just above the header: the first table's group (the next ones come with the header again)
    for row in reversed(rows[top : header.row]):
        single = _single_text(row)
        if single is None:
            if any(c not in (None, "") for c in row):
                break
            continue
        found = group_value(single, village_of)
        if found is not None:
            current = {found[0]: found[1]}
        break
    # "1 | Thôn Đồng Xuân": group rows numbered like the data rows (then every numbered row is looked at)
    numbered_groups = any(
        row and type(row[0]) in (int, float) and (single := _single_text(row)) and group_value(single, village_of)
        for row in rows[header.data_start : header.data_start + 40]
    )
    header_words = {col: {fold_key(p) for p in label.split(LABEL_JOIN)} for col, label in header.labels.items()}
    # a header copied again holds the header's own text in its first labelled column: one look per row
    first_col = min(header.labels) if header.labels else 0
    first_texts = {p.strip().casefold() for p in header.labels.get(first_col, "").split(LABEL_JOIN)}
    for index in range(header.data_start, len(rows)):
        row = rows[index]
        if row and (type(row[0]) is float or type(row[0]) is int) and not numbered_groups:
            if current:  # a numbered data row (the usual): neither footer, total nor group row
                part.groups[index] = current
            continue
        filled = len(row) - row.count("") - row.count(None)
        cell = row[first_col] if first_col < len(row) else None
        if (
            filled >= 3
            and type(cell) is str
            and cell.strip().casefold() in first_texts
            and _repeats_header(row, header_words)
        ):  # the header copied again (printed lists)
            part.skipped.add(index)
            if index + 1 < len(rows) and is_number_row(rows[index + 1]):
                part.skipped.add(index + 1)
            continue
        if (
            header_at is not None
            and filled >= 3
            and type(cell) is str
            and (cell.strip().casefold() in first_texts or cell.strip().casefold() in _TABLE_FIRSTS)
            and (found_header := header_at(index)) is not None
        ):  # a second table's own header, its columns in another order ("DANH SÁCH HỘ CẬN NGHÈO" further down)
            end = index
            while end > part.start and (end - 1 in part.skipped or not any(c not in (None, "") for c in rows[end - 1])):
                end -= 1  # its title rows ("DANH SÁCH HỘ CẬN NGHÈO") are the next table's
            part.end, part.next_header, part.next_top = end, found_header, end
            break
        if index in part.skipped:
            continue
        kind = row_kind(row)
        if kind == "total" and _table_follows(rows, index + 1, header_words, village_of):
            kind = "subtotal"  # "Cộng" under one table of several ("I. HỘ NGHÈO … II. HỘ CẬN NGHÈO …")
        if kind in ("footer", "total"):
            part.end = index
            if kind == "total" and header_at is not None:  # "Tổng cộng", then another table with its own header
                part.next_header = next(
                    (later for j in range(index + 1, min(index + 6, len(rows))) if (later := header_at(j))), None
                )
                if part.next_header is not None:
                    part.next_top = index + 1  # (after the totals row)
                    break
            left = sum(1 for r in rows[index + 1 :] if sum(1 for c in r if c not in (None, "")) >= 3)
            word = "phần ký tên" if kind == "footer" else "dòng tổng cộng"
            if left:
                part.notes.append(
                    f"Trang “{table.sheet}”: danh sách dừng ở dòng {numbers[index]} ({word}); "
                    f"{left} dòng có dữ liệu phía dưới không được đọc."
                )
            break
        if kind == "subtotal":
            part.skipped.add(index)
            continue
        single = _single_text(row) if filled == 1 or filled == 2 else None
        if single is not None and _page_mark(single):  # "Trang 2/3" of a printed list
            part.skipped.add(index)
            continue
        if single is not None:
            found = group_value(single, village_of)
            if found is not None:
                current = {**current, found[0]: found[1]}
                part.skipped.add(index)
                continue
        if current:
            part.groups[index] = current
    household_titles(part, village_of, village_in)
    _villages_in_addresses(part, village_of, village_in)
    if (
        part.klass is None
        and not _class_fields().intersection(header.columns.values())
        and not any("class" in g for g in part.groups.values())
        and re.search(r"\bngheo\b", fold(" ".join([*titles, table.sheet])))
    ):
        part.notes.append(
            f"Trang “{table.sheet}”: tiêu đề nói hộ nghèo, cận nghèo mà không có cột loại hộ (“Phân loại hộ”): các "
            "hộ mới sẽ được ghi là hộ không nghèo. Hãy chọn cột ghi loại hộ ở thẻ “Cột trong tệp” (dòng lệnh: --map), "
            "hoặc thêm cột “Phân loại hộ” vào tệp."
        )
    if table.long_gap and table.long_gap <= (numbers[part.end - 1] if part.end > part.start else 0):
        part.notes.append(
            f"Trang “{table.sheet}”: có nhiều dòng trống liền nhau trước dòng {table.long_gap}; "
            "các dòng sau chỗ trống vẫn được đọc."
        )
    return part


_HOUSEHOLD_TITLE = re.compile(
    r"^\s*(?:\d{1,4}\s*[.)/-]?\s*)?"
    r"(?:(?:hộ(?:\s+gia\s+đình)?|hgđ|gia\s+đình)(?:\s+số\s*\d{1,4})?(?:\s+của)?\s*[:.-]?\s*(?:ông|bà|anh|chị|cụ|ô\.|b\.)\s"
    r"|(?:hộ(?:\s+gia\s+đình)?|hgđ)(?:\s+số\s*\d{1,4})?\s*[:.-]|chủ\s+hộ\s*:)"
    r"\s*(?P<name>[^\W\d_][^-–—,;:(|/\d]*?)"
    r"\s*(?:[-–—,;:(|/]|\s(?=(?:thôn|xóm|tổ|bản|ấp|khu|làng|đội|buôn)\b)|$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


_TITLE_COUNT = re.compile(r"\b(\d{1,2})\s*(?:nhân\s+)?(?:khẩu|người|nk)\b", re.IGNORECASE)


def household_title(text: str, village_of: VillageOf, village_in: VillageOf) -> tuple[str, str, str] | None:
    """(the head's name, the village, the class) a household's title row gives ('' for what it does not say):
    "Hộ ông Phạm Văn Long - Thôn Đồng Xuân (Hộ nghèo)", "HỘ BÀ LÒ THỊ XUÂN, THÔN ĐỒNG XUÂN - HỘ CẬN NGHÈO",
    "Chủ hộ: Đỗ Văn Lành; Thôn Bãi Sậy; Hộ nghèo"; None for any other text."""
    found = _HOUSEHOLD_TITLE.match(normalize("NFC", text))
    if found is None:
        return None
    name = " ".join(found.group("name").split())
    if not 2 <= len(name.split()) <= 7:
        return None
    rest = found.group("rest")
    village = village_in(rest) or ""
    if not village:  # a village the commune does not have: as written, for the planner to name
        for piece in re.split(r"[-–—,;:()|/]", rest):
            if _VILLAGE_WORDS.match(fold(piece.strip())):
                village = village_of(piece.strip()) or piece.strip()
                break
    klass = title_class([rest])
    if klass is None:  # "(HN)", "(HCN)", "(Thoát nghèo)": a class written short, in a piece of its own
        pieces = (piece.strip() for piece in re.split(r"[-–—,;:()|/]", rest))
        klass = next((named for piece in pieces if piece and (named := class_named(piece)) is not None), None)
    return name, village, klass or ""


def _title_text(row: list[Any]) -> str | None:
    """The one text of a row that holds nothing else but numbers (its number in the STT column)."""
    text = None
    for cell in row:
        if type(cell) is str:
            if cell.strip():
                if text is not None:
                    return None
                text = cell
        elif cell is not None and type(cell) is not int and type(cell) is not float:
            return None
    return text


def household_titles(part: SheetPart, village_of: VillageOf, village_in: VillageOf, scan: int = 40) -> None:
    """A list whose households each open with a title row of their own ("1 | Hộ ông Phạm Văn Long - Thôn Đồng Xuân
    (Hộ nghèo)", merged across), the people under it: the title rows are not people; each starts a household
    (``part.starts``, when the list has no household code or number of its own) and gives its rows the village
    and class it names. Looked for in the first rows only (the usual list has none)."""
    rows = part.table.rows
    first = [i for i in range(part.start, min(part.end, part.start + scan)) if i not in part.skipped]
    if not any((t := _title_text(rows[i])) and household_title(t, village_of, village_in) for i in first):
        return
    numbered = bool({"household_code", "household_no"} & set(part.header.columns.values()))
    current: dict[str, str] | None = None
    title: tuple[int, str] | None = None
    said: tuple[int, str, str] | None = None
    titles: list[int] = []
    names = [col for col, key in part.header.columns.items() if key in ("full_name", "given_name", "head_name")]
    count: list[int] = []  # [the title's index, the number it says, the people counted under it]

    def counted() -> None:
        if count and count[1] != count[2]:
            part.title_counts.append((count[0], count[1], count[2]))

    for index in range(part.start, part.end):
        if index in part.skipped:
            continue
        text = _title_text(rows[index])
        found = household_title(text, village_of, village_in) if text else None
        if found is None and count and names:
            row = rows[index]
            count[2] += any(col < len(row) and row[col] not in (None, "") for col in names)
        if found is not None:
            counted()
            size = _TITLE_COUNT.search(text or "")
            count[:] = [index, int(size.group(1)), 0] if size else []
            if title is not None:
                part.empty_titles.append(title[0])
            part.skipped.add(index)
            name, village, klass = found
            above = part.groups.get(index, {})
            group_village = above.get("village") or part.village
            if village and group_village and village_norm(village) != village_norm(group_village):
                part.title_conflicts.append((index, "village", village, group_village))
            if klass and (group_class := above.get("class") or part.klass) and klass != group_class:
                words = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}
                part.title_conflicts.append(
                    (index, "poverty_class", words.get(klass, klass), words.get(group_class, group_class))
                )
            current = dict(above)
            current.update((key, value) for key, value in (("village", village), ("class", klass)) if value)
            title = (index, name)
            titles.append(index)
            said = (index, village, klass) if village or klass else None
            continue
        if current is None:
            continue
        if said is not None:
            part.titled[index] = said
        if current:
            part.groups[index] = {**part.groups.get(index, {}), **current}
        if title is not None:
            if not numbered:
                part.starts[index] = title
            title = None
    if title is not None:
        part.empty_titles.append(title[0])
    counted()
    first_title = _title_text(rows[titles[0]]) or ""
    part.notes.append(
        f"Trang “{part.table.sheet}”: {len(titles)} dòng tiêu đề hộ (như dòng {part.table.row_numbers[titles[0]]} "
        f"“{' '.join(first_title.split())[:70]}”) được đọc là dòng mở đầu mỗi hộ, không phải một người: thôn, loại "
        "hộ ghi ở đó là của hộ, người được ghi tên ở đó phải là chủ hộ ở các dòng bên dưới."
    )


_DAYS_1904 = 1462  # from 30/12/1899 (the 1900 date system's day 0) to 01/01/1904 (the 1904 system's)


@functools.lru_cache(maxsize=1)
def _date_keys() -> frozenset[str]:
    return frozenset(
        ["birth_male", "birth_female", *(f.import_key for f in field_table.FIELDS if f.kind == "date" and f.import_key)]
    )


def serials_1904(part: SheetPart) -> None:
    """A workbook of the 1904 date system (Excel for Mac): the serial numbers left in its date columns' General cells
    count from 01/01/1904, not 30/12/1899 (read four years early before); moved to the 1900 system the rest of the
    import reads (a year alone, 1880–2100, is a year in both)."""
    rows = part.table.rows
    for col in [c for c, key in part.header.columns.items() if key in _date_keys()]:
        for index in range(part.start, part.end):
            row = rows[index]
            value = row[col] if col < len(row) else None
            if (
                (type(value) is int or type(value) is float)
                and 1 < value < 80_000
                and not (value == int(value) and 1880 <= value <= 2100)
            ):
                row[col] = value + _DAYS_1904


def _villages_in_addresses(part: SheetPart, village_of: VillageOf, village_in: VillageOf) -> None:
    """A list without a village column whose addresses name the village ("Thôn Đồng Xuân, xã Tân Lập",
    "Xóm Tân Hòa"): that village for those rows (a village column, a group row or the sheet's own come first)."""
    columns = part.header.columns
    if "village" in columns.values() or part.village is not None:
        return
    col = next((c for c, key in columns.items() if key == "address"), None)
    if col is None:
        return
    found: dict[str, str | None] = {}
    for index in range(part.start, part.end):
        row = part.table.rows[index]
        cell = row[col] if col < len(row) else None
        if (
            index in part.skipped
            or type(cell) is not str
            or not cell.strip()
            or "village" in part.groups.get(index, {})
        ):
            continue
        if cell not in found:
            found[cell] = village_of(cell.strip()) or village_in(cell)
        village = found[cell]
        if village is not None:
            part.groups[index] = {**part.groups.get(index, {}), "village": village}


def join_birth_parts(part: SheetPart) -> None:
    """A birth date in three columns (day | month | year) as one "dd/mm/yyyy" in the year's column; a row
    with the year only keeps it."""
    where = {key: col for col, key in part.header.columns.items()}
    if "birth_day" not in where or "birth_month" not in where or "birth_date" not in where:
        return
    day_col, month_col, year_col = where["birth_day"], where["birth_month"], where["birth_date"]
    width = max(day_col, month_col, year_col)
    for i in range(part.start, part.end):
        row = part.table.rows[i]
        if width >= len(row):
            continue
        day, month, year = (_whole(row[c]) for c in (day_col, month_col, year_col))
        if day and month and year:
            row[year_col] = f"{day:02d}/{month:02d}/{year}"


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and len(text) <= 4 else None


def fill_merged(part: SheetPart, fields: frozenset[str]) -> None:
    """A cell merged down over several rows of the list (a village or a class written once for all the
    households under it) read as a person reads it: its value in each of those rows, in the columns of
    ``fields`` (not in "TT hộ", where a filled cell starts a household)."""
    table = part.table
    columns = {col for col, key in part.header.columns.items() if key in fields}
    if not columns or not table.spans or part.start >= part.end:
        return
    first = table.row_numbers[part.start]
    index: dict[int, int] | None = None
    for item in table.spans:
        try:
            (r0, c0), (r1, c1) = item
            r0, r1, col = int(r0), int(r1), int(c0) - table.col_offset
        except (TypeError, ValueError):
            continue
        if c0 != c1 or r1 <= r0 or col not in columns or r1 + 1 < first:
            continue
        if index is None:
            index = {number: i for i, number in enumerate(table.row_numbers)}
        top = index.get(r0 + 1)
        if top is None or not part.start <= top < part.end or col >= len(table.rows[top]):
            continue
        value = table.rows[top][col]
        if value is None or value == "":
            continue
        for number in range(r0 + 2, r1 + 2):
            i = index.get(number)
            if i is None or i >= part.end or i in part.skipped:
                continue
            row = table.rows[i]
            if col >= len(row):
                row.extend([None] * (col + 1 - len(row)))
            if row[col] is None or row[col] == "":
                row[col] = value


def _repeats_header(row: list[Any], header_words: dict[int, set[str]]) -> bool:
    """A row that is the header again: most of its texts are the header's words in the same columns."""
    texts = [(col, fold_key(cell)) for col, cell in enumerate(row) if isinstance(cell, str) and cell.strip()]
    hits = sum(1 for col, key in texts if key in header_words.get(col, ()))
    return hits >= 3 and hits * 3 >= len(texts) * 2


def _table_follows(rows: list[list[Any]], start: int, header_words: dict[int, set[str]], village_of: VillageOf) -> bool:
    """After a totals row: another table of the same list (a group title or the header again) before any
    footer."""
    for row in rows[start : start + 4]:
        filled = sum(1 for c in row if c not in (None, ""))
        if not filled:
            continue
        if _repeats_header(row, header_words):
            return True
        single = _single_text(row) if filled <= 2 else None
        return single is not None and group_value(single, village_of) is not None
    return False


def _village_in(titles: list[str], village_of: VillageOf) -> str | None:
    for text in titles:
        found = village_of(text)
        if found is not None:
            return found
    return None


_WHO = (
    "full_name",
    "head_name",
    "given_name",
    "birth_date",
    "birth_male",
    "birth_female",
    "id_number",
    "poverty_class",
)
_NOT_WHO = ("stt", "skip", "household_no", "village")  # a row's number and village differ between the copies


def _people(part: SheetPart, *, whole: bool = False) -> frozenset[tuple[str, ...]] | None:
    """Who the part's rows are (each row's name, birth, ID and class as written; ``whole``: every column read
    but the row number and the village), or None when two rows are alike (nothing can then be said of
    copies)."""
    cols = [col for col, key in sorted(part.header.columns.items()) if (key not in _NOT_WHO if whole else key in _WHO)]
    if not cols:
        return None
    seen: set[tuple[str, ...]] = set()
    for index in range(part.start, part.end):
        if index in part.skipped:
            continue
        row = part.table.rows[index]
        who = tuple(fold(cell_text(row[c])) if c < len(row) else "" for c in cols)
        if not any(who):
            continue
        if who in seen:
            return None
        seen.add(who)
    return frozenset(seen)


def _adds_up(counts: list[int], i: int) -> bool:
    """Whether sheet ``i``'s row count is the sum of some other sheets' (a whole-commune sheet beside its village
    sheets and an unrelated one), or too many sums to tell."""
    reachable = {0}
    for j, count in enumerate(counts):
        if j != i and count:
            reachable |= {s + count for s in reachable if s + count <= counts[i]}
            if len(reachable) > 100_000:
                return True
    return counts[i] in reachable


def _names(part: SheetPart, key: str) -> list[str]:
    """The folded names in the part's column for ``key`` (its first), empty ones left out."""
    cols = [col for col, found in part.header.columns.items() if found == key]
    if not cols:
        return []
    return [fold(cell_text(cell)) for cell in _column(part, cols[0]) if cell not in (None, "")]


def _drop_heads_summary(parts: list[SheetPart]) -> tuple[list[SheetPart], list[str]]:
    """A sheet listing only the heads ("Tổng hợp": Họ và tên chủ hộ | … | Số nhân khẩu) of households the other
    sheets list with their members: a summary, not read (its households would be read twice)."""
    fields = [set(p.header.columns.values()) for p in parts]
    members = [i for i, f in enumerate(fields) if "full_name" in f]
    if not members or not any("head_name" in f and "full_name" not in f for f in fields):
        return parts, []  # (the usual: no sheet of heads only)
    everyone = {name for i in members for name in _names(parts[i], "full_name")}
    kept, notes = [], []
    for i, part in enumerate(parts):
        heads = _names(part, "head_name") if "full_name" not in fields[i] else []
        if len(heads) >= 2 and set(heads) <= everyone:
            others = ", ".join(f"“{parts[j].table.sheet}”" for j in members)
            notes.append(
                f"Trang “{part.table.sheet}” chỉ ghi chủ hộ của các hộ có ở các trang {others}: không đọc trang này, "
                "để mỗi hộ chỉ được nhập một lần."
            )
            continue
        kept.append(part)
    return kept, notes


def drop_copies(parts: list[SheetPart]) -> tuple[list[SheetPart], list[str]]:
    """A workbook whose sheet for the whole commune repeats, row for row, the people of its village sheets
    (beside other sheets, or not), or a sheet copied whole: the copy is not read, so each household is imported
    once. (the parts kept, the notes saying which sheet was left out and why)."""
    if len(parts) < 2:
        return parts, []
    parts, notes = _drop_heads_summary(parts)
    counts = [p.end - p.start - len(p.skipped) for p in parts]
    if len(parts) < 2:
        return parts, notes
    biggest = max(range(len(counts)), key=counts.__getitem__)
    if len(set(counts)) == len(counts) and not (len(parts) > 2 and _adds_up(counts, biggest)):
        return parts, notes  # no sheet as long as others together, none as long as another: no copy (the usual)
    people = [_people(p) for p in parts]
    dropped: set[int] = set()
    for i, mine in enumerate(people):
        if not mine:
            continue
        # the other sheets whose people are all on this one (a sheet of other households is no part of it)
        inside: dict[int, frozenset[tuple[str, ...]]] = {}
        for j, theirs in enumerate(people):
            if j != i and j not in dropped and theirs and theirs <= mine:
                inside[j] = theirs
        if len(inside) < 2:
            continue
        union: set[tuple[str, ...]] = set()
        for theirs in inside.values():
            union |= theirs
        if mine == union and sum(map(len, inside.values())) == len(mine):
            dropped.add(i)
            copies = ", ".join(f"“{parts[j].table.sheet}”" for j in inside)
            notes.append(
                f"Trang “{parts[i].table.sheet}” chép lại đúng những người của các trang {copies}: không đọc trang "
                "này, để mỗi hộ chỉ được nhập một lần."
            )
    wholes = [_people(p, whole=True) for p in parts]
    for i in range(len(parts) - 1, 0, -1):  # a sheet copied whole: the later copy left out
        if i in dropped or not wholes[i]:
            continue
        twin = next((j for j in range(i) if j not in dropped and wholes[j] == wholes[i]), None)
        if twin is not None:
            dropped.add(i)
            notes.append(
                f"Trang “{parts[i].table.sheet}” là bản chép của trang “{parts[twin].table.sheet}”: không đọc trang "
                "này, để mỗi hộ chỉ được nhập một lần."
            )
    return [p for i, p in enumerate(parts) if i not in dropped], notes


def _column(part: SheetPart, col: int) -> list[Any]:
    """The cells of column ``col`` in the part's data rows (its skipped rows as None)."""
    rows = part.table.rows[part.start : part.end]
    try:
        cells = list(map(operator.itemgetter(col), rows))  # in C: the rows are as wide as the sheet (the usual)
    except IndexError:
        cells = [row[col] if col < len(row) else None for row in rows]
    for i in part.skipped:
        if part.start <= i < part.end:
            cells[i - part.start] = None
    return cells


def numbers_not_codes(parts: list[SheetPart]) -> list[tuple[str, int]]:
    """A "Mã hộ" column numbering the households again from 1 in each village or on each village's sheet (01, 02…
    under every village): each household's number in its village, not a code, since households of two villages
    would share one. It is read as "TT hộ" (a household starts at each number; codes are made as for a list
    without them; the header changed in place, a note added). The (sheet, column) changed; [] when the codes
    are codes."""
    columns: list[tuple[SheetPart, int, list[Any]]] = []
    runs: list[Any] = []
    for part in parts:
        cols = [col for col, key in part.header.columns.items() if key == "household_code"]
        if len(cols) != 1:
            continue
        cells = _column(part, cols[0])
        columns.append((part, cols[0], cells))
        runs += [value for value, _rows in itertools.groupby(cells) if value is not None and value != ""]
    if len(set(runs)) == len(runs):  # no code written again further down (the usual)
        return []
    scopes: dict[tuple[str, Any], int] = {}  # (code, its village or sheet) → runs
    for position, (part, _col, cells) in enumerate(columns):
        village_cols = [col for col, key in part.header.columns.items() if key == "village"]
        for offset, cell in enumerate(cells):
            if cell is None or cell == "" or (offset and cells[offset - 1] == cell):
                continue
            code = cell_text(cell).strip()
            if not code.isdigit() or len(code) > 4:  # codes that are numbers only ("01", "2")
                return []
            index = part.start + offset
            row = part.table.rows[index]
            village = next((cell_text(row[c]) for c in village_cols if c < len(row) and row[c] not in (None, "")), "")
            village = village or part.groups.get(index, {}).get("village") or part.village or ""
            scope = (str(int(code)), (position, fold(village)) if not part.village else position)
            if scope in scopes:  # written twice in one village: a code (or a mistake the planner names)
                return []
            scopes[scope] = 1
    if len({code for code, _scope in scopes}) == len(scopes):
        return []
    changed = []
    for part, col, _cells in columns:
        part.header.columns[col] = "household_no"
        changed.append((part.table.sheet, col))
    part, col, _cells = columns[0]
    where = (
        f"trang {', '.join(f'“{sheet}”' for sheet, _col in changed)}"
        if len(changed) > 1
        else f"trang “{part.table.sheet}”"
    )
    part.notes.append(
        f"Cột “{part.header.labels.get(col, '')}” ({where}) đánh số hộ lại từ 1 ở mỗi thôn nên không phải mã hộ (hộ "
        "của hai thôn sẽ trùng mã): đã đọc là số thứ tự hộ; mã hộ được tạo mới theo thôn như khi danh sách không có "
        "mã hộ."
    )
    return changed


_GROUPING = frozenset(("relationship", "household_code", "household_no", "head_name"))


def numbered_heads(parts: list[SheetPart]) -> list[tuple[str, int]]:
    """A list without a relationship, a household code or a "TT hộ" whose "STT" is written on the first row of each
    household only (the members under it unnumbered): the numbered rows start the households, as "TT hộ" does
    (the header changed in place, a note added). The (sheet, column) changed."""
    changed = []
    for part in parts:
        columns = part.header.columns
        if _GROUPING & set(columns.values()):
            continue
        stt = [col for col, key in columns.items() if key == "stt"]
        names = [col for col, key in columns.items() if key in ("full_name", "given_name")]
        if len(stt) != 1 or not names:
            continue
        numbers, named = _column(part, stt[0]), _column(part, names[0])
        first = next((n for n, who in zip(numbers, named, strict=True) if who not in (None, "")), None)
        blank = any(who not in (None, "") and n in (None, "") for n, who in zip(numbers, named, strict=True))
        if first in (None, "") or not blank:
            continue
        columns[stt[0]] = "household_no"
        changed.append((part.table.sheet, stt[0]))
        part.notes.append(
            f"Trang “{part.table.sheet}”: cột “{part.header.labels.get(stt[0], '')}” chỉ đánh số ở dòng đầu mỗi hộ "
            "(không có cột quan hệ với chủ hộ hay mã hộ): mỗi dòng có số bắt đầu một hộ, người đầu tiên là chủ hộ, "
            "các dòng không số bên dưới là thành viên của hộ đó."
        )
    return changed


def drop_examples(part: SheetPart, scan: int = 10) -> None:
    """The example rows of the app's own template ("Tải mẫu": Nguyễn Văn Đức, Trần Thị Hoa) left above the commune's
    rows: not read, with a note (``resources/templates/header-synonyms.json``: "template_examples"); the template
    imported as it is (to try it) keeps them."""
    examples = {
        (fold_key(name), number) for name, number in synonyms_file().get("template_examples", {}).get("rows", [])
    }
    names = [col for col, key in part.header.columns.items() if key == "full_name"]
    ids = [col for col, key in part.header.columns.items() if key == "id_number"]
    if not examples or len(names) != 1 or len(ids) != 1:
        return
    found = []
    for i in range(part.start, min(part.end, part.start + scan)):
        row = part.table.rows[i]
        cells = [row[c] if c < len(row) else None for c in (names[0], ids[0])]
        if (fold_key(cell_text(cells[0])), cell_text(cells[1]).strip()) in examples:
            found.append(i)
    if found and part.end - part.start - len(part.skipped) > len(found):  # the template filled in (not tried alone)
        part.skipped.update(found)
        found = [part.table.row_numbers[i] for i in found]
        part.notes.append(
            f"Trang “{part.table.sheet}”: dòng {', '.join(map(str, found))} là dòng ví dụ của tệp mẫu (Nguyễn Văn Đức, "
            "Trần Thị Hoa): không nhập; hãy xóa các dòng này trong tệp."
        )


def drop_side_table(table: RawTable, header: HeaderMatch, scan: int = 200) -> str | None:
    """A second table beside the list, past an empty column (a count per village to the right of the names), whose
    headers say again what the list's do ("Thôn" twice): its columns are not the list's (the header changed in
    place). The note saying so, or None."""
    if not header.duplicates:
        return None
    rows = table.rows[header.row : header.data_start + scan]
    for _key, kept, unused in header.duplicates:
        gaps = [
            col
            for col in range(kept + 1, unused)
            if col not in header.labels and all(col >= len(row) or row[col] in (None, "") for row in rows)
        ]
        if not gaps:
            continue
        gap = gaps[0]
        side = sorted(col for col in header.labels if col > gap)
        for col in side:
            header.columns.pop(col, None)
            header.labels.pop(col, None)
        header.duplicates = [d for d in header.duplicates if d[2] < gap]
        first = column_letter(side[0] + table.col_offset)
        return (
            f"Trang “{table.sheet}”: các cột từ {first} trở đi là một bảng khác bên phải danh sách (sau một cột "
            "trống): không đọc."
        )
    return None
