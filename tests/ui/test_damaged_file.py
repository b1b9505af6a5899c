"""A damaged file opens read-only with a banner offering the newest good backup."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from giamngheo_desktop.domain.errors import DomainError, StorageUnavailable
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.services import backup, demo
from giamngheo_desktop.storage.database import open_database
from tests.ui.sync_tasks import SyncTaskRunner
from ui.main_window import MainWindow, open_window
from ui.settings import Settings


def corrupt_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(1)
    for share in (0.4, 0.5, 0.6, 0.7):  # several pages: one of them surely holds live rows
        page = int(len(data) // 4096 * share)
        data[page * 4096 + 100 : page * 4096 + 2000] = bytes(rng.randrange(256) for _ in range(1900))
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(db_path: Path) -> Path:
    with open_database(db_path) as db:
        demo.generate(db, households=200, seed=1)
        backup.auto_backup(db, "close")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt_a_page(db_path)
    return db_path


def test_a_damaged_file_opens_read_only_with_a_banner_naming_the_newest_good_backup(
    qtbot: QtBot,
    damaged: Path,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_errors: list[BaseException],
) -> None:
    before = damaged.read_bytes()
    window = open_window(damaged, settings=settings, runner=SyncTaskRunner())
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    try:
        banner = window.damaged_banner
        assert banner is not None and banner.isVisible()
        good = next(backups_dir_for(damaged).glob("*.sqlite"))
        text = banner.label.text()
        assert "bị hỏng" in text and good.name in text and "200 hộ" in text
        assert "tệp hỏng" in window.windowTitle()
        with pytest.raises(StorageUnavailable) as info, window.workspace.db.atomic():
            pass
        assert info.value.code == "damaged"
        keep = tmp_path / "giu-lai"
        keep.mkdir()
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(keep)))
        monkeypatch.setattr("ui.main_window.QMessageBox.information", staticmethod(lambda *a, **k: None))
        banner.save_copy()
        saved = list(keep.glob("*.sqlite"))
        assert len(saved) == 1 and saved[0].read_bytes() == before
    finally:
        window.close()
    assert all(isinstance(e, DomainError) for e in shown_errors), shown_errors  # no crash dialog
    assert damaged.read_bytes() == before, "nothing, not even the backup on close, wrote into the damaged file"
    assert len(list(backups_dir_for(damaged).glob("*.sqlite"))) == 1
    conn = sqlite3.connect(f"{good.as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 200
    conn.close()


def test_the_full_check_on_demand_names_the_verdict(
    qtbot: QtBot, damaged: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, shown_errors: list[BaseException]
) -> None:
    said: list[tuple[str, str]] = []
    monkeypatch.setattr("ui.main_window.QMessageBox.warning", staticmethod(lambda _p, t, m: said.append((t, m))))
    monkeypatch.setattr("ui.main_window.QMessageBox.information", staticmethod(lambda _p, t, m: said.append((t, m))))
    window = open_window(damaged, settings=settings, runner=SyncTaskRunner())
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    try:
        window.action_check_file.trigger()
    finally:
        window.close()
    assert said and said[-1][0] == "Tệp dữ liệu bị hỏng" and "khôi phục" in said[-1][1]
    assert not [e for e in shown_errors if not isinstance(e, DomainError)]
