"""A coverage-gap list printed to an A4 PDF (reportlab, bundled Noto Sans, NFC text)."""

from __future__ import annotations

from pathlib import Path

from giamngheo_desktop.domain.documents import GapListDoc
from giamngheo_desktop.domain.errors import StorageUnavailable, ValidationFailed, ValidationIssue
from giamngheo_desktop.export.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from giamngheo_desktop.text import nfc


def _esc(value: object) -> str:
    text = nfc("" if value is None else str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pdf(doc: GapListDoc, path: Path) -> Path:
    """Print ``doc`` to ``path`` (A4 landscape, header "UBND xã …", title, village, date, page numbers)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12)
    bold = ParagraphStyle("bold", parent=base, fontName=FONT_BOLD)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    center_bold = ParagraphStyle("center_bold", parent=bold, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=center_bold, fontSize=13, leading=17, spaceBefore=6)
    italic = ParagraphStyle("italic", parent=center, fontName=FONT_ITALIC)

    page = landscape(A4)
    margin = 14 * mm
    width = page[0] - 2 * margin
    story: list = []
    head = Table(
        [
            [
                Paragraph(_esc(doc.commune_header.upper()), center_bold),
                Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center_bold),
            ],
            [Paragraph("", center), Paragraph("Độc lập – Tự do – Hạnh phúc", center_bold)],
        ],
        colWidths=[width * 0.4, width * 0.6],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [head, Spacer(1, 4 * mm), Paragraph(_esc(doc.title.upper()), title)]
    story.append(Paragraph(_esc(f"{doc.village} — tính đến ngày {doc.on_date}"), italic))
    story.append(Spacer(1, 4 * mm))

    widths = doc.widths or [1.0] * len(doc.columns)
    stt = 11 * mm
    col_widths = [stt] + [(width - stt) * w / sum(widths) for w in widths]
    data = [[Paragraph("STT", center_bold)] + [Paragraph(_esc(c), center_bold) for c in doc.columns]]
    for n, row in enumerate(doc.rows, start=1):
        data.append([Paragraph(str(n), center)] + [Paragraph(_esc(v), base) for v in row])
    if not doc.rows:
        data.append(
            [Paragraph("", base)] + [Paragraph("Không có ai trong danh sách.", base)] + [""] * (len(doc.columns) - 1)
        )
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 3 * mm), Paragraph(_esc(f"Tổng số: {len(doc.rows)}"), bold), Spacer(1, 6 * mm)]
    sign = Table(
        [
            [Paragraph("NGƯỜI LẬP BIỂU", center_bold), Paragraph(_esc(f"{doc.place}, ngày {doc.on_date}"), italic)],
            [Paragraph("(Ký, ghi rõ họ tên)", italic), Paragraph("TM. ỦY BAN NHÂN DÂN<br/>CHỦ TỊCH", center_bold)],
            [Spacer(1, 16 * mm), Spacer(1, 16 * mm)],
            [Paragraph(_esc(doc.preparer), center_bold), Paragraph(_esc(doc.chairman), center_bold)],
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    story.append(sign)

    def footer(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(page[0] - margin, 8 * mm, f"Trang {document.page}")
        canvas.restoreState()

    pdf = SimpleDocTemplate(
        str(path),
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=nfc(doc.title),
        author=nfc(doc.commune_header),
    )
    try:
        pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    except OSError as exc:
        raise StorageUnavailable(f"Không ghi được tệp {path}: {exc.strerror or exc}.", code="write_failed") from exc
    return path


def write_gap_list(doc: GapListDoc, path: Path, *, fmt: str | None = None) -> Path:
    """Write a gap list to ``path`` as xlsx or pdf (from ``fmt`` or the file suffix)."""
    from giamngheo_desktop.export.coverage_xlsx import write_xlsx

    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind == "xlsx":
        return write_xlsx(doc, path)
    if kind == "pdf":
        return write_pdf(doc, path)
    raise ValidationFailed(ValidationIssue("Tệp", "chỉ xuất được .xlsx hoặc .pdf.", value=str(path)))
