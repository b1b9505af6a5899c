"""Lists made the way communes really make them (tests/commune_lists.py, written by a tester who had not read
the importer) import in one step, through the core and the command line without a column map."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.importing import lists
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database
from tests import commune_lists as shapes

ROOT = Path(__file__).resolve().parents[2]


def _file(tmp_path: Path, shape: str) -> Path:
    return shapes.SHAPES[shape](tmp_path / (f"{shape}.csv" if shape.startswith("csv") else f"{shape}.xlsx"))


@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_each_commune_list_imports_exactly(db: Database, tmp_path: Path, shape: str) -> None:
    preview = lists.plan_import(db, _file(tmp_path, shape))
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert shapes.imported(db) == shapes.expected(shape)


# LibreOffice conversions of commune_lists' shapes, as an older computer saves them (LibreOffice is not on the
# CI machines): soffice --headless --convert-to xls|ods commune-SHAPE.xlsx
CONVERTED = Path(__file__).parent / "fixtures" / "lists"


@pytest.mark.parametrize(
    "name",
    [
        "commune-merged-down.ods",  # before: the village and class merged down over several households were lost
        "commune-merged-down.xls",
        "commune-so-template.ods",
        "commune-so-template.xls",
        "commune-per-village.xls",
        "commune-second-table.ods",
        "commune-dashes.xls",
    ],
)
def test_the_same_lists_saved_as_xls_and_ods_import_exactly(db: Database, name: str) -> None:
    preview = lists.plan_import(db, CONVERTED / name)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert shapes.imported(db) == shapes.expected(name[len("commune-") :].split(".")[0].replace("-", "_"))


@pytest.mark.parametrize(
    "shape", ["so_template", "dash_members", "second_table", "per_village", "csv_semicolon_cp1258"]
)
def test_the_command_line_imports_each_commune_list_without_a_map(db_path: Path, tmp_path: Path, shape: str) -> None:
    out = shapes.cli_import(db_path, _file(tmp_path, shape))
    assert out["written"] and out["counts"]["households_create"] == 5 and out["counts"]["members_create"] == 13


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


HEAD: list[object] = ["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Thôn", "Loại hộ"]


def test_an_impossible_date_is_refused_at_its_row_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    path = shapes.so_template(tmp_path / "ds.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Nguyễn Văn Minh")
    ws.cell(row, 4, "31/02/2008")
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(row, "Năm sinh › Nam", "31/02/2008")]
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 0 and db.scalar("SELECT count(*) FROM member") == 0


def test_a_code_written_with_a_space_or_in_small_letters_is_one_household(db: Database, tmp_path: Path) -> None:
    """Before, "DX 01" and "DX01" in one list were two households (one of them headless)."""
    rows: list[list[object]] = [
        HEAD,
        ["DX01", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Kinh", "Thôn Đồng Xuân", "Hộ nghèo"],
        ["DX 01", "Lê Thị Lan", "Vợ", 1982, "Nữ", "Kinh", "Thôn Đồng Xuân", None],
        ["dx01", "Nguyễn Văn Minh", "Con", 2008, "Nam", "Kinh", "Thôn Đồng Xuân", None],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "a.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert [(h.code, len(h.members)) for h in preview.households] == [("DX01", 3)]
    lists.commit_import(db, preview)
    # the same household found again by its code written another way: updated, its code kept
    rows = [HEAD, ["Dx 01", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Kinh", "Thôn Đồng Xuân", "Hộ cận nghèo"]]
    again = lists.plan_import(db, _sheet(tmp_path / "b.xlsx", rows))
    assert not again.errors and [(h.action, h.code) for h in again.households] == [("update", "DX01")]
    lists.commit_import(db, again)
    assert db.rows("SELECT code, poverty_class FROM household") == [{"code": "DX01", "poverty_class": "near_poor"}]


def test_a_code_taken_in_another_writing_is_refused_when_saving_a_household(db: Database) -> None:
    village = int(db.scalar("SELECT min(id) FROM village"))
    added = reg.add_household(
        db,
        household=reg.HouseholdInput(code="DX01", village_id=village, poverty_class="poor"),
        members=[reg.MemberInput("Nguyễn Văn Hùng", reg.HEAD, birth_year=1980, sex="M")],
    )
    with pytest.raises(ValidationFailed) as refused:
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="dx 01", village_id=village, poverty_class="poor"),
            members=[reg.MemberInput("Trần Văn Ba", reg.HEAD, birth_year=1970, sex="M")],
        )
    assert any("đã có hộ khác mang mã này" in i.message for i in refused.value.issues)
    # the household found by its code written another way ("Chuyển hộ", "Nhập hộ" ask for a code)
    assert reg.households_with_code(db, " dx 01") == [added.household_id]


@pytest.mark.parametrize("name", ['"', "-", "...", "123", "***"])
def test_a_name_without_a_letter_is_refused_at_its_row(db: Database, tmp_path: Path, name: str) -> None:
    rows: list[list[object]] = [
        HEAD,
        ["TH01", "Hoàng Văn Sáu", "Chủ hộ", 1965, "Nam", "Tày", "Thôn Tân Hòa", "Hộ nghèo"],
        ["TH01", name, "Con", 1990, "Nam", "Tày", "Thôn Tân Hòa", None],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "n.xlsx", rows))
    assert [(e.row, e.column) for e in preview.errors] == [(3, "Họ và tên")]
    assert "không có chữ cái" in preview.errors[0].reason


def test_a_foreigner_is_taken_without_an_ethnicity_and_two_groups_in_one_cell_are_refused(
    db: Database, tmp_path: Path
) -> None:
    """Before, both were refused as "không có trong danh mục dân tộc"."""
    rows: list[list[object]] = [
        HEAD,
        ["TH01", "Hoàng Văn Sáu", "Chủ hộ", 1965, "Nam", "Tày", "Thôn Tân Hòa", "Hộ nghèo"],
        ["TH01", "Nguyễn Thị Phượng", "Vợ", 1970, "Nữ", "Tày Nùng", "Thôn Tân Hòa", None],
        ["TH01", "Vàng Thị Mỹ", "Con dâu", 1995, "Nữ", "Người nước ngoài", "Thôn Tân Hòa", None],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "e.xlsx", rows))
    assert [(e.row, e.value) for e in preview.errors] == [(3, "Tày Nùng")]
    assert "2 dân tộc (Tày, Nùng)" in preview.errors[0].reason
    [foreigner] = [i for i in preview.issues if i.row == 4]
    assert foreigner.severity == "warning" and "người nước ngoài" in foreigner.reason
    rows[2][5] = "Nùng"
    preview = lists.plan_import(db, _sheet(tmp_path / "e2.xlsx", rows))
    assert not preview.errors
    lists.commit_import(db, preview)
    found = dict(db.conn.execute("SELECT full_name, ethnicity_code FROM member"))
    assert found == {"Hoàng Văn Sáu": "02", "Nguyễn Thị Phượng": "07", "Vàng Thị Mỹ": None}


def test_the_command_line_names_a_new_village_as_it_will_be_created(db_path: Path, tmp_path: Path) -> None:
    """Before, the preview said "Thôn Nà Lầu" while the village made was "Nà Lầu"."""
    rows: list[list[object]] = [HEAD, ["NL01", "Lường Văn Pọm", "Chủ hộ", 1970, "Nam", "Thái", "Thôn Nà Lầu", "HN"]]
    done = subprocess.run(
        [sys.executable, "-m", "giamngheo_desktop", "import", "--db", str(db_path), "--create-villages",
         str(_sheet(tmp_path / "v.xlsx", rows))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Thôn/tổ sẽ tạo mới: Nà Lầu\n" in done.stdout


def test_a_heads_only_list_with_a_member_count_column_imports_the_heads(db: Database, tmp_path: Path) -> None:
    """The national software's household list: one row per household and "Nhân khẩu" holding how many people.
    Before, the counts were taken for the members' names ("3", "2")."""
    rows: list[list[object]] = [
        ["STT", "Mã hộ", "Họ và tên chủ hộ", "Giới tính", "Năm sinh", "Dân tộc", "Nhân khẩu", "Thôn", "Phân loại hộ"],
        [1, "DX01", "Nguyễn Văn Hùng", "Nam", 1980, "Kinh", 3, "Thôn Đồng Xuân", "Hộ nghèo"],
        [2, "DX02", "Trần Thị Bưởi", "Nữ", 1950, "Kinh", "2", "Thôn Đồng Xuân", "Hộ cận nghèo"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "h.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert any("“Nhân khẩu” ghi số người" in note for note in preview.notes)
    lists.commit_import(db, preview)
    assert db.rows("SELECT full_name, relationship_code FROM member ORDER BY id") == [
        {"full_name": "Nguyễn Văn Hùng", "relationship_code": "01"},
        {"full_name": "Trần Thị Bưởi", "relationship_code": "01"},
    ]


def test_without_a_relationship_column_the_bulleted_names_are_the_members_of_the_head_above(
    db: Database, tmp_path: Path
) -> None:
    """Before, the whole list was one household."""
    rows: list[list[object]] = [
        ["TT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Phân loại"],
        [1, "NGUYỄN VĂN HÙNG", 1980, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"],
        [None, "- Lê Thị Lan", 1982, "Nữ", None, None],
        [None, "- Nguyễn Văn Minh", 2008, "Nam", None, None],
        [2, "TRẦN THỊ BƯỞI", 1950, "Nữ", "Thôn Đồng Xuân", "Hộ cận nghèo"],
        [None, "- Trần Văn Cam", 1975, "Nam", None, None],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "b.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    houses = [(h.data.poverty_class, [(m.data.full_name, m.data.relationship_code) for m in h.members]) for h in
              preview.households]  # fmt: skip
    assert houses == [
        ("poor", [("NGUYỄN VĂN HÙNG", "01"), ("Lê Thị Lan", "28"), ("Nguyễn Văn Minh", "28")]),
        ("near_poor", [("TRẦN THỊ BƯỞI", "01"), ("Trần Văn Cam", "28")]),
    ]


@pytest.mark.parametrize(
    ("written", "klass"),
    [
        ("HN mới", "poor"),
        ("H.Nghèo", "poor"),
        ("Hộ nghèo thiếu hụt đa chiều", "poor"),
        ("Hộ CN", "near_poor"),
        ("Cận nghèo 2025", "near_poor"),
        ("Thoát nghèo 2025", "newly_escaped"),
        ("Hộ MSTB", "average"),
        ("Hộ thoát cận nghèo", "not_poor"),
        ("Nghèo → cận nghèo", None),  # two classes: refused, not guessed
        ("Hộ", None),
    ],
)
def test_class_words_as_officers_shorten_them(db: Database, tmp_path: Path, written: str, klass: str | None) -> None:
    rows: list[list[object]] = [
        HEAD,
        ["C1", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Kinh", "Thôn Đồng Xuân", written],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "c.xlsx", rows))
    if klass is None:
        assert [(e.column, e.value) for e in preview.errors] == [("Loại hộ", written)]
    else:
        assert not preview.errors and preview.households[0].data.poverty_class == klass


def test_relationship_words_for_others_and_id_cells_holding_a_label_or_a_note(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*HEAD, "Số CCCD"],
        ["K1", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Kinh", "Thôn Đồng Xuân", "HN", "CCCD: 025080000101"],
        ["K1", "Lê Văn Tám", "Khác", 1990, "Nam", "Kinh", "Thôn Đồng Xuân", None, "CMND 131234567"],
        ["K1", "Phạm Văn Chín", "Người ở nhờ", 1991, "Nam", "Kinh", "Thôn Đồng Xuân", None, "Đang làm thẻ"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "r.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    [note] = [i for i in preview.issues if i.row == 4]
    assert note.severity == "warning" and note.value == "Đang làm thẻ" and "để trống số định danh" in note.reason
    members = [(m.data.relationship_code, m.data.id_number) for m in preview.households[0].members]
    assert members == [("01", "025080000101"), ("28", "131234567"), ("29", None)]


def test_a_member_row_is_never_taken_for_the_header(db: Database, tmp_path: Path) -> None:
    """A header written in short forms ("H.tên", "Q.hệ", "DT", "Số ĐDCN") above rows whose words ("Chủ hộ",
    "Nam", "Thôn …", "Hộ nghèo") match headers: before, the first member's row was read as the header."""
    rows: list[list[object]] = [
        ["Mã hộ", "H.tên", "Q.hệ", "N.sinh", "G.tính", "DT", "Số ĐDCN", "Thôn", "Thuộc hộ nghèo/cận nghèo", "ĐT"],
        ["A1", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Kinh", "025080000101", "Thôn Đồng Xuân", "Hộ nghèo",
         "0912345678"],
        ["A1", "Lê Thị Lan", "Vợ", 1982, "Nữ", "Tày", None, "Thôn Đồng Xuân", None, None],
    ]  # fmt: skip
    preview = lists.plan_import(db, _sheet(tmp_path / "t.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert preview.header_row == 1
    assert {k: preview.columns[k] for k in ("full_name", "relationship", "ethnicity", "id_number", "phone")} == {
        "full_name": "H.tên",
        "relationship": "Q.hệ",
        "ethnicity": "DT",
        "id_number": "Số ĐDCN",
        "phone": "ĐT",
    }
    [house] = preview.households
    assert house.data.poverty_class == "poor" and house.data.phone == "0912345678"
    assert [(m.data.full_name, m.data.ethnicity_code) for m in house.members] == [
        ("Nguyễn Văn Hùng", "01"),
        ("Lê Thị Lan", "02"),
    ]


def test_a_note_in_brackets_after_a_name_goes_to_the_members_note(db: Database, tmp_path: Path) -> None:
    """Before, "Lê Thị Lan (đã chết)" was imported as her name."""
    rows: list[list[object]] = [
        [*HEAD, "Ghi chú"],
        ["A1", "Nguyễn Văn Hùng (CH)", "Chủ hộ", 1980, "Nam", "Kinh", "Thôn Đồng Xuân", "HN", None],
        ["A1", "Lê Thị Lan (đã chết)", "Vợ", 1982, "Nữ", "Kinh", "Thôn Đồng Xuân", None, "năm 2024"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "n.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert [(i.row, i.severity) for i in preview.issues] == [(2, "warning"), (3, "warning")]
    members = [(m.data.full_name, m.data.note) for m in preview.households[0].members]
    assert members == [("Nguyễn Văn Hùng", "CH"), ("Lê Thị Lan", "năm 2024; đã chết")]


@pytest.mark.parametrize("written", ["T. Tân Hòa", "Th.Tân Hòa", "Thôn Tân Hòa, xã Tân Lập", "Tân Hòa - Tân Lập"])
def test_a_village_written_short_or_with_its_commune(db: Database, tmp_path: Path, written: str) -> None:
    rows: list[list[object]] = [HEAD, ["A1", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Kinh", written, "HN"]]
    preview = lists.plan_import(db, _sheet(tmp_path / "v.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert preview.households[0].village_name == "Thôn Tân Hòa"


def test_a_village_subtotal_written_tong_and_printed_page_numbers_do_not_end_or_join_the_list(
    db: Database, tmp_path: Path
) -> None:
    """Before, "Tổng thôn Đồng Xuân: …" ended the list (the next villages were left out) and "Trang 2/2" under
    the names was imported as a member."""
    head: list[object] = ["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Loại hộ"]
    rows: list[list[object]] = [
        head,
        [1, "A1", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam", "Thôn Đồng Xuân", "HN"],
        ["Trang 1/2"],
        head,
        [2, "A1", "Lê Thị Lan", "Vợ", 1982, "Nữ", "Thôn Đồng Xuân", None],
        ["Tổng thôn Đồng Xuân: 1 hộ, 2 khẩu"],
        [1, "B1", "Trần Văn Ba", "Chủ hộ", 1970, "Nam", "Thôn Tân Hòa", "HCN"],
        ["Tổng số hộ thôn Tân Hòa", None, None, None, None, None, None, 1],
        [1, "C1", "Phạm Văn Tư", "Chủ hộ", 1960, "Nam", "Thôn Bãi Sậy", "HN"],
        [None, None, "Trang 2/2"],
        ["Tổng cộng", None, None, None, None, None, None, 3],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "p.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert [(h.code, [m.data.full_name for m in h.members]) for h in preview.households] == [
        ("A1", ["Nguyễn Văn Hùng", "Lê Thị Lan"]),
        ("B1", ["Trần Văn Ba"]),
        ("C1", ["Phạm Văn Tư"]),
    ]


@pytest.mark.parametrize("sheets", [["HN 2025", "HCN 2025"], ["HN", "HCN"], ["Hộ nghèo", "Cận nghèo"]])
def test_a_workbook_with_a_sheet_per_class_gives_each_sheet_its_class(
    db: Database, tmp_path: Path, sheets: list[str]
) -> None:
    """Before, sheets named "HN 2025" / "HCN 2025" gave no class: every household "không nghèo", silently."""
    wb = Workbook()
    wb.remove(wb.active)
    for k, name in enumerate(sheets):
        ws = wb.create_sheet(name)
        ws.append(["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn"])
        ws.append([1, f"X{k}", f"Nguyễn Văn {k}", "Chủ hộ", 1970, "Nam", "Thôn Đồng Xuân"])
    wb.save(tmp_path / "c.xlsx")
    preview = lists.plan_import(db, tmp_path / "c.xlsx")
    assert not preview.errors
    assert [(h.code, h.data.poverty_class) for h in preview.households] == [("X0", "poor"), ("X1", "near_poor")]
