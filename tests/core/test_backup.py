"""Backups and restore: a verified copy, restored table by table; nothing lost on the way."""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from pathlib import Path

import pytest

from giamngheo_desktop import clock
from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import PermissionDenied, SchemaTooNew, StorageUnavailable
from giamngheo_desktop.domain.permissions import Actor, Role
from giamngheo_desktop.services import backup, demo
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in sorted(tables)}
    finally:
        conn.close()


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "xa.sqlite"
    with open_database(path) as db:
        demo.generate(db, households=60, seed=5)
    return path


def test_backup_to_a_folder_restores_to_the_same_data(demo_file: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    with open_database(demo_file) as db:
        result = backup.make_backup(db, usb)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    original = dump(demo_file)
    assert result.path.parent == usb and result.counts["household"] == 60
    assert not list(usb.glob("*.tmp")), "no temporary file is left behind"
    # the day goes on: a household is removed by mistake
    with open_database(demo_file) as db, db.atomic() as conn:
        conn.execute("UPDATE household SET deleted_at = '2026-11-28' WHERE id = 1")
        conn.execute("DELETE FROM loan_repayment")
        conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('99', 'Thôn Mới', 'thon moi')")
    assert dump(demo_file) != original
    diff = backup.compare(demo_file, result.path)
    assert ("Thôn, tổ dân phố", 11, 10) in diff.rows()
    assert "Thôn, tổ dân phố" in diff.text()
    safety = backup.restore(result.path, demo_file)
    assert dump(demo_file) == original, "every table equals the backup"
    assert safety is not None and safety.exists()
    assert dump(safety)["loan_repayment"] == [], "the replaced file is kept as it was"
    with open_database(demo_file) as db:
        assert db.scalar("PRAGMA integrity_check") == "ok"


def test_restore_refuses_a_damaged_backup_and_leaves_the_file(demo_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "hong.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    before = demo_file.read_bytes()
    with pytest.raises(StorageUnavailable):
        backup.restore(bad, demo_file)
    assert demo_file.read_bytes() == before


def test_restore_refuses_a_backup_from_a_newer_version(demo_file: Path, tmp_path: Path) -> None:
    newer = tmp_path / "moi.sqlite"
    with open_database(newer) as db:
        db.conn.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaTooNew):
        backup.restore(newer, demo_file)


def test_a_leader_may_back_up_but_not_restore(demo_file: Path, tmp_path: Path) -> None:
    leader = Actor(user_id=None, username="lanhdao", role=Role.LEADER)
    officer = Actor(user_id=None, username="canbo", role=Role.OFFICER)
    with open_database(demo_file, actor=leader) as db:
        result = backup.make_backup(db, tmp_path / "usb")
    for actor in (leader, officer):
        with pytest.raises(PermissionDenied):
            backup.restore(result.path, demo_file, actor=actor)


def test_auto_backups_are_pruned_but_manual_ones_kept(db: Database) -> None:
    folder = db.path.parent / "backups"
    try:
        for day in range(40):
            clock.set_fixed_now(_dt.datetime(2026, 10, 1, 8) + _dt.timedelta(days=day))
            made = backup.auto_backup(db, "close")
            assert made is not None
            stamp = (_dt.datetime(2026, 10, 1, 8) + _dt.timedelta(days=day)).timestamp()
            os.utime(made.path, (stamp, stamp))
        manual = backup.make_backup(db, folder)
        backup.prune(folder, db.path.stem)
    finally:
        clock.set_fixed_now(None)
    autos = [p for p in folder.glob("*.sqlite") if "-tu-dong-" in p.name]
    assert 10 <= len(autos) <= 31
    assert manual.path.exists()


def test_disk_full_during_backup_gives_a_plain_message_and_no_file(db: Database, tmp_path: Path, monkeypatch) -> None:
    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", full)
    with pytest.raises(StorageUnavailable) as info:
        backup.make_backup(db, tmp_path / "usb")
    assert "Ổ đĩa đã đầy" in str(info.value)
    assert list((tmp_path / "usb").iterdir()) == []


def test_backup_and_restore_commands(demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usb = tmp_path / "usb"
    assert cli_main(["backup", "--db", str(demo_file), "--to", str(usb)]) == 0
    assert "Đã sao lưu và kiểm tra" in capsys.readouterr().out
    copy = next(usb.glob("*.sqlite"))
    assert cli_main(["restore", str(copy), "--db", str(demo_file)]) == 1  # no --yes, no terminal: nothing done
    out = capsys.readouterr().out
    assert "Hộ gia đình" in out and "Chưa khôi phục" in out
    assert cli_main(["restore", str(copy), "--db", str(demo_file), "--yes"]) == 0
    assert "Đã khôi phục" in capsys.readouterr().out
