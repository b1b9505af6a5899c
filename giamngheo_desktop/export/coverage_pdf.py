"""A coverage-gap list printed on the Decree 30/2020 page (``export.page``), A4 landscape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.documents import GapListDoc
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.export import page
from giamngheo_desktop.export.page import esc


def write_pdf(doc: GapListDoc, path: Path) -> Path:
    """Print ``doc`` to ``path``: the header block of every paper (issuing body, Quốc hiệu, Tiêu ngữ,
    place and date), the title, the village, the list, its total and the signatures."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    s = page.styles(13)
    small, small_c, small_cb = s.small, s.small_center, s.small_center_bold
    width = page.text_width(True)
    parts = doc.on_date.split("/")  # dd/mm/yyyy
    day = f"{parts[2]}-{parts[1]}-{parts[0]}" if len(parts) == 3 else None
    body = "ỦY BAN NHÂN DÂN " + doc.commune_header.removeprefix("UBND ")
    story: list[Any] = page.header(page.Letterhead(body=body, place=doc.place, day=day), width)
    story += [Spacer(1, 4 * mm), Paragraph(esc(doc.title.upper()), s.title)]
    story.append(Paragraph(esc(f"{doc.village} — tính đến ngày {doc.on_date}"), s.center_italic))
    story.append(Spacer(1, 3 * mm))

    widths = doc.widths or [1.0] * len(doc.columns)
    stt = 11 * mm
    col_widths = [stt] + [(width - stt) * w / sum(widths) for w in widths]
    data = [[Paragraph("STT", small_cb)] + [Paragraph(esc(c), small_cb) for c in doc.columns]]
    for n, row in enumerate(doc.rows, start=1):
        data.append([Paragraph(str(n), small_c)] + [Paragraph(esc(v), small) for v in row])
    if not doc.rows:
        data.append(
            [Paragraph("", small)] + [Paragraph("Không có ai trong danh sách.", small)] + [""] * (len(doc.columns) - 1)
        )
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 3 * mm), Paragraph(esc(f"Tổng số: {len(doc.rows)}"), s.bold), Spacer(1, 4 * mm)]
    story.append(
        page.signature(
            width,
            page.Signer(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], doc.chairman, "(Ký tên, đóng dấu)"),
            page.Signer(["NGƯỜI LẬP BIỂU"], doc.preparer),
        )
    )
    return page.build(path, story, landscape_page=True, title=doc.title, author=doc.commune_header)


def write_gap_list(doc: GapListDoc, path: Path, *, fmt: str | None = None) -> Path:
    """Write a gap list to ``path`` as xlsx or pdf (from ``fmt`` or the file suffix)."""
    from giamngheo_desktop.export.coverage_xlsx import write_xlsx

    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind == "xlsx":
        return write_xlsx(doc, path)
    if kind == "pdf":
        return write_pdf(doc, path)
    raise ValidationFailed(ValidationIssue("Tệp", "chỉ xuất được .xlsx hoặc .pdf.", value=str(path)))
