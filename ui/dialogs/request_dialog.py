"""Đơn đề nghị của hộ (Mẫu số 01 / 04): recorded with the household picker of the support forms,
and the list of requests waiting for the next review round (Đơn chờ xử lý)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import review
from giamngheo_desktop.services.changes import Changes
from ui import errors
from ui.dialogs.support_dialog import (
    HouseholdPicker,
    date_edit,
    date_value,
    error_label,
    hide_when_edited,
    show_problem,
)
from ui.models.support_rows_model import Column, RowsTableModel, vn_date
from ui.undo import record_write
from ui.workspace import Workspace

FORMS = {
    "01": "Mẫu số 01 — Giấy đề nghị rà soát",
    "04": "Mẫu số 04 — Đề nghị công nhận thoát nghèo, thoát cận nghèo",
}


class RequestDialog(QDialog):
    """Records a request; a household not found keeps the form open with what was typed."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        household_id: int | None = None,
        request_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.request_id = request_id  # a waiting request being corrected
        self.old: dict[str, Any] | None = review.get_request(workspace.db, request_id) if request_id else None
        self.setWindowTitle("Sửa đơn đề nghị của hộ" if request_id else "Đơn đề nghị của hộ")
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
        if self.old is not None:
            household_id = self.old["household_id"]
            self.form.setCurrentIndex(max(0, self.form.findData(self.old["form"])))
            self.date.setDate(QDate.fromString(self.old["request_date"], "yyyy-MM-dd"))
            self.content.setText(self.old["content"] or "")
            buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu đơn")
        if household_id is not None:
            self.picker.set_household(household_id)

    def save(self) -> None:
        self.errors.hide()
        if self.picker.household_id is None:
            self.errors.setText("Chưa chọn hộ: gõ mã hộ hoặc tên một thành viên rồi chọn trong danh sách.")
            self.errors.show()
            return
        db = self.workspace.db
        values = {
            "household_id": self.picker.household_id,
            "form": self.form.currentData(),
            "request_date": date_value(self.date) or "",
            "content": self.content.text(),
        }
        what = f"đơn {FORMS[values['form']].split(' — ')[0]} của hộ {self.picker.household_label()}"
        try:
            if self.old is not None:
                request_id = int(self.old["id"])
                changes = review.update_request(db, request_id=request_id, **values)
            else:
                changes = review.record_request(db, **values)
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.saved_id = changes.id
        if self.old is not None:
            old = {k: self.old[k] for k in ("household_id", "form", "request_date", "content")}
            record_write(
                self.workspace,
                f"sửa {what}",
                changes,
                undo=lambda: review.update_request(db, request_id=request_id, **old),
                redo=lambda: review.update_request(db, request_id=request_id, **values),
            )
        else:
            row = review.get_request(db, int(changes.id or 0))
            record_write(
                self.workspace,
                f"{what} (vào đợt rà soát thường xuyên tới)",
                changes,
                undo=lambda: review.remove_request(db, request_id=int(row["id"])),
                redo=lambda: review.restore_request(db, row=row),
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
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.edit_button = QPushButton("Sửa đơn…")
        self.remove_button = QPushButton("Xóa đơn")
        self.remove_button.setToolTip("Xóa đơn ghi nhầm (chỉ khi đơn còn chờ; Ctrl+Z để lấy lại)")
        for button in (self.edit_button, self.remove_button):
            button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout()
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        # Ctrl+Z / Ctrl+Y work here too (the main window's shortcuts do not reach a dialog)
        QShortcut(QKeySequence.StandardKey.Undo, self, workspace.undo_stack.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, workspace.undo_stack.redo)
        workspace.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.review:
            self.refresh()

    def selected(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def edit(self) -> None:
        request = self.selected()
        if request is None:
            QMessageBox.information(self, "Sửa đơn", "Hãy chọn một đơn trong danh sách.")
            return
        RequestDialog(self.workspace, self, request_id=int(request["id"])).exec()
        self.refresh()

    def remove(self) -> None:
        request = self.selected()
        if request is None:
            QMessageBox.information(self, "Xóa đơn", "Hãy chọn một đơn trong danh sách.")
            return
        db = self.workspace.db
        row = review.get_request(db, int(request["id"]))
        what = f"đơn {FORMS.get(row['form'], row['form']).split(' — ')[0]} của hộ {row['code']}"
        try:
            changes = review.remove_request(db, request_id=int(row["id"]))
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        record_write(
            self.workspace,
            f"xóa {what}",
            changes,
            undo=lambda: review.restore_request(db, row=row),
            redo=lambda: review.remove_request(db, request_id=int(row["id"])),
        )
        self.refresh()

    def refresh(self) -> None:
        rows = review.pending_requests(self.workspace.db)
        self.model.set_rows(rows)
        self.note.setText(
            f"{len(rows)} đơn chờ xử lý: mở đợt rà soát thường xuyên (tháng) hoặc định kỳ để đưa các hộ này vào đợt."
            if rows
            else "Không có đơn nào chờ xử lý. Ghi đơn mới bằng nút “Ghi đơn đề nghị (Mẫu 01/04)…” ở thẻ Rà soát."
        )
