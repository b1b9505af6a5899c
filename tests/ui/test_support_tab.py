"""The Hỗ trợ tab: record a support and a loan through the dialogs, batch preview/apply/undo,
gap lists with export, the plan dashboard; every table model passes qtmodeltester."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import plan, support
from giamngheo_desktop.services.session import open_session
from giamngheo_desktop.services.support import LedgerQuery, SupportInput
from tests.support_builders import small_register
from tests.ui.sync_tasks import SyncTaskRunner
from tests.ui.widgets import type_text
from ui.dialogs.batch_support_dialog import BatchSupportDialog
from ui.dialogs.class_dialog import ClassDialog, TraineesModel
from ui.dialogs.loan_dialog import LoanDialog
from ui.dialogs.plan_dialog import PlanDialog
from ui.dialogs.support_dialog import HouseholdPicker, SupportDialog
from ui.models.support_ledger_model import SupportLedgerModel
from ui.tabs.support_tab import GapsPage, SupportTab
from ui.widgets.plan_dashboard import LABEL_LIMIT, PlanDashboard
from ui.workspace import Workspace

pytestmark = [pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture(autouse=True)
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions the dialogs asked; every one is answered Yes."""
    questions: list[str] = []

    def yes(_parent: QWidget | None, _title: str, text: str, *args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    return questions


@pytest.fixture
def ids(db_path: Path) -> dict[str, int]:
    """The small register of ``support_builders.small_register`` (names → ids), written before ``ws`` opens."""
    db = open_session(db_path)
    try:
        return small_register(db)
    finally:
        db.close()


@pytest.fixture
def ws(db_path: Path, ids: dict[str, int]) -> Iterator[Workspace]:
    workspace = Workspace.open(db_path, runner=SyncTaskRunner())
    yield workspace
    workspace.close()


def pick_household(qtbot: QtBot, picker: HouseholdPicker, text: str) -> None:
    type_text(picker.search, text)
    qtbot.waitUntil(lambda: picker.results.count() >= 1, timeout=2000)
    picker.results.setCurrentRow(0)


def drawn_red(dashboard: PlanDashboard) -> list[str]:
    """The targets the dashboard draws in red (lagging)."""
    return [c for c, s in zip(dashboard.categories, dashboard.states, strict=True) if s == "lagging"]


def test_ledger_model_pages_and_passes_modeltester(
    ws: Workspace, ids: dict[str, int], qtmodeltester: ModelTester
) -> None:
    for year in range(2019, 2026):
        support.record_support(
            ws.db,
            data=SupportInput(
                household_id=ids["A"], type_code="electricity", support_date=f"{year}-02-01", amount=147_000
            ),
        )
    model = SupportLedgerModel(ws.db, page_size=3)
    model.set_query(LedgerQuery())
    assert model.rowCount() == 3 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 7 and model.total_count == 7
    assert model.index(0, 0).data() == "01/02/2025"
    assert model.index(0, 7).data() == "147.000"
    qtmodeltester.check(model)


def test_record_support_through_the_dialog(ws: Workspace, ids: dict[str, int], qtbot: QtBot) -> None:
    dialog = SupportDialog(ws)
    qtbot.addWidget(dialog)
    pick_household(qtbot, dialog.picker, "Hằng")  # a member's name finds the household
    assert dialog.picker.household is not None and dialog.picker.household.code == "DX-001"
    dialog.member.setCurrentIndex(dialog.member.findText("Lò Thị Hằng, 1985"))
    dialog.type.setCurrentIndex(dialog.type.findData("vocational_training"))
    assert dialog.unit.text() == "người"
    assert "Dự án 4" in dialog.programme.currentText() or "Hợp phần" in dialog.programme.currentText()
    dialog.amount.setValue(2_500_000)
    with qtbot.waitSignal(ws.changed, timeout=1000):
        dialog.save()
    rows = support.household_history(ws.db, ids["A"])
    assert [(r.type_code, r.member_name, r.amount) for r in rows] == [("vocational_training", "Lò Thị Hằng", 2_500_000)]


def test_dialog_shows_validation_and_keeps_open(ws: Workspace, qtbot: QtBot) -> None:
    dialog = SupportDialog(ws)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.errors.isVisibleTo(dialog) and "Chưa chọn hộ" in dialog.errors.text()
    assert support.ledger_total(ws.db, LedgerQuery())[0] == 0


def test_record_a_loan_and_see_it_in_the_loans_page(ws: Workspace, qtbot: QtBot) -> None:
    tab = SupportTab(ws)
    qtbot.addWidget(tab)
    ws.changed.connect(tab.on_changes)
    tab.side.setCurrentRow(1)
    dialog = LoanDialog(ws)
    qtbot.addWidget(dialog)
    pick_household(qtbot, dialog.picker, "TH-002")
    dialog.programme.setCurrentIndex(dialog.programme.findData("near_poor"))
    assert dialog.rate.value() == pytest.approx(7.92)
    dialog.amount.setValue(40_000_000)
    dialog.save()
    assert tab.loans.model.rowCount() == 1
    assert "dư nợ 40.000.000 đồng" in tab.loans.status.text()


def test_the_loan_forms_household_list_reads_whole(ws: Workspace, qtbot: QtBot) -> None:
    """The loan form was ~500 px: "DX01 — Nguyễn Văn Hùng — Đồng Xuân — Hộ cận nghè" behind a scroll bar."""
    dialog = LoanDialog(ws)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pick_household(qtbot, dialog.picker, "TH-002")
    results = dialog.picker.results
    item = results.item(0)
    assert item is not None and " — " in item.text()
    qtbot.wait(20)
    assert results.fontMetrics().horizontalAdvance(item.text()) <= results.viewport().width(), item.text()
    assert not results.horizontalScrollBar().isVisible()


def test_batch_preview_apply_and_undo(
    ws: Workspace, qtbot: QtBot, qtmodeltester: ModelTester, asked: list[str]
) -> None:
    dialog = BatchSupportDialog(ws)
    qtbot.addWidget(dialog)
    assert dialog.type.currentData() == "health_insurance"
    dialog.run_preview()
    assert dialog.preview is not None and dialog.preview.count == 4
    assert "cho 4 người" in dialog.count_label.text()
    qtmodeltester.check(dialog.model)
    dialog.apply()
    assert "cho 4 người" in asked[-1]  # confirmed before writing, with the count
    assert support.ledger_total(ws.db, LedgerQuery(type_code="health_insurance"))[0] == 4
    assert dialog.undo_button.isEnabled()
    dialog.undo()
    assert support.ledger_total(ws.db, LedgerQuery())[0] == 0


def test_batch_health_insurance_goes_to_members_and_unticked_rows_are_left_out(
    ws: Workspace, qtbot: QtBot, asked: list[str]
) -> None:
    notices: list[str] = []
    ws.notice.connect(notices.append)
    dialog = BatchSupportDialog(ws)
    qtbot.addWidget(dialog)
    kinds = [dialog.kind.itemData(i) for i in range(dialog.kind.count())]
    assert "households_of_class" not in kinds  # health insurance is per member, never "Cả hộ"
    dialog.kind.setCurrentIndex(dialog.kind.findData("members_of_class"))
    dialog.amount.setValue(1_000_000)
    dialog.run_preview()
    assert dialog.preview is not None and dialog.preview.member_level and all(r.member_id for r in dialog.model.rows())
    everyone = dialog.preview.count
    left_out = dialog.model.rows()[0]
    dialog.model.setData(dialog.model.index(0, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert f"cho {everyone - 1} người, tổng {everyone - 1}.000.000 đồng" in dialog.count_label.text()
    dialog.apply()
    assert f"cho {everyone - 1} người, tổng {everyone - 1}.000.000 đồng?" in asked[-1]
    written = support.ledger_page(ws.db, LedgerQuery(type_code="health_insurance"))
    assert len(written) == everyone - 1 and all(r.member_id for r in written)
    assert left_out.member_id not in {r.member_id for r in written}
    assert notices[-1].startswith("Đã ghi: Bảo hiểm y tế cho") and notices[-1].endswith("Hoàn tác (Ctrl+Z)")
    ws.undo_stack.undo()  # Ctrl+Z takes the whole batch back
    assert support.ledger_total(ws.db, LedgerQuery())[0] == 0 and notices[-1].startswith("Đã hoàn tác")
    ws.undo_stack.redo()
    assert support.ledger_total(ws.db, LedgerQuery())[0] == everyone - 1


def test_a_household_level_support_in_a_batch_goes_to_the_household(ws: Workspace, qtbot: QtBot) -> None:
    dialog = BatchSupportDialog(ws, type_code="clean_water")
    qtbot.addWidget(dialog)
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == ["households_of_class"]


def test_class_dialog_with_trainees(
    ws: Workspace, ids: dict[str, int], qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    dialog = ClassDialog(ws)
    qtbot.addWidget(dialog)
    type_text(dialog.name, "Lớp may công nghiệp")
    pick_household(qtbot, dialog.picker, "DX-001")
    dialog.member.setCurrentIndex(dialog.member.findData(ids["hang"]))
    dialog.add_trainee()
    model: TraineesModel = dialog.trainees
    assert model.rowCount() == 1
    model.setData(model.index(0, 4), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.index(0, 3).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked  # found work ⇒ completed
    qtmodeltester.check(model)
    dialog.save()
    from giamngheo_desktop.services import programmes

    row = programmes.list_classes(ws.db, year=2026)[0]
    assert (row.name, row.trainees, row.completed, row.employed) == ("Lớp may công nghiệp", 1, 1, 1)


def test_gap_page_lists_one_village_and_exports(
    ws: Workspace,
    ids: dict[str, int],
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = GapsPage(ws)
    qtbot.addWidget(page)
    page.open_after_print = False
    page.gap.setCurrentIndex(page.gap.findData("health_insurance"))
    page.village.setCurrentIndex(page.village.findData(ids["v2"]))
    page.refresh()
    names = [page.model.row_at(i).member_name for i in range(page.model.rowCount())]
    assert names == ["Trần Thị Mai", "Hoàng Văn Sáng"]
    qtmodeltester.check(page.model)
    target = tmp_path / "bhyt-tan-hoa.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export("pdf")
    assert page.last_file == target and target.read_bytes().startswith(b"%PDF")


def _label_ink(dashboard: PlanDashboard) -> int:
    """How far left of the bars the category labels reach, in pixels (a label cut to "…" is ~10 px)."""
    image = dashboard.grab().toImage()
    plot = dashboard.chart.plotArea().toRect()
    left = plot.left() - 3  # the axis line itself is not a label
    for x in range(0, left):
        for y in range(plot.top(), plot.bottom()):
            if image.pixelColor(x, y).lightness() < 110:
                return left - x
    return 0


def test_plan_chart_labels_are_drawn_whole_in_the_room_they_have_at_1366(ws: Workspace, qtbot: QtBot) -> None:
    """14 targets in the ~420×470 px the chart gets beside the table: QtCharts drew every label as "…"."""
    plan.create_plan_from_template(ws.db, year=2026)
    found = plan.plan_for_year(ws.db, 2026)
    assert found is not None
    dashboard = PlanDashboard()
    qtbot.addWidget(dashboard)
    dashboard.resize(424, 475)
    dashboard.set_targets(plan.progress(ws.db, found.id).targets)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    assert _label_ink(dashboard) > 100  # "14. Cán bộ được tập huấn" is ~125 px wide


def test_plan_page_dashboard_moves_with_a_batch(ws: Workspace, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    tab = SupportTab(ws)
    qtbot.addWidget(tab)
    ws.changed.connect(tab.on_changes)
    tab.resize(1200, 800)
    tab.side.setCurrentRow(4)
    page = tab.plan
    assert page.create_button.isEnabled()
    page.create_from_template()
    assert page.model.rowCount() == 14
    assert page.plan_id is not None  # the new plan is the one the page shows
    qtmodeltester.check(page.model)
    assert page.progress is not None
    hi = next(t for t in page.progress.targets if t.code == "hi_coverage")
    assert hi.value == 33.33 and hi.lagging
    assert len(page.dashboard.categories) == 14
    assert any("BHYT" in label for label in drawn_red(page.dashboard))
    # short labels drawn whole (numbered as the table's rows), the full text in the tooltip
    labels = list(reversed(page.dashboard.categories))
    assert labels[0] == "1. Mô hình" and labels[6] == "7. Có thẻ BHYT"
    assert all(len(label) <= LABEL_LIMIT and "…" not in label for label in labels)
    tips = list(reversed(page.dashboard.tooltips))
    assert tips[0] == ("1. Mô hình, dự án giảm nghèo hỗ trợ phát triển sản xuất\nChưa đặt chỉ tiêu (mẫu: 10 mô hình)")
    assert tips[6].startswith("7. Người thuộc hộ nghèo, cận nghèo có thẻ BHYT\n33/100 % — đạt 33 % — Chậm")
    # a count left to fill: not lagging, the template's value as a hint in the table
    models = page.progress.targets[0]
    assert models.target is None and not models.lagging
    assert page.model.index(0, 1).data() == "chưa đặt" and page.model.index(0, 4).data() == "Chưa đặt"
    image = page.dashboard.grab()
    assert not image.isNull() and image.width() > 100

    dialog = BatchSupportDialog(ws)
    qtbot.addWidget(dialog)
    dialog.run_preview()
    dialog.apply()  # broadcast → the plan page refreshes
    assert page.progress is not None
    hi = next(t for t in page.progress.targets if t.code == "hi_coverage")
    assert hi.value == 100.0 and hi.achieved
    assert not any("BHYT" in label for label in drawn_red(page.dashboard))

    edit = PlanDialog(ws, page.plan_id)
    qtbot.addWidget(edit)
    qtmodeltester.check(edit.targets)
    assert edit.targets.index(0, 2).data() == "" and edit.targets.index(0, 4).data() == "Mẫu: 10"
    assert "kế hoạch mẫu: 10 mô hình" in edit.targets.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    edit.targets.setData(edit.targets.index(0, 2), "12")
    edit.save()
    assert plan.progress(ws.db, page.plan_id).targets[0].target == 12


def test_edit_a_support_and_record_a_repayment(ws: Workspace, ids: dict[str, int], qtbot: QtBot) -> None:
    saved = support.record_support(
        ws.db,
        data=SupportInput(household_id=ids["D"], type_code="tet_emergency", support_date="2026-01-20", amount=500_000),
    )
    dialog = SupportDialog(ws, support_id=saved.id)
    qtbot.addWidget(dialog)
    assert (
        dialog.picker.household is not None
        and dialog.picker.household.code == "TH-004"
        and dialog.amount.value() == 500_000
    )
    dialog.amount.setValue(800_000)
    dialog.save()
    assert support.get_support(ws.db, saved.written_id).amount == 800_000
    assert support.ledger_total(ws.db, LedgerQuery())[0] == 1

    loan = support.record_loan(
        ws.db,
        data=support.LoanInput(
            household_id=ids["D"],
            programme_code="poor",
            amount=20_000_000,
            term_months=24,
            disbursement_date="2026-01-05",
        ),
    )
    from ui.dialogs.loan_dialog import RepaymentDialog

    repay = RepaymentDialog(ws, support.get_loan(ws.db, loan.written_id))
    qtbot.addWidget(repay)
    repay.principal.setValue(5_000_000)
    repay.save()
    assert support.get_loan(ws.db, loan.written_id).outstanding == 15_000_000
    again = RepaymentDialog(ws, support.get_loan(ws.db, loan.written_id))
    qtbot.addWidget(again)
    assert again.history.rowCount() == 1 and again.history.index(0, 1).data() == "5.000.000"
    again.history_view.setCurrentIndex(again.history.index(0, 0))
    again.cancel_selected()
    assert support.get_loan(ws.db, loan.written_id).outstanding == 20_000_000


def test_support_the_gap_list_on_screen(ws: Workspace, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    page = GapsPage(ws)
    qtbot.addWidget(page)
    page.gap.setCurrentIndex(page.gap.findData("water"))
    page.refresh()
    assert [page.model.row_at(i).household_code for i in range(page.model.rowCount())] == ["DX-001", "TH-004"]
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        assert dialog.type.currentData() == "clean_water"
        dialog.run_preview()
        assert dialog.preview.count == 2
        dialog.apply()
        return 0

    monkeypatch.setattr(BatchSupportDialog, "exec", fake_exec)
    page.support_list()
    assert len(opened) == 1
    page.refresh()
    assert page.model.rowCount() == 0  # a clean-water support closes the gap
