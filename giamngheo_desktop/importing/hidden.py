"""Rows and columns an Excel user hid in an .xlsx (a filter, Hide on rows or columns), read from the sheets' XML
(an .ods file's hidden columns likewise: :func:`ods_hidden_columns`).

A hidden column is often last year's copy of a column kept beside the new one: where a column shown
and a hidden one say the same thing, the one shown is read (:func:`hidden_columns`, read from the
``<cols>`` at the head of each sheet's XML).

calamine gives every row, hidden or not. A hidden row inside a list is nearly always one a filter
left out that the officer still keeps in the register: it is imported like the others, and the
preview says how many there are (:func:`hidden_note`). Only the ``<row … hidden="1">`` flags are read,
the sheet's XML streamed and searched as bytes in a helper thread while calamine reads the file
(:func:`start`), and only where that is cheap beside reading: a sheet with a filter (Excel names it
``_xlnm._FilterDatabase``), or one of at most ``SCAN_BYTES`` unpacked (about 130,000 rows of a
usual list); rows hidden by hand in a bigger sheet without a filter are not told.
"""

from __future__ import annotations

import html
import re
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from giamngheo_desktop.importing.reader import MAX_COLUMNS, MAX_UNPACKED_BYTES, RawTable

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_HIDDEN = re.compile(rb'\shidden\s*=\s*"(?:1|true)"')
_NUMBER = re.compile(rb'\sr\s*=\s*"(\d{1,7})"')
_CHUNK = 1 << 20
HIDDEN_SHEET = "trang đang ẩn trong Excel"
HIDDEN_SHEET_NOTE = (
    "đang ẩn trong Excel (thường là bản nháp hoặc bản cũ): không đọc; muốn nhập trang này thì bỏ ẩn trang "
    "trong Excel (chuột phải vào tên trang → Bỏ ẩn) rồi chọn lại tệp, hoặc ghi --sheet ở dòng lệnh"
)
_MAX_PART = 16 << 20  # workbook.xml and its relations are small; a bigger one is not looked at
SCAN_BYTES = 64 << 20
_DEFINED = re.compile(rb"<(?:\w+:)?definedName\b[^>]*>")


def _attributes(tag: bytes) -> dict[str, str]:
    return {
        name.decode("ascii", "replace").split(":")[-1]: html.unescape(value.decode("utf-8", "replace"))
        for name, value in _ATTRIBUTE.findall(tag)
    }


def _sheet_parts(archive: zipfile.ZipFile, *, every: bool = False) -> dict[str, str]:
    """Sheet name → the zip member of its XML, for the sheets worth scanning (a filter, or small; ``every``:
    all of them)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    if max(archive.getinfo(n).file_size for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")) > _MAX_PART:
        return {}
    targets: dict[str, str] = {}
    for tag in _RELATION.findall(archive.read("xl/_rels/workbook.xml.rels")):
        found = _attributes(tag)
        target = found.get("Target", "")
        if "Id" in found and target:
            targets[found["Id"]] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    workbook = archive.read("xl/workbook.xml")
    filtered = {
        found.get("localSheetId", "")
        for found in map(_attributes, _DEFINED.findall(workbook))
        if found.get("name") == "_xlnm._FilterDatabase"
    }
    parts: dict[str, str] = {}
    for position, tag in enumerate(_SHEET.findall(workbook)):
        found = _attributes(tag)
        member = targets.get(found.get("id", ""), "")
        wanted = member in names and (
            every or str(position) in filtered or archive.getinfo(member).file_size <= SCAN_BYTES
        )
        if "name" in found and wanted:
            parts[found["name"]] = member
    return parts


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\st\s*=\s*"e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\sr\s*=\s*"([A-Z]{1,3})(\d{1,7})"')
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{1,20})</(?:\w+:)?v>")

ErrorCell = tuple[int, int, str]  # (row number as Excel shows it, column from 0, Excel's error text "#N/A")


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _hidden_in(archive: zipfile.ZipFile, member: str) -> tuple[list[int], list[ErrorCell]]:
    """The hidden rows of one sheet, and its cells showing a formula's error ("#N/A", "#REF!")."""
    rows: list[int] = []
    errors: list[ErrorCell] = []
    tail = b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            data = tail + chunk
            # a row cut by the chunk's end is read with the next chunk (a tag, when no row ends in it)
            cut = data.rfind(b"</row>")
            cut = cut + 6 if cut > 0 else data.rfind(b"<")
            data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if b'"e"' in data:
                for attributes, inner in _ERROR_CELL.findall(data):
                    ref, value = _CELL_REF.search(attributes), _ERROR_VALUE.search(inner)
                    if ref and value:
                        text = value.group(1).decode("ascii", "replace")
                        errors.append((int(ref.group(2)), _column_index(ref.group(1)), text))
            if b"hidden" not in data:
                continue
            for tag in _ROW.findall(data):
                if _HIDDEN.search(tag):
                    number = _NUMBER.search(tag)
                    if number:
                        rows.append(int(number.group(1)))
    return rows, errors


def _scan(path: Path) -> tuple[dict[str, list[int]], dict[str, list[ErrorCell]]]:
    """(sheet → hidden rows, sheet → cells showing a formula's error) of the sheets worth scanning."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return {}, {}  # refused by the reader before reading
            rows: dict[str, list[int]] = {}
            errors: dict[str, list[ErrorCell]] = {}
            for name, member in _sheet_parts(archive).items():
                hidden, failed = _hidden_in(archive, member)
                if hidden:
                    rows[name] = hidden
                if failed:
                    errors[name] = failed
            return rows, errors
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        return {}, {}  # damaged or encrypted: the reader names the problem


_COL = re.compile(rb"<(?:\w+:)?col\b[^>]*>")
_HEAD_BYTES = 256 << 10  # the <cols> of a sheet come before its cells, in its first bytes


def _hidden_columns_in(archive: zipfile.ZipFile, member: str) -> list[int]:
    with archive.open(member) as stream:
        head = stream.read(_HEAD_BYTES)
    head = head.split(b"<sheetData", 1)[0].split(b":sheetData", 1)[0]
    columns: list[int] = []
    for tag in _COL.findall(head):
        if _HIDDEN.search(tag):
            found = _attributes(tag)
            try:
                first, last = int(found["min"]), int(found["max"])
            except (KeyError, ValueError):
                continue
            columns.extend(range(first - 1, min(last, first + 500)))
    return columns


def hidden_columns(path: Path) -> dict[str, list[int]]:
    """Sheet name → its columns hidden in Excel (0-based: A is 0); {} for anything but a readable .xlsx."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return {}
            return {
                name: cols
                for name, member in _sheet_parts(archive, every=True).items()
                if (cols := _hidden_columns_in(archive, member))
            }
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        return {}


@dataclass
class Hidden:
    """What an .xlsx holds that calamine does not tell, per sheet name."""

    rows: dict[str, list[int]] = field(default_factory=dict)  # rows hidden (numbers as Excel shows them)
    columns: dict[str, list[int]] = field(default_factory=dict)  # columns hidden (A is 0)
    errors: dict[str, list[ErrorCell]] = field(default_factory=dict)  # cells showing a formula's error


_ODS_TAG = re.compile(rb"<table:table(?:-column)?(?=[\s/>])[^>]*>")
_ODS_NAME = re.compile(rb'\stable:name\s*=\s*"([^"]*)"')
_ODS_REPEATED = re.compile(rb'\stable:number-columns-repeated\s*=\s*"(\d{1,6})"')
_ODS_COLLAPSED = re.compile(rb'\stable:visibility\s*=\s*"(?:collapse|filter)"')


def ods_hidden_columns(path: Path) -> dict[str, list[int]]:
    """Sheet name → its columns hidden in LibreOffice Calc (0-based), from the ``table:table-column``
    elements of an .ods file's content.xml (streamed); {} when none or the file is unreadable."""
    found: dict[str, list[int]] = {}
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            sheet, col, tail = "", 0, b""
            while chunk := stream.read(_CHUNK):
                data = tail + chunk
                cut = data.rfind(b"<")
                data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                if b"<table:table" not in data:
                    continue
                for match in _ODS_TAG.finditer(data):
                    tag = match.group()
                    if not tag.startswith(b"<table:table-column"):
                        name = _ODS_NAME.search(tag)
                        sheet, col = (html.unescape(name.group(1).decode("utf-8", "replace")) if name else ""), 0
                        continue
                    repeated = _ODS_REPEATED.search(tag)
                    count = int(repeated.group(1)) if repeated else 1
                    if _ODS_COLLAPSED.search(tag) and col < MAX_COLUMNS:
                        found.setdefault(sheet, []).extend(range(col, min(col + count, MAX_COLUMNS)))
                    col += count
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        return {}
    return found


def _hidden_cells(path: Path) -> Hidden:
    rows, errors = _scan(path)
    return Hidden(rows, hidden_columns(path), errors)


def start(path: Path) -> Future[Hidden]:
    """:class:`Hidden` of ``path`` worked out in a helper thread (the zip's inflating lets the reader run)."""
    helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-hidden-rows")
    try:
        return helper.submit(_hidden_cells, path)
    finally:
        helper.shutdown(wait=False)


def put_errors(table: RawTable, errors: list[ErrorCell]) -> None:
    """Write Excel's error text ("#N/A") back into the cells calamine reads as empty, so that a column the
    list uses refuses them at their row and column instead of taking them for empty cells."""
    position = {number: i for i, number in enumerate(table.row_numbers)}
    for number, col, text in errors:
        i, c = position.get(number), col - table.col_offset
        if i is None or c < 0 or c >= MAX_COLUMNS:
            continue
        row = table.rows[i]
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
        if row[c] in (None, ""):
            row[c] = text


def hidden_columns_note(sheet: str, columns: list[str]) -> str:
    """The preview's note of the hidden columns read (no column shown says the same)."""
    return (
        f"Trang “{sheet}”: cột {', '.join(columns)} đang ẩn trong Excel mà vẫn được nhập (không có cột đang hiện "
        "nào ghi cùng nội dung); không muốn nhập cột nào thì chọn “không dùng” ở thẻ “Cột trong tệp”."
    )


def hidden_note(sheet: str, rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:12]) + (f" và {len(rows) - 12} dòng khác" if len(rows) > 12 else "")
    return (
        f"Trang “{sheet}”: {len(rows)} dòng của danh sách đang bị ẩn trong Excel (lọc hoặc ẩn dòng: dòng {shown}); "
        "các dòng này vẫn được nhập như mọi dòng khác."
    )
