"""Lists in the shapes communes keep (tests/list_shapes.py) import in one step, exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo_desktop.domain.errors import BadFile, ValidationFailed
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.headers import find_header, is_number_row, match_header
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database
from tests import list_shapes as shapes

ROOT = Path(__file__).resolve().parents[2]


def register(db: Database) -> dict[str, dict[str, Any]]:
    """code → {village, class, members: {name: id}, head} as the register holds it."""
    result: dict[str, dict[str, Any]] = {}
    for h in db.rows(
        "SELECT h.id, h.code, h.poverty_class, v.name AS village, m.full_name AS head FROM household h "
        "JOIN village v ON v.id = h.village_id LEFT JOIN member m ON m.id = h.head_member_id WHERE h.deleted_at IS NULL"
    ):
        members = {
            m["full_name"]: m["id_number"]
            for m in db.rows("SELECT full_name, id_number FROM member WHERE household_id = ?", (h["id"],))
        }
        result[h["code"]] = {
            "village": h["village"],
            "class": h["poverty_class"],
            "members": members,
            "head": h["head"],
        }
    return result


@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_each_shape_imports_in_one_step_with_the_right_households(db: Database, tmp_path: Path, shape: str) -> None:
    path = shapes.SHAPES[shape](tmp_path / f"{shape}.xlsx")
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    assert register(db) == shapes.expected()
    members = {r["full_name"]: r for r in db.rows("SELECT * FROM member")}
    assert members["Trần Thị Hoa"]["sex"] == "F" and members["Nguyễn Văn Nam"]["sex"] == "M"
    assert members["Lò Văn Sáng"]["birth_year"] == 1970 or members["Lò Văn Sáng"]["birth_date"] == "1970-02-02"


@pytest.mark.parametrize("shape", ["per_village", "merged_two_row", "head_member_columns"])
def test_the_command_line_imports_each_shape_without_a_map(db_path: Path, tmp_path: Path, shape: str) -> None:
    path = shapes.SHAPES[shape](tmp_path / f"{shape}.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "giamngheo_desktop", "import", "--db", str(db_path), str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout)
    assert out["written"] and out["counts"]["households_create"] == 4 and out["counts"]["members_create"] == 10


def test_footer_and_totals_end_the_list(db: Database, tmp_path: Path) -> None:
    path = shapes.footer_list(tmp_path / "footer.xlsx")
    preview = lists.plan_import(db, path)
    assert len(preview.households) == 4 and sum(len(h.members) for h in preview.households) == 10
    assert not any("CHỦ TỊCH" in i.value or "Người lập" in i.value for i in preview.issues)


def test_per_village_workbook_reads_every_village_sheet_and_says_which_were_left_out(
    db: Database, tmp_path: Path
) -> None:
    preview = lists.plan_import(db, shapes.per_village_workbook(tmp_path / "thon.xlsx"))
    read = {s.name: s.read for s in preview.sheets}
    assert read == {"Tổng hợp": False, "Đồng Xuân": True, "Tân Hòa": True, "Bãi Sậy": True}
    assert "tổng hợp" in next(s.reason for s in preview.sheets if s.name == "Tổng hợp")
    # only the sheets asked for
    only = lists.plan_import(db, tmp_path / "thon.xlsx", sheets=["Tân Hòa"])
    assert [h.code for h in only.households] == ["TH0001"]


def test_a_problem_on_a_second_sheet_names_that_sheet_and_its_excel_row(db: Database, tmp_path: Path) -> None:
    path = shapes.per_village_workbook(tmp_path / "thon.xlsx")
    wb = load_workbook(path)
    wb["Tân Hòa"]["E5"] = "31/02/1972"  # Lò Thị Xuân: an impossible date
    wb.save(path)
    preview = lists.plan_import(db, path)
    bad = preview.errors
    assert len(bad) == 1 and bad[0].sheet == "Tân Hòa" and bad[0].line == 5
    assert "trang “Tân Hòa”, dòng 5" in bad[0].text()
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 0 and db.scalar("SELECT count(*) FROM member") == 0


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Số CCCD/ Định danh", "id_number"),
        ("Số CCCD (12 số)", "id_number"),
        ("CCCD/Mã định danh", "id_number"),
        ("Số định danh cá nhân/CCCD", "id_number"),
        ("Họ và tên chủ hộ", "head_name"),
        ("Họ và tên thành viên trong hộ gia đình", "full_name"),
        ("Quan hệ với chủ hộ", "relationship"),
        ("Mối QH", "relationship"),  # before: "Cột không dùng", every member a relative (28)
        ("Mối QH với CH", "relationship"),
        ("Ngày tháng năm sinh (dd/mm/yyyy)", "birth_date"),
        ("Ngày quyết định công nhận", "class_date"),
        ("Số quyết định công nhận", "class_decision"),
        ("Thẻ BHYT có giá trị đến ngày", "hi_valid_to"),
        ("TT hộ", "household_no"),
        ("Tình trạng (Có việc làm/ Không có việc làm/ Đang đi học)", "work_status"),
        ("Cột lạ", None),
    ],
)
def test_headers_match_by_their_words(text: str, field: str | None) -> None:
    assert match_header(text) == field


@pytest.mark.parametrize(
    "row",
    [["(1)", "(2)", "(3)", "(4)"], [1, 2, 3, 4.0], ["A", "B", "1", "2", "3"], ["A", "B", "C", "D", 1, 2]],
)
def test_column_number_rows_in_their_usual_forms(row: list[Any]) -> None:
    assert is_number_row(row)
    assert not is_number_row([1, "DX0001", "Nguyễn Văn Đức", "Chủ hộ"])
    header = find_header([["Họ và tên", "Mã hộ", "Thôn"], row, ["Nguyễn Văn Đức", "DX0001", "Đồng Xuân"]])
    assert header is not None and header.data_start == 2


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("utf-16", False), ("cp1258", False)])
def test_csv_is_decoded_as_one_encoding_and_the_preview_names_it(
    db: Database, tmp_path: Path, encoding: str, bom: bool
) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(shapes.csv_bytes(encoding, bom=bom))
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert preview.encoding.startswith({"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1258": "Windows-1258"}[encoding])
    lists.commit_import(db, preview)
    assert register(db) == {
        code: {**h, "members": {n: i for n, i in h["members"].items()}} for code, h in shapes.expected().items()
    }


def test_csv_valid_in_no_encoding_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(shapes.csv_bytes("utf-8") + b"\x81\x8d\x8f\x90\x9d;x\r\n")  # undefined in cp1258 and cp1252
    with pytest.raises(BadFile) as refused:
        lists.plan_import(db, path)
    assert "bảng mã" in str(refused.value)
    assert db.scalar("SELECT count(*) FROM household") == 0


def test_a_control_character_is_refused_at_its_row_and_column(db: Database, tmp_path: Path) -> None:
    preview = lists.plan_import(db, shapes.control_character_list(tmp_path / "ctl.xlsx"))
    bad = [i for i in preview.errors if "ký tự điều khiển" in i.reason]
    assert [(i.line, i.column) for i in bad] == [(3, "Họ và tên")]
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM member") == 0
    csv = tmp_path / "ctl.csv"
    csv.write_bytes(shapes.control_character_csv())
    preview = lists.plan_import(db, csv)
    assert [(i.line, i.column) for i in preview.errors] == [(2, "Họ và tên")]


def test_an_xlsx_that_unpacks_to_hundreds_of_megabytes_is_refused_before_reading(db: Database, tmp_path: Path) -> None:
    path = shapes.zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 3 * 1024 * 1024
    with pytest.raises(BadFile) as refused:
        lists.plan_import(db, path)
    assert refused.value.code == "too_big_unpacked"


def _unknown_id_header(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Giấy tờ tùy thân"])
    ws.append(["GT-1", "Thôn Đồng Xuân", "Bế Văn Kiên", "Chủ hộ", "025070000123"])
    extra = wb.create_sheet("Ghi chú")
    extra.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ"])
    extra.append(["GT-9", "Thôn Tân Hòa", "Bế Văn Chín", "Chủ hộ"])
    wb.save(path)
    return path


def test_the_command_line_takes_a_column_map_and_a_sheet(db_path: Path, tmp_path: Path) -> None:
    path = _unknown_id_header(tmp_path / "gt.xlsx")

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "giamngheo_desktop", "import", "--db", str(db_path), str(path), "--json", *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )

    bad = run("--map", "Giấy tờ tùy thân=so_cccd")
    assert bad.returncode != 0 and "Tiêu đề cột=trường" in bad.stdout + bad.stderr
    done = run("--map", "Giấy tờ tùy thân=id_number", "--sheet", "Danh sách")
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout)
    assert out["counts"]["households_create"] == 1  # only the sheet asked for
    with open_database(db_path) as db:
        assert db.scalar("SELECT id_number FROM member WHERE full_name = 'Bế Văn Kiên'") == "025070000123"
        assert db.scalar("SELECT count(*) FROM household WHERE code = 'GT-9'") == 0


def test_a_title_naming_a_village_gives_it_to_the_sheet(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["DANH SÁCH HỘ CẬN NGHÈO THÔN TÂN HÒA NĂM 2025"])
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh"])
    ws.append(["TH-5", "Vi Văn Năm", "Chủ hộ", 1966])
    wb.save(tmp_path / "th.xlsx")
    preview = lists.plan_import(db, tmp_path / "th.xlsx")
    assert not preview.errors
    h = preview.households[0]
    assert (h.village_name, h.data.poverty_class) == ("Thôn Tân Hòa", "near_poor")


def test_decoding_tries_cp1252_only_when_neither_utf8_nor_cp1258_reads_the_file() -> None:
    from giamngheo_desktop.importing.reader import decode_text

    assert decode_text("Nguyễn".encode())[1] == "utf-8"
    assert decode_text("Đông".encode("cp1258"))[1] == "cp1258"
    assert decode_text("Šárka".encode("cp1252")) == ("Šárka", "cp1252")  # Š is not in cp1258


def test_a_problem_names_the_excel_column_letter(db: Database, tmp_path: Path) -> None:
    path = shapes.merged_two_row_list(tmp_path / "m.xlsx")
    wb = load_workbook(path)
    wb.active["F9"] = "31/02/1960"  # the head of DX0001: an impossible date, column F
    wb.save(path)
    preview = lists.plan_import(db, path)
    assert [(i.line, i.letter) for i in preview.errors] == [(9, "F")]
    assert "cột “Thông tin nhân khẩu › Ngày, tháng, năm sinh” (F)" in preview.errors[0].text()


def test_an_unpaired_surrogate_in_a_cell_is_refused_at_its_row(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from giamngheo_desktop.importing.reader import RawTable

    table = RawTable(
        rows=[
            ["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ"],
            ["S-1", "Thôn Đồng Xuân", "Lê \ud800 Mai", "Chủ hộ"],
        ],
        row_numbers=[1, 2],
        sheet="Sheet1",
        kind="xlsx",
    )
    monkeypatch.setattr(lists, "read_tables", lambda *_a, **_k: [table])
    preview = lists.plan_import(db, "ds.xlsx")
    assert [(i.line, i.column) for i in preview.errors] == [(2, "Họ và tên")]
    assert "\ud800" not in preview.errors[0].text()  # shown as U+FFFD, never written anywhere


# The merged two-row list (shapes.merged_two_row_list) as LibreOffice saves it, converted once with
#   soffice --headless -env:UserInstallation=file:///tmp/lo --convert-to xls|ods merged_two_row.xlsx
# and committed (LibreOffice is not on the CI machines). python-calamine gives the .xls's merged
# ranges but none of the .ods's: those are read from its XML (importing/ods_spans.py).
CONVERTED = Path(__file__).parent / "fixtures" / "lists"


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_the_merged_two_row_list_saved_as_xls_or_ods_imports_like_the_xlsx(
    db: Database, tmp_path: Path, suffix: str
) -> None:
    made = lists.plan_import(db, shapes.merged_two_row_list(tmp_path / "merged.xlsx"))
    preview = lists.plan_import(db, CONVERTED / f"merged_two_row.{suffix}")
    assert not preview.errors, [i.text() for i in preview.errors]
    # the group title "Thông tin nhân khẩu" over its six sub-columns, as in the xlsx with merged cells
    assert preview.columns == made.columns
    assert preview.columns["id_number"] == "Thông tin nhân khẩu › Số CCCD (12 số)"
    assert preview.columns["poverty_class"] == "Phân loại hộ"  # merged down, not under the group title
    birth_column = next(c for c in preview.file_columns if c.field == "birth_date")
    assert birth_column.samples[0] == "04/03/1960"  # a date cell shown as the officer reads it
    lists.commit_import(db, preview)
    assert register(db) == shapes.expected()
    born = dict(db.conn.execute("SELECT full_name, birth_date FROM member"))
    assert born["Lò Văn Sáng"] == "1970-02-02" and born["Phạm Văn Hùng"] == "1948-12-31"


def test_a_group_title_without_merged_cells_spans_the_sub_columns_under_it(db: Database, tmp_path: Path) -> None:
    """A CSV (or a sheet whose merges were lost) with a two-row header: the title's cells right of it
    are empty over sub-column labels; a column merged down (empty below its label) is not under it."""
    path = tmp_path / "hai-dong.csv"
    path.write_text(
        "Mã hộ,Thôn,Thông tin nhân khẩu,,,Giới tính,,Phân loại hộ\n"
        ",,Họ và tên,Quan hệ với chủ hộ,Số CCCD,Nam,Nữ,\n"
        "DX0001,Đồng Xuân,Nguyễn Văn Đức,Chủ hộ,025060000011,x,,Hộ nghèo\n"
        ",,Trần Thị Hoa,Vợ,025162000022,,x,\n",
        encoding="utf-8",
    )
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    assert preview.columns["full_name"] == "Thông tin nhân khẩu › Họ và tên"
    assert preview.columns["id_number"] == "Thông tin nhân khẩu › Số CCCD"
    assert preview.columns["poverty_class"] == "Phân loại hộ"
    assert "sex_male" in preview.columns and "birth_male" not in preview.columns  # "Nam" under "Giới tính"
    [house] = preview.households
    assert [(m.data.full_name, m.data.sex) for m in house.members] == [("Nguyễn Văn Đức", "M"), ("Trần Thị Hoa", "F")]
