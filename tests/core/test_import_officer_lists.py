"""A third tester's lists (tests/officer_lists.py) import in one step, through the core and the command line
without a column map; what they hold that the register cannot take is refused at its cell, in Vietnamese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo_desktop.domain.errors import BadFile, ValidationFailed
from giamngheo_desktop.importing import lists
from giamngheo_desktop.storage.connection import Database
from tests import commune_lists
from tests import officer_lists as shapes


def _file(tmp_path: Path, shape: str) -> Path:
    suffix = ".csv" if shape.startswith("csv") else ".xls" if shape.startswith(("web", "xml", "utc")) else ".xlsx"
    return shapes.SHAPES[shape](tmp_path / f"{shape}{suffix}")


# before: roman_groups (8 errors: the "I | THÔN ĐỒNG XUÂN (2 hộ, 5 khẩu)" rows were members), serial_dates
# ("Năm 1981", "ngày 2 tháng 1 năm 2016" refused), pasted_text (zero-width spaces and soft hyphens: villages
# unknown, names taken for an old font), excel_table (the hidden "Năm sinh (cũ)" read: every year one too
# small), ticks (the men under a lone "Nữ" column had no sex), village_sheets and merged_names (the class
# column not found: every household "không nghèo", without a word), csv_mac_lines (refused in English)
@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_each_list_imports_exactly(db: Database, tmp_path: Path, shape: str) -> None:
    preview = lists.plan_import(db, _file(tmp_path, shape))
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_household_codes_are_kept_as_written(db: Database, tmp_path: Path) -> None:
    lists.commit_import(db, lists.plan_import(db, _file(tmp_path, "serial_dates")))
    assert commune_lists.codes(db) == {
        "Phạm Văn Long": "DO-01",
        "Lò Thị Xuân": "DO-02",
        "Hà Văn Thắng": "TA-03",
        "Ma Văn Sinh": "BA-04",
        "Đỗ Văn Lành": "BA-05",
    }


@pytest.mark.parametrize(
    "shape",
    [
        "roman_groups",
        "village_sheets",
        "excel_table",
        "ticks",
        "csv_mac_lines",
        "web_export",
        "codes_per_village_sheet",
        "xml_2003_export",
        "household_titles",
        "class_sections",
    ],
)
def test_the_command_line_imports_them_without_a_map(db_path: Path, tmp_path: Path, shape: str) -> None:
    out = commune_lists.cli_import(db_path, _file(tmp_path, shape))
    assert out["written"] and out["counts"]["households_create"] == 5 and out["counts"]["members_create"] == 13


def test_what_the_importer_read_for_the_officer_is_said(db: Database, tmp_path: Path) -> None:
    """A hidden column left unused, men under a lone "Nữ" column, a class column found by what it holds."""
    hidden = lists.plan_import(db, _file(tmp_path, "excel_table"))
    assert any("cột D “Năm sinh (cũ)” (đang ẩn trong Excel) để “không dùng”" in n for n in hidden.notes)
    ticks = lists.plan_import(db, _file(tmp_path, "ticks"))
    assert "Cột “Nữ” chỉ đánh dấu người nữ: người không đánh dấu được ghi là nam." in ticks.notes
    merged = lists.plan_import(db, _file(tmp_path, "merged_names"))
    assert merged.notes == [
        "Trang “Sheet”: cột “Hộ” chỉ ghi loại hộ (hộ nghèo, cận nghèo…): đã đọc là cột “Phân loại hộ”."
    ]


def test_a_hidden_column_alone_for_its_field_is_still_read_and_said(db: Database, tmp_path: Path) -> None:
    """An officer hides the ID numbers before printing: they are still the list's ID numbers."""
    path = _file(tmp_path, "excel_table")
    wb = load_workbook(path)
    ws = wb.active
    ws.column_dimensions["D"].hidden = False
    ws.column_dimensions["H"].hidden = True  # "Số CCCD"
    ws.delete_cols(4)  # no "Năm sinh (cũ)"; the table's range is left as it was (Excel would shrink it)
    ws.tables.clear()
    ws.column_dimensions["G"].hidden = True
    ws.column_dimensions["H"].hidden = False
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("cột G “Số CCCD” đang ẩn trong Excel mà vẫn được nhập" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_notes_saying_a_member_died_or_moved_are_warned_of_at_their_rows(db: Database, tmp_path: Path) -> None:
    """Decision: the person is imported as living (the list is what the commune holds), and the row is named so
    that the officer records the death or the move in the register."""
    preview = lists.plan_import(db, _file(tmp_path, "notes_status"))
    warned = {(i.row, i.value) for i in preview.issues if i.column == "Ghi chú"}
    assert warned == {(5, "Đã chuyển khẩu"), (9, "Chuyển đi nơi khác"), (10, "Đã chết"), (14, "Chết tháng 3/2025")}
    assert all(i.severity == "warning" for i in preview.issues)
    lists.commit_import(db, preview)
    assert db.scalar("SELECT note FROM member WHERE full_name = 'Bùi Thị Thu'") == "Đã chết"
    assert db.scalar("SELECT count(*) FROM member WHERE life_status = 'living'") == 13


def test_a_title_naming_poor_households_without_a_class_column_is_said(db: Database, tmp_path: Path) -> None:
    """Before, such a list made every household "không nghèo" without a word."""
    path = _file(tmp_path, "village_sheets")
    wb = load_workbook(path)
    for ws in wb.worksheets:
        ws.delete_cols(8)
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors
    said = [n for n in preview.notes if "không có cột loại hộ" in n]
    assert [n.split("”")[0] for n in said] == ["Trang “Sheet1", "Trang “Sheet2", "Trang “Sheet3"]
    assert "các hộ mới sẽ được ghi là hộ không nghèo" in said[0]


def test_a_list_of_every_household_without_a_class_says_nothing_of_classes(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ GIA ĐÌNH THÔN ĐỒNG XUÂN"])
    ws.append(["Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn"])
    ws.append(["Phạm Văn Long", "Chủ hộ", 1978, "Nam", "Thôn Đồng Xuân"])
    wb.save(tmp_path / "all.xlsx")
    preview = lists.plan_import(db, tmp_path / "all.xlsx")
    assert not preview.errors and not [n for n in preview.notes if "loại hộ" in n]


def _with_formula_errors(path: Path) -> Path:
    """Cells where Excel shows a failed formula: "#DIV/0!" in an ID, "#VALUE!" in a birth, "#REF!" in a name,
    "#N/A" in an ethnicity, and "#N/A" down an unused "Tra cứu" column."""
    failed = {1: (6, "#DIV/0!"), 2: (3, "#VALUE!"), 3: (1, "#REF!"), 4: (5, "#N/A")}

    def edit(row: list[Any], n: int) -> None:
        if n in failed:
            column, shown = failed[n]
            row[column] = shown

    return shapes.plain_list(path, "Tra cứu", lambda _h, _p, _n: "#N/A", edit)


def test_a_cell_showing_a_failed_formula_is_refused_at_its_cell_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    """Before, calamine read them as empty cells: the ID and the ethnicity were dropped without a word."""
    preview = lists.plan_import(db, _with_formula_errors(tmp_path / "loi.xlsx"))
    assert [(e.row, e.column, e.value) for e in preview.errors] == [
        (2, "Số CCCD", "#DIV/0!"),
        (3, "Năm sinh", "#VALUE!"),
        (4, "Họ và tên", "#REF!"),
        (5, "Dân tộc", "#N/A"),
    ]
    assert "lỗi công thức của Excel" in preview.errors[0].reason
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 0 and db.scalar("SELECT count(*) FROM member") == 0


def test_an_impossible_date_is_refused_at_its_row_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    path = _file(tmp_path, "roman_groups")
    wb = load_workbook(path)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Phạm Thị Ngọc")
    ws.cell(row, 4, "30/02/2012")
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(row, "Ngày tháng năm sinh", "30/02/2012")]
    assert "D" in preview.errors[0].text()
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 0 and db.scalar("SELECT count(*) FROM member") == 0


def test_a_web_page_without_a_table_is_refused_saying_how_to_save_it(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "xuat-tu-phan-mem.xls"
    path.write_text("<html><body><p>Phiên đăng nhập đã hết hạn.</p></body></html>", "utf-8")
    with pytest.raises(BadFile) as refused:
        lists.plan_import(db, path)
    assert "trang web (HTML)" in str(refused.value) and "Lưu thành" in str(refused.value)


def test_a_web_page_named_xls_reads_as_excel_shows_it(db: Database, tmp_path: Path) -> None:
    """Before: refused ("trang web (HTML)… hãy lưu thành .xlsx"). Read as Excel opens it: the title in <h3>/<p> is
    row 1 and 2, the header rows 3 and 4, so a problem is named at the row Excel shows."""
    path = _file(tmp_path, "web_export")
    path.write_text(path.read_text("utf-8").replace("<td>09/04/1978</td>", "<td>31/02/1978</td>"), "utf-8")
    preview = lists.plan_import(db, path)
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(5, "Năm sinh › Nam", "31/02/1978")]
    assert "cột “Năm sinh › Nam” (D)" in preview.errors[0].text()
    for unicode_page in (tmp_path / "utf16.xls", tmp_path / "web.xlsx"):  # saved as "Unicode", named .xlsx
        unicode_page.write_bytes(_file(tmp_path, "web_export").read_text("utf-8").encode("utf-16"))
        assert not lists.plan_import(db, unicode_page).errors


def test_a_broken_csv_is_refused_in_vietnamese_at_its_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes("Họ và tên,Thôn\nPhạm Văn Long,Thôn Đồng Xuân\n".encode() + b"A,B" + b"x" * 200_000 + b"\n")
    with pytest.raises(BadFile) as refused:
        lists.plan_import(db, path)
    assert "sai định dạng ở dòng 3" in str(refused.value) and "field" not in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "iso", "year"),
    [
        ("ngày 2 tháng 1 năm 2016", "2016-01-02", 2016),
        ("Ngày 02, tháng 01, năm 2016", "2016-01-02", 2016),
        ("Năm 1981", None, 1981),
        ("SN 1981", None, 1981),
        ("sinh năm 1981", None, 1981),
        ("09/04/1978 12:00:00 SA", "1978-04-09", 1978),  # a web program on a Vietnamese-locale server
        ("9/4/1978 3:15:00 CH", "1978-04-09", 1978),
        ("1978/04/09", "1978-04-09", 1978),
        ("1978.4.9", "1978-04-09", 1978),
    ],
)
def test_birth_dates_written_in_words(typed: str, iso: str | None, year: int) -> None:
    from giamngheo_desktop.importing.values import parse_date

    assert parse_date(typed) == (iso, year, None)


def test_a_date_in_words_that_is_no_date_is_refused() -> None:
    from giamngheo_desktop.importing.values import parse_date

    assert parse_date("ngày 30 tháng 2 năm 2016")[2] is not None
    assert parse_date("năm ngoái")[2] is not None


# LibreOffice conversions of officer_lists' shapes (soffice --headless --convert-to xls|ods SHAPE.xlsx)
CONVERTED = Path(__file__).parent / "fixtures" / "lists"


@pytest.mark.parametrize(
    "name",
    [
        "officer-excel-table.ods",  # before: the hidden "Năm sinh (cũ)" was read (an .ods says so in content.xml)
        "officer-excel-table.xls",  # likewise (an .xls says so in its COLINFO records)
        "officer-ticks.ods",  # before: LibreOffice's TRUE/FALSE read as 1/0, and 0 taken for a tick: no heads
        "officer-roman-groups.xls",
        "officer-village-sheets.xls",
        "officer-checkbox-sex.ods",  # before: LibreOffice's 0 under "Nữ" taken for a tick: every man a woman
        "officer-lone-nu-numbers.ods",  # before: the 1/0 under a lone "Nữ" refused as birth dates
        "officer-codes-per-village.ods",  # before: "Mã hộ" 01 of each village's sheet taken for one household
        "officer-mac-1904-serials.xls",  # before: births in General cells of a 1904 workbook read 4 years early
        "officer-mac-1904-serials.ods",  # likewise (LibreOffice keeps the 1904 "null date")
        "officer-household-titles.ods",  # before: each title row read as a person (10 errors)
        "officer-second-table.xls",  # before: the near-poor table read under the poor one's header (13 errors)
    ],
)
def test_the_same_lists_saved_by_libreoffice_import_exactly(db: Database, name: str) -> None:
    preview = lists.plan_import(db, CONVERTED / name)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_a_stray_cell_at_excels_last_row_does_not_refuse_the_file(db: Database, tmp_path: Path) -> None:
    """Before: "Tệp có quá nhiều dòng (hơn 1.000.000 dòng)" for a list of thirteen people and a "." typed at
    row 1,048,576 (the empty rows between counted)."""
    path = _file(tmp_path, "serial_dates")
    wb = load_workbook(path)
    wb.active["B1048576"] = "."
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("trước dòng 1048576" in n for n in preview.notes)
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_a_whole_commune_sheet_repeating_the_village_sheets_is_read_once(db: Database, tmp_path: Path) -> None:
    """Before: every person of the village sheets refused as a repeated ID of the "Toàn xã" sheet."""
    preview = lists.plan_import(db, _file(tmp_path, "whole_and_villages"))
    assert [s.name for s in preview.sheets if not s.read] == ["Toàn xã"]
    assert any(n.startswith("Trang “Toàn xã” chép lại đúng những người") for n in preview.notes)


def test_sheets_that_differ_are_all_read(db: Database, tmp_path: Path) -> None:
    """A sheet per year holding the same people with another class, or a whole-commune sheet with a household
    the village sheets lack, is no copy: no sheet is left out unasked (the repeated ID numbers are refused)."""
    path = _file(tmp_path, "whole_and_villages")
    wb = load_workbook(path)
    whole = wb["Toàn xã"]
    whole.append([99, "Lường Văn Pọm", "Chủ hộ", 1970, "Nam", "Thái", None, "Thôn Bãi Sậy", "Hộ nghèo"])
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert all(s.read for s in preview.sheets) and preview.errors
    wb = Workbook()
    for year, klass in (("2025", "Hộ nghèo"), ("2026", "Hộ cận nghèo")):
        ws = wb.create_sheet(year)
        ws.append(["Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
        ws.append(["Phạm Văn Long", "Chủ hộ", 1978, "Nam", "Thôn Đồng Xuân", klass])
        ws.append(["Vũ Thị Hoa", "Vợ", 1981, "Nữ", "Thôn Đồng Xuân", None])
    del wb["Sheet"]
    wb.save(tmp_path / "years.xlsx")
    preview = lists.plan_import(db, tmp_path / "years.xlsx")
    assert [s.read for s in preview.sheets] == [True, True]


def test_a_sheet_copied_whole_is_read_once(db: Database, tmp_path: Path) -> None:
    path = _file(tmp_path, "serial_dates")
    wb = load_workbook(path)
    wb.copy_worksheet(wb.active).title = "Sheet (2)"
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert [s.name for s in preview.sheets if not s.read] == ["Sheet (2)"]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_ethnicity_codes_that_lost_their_zero_in_a_number_cell(db: Database, tmp_path: Path) -> None:
    """A "Mã dân tộc" column from the national software, typed or pasted as numbers: 1 is Kinh (01), 4 Mường."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Mã dân tộc", "Thôn", "Loại hộ"])
    ws.append(["Hà Văn Thắng", "Chủ hộ", 1985, "Nam", 4, "Thôn Tân Hòa", "Hộ nghèo"])
    ws.append(["Vũ Thị Hoa", "Vợ", 1981, "Nữ", 1, "Thôn Tân Hòa", None])
    ws.append(["Hà Thị Thu", "Con", 2010, "Nữ", "04", "Thôn Tân Hòa", None])
    wb.save(tmp_path / "ma-dan-toc.xlsx")
    preview = lists.plan_import(db, tmp_path / "ma-dan-toc.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert [r["ethnicity_code"] for r in db.rows("SELECT ethnicity_code FROM member ORDER BY id")] == ["04", "01", "04"]


def test_heads_with_an_empty_relationship_and_two_numbers_in_an_id_cell_are_said(db: Database, tmp_path: Path) -> None:
    """Before: every household refused ("chưa ghi quan hệ", "hộ chưa có chủ hộ"), "khoảng 1947" refused, and
    the cell with two numbers refused ("chỉ được gồm chữ số")."""
    preview = lists.plan_import(db, _file(tmp_path, "blank_head_rows"))
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any(
        n.startswith("5 hộ không ghi quan hệ ở dòng đầu") and "(dòng 2, dòng 6, dòng 7, dòng 11, dòng 13)" in n
        for n in preview.notes
    )
    two = [i for i in preview.issues if i.row == 2]
    assert [(i.column, i.severity) for i in two] == [("Số CCCD/CMND", "warning")]
    assert "bỏ số CMND cũ 131234567" in two[0].reason


def test_a_birth_written_unknown_is_an_empty_birth(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
    ws.append(["Đỗ Văn Lành", "Chủ hộ", "Không rõ", "Nam", "Thôn Bãi Sậy", "Hộ nghèo"])
    wb.save(tmp_path / "kr.xlsx")
    preview = lists.plan_import(db, tmp_path / "kr.xlsx")
    assert not preview.errors and [i.reason for i in preview.issues] == ["chưa có ngày hoặc năm sinh"]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Con thứ hai", "04"),
        ("Con trai thứ 2", "04"),
        ("Con gái thứ ba", "04"),
        ("Cha nuôi", "11"),
        ("Cháu gái", "23"),
        ("Cháu trai", "23"),
        ("Cụ bà", "28"),
        ("Người giúp việc", "29"),
        ("Vợ 2", "02"),
        ("Vợ lẽ", "02"),
        ("Vợ hai", "02"),
        ("Con của con", "21"),
        ("Con của con gái", "22"),
        ("Con riêng của chồng", "06"),
        ("Dâu", "07"),
        ("Em vợ", "27"),
        ("Anh họ", "28"),
        ("Con trai út", "04"),
        ("Con dâu thứ 2", "07"),
        ("Con gái nuôi", "05"),
        ("Em gái vợ", "27"),
        ("Con của cháu", "28"),
    ],
)
def test_more_relationship_words(db: Database, tmp_path: Path, written: str, code: str) -> None:
    """Before: each refused, "không có trong danh mục quan hệ với chủ hộ"."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
    ws.append(["X1", "Nguyễn Văn Cả", "Chủ hộ", 1950, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"])
    ws.append(["X1", "Nguyễn Thị Út", written, 1990, "Nữ", "Thôn Đồng Xuân", None])
    wb.save(tmp_path / "qh.xlsx")
    preview = lists.plan_import(db, tmp_path / "qh.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert db.scalar("SELECT relationship_code FROM member WHERE full_name = 'Nguyễn Thị Út'") == code


def test_a_cell_typed_on_two_lines_is_one_line(db: Database, tmp_path: Path) -> None:
    """Alt+Enter in a name, a relationship, a village or a class cell (before: the name kept its line break, so
    it printed on two lines and a search for "nguyen van ca" missed it)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ\nvới chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ", "Ghi chú"])
    ws.append(["X1", "Nguyễn Văn\nCả", "Chủ\nhộ", 1950, "Nam", "Thôn\nĐồng Xuân", "Hộ\nnghèo", "Khuyết tật\nnặng"])
    ws.append(["X1", "Nguyễn Thị\r\nÚt", "Con", "12/03/\n1990", "Nữ", "Thôn Đồng Xuân", None, None])
    wb.save(tmp_path / "hai-dong.xlsx")
    preview = lists.plan_import(db, tmp_path / "hai-dong.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert [(r["full_name"], r["note"], r["birth_date"]) for r in db.rows("SELECT * FROM member ORDER BY id")] == [
        ("Nguyễn Văn Cả", "Khuyết tật nặng", None),
        ("Nguyễn Thị Út", "", "1990-03-12"),
    ]
    assert db.scalar("SELECT poverty_class FROM household") == "poor"


def test_a_household_pasted_twice_is_refused_at_the_copy(db: Database, tmp_path: Path) -> None:
    """Before: two identical households were created without a word (no code, no ID number to repeat)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
    family = [
        ["Nguyễn Văn Cả", "Chủ hộ", 1950, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"],
        ["Lê Thị Hai", "Vợ", 1952, "Nữ", "Thôn Đồng Xuân", None],
    ]
    for n, row in enumerate([*family, *family], 1):
        ws.append([n, *row])
    ws.append([5, "Nguyễn Văn Cả", "Chủ hộ", 1950, "Nam", "Thôn Tân Hòa", "Hộ nghèo"])  # another village: another man
    wb.save(tmp_path / "hai-lan.xlsx")
    preview = lists.plan_import(db, tmp_path / "hai-lan.xlsx")
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(4, "Họ và tên", "Nguyễn Văn Cả")]
    assert "giống hệt hộ ở dòng 2" in preview.errors[0].reason


def test_a_person_alone_without_a_relationship_is_refused_where_no_household_shows_the_way(
    db: Database, tmp_path: Path
) -> None:
    """Every household writes "Chủ hộ" but one person alone under his own code, whose relationship is empty:
    nothing says who he is, so he is refused as before."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
    ws.append(["A1", "Nguyễn Văn Cả", "Chủ hộ", 1950, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"])
    ws.append(["A1", "Lê Thị Hai", "Vợ", 1952, "Nữ", "Thôn Đồng Xuân", None])
    ws.append(["A2", "Trần Văn Ba", None, 1960, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"])
    wb.save(tmp_path / "mot-minh.xlsx")
    preview = lists.plan_import(db, tmp_path / "mot-minh.xlsx")
    assert {(e.row, e.column) for e in preview.errors} == {(4, "Quan hệ với chủ hộ")}


def test_a_damaged_xls_gives_no_hidden_columns_and_no_crash(tmp_path: Path) -> None:
    from giamngheo_desktop.importing import hidden

    whole = (CONVERTED / "officer-excel-table.xls").read_bytes()
    assert hidden.xls_hidden(CONVERTED / "officer-excel-table.xls").columns == {"Danh sách": [3]}
    for cut in (8, 100, 600, 2000, len(whole) // 2, len(whole) - 1):
        (tmp_path / "cut.xls").write_bytes(whole[:cut])
        assert isinstance(hidden.xls_hidden(tmp_path / "cut.xls"), hidden.Hidden)
    (tmp_path / "noise.xls").write_bytes(whole[:512] + bytes(range(256)) * 40)
    assert isinstance(hidden.xls_hidden(tmp_path / "noise.xls"), hidden.Hidden)


def test_formula_errors_in_an_xls_are_refused_at_their_cells(db: Database) -> None:
    """An .xls (LibreOffice's conversion of a list whose VLOOKUP found nothing and whose birth is =1/0): before,
    read as empty cells (the ID dropped, the birth "chưa có")."""
    preview = lists.plan_import(db, CONVERTED / "officer-formula-errors.xls")
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(2, "Số CCCD", "#N/A"), (3, "Năm sinh", "#DIV/0!")]


def test_two_people_of_one_name_one_born_on_a_date_the_other_in_a_year(db: Database, tmp_path: Path) -> None:
    """Found by the property test of the import: the copied-household check sorted a date beside a year."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Thôn", "Loại hộ"])
    for _copy in range(2):
        ws.append(["Nguyễn Văn An", "Chủ hộ", "01/02/1990", "Nam", "Thôn Đồng Xuân", "Hộ nghèo"])
        ws.append(["Nguyễn Văn An", "Con", 2015, "Nam", "Thôn Đồng Xuân", None])
    wb.save(tmp_path / "cung-ten.xlsx")
    preview = lists.plan_import(db, tmp_path / "cung-ten.xlsx")
    assert [e.row for e in preview.errors] == [4]


def test_formula_errors_in_an_ods_are_refused_at_their_cells(db: Database) -> None:
    """The same list saved by LibreOffice as .ods: before, calamine read the error cells as empty (the ID dropped,
    the birth "chưa có") without a word."""
    preview = lists.plan_import(db, CONVERTED / "officer-formula-errors.ods")
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(2, "Số CCCD", "#N/A"), (3, "Năm sinh", "#DIV/0!")]


@pytest.mark.parametrize("shape", ["codes_per_village_sheet", "codes_per_village_rows"])
def test_household_numbers_again_in_each_village_are_no_codes(db: Database, tmp_path: Path, shape: str) -> None:
    """ "Mã hộ" 01, 02… again in each village (on each village's sheet, or under each village's row): before, the
    households 01 of three villages were taken for one (refused: "hộ đã có chủ hộ …"). Each household is its own,
    with a code made in its village, and the officer is told."""
    preview = lists.plan_import(db, _file(tmp_path, shape))
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("đánh số hộ lại từ 1 ở mỗi thôn nên không phải mã hộ" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    codes = commune_lists.codes(db)
    assert len(set(codes.values())) == 5 and "01" not in codes.values()
    again = lists.plan_import(db, _file(tmp_path, shape))  # the same list again: nothing new
    assert again.counts()["households_unchanged"] == 5 and again.counts()["members_unchanged"] == 13


def test_codes_written_again_in_one_village_stay_codes(db: Database, tmp_path: Path) -> None:
    """The same "Mã hộ" on two households of one village is a mistake the officer must see, not a numbering."""
    path = _file(tmp_path, "codes_per_village_rows")
    wb = load_workbook(path)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Lò Thị Xuân")
    ws.cell(row, 1, "01")
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert (row, "Chủ hộ") in [(e.row, e.value) for e in preview.errors]
    assert not any("không phải mã hộ" in n for n in preview.notes)


def test_a_whole_commune_sheet_beside_another_list_is_still_read_once(db: Database, tmp_path: Path) -> None:
    """ "Toàn xã", the village sheets repeating it, and a sheet of households that left poverty (other people):
    before, the copy was not seen (its row count is not the others' sum) and every ID was refused as repeated."""
    path = shapes.whole_and_villages(tmp_path / "ds.xlsx")
    wb = load_workbook(path)
    ws = wb.create_sheet("Hộ thoát nghèo")
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn",
               "Loại hộ"])  # fmt: skip
    ws.append([1, "Trần Văn Thoát", "Chủ hộ", 1970, "Nam", "Kinh", "025070001111", "Thôn Tân Hòa", "Thoát nghèo"])
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any(n.startswith("Trang “Toàn xã” chép lại đúng những người") for n in preview.notes)
    lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 6 and db.scalar("SELECT count(*) FROM member") == 14


def test_dates_of_an_english_locale_web_export_are_read_month_first(db: Database, tmp_path: Path) -> None:
    """ "4/9/1978 12:00:00 AM" (a web program on an English-locale server): before, read day first (4 September)
    without a word whenever no day of the column was over 12."""
    path = _file(tmp_path, "web_export")
    page = path.read_text("utf-8")
    for p in [p for h in shapes.HOUSES for p in h.people]:
        if p.born:
            page = page.replace(
                f"<td>{p.born:%d/%m/%Y}</td>", f"<td>{p.born.month}/{p.born.day}/{p.born.year} 12:00:00 AM</td>"
            )
    path.write_text(page, "utf-8")
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("kiểu tháng/ngày/năm" in n for n in preview.notes)
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_a_damaged_excel_2003_xml_is_refused_in_vietnamese(db: Database, tmp_path: Path) -> None:
    whole = _file(tmp_path, "xml_2003_export").read_bytes()
    for cut in (300, len(whole) // 2, len(whole) - 20):
        (tmp_path / "cut.xls").write_bytes(whole[:cut])
        with pytest.raises(BadFile) as refused:
            lists.plan_import(db, tmp_path / "cut.xls")
        assert "bảng XML của Excel 2003" in str(refused.value)


def test_a_subgroup_of_an_ethnicity_is_its_group(db: Database, tmp_path: Path) -> None:
    """ "Nùng Phàn Slình" (a Nùng subgroup, as Lạng Sơn lists write it) was refused; "Tày Nùng" stays refused, naming
    both (one person has one group: the officer writes the right one)."""
    path = shapes.plain_list(
        tmp_path / "dt.xlsx",
        "Ghi chú",
        lambda _h, _p, _n: None,
        lambda row, n: row.__setitem__(5, {1: "Nùng Phàn Slình", 2: "Tày Nùng"}.get(n, row[5])),
    )
    preview = lists.plan_import(db, path)
    assert [(e.row, e.value, e.reason) for e in preview.errors] == [
        (3, "Tày Nùng", "ghi 2 dân tộc (Tày, Nùng): mỗi người chỉ thuộc một dân tộc, hãy ghi đúng một")
    ]


@pytest.mark.parametrize(
    ("label", "woman", "man"),
    [("Giới tính (Nữ ghi 1)", 1, None), ("Nữ giới", 1, 0), ("Phụ nữ", "x", None), ("GT Nữ", "x", None)],
)
def test_a_sex_column_naming_one_sex_is_ticked_for_it(
    db: Database, tmp_path: Path, label: str, woman: Any, man: Any
) -> None:
    """Before: "Giới tính (Nữ ghi 1)" read 1 as Mẫu 01's code for a man (every woman a man, silently); "Nữ giới"
    of 1/0 refused every 0; "Phụ nữ" and "GT Nữ" were not read (no one had a sex)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", label, "Dân tộc", "CCCD", "Thôn", "Loại hộ"])
    for h, _i, p, n in shapes.everyone():
        ws.append([n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, woman if p.sex == "F" else man,
                   p.ethnicity, p.id_number or None, h.village, shapes.CLASS[h.klass]])  # fmt: skip
    wb.save(tmp_path / "gt.xlsx")
    preview = lists.plan_import(db, tmp_path / "gt.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    assert f"Cột “{label}” chỉ đánh dấu người nữ: người không đánh dấu được ghi là nam." in preview.notes
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def _households(db: Database) -> dict[str, tuple[str, str, set[str]]]:
    """head's name → (village, class, the names of the household's people)."""
    return {
        head: (house["village"], house["class"], set(house["members"]))
        for head, house in commune_lists.imported(db).items()
    }


@pytest.mark.parametrize("header", ["Họ và tên", "Họ tên"])
def test_a_list_of_households_a_row_each_without_relationships(db: Database, tmp_path: Path, header: str) -> None:
    """ "DANH SÁCH HỘ NGHÈO": STT | Họ và tên | … | Số nhân khẩu, a row per household and no relationship column:
    before, the five heads (of three villages) became one household, without a word."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026"])
    ws.append(["STT", header, "Năm sinh", "Giới tính", "Dân tộc", "CCCD", "Thôn", "Phân loại hộ", "Số nhân khẩu"])
    for k, h in enumerate(shapes.HOUSES, 1):
        p = h.people[0]
        ws.append([k, p.name, p.year, shapes.SEX[p.sex], p.ethnicity, p.id_number or None, h.village,
                   shapes.CLASS[h.klass], len(h.people)])  # fmt: skip
    wb.save(tmp_path / "ho.xlsx")
    preview = lists.plan_import(db, tmp_path / "ho.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("mỗi dòng được đọc là một hộ" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    assert _households(db) == {h.people[0].name: (h.village, h.klass, {h.people[0].name}) for h in shapes.HOUSES}


def test_stt_on_the_first_row_of_each_household_only(db: Database, tmp_path: Path) -> None:
    """No relationship column; "STT" on each household's first row, its members unnumbered under it: before, the
    thirteen people of five households became one household, without a word."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "CCCD", "Thôn", "Loại hộ"])
    for k, h in enumerate(shapes.HOUSES, 1):
        for i, p in enumerate(h.people):
            ws.append([k if i == 0 else None, p.name, p.year, shapes.SEX[p.sex], p.ethnicity, p.id_number or None,
                       h.village, shapes.CLASS[h.klass] if i == 0 else None])  # fmt: skip
    wb.save(tmp_path / "stt.xlsx")
    preview = lists.plan_import(db, tmp_path / "stt.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("chỉ đánh số ở dòng đầu mỗi hộ" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    assert _households(db) == {
        h.people[0].name: (h.village, h.klass, {p.name for p in h.people}) for h in shapes.HOUSES
    }


def test_one_code_on_households_of_two_villages_is_refused(db: Database, tmp_path: Path) -> None:
    """A household's code typed on a row further down that belongs to another village (a copy-paste slip): before,
    that person was moved into the first household, of the other village, without a word."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
    for k, h in enumerate(shapes.HOUSES, 1):
        for p in h.people:
            code = "H01" if p.name == "Triệu Thị Mến" else f"H{k:02d}"
            ws.append([code, p.name, p.rel, p.year, shapes.SEX[p.sex], h.village, shapes.CLASS[h.klass]])
    wb.save(tmp_path / "ma.xlsx")
    preview = lists.plan_import(db, tmp_path / "ma.xlsx")
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(12, "Mã hộ", "H01")]
    assert "đã ghi cho hộ ở dòng 2 (Thôn Đồng Xuân) mà dòng này ghi Thôn Bãi Sậy" in preview.errors[0].reason


def test_the_templates_example_rows_left_in_are_not_imported(db: Database, tmp_path: Path) -> None:
    """The "Tải mẫu" template filled in below its two example rows: before, the example household (Nguyễn Văn Đức,
    Thôn Đồng Xuân) was imported with the commune's own, without a word."""
    from giamngheo_desktop.resources import resource_path

    path = tmp_path / "mau.xlsx"
    wb = load_workbook(resource_path("templates", "mau-danh-sach-ho.xlsx"))
    ws = wb.active
    header = [c.value for c in ws[5]]
    for h in shapes.HOUSES:
        for i, p in enumerate(h.people):
            values = {"Mã hộ": f"TL-{shapes.HOUSES.index(h) + 1}" if i == 0 else None, "Thôn/Tổ": h.village,
                      "Họ và tên": p.name, "Quan hệ với chủ hộ": p.rel, "Ngày sinh": str(p.year),
                      "Giới tính": shapes.SEX[p.sex], "Số định danh cá nhân": p.id_number or None,
                      "Dân tộc": p.ethnicity, "Phân loại hộ": shapes.CLASS[h.klass] if i == 0 else None}  # fmt: skip
            ws.append([values.get(str(name)) for name in header])
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("dòng 6, 7 là dòng ví dụ của tệp mẫu" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    assert set(commune_lists.imported(db)) == {h.people[0].name for h in shapes.HOUSES}


def test_a_table_beside_the_list_is_not_read_as_its_columns(db: Database, tmp_path: Path) -> None:
    """A count per village typed to the right of the list, past an empty column ("Thôn" | "Số hộ" | "Số khẩu"): before,
    its "Số hộ" was read as the household code (1, 2 on the first rows) and the list refused as headless households."""
    path = shapes.plain_list(tmp_path / "ben.xlsx", "Ghi chú", lambda _h, _p, _n: None)
    wb = load_workbook(path)
    ws = wb.active
    for r, cells in enumerate(
        [("Thôn", "Số hộ", "Số khẩu"), ("Đồng Xuân", 2, 5), ("Tân Hòa", 1, 4), ("Bãi Sậy", 2, 4)], 1
    ):
        for c, value in enumerate(cells, 12):
            ws.cell(r, c, value)
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert "Trang “Sheet”: các cột từ L trở đi là một bảng khác bên phải danh sách (sau một cột trống): không đọc." in (
        preview.notes
    )
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_a_summary_sheet_of_heads_beside_the_village_sheets_is_read_once(db: Database, tmp_path: Path) -> None:
    """ "Tổng hợp" lists each household's head (Họ và tên chủ hộ | … | Số nhân khẩu), the village sheets the members:
    before, the summary's heads were read as households and every village sheet's rows went into the summary's last
    household ("hộ đã có chủ hộ Đỗ Văn Lành ở dòng 7 trang “Tổng hợp”")."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append(["STT", "Họ và tên chủ hộ", "Năm sinh", "Thôn", "Phân loại hộ", "Số nhân khẩu"])
    for k, h in enumerate(shapes.HOUSES, 1):
        ws.append([k, h.people[0].name, h.people[0].year, h.village, shapes.CLASS[h.klass], len(h.people)])
    for village in dict.fromkeys(h.village for h in shapes.HOUSES):
        sheet = wb.create_sheet(village.replace("Thôn ", ""))
        sheet.append(
            ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Số CCCD", "Loại hộ"]
        )
        here = [(home, i, p) for home in shapes.HOUSES if home.village == village for i, p in enumerate(home.people)]
        for n, (h, i, p) in enumerate(here, 1):
            sheet.append([n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, shapes.SEX[p.sex],
                          p.ethnicity, p.id_number or None, shapes.CLASS[h.klass] if i == 0 else None])  # fmt: skip
    wb.save(tmp_path / "tong.xlsx")
    preview = lists.plan_import(db, tmp_path / "tong.xlsx")
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any(n.startswith("Trang “Tổng hợp” chỉ ghi chủ hộ của các hộ có ở các trang") for n in preview.notes)
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_a_household_does_not_go_on_from_one_sheet_to_the_next(db: Database, tmp_path: Path) -> None:
    """A village sheet whose first household has lost its head's row: before, its members were put into the last
    household of the sheet before (another village), without a word; now they are refused at their rows."""
    path = shapes.whole_and_villages(tmp_path / "thon.xlsx")
    wb = load_workbook(path)
    del wb["Toàn xã"]
    ws = wb["Tân Hòa"]
    ws.delete_rows(4)  # Hà Văn Thắng, the head
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert {(e.sheet, e.line, e.column) for e in preview.errors} == {
        ("Tân Hòa", 4, "Quan hệ với chủ hộ"),
        ("Tân Hòa", 5, "Quan hệ với chủ hộ"),
        ("Tân Hòa", 6, "Quan hệ với chủ hộ"),
    }, [e.text() for e in preview.errors]


# ------------------------------------------------------------------------------------------------- a fifth tester

# before: household_titles refused (10 errors: each title row read as a person, no village), class_sections refused
# (5 errors), mac_1904_serials read every birth four years early, without a word


def _edit(path: Path, change: Any) -> Path:
    wb = load_workbook(path)
    change(wb.active)
    wb.save(path)
    return path


def _titles(ws: Any) -> list[int]:
    """The household title rows of :func:`shapes.household_titles`."""
    return [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value or "").upper().startswith(("HỘ ", "CHỦ"))]


def _title_in_a(ws: Any) -> None:  # "1. Hộ ông Phạm Văn Long - Thôn Đồng Xuân (Hộ nghèo)" merged A:H
    for r in _titles(ws):
        text, number = ws.cell(r, 2).value, ws.cell(r, 1).value
        ws.unmerge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
        ws.cell(r, 2).value = None
        ws.cell(r, 1).value = f"{number}. {text}"
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=8)


def _blank_head_relationship(ws: Any) -> None:
    for r in _titles(ws):
        ws.cell(r + 1, 3).value = None


def _head_last(ws: Any) -> None:  # Phạm Văn Long's row after his wife's and children's
    r = _titles(ws)[0]
    rows = [[ws.cell(r + 1 + i, c).value for c in range(1, 9)] for i in range(4)]
    for i, row in enumerate(rows[1:] + rows[:1]):
        for c, value in enumerate(row, 1):
            ws.cell(r + 1 + i, c).value = value


@pytest.mark.parametrize("change", [_title_in_a, _blank_head_relationship, _head_last])
def test_household_title_rows_written_other_ways(db: Database, tmp_path: Path, change: Any) -> None:
    path = _edit(shapes.household_titles(tmp_path / "ds.xlsx"), change)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert any("5 dòng tiêu đề hộ (như dòng 7" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def _other_head(ws: Any) -> None:
    ws.cell(_titles(ws)[2], 2).value = "Hộ ông Hà Văn Thành - Thôn Tân Hòa (Hộ nghèo)"


def _wife_heads(ws: Any) -> None:
    ws.cell(_titles(ws)[0] + 1, 3).value = "Vợ"
    ws.cell(_titles(ws)[0] + 2, 3).value = "Chủ hộ"


def _nobody_under(ws: Any) -> None:
    ws.delete_rows(_titles(ws)[1] + 1)


def _village_unknown(ws: Any) -> None:
    ws.cell(_titles(ws)[2], 2).value = "Hộ ông Hà Văn Thắng - Thôn Đông Xá (Hộ nghèo)"


def _head_last_without_relationships(ws: Any) -> None:
    _head_last(ws)
    ws.delete_cols(3)


@pytest.mark.parametrize(
    ("change", "row", "column", "reason"),
    [
        (
            _other_head,
            14,
            "Họ và tên",
            "dòng tiêu đề hộ ghi chủ hộ là “Hà Văn Thành” mà các dòng của hộ bên dưới không",
        ),
        (_wife_heads, 8, "Quan hệ với chủ hộ", "dòng tiêu đề hộ (dòng 7) ghi “Phạm Văn Long” là chủ hộ mà dòng 9 ghi"),
        (_nobody_under, 12, "Họ và tên", "dòng tiêu đề hộ mà bên dưới không có dòng nào của hộ này"),
        (_village_unknown, 15, "Thôn/Tổ", "không có thôn/tổ này trong danh sách của xã"),
        (_head_last_without_relationships, 11, "Họ và tên", "danh sách không có cột quan hệ với chủ hộ"),
    ],
)
def test_a_household_title_row_that_does_not_agree_is_refused_at_its_row(
    db: Database, tmp_path: Path, change: Any, row: int, column: str, reason: str
) -> None:
    path = _edit(shapes.household_titles(tmp_path / "ds.xlsx"), change)
    preview = lists.plan_import(db, path)
    assert [(e.row, e.column) for e in preview.errors] == [(row, column)], [e.text() for e in preview.errors]
    assert reason in preview.errors[0].reason
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 0


def _sections(ws: Any, village: Any, klass: Any) -> None:
    """The section rows of :func:`shapes.class_sections` written another way."""
    for r in range(1, ws.max_row + 1):
        a, b = ws.cell(r, 1).value, ws.cell(r, 2).value
        if isinstance(b, str) and b[:1].isdigit() and ". Thôn" in b:
            number, name = b.split(". ", 1)
            ws.cell(r, 1).value, ws.cell(r, 2).value = village(int(number), name)
        elif a in ("I", "II") and isinstance(b, str):
            ws.cell(r, 1).value, ws.cell(r, 2).value = klass(a, b)


@pytest.mark.parametrize(
    ("village", "klass"),
    [
        (lambda k, v: (k, v), lambda a, b: (a, b)),  # "1 | Thôn Đồng Xuân": the number as the households' numbers
        (lambda k, v: (f"{k}.", v.replace("Thôn ", "")), lambda a, b: (None, f"{a} - {b} (3 hộ)")),
        (lambda k, v: ("abc"[k - 1], v), lambda a, b: (None, b.capitalize() + ":")),
        (lambda k, v: (float(k), v), lambda a, b: (None, f"Phần {a}: {b}")),
    ],
)
def test_class_and_village_sections_numbered_in_several_ways(
    db: Database, tmp_path: Path, village: Any, klass: Any
) -> None:
    path = _edit(shapes.class_sections(tmp_path / "ds.xlsx"), lambda ws: _sections(ws, village, klass))
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def _numbered_commune(db: Database, names: list[str]) -> None:
    from giamngheo_desktop.services import commune

    commune.setup_commune(
        db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(name="xã Tân Lập", code="01234", province="Phú Thọ", area_type="rural"),
            villages=[commune.VillageInput(name=n) for n in names],
        ),
    )


def _villages_list(path: Path, written: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
    for k, village in enumerate(written, 1):
        ws.append([k, f"Nguyễn Văn {'ABCDEFG'[k - 1]}", "Chủ hộ", 1970, "Nam", village, "Hộ nghèo"])
    wb.save(path)
    return path


def test_a_village_written_by_its_number_another_way_is_that_village(empty_db: Database, tmp_path: Path) -> None:
    """ "Thôn I", "Thôn số 2", "Thôn Ba", "thôn IV" for a commune whose villages are "Thôn 1"… "Thôn 4": before,
    refused as villages the commune does not have."""
    _numbered_commune(empty_db, ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4"])
    path = _villages_list(tmp_path / "ds.xlsx", ["Thôn I", "Thôn số 2", "Thôn Ba", "thôn IV"])
    preview = lists.plan_import(empty_db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert [h.village_name for h in preview.households] == ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4"]
    assert "Thôn ghi “Thôn I” được đọc là Thôn 1 (xã không có thôn nào viết theo cách đó)." in preview.notes


def test_a_village_number_written_as_the_commune_writes_another_village_is_refused(
    empty_db: Database, tmp_path: Path
) -> None:
    """A commune that has "Thôn III" beside "Thôn 1": "Thôn I" may be another village than "Thôn 1"."""
    _numbered_commune(empty_db, ["Thôn 1", "Thôn 2", "Thôn III"])
    preview = lists.plan_import(empty_db, _villages_list(tmp_path / "ds.xlsx", ["Thôn I", "Thôn số 2"]))
    assert [(e.row, e.value) for e in preview.errors] == [(2, "Thôn I")]
    assert "không có thôn/tổ này trong danh sách của xã" in preview.errors[0].reason
    assert preview.households[1].village_name == "Thôn 2"


def test_a_mac_1904_workbook_s_serial_numbers_are_its_dates(db: Database, tmp_path: Path) -> None:
    """The births as serial numbers in General cells of a 1904 workbook: before, each read four years and a day
    early, without a word (30/12/1899 is day 0 of the other date system)."""
    lists.commit_import(db, lists.plan_import(db, _file(tmp_path, "mac_1904_serials")))
    assert db.scalar("SELECT birth_date FROM member WHERE full_name = 'Phạm Văn Long'") == "1978-04-09"


@pytest.mark.usefixtures("pinned_clock")
@pytest.mark.clock("2026-12-07 09:00")  # "25/12/26" is after today only until Christmas
@pytest.mark.parametrize(
    ("written", "birth", "warned"),
    [
        ("05/06/26", "2026-06-05", True),  # a child born this year, or someone of 100: said at the row
        ("25/12/26", "1926-12-25", False),  # after today in this century: only the last one can be
        ("05/06/78", "1978-06-05", False),
        ("5/6/2026", "2026-06-05", False),
    ],
)
def test_a_two_digit_year_is_read_and_said_where_the_century_is_a_guess(
    db: Database, tmp_path: Path, written: str, birth: str, warned: bool
) -> None:
    def edit(row: list[Any], n: int) -> None:
        if n == 4:  # Phạm Văn An's birth
            row[3] = written

    preview = lists.plan_import(db, shapes.plain_list(tmp_path / "ds.xlsx", "Ghi chú", lambda *_: None, edit))
    assert not preview.errors, [i.text() for i in preview.errors]
    said = [i for i in preview.issues if i.row == 5 and i.column == "Năm sinh"]
    assert [(i.severity, i.value) for i in said] == ([("warning", written)] if warned else [])
    lists.commit_import(db, preview)
    assert db.scalar("SELECT birth_date FROM member WHERE full_name = 'Phạm Văn An'") == birth


@pytest.mark.usefixtures("pinned_clock")
@pytest.mark.clock("2026-12-07 09:00")
def test_a_card_s_end_written_with_a_two_digit_year_lies_ahead(db: Database, tmp_path: Path) -> None:
    """A health insurance card valid until "31/12/27": before, read as 1927 (the births' rule), without a word."""
    path = shapes.plain_list(tmp_path / "ds.xlsx", "Thẻ BHYT có giá trị đến ngày", lambda *_: "31/12/27")
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert {r["hi_valid_to"] for r in db.rows("SELECT hi_valid_to FROM member")} == {"2027-12-31"}


def test_a_year_written_in_two_figures_as_a_number_is_refused(db: Database, tmp_path: Path) -> None:
    """78 (a year in two figures) or 5 (an age) in a number cell of "Năm sinh": before, read as day 78 or 5 of
    Excel's calendar (18/03/1900, 04/01/1900), without a word."""

    def edit(row: list[Any], n: int) -> None:
        row[3] = {1: 78, 4: 5}.get(n, row[3])

    preview = lists.plan_import(db, shapes.plain_list(tmp_path / "ds.xlsx", "Ghi chú", lambda *_: None, edit))
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(2, "Năm sinh", "78"), (5, "Năm sinh", "5")]
    assert "năm ghi đủ 4 chữ số" in preview.errors[0].reason


def test_a_large_web_export_reports_its_reading_and_stops_when_cancelled(tmp_path: Path) -> None:
    from giamngheo_desktop.importing import reader

    row = "".join(f"<td>{c}</td>" for c in ["1", "Phạm Văn Long", "Chủ hộ", "09/04/1978", "Nam", "Thôn Đồng Xuân"])
    path = tmp_path / "xuat.xls"
    path.write_text(f"<html><body><table>{f'<tr>{row}</tr>' * 30_000}</table></body></html>", "utf-8")
    seen: list[tuple[int, int]] = []
    assert len(reader.read_tables(path, progress=lambda done, total: seen.append((done, total)))[0].rows) == 30_000
    assert len(seen) > 3 and seen[-1] == (1, 1) and len({done * 100 // total for done, total in seen}) > 3
    looks = iter([False, False, True])
    with pytest.raises(reader.ImportCancelled):
        reader.read_tables(path, cancelled=lambda: next(looks, True))


def test_a_damaged_web_page_is_refused_in_vietnamese(db: Database, tmp_path: Path) -> None:
    """Before: the standard parser's AssertionError ("unknown status keyword") came out of the import."""
    path = tmp_path / "xuat.xls"
    path.write_text("<html><body><table><tr><td>Họ và tên</td></tr><![CDATAx y]]></table></body></html>", "utf-8")
    with pytest.raises(BadFile) as refused:
        lists.plan_import(db, path)
    assert "trang web (HTML) bị hỏng" in str(refused.value)


def test_web_pages_read_quickly_read_as_the_standard_parser_reads_them() -> None:
    from giamngheo_desktop.importing import html_table

    page = (
        "<!DOCTYPE html><html><head><style>td {x:y}</style><script>if (a<b) {}</script></head><body>"
        "<h3>DANH S&Aacute;CH</h3>ab<!-- c -->cd<table><tr><td rowspan=2 colspan='2'>A&nbsp;B</td><td>x<br/>y</td>"
        "<TD>z</TD></tr><tr><td><p>p</p><div>d</div></td><td/>q<td nowrap>r</td></tr></table><p>Ký tên</p>"
        "</body></html>"
    )
    quick = html_table._Tables(100, 20)
    assert html_table._quick(page, quick, None)
    assert html_table.read_html(page, max_rows=100, max_columns=20)[0] == [
        ["DANH SÁCH"],
        ["ab cd"],
        ["A B", None, "x\ny", "z"],
        [None, None, "p\nd", None, "r"],
        ["Ký tên"],
    ]
    standard = html_table._Tables(100, 20)
    parser = html_table._Parser(standard)
    parser.feed(page)
    parser.close()
    assert (quick.rows, quick.spans) == (standard.rows, standard.spans)


def test_dates_excel_may_have_swapped_are_said_at_their_rows_when_too_few_to_be_sure(
    db: Database, tmp_path: Path
) -> None:
    """Before: 09/04/1978 typed into an Excel set to month first was read 4 September 1978, without a word (the days
    over 12 stayed text and were read right, so the column looked fine). Four date cells are too few to be sure:
    each is read as it is, with a warning at its row."""
    preview = lists.plan_import(db, shapes.excel_month_first(tmp_path / "ds.xlsx"))
    assert not preview.errors, [e.text() for e in preview.errors]
    said = [(i.row, i.column) for i in preview.issues if "Excel có thể đã đổi ngày và tháng" in i.reason]
    assert said == [(2, "Năm sinh"), (5, "Năm sinh"), (7, "Năm sinh"), (14, "Năm sinh")]
    assert {i.severity for i in preview.issues if "Excel có thể" in i.reason} == {"warning"}


def test_dates_excel_swapped_are_read_as_typed_when_the_column_shows_it(db: Database, tmp_path: Path) -> None:
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Thôn", "Loại hộ"])
    typed = [(day, month) for day, month in zip(range(1, 13), [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3], strict=True)]
    typed += [(13, 4), (25, 12)]
    for k, (day, month) in enumerate(typed, 1):
        born: Any = dt.datetime(1980, day, month) if day <= 12 else f"{day:02d}/{month:02d}/1980"
        ws.append([f"H{k:02d}", f"Nguyễn Văn {k}", "Chủ hộ", born, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"])
    wb.save(tmp_path / "ds.xlsx")
    preview = lists.plan_import(db, tmp_path / "ds.xlsx")
    assert not preview.errors, [e.text() for e in preview.errors]
    assert any("12 ô ngày sinh Excel đã tự đổi theo kiểu tháng/ngày" in n for n in preview.notes), preview.notes
    lists.commit_import(db, preview)
    births = dict(db.conn.execute("SELECT full_name, birth_date FROM member"))
    assert births == {f"Nguyễn Văn {k}": f"1980-{m:02d}-{d:02d}" for k, (d, m) in enumerate(typed, 1)}


@pytest.mark.parametrize(
    ("typed", "iso", "year"),
    [
        ("09-Apr-1978", "1978-04-09", 1978),
        ("9 Apr 1978", "1978-04-09", 1978),
        ("9 tháng 4 năm 1978", "1978-04-09", 1978),
        ("T4/1978", None, 1978),
        ("Tháng 4/1978", None, 1978),
    ],
)
def test_more_ways_of_writing_a_birth(typed: str, iso: str | None, year: int) -> None:
    from giamngheo_desktop.importing.values import parse_date

    assert parse_date(typed) == (iso, year, None)


@pytest.mark.parametrize(
    "title", ["Hộ số 1: Phạm Văn Long - Thôn Đồng Xuân", "Gia đình ông Phạm Văn Long", "HGĐ ông Phạm Văn Long"]
)
def test_more_ways_of_writing_a_household_title(db: Database, tmp_path: Path, title: str) -> None:
    def change(ws: Any) -> None:
        row = _titles(ws)[0]
        ws.cell(row, 2).value = None  # the title in the STT column, merged across (its number in it)
        ws.cell(row, 1).value = title + " (Hộ nghèo)" if "Thôn" in title else title + ", Thôn Đồng Xuân (Hộ nghèo)"

    path = _edit(shapes.household_titles(tmp_path / "ds.xlsx"), change)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_the_national_software_s_list_of_heads_imports_and_says_members_are_missing(
    db: Database, tmp_path: Path
) -> None:
    """The national poverty software's export (a row per household: "Chủ hộ", "Mã hộ", "Số nhân khẩu", "Phiếu B1",
    "Kết quả rà soát"…): each household with its head, code, village and class; before, nothing said that the
    other members (3 of Phạm Văn Long's 4 people) are not in the register after it."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Thời gian rà soát", "Chủ hộ", "Mã hộ", "Thôn", "Dân tộc tại chỗ", "Giới tính", "Số nhân khẩu",
               "Phiếu A", "Phiếu B1", "Phiếu B2", "Kết quả rà soát", "Người rà soát"])  # fmt: skip
    for k, h in enumerate(shapes.HOUSES, 1):
        p = h.people[0]
        ws.append([k, "15/10/2025", p.name, f"HGD{k:04d}", h.village, "Không", shapes.SEX[p.sex], len(h.people), "Có",
                   45 + k, 3, shapes.CLASS[h.klass], "Lê Văn Tám"])  # fmt: skip
    wb.save(tmp_path / "xuat.xlsx")
    preview = lists.plan_import(db, tmp_path / "xuat.xlsx")
    assert not preview.errors, [e.text() for e in preview.errors]
    assert any("không có họ tên các thành viên: mỗi hộ được ghi với một người là chủ hộ" in n for n in preview.notes)
    lists.commit_import(db, preview)
    assert _households(db) == {h.people[0].name: (h.village, h.klass, {h.people[0].name}) for h in shapes.HOUSES}
    assert commune_lists.codes(db)["Phạm Văn Long"] == "HGD0001"


def _own_village_and_class(ws: Any, village: Any, klass: Any) -> None:
    """Columns "Thôn" | "Loại hộ" added beside :func:`shapes.household_titles`, filled on each person's row."""
    ws.cell(6, 9, "Thôn")
    ws.cell(6, 10, "Loại hộ")
    titles = _titles(ws)
    for r in range(7, ws.max_row + 1):
        k = sum(1 for t in titles if t < r) - 1
        if r not in titles and ws.cell(r, 3).value and k >= 0:
            ws.cell(r, 9, village(shapes.HOUSES[k], r))
            ws.cell(r, 10, klass(shapes.HOUSES[k], r))


def test_a_row_whose_village_or_class_is_not_its_household_titles_is_refused(db: Database, tmp_path: Path) -> None:
    """Before: the row's own village and class were taken, the title's left aside, without a word."""
    path = _edit(
        shapes.household_titles(tmp_path / "ds.xlsx"),
        lambda ws: _own_village_and_class(
            ws,
            lambda h, r: "Thôn Tân Hòa" if r == 9 else h.village,
            lambda h, r: "Hộ cận nghèo" if r == 16 else shapes.CLASS[h.klass],
        ),
    )
    preview = lists.plan_import(db, path)
    assert [(e.row, e.column, e.value) for e in preview.errors] == [
        (9, "Thôn", "Thôn Tân Hòa"),
        (16, "Loại hộ", "Hộ cận nghèo"),
    ]
    assert "dòng tiêu đề hộ (dòng 7) ghi Thôn Đồng Xuân mà dòng này ghi Thôn Tân Hòa" in preview.errors[0].reason
    agreeing = _edit(
        shapes.household_titles(tmp_path / "ok.xlsx"),
        lambda ws: _own_village_and_class(ws, lambda h, r: h.village, lambda h, r: shapes.CLASS[h.klass]),
    )
    assert not lists.plan_import(db, agreeing).errors


def test_a_second_table_with_its_own_header_is_said_and_its_sheet_named_once(db: Database, tmp_path: Path) -> None:
    preview = lists.plan_import(db, _file(tmp_path, "second_table_after_total"))
    assert "Trang “Sheet”: từ dòng 18 là một bảng khác có dòng tiêu đề cột riêng" in " ".join(preview.notes)
    assert preview.sheet == "Sheet"
    assert [s.rows for s in preview.sheets] == [13]


def test_a_household_title_naming_another_village_or_class_than_its_section_is_refused(
    db: Database, tmp_path: Path
) -> None:
    """ "Hộ ông Hà Văn Thắng - Thôn Bãi Sậy (Hộ cận nghèo)" under "I. HỘ NGHÈO" › "2. Thôn Tân Hòa": before, the
    title's village and class were taken over the sections', without a word."""

    def change(ws: Any) -> None:
        for r in range(1, ws.max_row + 1):
            if ws.cell(r, 2).value == "Hộ ông Hà Văn Thắng":
                ws.cell(r, 2).value = "Hộ ông Hà Văn Thắng - Thôn Bãi Sậy (Hộ cận nghèo)"
            if ws.cell(r, 2).value == "Hộ ông Phạm Văn Long":  # the same as its sections: no problem
                ws.cell(r, 2).value = "Hộ ông Phạm Văn Long - Thôn Đồng Xuân (Hộ nghèo)"

    preview = lists.plan_import(db, _edit(shapes.class_sections(tmp_path / "ds.xlsx"), change))
    assert [(e.row, e.value) for e in preview.errors] == [(15, "Thôn Bãi Sậy"), (15, "hộ cận nghèo")]
    assert "mà dòng nhóm phía trên ghi Thôn Tân Hòa" in preview.errors[0].reason


def test_a_household_title_saying_how_many_people_is_checked_against_its_rows(db: Database, tmp_path: Path) -> None:
    """ "Hộ ông Phạm Văn Long (4 khẩu)" over three rows (a member's row lost): said at the title row (before, the
    household was imported with three people without a word); over its four rows, nothing said."""

    def counted(ws: Any) -> None:
        ws.cell(_titles(ws)[0], 2).value = "Hộ ông Phạm Văn Long (4 khẩu) - Thôn Đồng Xuân (Hộ nghèo)"

    def one_lost(ws: Any) -> None:
        counted(ws)
        ws.delete_rows(_titles(ws)[0] + 3)

    whole = lists.plan_import(db, _edit(shapes.household_titles(tmp_path / "ok.xlsx"), counted))
    assert not [i for i in whole.issues if "khẩu mà bên dưới" in i.reason]
    preview = lists.plan_import(db, _edit(shapes.household_titles(tmp_path / "ds.xlsx"), one_lost))
    said = [(i.row, i.severity, i.reason) for i in preview.issues if "khẩu mà bên dưới" in i.reason]
    assert said == [(7, "warning", "dòng tiêu đề hộ ghi 4 khẩu mà bên dưới có 3 người: hãy xem lại hộ này (thiếu hay "
                                   "thừa dòng)")]  # fmt: skip


def test_a_household_title_writing_the_class_short(db: Database, tmp_path: Path) -> None:
    """ "(HN)", "(HCN)": before, no class read from the title (the households "không nghèo", with only the sheet's
    note that the title speaks of poor households)."""

    def change(ws: Any) -> None:
        for row, house in zip(_titles(ws), shapes.HOUSES, strict=True):
            short = "HN" if house.klass == "poor" else "HCN"
            title = "ông" if house.people[0].sex == "M" else "bà"
            ws.cell(row, 2).value = f"Hộ {title} {house.people[0].name} - {house.village} ({short})"

    preview = lists.plan_import(db, _edit(shapes.household_titles(tmp_path / "ds.xlsx"), change))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


@pytest.mark.parametrize("names", [("DS HN 2026", "DS HCN 2026"), ("Danh sách HN", "Danh sách HCN")])
def test_a_sheet_named_after_its_class_in_short(db: Database, tmp_path: Path, names: tuple[str, str]) -> None:
    """The poor households on a sheet "DS HN 2026", the near-poor on "DS HCN 2026", no class column: before, every
    household "không nghèo", without a word."""
    wb = Workbook()
    for k, (klass, name) in enumerate(zip(("poor", "near_poor"), names, strict=True)):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn"])
        people = [(h, p) for h in shapes.HOUSES if h.klass == klass for p in h.people]
        for n, (h, p) in enumerate(people, 1):
            ws.append([n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, shapes.SEX[p.sex],
                       p.ethnicity, p.id_number or None, h.village])  # fmt: skip
    wb.save(tmp_path / "ds.xlsx")
    preview = lists.plan_import(db, tmp_path / "ds.xlsx")
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert commune_lists.imported(db) == shapes.expected()


def test_a_village_written_in_figures_for_a_commune_writing_it_in_roman(empty_db: Database, tmp_path: Path) -> None:
    """The commune's villages "Thôn I", "Thôn II", "Thôn III": a list's "Thôn 1", "Thôn số 2", "T3" are those
    (before: refused as villages the commune does not have)."""
    _numbered_commune(empty_db, ["Thôn I", "Thôn II", "Thôn III"])
    preview = lists.plan_import(empty_db, _villages_list(tmp_path / "ds.xlsx", ["Thôn 1", "Thôn số 2", "T3"]))
    assert not preview.errors, [i.text() for i in preview.errors]
    assert [h.village_name for h in preview.households] == ["Thôn I", "Thôn II", "Thôn III"]


@pytest.mark.parametrize(("first", "again"), [("001", 1), (1, "001")])
def test_a_code_that_lost_its_zeros_is_refused_not_created_again(
    db: Database, tmp_path: Path, first: Any, again: Any
) -> None:
    """The list imported with "Mã hộ" 001, then again after Excel kept the codes as numbers (1): before, each
    household (no ID numbers to match on) was created a second time beside the register's, without a word."""

    def listing(path: Path, code: Any) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"])
        ws.append([code, "Nguyễn Văn An", "Chủ hộ", 1970, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"])
        ws.append([code, "Lê Thị Bình", "Vợ", 1972, "Nữ", "Thôn Đồng Xuân", "Hộ nghèo"])
        wb.save(path)
        return path

    lists.commit_import(db, lists.plan_import(db, listing(tmp_path / "a.xlsx", first)))
    preview = lists.plan_import(db, listing(tmp_path / "b.xlsx", again))
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(2, "Mã hộ", str(again))]
    assert f"sổ có hộ mã {first}" in preview.errors[0].reason
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household WHERE deleted_at IS NULL") == 1
