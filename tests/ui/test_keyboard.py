"""The officer's day by keyboard: search → results → open, Enter logs in, shortcuts listed, F5 and Ctrl+P."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QUndoCommand
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from giamngheo_desktop.domain.permissions import Role
from giamngheo_desktop.services import users
from tests.ui.widgets import tab_of, type_text
from ui.dialogs.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.tabs.households_tab import HouseholdsTab
from ui.tabs.reports_tab import ReportsTab
from ui.workspace import Workspace


def test_down_from_the_search_moves_into_the_results_and_enter_opens_the_household(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = HouseholdsTab(workspace)
    qtbot.addWidget(tab)
    tab.show()
    tab.activateWindow()
    tab.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search)
    type_text(tab.search, "Đức")
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)  # searches at once, without waiting for the typing pause
    assert QApplication.focusWidget() is tab.view
    assert tab.model.index(tab.view.currentIndex().row(), 1).data() == "Nguyễn Văn Đức"
    opened: list[int] = []
    monkeypatch.setattr(HouseholdsTab, "edit_household", lambda self: opened.append(self.current_household_id()))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert opened == [tab.model.ids[tab.view.currentIndex().row()]]


def test_enter_in_the_search_box_also_goes_to_the_results(qtbot: QtBot, workspace: Workspace) -> None:
    tab = HouseholdsTab(workspace)
    qtbot.addWidget(tab)
    tab.show()
    tab.activateWindow()
    tab.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search)
    tab.search.setText("HGD-0003")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is tab.view
    assert tab.model.index(tab.view.currentIndex().row(), 0).data() == "HGD-0003"


def test_enter_on_the_login_dialog_logs_in_and_never_opens_the_forgotten_password_note(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(workspace.db, username="lan", full_name="Trần Thị Lan", role=Role.ADMIN.value, password="matkhau-1")
    users.set_login_required(workspace.db, True)
    notes: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: notes.append("forgot"))
    dialog = LoginDialog(workspace.db, commune_name="xã Tân Lập")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isDefault()
    assert not dialog.forgot_button.autoDefault()
    dialog.forgot_button.setFocus()  # even with the focus on it, Enter does not press it
    dialog.username_edit.setText("lan")
    dialog.password_edit.setText("matkhau-1")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert notes == [] and dialog.result() == LoginDialog.DialogCode.Accepted
    dialog.message.setText("Mật khẩu không đúng.")
    qtbot.keyClicks(dialog.password_edit, "x")
    assert dialog.message.text() == ""  # the refusal goes once the officer types again


def test_shortcuts_are_listed_in_the_help_menu_and_work(
    qtbot: QtBot, workspace: Workspace, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    assert "Phím tắt" in [a.text() for a in window.menu_help.actions()]
    from ui.help import shortcut_rows

    listed = dict(shortcut_rows(window.findChildren(QAction)))
    assert listed["F5"] == "Làm mới" and listed["Ctrl+P"] == "In báo cáo đang xem"
    assert window.action_refresh.shortcut().toString() == "F5"
    assert window.action_print.shortcut().toString() == "Ctrl+P"
    window.action_print.trigger()  # no report yet: says what to do instead of printing nothing
    assert window.tabs.currentWidget() is tab_of(window, ReportsTab)
    assert "Lập báo cáo" in window.statusBar().currentMessage()
    window.action_refresh.trigger()
    assert "làm mới" in window.statusBar().currentMessage()


def test_tab_leaves_a_date_field_at_once_and_arrows_on_the_way_change_nothing(
    qtbot: QtBot, workspace: Workspace, qapp: QApplication
) -> None:
    """Request form: Mẫu đơn → Tab → Ngày nộp → Tab → Nội dung (not the date's month, then its year)."""
    from ui import keyboard
    from ui.dialogs.request_dialog import RequestDialog

    keyboard.install(qapp)
    dialog = RequestDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    dialog.form.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.form)
    qtbot.keyClick(dialog.form, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.date
    day = dialog.date.date()
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.content, type(QApplication.focusWidget()).__name__
    assert dialog.date.date() == day
    qtbot.keyClick(dialog.content, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.date
    qtbot.keyClick(dialog.date, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.form


def test_ctrl_z_in_an_empty_search_box_undoes_the_last_write(
    qtbot: QtBot, workspace: Workspace, qapp: QApplication
) -> None:
    """After an import the cursor sits in the search box: Ctrl+Z there undid nothing (the box took it)."""
    from ui import keyboard

    keyboard.install(qapp)
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    tab = tab_of(window, HouseholdsTab)
    window.tabs.setCurrentWidget(tab)
    undone: list[str] = []
    window.workspace.undo_stack.push(_Recorded(undone))
    window.activateWindow()
    tab.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search)
    type_text(tab.search, "Đức")
    qtbot.keyClick(tab.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.search.text() == "" and undone == []  # the typing first, as in any text box
    qtbot.keyClick(tab.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert undone == ["undo"]  # then the officer's last write
    tab.search.setText("")  # a box with nothing to redo either: Ctrl+Y redoes the write
    qtbot.keyClick(tab.search, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert undone == ["undo", "redo"]


class _Recorded(QUndoCommand):
    def __init__(self, log: list[str]) -> None:
        super().__init__("ghi thử")
        self.log, self.first = log, True

    def redo(self) -> None:
        if not self.first:
            self.log.append("redo")
        self.first = False

    def undo(self) -> None:
        self.log.append("undo")
