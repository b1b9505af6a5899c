"""A web page saved with an Excel name (.xls, .xlsx): the tables in it, as Excel shows them.

Web software often "exports to Excel" by writing an HTML table into a file named ``….xls``; Excel opens it
(after a warning) as one sheet: each ``<tr>`` a row, each ``<td>``/``<th>`` a cell, ``colspan``/``rowspan``
merged cells, the text before and between the tables (a title in ``<h3>``, a line in ``<p>``) a row of one
cell. This reads it the same way with the standard library's ``html.parser``, so that the rows and the
columns the importer names are those the officer sees when opening the file in Excel.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

_BLOCKS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "title", "center"))
_SKIPPED = frozenset(("script", "style", "head"))
MAX_SPAN = 1_000  # a rowspan/colspan larger than a list could hold is taken as this
Span = tuple[tuple[int, int], tuple[int, int]]


class _Tables(HTMLParser):
    def __init__(self, max_rows: int, max_columns: int) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[Any]] = []
        self.spans: list[Span] = []
        self.max_rows, self.max_columns = max_rows, max_columns
        self.depth = 0  # tables open; a table inside a cell is read as that cell's text
        self.skipping = 0
        self.row: list[Any] | None = None
        self.cell: list[str] | None = None
        self.cell_span = (1, 1)
        self.col = 0
        self.covered: dict[int, int] = {}  # column → the last row a rowspan from a row above covers in it
        self.loose: list[str] = []  # text outside the tables, up to the next block's end
        self.tables = 0

    # text outside the tables: a row of one cell at each block's end (a title, a line under the table)
    def _flush_loose(self) -> None:
        text = " ".join(" ".join(self.loose).split())
        self.loose = []
        if text and len(self.rows) < self.max_rows:
            self.rows.append([text])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._flush_loose()
                self.tables += 1
            return
        if self.depth == 0:
            if tag in _BLOCKS or tag == "br":
                self._flush_loose()
            return
        if self.depth > 1:  # a table in a cell: its text goes to the cell
            if self.cell is not None and tag in ("td", "th", "br", "tr"):
                self.cell.append(" ")
            return
        if tag == "tr":
            self._end_row()
            self.row, self.col = [], 0
        elif tag in ("td", "th"):
            if self.row is None:
                self.row, self.col = [], 0
            self._end_cell()
            found = dict(attrs)
            self.cell = []
            self.cell_span = (_span(found.get("rowspan")), _span(found.get("colspan")))
        elif self.cell is not None and (tag == "br" or (tag in ("p", "div") and self.cell)):
            self.cell.append("\n")  # a line break in the cell

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag == "table":
            if self.depth == 1:
                self._end_row()
            self.depth = max(0, self.depth - 1)
            return
        if self.depth == 0:
            if tag in _BLOCKS:
                self._flush_loose()
            return
        if self.depth > 1:
            return
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.depth == 0:
            self.loose.append(data)
        elif self.cell is not None:
            self.cell.append(data)

    def _end_cell(self) -> None:
        if self.cell is None or self.row is None:
            return
        lines = "".join(self.cell).split("\n")
        text = "\n".join(" ".join(line.split()) for line in lines).strip("\n ")
        self.cell = None
        r = len(self.rows)
        while self.covered.get(self.col, -1) >= r:
            self.row.append(None)
            self.col += 1
        down, across = self.cell_span
        if self.col >= self.max_columns:
            return
        self.row.append(text or None)
        self.row.extend([None] * (across - 1))
        if down > 1 or across > 1:
            last_row = min(r + down - 1, self.max_rows)
            if last_row > r:
                for col in range(self.col, min(self.col + across, self.max_columns)):
                    self.covered[col] = last_row
            self.spans.append(((r, self.col), (last_row, self.col + across - 1)))
        self.col += across

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is None:
            return
        r = len(self.rows)
        while self.covered.get(self.col, -1) >= r and self.col < self.max_columns:  # covered at the row's end
            self.row.append(None)
            self.col += 1
        if len(self.rows) < self.max_rows:
            self.rows.append(self.row[: self.max_columns])
        self.row = None


def _span(value: str | None) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), MAX_SPAN)
    except ValueError:
        return 1


def read_html(text: str, *, max_rows: int, max_columns: int) -> tuple[list[list[Any]], list[Span], int]:
    """(the rows as Excel shows them, the merged ranges ((row0, col0), (row1, col1)) 0-based, the number of
    tables) of a web page's text."""
    parser = _Tables(max_rows, max_columns)
    parser.feed(text)
    parser.close()
    parser._end_row()
    parser._flush_loose()
    return parser.rows, parser.spans, parser.tables
