"""The Rà soát tab walks an annual round from the list to the decision and closes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QMessageBox, QStyleOptionComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import demo, review
from giamngheo_desktop.services.session import open_session
from tests.ui.sync_tasks import SyncTaskRunner
from tests.ui.widgets import cell
from ui.tabs.review_tab import ReviewTab
from ui.workspace import Workspace


@pytest.fixture
def demo_workspace(tmp_path: Path) -> Iterator[Workspace]:
    path = tmp_path / "xa.sqlite"
    db = open_session(path)
    demo.generate(db, households=150, seed=6)
    db.close()
    workspace = Workspace(open_session(path), runner=SyncTaskRunner())
    yield workspace
    workspace.close()


def test_a_full_annual_round_in_the_tab(
    qtbot: QtBot, qtmodeltester: ModelTester, demo_workspace: Workspace, shown_errors: list[BaseException]
) -> None:
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    demo_workspace.changed.connect(tab.on_changes)
    assert "Chưa có đợt rà soát" in tab.info.text()

    round_id = tab.open_round("annual", "2026-11-15")
    assert round_id is not None and tab.model.rowCount() > 0
    assert all(tab.model.index(r, 4).data() == "Chưa tính" for r in range(tab.model.rowCount()))
    tab.compute()
    qtmodeltester.check(tab.model)
    assert tab.model.index(0, 4).data() in ("Hộ nghèo", "Hộ cận nghèo", "Hộ có mức sống trung bình", "Hộ không nghèo")
    assert "Thu nhập" in tab.model.index(0, 8).data()
    assert tab.meeting_button.isEnabled() and not tab.posting_button.isEnabled()

    villages = {r.village for r in tab.model.rows()}
    db = demo_workspace.db
    ids = [db.scalar("SELECT id FROM village WHERE name = ?", (v,)) for v in villages]
    assert tab.record_meeting(ids[0], "2026-11-20", 40, 19) is False  # 47.5 %: re-review
    assert not tab.advance("posting", posting_from="2026-11-21", posting_to="2026-11-24")
    assert "50 %" in str(shown_errors[-1])  # refused with the village named
    for vid in ids:
        assert tab.record_meeting(vid, "2026-11-22", 40, 30) is True
    assert tab.advance("posting", posting_from="2026-11-23", posting_to="2026-11-26")
    assert tab.advance("decision", decision_number="215/QĐ-UBND", decision_date="2026-12-05")
    tab.certificates()
    assert "Cấp giấy chứng nhận" in tab.steps.text()
    assert tab.close_round()
    assert review.get_round(db, round_id).step == "closed"
    assert not tab.compute_button.isEnabled()
    assert "✔" in tab.steps.text()


def test_changed_only_filter_shows_households_whose_class_would_change(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    with demo_workspace.db.atomic() as conn:
        conn.execute("UPDATE household SET income_per_capita = 3000000 WHERE poverty_class = 'poor'")
    tab.open_round("annual", "2026-11-15")
    tab.compute()
    everyone = tab.model.rowCount()
    tab.changed_only.setChecked(True)
    assert 0 < tab.model.rowCount() < everyone
    assert all(r.differs for r in tab.model.rows())


def test_b1_card_editor_saves_a_provincial_card_and_b1_total_classifies(
    qtbot: QtBot, demo_workspace: Workspace, shown_errors: list[BaseException]
) -> None:
    from ui.dialogs.card_editor_dialog import CardEditorDialog

    db = demo_workspace.db
    sample = review.list_cards(db)[0]
    dialog = CardEditorDialog(db, sample, None)
    qtbot.addWidget(dialog)
    cell(dialog.table, 0, 2).setText("55")
    dialog.cutoff.setValue(150)
    dialog.save()
    card = review.b1_card(db, "VN-2022-2025", "rural")
    assert card is not None and not card.is_sample and card.cutoff == 150
    assert card.questions[0]["options"][0]["points"] == 55
    dialog2 = CardEditorDialog(db, sample, None)
    qtbot.addWidget(dialog2)
    cell(dialog2.table, 1, 2).setText("nhiều")
    dialog2.save()
    assert shown_errors and "thiếu điểm" in str(shown_errors[0])
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    demo_workspace.changed.connect(tab.on_changes)
    tab.open_round("annual", "2026-11-15")
    hid = db.scalar("SELECT household_id FROM round_household LIMIT 1")
    with db.atomic() as conn:
        conn.execute("UPDATE household SET income_per_capita = NULL WHERE id = ?", (hid,))
    tab.compute()
    tab.set_b1(hid, 120)
    row = next(r for r in tab.model.rows() if r.household_id == hid)
    assert len(shown_errors) == 1, shown_errors  # only the refused card
    assert "Điểm B1 120" in row.reason and row.computed_class in ("poor", "near_poor")


def test_the_rounds_papers_print_from_the_tab(
    qtbot: QtBot, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "In giấy tờ của đợt": posting list, minutes, decision, a village's certificates of this round."""
    from PySide6.QtWidgets import QInputDialog

    from giamngheo_desktop.services import forms

    previews: list[Path] = []
    monkeypatch.setattr("ui.dialogs.papers.preview_pdf", lambda path, parent: previews.append(path))
    db = demo_workspace.db
    rid = review.run_complete_round(
        db, reference_date="2026-11-15", decision_number="9/QĐ-UBND", decision_date="2026-11-30"
    ).written_id
    vid = db.scalar("SELECT village_id FROM round_household WHERE round_id = ? AND final_class = 'poor'", (rid,))
    village = db.scalar("SELECT name FROM village WHERE id = ?", (vid,))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (village, True))
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    assert tab.round_id == rid and tab.print_button.isEnabled()
    labels = [a.text() for a in tab.print_button.menu().actions()]
    assert len(labels) == 4 and any("Mẫu số 02" in t for t in labels)
    for action in tab.print_button.menu().actions():
        action.trigger()
    assert len(previews) == 4 and all(p.exists() and p.stat().st_size > 2000 for p in previews)
    certificates = forms.certificate_households(db, rid, vid)
    from ui.dialogs.print_preview import load_pdf

    assert load_pdf(previews[-1]).pageCount() == len(certificates)  # one page per certificate of the village


def test_steps_guide_the_officer(qtbot: QtBot, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.tabs import review_tab

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    demo_workspace.changed.connect(tab.on_changes)
    assert not tab.meeting_button.isEnabled() and "Mở đợt" in tab.meeting_button.toolTip()
    tab.open_round("annual", "2026-11-15")
    assert not tab.meeting_button.isEnabled() and "chưa tính" in tab.meeting_button.toolTip()
    assert not tab.posting_button.isEnabled()
    tab.compute()
    assert tab.meeting_button.isEnabled() and not tab.posting_button.isEnabled()
    villages = [name for _vid, name in tab.round_villages()]
    for name in villages:  # the posting button names every village still to meet
        assert name in tab.posting_button.toolTip()
    assert all(tab.model.index(r, 5).data() == "" for r in range(tab.model.rowCount()))  # no meeting yet
    assert "màu hồng" in tab.legend.text()

    seen: dict[str, object] = {}

    def fill(dialog: review_tab.FormDialog) -> QDialog.DialogCode:
        from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox

        combo = dialog.findChildren(QComboBox)[0]
        seen["villages"] = [combo.itemText(i) for i in range(combo.count())]
        attendees, agreed = dialog.findChildren(QSpinBox)[:2]
        attendees.setValue(40)
        agreed.setValue(19)
        seen["low"] = [lbl.text() for lbl in dialog.findChildren(QLabel) if "đồng ý =" in lbl.text()]
        agreed.setValue(30)
        seen["high"] = [lbl.text() for lbl in dialog.findChildren(QLabel) if "đồng ý =" in lbl.text()]
        return review_tab.QDialog.DialogCode.Accepted

    monkeypatch.setattr(review_tab.FormDialog, "exec", fill)
    tab.ask_meeting()
    assert seen["villages"] == villages  # only the round's villages, those still to meet first
    assert seen["low"] == ["19/40 người đồng ý = 47,5 % — CHƯA ĐẠT (cần ít nhất 50 %): hộ của thôn phải rà soát lại"]
    assert seen["high"] == ["30/40 người đồng ý = 75,0 % — đạt"]
    met = villages[0]
    assert met not in tab.posting_button.toolTip()
    rows = [r for r in range(tab.model.rowCount()) if tab.model.index(r, 2).data() == met]
    assert rows and all(tab.model.index(r, 5).data() for r in rows)  # the meeting's result shows
    for _ in villages[1:]:
        tab.ask_meeting()
    assert tab.posting_button.isEnabled() and not tab.decision_button.isEnabled()
    assert "niêm yết" in tab.decision_button.toolTip()
    assert tab.advance("posting", posting_from="2026-11-23", posting_to="2026-11-26")
    assert tab.advance("decision", decision_number="215/QĐ-UBND", decision_date="2026-12-05")
    tab.certificates()
    assert tab.close_round()
    summary = tab.last_close_summary
    assert "Số hộ đổi phân loại" in summary and "giấy chứng nhận" in summary
    assert "Bản sao lưu trước khi đóng" in summary and shown[-1] == summary


def test_a_request_is_recorded_with_the_household_picker_and_waits_in_the_list(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.request_dialog import PendingRequestsDialog, RequestDialog

    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    demo_workspace.changed.connect(tab.on_changes)
    assert tab.pending_button.text() == "Đơn chờ xử lý…"
    dialog = RequestDialog(demo_workspace)
    qtbot.addWidget(dialog)
    dialog.content.setText("Gia đình có người ốm nặng")
    dialog.save()  # no household chosen: the form stays open with what was typed
    assert dialog.result() == 0 and "Chưa chọn hộ" in dialog.errors.text()
    assert dialog.content.text() == "Gia đình có người ốm nặng"
    code = demo_workspace.db.scalar("SELECT code FROM household ORDER BY id LIMIT 1")
    dialog.picker.search.setText(code)
    dialog.picker.run_search()
    QApplication.processEvents()
    assert dialog.picker.household_id is not None
    dialog.form.setCurrentIndex(dialog.form.findData("04"))
    dialog.save()
    assert dialog.result() == 1
    assert tab.pending_button.text() == "Đơn chờ xử lý (1)…"
    pending = PendingRequestsDialog(demo_workspace)
    qtbot.addWidget(pending)
    assert pending.model.rowCount() == 1
    assert pending.model.index(0, 1).data() == code and pending.model.index(0, 3).data() == "Mẫu số 04"
    assert pending.model.index(0, 4).data() == "Gia đình có người ốm nặng"


def test_recording_correcting_and_removing_a_request_are_undone_with_ctrl_z(
    qtbot: QtBot, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.request_dialog import PendingRequestsDialog, RequestDialog

    ws = demo_workspace
    notices: list[str] = []
    ws.notice.connect(notices.append)
    first = ws.db.row("SELECT id, code FROM household ORDER BY id LIMIT 1")
    assert first is not None
    hid, code = first.values()
    dialog = RequestDialog(ws, household_id=hid)
    qtbot.addWidget(dialog)
    dialog.content.setText("Mất mùa")
    dialog.save()
    assert notices[-1].startswith(f"Đã ghi: đơn Mẫu số 01 của hộ {code}") and notices[-1].endswith(
        "— Hoàn tác (Ctrl+Z)"
    )
    pending = PendingRequestsDialog(ws)
    qtbot.addWidget(pending)
    assert pending.model.rowCount() == 1
    ws.undo_stack.undo()  # the request recorded by mistake is gone; the open list follows
    assert notices[-1].startswith("Đã hoàn tác: đơn Mẫu số 01") and pending.model.rowCount() == 0
    ws.undo_stack.redo()
    assert pending.model.rowCount() == 1 and pending.model.index(0, 4).data() == "Mất mùa"
    # correct it (the form opens on the request), then undo the correction
    pending.table.selectRow(0)
    monkeypatch.setattr(
        RequestDialog,
        "exec",
        lambda self: (self.content.setText("Mất mùa, người ốm"), self.form.setCurrentIndex(1), self.save())[-1],
    )
    pending.edit()
    assert pending.model.index(0, 4).data() == "Mất mùa, người ốm" and pending.model.index(0, 3).data() == "Mẫu số 04"
    assert notices[-1].startswith("Đã ghi: sửa đơn Mẫu số 04")
    ws.undo_stack.undo()
    assert pending.model.index(0, 4).data() == "Mất mùa" and pending.model.index(0, 3).data() == "Mẫu số 01"
    # remove it, then take the removal back: the same request, as it was
    pending.table.selectRow(0)
    pending.remove()
    assert (
        pending.model.rowCount() == 0 and notices[-1] == f"Đã ghi: xóa đơn Mẫu số 01 của hộ {code} — Hoàn tác (Ctrl+Z)"
    )
    ws.undo_stack.undo()
    assert pending.model.rowCount() == 1 and pending.model.index(0, 4).data() == "Mất mùa"


def test_a_round_opened_after_the_tab_was_shown_is_read_whole_in_the_list(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    """The list kept the width it had when first shown: a monthly round opened later read
    "Rà soát thường xuyên tháng 12/2026 — ngày tham chiếu (" at 1366 px."""
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    tab.resize(1316, 600)
    tab.open_round("annual", "2026-11-15")
    tab.show()
    qtbot.waitExposed(tab)
    combo = tab.round_combo
    qtbot.waitUntil(lambda: combo.width() >= combo.sizeHint().width())
    db = demo_workspace.db
    hid = db.scalar("SELECT id FROM household WHERE poverty_class = 'not_poor' ORDER BY id LIMIT 1")
    review.record_request(db, household_id=hid, form="01", request_date="2026-12-15", content="Mất mùa")
    tab.open_round("monthly", "2026-12-15")
    text = combo.currentText()
    assert text.startswith("Rà soát thường xuyên tháng 12/2026") and "Lập danh sách" in text
    qtbot.wait(50)  # the layout settles
    room = combo.style().subControlRect(
        combo.style().ComplexControl.CC_ComboBox,
        _combo_option(combo),
        combo.style().SubControl.SC_ComboBoxEditField,
        combo,
    )
    assert combo.fontMetrics().horizontalAdvance(text) <= room.width(), (text, room.width())


def _combo_option(combo: QComboBox) -> QStyleOptionComboBox:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    return option


def test_enter_alone_on_the_meeting_form_records_nothing(qtbot: QtBot, demo_workspace: Workspace) -> None:
    """The form opened on 1 attendee, 0 agreeing: Enter recorded a failed meeting (0 %) at once."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QDialogButtonBox, QLabel, QSpinBox

    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    tab.open_round("annual", "2026-11-15")
    tab.compute()
    seen: dict[str, object] = {}

    def answer() -> None:
        dialog = tab.meeting_dialog
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        seen["at first"] = ok.isEnabled()
        hint = next(label for label in dialog.findChildren(QLabel) if label.text() == "Nhập số người dự họp.")
        seen["hint coloured"] = "color" in hint.styleSheet()  # green read as "đạt" before any figure
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        seen["open after Enter"] = dialog.isVisible()
        attendees, agreed = dialog.findChildren(QSpinBox)[:2]
        attendees.setValue(40)
        agreed.setValue(30)
        seen["once typed"] = ok.isEnabled()
        dialog.reject()

    QTimer.singleShot(0, answer)
    tab.ask_meeting()
    assert seen == {"at first": False, "hint coloured": False, "open after Enter": True, "once typed": True}
    assert tab.round_id is not None and review.meetings(demo_workspace.db, tab.round_id) == []


def test_the_step_buttons_stay_put_when_the_round_summary_wraps(qtbot: QtBot, demo_workspace: Workspace) -> None:
    """At 1366 px the summary wraps once classes are computed: the buttons under it moved 18 px down."""
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    tab.resize(1316, 600)
    tab.show()
    qtbot.waitExposed(tab)
    tab.open_round("annual", "2026-11-15")
    tab.info.setText("Rà soát định kỳ · 150 hộ")  # one line
    qtbot.wait(20)
    before = tab.meeting_button.mapTo(tab, tab.meeting_button.rect().topLeft()).y()
    tab.info.setText("Rà soát định kỳ · 150 hộ · " + "Hộ nghèo: 12, Hộ cận nghèo: 30 · " * 8)  # wraps
    qtbot.wait(20)
    assert tab.meeting_button.mapTo(tab, tab.meeting_button.rect().topLeft()).y() == before


def test_the_rounds_table_needs_no_sideways_scrolling_at_1366(qtbot: QtBot, demo_workspace: Workspace) -> None:
    """The reason column (520 px, or its text's length) pushed the table past the screen's edge."""
    tab = ReviewTab(demo_workspace)
    qtbot.addWidget(tab)
    demo_workspace.changed.connect(tab.on_changes)
    tab.resize(1316, 600)
    tab.show()
    qtbot.waitExposed(tab)
    tab.open_round("annual", "2026-11-15")
    tab.compute()
    qtbot.wait(20)
    header = tab.table.horizontalHeader()
    assert header.length() <= tab.table.viewport().width(), (header.length(), tab.table.viewport().width())
    reasons = [tab.model.index(r, 8) for r in range(tab.model.rowCount()) if tab.model.index(r, 8).data()]
    assert reasons and all(i.data(Qt.ItemDataRole.ToolTipRole) == i.data() for i in reasons)  # whole on pointing
