"""ReportData → PDF on the Decree 30/2020 page (``export.page``: Liberation Serif, margins, header
block, page numbers from page 2), A4 in the orientation that fits.

The column headers (with their merges) and the column-number row repeat on every page; the rows of
one unit (a village's "Hộ" and "Nhân khẩu", a household's members) stay on one page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.report import TEXT, ReportData, format_number
from giamngheo_desktop.export import fastdraw, page
from giamngheo_desktop.export.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from giamngheo_desktop.export.page import esc
from giamngheo_desktop.text import nfc


def official_header(
    width: float, authority: str, code: str = "", *, place: str = "", date_words: str = ""
) -> list[Any]:
    """The Decree 30 header block (``export.page.header``): issuing body with its rule, Quốc hiệu and
    Tiêu ngữ with the rule under the motto, the italic place-and-date line; ``code`` (the form's number)
    at the top right."""
    return page.header(
        page.Letterhead(body=authority, place=place, date_words=date_words, show_date=bool(date_words), form=code),
        width,
    )


def signature_block(
    width: float, place: str, date_text: str, preparer: str, chairman: str, signer_title: str = "CHỦ TỊCH UBND XÃ"
) -> Any:
    """ "NGƯỜI LẬP BIỂU" (left) and the signer (right), kept together; the place and date are in the header."""
    return page.signature(
        width,
        page.Signer([signer_title], chairman, "(Ký tên, đóng dấu)"),
        page.Signer(["NGƯỜI LẬP BIỂU"], preparer),
        size=11,
        gap_mm=18,
    )


def unit_starts(report: ReportData) -> list[bool]:
    """For each row: does a unit start here? A row with no TT and no name continues the unit above
    (the "Nhân khẩu" row under "Hộ", a household's other members)."""
    out: list[bool] = []
    for i, row in enumerate(report.rows):
        cont = i > 0 and row.kind != "section" and len(row.values) > 1 and row.values[0] in ("", None)
        cont = cont and (row.values[1] in ("", None) or row.kind == "detail")
        out.append(not cont)
    return out


def unit_groups(starts: list[bool], first: int, last: int) -> list[tuple[int, int]]:
    """(first row, last row) of each unit among rows ``first:last``."""
    groups: list[tuple[int, int]] = []
    for i in range(first, last):
        if starts[i] or not groups:
            groups.append((i, i))
        else:
            groups[-1] = (groups[-1][0], i)
    return groups


KEEP_ROWS_WITH_SIGNATURE = 2
MAX_ROWS_WITH_SIGNATURE = 12


def rows_to_keep_with_signature(report: ReportData) -> int:
    """The rows that move with the signature when it does not fit: from the start of the last
    numbered unit (a village with its "Hộ"/"Nhân khẩu" rows, a household with its members) to the
    end, at least two and at most a dozen."""
    keep = KEEP_ROWS_WITH_SIGNATURE
    for i in range(len(report.rows) - 1, -1, -1):
        row = report.rows[i]
        if row.kind != "total" and row.values and row.values[0] not in (None, ""):
            keep = len(report.rows) - i
            break
    return max(KEEP_ROWS_WITH_SIGNATURE, min(keep, MAX_ROWS_WITH_SIGNATURE))


@functools.cache
def _trailer_class() -> Any:
    """A flowable: the table followed by its notes and signature block. When the table fits on the
    page but the signature does not, the last rows move to the next page with the signature (under the
    repeated headers) so the signature never stands alone on a page."""
    from reportlab.platypus import Flowable, KeepTogether, PageBreak

    class TableWithTrailer(Flowable):
        def __init__(self, table: Any, trailer: list[Any], keep_rows: int) -> None:
            super().__init__()
            self.table, self.trailer, self.keep_rows = table, trailer, keep_rows
            self._heights: list[float] = []

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            _, self._table_h = self.table.wrap(avail_width, avail_height)
            self._heights = [
                f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.trailer
            ]
            self.width, self.height = avail_width, self._table_h + sum(self._heights)
            return self.width, self.height

        def draw(self) -> None:
            y = self.height - self._table_h
            self.table.drawOn(self.canv, 0, y)
            for f, h in zip(self.trailer, self._heights, strict=True):
                y -= h
                f.drawOn(self.canv, 0, y + f.getSpaceAfter())

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            self.wrap(avail_width, avail_height)
            table = self.table
            if self._table_h <= avail_height:  # the table fits here, its signature does not
                body = len(table._rowHeights) - table.repeatRows
                keep = min(self.keep_rows, body - 1)
                if keep > 0:
                    parts = table.split(avail_width, self._table_h - sum(table._rowHeights[-keep:]) - 0.5)
                    if len(parts) == 2:
                        return [parts[0], PageBreak(), TableWithTrailer(parts[1], self.trailer, self.keep_rows)]
                return [table, KeepTogether(list(self.trailer))]
            parts = table.split(avail_width, avail_height)
            if len(parts) < 2:
                return []  # nothing fits in what is left of this page: start on the next one
            return [*parts[:-1], TableWithTrailer(parts[-1], self.trailer, self.keep_rows)]

    return TableWithTrailer


def _table_class() -> Any:
    """The list's Table: nothing drawn for an empty text cell (reportlab draws an empty text object for
    each: half the cells of a member list), one-line cells and rules through ``fastdraw``."""
    return fastdraw.table_class(skip_empty=True)


PAGED_TABLE_ROWS = 150  # longer tables are cut into pages here (reportlab's own splitting is quadratic)
CELL_PADDING_H, CELL_PADDING_V = 2.0, 1.5


def _row_heights(
    body: list[list[Any]], sections: list[bool], col_widths: list[float], line: float = 0.0
) -> list[float]:
    """Each body row's height as the table will draw it (cells wrapped once, padding added); a
    plain-text cell is one ``line`` high."""
    heights: list[float] = []
    for cells, section in zip(body, sections, strict=True):
        widths = [col_widths[0], sum(col_widths[1:])] if section else col_widths
        tallest = line
        for cell, w in zip(cells, widths, strict=False):
            if hasattr(cell, "wrap"):  # a Paragraph (plain text and empty cells are one line or nothing)
                tallest = max(tallest, cell.wrap(w - 2 * CELL_PADDING_H, 1e6)[1])
        heights.append(tallest + 2 * CELL_PADDING_V + 0.25)
    return heights


def _exact_heights(
    head: Any, body: list[list[Any]], sections: list[bool], col_widths: list[float], styles: Any, head_rows: int
) -> list[float]:
    """The header's and every body row's height as reportlab's Table works them out, so that each
    page's table takes its rows' heights instead of measuring every cell again. A row of one-line
    texts is one line and its padding (``Table._calc_height``'s sum); rows with a Paragraph are
    measured by a Table, in runs (a Table finds its unmeasured rows one ``list.index`` at a time)."""
    from reportlab.platypus import TableStyle

    head.wrap(sum(col_widths), 1e9)
    heights = list(head._rowHeights[:head_rows])
    known: dict[int, float] = {}
    wrapped = [i for i, cells in enumerate(body) if any(cell.__class__ is not str for cell in cells)]
    for first in range(0, len(wrapped), PAGED_TABLE_ROWS):
        picked = wrapped[first : first + PAGED_TABLE_ROWS]
        run = _table_class()(
            [list(body[i]) for i in picked],
            colWidths=col_widths,
            cellStyles=[styles(i) for i in picked],
            normalizedData=1,
        )
        run.setStyle(TableStyle([("SPAN", (1, k), (-1, k)) for k, i in enumerate(picked) if sections[i]]))
        run.wrap(sum(col_widths), 1e9)
        known.update(zip(picked, run._rowHeights, strict=True))
    for i in range(len(body)):
        found = known.get(i)
        if found is None:
            found = max(s.leading * 1 + (s.bottomPadding + s.topPadding) for s in styles(i))
        heights.append(found)
    return heights


@functools.cache
def _paged_class() -> Any:
    """A long table laid out page by page from row heights measured once: each page is a small
    table with the repeated headers; the last part keeps its rows with the signature."""
    from reportlab.platypus import Flowable

    trailer_class = _trailer_class()

    class PagedTable(Flowable):
        def __init__(
            self,
            make_table: Any,
            heights: list[float],
            trailer: list[Any],
            keep: int,
            starts: list[bool],
            first: int = 0,
            head_h: float | None = None,
        ) -> None:
            super().__init__()
            self.make_table, self.heights, self.trailer, self.keep, self.starts, self.first = (
                make_table,
                heights,
                trailer,
                keep,
                starts,
                first,
            )
            self._head_h = make_table(0, 0).wrap(1e6, 1e6)[1] if head_h is None else head_h
            self._inner: Any = None

        def _rest(self) -> Any:
            return trailer_class(self.make_table(self.first, len(self.heights)), self.trailer, self.keep)

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            body_h = sum(self.heights[self.first :])
            if self._head_h + body_h < avail_height:  # what is left fits one page: measure it exactly
                self._inner = self._rest()
                self.width, self.height = self._inner.wrap(avail_width, avail_height)
            else:
                self._inner = None
                self.width, self.height = avail_width, self._head_h + body_h
            return self.width, self.height

        def draw(self) -> None:
            self._inner.drawOn(self.canv, 0, 0)

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            room = avail_height - self._head_h
            last = self.first
            while last < len(self.heights) and room >= self.heights[last]:
                room -= self.heights[last]
                last += 1
            if last < len(self.heights):  # never cut a unit (a village's "Hộ" / "Nhân khẩu" rows)
                back = last
                while back > self.first and not self.starts[back]:
                    back -= 1
                if back > self.first:
                    last = back
            if last == self.first:
                return []  # not even one row here: the next page
            if last == len(self.heights):  # the rows fit, the signature may not: the trailer's rule decides
                return list(self._rest().split(avail_width, avail_height))
            rest = PagedTable(self.make_table, self.heights, self.trailer, self.keep, self.starts, last, self._head_h)
            # a whole page of rows that fits (``heights`` are never below the rows' own): never split
            return [self.make_table(self.first, last, whole=True), rest]

    return PagedTable


def report_story(report: ReportData, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, TableStyle

    register_fonts()
    n = report.column_count
    size = 10.5 if n <= 8 else 8.5 if n <= 14 else 7.0
    base = ParagraphStyle("b", fontName=FONT, fontSize=size, leading=size * 1.25)
    bold = ParagraphStyle("bb", parent=base, fontName=FONT_BOLD)
    hdr = ParagraphStyle("h", parent=bold, alignment=TA_CENTER)
    num = ParagraphStyle("n", parent=base, alignment=TA_RIGHT)
    num_b = ParagraphStyle("nb", parent=bold, alignment=TA_RIGHT)
    cen = ParagraphStyle("c", parent=base, alignment=TA_CENTER)
    cen_i = ParagraphStyle("ci", parent=cen, fontName=FONT_ITALIC)
    title = ParagraphStyle("t", fontName=FONT_BOLD, fontSize=13, leading=17, alignment=TA_CENTER, spaceBefore=6)
    sub = ParagraphStyle("s", fontName=FONT_ITALIC, fontSize=12, leading=15, alignment=TA_CENTER)
    note = ParagraphStyle("no", fontName=FONT_ITALIC, fontSize=9.5, leading=12)

    story: list[Any] = official_header(
        width, report.authority, report.code, place=report.place, date_words=report.date_text
    )
    story += [Spacer(1, 4 * mm), Paragraph(esc(report.title), title), Paragraph(esc(report.period_label), sub)]
    story.append(Spacer(1, 3 * mm))

    widths = report.widths or [1.0] * n
    col_widths = [width * w / sum(widths) for w in widths]
    data: list[list[Any]] = [["" for _ in range(n)] for _ in range(report.header_rows)]
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (0, 0), (-1, report.header_rows - 1), colors.HexColor("#EEF2F6")),
    ]
    steady = fastdraw.stable_paragraph  # header cells: wrapped and drawn once, written again on every page
    for h in report.headers:
        data[h.row][h.col] = steady(esc(h.text), hdr)
        if h.rowspan > 1 or h.colspan > 1:
            style.append(("SPAN", (h.col, h.row), (h.col + h.colspan - 1, h.row + h.rowspan - 1)))
    data.append([steady(esc(c), cen_i) for c in report.column_numbers])
    head_rows = len(data)
    # Body cells are plain text drawn by the table itself when the text fits its column on one line;
    # only a text that must wrap becomes a Paragraph. Each cell's font, size, leading, alignment and
    # padding come from a CellStyle shared by every cell alike (the table would otherwise make one
    # per cell and set it command by command). Rows keep their heights and places to the pixel; a
    # long list takes a fraction of the time and memory.
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus.tables import CellStyle

    body: list[list[Any]] = []
    sections: list[bool] = []
    aligns: list[list[str]] = []  # per body cell: "LEFT" / "RIGHT" / "CENTER"; '' empty or a Paragraph
    strongs: list[bool] = []
    starts = unit_starts(report)
    measured: dict[tuple[str, str], float] = {}  # each text's width in each face, measured once
    room = [w - 2 * CELL_PADDING_H for w in col_widths]
    section_room = sum(col_widths[1:]) - 2 * CELL_PADDING_H
    for row in report.rows:
        strong = row.kind in ("total", "subtotal", "section")
        font = FONT_BOLD if strong else FONT
        cells: list[Any] = []
        row_aligns: list[str] = []
        for i, v in enumerate(row.values):
            kind = report.column_kinds[i]
            if isinstance(v, (int, float)) and kind != TEXT:
                text, align, par, face = format_number(v, kind), "RIGHT", num_b if strong else num, font
            elif isinstance(v, (int, float)) or v in ("x", "A", "B"):
                text, align, par, face = nfc(str(v)), "CENTER", cen, FONT
            else:
                text, align, par, face = nfc("" if v is None else str(v)), "LEFT", bold if strong else base, font
            if not text:
                cells.append("")
                row_aligns.append("")
                continue
            fits = section_room if row.kind == "section" and i == 1 else room[i]
            measure = (text, face)
            wide = measured.get(measure)
            if wide is None:
                wide = measured[measure] = stringWidth(text, face, size)
            if "\n" in text or wide > fits:
                cells.append(fastdraw.stable_paragraph(esc(text), par))  # wrapped once for every use
                row_aligns.append("")
            else:
                cells.append(text)
                row_aligns.append(align if face == font else align + "/" + face)
        body.append(cells)
        aligns.append(row_aligns)
        strongs.append(strong)
        sections.append(row.kind == "section")
    shared: dict[tuple[str, str], Any] = {}

    def cell_style(font: str, align: str) -> Any:
        """One CellStyle per font and alignment, shared by every cell that has them: the table
        makes one per cell and sets it command by command otherwise (800 a page)."""
        found = shared.get((font, align))
        if found is None:
            found = shared[(font, align)] = CellStyle(f"{font}/{align}")
            found.fontname, found.fontsize, found.leading = font, size, size * 1.25
            found.alignment, found.valign = align, "MIDDLE"
            found.leftPadding = found.rightPadding = CELL_PADDING_H
            found.topPadding = found.bottomPadding = CELL_PADDING_V
        return found

    head_style = CellStyle("head")  # the table's own font defaults: an empty header cell is one 12 pt line
    head_style.valign = "MIDDLE"
    head_style.leftPadding = head_style.rightPadding = CELL_PADDING_H
    head_style.topPadding = head_style.bottomPadding = CELL_PADDING_V
    header_styles = [[head_style] * n for _ in range(head_rows)]

    row_styles: list[list[Any] | None] = [None] * len(body)  # each body row's CellStyles, made once

    def body_styles(i: int) -> list[Any]:
        """The CellStyles of body row ``i`` (made once)."""
        row = row_styles[i]
        if row is None:
            font = FONT_BOLD if strongs[i] else FONT
            row = []
            for col in range(n):
                align = aligns[i][col] if col < len(aligns[i]) else ""
                name, _, face = align.partition("/")
                row.append(cell_style(face or font, name or "LEFT"))
            row_styles[i] = row
        return row

    def cell_styles(first: int, last: int) -> list[list[Any]]:
        """The CellStyles of a table of the header rows and body rows ``first:last``."""
        return [*header_styles, *(body_styles(i) for i in range(first, last))]

    cell_ops = ("VALIGN", "LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")  # in the CellStyles
    frame = [c for c in style if c[0] not in cell_ops]  # lines, background, the headers' spans

    exact: list[float] = []  # every row's height as the table works it out (a long list: measured once)

    def make_table(first: int, last: int, whole: bool = False) -> Any:
        """The header rows and body rows ``first:last`` as one table (headers repeat when it splits);
        ``whole``: a page's rows that fit (nothing to keep together when splitting)."""
        spans = [
            ("SPAN", (1, head_rows + i - first), (-1, head_rows + i - first)) for i in range(first, last) if sections[i]
        ]
        together = [
            ("NOSPLIT", (0, head_rows + a - first), (-1, head_rows + b - first))
            for a, b in unit_groups(starts, first, last)
            if b > a and not whole
        ]
        rows = [list(r) for r in data] + [list(r) for r in body[first:last]]  # the table replaces cells in its rows
        heights = exact[:head_rows] + exact[head_rows + first : head_rows + last] if exact else None
        table = _table_class()(
            rows,
            colWidths=col_widths,
            rowHeights=heights,
            repeatRows=head_rows,
            cellStyles=cell_styles(first, last),
            normalizedData=1,  # texts are str already, empty cells ''
        )
        table.setStyle(TableStyle(frame + spans + together))
        return table

    trailer: list[Any] = [Spacer(1, 2 * mm)]
    for text in report.notes:
        trailer.append(Paragraph(esc(f"Ghi chú: {text}"), note))
    trailer.append(Spacer(1, 4 * mm))
    trailer.append(
        signature_block(width, report.place, report.date_text, report.preparer, report.chairman, report.signer_title)
    )
    keep = rows_to_keep_with_signature(report)
    if len(body) <= PAGED_TABLE_ROWS:
        story.append(_trailer_class()(make_table(0, len(body)), trailer, keep))
    else:
        exact[:] = _exact_heights(make_table(0, 0), body, sections, col_widths, body_styles, head_rows)
        story.append(
            _paged_class()(make_table, _row_heights(body, sections, col_widths, size * 1.25), trailer, keep, starts)
        )
    return story


def build_pdf(path: Path, story: list[Any], *, landscape_page: bool, title: str, author: str = "") -> Path:
    """The story on the Decree 30 page (``export.page.build``)."""
    return page.build(path, story, landscape_page=landscape_page, title=title, author=author)


def write_pdf(reports: ReportData | Sequence[ReportData], path: Path) -> Path:
    """One or several reports in one A4 PDF (landscape when any of them needs it)."""
    from reportlab.platypus import PageBreak

    items = [reports] if isinstance(reports, ReportData) else list(reports)
    landscape_page = any(r.landscape for r in items)
    width = page.text_width(landscape_page)
    story: list[Any] = []
    for i, report in enumerate(items):
        if i:
            story += [PageBreak(), page.paper_start()]
        story += report_story(report, width)
    return build_pdf(
        path,
        story,
        landscape_page=landscape_page,
        title=items[0].title if items else "",
        author=items[0].authority if items else "",
    )
