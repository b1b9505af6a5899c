"""Smoke test of a (frozen) build, the file writers: an xlsx and a PDF with the bundled font."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from giamngheo_desktop.resources import resource_path


def self_test(folder: Path) -> list[str]:
    """Write and read back an xlsx and a PDF in ``folder``; the report lines. Raises on any failure."""
    from openpyxl import Workbook, load_workbook
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    report: list[str] = []
    sample = unicodedata.normalize("NFC", "Nguyễn Văn Đức — hộ nghèo, thôn Đồng Xuân")
    xlsx = folder / "selftest.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Phân loại"])
    sheet.append([sample, "Hộ nghèo"])
    book.save(xlsx)
    check = load_workbook(xlsx).active
    if check is None or check["A2"].value != sample:
        raise RuntimeError("xlsx round trip failed")
    report.append(f"xlsx: {xlsx.stat().st_size} bytes")

    font_file = resource_path("fonts", "NotoSans-Regular.ttf")
    pdfmetrics.registerFont(TTFont("NotoSans-SelfTest", str(font_file)))
    pdf = folder / "selftest.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    page.setFont("NotoSans-SelfTest", 12)
    page.drawString(72, 770, sample)
    page.save()
    if not pdf.read_bytes().startswith(b"%PDF"):
        raise RuntimeError("pdf not written")
    report.append(f"pdf: {pdf.stat().st_size} bytes (font {font_file.name})")
    return report
