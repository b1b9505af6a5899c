"""Importing the lists communes keep: messy headers, title rows, text dates, all or nothing."""

from __future__ import annotations

import datetime as dt
import gc
import json
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from giamngheo_desktop.domain.errors import BadFile, ValidationFailed
from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.export.register_xlsx import write_register_xlsx
from giamngheo_desktop.importing import commit as import_commit
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.reader import decode_text
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.services import household_query as hq
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database

ROOT = Path(__file__).resolve().parents[2]

HEADER = [
    "TT",
    "Mã số hộ",
    "Thôn, xóm",
    "Họ tên thành viên",
    "QH với chủ hộ",
    "Ngày, tháng, năm sinh",
    "Nam/Nữ",
    "Số CCCD",
    "Dân tộc",
    "Kết quả rà soát",
    "Nguyên nhân nghèo",
    "Cột lạ",
]


def messy_rows(bad_date: str = "31/02/1990") -> list[list[object]]:
    return [
        ["UBND XÃ TÂN LẬP", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"],
        [],
        [*HEADER],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)"],
        # household 1: code only on the head's row, dates as text, ID as a number (leading zero lost)
        [1, "DX-01", "Đồng Xuân", "Nguyễn Văn Đức", "Chủ hộ", "04/03/1960", "Nam", 25060000011, "Kinh", "Hộ nghèo",
         "Thiếu vốn; Ốm đau, tai nạn", "?"],
        [2, None, "Đồng Xuân", "Trần Thị Hoa", "Vợ", "1962", "Nữ", "025 162 000 022", "Kinh", None, None, None],
        [3, None, "Đồng Xuân", "Nguyễn Văn Nam", "Con", dt.datetime(1985, 7, 1), "Nam", None, "Kinh", None, None, None],
        # household 2: code on every row, unaccented village, a year as a number, one bad date
        [4, "TH-07", "thon tan hoa", "Lò Văn Sáng", "chu ho", 1970.0, "nam", None, "Thái", "Cận nghèo", "2", None],
        [5, "TH-07", "thon tan hoa", "Lò Thị Xuân", "Vợ", bad_date, "Nữ", None, "Thai", None, None, None],
        [6, "TH-07", "thon tan hoa", "Lò Văn Tủa", "Con đẻ", "12/8/2005", "Nam", None, "Thái", None, None, None],
        [None, None, None, None],
        ["Tổng cộng: 2 hộ, 6 nhân khẩu"],
    ]  # fmt: skip


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def people(db: Database) -> dict[str, dict]:
    return {r["full_name"]: r for r in db.rows("SELECT * FROM member WHERE deleted_at IS NULL")}


def test_messy_list_with_an_invalid_row_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ds.xlsx", messy_rows())
    preview = lists.plan_import(db, path)
    assert preview.header_row == 4
    assert preview.columns["household_code"] == "Mã số hộ" and preview.columns["sex"] == "Nam/Nữ"
    assert preview.ignored_columns == ["Cột lạ"]
    assert preview.counts()["households_create"] == 2
    assert preview.counts()["members_create"] == 6
    [error] = preview.errors
    assert (error.row, error.column, error.value) == (10, "Ngày, tháng, năm sinh", "31/02/1990")
    assert "ngày" in error.reason
    assert "dòng 10" in error.text() and "Ngày, tháng, năm sinh" in error.text()
    padded = [i for i in preview.issues if i.severity == "warning" and i.column == "Số CCCD"]
    assert padded and padded[0].row == 6 and "số 0" in padded[0].reason
    with pytest.raises(ValidationFailed) as info:
        lists.commit_import(db, preview)
    assert "Dòng 10" in str(info.value)
    assert db.scalar("SELECT count(*) FROM household") == 0
    assert db.scalar("SELECT count(*) FROM member") == 0


def test_valid_only_writes_the_valid_rows_and_lists_the_rest(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ds.xlsx", messy_rows())
    preview = lists.plan_import(db, path)
    result = lists.commit_import(db, preview, valid_only=True)
    assert (result.households_created, result.members_created) == (2, 5)
    assert result.skipped_rows == [10]
    p = people(db)
    assert "Lò Thị Xuân" not in p
    duc = p["Nguyễn Văn Đức"]
    assert duc["id_number"] == "025060000011"
    assert duc["birth_date"] == "1960-03-04" and duc["sex"] == "M" and duc["relationship_code"] == "01"
    assert p["Trần Thị Hoa"]["birth_year"] == 1962 and p["Trần Thị Hoa"]["birth_date"] is None
    assert p["Trần Thị Hoa"]["id_number"] == "025162000022"
    assert p["Nguyễn Văn Nam"]["birth_date"] == "1985-07-01" and p["Nguyễn Văn Nam"]["relationship_code"] == "04"
    assert p["Lò Văn Sáng"]["ethnicity_code"] == "03" and p["Lò Văn Sáng"]["birth_year"] == 1970
    assert p["Lò Văn Tủa"]["birth_date"] == "2005-08-12"
    dx = reg.get_household(db, duc["household_id"])
    assert dx["code"] == "DX-01" and dx["poverty_class"] == "poor" and dx["causes"] == ["2", "7"]
    assert dx["village_name"] == "Thôn Đồng Xuân"
    th = reg.get_household(db, p["Lò Văn Sáng"]["household_id"])
    assert th["poverty_class"] == "near_poor" and th["village_name"] == "Thôn Tân Hòa"
    assert th["ethnic_minority"] == 1
    # search without accents finds the imported person
    assert hq.find_household_ids(db, hq.HouseholdQuery(text="nguyen van duc")) == [dx["id"]]


def test_reimport_updates_instead_of_duplicating(db: Database, tmp_path: Path) -> None:
    lists.commit_import(db, lists.plan_import(db, write_xlsx(tmp_path / "a.xlsx", messy_rows())), valid_only=True)
    rows = messy_rows(bad_date="1991")  # fixed file
    rows[8][9] = "Hộ nghèo"  # class changed on the head's row
    preview = lists.plan_import(db, write_xlsx(tmp_path / "b.xlsx", rows))
    assert not preview.errors
    counts = preview.counts()
    # TH-07 changed class and gains Lò Thị Xuân; DX-01 is as in the register
    assert (counts["households_update"], counts["households_unchanged"], counts["households_create"]) == (1, 1, 0)
    assert counts["members_unchanged"] == 5 and counts["members_create"] == 1 and counts["members_update"] == 0
    events = db.scalar("SELECT count(*) FROM household_event")
    result = lists.commit_import(db, preview)
    assert (result.households_updated, result.households_unchanged, result.members_created) == (1, 1, 1)
    assert db.scalar("SELECT count(*) FROM household_event") == events + 1  # only TH-07's update
    assert db.scalar("SELECT count(*) FROM household") == 2
    assert db.scalar("SELECT count(*) FROM member") == 6
    assert db.scalar("SELECT poverty_class FROM household WHERE code = 'TH-07'") == "poor"


def _search_text(db: Database) -> list[tuple[object, ...]]:
    return [tuple(r) for r in db.conn.execute("SELECT id, search_fold, search_ids FROM household ORDER BY id")]


@pytest.mark.parametrize("bulk_from", [1, 10_000])
def test_imports_large_and_small_leave_the_same_register(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    """Large imports write without per-row triggers (search text made in Python, one audit entry);
    the register, search text included, must be what the ordinary path gives."""
    from giamngheo_desktop.storage import audit, search

    monkeypatch.setattr(import_commit, "BULK_AUDIT_FROM", bulk_from)
    lists.commit_import(db, lists.plan_import(db, write_xlsx(tmp_path / "a.xlsx", messy_rows())), valid_only=True)
    rows = messy_rows(bad_date="1991")
    rows[6][3] = "Trần Thị Hoà Bình"  # a member renamed in an existing household, one member added (Lò Thị Xuân)
    rows.insert(11, [7, "TH-09", "Đồng Xuân", "Đinh Văn Mới", "Chủ hộ", "1980", "Nam", "025080000099", "Kinh"])
    lists.commit_import(db, lists.plan_import(db, write_xlsx(tmp_path / "b.xlsx", rows)))
    assert db.scalar("SELECT count(*) FROM household") == 3 and db.scalar("SELECT count(*) FROM member") == 7
    stored = _search_text(db)
    with db.atomic() as conn:
        search.rebuild(conn)
    assert _search_text(db) == stored
    p = people(db)
    assert hq.find_household_ids(db, hq.HouseholdQuery(text="hoa binh")) == [p["Trần Thị Hoà Bình"]["household_id"]]
    assert hq.find_household_ids(db, hq.HouseholdQuery(text="025080000099")) == [p["Đinh Văn Mới"]["household_id"]]
    assert not audit.needs_sync(db.conn)
    bulk_entries = db.scalar("SELECT count(*) FROM audit_log WHERE action = 'import'")
    assert bulk_entries == (2 if bulk_from == 1 else 0)
    audit.seal(db, "test", anchor=False)  # moved forward from the import's seals: as reading the tables would give
    last = audit._last_seal(db.conn)
    assert last is not None
    expected, broken = audit._sealed_sums(db.conn, *last)  # its digests and its blocks (the imported rows)
    assert not broken and {t: f"{d:064x}" for t, d in expected.items()} == audit.table_digests(db.conn)
    assert bool(last[1].get("blocks")) == (bulk_from == 1)
    assert audit.verify(db.conn).ok


@pytest.mark.parametrize("every_id", [False, True])
def test_a_bulk_import_gives_new_households_the_search_text_of_their_members(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every_id: bool
) -> None:
    """New households' search text made from the list (members with and without an ID number, or every one
    with one) is what the search triggers would make: names in order, every ID number."""
    from giamngheo_desktop.storage import search

    monkeypatch.setattr(import_commit, "BULK_AUDIT_FROM", 1)
    rows = messy_rows(bad_date="1991")
    if every_id:
        for n, row in enumerate(rows[5:11]):
            row[7] = row[7] or make_id_number("025", "M", 1990, 70 + n)
    lists.commit_import(db, lists.plan_import(db, write_xlsx(tmp_path / "a.xlsx", rows)))
    stored = _search_text(db)
    assert len(stored) == 2 and str(stored[1][2]).count("\n") == (2 if every_id else 0)  # TH-07: 3 IDs or none
    with db.atomic() as conn:
        search.rebuild(conn)
    assert _search_text(db) == stored


def test_household_matched_by_id_number_when_the_file_has_no_code(db: Database, tmp_path: Path) -> None:
    vid = int(db.scalar("SELECT min(id) FROM village"))
    existing = reg.add_household(
        db,
        household=reg.HouseholdInput(code="OLD-1", village_id=vid),
        members=[reg.MemberInput("Nguyễn Văn Đức", "01", sex="M", birth_year=1960, id_number="025060000011")],
    )
    rows: list[list[object]] = [
        ["Họ và tên", "Quan hệ với chủ hộ", "Số định danh", "Thôn", "Năm sinh"],
        ["Nguyễn Văn Đức", "Chủ hộ", "025060000011", "Thôn Đồng Xuân", 1960],
        ["Nguyễn Thị Bé", "Bạn của con", None, "Thôn Đồng Xuân", 2001],
    ]
    preview = lists.plan_import(db, write_xlsx(tmp_path / "c.xlsx", rows))
    assert [e.reason for e in preview.errors] == ["không có trong danh mục quan hệ với chủ hộ"]
    rows[2][1] = "Con"
    preview = lists.plan_import(db, write_xlsx(tmp_path / "c.xlsx", rows))
    assert not preview.errors
    assert preview.households[0].action == "update" and preview.households[0].household_id == existing.household_id
    lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 1
    assert db.scalar("SELECT count(*) FROM member") == 2


def test_unknown_village_is_an_error_or_created_on_request(db: Database, tmp_path: Path) -> None:
    rows = [
        ["Mã hộ", "Tổ dân phố", "Họ và tên", "Quan hệ", "Giới tính"],
        ["X-1", "Thôn Mới", "Hà Văn Một", "Chủ hộ", "Nam"],
    ]
    path = write_xlsx(tmp_path / "v.xlsx", rows)
    preview = lists.plan_import(db, path)
    assert (
        preview.errors[0].column == "Tổ dân phố"
        and "Tạo thôn/tổ mới khi tên trong tệp chưa có" in preview.errors[0].reason
    )
    preview = lists.plan_import(db, path, create_villages=True)
    assert not preview.errors and preview.new_villages == ["Thôn Mới"]
    lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM village WHERE name = 'Mới' AND kind = 'thon'") == 1  # as typed ones


def to_cp1258(text: str) -> bytes:
    """How Windows (Vietnamese) saves CSV: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


CSV_TEXT = (
    "DANH SÁCH HỘ GIA ĐÌNH\n"
    "\n"
    "Mã hộ;Thôn/Tổ;Họ và tên;Quan hệ với chủ hộ;Ngày sinh;Giới tính;CCCD;Dân tộc;Phân loại hộ\n"
    "DX-09;Thôn Đồng Xuân;Nguyễn Văn Đức;Chủ hộ;04/03/1960;Nam;025060000011;Kinh;Hộ cận nghèo\n"
    ";Thôn Đồng Xuân;Đặng Thị Hằng;Vợ;1962;Nữ;;H'Mông;\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1258", "utf-16"], ids=["utf-8-sig", "cp1258", "utf-16"])
def test_csv_in_windows_encodings(db: Database, tmp_path: Path, encoding: str) -> None:
    data = to_cp1258(CSV_TEXT) if encoding == "cp1258" else CSV_TEXT.encode(encoding)
    path = tmp_path / "ds.csv"
    path.write_bytes(data)
    preview = lists.plan_import(db, path)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    p = people(db)
    assert set(p) == {"Nguyễn Văn Đức", "Đặng Thị Hằng"}  # stored NFC whatever the file's form
    assert p["Đặng Thị Hằng"]["name_fold"] == "dang thi hang"
    assert p["Đặng Thị Hằng"]["ethnicity_code"] == "08"  # H'Mông → Mông by alias
    assert db.scalar("SELECT poverty_class FROM household") == "near_poor"


def test_decode_prefers_utf8_then_cp1258() -> None:
    assert decode_text("Hằng".encode())[1] == "utf-8"
    assert decode_text(to_cp1258("Hằng"))[1] == "cp1258"
    assert unicodedata.normalize("NFC", decode_text(to_cp1258("Hằng"))[0]) == "Hằng"


def test_hostile_files_give_bad_file_and_write_nothing(db: Database, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("xin chào, tôi không phải tệp Excel")
    with pytest.raises(BadFile, match="không phải là tệp Excel"):
        lists.plan_import(db, fake)
    good = write_xlsx(tmp_path / "good.xlsx", messy_rows())
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BadFile, match="bị hỏng"):
        lists.plan_import(db, truncated)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(BadFile, match="trống"):
        lists.plan_import(db, empty)
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(BadFile, match="chỉ nhận tệp Excel"):
        lists.plan_import(db, pdf)
    no_header = write_xlsx(tmp_path / "noheader.xlsx", [["a", "b"], [1, 2]])
    with pytest.raises(BadFile, match="dòng tiêu đề"):
        lists.plan_import(db, no_header)
    assert db.scalar("SELECT count(*) FROM member") == 0


def test_rows_after_a_long_empty_run_are_read_and_said_and_hostile_cells_are_refused(
    db: Database, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ"])
    ws.append(["A-1", "Thôn Đồng Xuân", "Hà Văn Một", "Chủ hộ"])
    ws.cell(row=5000, column=1, value="B-1")  # after 4,997 empty rows: read, and the preview says so
    ws.cell(row=5000, column=3, value="Hà Văn Hai")
    ws.cell(row=5000, column=4, value="Chủ hộ")
    wb.save(tmp_path / "gaps.xlsx")
    preview = lists.plan_import(db, tmp_path / "gaps.xlsx")
    assert preview.counts()["households_create"] == 2
    assert any("dòng trống liền nhau trước dòng 5000" in note for note in preview.notes)

    csv = tmp_path / "hostile.csv"
    csv.write_text(
        "Mã hộ,Thôn,Họ và tên,Quan hệ với chủ hộ,Ghi chú\n"
        'A-1,Thôn Đồng Xuân,"=HYPERLINK(""http://x"",""bấm"")",Chủ hộ,\n'
        f"A-2,Thôn Đồng Xuân,Hà Văn Hai,Chủ hộ,{'x' * 5000}\n",
        encoding="utf-8",
    )
    preview = lists.plan_import(db, csv)
    reasons = {(i.row, i.reason.split(" (")[0]) for i in preview.errors}
    assert (2, "ô chứa công thức, không nhận") in reasons and (3, "ô quá dài") in reasons
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 0


def test_cancel_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ds.xlsx", messy_rows(bad_date="1990"))
    preview = lists.plan_import(db, path)
    with pytest.raises(lists.ImportCancelled):
        lists.commit_import(db, preview, cancelled=lambda: True)
    assert db.scalar("SELECT count(*) FROM household") == 0


def test_a_preview_stays_out_of_cycle_scans_until_written_or_released(db: Database, tmp_path: Path) -> None:
    """A 50,000-household preview is 700,000 objects: the officer should not wait while the
    collector scans them after planning, and they are handed back once written (or dropped)."""
    path = write_xlsx(tmp_path / "ds.xlsx", messy_rows(bad_date="1990"))
    with pytest.raises(lists.ImportCancelled):  # given back even when the commit stops
        lists.commit_import(db, lists.plan_import(db, path), cancelled=lambda: True)
    assert gc.get_freeze_count() == 0
    preview = lists.plan_import(db, path)
    assert gc.get_freeze_count() > 0
    assert not any(type(o) is lists.PlannedMember for o in gc.get_objects())  # none in any generation
    lists.commit_import(db, preview)
    assert gc.get_freeze_count() == 0
    assert db.scalar("SELECT count(*) FROM member") == sum(len(h.members) for h in preview.households)


@pytest.mark.parametrize("stop_at", [4, 5, 6])
def test_cancel_between_member_chunks_writes_nothing_and_a_new_try_imports_all(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_at: int
) -> None:
    """Members go in chunks, the next chunk prepared by a helper thread while SQLite writes."""
    monkeypatch.setattr(import_commit, "_CHUNK", 2)
    monkeypatch.setattr(lists.bulk, "STAGE_FROM", 1)
    path = write_xlsx(tmp_path / "ds.xlsx", messy_rows(bad_date="1990"))
    preview = lists.plan_import(db, path)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= stop_at

    with pytest.raises(lists.ImportCancelled):
        lists.commit_import(db, preview, cancelled=cancelled)
    assert db.scalar("SELECT count(*) FROM household") == 0
    assert db.scalar("SELECT count(*) FROM member") == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("import-columns")]
    result = lists.commit_import(db, lists.plan_import(db, path))
    assert (result.households_created, result.members_created) == (2, 6)
    assert db.scalar("SELECT count(*) FROM member WHERE household_id IN (SELECT id FROM household)") == 6


def test_template_imports_and_export_round_trips(db: Database, db_path: Path, tmp_path: Path) -> None:
    template = ROOT / "resources" / "templates" / "mau-danh-sach-ho.xlsx"
    preview = lists.plan_import(db, template)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(db, preview)
    ids = hq.find_household_ids(db, hq.HouseholdQuery())
    out = tmp_path / "export.xlsx"
    assert write_register_xlsx(out, reg.register_sheet(db, ids)) == 2
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[5]]
    assert header[:5] == ["STT", "Mã hộ", "Thôn/Tổ", "Họ và tên", "Quan hệ với chủ hộ"]
    first = [c.value for c in sheet[6]]
    assert first[3] == "Nguyễn Văn Đức" and first[7] == "025068000123"
    again = lists.plan_import(db, out)
    # the exported register imported again changes nothing: no update, no history entry
    counts = again.counts()
    assert (counts["households_unchanged"], counts["households_update"], counts["members_create"]) == (1, 0, 0)
    assert counts["members_unchanged"] == counts["members_update"] + counts["members_unchanged"] > 0
    events_before = db.scalar("SELECT count(*) FROM household_event")
    audit_before = db.scalar("SELECT count(*) FROM audit_log")
    from giamngheo_desktop.services import backup

    copies = backup.list_backups(backups_dir_for(db.path))
    result = lists.commit_import(db, again)
    assert (result.households_unchanged, result.households_updated) == (1, 0)
    assert db.scalar("SELECT count(*) FROM household_event") == events_before
    assert db.scalar("SELECT count(*) FROM audit_log") == audit_before
    assert backup.list_backups(backups_dir_for(db.path)) == copies  # nothing to protect: no copy
    db.close()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "giamngheo_desktop",
            "import",
            "--db",
            str(db_path),
            str(template),
            "--dry-run",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(run.stdout)["counts"]["households_unchanged"] == 1


@settings(max_examples=500, deadline=None)
@given(
    st.builds(
        "{}/{}/{}".format,
        st.text(alphabet="0123456789١٢²", min_size=2, max_size=2),
        st.text(alphabet="0123456789١٢²", min_size=2, max_size=2),
        st.text(alphabet="0123456789١٢²", min_size=4, max_size=4),
    )
)
def test_dates_written_dd_mm_yyyy_read_as_the_general_reader_reads_them(text: str) -> None:
    assert lists.parse_date(text) == lists._parse_text_date(text)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789١²", max_size=14), st.text(alphabet="0123456789 .-", max_size=14)))
def test_id_numbers_written_as_digits_read_as_the_general_reader_reads_them(text: str) -> None:
    """parse_id takes plain digits as they are; anything else, and 8 or 11 digits (a number
    cell that lost its leading zero), goes through the general reader."""
    assert lists.parse_id(text) == lists._read_id(text)


class _Cell(str):
    """A text cell of another reader: a subclass of str (its own __str__ must not be used)."""

    def __str__(self) -> str:
        return "không dùng"


def test_text_cells_of_a_str_subclass_are_cleaned_like_plain_text(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = lists.plan_import(db, write_xlsx(Path(db.path).parent / "plain.xlsx", messy_rows()))
    table = lists.read_table(write_xlsx(Path(db.path).parent / "sub.xlsx", messy_rows()))
    [row] = [r for r in table.rows if "Nguyễn Văn Đức" in r]
    row[row.index("Nguyễn Văn Đức")] = _Cell("  " + unicodedata.normalize("NFD", "Nguyễn Văn Đức") + " ")
    row[row.index("Đồng Xuân")] = _Cell("Đồng Xuân")
    monkeypatch.setattr(lists, "read_tables", lambda *_a, **_k: [table])
    preview = lists.plan_import(db, "sub.xlsx")
    head = preview.households[0].members[0].data
    assert type(head.full_name) is str and head.full_name == "Nguyễn Văn Đức"
    assert preview.to_json()["households"][0]["village"] == plain.to_json()["households"][0]["village"]
    assert [i.text() for i in preview.issues] == [i.text() for i in plain.issues]


# -- a list imported again -------------------------------------------------------------------------
def _village_list() -> list[list[object]]:
    """40 households of three: half with ID numbers (matched by them), half without (matched by name and year)."""
    rows: list[list[object]] = [["DANH SÁCH HỘ"], [*HEADER[:11]]]
    given = ["An", "Bình", "Cúc", "Dũng", "Hà", "Lan", "Minh", "Nga", "Oanh", "Phúc"]
    for n in range(40):
        village = "Đồng Xuân" if n % 2 else "Tân Hoà"
        klass = ["Hộ nghèo", "Hộ cận nghèo", "Hộ không nghèo"][n % 3]
        for order, (rel, sex, year) in enumerate((("Chủ hộ", "Nam", 1960), ("Vợ", "Nữ", 1962), ("Con", "Nữ", 1990))):
            number = make_id_number("025", "M" if sex == "Nam" else "F", year, n * 3 + order) if n % 2 else None
            name = f"{['Nguyễn Văn', 'Trần Thị', 'Lê Thị'][order]} {given[n % 10]} {n}"
            rows.append([len(rows) - 1, f"H-{n:03d}" if order == 0 else None, village, name, rel,
                         f"0{order + 1}/0{n % 9 + 1}/{year}", sex, number, "Kinh",
                         klass if order == 0 else None,
                         "Thiếu vốn" if order == 0 and n % 4 == 0 else None])  # fmt: skip
    return rows


def _register_rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    tables = ("household", "member", "household_cause", "household_event", "audit_log")
    return {t: [tuple(r) for r in db.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}


@pytest.mark.parametrize("bulk_from", [1, 10_000])
def test_a_list_imported_again_unchanged_writes_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    from giamngheo_desktop.importing import planner

    monkeypatch.setattr(import_commit, "BULK_AUDIT_FROM", bulk_from)
    monkeypatch.setattr(planner, "_MATCH_BATCH", 7)  # the register's rows matched a few households at a time
    path = write_xlsx(tmp_path / "ds.xlsx", _village_list())
    first = lists.commit_import(db, lists.plan_import(db, path))
    assert (first.households_created, first.members_created) == (40, 120)
    before = _register_rows(db)
    writes = db.conn.total_changes
    preview = lists.plan_import(db, path)
    assert not preview.issues
    counts = preview.counts()
    assert (counts["households_unchanged"], counts["members_unchanged"]) == (40, 120)
    assert counts["households_create"] == counts["households_update"] == 0
    assert counts["members_create"] == counts["members_update"] == 0
    result = lists.commit_import(db, preview)
    assert (result.households_unchanged, result.members_unchanged) == (40, 120)
    assert (result.households_created, result.households_updated, result.members_created, result.members_updated) == (
        0,
        0,
        0,
        0,
    )
    assert db.conn.total_changes == writes, "nothing written: no row, no history entry, no audit entry"
    assert _register_rows(db) == before


@pytest.mark.parametrize("row", [5, 9], ids=["matched-by-id-number", "matched-by-name-and-year"])
def test_a_list_with_one_member_changed_updates_exactly_that_member(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: int
) -> None:
    from giamngheo_desktop.importing import planner

    monkeypatch.setattr(planner, "_MATCH_BATCH", 7)
    rows = _village_list()
    lists.commit_import(db, lists.plan_import(db, write_xlsx(tmp_path / "a.xlsx", rows)))
    old_name = str(rows[row][3])
    member = people(db)[old_name]
    before = _register_rows(db)
    rows[row][5] = "15/06/1962"  # a new birth date (same year: still matched by name and year)
    preview = lists.plan_import(db, write_xlsx(tmp_path / "b.xlsx", rows))
    counts = preview.counts()
    assert (counts["households_update"], counts["households_unchanged"]) == (1, 39)
    assert (counts["members_update"], counts["members_unchanged"], counts["members_create"]) == (1, 119, 0)
    changed = [m for h in preview.households for m in h.members if m.kind() != "unchanged"]
    assert [(m.member_id, m.data.birth_date) for m in changed] == [(member["id"], "1962-06-15")]
    result = lists.commit_import(db, preview)
    assert (result.members_updated, result.members_created, result.households_updated) == (1, 0, 1)
    after = _register_rows(db)
    members_changed = [r for r in after["member"] if r not in before["member"]]
    assert [(r[0], r[1]) for r in members_changed] == [(member["id"], member["household_id"])]
    assert people(db)[old_name]["birth_date"] == "1962-06-15"
    others = [r[0] for r in after["household"] if r not in before["household"] and r[0] != member["household_id"]]
    assert others == [], "no other household is written"
    new_events = [r for r in after["household_event"] if r not in before["household_event"]]
    assert [r[1] for r in new_events] == [member["household_id"]]


def test_a_list_imported_again_mends_the_register_rows_written_another_way(db: Database, tmp_path: Path) -> None:
    """A member or household the register holds otherwise than an import writes it (a name not in NFC, its
    search fold stale, an empty text for "none") is written again by an unchanged list; the others are not."""
    path = write_xlsx(tmp_path / "ds.xlsx", _village_list())
    lists.commit_import(db, lists.plan_import(db, path))
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An 0")
    with db.atomic() as conn:
        conn.execute("UPDATE member SET full_name = ? WHERE full_name = 'Nguyễn Văn An 0'", (nfd,))
        conn.execute("UPDATE member SET name_fold = 'x' WHERE full_name = 'Trần Thị Bình 1'")
        conn.execute("UPDATE member SET schooling = '' WHERE full_name = 'Lê Thị Cúc 2'")
    preview = lists.plan_import(db, path)
    assert not preview.issues
    counts = preview.counts()
    assert (counts["members_update"], counts["members_unchanged"], counts["households_update"]) == (3, 117, 3)
    changed = sorted(m.data.full_name for h in preview.households for m in h.members if m.kind() == "update")
    assert changed == ["Lê Thị Cúc 2", "Nguyễn Văn An 0", "Trần Thị Bình 1"]
    lists.commit_import(db, preview)
    mended = {
        r["full_name"]: r for r in db.rows("SELECT * FROM member WHERE full_name LIKE '% 0' OR full_name LIKE '% 1'")
    }
    assert mended["Nguyễn Văn An 0"]["full_name"] == unicodedata.normalize("NFC", nfd)
    assert mended["Trần Thị Bình 1"]["name_fold"] == "tran thi binh 1"
    assert db.scalar("SELECT schooling FROM member WHERE full_name = 'Lê Thị Cúc 2'") is None
    assert lists.plan_import(db, path).counts()["members_unchanged"] == 120


# A list imported again: the members of a matched household whose every member would write what the register
# holds are made into objects only when the preview shows them. What the preview says (counts, problems, rows
# skipped) and what it writes must be the same whether the officer opened every household or none.
_EDITS = ["name", "birth", "class", "drop", "id_of_another", "bad_date", "bad_sex", "not_head"]


class _Undo(Exception):
    """Raised to roll an import back once what it wrote is read."""


@pytest.fixture(scope="module")
def village_register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A commune holding :func:`_village_list` (40 households, 120 members)."""
    from giamngheo_desktop.services import commune
    from giamngheo_desktop.storage.database import open_database

    folder = tmp_path_factory.mktemp("village-register")
    db = open_database(folder / "register.sqlite")
    commune.setup_commune(
        db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(name="xã Tân Lập", code="01234", province="Phú Thọ", area_type="rural"),
            villages=[commune.VillageInput(name=n) for n in ("Thôn Đồng Xuân", "Thôn Tân Hòa")],
        ),
    )
    lists.commit_import(db, lists.plan_import(db, write_xlsx(folder / "first.xlsx", _village_list())))
    yield db
    db.close()


@pytest.mark.usefixtures("pinned_clock")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.sampled_from(_EDITS), st.integers(0, 119), st.integers(0, 119)), max_size=5),
    st.booleans(),
)
def test_a_list_imported_again_says_and_writes_the_same_whether_its_households_were_opened_or_not(
    village_register: Database, tmp_path: Path, edits: list[tuple[str, int, int]], valid_only: bool
) -> None:
    from giamngheo_desktop.importing import planner

    db = village_register
    rows = _village_list()
    dropped: set[int] = set()
    for edit, at, other in edits:
        row, another = rows[2 + at], rows[2 + other]
        if edit == "name":
            row[3] = f"{row[3]} Mới"
        elif edit == "birth":
            row[5] = "15/06/1961"
        elif edit == "class":
            rows[2 + at - at % 3][9] = "Hộ nghèo" if rows[2 + at - at % 3][9] != "Hộ nghèo" else "Hộ cận nghèo"
        elif edit == "drop":
            dropped.add(2 + at)
        elif edit == "id_of_another":
            row[7] = another[7]
        elif edit == "bad_date":
            row[5] = "31/02/1990"
        elif edit == "bad_sex":
            row[6] = "x"
        else:
            row[4] = "Con"
    path = write_xlsx(tmp_path / "again.xlsx", [r for i, r in enumerate(rows) if i not in dropped])
    opened = lists.plan_import(db, path)
    for household in opened.households:  # every household opened in the window: its members made
        assert household.members
    untouched = lists.plan_import(db, path)
    with pytest.MonkeyPatch.context() as patch:  # each household planned on its own (_plan_household)
        patch.setattr(planner._Planner, "_matched", lambda _self, chunk, _values, **_k: [None] * len(chunk))
        one_at_a_time = lists.plan_import(db, path)

    def said(preview: lists.ImportPreview) -> object:
        return (
            preview.counts(),
            preview.counts(valid_only=True),
            json.dumps([preview.to_json(), preview.to_json(valid_only=True)], ensure_ascii=False),
            preview.skipped_rows(),
            [i.text() for i in preview.issues],
        )

    def written(preview: lists.ImportPreview) -> object:
        tables = ("household", "member", "household_cause", "household_event")
        try:
            with db.atomic():
                result = lists.commit_import(db, preview, valid_only=valid_only or preview.has_errors)
                rows = {t: [tuple(r) for r in db.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}
                raise _Undo
        except _Undo:
            pass
        return result.to_json(), rows

    assert said(untouched) == said(opened) == said(one_at_a_time)
    assert written(untouched) == written(opened) == written(one_at_a_time)

    def members(preview: lists.ImportPreview) -> object:
        return [
            [(m.row, m.action, m.kind(), m.data, m.member_id, m.valid, m.changed) for m in h.members]
            for h in preview.households
        ]

    assert members(untouched) == members(opened) == members(one_at_a_time)
