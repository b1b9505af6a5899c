"""Tệp › Thôn, tổ dân phố: rename (with undo), merge two villages, retire an empty one."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import commune
from ui.dialogs.villages_dialog import VillagesDialog
from ui.workspace import Workspace


def test_rename_with_undo_then_merge(
    qtbot: QtBot, qtmodeltester: ModelTester, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    notices: list[str] = []
    workspace.notice.connect(notices.append)
    dialog = VillagesDialog(workspace)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert [dialog.model.index(r, 0).data() for r in range(3)] == ["Thôn Đồng Xuân", "Thôn Tân Hòa", "Thôn Bãi Sậy"]
    dialog.table.selectRow(1)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Thôn Tân Hòa Mới", True))
    dialog.rename()
    assert dialog.model.index(1, 0).data() == "Tân Hòa Mới"  # the kind's word is the kind (thôn)
    assert notices[-1] == "Đã ghi: đổi tên Thôn Tân Hòa thành Tân Hòa Mới — Hoàn tác (Ctrl+Z)"
    workspace.undo_stack.undo()
    assert [v.name for v in commune.list_villages(workspace.db)][1] == "Thôn Tân Hòa"
    dialog.refresh()
    moving = dialog.model.row_at(1).household_count
    dialog.table.selectRow(1)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Thôn Đồng Xuân", True))
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str, *rest: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    before = dialog.model.row_at(0).household_count
    dialog.merge()
    assert f"Chuyển {moving} hộ của Thôn Tân Hòa sang Thôn Đồng Xuân" in asked[-1]
    assert [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())] == [
        "Thôn Đồng Xuân",
        "Thôn Bãi Sậy",
    ]
    assert dialog.model.row_at(0).household_count == before + moving


def test_a_merge_is_undone_with_ctrl_z(qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    notices: list[str] = []
    workspace.notice.connect(notices.append)
    dialog = VillagesDialog(workspace)
    qtbot.addWidget(dialog)
    counts = {dialog.model.row_at(r).name: dialog.model.row_at(r).household_count for r in range(3)}
    dialog.table.selectRow(1)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Thôn Đồng Xuân", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.merge()
    assert notices[-1] == (
        f"Đã ghi: nhập Thôn Tân Hòa vào Thôn Đồng Xuân ({counts['Thôn Tân Hòa']} hộ) — Hoàn tác (Ctrl+Z)"
    )
    assert dialog.model.rowCount() == 2
    workspace.undo_stack.undo()  # the open list follows: the village is back with its households
    shown = {
        dialog.model.row_at(r).name: dialog.model.row_at(r).household_count for r in range(dialog.model.rowCount())
    }
    assert shown == counts
    assert notices[-1].startswith("Đã hoàn tác: nhập Thôn Tân Hòa vào Thôn Đồng Xuân")
    workspace.undo_stack.redo()
    assert dialog.model.rowCount() == 2
    # retiring an empty village, undone
    dialog.table.selectRow(1)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Thôn Mới", True))
    dialog.add()
    assert notices[-1] == "Đã ghi: thêm Thôn Mới — Hoàn tác (Ctrl+Z)"
    workspace.undo_stack.undo()
    assert "Thôn Mới" not in [dialog.model.row_at(r).name for r in range(dialog.model.rowCount())]
