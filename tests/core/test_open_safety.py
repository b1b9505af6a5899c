"""Opening honours the WAL; one writer per file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import SchemaTooNew, StorageUnavailable
from giamngheo_desktop.services import backup, demo
from giamngheo_desktop.services.session import close_session, open_session
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import file_verdict, open_database
from giamngheo_desktop.storage.migrations import LATEST

ROOT = Path(__file__).resolve().parents[2]


def _files(path: Path) -> dict[str, bytes]:
    return {s: Path(str(path) + s).read_bytes() for s in ("", "-wal") if Path(str(path) + s).exists()}


def _snapshot_with_wal(work: Path, target: Path, write: Callable[[Database], object]) -> None:
    """``target`` (+ -wal) as a power cut would leave it right after ``write`` committed."""
    db = open_database(work)
    try:
        db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        write(db)
        for suffix in ("", "-wal"):
            shutil.copy(str(work) + suffix, str(target) + suffix)
    finally:
        db.close()


def test_a_newer_schema_only_in_the_wal_is_refused_and_nothing_is_changed(db_path: Path, tmp_path: Path) -> None:
    snap = tmp_path / "moi.sqlite"
    _snapshot_with_wal(db_path, snap, lambda db: db.conn.execute(f"PRAGMA user_version = {LATEST + 5}"))
    assert (
        sqlite3.connect(f"{snap.as_uri()}?mode=ro&immutable=1", uri=True).execute("PRAGMA user_version").fetchone()[0]
        == LATEST
    )  # the main file alone still says the old version
    before = _files(snap)
    with pytest.raises(SchemaTooNew):
        open_database(snap)
    assert _files(snap) == before


def _interrupted_checkpoint(db_path: Path, tmp_path: Path) -> tuple[Path, int]:
    """A file whose checkpoint was cut after copying half of the pages from the -wal file."""
    snap = tmp_path / "dang-do.sqlite"
    _snapshot_with_wal(db_path, snap, lambda db: demo.generate(db, households=300, seed=4))
    done = tmp_path / "xong.sqlite"
    for suffix in ("", "-wal"):
        shutil.copy(str(snap) + suffix, str(done) + suffix)
    conn = sqlite3.connect(done)
    households = conn.execute("SELECT count(*) FROM household").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before, after = snap.read_bytes(), done.read_bytes()
    page = 4096
    cut = (len(after) // page // 2) * page
    snap.write_bytes(after[:cut] + before[cut:] + after[len(before) :])  # pages 1..k already copied
    return snap, households


def test_an_interrupted_checkpoint_is_not_called_damaged_and_loses_nothing(db_path: Path, tmp_path: Path) -> None:
    snap, households = _interrupted_checkpoint(db_path, tmp_path)
    try:  # the old header check read the main file alone (immutable) and called it damaged
        old = sqlite3.connect(f"{snap.as_uri()}?mode=ro&immutable=1", uri=True)
        old_verdict = old.execute("PRAGMA quick_check").fetchone()[0]
        old.close()
    except sqlite3.DatabaseError:
        old_verdict = "damaged"
    assert old_verdict != "ok"
    assert file_verdict(snap).verdict == "ok"
    assert cli_main(["info", "--db", str(snap)]) == 0  # a reading command, first to see the file
    (tmp_path / "usb").mkdir()
    assert cli_main(["backup", "--to", str(tmp_path / "usb"), "--same-disk", "--db", str(snap)]) == 0
    with open_database(snap) as db:
        assert not db.damaged and not db.read_only
        assert db.scalar("SELECT count(*) FROM household") == households
        assert db.scalar("PRAGMA integrity_check") == "ok"


# ------------------------------------------------------------------ one writer ---
def test_restore_is_refused_while_the_window_has_the_file(
    db_path: Path, tmp_path: Path, held_by_window: subprocess.Popen[str], capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "cu.sqlite"
    shutil.copy(db_path, copy)
    before = db_path.read_bytes()
    with pytest.raises(StorageUnavailable) as info:
        backup.restore(copy, db_path)
    assert info.value.code == "in_use" and "cửa sổ Giảm nghèo Desktop" in str(info.value)
    assert cli_main(["restore", str(copy), "--db", str(db_path), "--yes"]) == 2
    assert "đang được ghi bởi cửa sổ Giảm nghèo Desktop" in capsys.readouterr().err
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "command",
    [
        ["demo", "--households", "5"],
        ["review", "open", "--date", "2026-11-15"],
        ["import", "{xlsx}"],
        ["users", "add", "moi", "--name", "Người Mới", "--password", "Mat-khau-dai-2026", "--role", "officer"],
        ["init", "--name", "xã Mới", "--code", "99999", "--province", "Hà Tĩnh"],
    ],
)
def test_every_writing_command_is_refused_while_the_window_writes(
    db_path: Path,
    tmp_path: Path,
    held_by_window: subprocess.Popen[str],
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    xlsx = tmp_path / "ds.xlsx"
    xlsx.write_bytes(b"")
    argv = [a.format(xlsx=xlsx) for a in command]
    before = _files(db_path)
    assert cli_main([*argv, "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "đang được ghi bởi cửa sổ Giảm nghèo Desktop" in err and f"tiến trình {held_by_window.pid}" in err
    assert _files(db_path) == before


def test_reading_commands_work_beside_the_window(db_path: Path, held_by_window: subprocess.Popen[str]) -> None:
    assert cli_main(["info", "--db", str(db_path)]) == 0
    assert cli_main(["audit", "verify", "--db", str(db_path)]) == 0


def test_the_window_is_refused_while_a_command_writes_and_names_it(db_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                sys.path.insert(0, {str(ROOT)!r})
                from giamngheo_desktop.storage.database import open_database
                db = open_database({str(db_path)!r}, holder="lệnh dòng lệnh «import»")
                print("ready", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StorageUnavailable) as info:
            open_session(db_path, exclusive=True)
        assert "lệnh dòng lệnh «import»" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    close_session(open_session(db_path, exclusive=True), exclusive=True)


def test_a_file_replaced_under_an_open_connection_is_named_not_a_silent_success(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "khac.sqlite"
    shutil.copy(db_path, other)
    db = open_database(db_path)
    try:
        os.replace(other, db_path)
        with pytest.raises(StorageUnavailable) as info, db.atomic() as conn:
            conn.execute("UPDATE village SET head_name = 'x'")
        assert info.value.code == "moved"
    finally:
        db.close()


# ------------------------------------------------------------------ damaged files ---
def test_no_command_writes_into_a_damaged_file_and_none_ends_in_a_traceback(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.core.test_backup import corrupt_a_page

    with open_database(db_path) as db:
        demo.generate(db, households=200, seed=1)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt_a_page(db_path)
    before = db_path.read_bytes()
    (tmp_path / "usb").mkdir()
    commands = [
        ["info"],
        ["check"],
        ["check", "--file"],
        ["export", str(tmp_path / "ds.xlsx")],
        ["review", "open", "--date", "2026-11-15"],
        ["backup", "--to", str(tmp_path / "usb"), "--same-disk"],
        ["audit", "verify"],
        ["report", "--kind", "all", "--period", "2026", "--out", str(tmp_path / "bc")],
    ]
    for command in commands:
        code = cli_main([*command, "--db", str(db_path)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err, command
        assert code in (0, 2, 3), (command, code, captured.err)
        if code:
            assert "hỏng" in captured.err + captured.out and "Ổ đĩa đã đầy" not in captured.err, command
    assert db_path.read_bytes() == before
    assert not Path(str(db_path) + "-wal").exists() or Path(str(db_path) + "-wal").stat().st_size == 0
    assert list((tmp_path / "usb").iterdir()) == []
