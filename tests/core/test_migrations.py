"""Storage and migrations: fresh == upgraded, too-new refused untouched, failing step rolls back."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from giamngheo_desktop.domain.errors import SchemaTooNew, StorageUnavailable
from giamngheo_desktop.storage import migrations
from giamngheo_desktop.storage.connection import connect
from giamngheo_desktop.storage.database import open_database
from giamngheo_desktop.storage.migrations import Step


def normalized_schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return [(t, n, " ".join((s or "").split())) for t, n, s in rows]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_has_pragmas_and_latest_version(tmp_path: Path) -> None:
    with open_database(tmp_path / "a.sqlite") as db:
        assert db.scalar("PRAGMA user_version") == migrations.LATEST
        assert db.scalar("PRAGMA foreign_keys") == 1
        assert db.scalar("PRAGMA journal_mode") == "wal"
        assert db.scalar("PRAGMA synchronous") == 2  # FULL
        assert db.scalar("PRAGMA busy_timeout") >= 1000
        assert db.scalar("PRAGMA integrity_check") == "ok"
        assert db.scalar("SELECT count(*) FROM code_list WHERE list_name = 'ethnicity'") >= 54


NEXT = migrations.LATEST + 1
STEP_TEST = Step(NEXT, "test: add a column", "ALTER TABLE village ADD COLUMN population INTEGER NOT NULL DEFAULT 0;")


def version1_file(path: Path) -> None:
    """A file as the first release wrote it (schema.sql only), with a household in it."""
    from giamngheo_desktop.storage.connection import Database

    conn = connect(path)
    db = Database(conn, path)
    migrations.upgrade(db, steps=[])
    conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('01', 'Thôn Một', 'thon mot')")
    conn.execute(
        "INSERT INTO household (code, code_fold, village_id, created_at, updated_at) "
        "VALUES ('HGD-01', 'hgd-01', 1, 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO member (household_id, full_name, name_fold, id_number, created_at, updated_at) "
        "VALUES (1, 'Nguyễn Văn Đức', 'nguyen van duc', '025090000001', 'x', 'x')"
    )
    conn.close()


def test_fresh_and_upgraded_files_have_the_same_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    version1_file(old)
    fresh = tmp_path / "fresh.sqlite"
    conn = connect(fresh)
    from giamngheo_desktop.storage.connection import Database

    steps = [*migrations.STEPS, STEP_TEST]
    migrations.upgrade(Database(conn, fresh), steps=steps)
    conn.close()
    conn = connect(old)
    before = migrations.upgrade(Database(conn, old), steps=steps, backup_dir=tmp_path / "bk")
    assert before == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == NEXT
    assert conn.execute("SELECT name, population FROM village").fetchall()[0][:] == ("Thôn Một", 0)
    # step 2 filled the search text of the households already there
    assert conn.execute("SELECT search_fold, search_ids FROM household").fetchone()[:] == (
        "hgd-01\nnguyen van duc",
        "025090000001",
    )
    conn.close()
    assert normalized_schema(fresh) == normalized_schema(old)
    assert list((tmp_path / "bk").glob("old-v1-*.sqlite")), "a backup copy is made before upgrading"


def test_failing_step_rolls_back_everything(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite"
    with open_database(path) as db:
        db.conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('01', 'Thôn Một', 'thon mot')")
    bad = Step(
        NEXT + 1, "test: fails half-way", "ALTER TABLE village ADD COLUMN x INTEGER; SELECT * FROM no_such_table;"
    )
    conn = connect(path)
    from giamngheo_desktop.storage.connection import Database

    with pytest.raises(StorageUnavailable):
        migrations.upgrade(Database(conn, path), steps=[*migrations.STEPS, STEP_TEST, bad], backup_dir=tmp_path / "bk")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    columns = [r[1] for r in conn.execute("PRAGMA table_info(village)")]
    assert "population" not in columns and "x" not in columns
    assert conn.execute("SELECT count(*) FROM village").fetchone()[0] == 1
    conn.close()


def test_too_new_file_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with open_database(path) as db:
        db.conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
        db.conn.execute("PRAGMA journal_mode = DELETE")
    digest = sha(path)
    with pytest.raises(SchemaTooNew) as info:
        open_database(path)
    assert "phiên bản mới hơn" in str(info.value)
    assert sha(path) == digest
    assert not Path(str(path) + "-wal").exists()


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    digest = sha(path)
    with pytest.raises(StorageUnavailable):
        open_database(path)
    assert sha(path) == digest


def test_a_file_that_is_not_a_database_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StorageUnavailable) as info:
        open_database(path)
    assert "không phải là tệp dữ liệu hợp lệ" in str(info.value)


def test_atomic_nested_savepoint_rolls_back_inner_only(tmp_path: Path) -> None:
    with open_database(tmp_path / "a.sqlite") as db:
        with db.atomic() as conn:
            conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('01', 'A', 'a')")
            with pytest.raises(ZeroDivisionError), db.atomic():
                conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('02', 'B', 'b')")
                raise ZeroDivisionError
        assert [r["name"] for r in db.rows("SELECT name FROM village")] == ["A"]
