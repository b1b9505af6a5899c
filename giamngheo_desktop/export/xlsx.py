"""ReportData → xlsx (openpyxl, write-only mode so a 50,000-household list streams to disk).

Official layout: header block (left authority, right "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" /
"Độc lập - Tự do - Hạnh phúc" underlined), title and period, merged multi-row column headers,
the row of column numbers, body rows with borders, notes, signature block. A4 in the orientation
that fits, fitted to the page width, header rows repeated on every printed page.

Numbers use a format that shows dots between thousands whatever the reader's locale
(1.500.000); user text that looks like a formula (= + - @) is written as text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.domain.report import INT, MONEY, PERCENT, YEAR, ReportData
from giamngheo_desktop.export.fonts import EXCEL_FONT
from giamngheo_desktop.text import nfc

# Literal dots as thousands separators, independent of the spreadsheet's locale.
NUMBER_FORMAT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
BIG_NUMBER_FORMAT = r"[>=1000000000000]#\.###\.###\.###\.##0;[>=1000000000]#\.###\.###\.##0;#\.###\.##0"
PERCENT_FORMAT = "0.00"


def number_format(value: float) -> str:
    """Dotted thousands for this value (Excel allows two conditions per format, so amounts of a
    billion or more get a format whose conditions cover their range)."""
    return BIG_NUMBER_FORMAT if abs(value) >= 1_000_000_000 else NUMBER_FORMAT


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, taken: Sequence[str] = ()) -> str:
    """An Excel-legal sheet name (≤ 31 characters, none of []:*?/\\), unique among ``taken``."""
    base = _BAD_SHEET_CHARS.sub("-", nfc(text)).strip("' ") or "Biểu"
    base = base[:31]
    name, n = base, 2
    lowered = {t.lower() for t in taken}
    while name.lower() in lowered:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    return name


def text_lines(text: str, width_chars: float, factor: float = 1.0) -> int:
    """Lines a wrapped text needs in a column ``width_chars`` wide (Excel width units)."""
    usable = max(width_chars - 1.5, 1.0)
    if text is None or (len(text) * factor <= usable and "\n" not in text):  # most cells: one line
        return 1
    return sum(max(1, math.ceil(len(part) * factor / usable)) for part in (text or "").split("\n"))


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def document_font(wb: Any) -> Any:
    """Make Times New Roman (``fonts.EXCEL_FONT``) the workbook's default font, as on printed papers
    (Decree 30/2020): every cell without a font of its own uses it. Returns ``wb``."""
    from openpyxl.styles import Font

    wb._fonts[0] = Font(name=EXCEL_FONT, size=11, family=1)  # openpyxl keeps the default font at index 0
    return wb


def write_xlsx(reports: ReportData | Sequence[ReportData], path: Path) -> Path:
    """Write one sheet per report into ``path``."""
    from openpyxl import Workbook

    items = [reports] if isinstance(reports, ReportData) else list(reports)
    wb = document_font(Workbook(write_only=True))
    names: list[str] = []
    for report in items:
        name = sheet_name(report.code if report.code not in names else f"{report.code} {report.kind}", names)
        names.append(name)
        _write_sheet(wb, report, name)
    try:
        wb.save(str(path))
    except OSError as exc:
        raise StorageUnavailable(f"Không ghi được tệp {path}: {exc.strerror or exc}.", code="write_failed") from exc
    return path


ONE_PAGE_ROWS = 20


def _write_sheet(wb: Any, report: ReportData, name: str) -> None:  # an openpyxl Workbook (untyped)
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.properties import PageSetupProperties

    ws = wb.create_sheet(title=name)
    ncol = report.column_count
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=EXCEL_FONT, size=11)
    bold = Font(name=EXCEL_FONT, size=11, bold=True)
    bold_u = Font(name=EXCEL_FONT, size=11, bold=True, underline="single")
    italic = Font(name=EXCEL_FONT, size=11, italic=True)
    title_font = Font(name=EXCEL_FONT, size=13, bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")
    merges: list[str] = []

    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if report.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = (
        1 if len(report.rows) <= ONE_PAGE_ROWS else 0
    )  # a short table and its signature: one page
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True
    widths = report.widths or [1.0] * ncol
    char_w = [max(4.5, 9.0 * w) for w in widths]
    for i, w in enumerate(char_w, start=1):
        ws.column_dimensions[_col(i)].width = w

    split = max(2, ncol * 2 // 5)  # left block columns / right block columns

    styles: dict[tuple[int, int, int, str | None], object] = {}

    def cell(value: Any, fnt: Any = font, align: Any = left, brd: Any = None, fmt: str | None = None) -> Any:
        if isinstance(value, str):
            value = nfc(value)
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            c.data_type = "s"  # formula-like text stays text
        key = (id(fnt), id(align), id(brd), fmt)
        style = styles.get(key)
        if style is None:  # registering a style is slow: once per combination, then shared
            c.font = fnt
            c.alignment = align
            if brd is not None:
                c.border = brd
            if fmt:
                c.number_format = fmt
            styles[key] = c._style
        else:
            c._style = style  # never changed once made: the cells of one style share it
        return c

    def values_to_row(values: Sequence[Any], row_idx: int) -> Iterator[Any]:
        """The row's cells as they are. openpyxl's own version first tries each cell as a value,
        fails, takes it, and makes a fresh cell for the next: twice the cells and an exception
        per cell (a third of the time of a 17,000-row workbook). The file is byte for byte the same."""
        for col_idx, c in enumerate(values, 1):
            if c is None:
                continue
            c.column = col_idx
            c.row = row_idx
            yield c

    ws._values_to_row = values_to_row  # every value appended below is a cell made by cell()

    row_no = 0

    def emit(cells: list[Any], height: float | None = None) -> None:
        nonlocal row_no
        if height:  # write-only: a row's height must be known before the row is written
            ws.row_dimensions[row_no + 1].height = height
        ws.append(cells)
        row_no += 1

    def band(left_value: str, right_value: str, lf: Any = bold, rf: Any = bold) -> None:
        cells = [cell(left_value, lf, center)] + [None] * (split - 1) + [cell(right_value, rf, center)]
        cells += [None] * (ncol - split - 1)
        emit(cells)
        merges.append(f"A{row_no}:{_col(split)}{row_no}")
        if ncol > split + 1:
            merges.append(f"{_col(split + 1)}{row_no}:{_col(ncol)}{row_no}")

    def full(value: str, fnt: Any = font, align: Any = center, line_height: float = 15.0) -> None:
        n = text_lines(value, sum(char_w), 1.25 if fnt is title_font else 1.0)
        emit([cell(value, fnt, align)] + [None] * (ncol - 1), n * line_height + 4 if n > 1 else None)
        if ncol > 1:
            merges.append(f"A{row_no}:{_col(ncol)}{row_no}")

    band(report.authority, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    band(report.code, "Độc lập - Tự do - Hạnh phúc", bold, bold_u)
    band("", f"{report.place}, {report.date_text}", italic, italic)  # the date line under the motto (Decree 30)
    emit([])
    full(report.title, title_font, line_height=19.0)
    full(report.period_label, italic)
    emit([])

    # column headers
    first_header = row_no + 1
    grid: list[list[object]] = [[None] * ncol for _ in range(report.header_rows)]
    for h in report.headers:
        grid[h.row][h.col] = h.text
        if h.rowspan > 1 or h.colspan > 1:
            top, lft = first_header + h.row, h.col + 1
            merges.append(f"{_col(lft)}{top}:{_col(lft + h.colspan - 1)}{top + h.rowspan - 1}")
    need = [15.0] * report.header_rows
    for h in report.headers:
        span_w = sum(char_w[h.col : h.col + h.colspan])
        per_row = (text_lines(h.text, span_w, 1.15) * 15.0 + 4) / h.rowspan
        for r in range(h.row, h.row + h.rowspan):
            need[r] = max(need[r], per_row)
    for grid_row, heights in zip(grid, need, strict=True):
        emit([cell(v if v is not None else "", bold, center, border) for v in grid_row], heights)
    emit([cell(n, italic, center, border) for n in report.column_numbers])
    ws.print_title_rows = f"{first_header}:{row_no}"

    for rep_row in report.rows:
        fnt = bold if rep_row.kind in ("total", "subtotal", "section") else font
        cells = []
        n_lines = 1
        for i, v in enumerate(rep_row.values):
            kind = report.column_kinds[i]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                fmt = {PERCENT: PERCENT_FORMAT, YEAR: "0"}.get(kind)
                if kind in (INT, MONEY):
                    fmt = number_format(v)
                cells.append(cell(v, fnt, center if i == 0 else right, border, fmt))  # TT centred
            else:
                align = center if (i == 0 or v == "x") else left
                text = "" if v is None else str(v)
                if rep_row.kind != "section":
                    n_lines = max(n_lines, text_lines(text, char_w[i], 1.1 if fnt is bold else 1.0))
                cells.append(cell(text, fnt, align, border))
        emit(cells, n_lines * 15.0 + 2 if n_lines > 1 else None)

    emit([])
    for note in report.notes:
        full(f"Ghi chú: {note}", italic, left)
    emit([])
    band("NGƯỜI LẬP BIỂU", report.signer_title)
    band("(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)", italic, italic)
    for _ in range(3):
        emit([])
    band(report.preparer, report.chairman)

    for ref in merges:
        ws.merged_cells.add(CellRange(ref))
