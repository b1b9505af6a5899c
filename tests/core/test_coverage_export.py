"""Gap lists export to xlsx (text stays text) and print to an A4 PDF with the bundled font."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from giamngheo_desktop.export.coverage_pdf import write_gap_list
from giamngheo_desktop.services import coverage
from tests.support_builders import add_household, add_member, small_register

pytestmark = [pytest.mark.usefixtures("pinned_clock")]


def test_xlsx_keeps_formula_like_text_as_text(db, tmp_path):
    reg = small_register(db)
    hostile = add_household(db, "=HYPERLINK(1)", reg["v1"], "poor")
    add_member(db, hostile, "@Lê Văn Tám", head=True, birth_year=1960)
    path = write_gap_list(coverage.gap_document(db, "health_insurance", village_id=reg["v1"]), tmp_path / "bhyt.xlsx")
    ws = load_workbook(path).active
    assert ws["A1"].value == "UBND xã Tân Lập"
    assert ws["A3"].value == "THÀNH VIÊN HỘ NGHÈO, CẬN NGHÈO CHƯA CÓ THẺ BHYT CÒN HẠN"
    assert ws["A4"].value == "Thôn Đồng Xuân — tính đến ngày 15/06/2026"
    header = [c.value for c in ws[6]]
    assert header == ["STT", "Thôn", "Mã hộ", "Chủ hộ", "Thành viên", "Phân loại", "Lý do"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=7, max_row=9)]
    assert [row[2:5] for row in body] == [
        ["=HYPERLINK(1)", "@Lê Văn Tám", "@Lê Văn Tám"],
        ["DX-001", "Nguyễn Văn Đức", "Lò Thị Hằng"],
        ["DX-001", "Nguyễn Văn Đức", "Nguyễn Văn Bình"],
    ]
    cell = next(c for c in ws["C"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def test_pdf_prints_vietnamese_text_with_the_bundled_font(db, tmp_path):
    reg = small_register(db)
    path = write_gap_list(coverage.gap_document(db, "water", village_id=reg["v1"]), tmp_path / "nuoc.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"LiberationSerif" in data
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert "ỦY BAN NHÂN DÂN XÃ TÂN LẬP" in text
        assert "HỘ NGHÈO, CẬN NGHÈO CHƯA CÓ NƯỚC SINH HOẠT HỢP VỆ SINH" in text
        assert "Thôn Đồng Xuân — tính đến ngày 15/06/2026" in text
        assert "Chưa có nước sinh hoạt hợp vệ sinh" in text
        assert "TH-004" not in text  # another village
