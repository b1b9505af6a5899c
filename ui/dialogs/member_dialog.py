"""Thêm / sửa nhân khẩu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QScrollArea, QVBoxLayout, QWidget

from giamngheo_desktop.services import register
from giamngheo_desktop.services.changes import Changes
from ui.dialogs.register_forms import MemberForm
from ui.undo import run_operation
from ui.workspace import Workspace


class MemberDialog(QDialog):
    """Adds a member to ``household_id`` or edits ``member_id``; saving goes on the undo stack."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        household_id: int | None = None,
        member_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.household_id = household_id
        self.member_id = member_id
        self.result_op: Changes | None = None
        db = workspace.db
        self.form = MemberForm(db)
        if member_id is not None:
            row = register.get_member(db, member_id)
            self.household_id = int(row["household_id"])
            self.form.load(register.member_input_from_row(row))
            self.setWindowTitle(f"Sửa nhân khẩu — {row['full_name']}")
        else:
            self.setWindowTitle("Thêm nhân khẩu")
        code = register.get_household(db, self.household_id or 0)["code"] if self.household_id else ""
        if code:
            self.setWindowTitle(self.windowTitle() + f" (hộ {code})")
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(520, 640)

    def save(self) -> None:
        data = self.form.value()
        db = self.workspace.db
        if self.member_id is not None:
            member_id = self.member_id
            result = run_operation(
                self.workspace,
                self,
                f"Sửa nhân khẩu {data.full_name}",
                lambda: register.update_member(db, member_id, member=data),
            )
        else:
            household_id = self.household_id or 0
            result = run_operation(
                self.workspace,
                self,
                f"Thêm nhân khẩu {data.full_name}",
                lambda: register.add_member(db, household_id, member=data),
            )
        if result is not None:
            self.result_op = result
            self.accept()
