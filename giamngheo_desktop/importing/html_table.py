"""A web page saved with an Excel name (.xls, .xlsx): the tables in it, as Excel shows them.

Web software often "exports to Excel" by writing an HTML table into a file named ``….xls``; Excel opens it
(after a warning) as one sheet: each ``<tr>`` a row, each ``<td>``/``<th>`` a cell, ``colspan``/``rowspan``
merged cells, the text before and between the tables (a title in ``<h3>``, a line in ``<p>``) a row of one
cell. This reads it the same way with the standard library's ``html.parser``, so that the rows and the
columns the importer names are those the officer sees when opening the file in Excel.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

_BLOCKS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "title", "center"))
_SKIPPED = frozenset(("script", "style", "head"))
MAX_SPAN = 1_000  # a rowspan/colspan larger than a list could hold is taken as this
Span = tuple[tuple[int, int], tuple[int, int]]


class _Tables:
    """The rows of a page's tables, built from its tags and text in order (:func:`read_html` gives them)."""

    def __init__(self, max_rows: int, max_columns: int) -> None:
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
            self.cell = []
            if attrs:
                found = dict(attrs)
                self.cell_span = (_span(found.get("rowspan")), _span(found.get("colspan")))
            else:
                self.cell_span = (1, 1)
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
        cell = self.cell
        if cell is None or self.row is None:
            return
        if len(cell) == 1 and "\n" not in cell[0]:  # the usual: one piece of text on one line
            text = " ".join(cell[0].split())
        else:
            lines = "".join(cell).split("\n")
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


class _Parser(HTMLParser):
    """The standard library's parser handing a page's tags and text to :class:`_Tables` (any page the quick reading
    of :func:`read_html` does not take)."""

    def __init__(self, tables: _Tables) -> None:
        super().__init__(convert_charrefs=True)
        self.handle_starttag = tables.handle_starttag  # type: ignore[method-assign]
        self.handle_endtag = tables.handle_endtag  # type: ignore[method-assign]
        self.handle_data = tables.handle_data  # type: ignore[method-assign]


# a tag as the standard parser reads it when written plainly: "/" for an end tag, its name, its attributes (quoted
# or not); or what gives no tag: a comment, a doctype, an XML declaration, a script or a style with what is inside
_IN_TAG = r"""(?:[^<>"']|"[^"<]*"|'[^'<]*')*"""  # a start tag's attributes, quoted values holding no "<"
_RAW = rf"<script(?=[\s/>]){_IN_TAG}(?<!/)>.*?</\s*script\s*>|<style(?=[\s/>]){_IN_TAG}(?<!/)>.*?</\s*style\s*>"
_TOKEN = re.compile(
    r"<!--.*?--\s*>|<![a-zA-Z][^<>]*>|<\?[^<>]*>|" + _RAW + r"|<(/?)([a-zA-Z][-a-zA-Z0-9:_.]*)"
    r"""((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'=<>`]+))?)*)\s*(/?)>""",
    re.S | re.I,
)
_RAW_TEXT = re.compile(r"<(?:script|style)(?=[\s/>])", re.I)  # a script or a style: its text is no tags
_RAW_BLOCK = re.compile(_RAW, re.S | re.I)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_PIECE = 200_000  # characters of a page the standard parser reads between looks at cancel and progress
_STEP = 20_000  # tags read quickly between looks


def _quick(text: str, tables: _Tables, step: Callable[[int, int], None] | None) -> bool:
    """The page read with one regular expression, giving :class:`_Tables` what :class:`_Parser` gives it, when each
    "<" in it opens a tag written plainly, a comment, a doctype, a script or a style (a web program's export);
    False (nothing read) for any other page."""
    raw = len(_RAW_TEXT.findall(text))
    if raw and raw != len(_RAW_BLOCK.findall(text)):  # a script or a style not closed, or "<style/>"
        return False
    parts = _TOKEN.split(text)
    if "<" in "".join(parts[::5]):
        return False
    start, end, data = tables.handle_starttag, tables.handle_endtag, tables.handle_data
    unescape = html.unescape
    last = len(parts)
    for at in range(0, last, 5):
        piece = parts[at]
        if piece:
            data(unescape(piece) if "&" in piece else piece)
        if at + 1 == last:
            break
        tag = parts[at + 2]
        if tag is not None:
            tag = tag.lower()
            if parts[at + 1]:
                end(tag)
            else:
                attributes = parts[at + 3]
                start(tag, _attributes(attributes) if attributes else [])
                if parts[at + 4]:  # "<br/>": a start and an end, as the standard parser reads it
                    end(tag)
        if step is not None and at % (5 * _STEP) == 0:
            step(at, last)
    return True


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found = []
    for name, double, single, bare in _ATTRIBUTE.findall(text):
        value = double or single or bare
        found.append((name.lower(), html.unescape(value) if "&" in value else value))
    return found


def read_html(
    text: str,
    *,
    max_rows: int,
    max_columns: int,
    step: Callable[[int, int], None] | None = None,
) -> tuple[list[list[Any]], list[Span], int]:
    """(the rows as Excel shows them, the merged ranges ((row0, col0), (row1, col1)) 0-based, the number of
    tables) of a web page's text. ``step(done, total)`` is called as the reading goes on (it may raise to stop it)."""
    tables = _Tables(max_rows, max_columns)
    if not _quick(text, tables, step):
        tables = _Tables(max_rows, max_columns)
        parser = _Parser(tables)
        try:
            for at in range(0, len(text), _PIECE):
                if step is not None:
                    step(at, len(text))
                parser.feed(text[at : at + _PIECE])
            parser.close()
        except AssertionError as exc:  # the standard parser's way of refusing "<![CDATAx" and the like
            raise ValueError(str(exc)) from exc
    tables._end_row()
    tables._flush_loose()
    return tables.rows, tables.spans, tables.tables
