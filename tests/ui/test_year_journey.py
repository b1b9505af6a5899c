"""The officer's year in the real window at 1366×728, driven through its widgets as a new user would.

First run (commune and villages typed in), import of a commune's Excel list, search by keyboard,
an annual round from the list to its close, a request, a support, a batch, a loan, the plan, a
monthly report, a backup. After every write the status bar confirms it and offers the way back;
Ctrl+Z takes it back and Ctrl+Y does it again. What the officer reads (status bar, messages,
tooltips of the round's steps) has no database field name and no ISO date.

Modal dialogs are answered from a timer while ``exec()`` runs, as a person would: typing into
their fields and pressing their buttons. Message boxes are recorded (their text is checked) and
answered "Có"/"OK".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import review
from tests.ui.fit import cut_texts
from tests.ui.sync_tasks import SyncTaskRunner
from tests.ui.widgets import cell, type_text
from ui.dialogs.first_run_dialog import FirstRunDialog
from ui.main_window import TITLE_BAR, MainWindow
from ui.settings import Settings
from ui.workspace import Workspace

RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\d{4}-\d{2}-\d{2}\b")  # a column name, an ISO date


def _list_file(folder: Path) -> Path:
    """A commune's list (tests/list_shapes): three villages, the third not declared yet, titles above."""
    from tests.list_shapes import footer_list

    return footer_list(folder / "Danh sach ho ngheo 2025.xlsx")


class Officer:
    """Presses, types and reads like the officer; keeps every message box shown."""

    def __init__(self, qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
        self.qtbot, self.window = qtbot, window
        self.messages: list[str] = []

        def box(answer: QMessageBox.StandardButton) -> Callable[..., QMessageBox.StandardButton]:
            def shown(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
                self.messages.append(f"{title}: {text}")
                return answer

            return shown

        monkeypatch.setattr(QMessageBox, "information", box(QMessageBox.StandardButton.Ok))
        monkeypatch.setattr(QMessageBox, "warning", box(QMessageBox.StandardButton.Ok))
        monkeypatch.setattr(QMessageBox, "critical", box(QMessageBox.StandardButton.Ok))
        monkeypatch.setattr(QMessageBox, "question", box(QMessageBox.StandardButton.Yes))

    # -- reading ------------------------------------------------------------------------
    def status(self) -> str:
        return self.window.statusBar().currentMessage()

    def confirmed(self, *words: str) -> str:
        text = self.status()
        assert text.startswith("Đã ghi: ") and text.endswith("— Hoàn tác (Ctrl+Z)"), text
        assert all(w in text for w in words), text
        assert not RAW.search(text), text
        bar = self.window.statusBar()  # read whole: nothing covers its end (the way back)
        free = bar.width() - (self.window.file_label.width() if self.window.file_label.isVisible() else 0) - 24
        assert bar.fontMetrics().horizontalAdvance(text) <= free, ("cut", text, free)
        return text

    def undo_redo(self, undone: Callable[[], bool], redone: Callable[[], bool]) -> None:
        """Ctrl+Z takes the last write back, Ctrl+Y does it again; each says so."""
        self.window.activateWindow()  # back in the main window once the last dialog has closed
        self.window.tabs.tabBar().setFocus()
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is self.window.tabs.tabBar())
        self.qtbot.keyClick(self.window.tabs.tabBar(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert self.status().startswith("Đã hoàn tác: ") and "Làm lại (Ctrl+Y)" in self.status(), self.status()
        assert undone()
        self.qtbot.keyClick(self.window.tabs.tabBar(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
        assert self.status().startswith("Đã làm lại: ") and "Hoàn tác (Ctrl+Z)" in self.status(), self.status()
        assert redone()

    # -- acting -------------------------------------------------------------------------
    def tab(self, title: str) -> Any:
        index = next(i for i in range(self.window.tabs.count()) if self.window.tabs.tabText(i) == title)
        self.window.tabs.setCurrentIndex(index)
        return self.window.tab_widgets[index]

    def click(self, button: QPushButton) -> None:
        assert button.isEnabled(), f"«{button.text()}» is disabled: {button.toolTip()}"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def with_dialog(self, act: Callable[[Any], None], then: Callable[[], None]) -> None:
        """``then()`` opens a modal dialog; ``act(dialog)`` fills it in and closes it."""
        done, failed = self.answer_next(act)
        then()
        if failed:
            raise failed[0]
        assert done, "no dialog opened"

    def answer_next(
        self, act: Callable[[Any], None], *, over: QDialog | None = None
    ) -> tuple[list[str], list[BaseException]]:
        """Answer the next modal dialog to open (one opened from ``over``, when given) with ``act``."""
        done: list[str] = []
        failed: list[BaseException] = []

        def poll() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QDialog) or dialog.isHidden() or dialog is over:
                QTimer.singleShot(10, poll)
                return
            try:
                dialog.resize(dialog.size().boundedTo(self.window.size()))
                assert cut_texts(dialog) == [], (dialog.windowTitle(), cut_texts(dialog))
                act(dialog)
                done.append(dialog.windowTitle())
            except BaseException as exc:  # told after exec() returns
                failed.append(exc)
                dialog.reject()

        QTimer.singleShot(0, poll)
        return done, failed

    def ok(self, dialog: QDialog) -> None:
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        self.qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "xa.sqlite", runner=SyncTaskRunner())
    yield ws
    ws.close()


def test_the_officers_year_in_the_real_window(
    qtbot: QtBot, fresh: Workspace, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # -- first run: the commune and its villages, typed ------------------------------------
    setup = FirstRunDialog(fresh.db, first_run=True)
    qtbot.addWidget(setup)
    type_text(setup.name, "Tân Lập")
    type_text(setup.code, "01234")
    type_text(setup.province, "Phú Thọ")
    type_text(setup.chairman_name, "Nguyễn Văn An")
    type_text(setup.preparer_name, "Trần Thị Bình")
    cell(setup.villages, 0, 0).setText("Đồng Xuân")  # the empty first row the dialog opens with
    qtbot.mouseClick(setup.add_button, Qt.MouseButton.LeftButton)
    cell(setup.villages, 1, 0).setText("Tân Hòa")
    setup.save()
    assert setup.result() == QDialog.DialogCode.Accepted, setup.issues()

    window = MainWindow(fresh, settings=settings)
    qtbot.addWidget(window)
    window.resize(1366, 728 - TITLE_BAR)
    window.show()
    qtbot.waitExposed(window)
    me = Officer(qtbot, window, monkeypatch)
    me.tab("Tổng quan")

    # -- import: the commune's list, a village not declared yet created on the way ---------
    path = _list_file(tmp_path)
    households = me.tab("Hộ gia đình")

    def import_list(dialog: Any) -> None:
        dialog.path.setText(str(path))
        dialog.make_preview()
        assert "Lỗi" in dialog.summary.text() or "lỗi" in dialog.summary.text()  # Bãi Sậy is not a village yet
        assert not dialog.import_button.isEnabled()
        box = dialog.create_villages
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert "Bãi Sậy" in dialog.summary.text() and dialog.import_button.isEnabled()
        assert "Thôn/tổ sẽ tạo mới: Bãi Sậy." in dialog.summary.text()  # as it will be written, not "Thôn Bãi Sậy"

        def result(shown: Any) -> None:  # what was written, the backup made before, the way back
            me.messages.append(f"{shown.windowTitle()}: {shown.text.text()}\n{shown.backup.text()}")
            assert shown.undo_button.isEnabled()
            shown.accept()

        _done, failed = me.answer_next(result, over=dialog)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        if failed:
            raise failed[0]

    me.with_dialog(import_list, households.import_list)
    assert any(m.startswith("Đã nhập danh sách: Đã nhập: 4 hộ mới") for m in me.messages), me.messages
    assert households.model.rowCount() == 4

    # -- search by keyboard: typed without diacritics, Down, Enter opens the household ------
    window.activateWindow()
    households.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is households.view)
    qtbot.keyClick(households.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search: QLineEdit = households.search
    assert QApplication.focusWidget() is search, QApplication.focusWidget()
    type_text(search, "duc")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is households.view
    opened: list[str] = []

    def look(dialog: Any) -> None:
        opened.append(dialog.windowTitle())
        dialog.reject()

    me.with_dialog(look, lambda: qtbot.keyClick(households.view, Qt.Key.Key_Return))
    assert opened == ["Sửa hộ DX0001"]

    # -- a round from the list to its close ------------------------------------------------
    rounds = me.tab("Rà soát")
    today = QDate.currentDate()
    me.with_dialog(me.ok, lambda: me.click(rounds.open_button))
    me.confirmed("mở Rà soát định kỳ", "4 hộ")
    first_round = rounds.round_id
    me.undo_redo(
        lambda: rounds.round_id is None, lambda: rounds.round_id == first_round and rounds.model.rowCount() == 4
    )
    me.click(rounds.compute_button)
    me.confirmed("tính chỉ số và phân loại")
    blocker = rounds.meeting_button.toolTip()
    assert not rounds.meeting_button.isEnabled() and "Điểm B1" in blocker and not RAW.search(blocker), blocker
    for row in range(rounds.model.rowCount()):  # B1 scores entered one by one
        rounds.table.selectRow(row)
        code = rounds.model.row_at(row).code

        def b1(dialog: Any, score: str = ("100", "150")[row % 2]) -> None:
            spin = dialog.findChild(QLineEdit)
            spin.selectAll()
            type_text(spin, score)
            qtbot.keyClick(spin, Qt.Key.Key_Return)

        me.with_dialog(b1, lambda: me.click(rounds.b1_button))
        me.confirmed("điểm B1", code)
        assert rounds.model.row_at(rounds.table.currentIndex().row()).code == code  # still chosen
    me.undo_redo(lambda: rounds.model.rows()[-1].computed_class is None, lambda: rounds.model.rows()[-1].computed_class)
    for village in ("Đồng Xuân", "Tân Hòa", "Bãi Sậy"):

        def meet(dialog: Any) -> None:
            spins = dialog.findChildren(QSpinBox)
            spins[0].setValue(40)
            spins[1].setValue(30)
            assert "75,0 % — đạt" in " ".join(label.text() for label in dialog.findChildren(type(rounds.info)))
            me.ok(dialog)

        me.with_dialog(meet, lambda: me.click(rounds.meeting_button))
        me.confirmed("họp thôn", village, "30/40")
    me.with_dialog(me.ok, lambda: me.click(rounds.posting_button))
    me.confirmed("niêm yết công khai")

    def decide(dialog: Any) -> None:
        type_text(dialog.findChild(QLineEdit), "215/QĐ-UBND")
        me.ok(dialog)

    me.with_dialog(decide, lambda: me.click(rounds.decision_button))
    text = me.confirmed("quyết định công nhận số 215/QĐ-UBND")
    assert today.addDays(3).toString("dd/MM/yyyy") in text  # after the posting, as the rules ask
    me.click(rounds.certificates_button)
    me.confirmed("cấp số", "giấy chứng nhận")
    me.click(rounds.close_button)
    me.confirmed("đóng Rà soát định kỳ")
    closing = me.messages[-1]
    assert "Ctrl+Z" in closing and not RAW.search(closing) and ".sqlite" not in closing, closing
    assert rounds.round_id is not None
    closed = rounds.round_id
    me.undo_redo(
        lambda: review.get_round(fresh.db, closed).step == "certificates",
        lambda: review.get_round(fresh.db, closed).step == "closed",
    )

    # -- a request: chosen by keyboard in the picker, Enter does not send the form ----------
    def request(dialog: Any) -> None:
        picker = dialog.picker
        type_text(picker.search, "TH0001")
        qtbot.keyClick(picker.search, Qt.Key.Key_Down)
        qtbot.keyClick(picker.results, Qt.Key.Key_Return)
        assert dialog.isVisible() and picker.household_id is not None  # chosen, form still open
        type_text(dialog.content, "Xin rà soát lại")
        box = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)

    me.with_dialog(request, lambda: me.click(rounds.request_button))
    me.confirmed("đơn Mẫu số 01", "TH0001")
    assert "(1)" in rounds.pending_button.text()  # waiting for the next round
    me.undo_redo(lambda: "(" not in rounds.pending_button.text(), lambda: "(1)" in rounds.pending_button.text())

    # -- the monthly review: the request waiting is its list ---------------------------------
    def monthly(dialog: Any) -> None:
        kind = dialog.findChild(QComboBox)
        kind.setCurrentIndex(kind.findData("monthly"))
        me.ok(dialog)

    me.with_dialog(monthly, lambda: me.click(rounds.open_button))
    me.confirmed("mở Rà soát thường xuyên", "1 hộ")
    assert [r.code for r in rounds.model.rows()] == ["TH0001"] and "(" not in rounds.pending_button.text()
    shown = rounds.round_combo.currentText()  # the new round is read whole in the list
    assert "Lập danh sách" in shown
    combo = rounds.round_combo
    qtbot.waitUntil(lambda: combo.fontMetrics().horizontalAdvance(shown) < combo.width() - 20, timeout=2000)
    me.undo_redo(lambda: "(1)" in rounds.pending_button.text(), lambda: rounds.model.rowCount() == 1)

    # -- a support: one household member's health insurance card ----------------------------
    support = me.tab("Hỗ trợ")
    ledger = support.ledger
    before = ledger.model.rowCount()

    def record_support(dialog: Any) -> None:
        type_text(dialog.picker.search, "DX0002")
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.picker.results, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.picker.household_id is not None
        dialog.member.setCurrentIndex(1)
        shown = dialog.programme.shown_text()  # the default programme's long name read whole, not "…"
        assert shown == dialog.programme.currentText().strip(), shown
        box = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)

    me.with_dialog(record_support, lambda: me.click(ledger.record_button))
    me.confirmed("Bảo hiểm y tế", "DX0002")
    assert ledger.model.rowCount() == before + 1 and ledger.table.currentIndex().isValid()  # the new row shown
    me.undo_redo(lambda: ledger.model.rowCount() == before, lambda: ledger.model.rowCount() == before + 1)

    # -- a batch: health insurance for every poor and near-poor member, one left out --------
    def batch(dialog: Any) -> None:
        me.click(dialog.preview_button)
        count = dialog.model.rowCount()
        assert count > 1
        dialog.model.setData(dialog.model.index(0, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
        me.click(dialog.apply_button)
        assert f"cho {count - 1} người" in me.messages[-1], me.messages[-1]  # asked with the count first
        dialog.reject()

    me.with_dialog(batch, lambda: me.click(ledger.batch_button))
    me.confirmed("Bảo hiểm y tế", "lô số")
    written = ledger.model.rowCount()
    assert written > before + 1
    me.undo_redo(lambda: ledger.model.rowCount() == before + 1, lambda: ledger.model.rowCount() == written)

    def batches(dialog: Any) -> None:  # the batch in the list of batches, its time as dd/mm/yyyy hh:mm
        model = dialog.model
        rows = [" | ".join(str(model.index(r, c).data() or "") for c in range(model.columnCount())) for r in range(1)]
        assert rows and today.toString("dd/MM/yyyy") in rows[0] and not RAW.search(rows[0]), rows
        dialog.reject()

    me.with_dialog(batches, lambda: me.click(ledger.batches_button))

    # -- a loan for a near-poor household ------------------------------------------------------
    support.side.setCurrentRow(1)
    loans = support.loans
    assert "Ghi khoản vay" in loans.status.text()  # an empty list says what to do

    def loan(dialog: Any) -> None:
        type_text(dialog.picker.search, "BS0001")
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.picker.results, Qt.Key.Key_Return)
        dialog.amount.setValue(50_000_000)
        box = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)

    me.with_dialog(loan, lambda: me.click(loans.loan_button))
    me.confirmed("khoản vay 50.000.000 đồng", "BS0001")
    me.undo_redo(lambda: loans.model.rowCount() == 0, lambda: loans.model.rowCount() == 1)

    # -- the plan, from the template ------------------------------------------------------------
    support.side.setCurrentRow(len(support.pages) - 1)
    plan_page = support.plan
    me.click(plan_page.create_button)
    me.confirmed("kế hoạch giảm nghèo năm", "chỉ tiêu")
    me.undo_redo(lambda: plan_page.model.rowCount() == 0, lambda: plan_page.model.rowCount() > 0)

    # -- a monthly report ---------------------------------------------------------------------------
    reports = me.tab("Báo cáo")
    reports.period_kind.setCurrentIndex(reports.period_kind.findText("Tháng"))
    me.click(reports.build_button)
    title = reports.title_label.text()
    assert f"Tháng {today.month()} năm {today.year()}" in title and not RAW.search(title), title
    assert reports.view.model().rowCount() > 0
    suggested = reports._default_name("pdf")  # the file name the save window offers
    assert suggested == f"mau-so-7.1-thang-{today.month()}-nam-{today.year()}.pdf", suggested

    # -- a backup to the USB stick --------------------------------------------------------------------
    usb = tmp_path / "USB"
    usb.mkdir()

    def back_up(dialog: Any) -> None:
        dialog.folder_edit.setText(str(usb))
        me.click(dialog.backup_button)
        result = dialog.result_label.text()
        assert result.startswith("Đã sao lưu") and "4 hộ" in result, result
        dialog.reject()

    me.with_dialog(back_up, window.action_backup.trigger)
    assert list(usb.glob("*.sqlite"))

    # -- the restore window shows that copy against today's data, in dd/mm/yyyy -----------------
    def look_at_copy(dialog: Any) -> None:
        texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        dialog.show_backup(next(usb.glob("*.sqlite")))
        info = re.sub(r"\S*/\S*", "", dialog.info.text())  # the paths aside
        assert "Xã Tân Lập ·" in info and "xã Tân Lập" not in info, info  # the unit word once
        found = [t for t in [*texts, info] if RAW.search(t) or ".sqlite" in t]
        assert found == [], found
        assert dialog.restore_button.isEnabled()
        dialog.reject()

    me.with_dialog(look_at_copy, window.action_restore.trigger)

    # -- the change history of the whole year reads in Vietnamese ------------------------------
    def history(dialog: Any) -> None:
        model = dialog.model
        rows = [
            " | ".join(str(model.index(r, c).data() or "") for c in range(model.columnCount()))
            for r in range(model.rowCount())
        ]
        assert len(rows) > 50
        raw = [row for row in rows if RAW.search(row) or '{"' in row]  # a column, an ISO date, a JSON value
        assert raw == [], raw[:5]
        view, header = dialog.view, dialog.view.horizontalHeader()  # the change itself in view, a third at least
        room = view.viewport().width()
        assert header.sectionViewportPosition(4) + header.sectionSize(4) <= room + 2, (header.length(), room)
        assert header.sectionSize(4) >= room // 3 - 2, (header.sectionSize(4), room)
        dialog.reject()

    me.with_dialog(history, window.action_audit.trigger)

    # -- nothing the officer read had a column name or an ISO date --------------------------------------
    raw = [m for m in me.messages if RAW.search(m.split("(giá trị")[0])]
    assert raw == [], raw
