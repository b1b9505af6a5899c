"""Edit a plan: number, date, title, baseline counts and the target values."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import plan, plan_state
from giamngheo_desktop.services.plan import PlanInput, TargetInput
from ui.dialogs.model_dialog import year_box
from ui.dialogs.support_dialog import date_edit, date_value, error_label, show_problem
from ui.models.support_rows_model import Column, RowsTableModel
from ui.undo import record_write
from ui.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def _hint(t: dict[str, Any]) -> str:
    return "" if t.get("hint") is None else f"Mẫu: {_number(t['hint'])}"


class TargetsModel(RowsTableModel):
    """Targets with an editable value column (Chỉ tiêu); a count left to fill shows the template's value
    beside it ("Mẫu: 10") and in the empty cell's tooltip."""

    VALUE_COLUMN = 2

    def __init__(self) -> None:
        super().__init__(
            [
                Column("Chỉ tiêu", lambda t: t["label"], tooltip=lambda t: t["label"]),
                Column("Loại", lambda t: plan.KIND_LABELS.get(t["kind"], t["kind"])),
                Column(
                    "Giá trị",
                    lambda t: t["target"],
                    _number,
                    numeric=True,
                    tooltip=lambda t: (
                        f"Chưa đặt: bấm đúp để điền (kế hoạch mẫu: {_number(t['hint'])} {t['unit']})"
                        if t["target"] is None and t.get("hint") is not None
                        else ""
                    ),
                ),
                Column("Đơn vị", lambda t: t["unit"]),
                Column(
                    "Gợi ý",
                    _hint,
                    tooltip=lambda t: (
                        "Giá trị của kế hoạch mẫu (của huyện), để tham khảo" if t.get("hint") is not None else ""
                    ),
                ),
            ],
            id_attr="code",
        )

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.VALUE_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole and index.isValid() and index.column() == self.VALUE_COLUMN:
            return _number(self.row_at(index.row())["target"])  # typed as text: "12" or "0,5"; empty = not set
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.VALUE_COLUMN:
            return False
        text = str(value).strip()
        try:
            number = None if not text else float(text.replace(",", "."))
        except ValueError:
            return False
        rows = self.rows()
        rows[index.row()] = {**rows[index.row()], "target": number}
        self._rows = rows
        self.dataChanged.emit(index, index)
        return True


class PlanDialog(QDialog):
    def __init__(self, workspace: Workspace, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.plan_id = plan_id
        db = workspace.db
        row = plan.get_plan(db, plan_id)
        progress = plan.progress(db, plan_id)
        self.setWindowTitle("Sửa kế hoạch giảm nghèo")
        self.resize(760, 640)
        self.year = year_box(row.year)
        self.number = QLineEdit(row.number)
        self.number.setPlaceholderText("ví dụ 47/KH-UBND")
        self.issued = date_edit(row.issued_date, optional=True)
        self.title_edit = QLineEdit(row.title)
        self.households = QSpinBox()
        self.poor = QSpinBox()
        self.near_poor = QSpinBox()
        for box, value in (
            (self.households, progress.baseline.households),
            (self.poor, progress.baseline.poor),
            (self.near_poor, progress.baseline.near_poor),
        ):
            box.setRange(0, 10_000_000)
            box.setValue(value)
        self.baseline_date = date_edit(row.baseline_date, optional=True)
        self.baseline = QComboBox()
        self.baseline.addItem("Số liệu nhập tay (ví dụ tại ngày 1/1)", None)
        for round_id, name in plan.baseline_rounds(db):
            self.baseline.addItem(f"Kết quả rà soát: {name}", round_id)
        index = self.baseline.findData(row.baseline_round_id)
        self.baseline.setCurrentIndex(max(index, 0))
        self.baseline.currentIndexChanged.connect(self._baseline_kind)
        self._baseline_kind()
        form = QFormLayout()
        form.addRow("Năm kế hoạch:", self.year)
        form.addRow("Số kế hoạch:", self.number)
        form.addRow("Ngày ban hành:", self.issued)
        form.addRow("Tên kế hoạch:", self.title_edit)
        form.addRow("Mốc so sánh:", self.baseline)
        form.addRow("Mốc so sánh — tổng số hộ:", self.households)
        form.addRow("Mốc so sánh — số hộ nghèo:", self.poor)
        form.addRow("Mốc so sánh — số hộ cận nghèo:", self.near_poor)
        form.addRow("Ngày của mốc so sánh:", self.baseline_date)
        self.targets = TargetsModel()
        self.targets.set_rows(
            [
                {"code": t.code, "label": t.label, "kind": t.kind, "target": t.target, "unit": t.unit, "hint": t.hint}
                for t in progress.targets
            ]
        )
        table = QTableView()
        table.setModel(self.targets)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # full text in its tooltip
        self.errors = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu kế hoạch")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Chỉ tiêu (bấm đúp vào cột Giá trị để sửa):"))
        layout.addWidget(table, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.note = row.note

    def _baseline_kind(self, *_args: object) -> None:
        manual = self.baseline.currentData() is None
        for box in (self.households, self.poor, self.near_poor, self.baseline_date):
            box.setEnabled(manual)

    def save(self) -> None:
        self.errors.hide()
        db = self.workspace.db
        manual = self.baseline.currentData() is None
        before = plan_state.capture(db, self.plan_id)
        try:
            changes = plan.save_plan(
                db,
                plan_id=self.plan_id,
                data=PlanInput(
                    year=self.year.value(),
                    title=self.title_edit.text(),
                    number=self.number.text(),
                    issued_date=date_value(self.issued),
                    baseline_round_id=self.baseline.currentData(),
                    note=self.note,
                ),
                targets=[
                    TargetInput(
                        code=t["code"],
                        target_value=t["target"],
                        label=t["label"],
                        unit=t["unit"],
                    )
                    for t in self.targets.rows()
                ],
                baseline=(
                    (self.households.value(), self.poor.value(), self.near_poor.value(), date_value(self.baseline_date))
                    if manual
                    else None
                ),
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        after = plan_state.capture(db, self.plan_id)
        record_write(
            self.workspace,
            f"kế hoạch năm {self.year.value()} ({len(after.targets)} chỉ tiêu)",
            changes,
            undo=lambda: plan_state.restore(db, before),
            redo=lambda: plan_state.restore(db, after),
        )
        self.accept()
