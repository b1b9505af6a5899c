"""Lists typed the way commune officers type them (tests/real_lists.py, made independently of
tests/list_shapes.py) import in one step, exactly; what cannot be read is refused at its row."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo_desktop.importing import lists
from giamngheo_desktop.storage.connection import Database
from tests import real_lists as real
from tests.commune_lists import cli_import

ROOT = Path(__file__).resolve().parents[2]
# LibreOffice conversions (soffice --convert-to xls/ods) of real_lists' shapes, as a commune's older
# computer saves them; made from the register in real_lists.HOUSES
CONVERTED = Path(__file__).parent / "fixtures" / "lists"

SHAPES = {
    **real.SHAPES,
    "csv_windows": real.csv_windows,  # cp1258, ';' (Vietnamese-locale Excel)
    "csv_utf8": real.csv_utf8,  # UTF-8 with BOM, ','
}


def _file(tmp_path: Path, shape: str) -> Path:
    return SHAPES[shape](tmp_path / (f"{shape}.csv" if shape.startswith("csv") else f"{shape}.xlsx"))


def _expected(shape: str) -> dict[str, dict[str, object]]:
    expected = real.expected(dates=shape != "years_only")
    if shape == "all_caps":  # names are kept as written
        for house in expected.values():
            house["members"] = {name.upper(): m for name, m in house["members"].items()}
    return expected


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_real_list_imports_exactly(db: Database, tmp_path: Path, shape: str) -> None:
    preview = lists.plan_import(db, _file(tmp_path, shape))
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert real.imported(db) == _expected(shape)


@pytest.mark.parametrize(
    "name", ["real-merged-codes.xls", "real-title-block.ods", "real-two-tables.xls", "real-ids-and-dates.ods"]
)
def test_the_same_lists_saved_as_xls_and_ods_import_exactly(db: Database, name: str) -> None:
    preview = lists.plan_import(db, CONVERTED / name)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert real.imported(db) == real.expected()


@pytest.mark.parametrize("shape", ["title_block", "two_tables", "csv_windows"])
def test_the_command_line_imports_them_without_a_map(db_path: Path, tmp_path: Path, shape: str) -> None:
    out = cli_import(db_path, _file(tmp_path, shape))
    assert out["written"] and out["counts"]["households_create"] == 4 and out["counts"]["members_create"] == 16


def test_two_tables_on_one_sheet_take_the_class_of_their_title_and_skip_the_repeated_header(
    db: Database, tmp_path: Path
) -> None:
    preview = lists.plan_import(db, real.two_tables(tmp_path / "two.xlsx"))
    assert {h.code: len(h.members) for h in preview.households} == {"DX01": 3, "BS01": 4, "TH01": 4, "DX02": 5}
    assert not any("Họ và tên" in m.data.full_name for h in preview.households for m in h.members)


def _count(db: Database) -> tuple[int, int]:
    return int(db.scalar("SELECT count(*) FROM household")), int(db.scalar("SELECT count(*) FROM member"))


def test_a_list_in_an_old_font_is_converted_and_the_preview_says_so(db: Database, tmp_path: Path) -> None:
    preview = lists.plan_import(db, real.legacy_font(tmp_path / "vntime.xlsx"))
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("TCVN3" in note and "Unicode" in note and "“Họ và tên”" in note for note in preview.notes)
    lists.commit_import(db, preview)
    assert real.imported(db) == real.expected(dates=False)


def test_names_pasted_from_an_old_font_under_a_unicode_header_are_converted(db: Database, tmp_path: Path) -> None:
    preview = lists.plan_import(db, real.legacy_names(tmp_path / "names.xlsx"))
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("TCVN3" in note and "cột B “Họ và tên”" in note for note in preview.notes)
    lists.commit_import(db, preview)
    assert real.imported(db) == real.expected(dates=False)


def test_names_in_an_unknown_old_encoding_are_errors_at_their_rows_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    """UTF-8 read as Windows-1252 ("Nguyá»…n") is neither TCVN3 nor VNI: not converted, refused at its rows."""
    before = _count(db)
    path = real.legacy_names(tmp_path / "names.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    for row in range(2, ws.max_row + 1):
        name = real.HOUSES[0].people[0].name if row == 2 else ws.cell(row, 2).value
        ws.cell(row, 2, name.encode("utf-8").decode("cp1252", errors="replace") if row <= 3 else name)
    wb.save(path)
    preview = lists.plan_import(db, path)
    old_font = [e for e in preview.errors if "TCVN3" in e.reason]
    assert [(e.line, e.column, e.letter) for e in old_font][:1] == [(2, "Họ và tên", "B")]
    assert old_font[0].value.startswith("Nguyá»")
    assert any("Unikey" in note for note in preview.notes)  # how to convert, once, in the summary
    with pytest.raises(Exception):  # noqa: B017 - refused whatever its class: the point is nothing written
        lists.commit_import(db, preview)
    assert _count(db) == before


def _one_sheet(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS 2025"
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


HEAD: list[object] = ["Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD", "Thôn", "Mã hộ"]


def test_years_typed_into_date_cells_and_unknown_day_month_keep_the_year(db: Database, tmp_path: Path) -> None:
    """1950 typed into a cell formatted dd/mm/yyyy shows 03/05/1905; "00/00/1948" is how registers write a
    year alone."""
    rows: list[list[object]] = [
        HEAD,
        ["Lò Văn Pọm", "Chủ hộ", 1950, "Nam", None, "Thôn Tân Hòa", "TH09"],
        ["Lò Thị Ún", "Vợ", "00/00/1948", "Nữ", None, "Thôn Tân Hòa", "TH09"],
        ["Lò Văn Xoan", "Con", "00/07/1975", "Nam", None, "Thôn Tân Hòa", "TH09"],
        ["Lò Thị Piêng", "Con dâu", dt.datetime(1979, 4, 30), "Nữ", None, "Thôn Tân Hòa", "TH09"],
    ]
    preview = lists.plan_import(db, _one_sheet(tmp_path / "y.xlsx", rows, {"C2": "dd/mm/yyyy"}))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    born = {r["full_name"]: (r["birth_date"], r["birth_year"]) for r in db.rows("SELECT * FROM member")}
    assert born == {
        "Lò Văn Pọm": (None, 1950),
        "Lò Thị Ún": (None, 1948),
        "Lò Văn Xoan": (None, 1975),
        "Lò Thị Piêng": ("1979-04-30", 1979),
    }


def test_an_id_excel_wrote_as_a_power_of_ten_and_an_impossible_date_are_refused_at_their_cells(
    db_path: Path, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        HEAD,
        ["Lò Văn Pọm", "Chủ hộ", "31/02/1980", "Nam", "7.9208E+10", "Thôn Tân Hòa", "TH09"],
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(",".join(str(c) for c in r) for r in rows), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "giamngheo_desktop", "import", "--db", str(db_path), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1
    assert "dòng 2, cột “Số CCCD” (E) “7.9208E+10”: Excel đã ghi số định danh dạng số mũ" in done.stdout
    assert "dòng 2, cột “Ngày sinh” (C) “31/02/1980”: không phải ngày hợp lệ" in done.stdout
    assert "chưa ghi gì" in done.stdout


def test_relations_are_matched_with_their_accents(db: Database, tmp_path: Path) -> None:
    """ "Chú" (an uncle) and "Chú họ" are not "Chủ hộ" though they fold to the same letters; typed without
    accents, "Chu ho" is the head."""
    rows: list[list[object]] = [
        HEAD,
        ["Vàng A Dình", "Chu ho", 1970, "Nam", None, "Thôn Bãi Sậy", "BS09"],
        ["Vàng A Chớ", "Chú", 1950, "Nam", None, "Thôn Bãi Sậy", "BS09"],
        ["Vàng A Tủa", "Chú họ", 1955, "Nam", None, "Thôn Bãi Sậy", "BS09"],
        ["Vàng Thị Dợ", "Con gái", 2000, "Nữ", None, "Thôn Bãi Sậy", "BS09"],
        ["Vàng A Sử", "Con trai", 2003, "Nam", None, "Thôn Bãi Sậy", "BS09"],
        ["Vàng A Lềnh", "Em trai", 1975, "Nam", None, "Thôn Bãi Sậy", "BS09"],
    ]
    preview = lists.plan_import(db, _one_sheet(tmp_path / "r.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    rel = {r["full_name"]: r["relationship_code"] for r in db.rows("SELECT * FROM member")}
    assert rel == {
        "Vàng A Dình": "01",
        "Vàng A Chớ": "28",
        "Vàng A Tủa": "28",
        "Vàng Thị Dợ": "04",
        "Vàng A Sử": "04",
        "Vàng A Lềnh": "26",
    }
