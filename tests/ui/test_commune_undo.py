"""Thông tin xã is taken back with Ctrl+Z and done again with Ctrl+Y, like every other write."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import commune
from tests.ui.widgets import type_text
from ui.dialogs.first_run_dialog import FirstRunDialog
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.workspace import Workspace


def test_a_saved_commune_change_is_undone_and_redone(
    qtbot: QtBot, workspace: Workspace, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    db = workspace.db
    chairman = commune.get_commune(db).chairman_name

    def change_and_save(dialog: FirstRunDialog) -> int:
        dialog.chairman_name.clear()
        type_text(dialog.chairman_name, "Lê Thị Mai")
        dialog.add_village("Thôn Mới Lập", "thon")  # kept as "Mới Lập" (kind thôn)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(FirstRunDialog, "exec", change_and_save)
    window.edit_commune()
    assert commune.get_commune(db).chairman_name == "Lê Thị Mai"
    assert window.statusBar().currentMessage() == "Đã ghi: sửa thông tin xã, thêm 1 thôn/tổ — Hoàn tác (Ctrl+Z)"
    assert window.action_undo.isEnabled()

    window.action_undo.trigger()  # Ctrl+Z
    assert commune.get_commune(db).chairman_name == chairman
    assert "Mới Lập" not in [v.name for v in commune.list_villages(db)]
    assert window.statusBar().currentMessage().startswith("Đã hoàn tác: sửa thông tin xã")

    window.action_redo.trigger()  # Ctrl+Y
    assert commune.get_commune(db).chairman_name == "Lê Thị Mai"
    assert "Mới Lập" in [v.name for v in commune.list_villages(db)]
