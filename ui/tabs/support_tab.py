"""The Hỗ trợ tab: ledger, loans, models/classes/trainings, coverage gaps and the year's plan.

Pages (a side list): **Sổ hỗ trợ** (newest first, paged with fetchMore, filters by
year/type/village, total in the status line), **Vay vốn** (loans with outstanding
balance, repayments), **Mô hình / Lớp nghề / Tập huấn**, **Thiếu hụt hỗ trợ** (gap lists
by village, export to Excel and print to PDF) and **Kế hoạch** (targets + dashboard).
Gap lists, plan progress and exports run off the GUI thread (``workspace.run_task``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.export.coverage_pdf import write_gap_list
from giamngheo_desktop.services import commune, coverage, plan, plan_state, programmes, support
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.support import BatchTarget, LedgerQuery
from ui import errors, files
from ui.dialogs.batch_support_dialog import BatchListDialog, BatchSupportDialog
from ui.dialogs.class_dialog import ClassDialog, StaffListDialog, StaffTrainingDialog
from ui.dialogs.loan_dialog import LoanDialog, RepaymentDialog
from ui.dialogs.model_dialog import ModelDialog
from ui.dialogs.plan_dialog import PlanDialog
from ui.dialogs.support_dialog import SupportDialog
from ui.models.support_ledger_model import SupportLedgerModel
from ui.models.support_rows_model import Column, RowsTableModel, money, vn_date
from ui.undo import record_write
from ui.widgets.plan_dashboard import PlanDashboard
from ui.workspace import Workspace

FIRST_YEAR = 2021
# the support type that closes each gap (what "Ghi hỗ trợ cho danh sách" proposes)
GAP_SUPPORT = {
    "health_insurance": "health_insurance",
    "school": "education",
    "housing": "housing_repair",
    "water": "clean_water",
    "latrine": "latrine",
    "internet": "information",
    "information": "information",
}


def _table(model: Any, *, stretch: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(True)
    return view


def _village_combo(workspace: Workspace, all_text: str = "Tất cả các thôn") -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_text, None)
    for v in commune.list_villages(workspace.db):
        combo.addItem(v.name, v.id)
    return combo


def _year_combo(with_all: bool = True) -> QComboBox:
    combo = QComboBox()
    if with_all:
        combo.addItem("Mọi năm", None)
    for year in range(clock.today().year + 1, FIRST_YEAR - 1, -1):
        combo.addItem(str(year), year)
    combo.setCurrentIndex(combo.findData(clock.today().year))
    return combo


def _year_spin() -> QSpinBox:
    box = QSpinBox()
    box.setRange(2000, 2100)
    box.setValue(clock.today().year)
    box.setPrefix("Năm ")
    return box


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}".replace(".", ",")


class Page(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.dirty = True
        self.generation = 0  # background reads: only the latest result is shown

    def refresh(self) -> None:
        self.dirty = False

    def can_edit(self) -> bool:
        return self.workspace.actor.can(Permission.EDIT_SUPPORT)


# ------------------------------------------------------------------ ledger ----
class LedgerPage(Page):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.year = _year_combo()
        self.type = QComboBox()
        self.type.addItem("Mọi loại hỗ trợ", None)
        for t in support.support_types(workspace.db):
            self.type.addItem(t.name, t.code)
        self.village = _village_combo(workspace)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo mã hộ, tên thành viên…")
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for w in (self.year, self.type, self.village):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        self.record_button = QPushButton("Ghi nhận hỗ trợ…")
        self.batch_button = QPushButton("Hỗ trợ theo lô…")
        self.batches_button = QPushButton("Các lô hỗ trợ…")
        self.edit_button = QPushButton("Sửa bản ghi…")
        self.cancel_button = QPushButton("Hủy bản ghi đã chọn")
        actions = QHBoxLayout()
        for b in (self.record_button, self.batch_button, self.batches_button, self.edit_button, self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.model = SupportLedgerModel(workspace.db, self)
        self.table = _table(self.model, stretch=10)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.year, self.type, self.village):
            combo.currentIndexChanged.connect(self.refresh)
        self.record_button.clicked.connect(self.record)
        self.batch_button.clicked.connect(self.batch)
        self.batches_button.clicked.connect(lambda: BatchListDialog(self.workspace, self).exec())
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        for b in (self.record_button, self.batch_button, self.edit_button, self.cancel_button):
            b.setEnabled(self.can_edit())

    def query(self) -> LedgerQuery:
        return LedgerQuery(
            year=self.year.currentData(),
            type_code=self.type.currentData(),
            village_id=self.village.currentData(),
            text=self.search.text(),
        )

    def refresh(self) -> None:
        super().refresh()
        self.model.set_query(self.query())
        if self.model.total_count == 0:
            self.status.setText(
                "Chưa có hỗ trợ nào theo bộ lọc này: bấm “Ghi nhận hỗ trợ…” cho một hộ, hoặc “Hỗ trợ theo lô…”"
                " (ví dụ thẻ BHYT cho mọi người nghèo, cận nghèo)."
            )
        else:
            self.status.setText(
                f"{self.model.total_count} lượt hỗ trợ — tổng số tiền {money(self.model.total_amount)} đồng"
            )

    def record(self) -> None:
        dialog = SupportDialog(self.workspace, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.select_support(dialog.saved_id)

    def select_support(self, support_id: int) -> bool:
        """Select and show the row of ``support_id`` (the filters are cleared if they hide it)."""
        row = self.model.row_of(support_id)
        if row < 0:
            for combo in (self.year, self.type, self.village):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)  # "Mọi năm", "Mọi loại…", "Tất cả các thôn"
                combo.blockSignals(False)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.refresh()
            row = self.model.row_of(support_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectRow(row)
        self.table.scrollTo(index)
        return True

    def batch(self) -> None:
        BatchSupportDialog(self.workspace, self).exec()

    def edit_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.can_edit():
            return
        row = self.model.row_at(index.row())
        if row.type_code == support.LOAN_TYPE:
            QMessageBox.information(
                self, "Sửa bản ghi", "Đây là khoản vay: xem và ghi trả nợ ở mục Vay vốn; muốn sửa thì hủy rồi ghi lại."
            )
            return
        dialog = SupportDialog(self.workspace, support_id=row.id, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.select_support(dialog.saved_id)

    def cancel_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        answer = QMessageBox.question(
            self,
            "Hủy bản ghi hỗ trợ",
            f"Hủy bản ghi “{row.type_name}” ngày {vn_date(row.support_date)} của hộ {row.household_code}?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.workspace.db
        try:
            changes = support.cancel_support(db, support_id=row.id)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        record_write(
            self.workspace,
            f"hủy bản ghi {row.type_name} ngày {vn_date(row.support_date)} của hộ {row.household_code}",
            changes,
            undo=lambda: support.restore_support(db, support_id=row.id),
            redo=lambda: support.cancel_support(db, support_id=row.id),
        )


# ------------------------------------------------------------------- loans ----
class LoansPage(Page):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.village = _village_combo(workspace)
        self.open_only = QCheckBox("Chỉ khoản còn dư nợ")
        self.open_only.setChecked(True)
        self.loan_button = QPushButton("Ghi khoản vay…")
        self.repay_button = QPushButton("Ghi trả nợ…")
        top = QHBoxLayout()
        for w in (self.village, self.open_only, self.loan_button, self.repay_button):
            top.addWidget(w)
        top.addStretch(1)
        self.model = RowsTableModel(
            [
                Column("Mã hộ", lambda r: r.household_code),
                Column("Chủ hộ", lambda r: r.head_name),
                Column("Thôn", lambda r: r.village_name),
                Column("Chương trình cho vay", lambda r: r.programme_name),
                Column("Số tiền vay", lambda r: r.amount, money, numeric=True),
                Column("Lãi suất %/năm", lambda r: r.interest_rate, _pct, numeric=True),
                Column("Ngày giải ngân", lambda r: r.disbursement_date, vn_date),
                Column("Đến hạn", lambda r: r.due_date, vn_date),
                Column("Đã trả gốc", lambda r: r.principal_repaid, money, numeric=True),
                Column("Dư nợ", lambda r: r.outstanding, money, numeric=True),
                Column("Tình trạng", lambda r: r.status_label),
            ],
            highlight=lambda r: r.status == "overdue",
        )
        self.table = _table(self.model, stretch=3)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.village.currentIndexChanged.connect(self.refresh)
        self.open_only.toggled.connect(self.refresh)
        self.loan_button.clicked.connect(self.record_loan)
        self.repay_button.clicked.connect(self.repay)
        self.loan_button.setEnabled(self.can_edit())
        self.repay_button.setEnabled(self.can_edit())

    def refresh(self) -> None:
        super().refresh()
        loans = support.list_loans(
            self.workspace.db, village_id=self.village.currentData(), open_only=self.open_only.isChecked()
        )
        self.model.set_rows(loans)
        outstanding = sum(loan.outstanding for loan in loans)
        self.status.setText(
            f"{len(loans)} khoản vay — tổng dư nợ {money(outstanding)} đồng"
            if loans
            else "Chưa có khoản vay nào theo bộ lọc này: bấm “Ghi khoản vay…” khi Ngân hàng CSXH giải ngân."
        )

    def record_loan(self) -> None:
        dialog = LoanDialog(self.workspace, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.select_loan(dialog.saved_id)

    def select_loan(self, loan_id: int) -> bool:
        ids = [self.model.row_at(n).id for n in range(self.model.rowCount())]
        if loan_id not in ids and self.village.currentIndex() > 0:
            self.village.setCurrentIndex(0)  # refreshes
            ids = [self.model.row_at(n).id for n in range(self.model.rowCount())]
        if loan_id not in ids:
            return False
        row = ids.index(loan_id)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def repay(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            QMessageBox.information(self, "Ghi trả nợ", "Hãy chọn một khoản vay trong danh sách trước.")
            return
        RepaymentDialog(self.workspace, self.model.row_at(index.row()), self).exec()


# -------------------------------------------------------------- programmes ----
class ProgrammesPage(Page):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.year = _year_spin()
        top = QHBoxLayout()
        top.addWidget(self.year)
        self.staff_label = QLabel()
        top.addWidget(self.staff_label, 1)
        self.models = RowsTableModel(
            [
                Column("Tên mô hình", lambda r: r.name),
                Column("Thôn", lambda r: r.village_name),
                Column("Số hộ", lambda r: r.households, numeric=True),
                Column("Kinh phí", lambda r: r.budget, money, numeric=True),
                Column("Bắt đầu", lambda r: r.start_date, vn_date),
            ]
        )
        self.classes = RowsTableModel(
            [
                Column("Tên lớp", lambda r: r.name),
                Column("Nghề", lambda r: r.occupation),
                Column("Học viên", lambda r: r.trainees, numeric=True),
                Column("Hoàn thành", lambda r: r.completed, numeric=True),
                Column("Có việc làm", lambda r: r.employed, numeric=True),
                Column("Kinh phí", lambda r: r.budget, money, numeric=True),
            ]
        )
        self.trainings = RowsTableModel(
            [
                Column("Nội dung tập huấn", lambda r: r.title),
                Column("Ngày", lambda r: r.held_date, vn_date),
                Column("Đơn vị tổ chức", lambda r: r.organiser),
                Column("Người dự", lambda r: r.attendees, numeric=True),
            ]
        )
        self.models_view = _table(self.models, stretch=0)
        self.classes_view = _table(self.classes, stretch=0)
        self.trainings_view = _table(self.trainings, stretch=0)
        self.add_model = QPushButton("Thêm mô hình…")
        self.edit_model = QPushButton("Sửa mô hình…")
        self.add_class = QPushButton("Thêm lớp nghề…")
        self.edit_class = QPushButton("Sửa lớp, học viên…")
        self.add_training = QPushButton("Thêm đợt tập huấn…")
        self.staff_button = QPushButton("Danh sách cán bộ…")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for title, view, buttons in (
            ("Mô hình giảm nghèo", self.models_view, (self.add_model, self.edit_model)),
            ("Lớp đào tạo nghề", self.classes_view, (self.add_class, self.edit_class)),
            ("Tập huấn cán bộ", self.trainings_view, (self.add_training, self.staff_button)),
        ):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
                b.setEnabled(self.can_edit())
            row.addStretch(1)
            inner.addLayout(row)
            inner.addWidget(view)
            layout.addWidget(box, 1)
        self.year.valueChanged.connect(self.refresh)
        self.add_model.clicked.connect(lambda: ModelDialog(self.workspace, parent=self).exec())
        self.edit_model.clicked.connect(self.open_model)
        self.add_class.clicked.connect(lambda: ClassDialog(self.workspace, parent=self).exec())
        self.edit_class.clicked.connect(self.open_class)
        self.add_training.clicked.connect(lambda: StaffTrainingDialog(self.workspace, self).exec())
        self.staff_button.clicked.connect(lambda: StaffListDialog(self.workspace, self).exec())
        self.models_view.doubleClicked.connect(lambda _i: self.open_model())
        self.classes_view.doubleClicked.connect(lambda _i: self.open_class())

    def refresh(self) -> None:
        super().refresh()
        db, year = self.workspace.db, self.year.value()
        self.models.set_rows(programmes.list_models(db, year=year))
        self.classes.set_rows(programmes.list_classes(db, year=year))
        self.trainings.set_rows(programmes.list_staff_trainings(db, year=year))
        trained, total = programmes.staff_trained(db, year=year)
        self.staff_label.setText(
            f"Mô hình: {self.models.rowCount()} — Lớp nghề: {self.classes.rowCount()} — "
            f"Cán bộ đã tập huấn: {trained}/{total}"
        )

    def open_model(self) -> None:
        index = self.models_view.currentIndex()
        if index.isValid():
            ModelDialog(self.workspace, model=self.models.row_at(index.row()), parent=self).exec()

    def open_class(self) -> None:
        index = self.classes_view.currentIndex()
        if index.isValid():
            ClassDialog(self.workspace, klass=self.classes.row_at(index.row()), parent=self).exec()


# -------------------------------------------------------------------- gaps ----
class GapsPage(Page):
    open_after_print = True  # tests switch this off

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.gap = QComboBox()
        for kind in coverage.GAPS.values():
            self.gap.addItem(kind.title, kind.code)
        self.village = _village_combo(workspace)
        self.date = QDateEdit(QDate.fromString(clock.today_iso(), "yyyy-MM-dd"))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.export_button = QPushButton("Xuất Excel…")
        self.print_button = QPushButton("In danh sách (PDF)…")
        self.support_button = QPushButton("Ghi hỗ trợ cho danh sách…")
        self.support_button.setEnabled(self.can_edit())
        can_export = workspace.actor.can(Permission.EXPORT)
        self.export_button.setEnabled(can_export)
        self.print_button.setEnabled(can_export)
        self.gap.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.gap.setMinimumContentsLength(30)
        top = QHBoxLayout()
        top.addWidget(self.gap, 2)
        top.addWidget(self.village, 1)
        top.addWidget(QLabel("Tính đến ngày:"))
        top.addWidget(self.date)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.support_button)
        actions.addStretch(1)
        self.model = RowsTableModel(
            [
                Column("Thôn", lambda r: r.village_name),
                Column("Mã hộ", lambda r: r.household_code),
                Column("Chủ hộ", lambda r: r.head_name),
                Column("Thành viên", lambda r: r.member_name),
                Column("Phân loại", lambda r: r.class_label),
                Column("Lý do", lambda r: r.reason),
            ],
            id_attr="household_id",
        )
        self.table = _table(self.model, stretch=5)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.gap.currentIndexChanged.connect(self.refresh)
        self.village.currentIndexChanged.connect(self.refresh)
        self.date.dateChanged.connect(self.refresh)
        self.export_button.clicked.connect(lambda: self.export("xlsx"))
        self.print_button.clicked.connect(lambda: self.export("pdf"))
        self.support_button.clicked.connect(self.support_list)
        self.last_file: Path | None = None

    def params(self) -> tuple[str, str, int | None]:
        return self.gap.currentData(), self.date.date().toString("yyyy-MM-dd"), self.village.currentData()

    def refresh(self) -> None:
        super().refresh()
        gap, on_date, village_id = self.params()
        self.status.setText("Đang lập danh sách…")
        self.generation += 1
        generation = self.generation

        def work(ctx: Any) -> coverage.GapResult:
            return coverage.evaluate(ctx.db, gap, on_date=on_date, village_id=village_id)

        def done(result: coverage.GapResult) -> None:
            if generation == self.generation:  # a newer request supersedes this one
                self._show(result)

        self.workspace.run_task(work, title="Đang lập danh sách thiếu hụt…", on_done=done, writes=False, parent=self)

    def _show(self, result: coverage.GapResult) -> None:
        self.model.set_rows(result.rows)
        self.table.setColumnHidden(3, not coverage.GAPS[self.gap.currentData()].member_level)
        pct = "" if result.percent is None else f" — đã bao phủ {_pct(result.percent)} %"
        self.status.setText(f"{len(result.rows)} trường hợp chưa được hỗ trợ trên {result.population} đối tượng{pct}")

    def support_list(self) -> None:
        """Open the batch dialog with the people (or households) of the list on screen."""
        rows = self.model.rows()
        if not rows:
            return
        gap = coverage.GAPS[self.gap.currentData()]
        if gap.member_level:
            preset = BatchTarget(kind="members", ids=tuple(r.member_id for r in rows if r.member_id))
        else:
            preset = BatchTarget(kind="households", ids=tuple(dict.fromkeys(r.household_id for r in rows)))
        label = f"Danh sách đang xem: {gap.title.lower()} ({len(preset.ids)})"
        BatchSupportDialog(
            self.workspace, self, preset=preset, preset_label=label, type_code=GAP_SUPPORT.get(gap.code, "other")
        ).exec()

    def export(self, fmt: str) -> None:
        gap, on_date, village_id = self.params()
        village = self.village.currentText() if village_id else "toan-xa"
        suggested = f"thieu-hut-{gap}-{village}-{on_date}.{fmt}".replace(" ", "-")
        caption = "Xuất danh sách ra Excel" if fmt == "xlsx" else "In danh sách ra tệp PDF"
        filter_text = "Bảng tính Excel (*.xlsx)" if fmt == "xlsx" else "Tệp PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(self, caption, str(files.start_folder() / suggested), filter_text)
        if not path:
            return
        files.remember(path)
        target = Path(path)
        if target.suffix.lower() != f".{fmt}":
            target = target.with_suffix(f".{fmt}")

        def work(ctx: Any) -> Path:
            doc = coverage.gap_document(ctx.db, gap, on_date=on_date, village_id=village_id)
            return write_gap_list(doc, target, fmt=fmt)

        self.workspace.run_task(work, title="Đang ghi tệp…", on_done=self._exported, writes=False, parent=self)

    def _exported(self, path: Path) -> None:
        self.last_file = path
        self.status.setText(f"Đã lưu {path}")
        if path.suffix.lower() == ".pdf" and self.open_after_print:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# -------------------------------------------------------------------- plan ----
class PlanPage(Page):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.year = _year_spin()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.create_button = QPushButton("Tạo kế hoạch từ mẫu")
        self.edit_button = QPushButton("Sửa kế hoạch…")
        self.refresh_button = QPushButton("Cập nhật tiến độ")
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.create_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        self.model = RowsTableModel(
            [
                Column("Chỉ tiêu", lambda t: t.label, tooltip=lambda t: t.label),
                Column(
                    "Kế hoạch",
                    lambda t: f"{_pct(t.target)} {t.unit}" if t.target is not None else "chưa đặt",
                    tooltip=lambda t: (
                        f"Chưa đặt chỉ tiêu: bấm “Sửa kế hoạch…” để điền (mẫu: {_pct(t.hint)} {t.unit})"
                        if t.target is None and t.hint is not None
                        else ""
                    ),
                ),
                Column(
                    "Thực hiện",
                    lambda t: "—" if t.value is None else f"{_pct(t.value)} {t.unit}",
                    tooltip=lambda t: t.detail,
                ),
                Column("Đạt %", lambda t: t.progress, _pct, numeric=True),
                Column(
                    "Đánh giá",
                    lambda t: (
                        "Chưa đặt"
                        if t.target is None
                        else ("Đạt" if t.achieved else ("Chậm" if t.lagging else "Đúng tiến độ"))
                    ),
                ),
            ],
            highlight=lambda t: t.lagging,
        )
        self.table = _table(self.model, stretch=0)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.dashboard = PlanDashboard()
        self.dashboard.setMinimumWidth(420)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.dashboard)
        splitter.setSizes([700, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        self.plan_id: int | None = None
        self.progress: plan.PlanProgress | None = None
        self.year.valueChanged.connect(self.refresh)
        self.create_button.clicked.connect(self.create_from_template)
        self.edit_button.clicked.connect(self.edit)
        self.refresh_button.clicked.connect(self.refresh)

    def refresh(self) -> None:
        super().refresh()
        found = plan.plan_for_year(self.workspace.db, self.year.value())
        self.plan_id = found.id if found else None
        self.create_button.setEnabled(found is None and self.can_edit())
        self.edit_button.setEnabled(found is not None and self.can_edit())
        if found is None:
            self.progress = None
            self.model.set_rows([])
            self.dashboard.set_targets([])
            self.info.setText(
                f"Chưa có kế hoạch giảm nghèo năm {self.year.value()}. Bấm “Tạo kế hoạch từ mẫu” để tạo theo "
                "mẫu Kế hoạch 47/KH-UBND (10 mô hình, 6 lớp nghề, giảm hộ nghèo, các tỷ lệ bao phủ),"
                " rồi sửa cho phù hợp."
            )
            return
        plan_id = found.id
        self.info.setText("Đang tính tiến độ…")
        self.generation += 1
        generation = self.generation

        def work(ctx: Any) -> plan.PlanProgress:
            return plan.progress(ctx.db, plan_id)

        def done(result: plan.PlanProgress) -> None:
            if generation == self.generation:  # a newer request supersedes this one
                self._show(result)

        self.workspace.run_task(work, title="Đang tính tiến độ kế hoạch…", on_done=done, writes=False, parent=self)

    def _show(self, progress: plan.PlanProgress) -> None:
        self.progress = progress
        p = progress.plan
        number = f"Số {p.number}" + (f" ngày {vn_date(p.issued_date)}" if p.issued_date else "") if p.number else ""
        lagging = sum(1 for t in progress.targets if t.lagging)
        b, c = progress.baseline, progress.current
        self.info.setText(
            f"<b>{p.title}</b> {number}<br>Mốc so sánh: {b.households} hộ, {b.poor} hộ nghèo,"
            f" {b.near_poor} hộ cận nghèo"
            f" — hiện nay: {c.households} hộ, {c.poor} hộ nghèo, {c.near_poor} hộ cận nghèo."
            f" Tính đến {vn_date(progress.on_date)}: {lagging} chỉ tiêu chậm tiến độ."
        )
        self.model.set_rows(progress.targets)
        self.dashboard.set_targets(progress.targets)

    def create_from_template(self) -> None:
        db, year = self.workspace.db, self.year.value()
        try:
            changes = plan.create_plan_from_template(db, year=year)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        after = plan_state.capture(db, changes.written_id)
        before = plan_state.PlanState(after.plan_id, None)
        record_write(
            self.workspace,
            f"kế hoạch giảm nghèo năm {year} theo mẫu ({len(after.targets)} chỉ tiêu)",
            changes,
            undo=lambda: plan_state.restore(db, before),
            redo=lambda: plan_state.restore(db, after),
        )
        self.refresh()

    def edit(self) -> None:
        if self.plan_id is not None:
            PlanDialog(self.workspace, self.plan_id, self).exec()


# --------------------------------------------------------------------- tab ----
class SupportTab(QWidget):
    PAGES = ("Sổ hỗ trợ", "Vay vốn", "Mô hình / Lớp nghề / Tập huấn", "Thiếu hụt hỗ trợ", "Kế hoạch")

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.ledger = LedgerPage(workspace)
        self.loans = LoansPage(workspace)
        self.programmes = ProgrammesPage(workspace)
        self.gaps = GapsPage(workspace)
        self.plan = PlanPage(workspace)
        self.pages: list[Page] = [self.ledger, self.loans, self.programmes, self.gaps, self.plan]
        self.side = QListWidget()
        self.side.addItems(list(self.PAGES))
        self.side.setFixedWidth(210)
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
        layout = QHBoxLayout(self)
        layout.addWidget(self.side)
        layout.addWidget(self.stack, 1)
        self.side.currentRowChanged.connect(self.show_page)
        self.side.setCurrentRow(0)

    def show_page(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[row]
        if page.dirty:
            page.refresh()

    def on_changes(self, changes: Changes) -> None:
        if not (changes.support or changes.plans or changes.households or changes.members or changes.commune):
            return
        for page in self.pages:
            page.dirty = True
        current = self.stack.currentWidget()
        if isinstance(current, Page):
            current.refresh()
