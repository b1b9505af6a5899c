"""Tách hộ: the chosen members form a new household with a new code and a chosen head."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.services import register
from giamngheo_desktop.services.changes import Changes
from ui.dialogs.register_forms import date_edit, text_to_date
from ui.undo import run_operation
from ui.workspace import Workspace


class SplitDialog(QDialog):
    def __init__(self, workspace: Workspace, household_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.household_id = household_id
        self.result_op: Changes | None = None
        db = workspace.db
        household = register.get_household(db, household_id)
        self.members = [m for m in register.list_members(db, household_id) if m["life_status"] == "living"]
        self.setWindowTitle(f"Tách hộ {household['code']}")

        self.member_list = QListWidget()
        self.member_list.setAccessibleName("Nhân khẩu tách ra")
        for m in self.members:
            item = QListWidgetItem(f"{m['full_name']} — {m.get('relationship_name') or ''}")
            item.setData(Qt.ItemDataRole.UserRole, m["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.member_list.addItem(item)
        self.new_code = QLineEdit(register.next_household_code(db, household["village_id"]))
        self.new_code.setAccessibleName("Mã hộ mới")
        self.new_head = QComboBox()
        self.new_head.setAccessibleName("Chủ hộ mới")
        self.remaining_head = QComboBox()
        self.remaining_head.setAccessibleName("Chủ hộ của những người ở lại")
        self.date = date_edit()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.member_list.itemChanged.connect(self._refresh)

        form = QFormLayout()
        form.addRow("Mã hộ mới:", self.new_code)
        form.addRow("Chủ hộ mới:", self.new_head)
        form.addRow("Chủ hộ ở lại:", self.remaining_head)
        form.addRow("Ngày tách hộ:", self.date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tách hộ")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Đánh dấu những nhân khẩu tách ra thành hộ mới:"))
        layout.addWidget(self.member_list)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self._refresh()
        self.resize(480, 460)

    def checked_ids(self) -> list[int]:
        return [
            int(self.member_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.member_list.count())
            if self.member_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, member_ids: list[int]) -> None:
        for i in range(self.member_list.count()):
            item = self.member_list.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in member_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def _refresh(self) -> None:
        checked = set(self.checked_ids())
        keep_new = self.new_head.currentData()
        keep_rest = self.remaining_head.currentData()
        self.new_head.clear()
        self.remaining_head.clear()
        self.remaining_head.addItem("(không đổi)", None)
        head_leaves = False
        for m in self.members:
            if m["id"] in checked:
                self.new_head.addItem(m["full_name"], m["id"])
                head_leaves = head_leaves or m["relationship_code"] == register.HEAD
            else:
                self.remaining_head.addItem(m["full_name"], m["id"])
        self.new_head.setCurrentIndex(max(self.new_head.findData(keep_new), 0))
        self.remaining_head.setCurrentIndex(max(self.remaining_head.findData(keep_rest), 0))
        self.remaining_head.setEnabled(head_leaves)
        if head_leaves and self.remaining_head.currentData() is None and self.remaining_head.count() > 1:
            self.remaining_head.setCurrentIndex(1)
        self.hint.setText("Chủ hộ hiện tại tách ra: chọn chủ hộ mới cho những người ở lại." if head_leaves else "")

    def save(self) -> None:
        split = register.SplitInput(
            member_ids=self.checked_ids(),
            new_code=self.new_code.text(),
            new_head_id=int(self.new_head.currentData() or 0),
            remaining_head_id=self.remaining_head.currentData() if self.remaining_head.isEnabled() else None,
            date=text_to_date(self.date.text()),
        )
        db = self.workspace.db
        household_id = self.household_id
        result = run_operation(
            self.workspace,
            self,
            f"Tách hộ → {split.new_code}",
            lambda: register.split_household(db, household_id, split=split),
        )
        if result is not None:
            self.result_op = result
            self.accept()
