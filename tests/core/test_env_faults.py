"""Environment faults: another copy has the file open, read-only media, a full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.services import demo
from giamngheo_desktop.services.session import close_session, open_session
from giamngheo_desktop.storage.database import open_database


def test_a_second_running_copy_gets_a_clear_message(db_path: Path, held_by_window: subprocess.Popen[str]) -> None:
    holder = held_by_window
    try:
        with pytest.raises(StorageUnavailable) as info:
            open_session(db_path, exclusive=True)
        assert info.value.code == "in_use"
        assert "đang được ghi bởi cửa sổ Giảm nghèo Desktop" in str(info.value)
        assert f"tiến trình {holder.pid}" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    # the OS released the lock with the killed process: no stale lock blocks the officer
    db = open_session(db_path, exclusive=True)
    close_session(db, exclusive=True)


def test_the_same_window_process_can_reopen_for_background_work(db_path: Path) -> None:
    first = open_session(db_path, exclusive=True)
    second = open_session(db_path, exclusive=True)  # a background task of the same window: not refused
    assert second is not first and second.path == first.path
    assert second.scalar("SELECT count(*) FROM commune") == first.scalar("SELECT count(*) FROM commune")
    close_session(second, exclusive=True)
    assert second.closed and not first.closed  # the window keeps its file
    close_session(first, exclusive=True)


def test_full_disk_during_a_write_gives_a_plain_message_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite"
    with open_database(path) as db:
        demo.generate(db, households=30, seed=1)
        before = db.scalar("SELECT count(*) FROM household")
        pages = db.scalar("PRAGMA page_count")
        db.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the 'disk' has two pages left
        with pytest.raises(StorageUnavailable) as info, db.atomic() as conn:
            for n in range(2000):
                conn.execute(
                    "INSERT INTO household (code, code_fold, village_id, note, created_at, updated_at)"
                    " VALUES (?, ?, 1, ?, 'x', 'x')",
                    (f"99-{n}", f"99-{n}", "x" * 500),
                )
        assert "Ổ đĩa đã đầy" in str(info.value)
        assert db.scalar("SELECT count(*) FROM household") == before
        assert db.scalar("PRAGMA integrity_check") == "ok"


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None and sys.platform.startswith("linux")


@pytest.mark.skipif(not _can_mount(), reason="cần quyền root để gắn một ổ chỉ đọc (tmpfs) cho phép thử này")
def test_read_only_media_gives_a_clear_message_and_leaves_the_file(tmp_path: Path, db_path: Path) -> None:
    media = tmp_path / "usb"
    media.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(media)], check=False).returncode:
        pytest.skip("không gắn được tmpfs trên máy này")
    try:
        shutil.copy(db_path, media / "xa.sqlite")
        subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)
        before = (media / "xa.sqlite").read_bytes()
        try:
            db = open_session(media / "xa.sqlite", exclusive=True)
        except StorageUnavailable as exc:
            assert exc.code == "read_only"
            assert "chỉ cho phép đọc" in str(exc)
        else:  # opened for viewing: reading works, writing is refused plainly
            try:
                assert db.scalar("SELECT count(*) FROM village") == 3
                with pytest.raises(StorageUnavailable, match="chỉ cho phép đọc"), db.atomic() as conn:
                    conn.execute("UPDATE village SET head_name = 'x'")
            finally:
                close_session(db, exclusive=True)
        assert (media / "xa.sqlite").read_bytes() == before
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)
