"""A sealed, anchored, keyed audit trail: what `audit verify` catches.

Each test edits the file the way someone holding only the ``.sqlite`` file (the sqlite3 shell, a
hex editor) would: the app's SQL functions and the installation's key are not available to them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.services import audit, backup, demo
from giamngheo_desktop.services.session import close_session, open_session
from giamngheo_desktop.storage import audit as audit_storage
from giamngheo_desktop.storage import functions
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    """A commune worked on and closed in the app (sealed and anchored at close)."""
    path = tmp_path / "xa.sqlite"
    db = open_session(path)
    demo.generate(db, households=40, seed=2)
    with db.atomic() as conn:
        conn.execute("UPDATE household SET note = 'đã thăm hộ' WHERE id IN (1, 2, 3)")
    close_session(db, backup_reason="close")
    return path


def _raw(path: Path) -> sqlite3.Connection:
    """What someone with only the file has: no app functions, no key."""
    conn = sqlite3.connect(path, isolation_level=None)
    for name in ("audit_log_no_update", "audit_log_no_delete"):
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    return conn


def _verify(path: Path) -> audit_storage.VerifyResult:
    with open_database(path, write=False) as db:
        return audit.verify(db)


def test_an_untouched_file_verifies(worked: Path) -> None:
    result = _verify(worked)
    assert result.ok, result.text()
    with open_database(worked, write=False) as db:
        key_ids = {r["key_id"] for r in db.rows("SELECT DISTINCT key_id FROM audit_log")}
    assert key_ids == {functions.key_id(functions.audit_key() or b"")}, "every entry is keyed"


def test_tail_truncation_is_detected(worked: Path) -> None:
    conn = _raw(worked)
    last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.execute("DELETE FROM audit_log WHERE id > ?", (last - 3,))  # the chain that is left is intact
    conn.close()
    result = _verify(worked)
    assert not result.ok and any("nhật ký bị cắt" in p for p in result.problems), result.text()


def test_a_direct_edit_with_the_triggers_dropped_is_detected(worked: Path) -> None:
    conn = _raw(worked)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE household SET poverty_class = 'poor', note = 'sửa lén' WHERE id = 5")
    conn.execute("DELETE FROM support_record WHERE id = (SELECT min(id) FROM support_record)")
    conn.close()
    db = open_session(worked)  # the app finds the triggers missing, recreates them and says so
    try:
        assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'triggers_missing'") == 1
        result = audit.verify(db)
    finally:
        close_session(db)
    assert not result.ok
    text = result.text()
    assert "bảng «household»" in text and "bảng «support_record»" in text, text


def test_a_recomputed_chain_is_detected(worked: Path) -> None:
    conn = _raw(worked)
    rows = conn.execute(
        "SELECT id, ts, user_id, username, action, entity, entity_id, household_id, old_values, new_values"
        " FROM audit_log ORDER BY id"
    ).fetchall()
    conn.execute("UPDATE audit_log SET username = 'nguoi-khac' WHERE id = ?", (rows[5][0],))
    prev = ""
    for row in conn.execute(
        "SELECT id, ts, user_id, username, action, entity, entity_id, household_id, old_values, new_values"
        " FROM audit_log ORDER BY id"
    ).fetchall():
        digest = functions.entry_hash(prev, *row[1:])  # the published plain SHA-256 chain, no key
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ?, key_id = NULL WHERE id = ?", (prev, digest, row[0]))
        prev = digest
    conn.close()
    result = _verify(worked)
    assert not result.ok and any("tính lại" in p for p in result.problems), result.text()


def test_a_chain_recomputed_keeping_the_key_ids_fails_the_key(worked: Path) -> None:
    conn = _raw(worked)
    conn.execute("UPDATE audit_log SET username = 'nguoi-khac' WHERE id = 3")
    prev = ""
    for row in conn.execute(
        "SELECT id, ts, user_id, username, action, entity, entity_id, household_id, old_values, new_values"
        " FROM audit_log ORDER BY id"
    ).fetchall():
        digest = hashlib.sha256(functions._parts(prev, *row[1:])).hexdigest()  # a guess without the key
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
        prev = digest
    conn.close()
    result = _verify(worked)
    assert not result.ok and result.first_broken_id == 1 and "mã khóa" in result.reason


def test_a_restore_goes_back_in_history_legitimately_and_says_so(worked: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    with open_database(worked) as db:
        copy = backup.make_backup(db, usb, same_device_ok=True).path
        for n in range(5):
            with db.atomic() as conn:
                conn.execute("UPDATE household SET note = ? WHERE id = 1", (f"lần {n}",))
        audit_head = db.scalar("SELECT max(id) FROM audit_log")
    close_session(open_session(worked), backup_reason="close")  # anchored at the later head
    backup.restore(copy, worked)
    result = _verify(worked)
    assert result.ok, result.text()
    with open_database(worked, write=False) as db:
        entry = db.row("SELECT new_values FROM audit_log WHERE action = 'restore'")
        assert entry is not None and copy.name in entry["new_values"]
        assert db.scalar("SELECT max(id) FROM audit_log") < audit_head + 5


def test_audit_verify_command_exits_3_with_the_findings(worked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["audit", "verify", "--db", str(worked)]) == 0
    conn = _raw(worked)
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    conn.close()
    capsys.readouterr()
    assert cli_main(["audit", "verify", "--db", str(worked)]) == 3
    assert "nhật ký bị cắt" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fixture", sorted((Path(__file__).parent / "fixtures" / "schema").glob("*.sqlite")), ids=lambda p: p.name
)
def test_an_upgraded_older_file_verifies(fixture: Path, tmp_path: Path) -> None:
    """Older files' triggers (no key) may write during the upgrade: those entries stay plain and check."""
    import shutil

    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    db = open_session(path)
    try:
        with db.atomic() as conn:
            conn.execute("UPDATE village SET head_name = 'Trưởng thôn mới' WHERE id = 1")
        result = audit.verify(db)
    finally:
        close_session(db, backup_reason="close")
    assert result.ok, result.text()
    assert _verify(path).ok


# -- seals move forward: what a seal costs is what was written since the last one ----------------------
def _last_sealed(db: Database) -> dict[str, str]:
    found = db.scalar("SELECT new_values FROM audit_log WHERE action = 'seal' ORDER BY id DESC LIMIT 1")
    return dict(json.loads(str(found))["tables"])


def test_a_bulk_write_is_sealed_as_reading_every_table_would(tmp_path: Path) -> None:
    """The bulk write's own rows (no entries) move the seal forward: inserted above the highest id,
    updated, deleted, deleted and written again under the same id, keys changed, WITHOUT ROWID tables."""
    db = open_session(tmp_path / "xa.sqlite")
    try:
        demo.generate(db, households=30, seed=3)  # a bulk write into a new file
        assert _last_sealed(db) == audit_storage.table_digests(db.conn)
        with db.atomic() as conn, audit_storage.bulk(db, action="test", entity="household", summary={}):
            conn.execute("UPDATE household SET note = 'sửa hàng loạt' WHERE id IN (2, 3)")
            conn.execute("UPDATE household SET note = 'sửa lần hai' WHERE id = 3")
            conn.execute("UPDATE member SET full_name = 'Tên Mới', name_fold = 'ten moi' WHERE id = 5")
            row = conn.execute("SELECT * FROM support_record ORDER BY id LIMIT 1").fetchone()
            names = [d[0] for d in conn.execute("SELECT * FROM support_record LIMIT 0").description]
            conn.execute("DELETE FROM loan WHERE support_record_id = ?", (row[0],))
            conn.execute("DELETE FROM support_record WHERE id = ?", (row[0],))
            values = dict(zip(names, row, strict=True)) | {"note": "ghi lại"}
            conn.execute(
                f"INSERT INTO support_record ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )  # the same id again, other content
            free = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM support_record WHERE id NOT IN (SELECT support_record_id FROM loan) AND id > ?"
                    " ORDER BY id",
                    (row[0],),
                )
            ]
            conn.execute("DELETE FROM support_record WHERE id = ?", (free[0],))
            conn.execute("UPDATE support_record SET id = ? WHERE id = ?", (free[0], free[1]))  # a key moved down
            conn.execute("UPDATE support_record SET id = ? WHERE id = ?", (free[-1] + 5, free[-1]))  # … and up
            conn.execute(
                "DELETE FROM household_cause WHERE household_id IN (SELECT household_id FROM household_cause LIMIT 2)"
            )
            conn.execute("INSERT OR IGNORE INTO household_cause (household_id, cause_code) VALUES (4, '01'), (6, '02')")
            conn.execute("UPDATE household_cause SET cause_code = '03' WHERE household_id = 6 AND cause_code = '02'")
            conn.execute(
                "INSERT INTO village (name, name_fold, code, kind) VALUES ('Thôn Mới', 'thon moi', 'TM', 'thon')"
            )
        assert _last_sealed(db) == audit_storage.table_digests(db.conn)
        assert audit.verify(db).ok
        with db.atomic() as conn, audit_storage.bulk(db, action="test", entity="household", summary={}):
            pass  # nothing written
        assert _last_sealed(db) == audit_storage.table_digests(db.conn)
    finally:
        close_session(db)


def _each_row(conn: sqlite3.Connection, table: str, where: str = "") -> str:
    """The table's digest by its definition: SHA-256 of each row's json_object text, summed."""
    shown = audit_storage._shown(conn, table)
    texts = conn.execute(f'SELECT {audit_storage._json(shown, "R")} FROM "{table}" AS R {where}')
    total = sum(int.from_bytes(hashlib.sha256(t.encode("utf-8")).digest(), "big") for (t,) in texts)
    return f"{total % audit_storage.MOD:064x}"


@pytest.mark.parametrize("separator", [b"\x01", b'"'], ids=["joined", "a separator in every row"])
def test_tables_read_many_rows_at_a_time_give_each_row_s_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, separator: bytes
) -> None:
    """Rows read 5,000 at a time (here 7) in one joined text: the same digest as row by row, with
    control characters, a NUL and letters in the rows, gaps between ids, and (a separator found in
    the rows) the rows read one by one."""
    db = open_session(tmp_path / "xa.sqlite")
    try:
        demo.generate(db, households=30, seed=4)
        with db.atomic() as conn:
            conn.execute("UPDATE member SET note = ? WHERE id = 3", ('Đặng Thị Ánh\x01\x00 "x"\n\\ \u0001',))
            conn.execute("UPDATE household SET note = ? WHERE id = 2", ("\x01\x01",))
            conn.execute("DELETE FROM code_list WHERE rowid IN (SELECT rowid FROM code_list LIMIT 9 OFFSET 4)")
        monkeypatch.setattr(audit_storage, "_SPAN", 7)
        monkeypatch.setattr(audit_storage, "_SEPARATOR", separator)
        conn = db.conn
        tables = audit_storage._existing_audited(conn)
        assert audit_storage.table_digests(conn) == {t: _each_row(conn, t) for t in tables}
        for low in (0, 5, 17, 10_000):
            above = audit_storage._rows_above(conn, "member", low) % audit_storage.MOD
            assert f"{above:064x}" == _each_row(conn, "member", f"WHERE R.rowid > {low}")
    finally:
        close_session(db)


def test_rows_read_during_a_bulk_write_and_changed_after_are_sealed_as_they_end(tmp_path: Path) -> None:
    """Rows a bulk write inserted and had read already (``settle``, as the import does after each
    chunk of members), then changed, deleted, moved or written again: the seal is that of every row
    as the write left it."""
    db = open_session(tmp_path / "xa.sqlite")
    try:
        demo.generate(db, households=12, seed=5)
        with db.atomic() as conn, audit_storage.bulk(db, action="test", entity="village", summary={}) as block:
            add = "INSERT INTO village (name, name_fold, code, kind) VALUES (?, ?, ?, 'thon')"
            for n in range(6):
                conn.execute(add, (f"Thôn Mới {n}", f"thon moi {n}", f"TM{n}"))
            block.settle("village")
            top = conn.execute("SELECT max(id) FROM village").fetchone()[0]
            conn.execute("UPDATE village SET name = 'Thôn Đổi' WHERE id = ?", (top - 5,))
            conn.execute("UPDATE village SET name = 'Thôn Đổi Lại' WHERE id = ?", (top - 5,))
            conn.execute("DELETE FROM village WHERE id = ?", (top - 4,))
            conn.execute("UPDATE village SET id = ? WHERE id = ?", (top + 20, top - 3))  # moved above
            conn.execute("UPDATE village SET id = ? WHERE id = ?", (top - 4, top - 2))  # … and into a gap
            block.settle("village")
            block.settle("village")  # nothing new
            conn.execute(add, ("Thôn Sau", "thon sau", "TS"))
            conn.execute("DELETE FROM village WHERE id = ?", (top + 20,))
            conn.execute(add.replace("(name,", "(id, name,").replace("(?,", "(?, ?,"), (top - 3, "Thôn Lại", "x", "TL"))
            block.settle("member")  # nothing inserted there
        assert _last_sealed(db) == audit_storage.table_digests(db.conn)
        assert _last_sealed(db)["village"] == _each_row(db.conn, "village")
        assert audit.verify(db).ok
    finally:
        close_session(db)


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    whole = audit_storage._table_sum

    def counted(conn: sqlite3.Connection, table: str) -> int:
        read.append(table)
        return whole(conn, table)

    monkeypatch.setattr(audit_storage, "_table_sum", counted)
    return read


def test_a_seal_reads_what_changed_not_every_table(worked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_session(worked)
    try:
        with db.atomic() as conn:
            conn.execute("UPDATE household SET note = 'đã gọi điện' WHERE id = 4")
            conn.execute(
                "DELETE FROM household_cause WHERE household_id = (SELECT min(household_id) FROM household_cause)"
            )
        read = _counting_reads(monkeypatch)
        audit_storage.seal(db, "test", anchor=False)
        assert read == []
        monkeypatch.undo()
        assert _last_sealed(db) == audit_storage.table_digests(db.conn)
        assert audit.verify(db).ok
    finally:
        close_session(db)


def test_a_seal_made_before_shapes_were_recorded_is_followed_by_one_that_reads_the_tables(
    worked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file sealed by an earlier version: its seal still checks; the next seal reads every table."""
    db = open_session(worked)
    try:
        with db.atomic():
            tables = audit_storage.table_digests(db.conn)
            audit_storage.record(db, action="seal", entity="audit_log", new={"reason": "cũ", "tables": tables})
        with db.atomic() as conn:
            conn.execute("UPDATE household SET note = 'sau dấu cũ' WHERE id = 2")
        assert audit.verify(db).ok
        read = _counting_reads(monkeypatch)
        audit_storage.seal(db, "test", anchor=False)
        assert sorted(read) == sorted(tables)
        monkeypatch.undo()
        assert _last_sealed(db) == audit_storage.table_digests(db.conn)
        assert audit.verify(db).ok
    finally:
        close_session(db)


def test_a_direct_edit_is_still_found_after_the_file_is_sealed_again(worked: Path) -> None:
    """Sealing again does not take in a change made outside the app since the last seal."""
    conn = _raw(worked)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE member SET full_name = 'Người Khác' WHERE id = 3")
    conn.close()
    close_session(open_session(worked), backup_reason="close")  # opened, worked on, closed: sealed again
    result = _verify(worked)
    assert not result.ok and "bảng «member»" in result.text(), result.text()
