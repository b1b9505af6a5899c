"""Đơn đề nghị của hộ (Mẫu số 01 / 04): recorded with the household picker of the support forms,
and the list of requests waiting for the next review round (Đơn chờ xử lý)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import review
from ui.dialogs.support_dialog import (
    HouseholdPicker,
    date_edit,
    date_value,
    error_label,
    hide_when_edited,
    show_problem,
)
from ui.models.support_rows_model import Column, RowsTableModel, vn_date
from ui.workspace import Workspace

FORMS = {
    "01": "Mẫu số 01 — Giấy đề nghị rà soát",
    "04": "Mẫu số 04 — Đề nghị công nhận thoát nghèo, thoát cận nghèo",
}


class RequestDialog(QDialog):
    """Records a request; a household not found keeps the form open with what was typed."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, household_id: int | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Đơn đề nghị của hộ")
        self.setMinimumWidth(620)
        self.saved_id: int | None = None
        self.picker = HouseholdPicker(workspace)
        self.form = QComboBox()
        for code, label in FORMS.items():
            self.form.addItem(label, code)
        self.date = date_edit()
        self.content = QLineEdit()
        self.content.setPlaceholderText("Tóm tắt nội dung đơn (không bắt buộc)")
        self.errors = error_label()
        form = QFormLayout()
        form.addRow("Hộ gia đình:", self.picker)
        form.addRow("Mẫu đơn:", self.form)
        form.addRow("Ngày nộp:", self.date)
        form.addRow("Nội dung:", self.content)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Ghi đơn")
        buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.picker.picked.connect(lambda _hid: self.errors.hide())
        hide_when_edited(self.errors, self.picker.search, self.form, self.date, self.content)
        if household_id is not None:
            self.picker.set_household(household_id)

    def save(self) -> None:
        self.errors.hide()
        if self.picker.household_id is None:
            self.errors.setText("Chưa chọn hộ: gõ mã hộ hoặc tên một thành viên rồi chọn trong danh sách.")
            self.errors.show()
            return
        try:
            changes = review.record_request(
                self.workspace.db,
                household_id=self.picker.household_id,
                form=self.form.currentData(),
                request_date=date_value(self.date) or "",
                content=self.content.text(),
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.saved_id = changes.id
        self.workspace.broadcast(changes)
        self.workspace.confirm(
            f"đơn {FORMS[self.form.currentData()].split(' — ')[0]} của hộ {self.picker.household_label()}"
            " (vào đợt rà soát thường xuyên tới)",
            undoable=False,
        )
        self.accept()


class PendingRequestsDialog(QDialog):
    """Đơn chờ xử lý: requests not yet taken into a round (the next monthly round takes them)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Đơn chờ xử lý")
        self.resize(760, 420)
        self.model = RowsTableModel(
            [
                Column("Ngày nộp", lambda r: r["request_date"], vn_date),
                Column("Mã hộ", lambda r: r["code"]),
                Column("Chủ hộ", lambda r: r.get("head_name") or ""),
                Column("Mẫu đơn", lambda r: FORMS.get(r["form"], r["form"]).split(" — ")[0]),
                Column("Nội dung", lambda r: r["content"] or ""),
            ],
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        rows = review.pending_requests(self.workspace.db)
        self.model.set_rows(rows)
        self.note.setText(
            f"{len(rows)} đơn chờ xử lý: mở đợt rà soát thường xuyên (tháng) hoặc định kỳ để đưa các hộ này vào đợt."
            if rows
            else "Không có đơn nào chờ xử lý. Ghi đơn mới bằng nút “Ghi đơn đề nghị (Mẫu 01/04)…” ở thẻ Rà soát."
        )
