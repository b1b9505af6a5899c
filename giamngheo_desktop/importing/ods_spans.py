"""Merged cells of an .ods file (LibreOffice Calc), and its cells showing a formula's error, read from its
content.xml.

calamine gives an .ods file's cells but not its merged ranges, which a list relies on as much as an
.xlsx does: a village or a class written once and merged down over the households under it, a group
title merged over its sub-columns. A merged cell is a ``table:table-cell`` with
``table:number-rows-spanned`` / ``table:number-columns-spanned``; rows and cells may stand for several
(``…-repeated``). calamine also reads a cell whose formula failed ("#DIV/0!", "Err:502") as empty: such a
cell carries ``calcext:value-type="error"``. The XML is streamed, and only when it holds either at all.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_SHEET = f"{{{_TABLE}}}table"
_ROW = f"{{{_TABLE}}}table-row"
_CELL = f"{{{_TABLE}}}table-cell"
_COVERED = f"{{{_TABLE}}}covered-table-cell"
_NAME = f"{{{_TABLE}}}name"
_ROWS_REPEATED = f"{{{_TABLE}}}number-rows-repeated"
_COLUMNS_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
_ROWS_SPANNED = f"{{{_TABLE}}}number-rows-spanned"
_COLUMNS_SPANNED = f"{{{_TABLE}}}number-columns-spanned"
_ERROR_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_CHUNK = 1 << 20
# per sheet: a merged cell per household of a big list (the class merged over its rows) is read to the last
_MAX_SPANS = 200_000
_MAX_ERRORS = 10_000
_MARKS = (b"-spanned=", b'value-type="error"')

Spans = dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]
Errors = dict[str, list[tuple[int, int, str]]]  # (row number as shown, column from 0, the error's text)


def _count(element: Any, name: str) -> int:
    try:
        return max(1, int(element.get(name) or 1))
    except ValueError:
        return 1


def _worth_reading(archive: zipfile.ZipFile) -> bool:
    """Whether content.xml holds a merged cell or a formula's error (searched as bytes, streamed)."""
    tail = b""
    with archive.open("content.xml") as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            if any(mark in data for mark in _MARKS):
                return True
            tail = chunk[-32:]
    return False


def merged_ranges(path: Path, max_bytes: int) -> tuple[Spans, Errors]:
    """(sheet name → its merged ranges ((row0, col0), (row1, col1)), 0-based from the sheet's first row and
    column, as calamine gives an .xlsx's; sheet name → its cells showing a formula's error); empty when the
    file has none, unpacks to more than ``max_bytes`` or cannot be read (the reader names what is wrong)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_bytes:
                return {}, {}
            if "content.xml" not in archive.namelist() or not _worth_reading(archive):
                return {}, {}
            with archive.open("content.xml") as stream:
                return _read(stream)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, ElementTree.ParseError):
        return {}, {}


def _read(stream: Any) -> tuple[Spans, Errors]:
    result: Spans = {}
    errors: Errors = {}
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    failed: list[tuple[int, int, str]] = []
    depth = 0  # tables inside a table (a sub-table in a cell) are not sheets
    row = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if tag == _SHEET:
            if event == "start":
                depth += 1
                if depth == 1:
                    spans, failed, row = [], [], 0
                    result[element.get(_NAME) or ""] = spans
                    errors[element.get(_NAME) or ""] = failed
            else:
                depth -= 1
                element.clear()
            continue
        if depth != 1 or event != "end":
            continue
        if tag == _ROW:
            col = 0
            for cell in element:
                if cell.tag not in (_CELL, _COVERED):
                    continue
                repeated = _count(cell, _COLUMNS_REPEATED)
                if cell.tag == _CELL and len(spans) < _MAX_SPANS:
                    down, across = _count(cell, _ROWS_SPANNED), _count(cell, _COLUMNS_SPANNED)
                    if down > 1 or across > 1:
                        for k in range(min(repeated, 100)):
                            spans.append(((row, col + k * across), (row + down - 1, col + k * across + across - 1)))
                if cell.tag == _CELL and cell.get(_ERROR_TYPE) == "error" and len(failed) < _MAX_ERRORS:
                    text = "".join(cell.itertext()).strip()[:20]
                    if not text.startswith("#"):  # LibreOffice's own "Err:502": Excel's nearest, refused as those are
                        text = "#VALUE!"
                    for r in range(min(_count(element, _ROWS_REPEATED), 100)):
                        failed.extend((row + r + 1, col + k, text) for k in range(min(repeated, 100)))
                col += repeated
            row += _count(element, _ROWS_REPEATED)
            element.clear()
    return {name: found for name, found in result.items() if found}, {
        name: found for name, found in errors.items() if found
    }
