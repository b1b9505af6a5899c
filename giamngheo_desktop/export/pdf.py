"""ReportData → PDF (reportlab, bundled Noto Sans, NFC text), A4 in the orientation that fits.

The column headers (with their merges) and the column-number row repeat on every page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.domain.report import TEXT, ReportData, format_number
from giamngheo_desktop.export.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from giamngheo_desktop.text import nfc


def esc(value: object) -> str:
    text = nfc("" if value is None else str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def page_size(landscape_page: bool) -> tuple[float, float]:
    from reportlab.lib.pagesizes import A4, landscape

    return landscape(A4) if landscape_page else A4


def official_header(width: float, authority: str, code: str = "") -> list[Any]:
    """Left "UBND XÃ …" (and the form code), right the national motto, underlined."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    register_fonts()
    cb = ParagraphStyle("hcb", fontName=FONT_BOLD, fontSize=10, leading=13, alignment=TA_CENTER)
    head = Table(
        [
            [Paragraph(esc(authority.upper()), cb), Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", cb)],
            [Paragraph(esc(code), cb), Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", cb)],
        ],
        colWidths=[width * 0.42, width * 0.58],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [head]


def signature_block(
    width: float, place: str, date_text: str, preparer: str, chairman: str, signer_title: str = "CHỦ TỊCH UBND XÃ"
) -> Any:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    cb = ParagraphStyle("scb", fontName=FONT_BOLD, fontSize=10, leading=13, alignment=TA_CENTER)
    ci = ParagraphStyle("sci", fontName=FONT_ITALIC, fontSize=10, leading=13, alignment=TA_CENTER)
    return Table(
        [
            [Paragraph("", ci), Paragraph(esc(f"{place}, {date_text}"), ci)],
            [Paragraph("NGƯỜI LẬP BIỂU", cb), Paragraph(esc(signer_title), cb)],
            [Paragraph("(Ký, ghi rõ họ tên)", ci), Paragraph("(Ký tên, đóng dấu)", ci)],
            [Spacer(1, 16 * mm), Spacer(1, 16 * mm)],
            [Paragraph(esc(preparer), cb), Paragraph(esc(chairman), cb)],
        ],
        colWidths=[width * 0.45, width * 0.55],
    )


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


PAGED_TABLE_ROWS = 150  # longer tables are cut into pages here (reportlab's own splitting is quadratic)
CELL_PADDING_H, CELL_PADDING_V = 2.0, 1.5


def _row_heights(body: list[list[Any]], sections: list[bool], col_widths: list[float]) -> list[float]:
    """Each body row's height as the table will draw it (cells wrapped once, padding added)."""
    heights: list[float] = []
    for cells, section in zip(body, sections, strict=True):
        widths = [col_widths[0], sum(col_widths[1:])] if section else col_widths
        tallest = 0.0
        for cell, w in zip(cells, widths, strict=False):
            tallest = max(tallest, cell.wrap(w - 2 * CELL_PADDING_H, 1e6)[1])
        heights.append(tallest + 2 * CELL_PADDING_V + 0.25)
    return heights


@functools.cache
def _paged_class() -> Any:
    """A long table laid out page by page from row heights measured once: each page is a small
    table with the repeated headers; the last part keeps its rows with the signature."""
    from reportlab.platypus import Flowable

    trailer_class = _trailer_class()

    class PagedTable(Flowable):
        def __init__(
            self, make_table: Any, heights: list[float], trailer: list[Any], keep: int, first: int = 0
        ) -> None:
            super().__init__()
            self.make_table, self.heights, self.trailer, self.keep, self.first = (
                make_table,
                heights,
                trailer,
                keep,
                first,
            )
            self._head_h = make_table(0, 0).wrap(1e6, 1e6)[1]
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
            if last == self.first:
                return []  # not even one row here: the next page
            if last == len(self.heights):  # the rows fit, the signature may not: the trailer's rule decides
                return list(self._rest().split(avail_width, avail_height))
            rest = PagedTable(self.make_table, self.heights, self.trailer, self.keep, last)
            return [self.make_table(self.first, last), rest]

    return PagedTable


def report_story(report: ReportData, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    register_fonts()
    n = report.column_count
    size = 9.0 if n <= 8 else 7.5 if n <= 14 else 6.5
    base = ParagraphStyle("b", fontName=FONT, fontSize=size, leading=size * 1.25)
    bold = ParagraphStyle("bb", parent=base, fontName=FONT_BOLD)
    hdr = ParagraphStyle("h", parent=bold, alignment=TA_CENTER)
    num = ParagraphStyle("n", parent=base, alignment=TA_RIGHT)
    num_b = ParagraphStyle("nb", parent=bold, alignment=TA_RIGHT)
    cen = ParagraphStyle("c", parent=base, alignment=TA_CENTER)
    cen_i = ParagraphStyle("ci", parent=cen, fontName=FONT_ITALIC)
    title = ParagraphStyle("t", fontName=FONT_BOLD, fontSize=12, leading=16, alignment=TA_CENTER, spaceBefore=6)
    sub = ParagraphStyle("s", fontName=FONT_ITALIC, fontSize=10, leading=13, alignment=TA_CENTER)
    note = ParagraphStyle("no", fontName=FONT_ITALIC, fontSize=8.5, leading=11)

    story: list[Any] = official_header(width, report.authority, report.code)
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
    for h in report.headers:
        data[h.row][h.col] = Paragraph(esc(h.text), hdr)
        if h.rowspan > 1 or h.colspan > 1:
            style.append(("SPAN", (h.col, h.row), (h.col + h.colspan - 1, h.row + h.rowspan - 1)))
    data.append([Paragraph(esc(c), cen_i) for c in report.column_numbers])
    head_rows = len(data)
    body: list[list[Any]] = []
    sections: list[bool] = []
    for row in report.rows:
        strong = row.kind in ("total", "subtotal", "section")
        cells: list[Any] = []
        for i, v in enumerate(row.values):
            kind = report.column_kinds[i]
            if isinstance(v, (int, float)) and kind != TEXT:
                cells.append(Paragraph(format_number(v, kind), num_b if strong else num))
            elif isinstance(v, (int, float)) or v in ("x", "A", "B"):
                cells.append(Paragraph(esc(v), cen))
            else:
                cells.append(Paragraph(esc(v), bold if strong else base))
        body.append(cells)
        sections.append(row.kind == "section")

    def make_table(first: int, last: int) -> Any:
        """The header rows and body rows ``first:last`` as one table (headers repeat when it splits)."""
        spans = [
            ("SPAN", (1, head_rows + i - first), (-1, head_rows + i - first)) for i in range(first, last) if sections[i]
        ]
        table = Table(data + body[first:last], colWidths=col_widths, repeatRows=head_rows)
        table.setStyle(TableStyle(style + spans))
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
        story.append(_paged_class()(make_table, _row_heights(body, sections, col_widths), trailer, keep))
    return story


def build_pdf(path: Path, story: list[Any], *, landscape_page: bool, title: str, author: str = "") -> Path:
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    register_fonts()
    page = page_size(landscape_page)
    margin = 12 * mm

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(page[0] - margin, 7 * mm, f"Trang {document.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=10 * mm,
        bottomMargin=13 * mm,
        title=nfc(title),
        author=nfc(author),
    )
    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    except OSError as exc:
        raise StorageUnavailable(f"Không ghi được tệp {path}: {exc.strerror or exc}.", code="write_failed") from exc
    return path


def write_pdf(reports: ReportData | Sequence[ReportData], path: Path) -> Path:
    """One or several reports in one A4 PDF (landscape when any of them needs it)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak

    items = [reports] if isinstance(reports, ReportData) else list(reports)
    landscape_page = any(r.landscape for r in items)
    width = page_size(landscape_page)[0] - 24 * mm
    story: list[Any] = []
    for i, report in enumerate(items):
        if i:
            story.append(PageBreak())
        story += report_story(report, width)
    return build_pdf(
        path,
        story,
        landscape_page=landscape_page,
        title=items[0].title if items else "",
        author=items[0].authority if items else "",
    )
