"""Column headers of the lists communes keep, and finding the header below title rows.

A header is read as a person reads it: stacked header rows (a group title over sub-columns,
cells merged across rows or columns) give one label per column; a label matches a field by
its synonyms (ignoring case, diacritics, spaces and punctuation: :func:`text.fold_key`) or,
failing that, by its words ("Số CCCD/ Định danh" has the word "cccd" of the ID number). A row
of column numbers under the header ("(1) (2)", "1 2 3", "A B 1 2") is skipped.

Synonyms and word rules are data: ``resources/templates/header-synonyms.json``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop.domain import fields
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.text import fold, fold_key

LABEL_JOIN = " › "  # between the parts of a stacked header: "Năm sinh › Nam"
UNUSED = ""  # a mapping's value for a column the officer does not want imported
NOT_FIELDS = ("stt", "skip")  # matched, so not "unknown", but never imported


@functools.lru_cache(maxsize=1)
def synonyms_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("templates", "header-synonyms.json").read_text(encoding="utf-8"))
    return data


@functools.lru_cache(maxsize=1)
def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for item in synonyms_file()["fields"]:
        for name in item["synonyms"]:
            index.setdefault(fold_key(name), item["key"])
    return index


@functools.lru_cache(maxsize=1)
def _exact_headers() -> dict[str, str]:
    return {text.upper(): key for text, key in synonyms_file().get("exact_headers", {}).get("headers", {}).items()}


@functools.lru_cache(maxsize=1)
def _word_rules() -> list[tuple[frozenset[str], str]]:
    """(words, field) of every word rule, the longest first (the most specific wins)."""
    rules = [(frozenset(words), item["key"]) for item in synonyms_file()["fields"] for words in item.get("words", [])]
    return sorted(rules, key=lambda rule: -len(rule[0]))


def field_labels() -> dict[str, str]:
    """The Vietnamese name of each import field: its export header in the field table
    (:mod:`domain.fields`), else its first synonym."""
    names = {item["key"]: item["synonyms"][0] for item in synonyms_file()["fields"]}
    names.update({f.import_key: f.export or f.label for f in fields.FIELDS if f.import_key})
    names.update(
        {
            "birth_male": "Năm sinh (Nam)",
            "birth_female": "Năm sinh (Nữ)",
            "sex_male": "Giới tính: Nam (đánh dấu x)",
            "sex_female": "Giới tính: Nữ (đánh dấu x)",
            "class_poor": "Phân loại: hộ nghèo (đánh dấu x)",
            "class_near_poor": "Phân loại: hộ cận nghèo (đánh dấu x)",
            "head_name": "Họ và tên chủ hộ",
            "birth_day": "Ngày sinh: ngày (khi ngày, tháng, năm ở ba cột)",
            "birth_month": "Ngày sinh: tháng (khi ngày, tháng, năm ở ba cột)",
            "given_name": "Tên (khi họ và chữ đệm ở cột riêng)",
            "middle_name": "Chữ đệm (khi họ, chữ đệm và tên ở ba cột)",
            "household_no": "TT hộ (số thứ tự hộ)",
            "work_status": "Tình trạng (có việc làm/không có việc làm/đang đi học)",
            "stt": "STT (số thứ tự, không nhập)",
            "skip": "không dùng",
        }
    )
    return names


def mappable_fields() -> list[tuple[str, str]]:
    """(field key, Vietnamese name) of every field a file column can be mapped to, in the template's order."""
    labels = field_labels()
    return [(item["key"], labels[item["key"]]) for item in synonyms_file()["fields"] if item["key"] not in NOT_FIELDS]


# the template's columns are the register export's (domain.fields), so an export imports again
TEMPLATE_COLUMNS: list[str] = ["STT", *(f.export for f in fields.EXPORTED)]

_PARENS = re.compile(r"\(.*?\)|\[.*?\]")
_WORDS = re.compile(r"[0-9a-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(fold(text)))


@functools.lru_cache(maxsize=4096)
def match_header(text: Any) -> str | None:
    """The field key one header text stands for, or None: synonyms first, then word rules."""
    if text is None:
        return None
    raw = str(text)
    if len(raw) > 200:
        return None
    key = fold_key(raw)
    if not key:
        return None
    exact = _exact_headers().get(raw.strip().upper())
    if exact is not None:  # "DT" (dân tộc) and "ĐT" (điện thoại) fold alike
        return exact
    index = _header_index()
    if key in index:
        return index[key]
    # headers often carry a note: "Họ và tên (ghi đầy đủ)", "Số CCCD (12 số)"
    stripped = _PARENS.sub(" ", raw)
    stripped_key = fold_key(stripped)
    if stripped_key in index:
        return index[stripped_key]
    for source in (stripped, raw):
        words = _words(source)
        if not words or len(words) > 12:  # a title or a sentence, not a column header
            continue
        for rule, field_key in _word_rules():
            if rule <= words:
                return field_key
    return None


_SEX_TAIL = re.compile(r"[0-9a-z]+")


def match_parts(parts: tuple[str, ...]) -> str | None:
    """The field of a column whose header is ``parts`` (top to bottom, stacked rows)."""
    if not parts:
        return None
    last = fold_key(parts[-1])
    if len(parts) > 1 and last in ("ngay", "thang", "nam") and match_header(parts[-2]) == "birth_date":
        # the birth date in three columns ("Ngày, tháng, năm sinh" › Ngày | Tháng | Năm); "Nam" is a man
        piece = parts[-1].strip().casefold()
        if last != "nam" or piece == "năm":
            return {"ngay": "birth_day", "thang": "birth_month", "nam": "birth_date"}[last]
    if last in ("nam", "nu") and len(parts) <= 3:  # "Nam"/"Nữ" under "Năm sinh" or under "Giới tính"
        above = match_header(parts[-2]) if len(parts) > 1 else None
        if above == "sex":
            return "sex_male" if last == "nam" else "sex_female"
        return "birth_male" if last == "nam" else "birth_female"
    if len(parts) == 1:  # "Ngày sinh Nam" / "Năm sinh Nữ": the old register's birth column per sex
        words = _SEX_TAIL.findall(fold(parts[0]))
        if len(words) >= 2 and words[-1] in ("nam", "nu"):
            rest = match_header(" ".join(words[:-1]))
            if rest == "birth_date":
                return "birth_male" if words[-1] == "nam" else "birth_female"
    joined = " ".join(parts)
    index = _header_index()
    if len(parts) > 1 and fold_key(joined) in index:  # "Tình trạng" › "Mới": a synonym of the whole
        return index[fold_key(joined)]
    for part in reversed(parts):  # the lowest row names the column; a group title only when it is alone
        found = match_header(part)
        if found == "sex":  # "Nữ giới", "Giới tính (Nữ ghi 1)": one sex named, ticked for it
            named = {"nam", "nu"} & set(_SEX_TAIL.findall(fold(part)))
            if len(named) == 1:
                return "sex_male" if "nam" in named else "sex_female"
        if found is not None:
            return found
        if part is parts[-1] and len(parts) > 1:
            return None  # a sub-column of a group title that names something else
    return None


@dataclass
class HeaderMatch:
    row: int  # 0-based index of the header's first row
    data_start: int  # 0-based index of the first data row
    columns: dict[int, str]  # column index → field key
    texts: dict[str, str]  # field key → header text as written
    labels: dict[int, str] = field(default_factory=dict)  # column index → header text of every non-empty column
    depth: int = 1  # header rows stacked
    number_row: bool = False  # a row of column numbers was skipped
    # (field, column kept, column left unused) where two columns stand for one field
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)


_NUMBER_CELL = re.compile(r"^[(\[]?(?:\d{1,3}|[A-Za-z]{1,2})[)\]]?[.*]?$")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_number_row(row: list[Any]) -> bool:
    """A row of column numbers under a header: "(1) (2) (3)", "1 2 3", "A B 1 2 …"."""
    cells = [text for text in (_cell_text(c) for c in row) if text]
    if len(cells) < 3 or not all(_NUMBER_CELL.match(c) for c in cells):
        return False
    return len(cells) >= 4 or any(c.strip("()[].*").isdigit() for c in cells)


def _header_like(row: list[Any]) -> bool:
    """A row that could be part of a stacked header: several texts, no dates nor long numbers."""
    texts: set[str] = set()
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, (_dt.date, _dt.datetime, bool)):
            return False
        if isinstance(cell, (int, float)):
            if abs(cell) >= 100:
                return False
            continue
        text = str(cell).strip()
        if not text:
            continue
        digits = sum(ch.isdigit() for ch in text)
        if digits >= 4 or len(text) > 120:
            return False
        texts.add(text)
    return len(texts) >= 2


_DATE_TEXT = re.compile(r"^\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}$")


def _data_row(row: list[Any]) -> bool:
    """A row holding a date, a number of 1000 or more (a year, an ID number) or such a number or a date as
    text: a member's row, never a header (whose words alone, "Chủ hộ", "Nam", "Hộ nghèo", can look like one)."""
    for cell in row:
        if isinstance(cell, (_dt.date, _dt.datetime)):
            return True
        if isinstance(cell, (int, float)) and not isinstance(cell, bool) and abs(cell) >= 1000:
            return True
        if isinstance(cell, str):
            text = cell.strip()
            if (len(text) >= 4 and text.isdigit()) or _DATE_TEXT.match(text):
                return True
    return False


def _fill_merged(rows: list[list[Any]], merged: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    """The rows with each merged range's value copied into every cell of the range."""
    grid = [list(r) for r in rows]
    height = len(grid)
    for r0, c0, r1, c1 in merged:
        if r0 >= height or r0 < 0 or c0 < 0:
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else None
        if value in (None, ""):
            continue
        for r in range(r0, min(r1, height - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, min(c1, 500) + 1):
                if row[c] in (None, ""):
                    row[c] = value
    return grid


def _spread_titles(grid: list[list[Any]], start: int, depth: int, width: int) -> list[list[Any]]:
    """The header rows ``start``… with each group title spread over its sub-columns, as a person reads
    a title whose cells were merged in a file that does not say so (.ods, some .xls, a CSV): a title
    with a sub-column label under it reaches right over the empty cells that have a label under them."""
    rows = [list(grid[r]) + [None] * (width - len(grid[r])) for r in range(start, start + depth)]
    for upper, lower in reversed(list(itertools.pairwise(rows))):  # lowest titles first
        col = 0
        while col < width:
            if _cell_text(upper[col]) and _cell_text(lower[col]):
                title = upper[col]
                col += 1
                while col < width and not _cell_text(upper[col]) and _cell_text(lower[col]):
                    upper[col] = title
                    col += 1
            else:
                col += 1
    return rows


def _parts(grid: list[list[Any]], start: int, depth: int, width: int) -> list[tuple[str, ...]]:
    result: list[tuple[str, ...]] = []
    for col in range(width):
        parts: list[str] = []
        for r in range(start, start + depth):
            row = grid[r]
            text = _cell_text(row[col]) if col < len(row) else ""
            text = " ".join(text.split())
            if text and (not parts or fold_key(parts[-1]) != fold_key(text)):
                parts.append(text)
        result.append(tuple(parts))
    return result


def _match_columns(
    parts: list[tuple[str, ...]], mapping: Mapping[str, str] | None, hidden: frozenset[int] = frozenset()
) -> tuple[dict[int, str], dict[int, str], list[tuple[str, int, int]]]:
    """(column → field, column → label, two columns for one field) of one header candidate. A field is
    given to the column the officer chose for it, else to its first column shown in Excel, else to its first
    column (``hidden``: the columns hidden in Excel); the others stay unused."""
    labels: dict[int, str] = {}
    found: list[tuple[bool, bool, int, str]] = []  # (not chosen by the officer, hidden, column, field)
    for col, p in enumerate(parts):
        if not p:
            continue
        label = LABEL_JOIN.join(p)
        labels[col] = label
        chosen = mapping is not None and label in mapping
        key = (mapping[label] if mapping is not None else "") if chosen else match_parts(p)
        if key:
            found.append((not chosen, not chosen and col in hidden, col, key))
    columns: dict[int, str] = {}
    owner: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    for _guessed, _hidden, col, key in sorted(found):
        if key in NOT_FIELDS:
            columns[col] = key
        elif key in owner:
            duplicates.append((key, owner[key], col))
        else:
            owner[key] = col
            columns[col] = key
    return dict(sorted(columns.items())), labels, sorted(duplicates, key=lambda d: d[2])


def find_header(
    rows: list[list[Any]],
    *,
    scan: int = 30,
    merged: list[tuple[int, int, int, int]] | None = None,
    mapping: Mapping[str, str] | None = None,
    hidden: frozenset[int] = frozenset(),
) -> HeaderMatch | None:
    """The header among the first ``scan`` rows: one row, or up to three stacked rows, that
    names a person and matches most fields. ``merged``: merged ranges (row0, col0, row1, col1)
    in the rows' coordinates; ``mapping``: header label → field key chosen by the officer; ``hidden``:
    the columns hidden in Excel (in the rows' coordinates)."""
    grid = _fill_merged(rows[: scan + 3], merged or [])
    width = min(max((len(r) for r in grid), default=0), 500)
    # score, start, depth, columns, labels, duplicates
    best: tuple[tuple[int, int], int, int, dict[int, str], dict[int, str], list[tuple[str, int, int]]] | None = None
    likes = [_header_like(r) and not is_number_row(r) for r in grid]
    for start in range(min(scan, len(grid))):
        if _data_row(grid[start]):  # a row with a birth year, a date or an ID number is no header
            continue
        for depth in (1, 2, 3):
            end = start + depth
            if end > len(grid) or (depth > 1 and not all(likes[start:end])):
                break
            if depth > 1 and not merged:  # the file gave no merged cells: a title's span is read from its cells
                parts = _parts(_spread_titles(grid, start, depth, width), 0, depth, width)
            else:
                parts = _parts(grid, start, depth, width)
            columns, labels, duplicates = _match_columns(parts, mapping, hidden)
            found = {k for k in columns.values() if k not in NOT_FIELDS}
            if not ({"full_name", "head_name", "given_name"} & found) or len(found) < 2:
                continue
            score = (len(found), len(columns))  # fields, then columns understood (a "skip" sub-column counts)
            if best is None or score > best[0]:
                best = (score, start, depth, columns, labels, duplicates)
    if best is None:
        return None
    _score, start, depth, columns, labels, duplicates = best
    data_start = start + depth
    number_row = False
    if data_start < len(rows) and is_number_row(rows[data_start]):
        data_start += 1
        number_row = True
    texts: dict[str, str] = {}
    for col, key in columns.items():
        texts.setdefault(key, labels[col])
    return HeaderMatch(
        row=start,
        data_start=data_start,
        columns=columns,
        texts=texts,
        labels=labels,
        depth=depth,
        number_row=number_row,
        duplicates=duplicates,
    )


def layout_key(labels: Mapping[int, str]) -> str:
    """A layout's key: the folded header texts in column order (a mapping is remembered by it)."""
    return "|".join(fold_key(labels[c]) for c in sorted(labels))
