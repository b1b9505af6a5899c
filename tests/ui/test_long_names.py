"""Long programme names: the drop-down opens wide enough to read them, the closed box cuts them in the middle."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.dialogs.support_dialog import SupportDialog
from ui.widgets.combos import ElidedCombo
from ui.workspace import Workspace


def test_a_long_programme_name_reads_whole_in_its_list_and_tooltip(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = SupportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.programme
    assert isinstance(combo, ElidedCombo)
    longest = max(range(combo.count()), key=lambda i: len(combo.itemText(i)))
    name = combo.itemText(longest).strip()
    assert len(name) > 100  # the catalogue's longest sub-project
    view = combo.view()
    need = view.fontMetrics().horizontalAdvance(combo.itemText(longest))
    room = combo.screen().availableGeometry().width() - 24
    assert view.minimumWidth() >= min(need, room)  # the open list shows it whole (within the screen)
    assert combo.itemData(longest, Qt.ItemDataRole.ToolTipRole) == name
    combo.setCurrentIndex(longest)
    assert combo.toolTip() == name  # the closed box: cut in the middle, whole in its tooltip
    assert dialog.width() <= 1366 and combo.width() < need  # the window does not grow to the name
    QApplication.processEvents()
    shown = combo.shown_text()
    assert "…" in shown and shown.startswith(name[:10]) and shown.endswith(name[-4:])
    assert not combo.grab().isNull()  # paints it
