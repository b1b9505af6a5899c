"""Report files checked with real readers: openpyxl numbers and layout, LibreOffice, pdftotext."""

from __future__ import annotations

import csv
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.report import ReportData
from giamngheo_desktop.export.pdf import write_pdf
from giamngheo_desktop.export.xlsx import NUMBER_FORMAT, sheet_name, write_xlsx
from giamngheo_desktop.services import reporting
from giamngheo_desktop.storage.connection import Database
from tests.report_builders import household, small_commune, villages

KINDS = ["bieu1", "bieu2", "bieu4", "list_poor", "supports"]


def _reports(db: Database) -> list[ReportData]:
    return reporting.build_reports(db, kinds=KINDS, period=periods.parse("2026"))


def _find(ws: Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not in sheet")


def test_xlsx_has_official_layout_and_the_same_numbers(db: Database, tmp_path: Path) -> None:
    small_commune(db)
    reports = _reports(db)
    path = write_xlsx(reports, tmp_path / "bc.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["Mẫu số 7.1", "Mẫu số 7.2", "Mẫu số 7.4"]
    ws = wb["Mẫu số 7.1"]
    assert ws["A1"].value == "UBND XÃ TÂN LẬP"
    assert _find(ws, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = ws.cell(*_find(ws, "Độc lập - Tự do - Hạnh phúc"))
    assert motto.font.u == "single"
    merged = {str(m) for m in ws.merged_cells.ranges}
    r, c = _find(ws, "Hộ nghèo")
    assert f"{openpyxl.utils.get_column_letter(c)}{r}:{openpyxl.utils.get_column_letter(c + 3)}{r}" in merged
    r_tt, _ = _find(ws, "TT")
    assert f"A{r_tt}:A{r_tt + 2}" in merged  # three header rows: group, class, leaf
    assert [ws.cell(r_tt + 3, i).value for i in range(1, 5)] == ["A", "B", "1", "2"]
    assert ws.row_dimensions[r_tt].height >= 30  # "Tổng số hộ dân cư (tại thời điểm rà soát)" wraps: taller row
    assert ws.print_title_rows == f"${r_tt}:${r_tt + 3}"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    tr, _ = _find(ws, "Tổng cộng xã Tân Lập")
    assert [ws.cell(tr, i).value for i in range(3, 7)] == [6, 17, 3, 50.0]  # rate against all 6 households
    assert ws.cell(tr, 3).number_format == NUMBER_FORMAT
    assert sum(ws.cell(tr - k, 3).value for k in (1, 2, 3)) == ws.cell(tr, 3).value
    assert _find(ws, "CHỦ TỊCH UBND XÃ") and _find(ws, "Nguyễn Văn An") and _find(ws, "Trần Thị Bình")
    assert ws.cell(*_find(ws, "Năm 2026")).font.i


def test_formula_like_text_stays_text_and_sheet_names_are_legal(db: Database, tmp_path: Path) -> None:
    v1 = villages(db)[0]
    db.conn.execute("UPDATE village SET name = '=HYPERLINK(\"http://x\")' WHERE id = ?", (v1,))
    household(db, "+84-001", v1, "poor", 1)
    path = write_xlsx(
        reporting.build_reports(db, kinds=["bieu1", "list_poor"], period=periods.parse("2026")), tmp_path / "x.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    cell = wb["Mẫu số 7.1"].cell(*_find(wb["Mẫu số 7.1"], '=HYPERLINK("http://x")'))
    assert cell.data_type == "s"
    assert wb["DS hộ nghèo"].cell(*_find(wb["DS hộ nghèo"], "+84-001")).data_type == "s"
    assert sheet_name("Biểu [1]: a/b\\c*d?e " + "x" * 40) == "Biểu -1-- a-b-c-d-e " + "x" * 11
    assert len(sheet_name("y" * 40)) == 31
    assert sheet_name("Biểu 1", ["biểu 1"]) == "Biểu 1 (2)"


def test_a_long_list_is_written_in_streaming_mode(db: Database, tmp_path: Path) -> None:
    v1 = villages(db)[0]
    for i in range(300):
        household(db, f"L-{i:04d}", v1, "poor", 2)
    report = reporting.build_report(db, kind="list_poor", period=periods.parse("2026"))
    path = write_xlsx(report, tmp_path / "list.xlsx")
    ws = openpyxl.load_workbook(path, read_only=True)["DS hộ nghèo"]
    cells = [row[1] for row in ws.iter_rows(values_only=True) if len(row) > 1]
    names = [v for v in cells if isinstance(v, str) and v.startswith("Nguyễn Văn L-")]
    assert len(names) == 300


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có trên máy này")
def test_libreoffice_opens_every_sheet_and_shows_dotted_thousands(db: Database, tmp_path: Path) -> None:
    v1 = villages(db)[0]
    for i in range(3):
        household(db, f"S-{i}", v1, "poor", 1)
        from tests.report_builders import support

        support(db, db.scalar("SELECT max(id) FROM household"), "loan", "2026-02-01", 500_000_000)
    for kind in ("bieu1", "supports"):
        report = reporting.build_report(db, kind=kind, period=periods.parse("2026"))
        path = write_xlsx(report, tmp_path / f"{kind}.xlsx")
        out = tmp_path / "csv"
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                "--outdir",
                str(out),
                str(path),
            ],
            check=False,
            capture_output=True,
            timeout=180,
        )
        converted = out / f"{kind}.csv"
        assert converted.exists(), f"LibreOffice did not convert {path.name}"
        rows = list(csv.reader(converted.open(encoding="utf-8")))
        total = next(r for r in rows if r[1].startswith("Tổng cộng"))
        if kind == "supports":
            assert total[4] == "1.500.000.000"
        else:
            assert total[2] == "3"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có trên máy này")
def test_pdf_text_is_the_vietnamese_report(db: Database, tmp_path: Path) -> None:
    ids = small_commune(db)
    from tests.report_builders import support

    support(db, ids["a"], "loan", "2026-02-01", 1_500_000)
    for report in _reports(db):
        path = write_pdf(report, tmp_path / f"{report.kind}.pdf")
        raw = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
        text = unicodedata.normalize("NFC", raw.decode("utf-8"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert report.title.split(";")[0][:40] in " ".join(text.split())
        assert "NGƯỜI LẬP BIỂU" in text and "Nguyễn Văn An" in text
        if report.kind == "bieu1":
            assert "Tổng cộng xã Tân Lập" in text and "Thôn Đồng Xuân" in text
        if report.kind == "supports":
            assert "1.500.000" in text
        if report.kind == "bieu2":
            assert "9=1-2-3-4+5+6+7+8" in text.replace(" ", "")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có trên máy này")
@pytest.mark.parametrize("paged_from", [10_000, 10], ids=["one-table", "paged"])
def test_signature_never_stands_alone_on_a_page(
    db: Database, tmp_path: Path, paged_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the table length, the page with the signature block also holds table rows; every page
    has the column headers exactly once (long tables are laid out page by page)."""
    import dataclasses
    import re

    from giamngheo_desktop.export import pdf

    monkeypatch.setattr(pdf, "PAGED_TABLE_ROWS", paged_from)
    small_commune(db)
    base = reporting.build_report(db, kind="bieu1", period=periods.parse("2026"))
    unit = base.unit_rows()[0]
    moved = 0
    for extra in range(14, 40, 2):
        report = dataclasses.replace(base, rows=[unit] * extra + list(base.rows))
        path = write_pdf(report, tmp_path / f"r{extra}.pdf")
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
        pages = unicodedata.normalize("NFC", text.decode("utf-8")).split("\f")
        signed = [p for p in pages if "NGƯỜI LẬP BIỂU" in p]
        assert len(signed) == 1
        assert "Tổng cộng xã Tân Lập" in signed[0], f"{extra} extra rows: signature alone on its page"
        printed = [p for p in pages if p.strip()]
        assert all(len(re.findall(r"^\s*A\s+B\s+1\s+2\s", p, re.M)) == 1 for p in printed)
        assert sum(p.count("Thôn Đồng Xuân") for p in printed) == extra + 1  # no row lost or repeated
        moved += signed[0] is not pages[0] and "Tổng cộng" in signed[0]
    assert moved, "no length pushed the signature to a second page: the test no longer covers the case"


def test_a_village_moves_whole_with_the_signature(db: Database) -> None:
    from giamngheo_desktop.export.pdf import rows_to_keep_with_signature

    small_commune(db)
    bieu1, bieu2 = reporting.build_reports(db, kinds=["bieu1", "bieu2"], period=periods.parse("2026"))
    assert rows_to_keep_with_signature(bieu1) == 2  # the last village and the total
    assert rows_to_keep_with_signature(bieu2) == 4  # its "Hộ" and "Nhân khẩu" rows, twice


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có")
def test_a_villages_two_rows_stay_on_one_page_and_page_one_has_no_number(db: Database, tmp_path: Path) -> None:
    """Mẫu 7.2 of a commune with many villages runs over pages: every page holds whole villages (each
    "Hộ" row with its "Nhân khẩu" row); page numbers only from page 2, centred at the top."""
    small_commune(db)
    with db.atomic() as conn:
        for n in range(40):
            conn.execute(
                "INSERT INTO village (code, name, name_fold, sort_order) VALUES (?, ?, ?, ?)",
                (f"T{n:02d}", f"Thôn Mới {n}", f"thon moi {n}", 10 + n),
            )
    path = write_pdf(reporting.build_report(db, kind="bieu2", period=periods.parse("2026")), tmp_path / "72.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    pages = unicodedata.normalize("NFC", text.decode("utf-8")).split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        households = sum(1 for line in page.splitlines() if " Hộ " in f" {line} " and line.split()[-1].isdigit())
        persons = sum(1 for line in page.splitlines() if "Nhân khẩu" in line and line.split()[-1].isdigit())
        assert households == persons, number
        first_line = next(line for line in page.splitlines() if line.strip())
        assert (first_line.strip() == str(number)) == (number > 1), number
