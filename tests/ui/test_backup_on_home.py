"""The home tab's "Sao lưu" box names the copy to USB the officer just made."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.dialogs.backup_dialog import BackupDialog
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.workspace import Workspace


def test_the_home_tab_shows_the_copy_just_made_to_usb(
    qtbot: QtBot, workspace: Workspace, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    home = window.overview()
    assert "USB gần nhất" not in home.backup_label.text()
    usb = tmp_path / "usb"
    usb.mkdir()

    def copy_and_close(dialog: BackupDialog) -> int:  # the officer picks the stick, presses "Sao lưu", closes
        dialog.folder_edit.setText(str(usb))
        dialog.start(same_device_ok=True)
        return 1

    monkeypatch.setattr(BackupDialog, "exec", copy_and_close)
    notices: list[str] = []
    workspace.notice.connect(notices.append)
    window.show_backup()
    text = home.backup_label.text()
    assert "Sao lưu ra USB gần nhất" in text and str(usb) in text and "(hôm nay)" in text
    assert "Nên sao lưu" not in text and not home.backup_label.styleSheet()  # no warning once copied
    assert notices and str(usb) in notices[-1]  # the status bar confirms it too
