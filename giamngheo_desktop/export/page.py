"""One page template for every paper the app prints: Decree 30/2020/NĐ-CP, Phụ lục I
(POVERTY_RULES §5.7).

- A4; margins top and bottom 20 mm, left 30 mm, right 15 mm (landscape for wide tables);
- Liberation Serif, the metric-compatible free substitute for Times New Roman (``export.fonts``),
  13 pt body;
- issuing body top left (bold, upper case) with a short rule under it, "Số: …" under it;
  Quốc hiệu and Tiêu ngữ top right with a rule under the motto; "…, ngày … tháng … năm …" in
  italics under the motto;
- page numbers centred in the top margin from the second page of each paper on;
- a signature block is kept together (title, note, name) so a signer's name never stands alone.

Plain values in (:class:`Letterhead`, :class:`Signer`), reportlab flowables out.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from giamngheo_desktop import formats
from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.export.fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, register_fonts
from giamngheo_desktop.memory import gc_paused
from giamngheo_desktop.text import nfc

MM = 72 / 25.4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM
BODY_SIZE = 13.0
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def esc(value: object) -> str:
    """NFC text escaped for a reportlab Paragraph."""
    text = nfc("" if value is None else str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def page_size(landscape_page: bool) -> tuple[float, float]:
    from reportlab.lib.pagesizes import A4, landscape

    width, height = landscape(A4) if landscape_page else A4
    return float(width), float(height)


def text_width(landscape_page: bool = False) -> float:
    """The width between the margins."""
    return page_size(landscape_page)[0] - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class Letterhead:
    """The header block of a paper (cells 1–4 of the Decree 30 layout)."""

    body: str  # issuing body, e.g. "ỦY BAN NHÂN DÂN XÃ TÂN LẬP" (printed upper case, bold)
    parent: str = ""  # parent body (upper case, upright), optional
    number: str = ""  # "Số: 12/GCN-HN.HCN"; '' = no number line
    place: str = ""  # for the date line ("Tân Lập")
    day: _dt.date | str | None = None  # None: "ngày …… tháng …… năm ……" to fill in by hand
    show_date: bool = True
    form: str = ""  # "Mẫu số 03" printed at the top right, above the header
    date_words: str = ""  # "ngày 06 tháng 12 năm 2026" as already written (instead of ``day``)

    @property
    def date_line(self) -> str:
        if self.date_words:
            return f"{self.place or '……'}, {self.date_words}"
        return formats.place_and_date(self.place, self.day)


@dataclass(frozen=True)
class Signer:
    """One signature column: its title lines (bold, upper case), the note under them, the name."""

    title: Sequence[str]
    name: str = ""
    note: str = "(Ký, ghi rõ họ tên)"


@dataclass
class Styles:
    size: float
    body: Any
    justify: Any
    bold: Any
    italic: Any
    center: Any
    center_bold: Any
    center_italic: Any
    right_italic: Any
    title: Any
    subtitle: Any
    small: Any
    small_center: Any
    small_center_bold: Any
    extra: dict[str, Any] = field(default_factory=dict)


@functools.cache
def styles(size: float = BODY_SIZE, *, compact: bool = False) -> Styles:
    """Paragraph styles at ``size`` points (13 for papers); tables use ``small`` (size − 2).
    ``compact``: single line spacing and 1 pt between paragraphs (a one-page certificate)."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    body = ParagraphStyle(
        f"p{size}{compact}",
        fontName=FONT,
        fontSize=size,
        leading=size * (1.17 if compact else 1.25),
        spaceAfter=1 if compact else 3,
    )
    small = ParagraphStyle(f"ps{size}", parent=body, fontSize=size - 2, leading=(size - 2) * 1.2, spaceAfter=0)
    return Styles(
        size=size,
        body=body,
        justify=ParagraphStyle(f"pj{size}", parent=body, alignment=TA_JUSTIFY, firstLineIndent=10 * MM),
        bold=ParagraphStyle(f"pb{size}", parent=body, fontName=FONT_BOLD),
        italic=ParagraphStyle(f"pi{size}", parent=body, fontName=FONT_ITALIC),
        center=ParagraphStyle(f"pc{size}", parent=body, alignment=TA_CENTER),
        center_bold=ParagraphStyle(f"pcb{size}", parent=body, fontName=FONT_BOLD, alignment=TA_CENTER),
        center_italic=ParagraphStyle(f"pci{size}", parent=body, fontName=FONT_ITALIC, alignment=TA_CENTER),
        right_italic=ParagraphStyle(f"pri{size}", parent=body, fontName=FONT_ITALIC, alignment=TA_RIGHT),
        title=ParagraphStyle(
            f"pt{size}",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size + 1,
            leading=(size + 1) * 1.3,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=2,
        ),
        subtitle=ParagraphStyle(f"pst{size}", parent=body, fontName=FONT_BOLD, alignment=TA_CENTER),
        small=small,
        small_center=ParagraphStyle(f"psc{size}", parent=small, alignment=TA_CENTER),
        small_center_bold=ParagraphStyle(f"pscb{size}", parent=small, fontName=FONT_BOLD, alignment=TA_CENTER),
    )


_ALIGNS = {0: "LEFT", 1: "CENTER", 2: "RIGHT"}  # reportlab's TA_LEFT, TA_CENTER, TA_RIGHT


class Cell(NamedTuple):
    """A table cell's Paragraph, not made yet: :func:`plain_cells` draws it as plain text when it
    can and makes the Paragraph only when it must (making one costs its markup parsing)."""

    text: str
    style: Any


@functools.lru_cache(maxsize=65536)
def _plain_align(text: str, st: Any, room: float) -> str | None:
    """The alignment a plain-text cell draws ``text`` of Paragraph style ``st`` with, when it is
    plain text that fits ``room`` on one line; else None (it stays a Paragraph)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    align = _ALIGNS.get(st.alignment)
    if (
        text
        and align is not None
        and "<" not in text
        and "&" not in text
        and " ".join(text.split()) == text
        and not (st.spaceBefore or st.spaceAfter or st.leftIndent or st.rightIndent or st.firstLineIndent)
        and st.backColor is None
        and stringWidth(text, st.fontName, st.fontSize) <= room
    ):
        return align
    return None


def plain_cells(
    data: list[list[Any]],
    col_widths: Sequence[float],
    padding: float,
    skip_rows: Sequence[int] = (),
    *,
    valign: str = "MIDDLE",
    top: float = 2.0,
    bottom: float = 2.0,
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The table ``data`` with each one-line plain-text Paragraph (or :class:`Cell`) replaced by its
    text, and each cell's CellStyle for the table: ``valign`` and the paddings (``padding`` left and
    right, ``top``, ``bottom``) for every cell, and for a replaced text the font, size, leading,
    colour and alignment its Paragraph had. Cells alike share one CellStyle (the table would make one
    per cell and set it command by command).

    A Paragraph per cell costs its parsing, line breaking and drawing machinery; the table draws a
    plain string itself, in the same place (same leading: same row height, same baseline). Only
    texts without markup or entities, with single spaces, that fit their column on one line are
    replaced; cells of ``skip_rows`` (merged across columns) keep their Paragraphs. A :class:`Cell`
    that does not qualify becomes a ``fastdraw.paragraph`` (wrapped and drawn once per document for
    every cell of the same text and style).
    """
    from reportlab.platypus import Paragraph
    from reportlab.platypus.tables import CellStyle

    from giamngheo_desktop.export import fastdraw

    memo_class = fastdraw.memo_paragraph_class()

    def cell_style(name: str) -> Any:
        made = CellStyle(name)
        made.valign, made.topPadding, made.bottomPadding = valign, top, bottom
        made.leftPadding = made.rightPadding = padding
        return made

    base = cell_style("grid")
    shared: dict[tuple[Any, ...], Any] = {}

    def plain_style(st: Any, align: str) -> Any:
        key = (st.fontName, st.fontSize, st.leading, align, st.textColor)
        found = shared.get(key)
        if found is None:
            found = shared[key] = cell_style("grid-text")
            found.fontname, found.fontsize, found.leading = st.fontName, st.fontSize, st.leading
            found.alignment, found.color = align, st.textColor
        return found

    skip = set(skip_rows)
    out: list[list[Any]] = []
    styles: list[list[Any]] = []
    for r, row in enumerate(data):
        row_styles = [base] * max(len(row), len(col_widths))
        styles.append(row_styles)
        if r in skip:
            out.append([fastdraw.paragraph(x.text, x.style) if type(x) is Cell else x for x in row])
            continue
        cells: list[Any] = []
        for c, cell in enumerate(row):
            kind = type(cell)
            if (kind is Paragraph or kind is Cell or kind is memo_class) and c < len(col_widths):
                st = cell.style
                align = _plain_align(cell.text, st, col_widths[c] - 2 * padding)
                if align is not None:
                    row_styles[c] = plain_style(st, align)
                    cell = cell.text
            if type(cell) is Cell:  # it did not qualify: the Paragraph it stands for
                cell = fastdraw.paragraph(cell.text, cell.style)
            cells.append(cell)
        out.append(cells)
    return out, styles


def _fit(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest size from ``size`` down to ``smallest`` (by 0.5 pt) at which ``text`` fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


@functools.cache
def _rule_class() -> Any:
    from reportlab.platypus import Flowable

    class Rule(Flowable):
        """A short horizontal rule of ``length`` centred in the width it is given (a table cell)."""

        def __init__(self, length: float, thickness: float = 0.6, space: float = 3.5, left: bool = False) -> None:
            super().__init__()
            self.length, self.thickness, self.space, self.left = length, thickness, space, left
            self._avail = length

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self._avail = avail_width
            return avail_width, self.space + 1.5 + self.thickness

        def draw(self) -> None:
            x = 0 if self.left else (self._avail - self.length) / 2
            self.canv.setLineWidth(self.thickness)
            self.canv.line(x, 1.5, x + self.length, 1.5)

    return Rule


def rule(length: float, *, left: bool = False) -> Any:
    """A horizontal rule of ``length`` points centred under the text above it (``left``: at the left,
    as over a footnote)."""
    return _rule_class()(length, left=left)


def header(lh: Letterhead, width: float, size: float = BODY_SIZE) -> list[Any]:
    """The header block: issuing body and number (left), Quốc hiệu, Tiêu ngữ and date (right)."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table, TableStyle

    register_fonts()
    left_w, right_w = width * 0.40, width * 0.60
    inner_l, inner_r = left_w - 4, right_w - 4
    body = nfc(lh.body).upper()
    parent = nfc(lh.parent).upper()
    body_size = _fit(body, FONT_BOLD, size, inner_l, 12)
    nation_size = _fit(NATION, FONT_BOLD, size, inner_r, 11.5)
    motto_size = _fit(MOTTO, FONT_BOLD, size + 1, inner_r, 12)

    def style(name: str, font: str, sz: float, align: int = TA_CENTER) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=sz, leading=sz * 1.2, alignment=align)

    right: list[Any] = [
        Paragraph(NATION, style("lhn", FONT_BOLD, nation_size)),
        Paragraph(MOTTO, style("lhm", FONT_BOLD, motto_size)),
        rule(stringWidth(MOTTO, FONT_BOLD, motto_size)),
    ]
    date_line = Paragraph(esc(lh.date_line), style("lhd", FONT_ITALIC, size)) if lh.show_date else ""
    padding = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 1), (-1, 1), 5),
    ]
    if not body:  # a citizen's paper (requests): the national heading centred, the date on the right
        rows: list[list[Any]] = [[right]]
        widths = [width]
        if date_line:
            rows.append([Paragraph(esc(lh.date_line), style("lhr", FONT_ITALIC, size, TA_RIGHT))])
        table = Table(rows, colWidths=widths)
    else:
        left: list[Any] = []
        if parent:
            left.append(Paragraph(esc(parent), style("lhp", FONT, _fit(parent, FONT, size, inner_l, 11))))
        left.append(Paragraph(esc(body), style("lhb", FONT_BOLD, body_size)))
        last_line = body.split("\n")[-1]
        rule_l = min(stringWidth(last_line, FONT_BOLD, body_size), inner_l) / 3
        left.append(rule(max(rule_l, 20 * MM)))
        rows = [[left, right]]
        number = Paragraph(esc(lh.number), style("lhs", FONT, size)) if lh.number else ""
        if number or date_line:
            rows.append([number, date_line])
        table = Table(rows, colWidths=[left_w, right_w])
    table.setStyle(TableStyle(padding))
    out: list[Any] = []
    if lh.form:
        out.append(Paragraph(f"<b>{esc(lh.form)}</b>", style("lhf", FONT_BOLD, size - 1, TA_RIGHT)))
    out.append(table)
    return out


def header_once(lh: Letterhead, width: float, size: float = BODY_SIZE) -> list[Any]:
    """:func:`header` made, laid out and drawn once per document (``fastdraw.memo``): the header
    block every form of a batch repeats."""
    from giamngheo_desktop.export import fastdraw

    count = 2 if lh.form else 1
    return [
        fastdraw.memo(("header", lh, width, size, i), functools.partial(_header_part, lh, width, size, i))
        for i in range(count)
    ]


def _header_part(lh: Letterhead, width: float, size: float, index: int) -> Any:
    return header(lh, width, size)[index]


def signature(
    width: float,
    right: Signer,
    left: Signer | None = None,
    *,
    recipients: Sequence[str] = (),
    place_date: str = "",
    size: float = BODY_SIZE,
    gap_mm: float = 22,
) -> Any:
    """The signature block kept together: optional place-and-date line (italic, right), recipients
    ("Nơi nhận:") or a second signer on the left, the signer's title, note, room to sign, name."""
    from reportlab.platypus import Spacer, Table, TableStyle

    from giamngheo_desktop.export import fastdraw

    Paragraph = fastdraw.paragraph  # each laid out and drawn once per document
    s = styles(size)

    lines = max(len(right.title), len(left.title) if left is not None else 0)

    def column(signer: Signer | None) -> list[Any]:
        if signer is None:
            return []
        titles = list(signer.title) + [""] * (lines - len(signer.title))  # names on one line
        cells: list[Any] = [Paragraph(esc(t).upper(), s.center_bold) for t in titles]
        if signer.note:
            cells.append(Paragraph(esc(signer.note), s.center_italic))
        cells.append(Spacer(1, gap_mm * MM))
        cells.append(Paragraph(esc(signer.name) if signer.name else "", s.center_bold))
        return cells

    if recipients:  # "Nơi nhận:" bold italic 12 pt, the recipients upright 11 pt
        head = s.small.clone("rcb", fontName=FONT_BOLD_ITALIC, fontSize=size - 1, leading=(size - 1) * 1.2)
        item = s.small.clone("rci", fontSize=size - 2)
        left_cells: list[Any] = [Paragraph("Nơi nhận:", head)] + [Paragraph(esc(f"- {r};"), item) for r in recipients]
    else:
        left_cells = column(left)
    right_cells = column(right)
    if place_date:
        right_cells.insert(0, Paragraph(esc(place_date), s.center_italic))
        if left is not None and not recipients:
            left_cells.insert(0, Paragraph("&nbsp;", s.center_italic))
    # one row: a table row is never split, so the title, the room to sign and the name stay together
    table = Table([[left_cells, right_cells]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


@functools.cache
def _paper_start_class() -> Any:
    from reportlab.platypus import Flowable

    class PaperStart(Flowable):
        """Marks where a paper begins: its page numbers count from here (none on its first page)."""

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            self.canv._paper_first_page = self.canv.getPageNumber()

    return PaperStart


def paper_start() -> Any:
    """A zero-size marker to put first in each paper's story (page numbers restart after it)."""
    return _paper_start_class()()


def build(path: Path, story: list[Any], *, landscape_page: bool, title: str, author: str = "") -> Path:
    """Write ``story`` as an A4 PDF with the Decree 30 margins and page numbers from page 2 of each
    paper (centred in the top margin)."""
    from reportlab.platypus import SimpleDocTemplate

    register_fonts()
    page = page_size(landscape_page)

    class Document(SimpleDocTemplate):
        def afterPage(self) -> None:
            canvas = self.canv
            first = getattr(canvas, "_paper_first_page", 1)
            number = canvas.getPageNumber() - first + 1
            if number > 1:
                canvas.saveState()
                canvas.setFont(FONT, BODY_SIZE)
                canvas.drawCentredString(
                    MARGIN_LEFT + (page[0] - MARGIN_LEFT - MARGIN_RIGHT) / 2, page[1] - 12 * MM, str(number)
                )
                canvas.restoreState()

    doc = Document(
        str(path),
        pagesize=page,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=nfc(title),
        author=nfc(author),
    )
    with gc_paused():  # a thousand forms: millions of flowables for its full scans (13 % of the time)
        try:
            doc.build([paper_start(), *story])
        except OSError as exc:
            raise StorageUnavailable(f"Không ghi được tệp {path}: {exc.strerror or exc}.", code="write_failed") from exc
    return path
