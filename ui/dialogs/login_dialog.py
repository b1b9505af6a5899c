"""Đăng nhập at start (when the administrator switched the login on) and the
change-password step after an administrator's reset."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import users
from giamngheo_desktop.services.session import Database

FORGOT_TEXT = (
    "Mật khẩu được lưu dưới dạng mã hóa nên không ai xem lại được. Hãy nhờ quản trị viên của xã "
    "mở Tệp → Người dùng… và chọn “Đặt lại mật khẩu”; lần đăng nhập sau bạn sẽ đặt mật khẩu mới."
)


class ChangePasswordDialog(QDialog):
    """Đổi mật khẩu: asked after an administrator reset the password."""

    def __init__(self, db: Database, username: str, old_password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.username, self.old_password = db, username, old_password
        self.setWindowTitle("Đổi mật khẩu")
        intro = QLabel(
            f"Mật khẩu của “{username}” vừa được quản trị viên đặt lại. Hãy chọn mật khẩu mới "
            f"(ít nhất {users.MIN_PASSWORD} ký tự)."
        )
        intro.setWordWrap(True)
        self.new_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow("Mật khẩu mới:", self.new_edit)
        form.addRow("Nhập lại:", self.again_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đổi mật khẩu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def submit(self) -> None:
        new = self.new_edit.text()
        if new != self.again_edit.text():
            self.message.setText("Hai lần nhập mật khẩu mới không giống nhau.")
            return
        try:
            users.change_own_password(self.db, username=self.username, old_password=self.old_password, new_password=new)
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


class LoginDialog(QDialog):
    """Tên đăng nhập + mật khẩu; on success the connection acts as that user (``self.user``)."""

    def __init__(self, db: Database, *, commune_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: users.User | None = None
        self.setWindowTitle("Đăng nhập")
        title = QLabel(f"<b>Đăng nhập để làm việc với dữ liệu {commune_name}</b>".replace("  ", " "))
        title.setWordWrap(True)
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("username")
        self.password_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password_edit.setObjectName("password")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.forgot_button = QPushButton("Quên mật khẩu?")
        self.forgot_button.setFlat(True)
        self.forgot_button.setAutoDefault(False)  # Enter logs in, never opens this note
        self.forgot_button.clicked.connect(self.show_forgot)
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username_edit)
        form.addRow("Mật khẩu:", self.password_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đăng nhập")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        for edit in (self.username_edit, self.password_edit):
            edit.textEdited.connect(lambda _text: self.message.clear())  # the old refusal goes once fixed
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.forgot_button)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def show_forgot(self) -> None:
        QMessageBox.information(self, "Quên mật khẩu", FORGOT_TEXT)

    def submit(self) -> None:
        username, password = self.username_edit.text().strip(), self.password_edit.text()
        if not username:
            self.message.setText("Hãy nhập tên đăng nhập.")
            return
        try:
            user = users.login(self.db, username, password)
        except DomainError as exc:
            self.message.setText(str(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        if user.must_change_password:
            step = ChangePasswordDialog(self.db, user.username, password, self)
            if not step.exec():
                self.message.setText("Cần đổi mật khẩu trước khi làm việc.")
                return
        self.user = user
        self.accept()


def ensure_login(db: Database, *, commune_name: str = "", parent: QWidget | None = None) -> bool:
    """Show the login when the file requires one; False if the user gave up."""
    if not users.login_required(db):
        return True
    return bool(LoginDialog(db, commune_name=commune_name, parent=parent).exec())
