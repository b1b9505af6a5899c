"""A coverage-gap list (who should have a support and has none) as an .xlsx sheet.

The list arrives as a plain ``GapListDoc`` built by ``services.coverage.gap_document``; what
the officer sees on screen is exactly what is written. Text that a spreadsheet would
read as a formula (starting with = + - @) is written as text.
"""

from __future__ import annotations

from pathlib import Path

from giamngheo_desktop.domain.documents import GapListDoc
from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.export.xlsx import document_font
from giamngheo_desktop.text import nfc

FORMULA_START = ("=", "+", "-", "@")


def _cell_text(value: object) -> str:
    return nfc("" if value is None else str(value))


def write_xlsx(doc: GapListDoc, path: Path) -> Path:
    """Write ``doc`` to ``path`` (.xlsx); returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = document_font(Workbook())
    ws = wb.active
    ws.title = "Danh sách"
    ncols = len(doc.columns) + 1
    bold = Font(bold=True)
    ws.cell(1, 1, _cell_text(doc.commune_header)).font = bold
    title = ws.cell(3, 1, _cell_text(doc.title).upper())
    title.font = Font(bold=True, size=13)
    title.alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=ncols)
    sub = ws.cell(4, 1, _cell_text(f"{doc.village} — tính đến ngày {doc.on_date}"))
    sub.alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=ncols)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = 6
    for col, name in enumerate(["STT", *doc.columns], start=1):
        cell = ws.cell(header_row, col, _cell_text(name))
        cell.font = bold
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, row in enumerate(doc.rows, start=1):
        r = header_row + n
        ws.cell(r, 1, n).border = border
        for col, value in enumerate(row, start=2):
            text = _cell_text(value)
            cell = ws.cell(r, col)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if text.startswith(FORMULA_START):
                cell.quotePrefix = True
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.cell(header_row + len(doc.rows) + 2, 1, f"Tổng số: {len(doc.rows)}").font = bold
    widths = doc.widths or [1.0] * len(doc.columns)
    ws.column_dimensions["A"].width = 6
    for col, w in enumerate(widths, start=2):
        ws.column_dimensions[get_column_letter(col)].width = max(10, 90 * w / sum(widths))
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    try:
        wb.save(path)
    except OSError as exc:
        raise StorageUnavailable(f"Không ghi được tệp {path}: {exc.strerror or exc}.", code="write_failed") from exc
    return path
