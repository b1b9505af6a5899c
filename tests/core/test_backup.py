"""Backups and restore: a verified copy, restored table by table; nothing lost on the way."""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
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
    usb.mkdir()
    with open_database(demo_file) as db:
        result = backup.make_backup(db, usb, same_device_ok=True)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    original = dump(demo_file)
    assert result.path.parent == usb and result.counts["household"] == 60
    assert sorted(p.name for p in usb.iterdir()) == [result.path.name, result.path.name + ".json"], (
        "the copy and its sidecar (the audit head it holds), no temporary file"
    )
    sidecar = json.loads((usb / (result.path.name + ".json")).read_text(encoding="utf-8"))
    assert sidecar["audit_head"]["id"] > 0 and len(sidecar["audit_head"]["hash"]) == 64
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
    restored = dump(demo_file)
    trail = restored.pop("audit_log")
    restored["app_setting"] = [r for r in restored["app_setting"] if r[0] != "audit.file_id"]
    original_trail = original.pop("audit_log")
    original["app_setting"] = [r for r in original["app_setting"] if r[0] != "audit.file_id"]
    assert restored == original, "every table equals the backup"
    assert trail[: len(original_trail)] == original_trail, "the backup's history is kept"
    assert [r[4] for r in trail[len(original_trail) :]] == ["restore", "seal"], "the restore is an entry"
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
    (tmp_path / "usb").mkdir()
    with open_database(demo_file, actor=leader) as db:
        result = backup.make_backup(db, tmp_path / "usb", same_device_ok=True)
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
        manual = backup.make_backup(db, folder, same_device_ok=True)
        backup.prune(folder, db.path.stem)
    finally:
        clock.set_fixed_now(None)
    autos = [p for p in folder.glob("*.sqlite") if "-tu-dong-" in p.name]
    assert 10 <= len(autos) <= 31
    assert manual.path.exists()


def test_disk_full_during_backup_gives_a_plain_message_and_no_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", full)
    (tmp_path / "usb").mkdir()
    with pytest.raises(StorageUnavailable) as info:
        backup.make_backup(db, tmp_path / "usb", same_device_ok=True)
    assert "Ổ đĩa đã đầy" in str(info.value) and "usb" in str(info.value)
    assert list((tmp_path / "usb").iterdir()) == []


def test_backup_and_restore_commands(demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert cli_main(["backup", "--db", str(demo_file), "--to", str(usb)]) == 2  # same disk: asks to confirm
    assert "cùng ổ đĩa" in capsys.readouterr().err and list(usb.iterdir()) == []
    assert cli_main(["backup", "--db", str(demo_file), "--to", str(usb), "--same-disk"]) == 0
    assert "Đã sao lưu và kiểm tra" in capsys.readouterr().out
    copy = next(usb.glob("*.sqlite"))
    assert cli_main(["restore", str(copy), "--db", str(demo_file)]) == 1  # no --yes, no terminal: nothing done
    out = capsys.readouterr().out
    assert "Hộ gia đình" in out and "Chưa khôi phục" in out
    assert cli_main(["restore", str(copy), "--db", str(demo_file), "--yes"]) == 0
    assert "Đã khôi phục" in capsys.readouterr().out


def test_a_usb_stick_that_is_not_plugged_in_is_not_replaced_by_a_folder_on_the_laptop(
    db: Database, tmp_path: Path
) -> None:
    stick = tmp_path / "media" / "USB"
    with pytest.raises(StorageUnavailable) as info:
        backup.make_backup(db, stick, same_device_ok=True)
    assert info.value.code == "no_target" and "USB" in str(info.value)
    assert not stick.exists() and not (tmp_path / "media").exists()


def test_a_damaged_data_file_is_named_as_the_culprit_not_the_disk(tmp_path: Path) -> None:
    path = tmp_path / "hong.sqlite"
    with open_database(path) as db:
        demo.generate(db, households=200, seed=1)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt_a_page(path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with open_database(path) as db:
        assert db.damaged and db.read_only
        with pytest.raises(StorageUnavailable) as info:
            backup.make_backup(db, usb, same_device_ok=True)
    assert info.value.code == "damaged" and "Ổ đĩa đã đầy" not in str(info.value)
    assert "tệp dữ liệu" in str(info.value) and list(usb.iterdir()) == []


def corrupt_a_page(path: Path) -> None:
    """Garbage over part of a page in the middle of the file (a bad sector, a half-written copy)."""
    import random

    data = bytearray(path.read_bytes())
    rng = random.Random(1)
    for share in (0.4, 0.5, 0.6, 0.7):  # several pages: one of them surely holds live rows
        page = int(len(data) // 4096 * share)
        data[page * 4096 + 100 : page * 4096 + 2000] = bytes(rng.randrange(256) for _ in range(1900))
    path.write_bytes(bytes(data))


def test_stale_temporaries_are_pruned_and_a_failed_backup_leaves_none(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    stale = usb / f"{db.path.stem}-manual-20260101-080000.sqlite.tmp-4242"
    stale.write_bytes(b"half a copy")
    Path(str(stale) + "-journal").write_bytes(b"x")
    old = clock.now().timestamp() - 2 * backup.STALE_TEMP_S
    for p in (stale, Path(str(stale) + "-journal")):
        os.utime(p, (old, old))

    def broken(path: Path, expected: object) -> None:
        raise StorageUnavailable("bản sao không khớp", code="mismatch")

    monkeypatch.setattr(backup, "_verify_copy", broken)
    with pytest.raises(StorageUnavailable):
        backup.make_backup(db, usb, same_device_ok=True)
    assert list(usb.iterdir()) == []


def test_a_restore_cut_short_leaves_the_file_and_no_empty_or_partial_file(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "cu.sqlite"
    with open_database(demo_file) as db:
        (tmp_path / "usb").mkdir()
        copy = backup.make_backup(db, tmp_path / "usb", same_device_ok=True).path
    before = dump(demo_file)
    real_copy = shutil.copyfile

    def half_then_full(src: str, dst: str) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[:5000])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", half_then_full)
    with pytest.raises(StorageUnavailable) as info:
        backup.restore(copy, demo_file)
    assert "Ổ đĩa đã đầy" in str(info.value)
    monkeypatch.setattr(shutil, "copyfile", real_copy)
    assert dump(demo_file) == before
    leftovers = [p for p in demo_file.parent.iterdir() if backup.TEMP_MARK in p.name]
    assert leftovers == []
    assert [p for p in (demo_file.parent / "backups").iterdir() if not p.name.endswith(".sqlite")] == []
    for p in (demo_file.parent / "backups").iterdir():  # the safety copy is whole (or absent), never empty
        assert p.stat().st_size > 0 and dump(p)["household"]


def test_the_safety_copy_of_a_damaged_file_is_kept_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    with open_database(path) as db:
        demo.generate(db, households=200, seed=1)
        (tmp_path / "usb").mkdir()
        good = backup.make_backup(db, tmp_path / "usb", same_device_ok=True).path
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt_a_page(path)
    damaged = path.read_bytes()
    newest = backup.newest_good_backup(path)
    assert newest is None  # the copy on the USB is not beside the file
    safety = backup.restore(good, path)
    assert safety is not None and safety.read_bytes() == damaged
    with open_database(path) as db:
        assert not db.damaged and db.scalar("SELECT count(*) FROM household") == 200


def _can_mount() -> bool:
    import shutil as _sh
    import sys

    return sys.platform.startswith("linux") and os.geteuid() == 0 and _sh.which("mount") is not None


@pytest.mark.skipif(not _can_mount(), reason="cần quyền root để gắn một USB giả (tmpfs) cho phép thử này")
def test_a_full_and_a_read_only_stick_give_plain_messages_and_leave_nothing(demo_file: Path, tmp_path: Path) -> None:
    import subprocess

    stick = tmp_path / "usb"
    stick.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(stick)], check=False).returncode:
        pytest.skip("không gắn được tmpfs trên máy này")
    try:
        with open_database(demo_file) as db:
            with pytest.raises(StorageUnavailable) as info:
                backup.make_backup(db, stick)
            assert info.value.code == "disk_full" and str(stick) in str(info.value)
            assert list(stick.iterdir()) == [], "no *.tmp-journal or half copy is left on the stick"
            subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
            with pytest.raises(StorageUnavailable) as info:
                backup.make_backup(db, stick)
            assert info.value.code == "read_only" and "chỉ cho phép đọc" in str(info.value)
    finally:
        subprocess.run(["umount", "-l", str(stick)], check=False)
