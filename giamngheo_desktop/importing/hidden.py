"""Rows an Excel user hid in an .xlsx (a filter, or Hide on rows), read from the sheets' XML.

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
from pathlib import Path

from giamngheo_desktop.importing.reader import MAX_UNPACKED_BYTES

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


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member of its XML, for the sheets worth scanning (a filter, or small)."""
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
        wanted = member in names and (str(position) in filtered or archive.getinfo(member).file_size <= SCAN_BYTES)
        if "name" in found and wanted:
            parts[found["name"]] = member
    return parts


def _hidden_in(archive: zipfile.ZipFile, member: str) -> list[int]:
    rows: list[int] = []
    tail = b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag cut by the chunk's end is read with the next chunk
            data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if b"hidden" not in data:
                continue
            for tag in _ROW.findall(data):
                if _HIDDEN.search(tag):
                    number = _NUMBER.search(tag)
                    if number:
                        rows.append(int(number.group(1)))
    return rows


def hidden_rows(path: Path) -> dict[str, list[int]]:
    """Sheet name → the row numbers (as Excel shows them) hidden in it; {} for anything but a readable .xlsx."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return {}  # refused by the reader before reading
            return {
                name: rows for name, member in _sheet_parts(archive).items() if (rows := _hidden_in(archive, member))
            }
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        return {}  # damaged or encrypted: the reader names the problem


def start(path: Path) -> Future[dict[str, list[int]]]:
    """:func:`hidden_rows` of ``path`` worked out in a helper thread (the zip's inflating lets the reader run)."""
    helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-hidden-rows")
    try:
        return helper.submit(hidden_rows, path)
    finally:
        helper.shutdown(wait=False)


def hidden_note(sheet: str, rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:12]) + (f" và {len(rows) - 12} dòng khác" if len(rows) > 12 else "")
    return (
        f"Trang “{sheet}”: {len(rows)} dòng của danh sách đang bị ẩn trong Excel (lọc hoặc ẩn dòng: dòng {shown}); "
        "các dòng này vẫn được nhập như mọi dòng khác."
    )
