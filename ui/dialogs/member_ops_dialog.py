"""Đổi chủ hộ, báo chết / chuyển đi, chuyển hộ, nhập hộ: small dialogs over the register services."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.services import register
from giamngheo_desktop.services.changes import Changes
from ui.dialogs.register_forms import code_combo, date_edit, set_combo, text_to_date
from ui.undo import run_operation
from ui.workspace import Workspace


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ChangeHeadDialog(QDialog):
    """Choose the new head; every member's new relationship is suggested and can be changed."""

    def __init__(self, workspace: Workspace, household_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.household_id = household_id
        db = workspace.db
        self.members = [m for m in register.list_members(db, household_id) if m["life_status"] == "living"]
        self.setWindowTitle(f"Đổi chủ hộ — hộ {register.get_household(db, household_id)['code']}")
        self.new_head = QComboBox()
        self.new_head.setAccessibleName("Chủ hộ mới")
        for m in self.members:
            if m["relationship_code"] != register.HEAD:
                self.new_head.addItem(m["full_name"], m["id"])
        self.form = QFormLayout()
        self.form.addRow("Chủ hộ mới:", self.new_head)
        self.rel_combos: dict[int, QComboBox] = {}
        for m in self.members:
            combo = code_combo(db, "relationship", empty="(giữ nguyên)")
            self.rel_combos[m["id"]] = combo
            self.form.addRow(f"{m['full_name']}:", combo)
        self.new_head.currentIndexChanged.connect(self._suggest)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Quan hệ với chủ hộ mới (đã gợi ý, có thể sửa):"))
        layout.addLayout(self.form)
        layout.addWidget(_buttons(self, "Đổi chủ hộ"))
        self._suggest()

    def _suggest(self) -> None:
        head = self.new_head.currentData()
        if head is None:
            return
        suggestion = register.suggest_relationships(self.workspace.db, self.household_id, int(head))
        for m in self.members:
            set_combo(self.rel_combos[m["id"]], suggestion.get(m["id"], m["relationship_code"]))
            self.rel_combos[m["id"]].setEnabled(m["id"] != head)

    def accept(self) -> None:
        head = self.new_head.currentData()
        if head is None:
            super().reject()
            return
        rels = {mid: combo.currentData() for mid, combo in self.rel_combos.items() if combo.currentData()}
        db, household_id = self.workspace.db, self.household_id
        result = run_operation(
            self.workspace,
            self,
            "Đổi chủ hộ",
            lambda: register.change_head(db, household_id, new_head_id=int(head), relationships=rels),
        )
        if result is not None:
            super().accept()


class StatusDialog(QDialog):
    """Báo chết / chuyển đi, with the date; a head who leaves needs a new head."""

    def __init__(self, workspace: Workspace, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.member_id = member_id
        db = workspace.db
        member = register.get_member(db, member_id)
        self.setWindowTitle(f"Báo chết / chuyển đi — {member['full_name']}")
        self.status = QComboBox()
        self.status.addItem("Đã chết", "deceased")
        self.status.addItem("Đã chuyển đi nơi khác", "moved_away")
        self.status.addItem("Vẫn sống tại hộ (sửa nhầm)", "living")
        self.date = date_edit()
        self.note = QLineEdit()
        self.new_head = QComboBox()
        self.new_head.addItem("(không cần)", None)
        is_head = member["relationship_code"] == register.HEAD
        for m in register.list_members(db, int(member["household_id"])):
            if m["id"] != member_id and m["life_status"] == "living":
                self.new_head.addItem(m["full_name"], m["id"])
        self.new_head.setEnabled(is_head)
        if is_head and self.new_head.count() > 1:
            self.new_head.setCurrentIndex(1)
        form = QFormLayout(self)
        form.addRow("Tình trạng:", self.status)
        form.addRow("Ngày:", self.date)
        form.addRow("Ghi chú:", self.note)
        form.addRow("Chủ hộ mới:", self.new_head)
        form.addRow(_buttons(self, "Lưu"))

    def accept(self) -> None:
        date = text_to_date(self.date.text()) or ""
        status = str(self.status.currentData())
        new_head = self.new_head.currentData() if self.new_head.isEnabled() else None
        db, member_id = self.workspace.db, self.member_id
        result = run_operation(
            self.workspace,
            self,
            self.status.currentText(),
            lambda: register.mark_member_status(
                db, member_id, status=status, date=date, new_head_id=new_head, note=self.note.text()
            ),
        )
        if result is not None:
            super().accept()


def _find_household(workspace: Workspace, code: str, *, exclude: int) -> int:
    ids = [i for i in register.households_with_code(workspace.db, code) if i != exclude]
    if not ids:
        raise ValidationFailed(ValidationIssue("Mã hộ", "không tìm thấy hộ có mã này", value=code))
    return ids[0]


class MoveMemberDialog(QDialog):
    """Chuyển nhân khẩu sang hộ khác (by household code)."""

    def __init__(self, workspace: Workspace, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.member_id = member_id
        member = register.get_member(workspace.db, member_id)
        self.source_id = int(member["household_id"])
        self.setWindowTitle(f"Chuyển hộ — {member['full_name']}")
        self.code = QLineEdit()
        self.code.setPlaceholderText("mã hộ chuyển đến")
        self.relationship = code_combo(workspace.db, "relationship", empty="(chọn)")
        self.new_head = QComboBox()
        self.new_head.addItem("(không cần)", None)
        is_head = member["relationship_code"] == register.HEAD
        for m in register.list_members(workspace.db, self.source_id):
            if m["id"] != member_id and m["life_status"] == "living":
                self.new_head.addItem(m["full_name"], m["id"])
        self.new_head.setEnabled(is_head)
        if is_head and self.new_head.count() > 1:
            self.new_head.setCurrentIndex(1)
        form = QFormLayout(self)
        form.addRow("Hộ chuyển đến (mã hộ):", self.code)
        form.addRow("Quan hệ với chủ hộ mới:", self.relationship)
        form.addRow("Chủ hộ mới của hộ cũ:", self.new_head)
        form.addRow(_buttons(self, "Chuyển"))

    def accept(self) -> None:
        workspace = self.workspace

        def operation() -> Changes:
            target = _find_household(workspace, self.code.text(), exclude=self.source_id)
            return register.move_member(
                workspace.db,
                self.member_id,
                to_household_id=target,
                relationship_code=str(self.relationship.currentData() or ""),
                new_head_id=self.new_head.currentData() if self.new_head.isEnabled() else None,
            )

        if run_operation(workspace, self, "Chuyển nhân khẩu sang hộ khác", operation) is not None:
            super().accept()


class MergeDialog(QDialog):
    """Nhập hộ: the members of another household (by code) join this one; that household is removed."""

    def __init__(self, workspace: Workspace, household_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.household_id = household_id
        code = register.get_household(workspace.db, household_id)["code"]
        self.setWindowTitle(f"Nhập hộ khác vào hộ {code}")
        self.code = QLineEdit()
        self.code.setPlaceholderText("mã hộ sẽ nhập vào")
        form = QFormLayout(self)
        form.addRow("Mã hộ nhập vào hộ này:", self.code)
        form.addRow(QLabel("Các thành viên của hộ đó được ghi là “Người thân khác”; sửa quan hệ sau nếu cần."))
        form.addRow(_buttons(self, "Nhập hộ"))

    def accept(self) -> None:
        workspace = self.workspace

        def operation() -> Changes:
            source = _find_household(workspace, self.code.text(), exclude=self.household_id)
            return register.merge_households(workspace.db, target_id=self.household_id, source_id=source)

        if run_operation(workspace, self, "Nhập hộ", operation) is not None:
            super().accept()
