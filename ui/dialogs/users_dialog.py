"""Người dùng: accounts and roles, password reset, and the login switch (administrators only;
the services refuse anyone else whatever this dialog shows)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import ROLE_LABELS, Permission, Role
from giamngheo_desktop.services import users
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.session import Database
from ui import errors
from ui.dialogs.restore_dialog import when

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái")


def _state(user: users.User) -> str:
    if not user.active:
        return "Đã khóa (ngừng dùng)"
    if user.locked_until:
        return f"Tạm khóa đến {when(user.locked_until)}"
    if user.must_change_password:
        return "Đang hoạt động · phải đổi mật khẩu"
    return "Đang hoạt động"


class UsersModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.users: list[users.User] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.users)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 4:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid() or not 0 <= index.row() < len(self.users):
            return None
        user = self.users[index.row()]
        return (user.username, user.full_name, user.role_label, _state(user))[index.column()]

    def set_users(self, items: list[users.User]) -> None:
        self.beginResetModel()
        self.users = items
        self.endResetModel()


class UserFormDialog(QDialog):
    """Thêm người dùng."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thêm người dùng")
        self.username_edit = QLineEdit()
        self.full_name_edit = QLineEdit()
        self.role_box = QComboBox()
        for role in Role:
            self.role_box.addItem(ROLE_LABELS[role], role.value)
        self.role_box.setCurrentIndex(self.role_box.findData(Role.OFFICER.value))
        self.password_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow("Tên đăng nhập:", self.username_edit)
        form.addRow("Họ và tên:", self.full_name_edit)
        form.addRow("Vai trò:", self.role_box)
        form.addRow(f"Mật khẩu (≥ {users.MIN_PASSWORD} ký tự):", self.password_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Thêm")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(420)


class UsersDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.changes: Changes | None = None
        self.setWindowTitle("Người dùng")
        self.model = UsersModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)

        self.add_button = QPushButton("Thêm người dùng…")
        self.role_box = QComboBox()
        for role in Role:
            self.role_box.addItem(ROLE_LABELS[role], role.value)
        self.role_button = QPushButton("Đổi vai trò")
        self.active_button = QPushButton("Ngừng dùng / Dùng lại")
        self.reset_button = QPushButton("Đặt lại mật khẩu…")
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addStretch(1)
        actions.addWidget(self.role_box)
        actions.addWidget(self.role_button)
        actions.addWidget(self.active_button)
        actions.addWidget(self.reset_button)

        self.login_check = QCheckBox("Bắt buộc đăng nhập khi mở chương trình")
        self.login_check.setChecked(users.login_required(db))
        self.login_check.toggled.connect(self.toggle_login)
        note = QLabel(
            "Tắt đăng nhập nếu máy chỉ một người dùng: chương trình chạy với quyền quản trị. "
            "Chỉ bật được khi đã có một quản trị viên có mật khẩu."
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        self.refusal = QLabel()
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #b00020;")
        self.notice = QLabel()  # what is being done (a password takes seconds to protect), then what was done
        self.notice.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.refusal)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.notice)
        layout.addWidget(self.login_check)
        layout.addWidget(note)
        layout.addWidget(close)
        self.resize(820, 460)
        self.view.selectionModel().currentRowChanged.connect(self._sync_role)
        self._check_rights()
        self.reload()

    def _check_rights(self) -> None:
        try:
            self.db.require(Permission.MANAGE_USERS)
        except DomainError as exc:
            self.refusal.setText(f"{exc} Chỉ quản trị viên thay đổi được người dùng.")
            for widget in (self.add_button, self.role_button, self.active_button, self.reset_button):
                widget.setEnabled(False)
            self.login_check.setEnabled(False)

    def reload(self) -> None:
        try:
            self.model.set_users(users.list_users(self.db))
        except DomainError as exc:
            self.refusal.setText(str(exc))

    def selected(self) -> users.User | None:
        index = self.view.currentIndex()
        if not index.isValid():
            QMessageBox.information(self, "Người dùng", "Hãy chọn một người dùng trong danh sách.")
            return None
        return self.model.users[index.row()]

    def _sync_role(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.role_box.setCurrentIndex(self.role_box.findData(self.model.users[current.row()].role.value))

    def _done(self, changes: Changes) -> None:
        self.changes = changes
        self.reload()

    @contextmanager
    def _busy(self, doing: str) -> Iterator[None]:
        """A wait cursor and ``doing`` shown while a password is protected (scrypt: a few seconds)."""
        self.notice.setText(doing)
        self.notice.repaint()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            yield
        finally:
            QApplication.restoreOverrideCursor()
            self.notice.clear()

    def select_user(self, user_id: int | None) -> None:
        row = next((i for i, user in enumerate(self.model.users) if user.id == user_id), None)
        if row is not None:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def add_user(self) -> None:
        form = UserFormDialog(self)
        while form.exec():
            username = form.username_edit.text().strip()
            try:
                with self._busy(f"Đang thêm người dùng “{username}” (bảo vệ mật khẩu mất vài giây)…"):
                    changes = users.add_user(
                        self.db,
                        username=username,
                        full_name=form.full_name_edit.text().strip(),
                        role=form.role_box.currentData(),
                        password=form.password_edit.text(),
                    )
            except DomainError as exc:
                errors.show_error(self, exc, title="Chưa thêm được người dùng")
                continue
            self._done(changes)
            self.select_user(changes.id)
            self.notice.setText(f"Đã thêm người dùng “{username}” ({form.role_box.currentText()}).")
            return

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        try:
            self._done(users.set_role(self.db, user.id, role=self.role_box.currentData(), active=user.active))
        except DomainError as exc:
            errors.show_error(self, exc, title="Chưa đổi được vai trò")

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        try:
            self._done(users.set_role(self.db, user.id, role=user.role.value, active=not user.active))
        except DomainError as exc:
            errors.show_error(self, exc, title="Chưa thay đổi được")

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password, ok = QInputDialog.getText(
            self,
            "Đặt lại mật khẩu",
            f"Mật khẩu tạm cho “{user.username}” ({user.full_name}); người đó phải đổi khi đăng nhập lần sau:",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        try:
            with self._busy(f"Đang đặt mật khẩu tạm cho “{user.username}”…"):
                changes = users.reset_password(self.db, user.id, new_password=password)
            self._done(changes)
            self.select_user(user.id)
        except DomainError as exc:
            errors.show_error(self, exc, title="Chưa đặt lại được mật khẩu")
            return
        QMessageBox.information(self, "Đặt lại mật khẩu", f"Đã đặt mật khẩu tạm cho “{user.username}”.")

    def toggle_login(self, on: bool) -> None:
        try:
            self._done(users.set_login_required(self.db, on))
        except DomainError as exc:
            errors.show_error(self, exc, title="Chưa thay đổi được")
            self.login_check.blockSignals(True)
            self.login_check.setChecked(users.login_required(self.db))
            self.login_check.blockSignals(False)
