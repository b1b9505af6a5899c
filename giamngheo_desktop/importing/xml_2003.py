"""A workbook saved as "XML Spreadsheet 2003" (Excel 2003's XML), which web programs often write into a file
named ``….xls`` when they "export to Excel": its sheets, as Excel shows them.

The file is one XML document: ``Workbook › Worksheet (ss:Name) › Table › Row › Cell › Data``. A row or a cell
may skip ahead (``ss:Index``, 1-based), a cell may be merged across and down (``ss:MergeAcross``,
``ss:MergeDown``); a cell's ``Data`` has a type (``ss:Type``: String, Number, DateTime, Boolean, Error). It is
read with the standard library's ElementTree, streamed, without fetching anything the document names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_WORKSHEET = f"{_SS}Worksheet"
_ROW = f"{_SS}Row"
_CELL = f"{_SS}Cell"
_DATA = f"{_SS}Data"
_NAME = f"{_SS}Name"
_INDEX = f"{_SS}Index"
_TYPE = f"{_SS}Type"
_ACROSS = f"{_SS}MergeAcross"
_DOWN = f"{_SS}MergeDown"
_VISIBLE = "{urn:schemas-microsoft-com:office:excel}Visible"
MARK = b"urn:schemas-microsoft-com:office:spreadsheet"
Span = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Sheet:
    name: str
    rows: dict[int, list[Any]] = field(default_factory=dict)  # 0-based row → its cells (rows with none left out)
    spans: list[Span] = field(default_factory=list)  # merged ranges ((row0, col0), (row1, col1)), 0-based
    hidden: bool = False


def _number(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _value(kind: str, text: str) -> Any:
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return number
    if kind == "DateTime":
        try:
            return _dt.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() in ("1", "true", "TRUE")
    return text


def read_xml_2003(path: Path, *, max_rows: int, max_columns: int, max_spans: int = 200_000) -> list[Sheet]:
    """The sheets of an Excel 2003 XML workbook; raises ElementTree.ParseError (or ValueError) when the document
    is not well-formed."""
    sheets: list[Sheet] = []
    sheet: Sheet | None = None
    next_row = 0  # 0-based: the row a <Row> without ss:Index is
    for event, element in ElementTree.iterparse(str(path), events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _WORKSHEET:
                sheet = Sheet(element.get(_NAME) or f"Sheet{len(sheets) + 1}")
                sheets.append(sheet)
                next_row = 0
            continue
        if tag == _VISIBLE and sheet is not None and (element.text or "").strip() in ("SheetHidden", "SheetVeryHidden"):
            sheet.hidden = True
        if tag != _ROW or sheet is None:
            if tag == _WORKSHEET:
                element.clear()
            continue
        row_at = _number(element.get(_INDEX), next_row + 1) - 1
        next_row = row_at + 1
        if row_at >= max_rows or row_at < 0:
            element.clear()
            continue
        cells: list[Any] = []
        next_col = 0
        for cell in element:
            if cell.tag != _CELL:
                continue
            col = _number(cell.get(_INDEX), next_col + 1) - 1
            if col < 0 or col >= max_columns:
                break
            data = cell.find(_DATA)
            value = None
            if data is not None:
                text = "".join(data.itertext())
                value = _value(data.get(_TYPE) or "String", text) if text != "" else None
            if len(cells) < col:
                cells.extend([None] * (col - len(cells)))
            cells.append(value)
            across, down = _number(cell.get(_ACROSS), 0), _number(cell.get(_DOWN), 0)
            if (across > 0 or down > 0) and len(sheet.spans) < max_spans:
                last = min(col + max(across, 0), max_columns - 1)
                sheet.spans.append(((row_at, col), (row_at + max(down, 0), last)))
            next_col = col + 1 + max(across, 0)
        if cells:
            sheet.rows.setdefault(row_at, cells)
        element.clear()
    for found in sheets:  # a range merged down past the last row ends there
        last = max(found.rows, default=0)
        found.spans = [((r0, c0), (max(r0, min(r1, last)), c1)) for (r0, c0), (r1, c1) in found.spans]
    return sheets


def rows_of(sheet: Sheet) -> Iterator[list[Any]]:
    """The sheet's rows from its first, an empty list for a row with no cell."""
    last = max(sheet.rows, default=-1)
    return (sheet.rows.get(r, []) for r in range(last + 1))
