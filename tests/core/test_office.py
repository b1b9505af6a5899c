"""Receiving-office mode: the office file, communes, taking packages in, the status
board, combined reports and checks across communes — with packages made by real demo communes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from giamngheo_desktop import clock
from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain import office as rules
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.domain.report import INT, MONEY, PERCENT, ReportData, ReportRow, build_headers, column_numbers
from giamngheo_desktop.export import package
from giamngheo_desktop.export.office_open import open_for_office, package_files, peek
from giamngheo_desktop.export.pdf import write_pdf
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import office, office_demo, reporting
from giamngheo_desktop.services import package as package_service
from giamngheo_desktop.storage.database import open_database
from giamngheo_desktop.storage.office_db import file_kind, open_office

COMMUNES = 3
SIGNED = hasattr(package, "open_package")  # packages are signed once the data-safety work is in
PERIOD = periods.year(2026)
TODAY = dt.date(2026, 12, 6)


@dataclasses.dataclass
class World:
    root: Path
    data_dir: Path
    communes: list[Path]  # commune files
    packages: Path  # folder of the first sendings
    later: Path  # second sending of commune 0 (lan02)


def _make_package(db_path: Path, out: Path) -> Path:
    with open_database(db_path) as db:
        result = package_service.make_package(
            db, period=PERIOD, write=lambda contents: package.write_package(contents, out)
        )
    return result.path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("office-world")
    data_dir = root / "appdata"
    old = os.environ.get("GIAMNGHEO_DATA_DIR")
    os.environ["GIAMNGHEO_DATA_DIR"] = str(data_dir)
    try:
        communes = []
        for n in range(COMMUNES):
            path = root / f"xa-{n}.sqlite"
            with open_database(path) as db:
                office_demo.demo_commune(db, n=n, households=120)
            communes.append(path)
            _make_package(path, root / "goi")
        later = _make_package(communes[0], root / "sau")
        yield World(root, data_dir, communes, root / "goi", later)
    finally:
        if old is None:
            os.environ.pop("GIAMNGHEO_DATA_DIR", None)
        else:
            os.environ["GIAMNGHEO_DATA_DIR"] = old


def _key_line(code: str, data_dir: Path) -> str:
    from giamngheo_desktop.export import signing

    return str(signing.commune_key(code, data_dir=data_dir, create=False).public_text)


@pytest.fixture
def office_db(tmp_path: Path, world: World) -> Iterator[Any]:
    db = open_office(tmp_path / "noi-nhan.sqlite")
    office.setup_office(db, office.OfficeSettings("Sở Nông nghiệp và Môi trường tỉnh Phú Thọ", "province", "Phú Thọ"))
    for n in range(COMMUNES + 1):  # one more commune than sends: it is the missing one
        office.save_commune(db, office.CommuneEntry(office_demo.demo_code(n), office_demo.demo_name(n)))
        if SIGNED and n < COMMUNES:
            office.register_key(db, _key_line(office_demo.demo_code(n), world.data_dir))
    yield db
    db.close()


def _opener(db: Any) -> Any:
    keys = office.OfficeKeys(db)
    return lambda p: open_for_office(p, keys)


def _receive(db: Any, paths: list[Path]) -> office.ReceiveSummary:
    return office.receive_packages(db, paths, _opener(db), peek=peek, today=TODAY)


def _dump(db: Any) -> list[Any]:
    tables = ["office_commune", "office_sending", "office_report", "office_household", "office_member", "audit_log"]
    return [db.rows(f"SELECT * FROM {t} ORDER BY rowid") for t in tables]


def _rezip(src: Path, dst: Path, change: Any) -> Path:
    """Unpack a package, let ``change`` edit its data, put the new checksums in the manifest, pack it again."""
    with zipfile.ZipFile(src) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    data = json.loads(files[package.DATA])
    change(data)
    files[package.DATA] = json.dumps(data, ensure_ascii=False).encode("utf-8")
    manifest = json.loads(files[package.MANIFEST])
    for f in manifest["files"]:
        f["size"] = len(files[f["name"]])
        f["sha256"] = package.sha256_bytes(files[f["name"]])
    manifest["counts"]["households"] = len(data["households"])
    manifest["counts"]["members"] = sum(len(h["members"]) for h in data["households"])
    files[package.MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    dst.write_bytes(buffer.getvalue())
    return dst


# ------------------------------------------------------------------ the file ----
def test_office_file_is_its_own_kind(tmp_path: Path, world: World, office_db: Any) -> None:
    assert file_kind(office_db.path) == "office"
    assert file_kind(world.communes[0]) == "commune"
    assert file_kind(tmp_path / "none.sqlite") == "empty"
    before = world.communes[0].read_bytes()
    with pytest.raises(StorageUnavailable, match="sổ dữ liệu của một xã"):
        open_office(world.communes[0])
    assert world.communes[0].read_bytes() == before
    # the office's own users: the users service works on it
    from giamngheo_desktop.domain.permissions import Role
    from giamngheo_desktop.services import users

    users.add_user(
        office_db, username="tiepnhan", full_name="Lê Văn Nhận", role=Role.OFFICER, password="matkhau-tiep-nhan"
    )
    assert [u.username for u in users.list_users(office_db)] == ["tiepnhan"]
    assert users.authenticate(office_db, "tiepnhan", "matkhau-tiep-nhan").full_name == "Lê Văn Nhận"


def test_commune_list_from_the_national_administrative_list(tmp_path: Path, office_db: Any) -> None:
    """The GSO list as downloaded: title rows, province columns, codes as numbers without their zeros."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH MỤC ĐƠN VỊ HÀNH CHÍNH"])
    ws.append([])
    ws.append(["Tên Tỉnh / Thành Phố", "Mã TP", "Tên Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"])
    ws.append(["Tỉnh Phú Thọ", 25, "Xã Tân Lập", 7966, "Xã", ""])
    ws.append(["Tỉnh Phú Thọ", 25, "Phường Việt Trì", 7900, "Phường", ""])
    ws.append(["Tỉnh Tuyên Quang", 8, "Xã Minh Quang", 2230, "Xã", ""])
    ws.append(["Tỉnh Phú Thọ", 25, "Xã Yên Lãng", "08005", "Xã", ""])
    path = tmp_path / "dmhc.xlsx"
    wb.save(path)
    from giamngheo_desktop.importing.reader import read_table

    table = read_table(path)
    result = office.import_communes(office_db, table.rows, row_numbers=table.row_numbers, province="Phú Thọ")
    assert (result.added, result.skipped_other_province, result.issues) == (3, 1, [])
    got = {c.code: (c.name, c.unit_type) for c in office.list_communes(office_db)}
    assert got["07966"] == ("Xã Tân Lập", "xa")
    assert got["07900"] == ("Phường Việt Trì", "phuong")
    assert "02230" not in got
    again = office.import_communes(office_db, table.rows, row_numbers=table.row_numbers, province="Phú Thọ")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_commune_list_errors_name_the_row_and_write_nothing(office_db: Any) -> None:
    before = _dump(office_db)
    rows = [["Mã", "Tên", "Cấp"], ["12345", "Xã Một", "Xã"], ["12A45", "Xã Hai", "Xã"], ["12345", "Xã Ba", "Huyện"]]
    result = office.import_communes(office_db, rows)
    texts = [i.text() for i in result.issues]
    assert any(t.startswith("Dòng 3") and "5 chữ số" in t for t in texts)
    assert any(t.startswith("Dòng 4") and "Loại đơn vị" in t for t in texts)
    assert _dump(office_db) == before


# ----------------------------------------------------------- taking in ----
def test_folder_in_reimport_changes_nothing_and_board_shows_the_missing_commune(world: World, office_db: Any) -> None:
    files = package_files([world.packages])
    assert len(files) == COMMUNES
    done: list[tuple[int, int]] = []
    summary = office.receive_packages(
        office_db, files, _opener(office_db), peek=peek, today=TODAY, progress=lambda d, t: done.append((d, t))
    )
    assert [r.file for r in summary.refused] == []
    assert len(summary.received) == COMMUNES
    assert done[-1][0] == done[-1][1]
    before = _dump(office_db)
    again = _receive(office_db, files)
    assert (len(again.received), len(again.unchanged), len(again.refused)) == (0, COMMUNES, 0)
    assert _dump(office_db) == before
    _period, rows = office.status_board(office_db, PERIOD.key, today=TODAY)
    by_code = {r.code: r for r in rows}
    missing = office_demo.demo_code(COMMUNES)
    assert by_code[missing].status == rules.MISSING
    assert {by_code[office_demo.demo_code(n)].status for n in range(COMMUNES)} == {rules.LATE}  # due 15/11
    assert [r.code for r in office.status_board(office_db, PERIOD.key, today=TODAY, status=[rules.MISSING])[1]] == [
        missing
    ]
    report = office.status_report(office_db, PERIOD.key, today=TODAY)
    assert len(report.rows) == COMMUNES + 1


def test_newer_sending_replaces_older_and_both_are_kept(world: World, office_db: Any) -> None:
    _receive(office_db, package_files([world.packages]))
    summary = _receive(office_db, [world.later])
    assert [(r.sequence, r.replaced) for r in summary.received] == [(2, 1)]
    kept = office.sendings(office_db, code=office_demo.demo_code(0), period_key=PERIOD.key)
    assert [(r["sequence"], r["current"]) for r in kept] == [(2, 1), (1, 0)]
    assert kept[1]["replaced_at"]


def test_replayed_older_sending_is_refused_and_stores_nothing(world: World, office_db: Any) -> None:
    _receive(office_db, [world.later])  # the office got the second sending first
    before = _dump(office_db)
    first = world.packages / world.later.name.replace("lan02", "lan01")
    summary = _receive(office_db, [first])
    assert [r.code for r in summary.refused] == ["replay"]
    assert first.name in summary.refused[0].reason and "lần thứ 2" in summary.refused[0].reason
    assert _dump(office_db) == before


def test_both_sendings_in_one_folder_are_taken_in_order(tmp_path: Path, world: World, office_db: Any) -> None:
    folder = tmp_path / "usb"
    shutil.copytree(world.packages, folder / "dot1")
    shutil.copy(world.later, folder / "a-first-by-name.zip")  # the later sending sorts first by its name
    summary = _receive(office_db, package_files([folder]))
    assert summary.refused == []
    assert sorted((r.commune_code, r.sequence) for r in summary.received)[:2] == [
        (office_demo.demo_code(0), 1),
        (office_demo.demo_code(0), 2),
    ]


@pytest.mark.skipif(not SIGNED, reason="needs signed packages (the data-safety work)")
def test_altered_and_rechecksummed_package_is_refused(tmp_path: Path, world: World, office_db: Any) -> None:
    src = package_files([world.packages])[1]

    def drop_a_household(data: dict[str, Any]) -> None:
        data["households"].pop()

    bad = _rezip(src, tmp_path / src.name, drop_a_household)
    before = _dump(office_db)
    summary = _receive(office_db, [bad])
    assert len(summary.refused) == 1 and src.name in summary.refused[0].reason
    assert _dump(office_db) == before


def test_refusals_name_the_file_and_reason_and_store_nothing(tmp_path: Path, world: World, office_db: Any) -> None:
    not_zip = tmp_path / "goi-hong.zip"
    not_zip.write_bytes(b"PK\x03\x04 not really")
    entry = office.find_commune(office_db, office_demo.demo_code(0))
    assert entry is not None
    office.save_commune(office_db, dataclasses.replace(entry, active=False))
    stranger = package_files([world.packages])[0]  # its commune is suspended here
    before = _dump(office_db)
    summary = _receive(office_db, [not_zip, stranger])
    reasons = {r.file: r.reason for r in summary.refused}
    assert set(reasons) == {not_zip.name, stranger.name}
    assert not_zip.name in reasons[not_zip.name]
    assert "tạm ngừng" in reasons[stranger.name]
    assert _dump(office_db) == before


def test_package_of_a_commune_not_on_the_list_is_refused(tmp_path: Path, world: World) -> None:
    with open_office(tmp_path / "khac.sqlite") as db:
        office.setup_office(db, office.OfficeSettings("Sở NN và MT tỉnh Tuyên Quang"))
        office.save_commune(db, office.CommuneEntry("02230", "Xã Minh Quang"))
        summary = _receive(db, package_files([world.packages])[:1])
        assert [r.code for r in summary.refused] == ["unknown_signer" if SIGNED else "unknown_commune"]
        assert db.scalar("SELECT count(*) FROM office_sending") == 0


def test_future_period_is_refused(world: World, office_db: Any) -> None:
    files = package_files([world.packages])
    summary = office.receive_packages(office_db, files[:1], _opener(office_db), today=dt.date(2025, 6, 1))
    assert [r.code for r in summary.refused] == ["future_period"]


# ------------------------------------------------------------ combined ----
def _own_reports(path: Path) -> dict[str, Any]:
    with open_database(path) as db:
        return {r.kind: r for r in reporting.build_reports(db, kinds=reporting.ANNUAL_SET, period=PERIOD)}


def _by_label(report: Any, row: Any) -> dict[tuple[str, int], int]:
    """A row's count and money cells keyed by column label (and its occurrence)."""
    out: dict[tuple[str, int], int] = {}
    seen: dict[str, int] = {}
    for label, kind_of_col, value in zip(report.leaf_headers(), report.column_kinds, row.values, strict=True):
        seen[label] = seen.get(label, 0) + 1
        if kind_of_col in (INT, MONEY):
            out[(label, seen[label])] = int(value or 0)
    return out


def test_combined_totals_equal_the_sum_of_the_communes_own_reports(world: World, office_db: Any) -> None:
    _receive(office_db, package_files([world.packages]))
    own = [_own_reports(p) for p in world.communes]
    kinds = [k for k, _, _ in office.report_kinds(office_db, PERIOD.key)]
    assert {"bieu1", "bieu2", "bieu3"} <= set(kinds)
    checked = 0
    for kind in kinds:
        combined = office.combined_report(office_db, PERIOD.key, kind).report
        mine = [o[kind] for o in own]
        if any(r.kind == "detail" for m in mine for r in m.rows):
            details = sum(1 for m in mine for r in m.rows if r.kind == "detail" and r.values[0] not in (None, ""))
            assert sum(1 for r in combined.rows if r.kind == "detail" and r.values[0] not in (None, "")) == details
            continue
        totals = [[r for r in m.rows if r.kind == "total"] for m in mine]
        if not all(totals):
            continue
        got = [r for r in combined.rows if r.kind == "total"]
        assert len(got) == len(totals[0])
        for k, row in enumerate(got):  # by column label: communes listing other ethnic groups line up by name
            have = _by_label(combined, row)
            want: dict[tuple[str, int], int] = {}
            for m, t in zip(mine, totals, strict=True):
                for label, value in _by_label(m, t[k]).items():
                    want[label] = want.get(label, 0) + value
            assert have == want, kind
            checked += len(have)
        assert len(combined.unit_rows()) == COMMUNES * len(totals[0])
    assert checked > 100


def test_combined_rates_are_worked_out_again_not_added(world: World, office_db: Any) -> None:
    _receive(office_db, package_files([world.packages]))
    combined = office.combined_report(office_db, PERIOD.key, "bieu1")
    total = combined.report.total_row()
    assert total is not None
    assert combined.ratio_columns[5] == (4, 2)  # poor households' rate = poor / all households
    households, poor = total.values[2], total.values[4]
    assert isinstance(households, int) and isinstance(poor, int)
    assert total.values[5] == round(100.0 * poor / households, 2)
    assert combined.report.column_kinds[5] == PERCENT


def test_drill_down_and_files_in_the_official_layout(tmp_path: Path, world: World, office_db: Any) -> None:
    _receive(office_db, package_files([world.packages]))
    own = _own_reports(world.communes[1])["bieu1"]
    mine = office.commune_report(office_db, office_demo.demo_code(1), PERIOD.key, "bieu1")
    assert [r.values for r in mine.rows] == [r.values for r in own.rows]
    reports = office.combined_reports(office_db, PERIOD.key, ["bieu1", "bieu2"])
    xlsx = write_xlsx(reports, tmp_path / "tong-hop.xlsx")
    pdf = write_pdf(reports, tmp_path / "tong-hop.pdf")
    wb = openpyxl.load_workbook(xlsx)
    assert len(wb.sheetnames) == 2
    text = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value is not None)
    assert "Xã, phường" in text and office_demo.demo_name(2) in text and "Tổng cộng" in text
    assert pdf.read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------ checks ----
def test_cross_commune_checks(world: World, office_db: Any) -> None:
    files = package_files([world.packages])
    real = _opener(office_db)
    first = real(files[0])
    shared_id = next(m["id_number"] for h in first.data["households"] for m in h["members"] if m["id_number"])

    def opener(path: Path) -> rules.OpenedPackage:
        opened = real(path)
        if path == files[1]:  # the same person listed in a second commune, and a household left out of its list
            opened.data["households"][0]["members"][0]["id_number"] = shared_id
            opened.data["households"].pop()
        return opened

    office.receive_packages(office_db, files, opener, today=TODAY)
    findings = office.cross_checks(office_db, PERIOD.key)
    same = [f for f in findings if f.check == "same_id"]
    assert len(same) == 1 and shared_id in same[0].message
    assert same[0].communes == sorted([office_demo.demo_code(0), office_demo.demo_code(1)])
    assert len(same[0].households) >= 2
    mismatch = [f for f in findings if f.check == "data_vs_report"]
    assert [f.communes for f in mismatch] == [[office_demo.demo_code(1)]]


# ------------------------------------------------------------ CLI ----
def test_office_command_line(tmp_path: Path, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cq.sqlite")
    assert cli_main(["office", "init", "--db", db, "--name", "Phòng Kinh tế xã Tân Lập", "--level", "commune"]) == 0
    for n in range(COMMUNES):
        code = office_demo.demo_code(n)
        assert cli_main(["office", "communes", "--db", db, "--add", code, office_demo.demo_name(n)]) == 0
        if SIGNED:
            assert cli_main(["office", "key", "--db", db, _key_line(code, world.data_dir)]) == 0
    capsys.readouterr()
    clock.set_fixed_now(dt.datetime(2026, 12, 6, 9, 0))
    try:
        assert cli_main(["office", "import", "--db", db, str(world.packages), "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        assert len(got["received"]) == COMMUNES
        assert cli_main(["office", "status", "--db", db, "--period", "2026", "--json"]) == 0
        board = json.loads(capsys.readouterr().out)
        assert {c["status"] for c in board["communes"]} == {"late"}
        out = tmp_path / "th.xlsx"
        assert cli_main(["office", "report", "--db", db, "--period", "2026", "--kind", "bieu1", "--out", str(out)]) == 0
        assert out.exists()
        capsys.readouterr()
        assert cli_main(["office", "check", "--db", db, "--period", "2026", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []  # demo communes have distinct ID numbers
    finally:
        clock.set_fixed_now(None)


def test_a_commune_file_is_never_opened_as_an_office(world: World, tmp_path: Path) -> None:
    copy = tmp_path / "xa.sqlite"
    shutil.copy(world.communes[0], copy)
    with pytest.raises(StorageUnavailable):
        open_office(copy)
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'office_sending'").fetchone()[0] == 0
    conn.close()


def test_report_tables_round_trip_and_bad_tables_are_named() -> None:
    cells, depth, count = build_headers(reporting.bieu1_specs())
    rep = ReportData(
        kind="bieu1", code="Mẫu số 7.1", title="T", period_label="Năm 2026", authority="", unit_name="",
        place="", headers=cells, header_rows=depth, column_kinds=list(reporting.BIEU1_KINDS),
        column_numbers=column_numbers(count),
    )  # fmt: skip
    rep.rows.append(ReportRow(("", "Tổng", *reporting.bieu1_values([10, 40, 2, 1, 0, 8, 4, 0])), "total"))
    back = rules.report_from_json(json.loads(json.dumps(rules.report_to_json(rep))))
    assert back.rows == rep.rows and back.headers == rep.headers
    broken = rules.report_to_json(rep)
    broken["rows"][0][1] = broken["rows"][0][1][:-1]
    with pytest.raises(ValueError, match=r"bieu1\.rows\[0\]"):
        rules.report_from_json(broken)
    broken = rules.report_to_json(rep)
    broken["rows"][0][1][3] = float("nan")
    with pytest.raises(ValueError):
        rules.report_from_json(broken)


def test_done_when_twenty_demo_communes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's scenario, through the command line as an officer would run it."""
    office_file, demo_dir = str(tmp_path / "noi-nhan.sqlite"), tmp_path / "demo"
    run = cli_main
    assert run(["office", "init", "--db", office_file, "--name", "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ"]) == 0
    assert run(["office", "communes", "--db", office_file, "--add", "19999", "xã Chưa Gửi"]) == 0
    assert run(["office", "demo", "--out", str(demo_dir), "--communes", "20", "--households", "25",
                "--office", office_file]) == 0  # fmt: skip
    capsys.readouterr()
    folder = demo_dir / "goi"
    assert run(["office", "import", "--db", office_file, str(folder), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["received"]) == 20
    assert run(["office", "status", "--db", office_file, "--period", "2026", "--status", "missing", "--json"]) == 0
    assert [c["code"] for c in json.loads(capsys.readouterr().out)["communes"]] == ["19999"]
    with open_office(office_file) as db:
        before = _dump(db)
    assert run(["office", "import", "--db", office_file, str(folder), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (len(again["received"]), len(again["unchanged"]), again["refused"]) == (0, 20, [])
    first = sorted(folder.glob("*.zip"))[0]
    with open_office(office_file) as db:
        assert _dump(db) == before
    altered = _rezip(first, tmp_path / f"sua-{first.name}", lambda d: d["households"][0].update({"class": "near_poor"}))
    # a second sending of the first commune, then its first sending sent again
    with open_database(demo_dir / f"xa-{office_demo.demo_code(0)}.sqlite") as cdb:
        package_service.make_package(cdb, period=PERIOD, write=lambda c: package.write_package(c, tmp_path / "lan2"))
    assert run(["office", "import", "--db", office_file, str(tmp_path / "lan2"), "--json"]) == 0
    assert [r["sequence"] for r in json.loads(capsys.readouterr().out)["received"]] == [2]
    with open_office(office_file) as db:
        before = _dump(db)
    assert run(["office", "import", "--db", office_file, str(altered), str(first), "--json"]) == 1
    refused = {r["file"]: r for r in json.loads(capsys.readouterr().out)["refused"]}
    assert refused[altered.name]["code"] == "bad_signature"
    assert refused[first.name]["code"] == "replay"
    with open_office(office_file) as db:
        assert _dump(db) == before
    out = tmp_path / "tong-hop.xlsx"
    assert run(["office", "report", "--db", office_file, "--period", "2026", "--kind", "bieu1", "bieu2",
                "--out", str(out), "--json"]) == 0  # fmt: skip
    combined = json.loads(capsys.readouterr().out)["reports"]
    for n in range(20):  # the communes' own reports, from their own files
        with open_database(demo_dir / f"xa-{office_demo.demo_code(n)}.sqlite") as cdb:
            own = {r.kind: r for r in reporting.build_reports(cdb, kinds=["bieu1", "bieu2"], period=PERIOD)}
        for rep in combined:
            mine = [r for r in own[rep["kind"]].rows if r.kind == "total"]
            rows = [r for r in rep["rows"] if r["kind"] == "unit"]
            start = next(i for i, r in enumerate(rows) if r["values"][1] == f"{office_demo.demo_name(n)} "
                         f"({office_demo.demo_code(n)})")  # fmt: skip
            for k, m in enumerate(mine):
                assert rows[start + k]["values"][2:] == list(m.values[2:])
    for rep in combined:
        kinds = reporting.BIEU1_KINDS if rep["kind"] == "bieu1" else ["text"] * 3 + ["int"] * 9
        totals = [r for r in rep["rows"] if r["kind"] == "total"]
        units = [r for r in rep["rows"] if r["kind"] == "unit"]
        for k, total in enumerate(totals):
            for col, kind_of_col in enumerate(kinds):
                if kind_of_col == "int":
                    assert total["values"][col] == sum(u["values"][col] for u in units[k :: len(totals)])
    assert out.exists()


def test_start_of_year_against_previous_end_of_year(world: World, office_db: Any, tmp_path: Path) -> None:
    """A commune whose 2026 start-of-year figures differ from the end-of-year figures it sent for 2025."""
    old = os.environ.get("GIAMNGHEO_DATA_DIR")
    os.environ["GIAMNGHEO_DATA_DIR"] = str(world.data_dir)  # the communes' signing keys
    try:
        paths = []
        for n in range(2):
            with open_database(world.communes[n]) as db:
                result = package_service.make_package(
                    db, period=periods.year(2025), write=lambda c: package.write_package(c, tmp_path / "2025")
                )
            paths.append(result.path)
    finally:
        if old is None:
            os.environ.pop("GIAMNGHEO_DATA_DIR", None)
        else:
            os.environ["GIAMNGHEO_DATA_DIR"] = old
    real = _opener(office_db)

    def opener(path: Path) -> rules.OpenedPackage:
        opened = real(path)
        if path == paths[1]:  # the second commune's 2025 table ends with one poor household more
            table = next(t for t in opened.data["reports"] if t["kind"] == "bieu2")
            total = next(r for r in table["rows"] if r[0] == "total")
            total[1][-1] += 1
            total[1][-2] += 1  # column 8 too, so the table's own identity 9 = 1 - 2 - … + 8 still holds
        return opened

    office.receive_packages(office_db, paths, opener, today=TODAY)
    _receive(office_db, package_files([world.packages]))
    findings = [f for f in office.cross_checks(office_db, PERIOD.key) if f.check == "start_vs_previous_end"]
    assert [f.communes for f in findings] == [[office_demo.demo_code(1)]]
    assert "đầu năm 2026" in findings[0].message and "cuối năm 2025" in findings[0].message


def test_reporting_calendar_of_decision_24() -> None:
    """Monthly results by the 5th of the next month for January–August; the annual review by 15 November."""
    march, october = periods.month(2026, 3), periods.month(2026, 10)
    assert rules.due_date("month", march.start, march.end) == dt.date(2026, 4, 5)
    assert rules.due_date("month", october.start, october.end) is None  # the periodic review takes over
    assert rules.due_date("year", PERIOD.start, PERIOD.end) == dt.date(2026, 11, 15)
    assert rules.due_date("round", TODAY, TODAY) is None
    due = dt.date(2026, 4, 5)
    assert rules.status_of(dt.date(2026, 4, 5), due, TODAY) == rules.SENT
    assert rules.status_of(dt.date(2026, 4, 6), due, TODAY) == rules.LATE
    assert rules.status_of(None, due, dt.date(2026, 4, 5)) == rules.NOT_DUE
    assert rules.status_of(None, due, dt.date(2026, 4, 6)) == rules.MISSING
    assert rules.status_of(None, None, TODAY) == rules.NOT_REQUIRED


def test_office_users_through_the_users_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cq.sqlite")
    assert cli_main(["office", "init", "--db", db, "--name", "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ"]) == 0
    assert cli_main(["users", "add", "--db", db, "quantri", "--name", "Lê Văn Quản", "--role", "admin",
                     "--password", "matkhau-dai"]) == 0  # fmt: skip
    capsys.readouterr()
    assert cli_main(["users", "list", "--db", db, "--json"]) == 0
    assert [u["username"] for u in json.loads(capsys.readouterr().out)["users"]] == ["quantri"]
    assert file_kind(tmp_path / "cq.sqlite") == "office"


def test_package_from_a_newer_format_is_refused(tmp_path: Path, world: World, office_db: Any) -> None:
    src = package_files([world.packages])[0]
    with zipfile.ZipFile(src) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    manifest = json.loads(files[package.MANIFEST])
    manifest["format_version"] = 99
    files[package.MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    newer = tmp_path / src.name
    with zipfile.ZipFile(newer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    before = _dump(office_db)
    summary = _receive(office_db, [newer])
    assert len(summary.refused) == 1 and src.name in summary.refused[0].reason
    assert "phiên bản mới hơn" in summary.refused[0].reason
    assert _dump(office_db) == before
