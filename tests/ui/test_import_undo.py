"""Ctrl+Z right after an import offers “Hoàn tác lần nhập này”: the restore window on the copy made before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.test_register_ui import write_list
from tests.ui.widgets import tab_of
from ui.dialogs.import_dialog import ImportDialog, ImportResultDialog
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.tabs.households_tab import HouseholdsTab
from ui.workspace import Workspace


def test_ctrl_z_after_an_import_opens_the_restore_of_the_copy_made_before_it(
    qtbot: QtBot, workspace: Workspace, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    tab = tab_of(window, HouseholdsTab)

    def run_import(self: ImportDialog) -> int:
        self.set_file(write_list(tmp_path / "ds.xlsx", bad=False))
        self.do_import()
        return 1

    monkeypatch.setattr(ImportDialog, "exec", run_import)
    monkeypatch.setattr(ImportResultDialog, "exec", lambda self: 1)  # "Đóng"
    answers: list[object] = [None]  # the officer closes the restore window without restoring
    opened: list[object] = []

    def show_restore(self: MainWindow, preselect: Path | None = None) -> object:
        opened.append(preselect)
        return answers.pop(0)

    monkeypatch.setattr(MainWindow, "show_restore", show_restore)
    tab.import_list()
    made = window.last_import_backup()
    assert made is not None
    assert window.statusBar().currentMessage().startswith("Đã ghi: nhập danh sách (2 hộ mới")
    assert window.action_undo.text() == "Hoàn tác lần nhập này" and window.action_undo.isEnabled()

    window.action_undo.trigger()  # Ctrl+Z
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == [made]  # what would change, then the confirmation naming that copy
    QApplication.processEvents()
    assert window.action_undo.isEnabled()  # not restored: the import stays, Ctrl+Z still offers it
    assert not window.action_redo.isEnabled()

    answers.append(object())  # this time the copy is restored (a new window replaces this one)
    window.action_undo.trigger()
    qtbot.waitUntil(lambda: len(opened) == 2)
    assert opened == [made, made]
