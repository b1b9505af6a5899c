"""Rows and columns an Excel user hid in an .xlsx (a filter, Hide on rows or columns), read from the sheets' XML
(an .ods file's and an .xls file's hidden columns likewise: :func:`ods_hidden_columns`, :func:`xls_hidden`,
which also finds an .xls file's cells showing a formula's error).

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
import struct
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from giamngheo_desktop.importing.reader import MAX_COLUMNS, MAX_UNPACKED_BYTES

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


_WORKBOOK_PR = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*>")


def _date1904(path: Path) -> bool:
    """Whether an .xlsx counts its dates from 1904 (``<workbookPr date1904="1">`` in xl/workbook.xml)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo("xl/workbook.xml").file_size > _MAX_PART:
                return False
            tag = _WORKBOOK_PR.search(archive.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        return False
    return tag is not None and _attributes(tag.group()).get("date1904", "").lower() in ("1", "true")


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
    date1904: bool = False  # the workbook counts its dates from 1904 (Excel for Mac): its serial numbers too


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


_ODS_NULL_DATE = re.compile(rb"<table:null-date\b[^>]*\btable:date-value\s*=\s*\"1904-01-01")


def ods_date1904(path: Path) -> bool:
    """Whether an .ods file counts its dates from 1904 (``table:null-date`` in the calculation settings its
    content.xml holds before its tables: a workbook of Excel for Mac's 1904 system saved by LibreOffice)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            tail = b""
            while chunk := stream.read(_CHUNK):
                data = tail + chunk
                if _ODS_NULL_DATE.search(data):
                    return True
                if b"<table:table " in data:  # the settings come before the first table
                    return False
                tail = data[-200:]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        return False
    return False


_CFB = bytes.fromhex("d0cf11e0a1b11ae1")
_NO_SECTOR = (0xFFFFFFFF, 0xFFFFFFFE)


def _sector_chain(fat: list[int], start: int, limit: int) -> list[int]:
    chain: list[int] = []
    sector = start
    while sector < len(fat) and len(chain) < limit and sector not in _NO_SECTOR:
        chain.append(sector)
        sector = fat[sector]
    return chain


def _xls_workbook_stream(data: bytes) -> bytes:
    """The "Workbook" stream of an .xls file (an OLE compound file), b"" when it cannot be found."""
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if data[:8] != _CFB or size not in (512, 4096):
        return b""
    count = (len(data) - 512) // size

    def sector(n: int) -> bytes:
        return data[512 + n * size : 512 + (n + 1) * size]

    fat_sectors, first_entry = struct.unpack_from("<II", data, 0x2C)
    more, more_count = struct.unpack_from("<II", data, 0x44)
    table = list(struct.unpack_from("<109I", data, 0x4C))
    for _ in range(min(more_count, count)):
        if more >= count:
            break
        block = struct.unpack(f"<{size // 4}I", sector(more))
        table += block[:-1]
        more = block[-1]
    fat: list[int] = []
    for n in table[:fat_sectors]:
        if n >= count:
            return b""
        fat += struct.unpack(f"<{size // 4}I", sector(n))
    entries = b"".join(sector(n) for n in _sector_chain(fat, first_entry, count))
    for at in range(0, len(entries) - 127, 128):
        length = struct.unpack_from("<H", entries, at + 64)[0]
        name = entries[at : at + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        if name in ("Workbook", "Book") and entries[at + 66] == 2:
            start, stream_size = struct.unpack_from("<II", entries, at + 116)
            if stream_size >= struct.unpack_from("<I", data, 0x38)[0]:
                return b"".join(sector(n) for n in _sector_chain(fat, start, count))[:stream_size]
            # a small workbook is kept in 64-byte pieces inside the root entry's stream (the "mini stream")
            root = b"".join(sector(n) for n in _sector_chain(fat, struct.unpack_from("<I", entries, 116)[0], count))
            first_mini, mini_sectors = struct.unpack_from("<II", data, 0x3C)
            mini_fat_bytes = b"".join(sector(n) for n in _sector_chain(fat, first_mini, min(mini_sectors, count)))
            mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
            pieces = _sector_chain(mini_fat, start, len(root) // 64)
            return b"".join(root[n * 64 : (n + 1) * 64] for n in pieces)[:stream_size]
    return b""


_XLS_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
# a FORMULA record whose saved result is an error (its result's last two bytes FF FF, its first 02), or a BOOLERR
# record holding an error: looked for in the whole stream first, the records walked only when one may be there
_XLS_ERROR_HINT = re.compile(rb"\x06\x00..[\s\S]{6}\x02[\s\S]{5}\xff\xff|\x05\x02\x08\x00[\s\S]{7}\x01")


def xls_hidden(path: Path) -> Hidden:
    """The columns hidden in Excel (0-based) and the cells showing a formula's error of an .xls file (Excel
    97–2003, BIFF8): COLINFO records at the head of each sheet, FORMULA and BOOLERR records holding an error;
    nothing when the file is over ``SCAN_BYTES`` or cannot be read."""
    found = Hidden()
    try:
        if path.stat().st_size > SCAN_BYTES:
            return found
        stream = _xls_workbook_stream(path.read_bytes())
        sheets: list[tuple[str, int]] = []
        at = 0
        while at + 4 <= len(stream):  # the workbook's globals: each sheet's name and where it starts
            kind, length = struct.unpack_from("<HH", stream, at)
            body = stream[at + 4 : at + 4 + length]
            if kind == 0x0022 and length >= 2:  # DATEMODE: 1 for the 1904 date system
                found.date1904 = struct.unpack_from("<H", body)[0] == 1
            if kind == 0x0085 and length >= 8:  # BOUNDSHEET
                wide = body[7] & 1
                raw = body[8 : 8 + body[6] * (2 if wide else 1)]
                name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
                sheets.append((name, struct.unpack_from("<I", body)[0]))
            if kind == 0x000A:  # EOF of the globals
                break
            at += 4 + length
        errors = _XLS_ERROR_HINT.search(stream) is not None
        for name, at in sheets:
            cells = False  # past the COLINFO records
            while at + 4 <= len(stream):
                kind, length = struct.unpack_from("<HH", stream, at)
                if kind == 0x000A:
                    break
                if kind in (0x0208, 0x0203, 0x00FD, 0x0204, 0x027E, 0x0006, 0x0205):
                    cells = True
                    if not errors:
                        break
                if kind == 0x007D and length >= 10 and not cells:  # COLINFO: first, last, width, format, flags
                    first, last, _width, _format, flags = struct.unpack_from("<HHHHH", stream, at + 4)
                    if flags & 1 and first < MAX_COLUMNS:  # bit 0: hidden
                        found.columns.setdefault(name, []).extend(range(first, min(last + 1, MAX_COLUMNS)))
                elif kind == 0x0006 and length >= 20:  # FORMULA: row, column, format, result (8 bytes)
                    row, col = struct.unpack_from("<HH", stream, at + 4)
                    result = stream[at + 10 : at + 18]
                    if result[0] == 2 and result[6:8] == b"\xff\xff" and result[2] in _XLS_ERRORS:
                        found.errors.setdefault(name, []).append((row + 1, col, _XLS_ERRORS[result[2]]))
                elif kind == 0x0205 and length >= 8 and stream[at + 11] == 1:  # BOOLERR holding an error
                    row, col = struct.unpack_from("<HH", stream, at + 4)
                    if stream[at + 10] in _XLS_ERRORS:
                        found.errors.setdefault(name, []).append((row + 1, col, _XLS_ERRORS[stream[at + 10]]))
                at += 4 + length
        return found
    except (OSError, ValueError, struct.error, IndexError):
        return Hidden()


def _hidden_cells(path: Path) -> Hidden:
    rows, errors = _scan(path)
    return Hidden(rows, hidden_columns(path), errors, _date1904(path))


def start(path: Path) -> Future[Hidden]:
    """:class:`Hidden` of ``path`` worked out in a helper thread (the zip's inflating lets the reader run)."""
    helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-hidden-rows")
    try:
        return helper.submit(_hidden_cells, path)
    finally:
        helper.shutdown(wait=False)


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
