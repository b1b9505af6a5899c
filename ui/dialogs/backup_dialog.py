"""Sao lưu ra USB: a verified copy of the open file into a folder the officer chooses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services import backup
from giamngheo_desktop.services.backup import BackupResult
from ui import errors
from ui.tasks import TaskContext
from ui.workspace import Workspace


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


def result_text(result: BackupResult) -> str:
    households = result.counts.get("household", 0)
    members = result.counts.get("member", 0)
    return (
        f"Đã sao lưu và kiểm tra bản sao (toàn vẹn, đủ {len(result.counts)} bảng dữ liệu):\n"
        f"{result.path}\n{_size(result.size)} · {households} hộ · {members} nhân khẩu"
    )


class BackupDialog(QDialog):
    copied = Signal(object)  # BackupResult: a copy was made and checked (the home tab shows it)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, folder: str = "") -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.backup: BackupResult | None = None  # the copy made (not ``result``: that is QDialog.result())
        self.setWindowTitle("Sao lưu ra USB")
        intro = QLabel(
            "Cắm USB (hoặc ổ đĩa ngoài), chọn thư mục rồi bấm “Sao lưu”. Chương trình ghi một bản sao "
            "nhất quán của tệp dữ liệu và đọc lại để kiểm tra trước khi báo xong."
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setPlaceholderText("Thư mục trên USB…")
        choose = QPushButton("Chọn thư mục…")
        choose.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(choose)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.backup_button = QPushButton("Sao lưu")
        self.backup_button.setDefault(True)
        self.backup_button.clicked.connect(lambda: self.start())
        close = QPushButton("Đóng")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.backup_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Chọn thư mục để sao lưu", self.folder_edit.text())
        if name:
            self.folder_edit.setText(name)

    def start(self, *, same_device_ok: bool = False) -> None:
        text = self.folder_edit.text().strip()
        if not text:
            self.choose_folder()
            text = self.folder_edit.text().strip()
            if not text:
                return
        try:
            self.workspace.db.require(Permission.BACKUP)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        folder = Path(text)
        actor = self.workspace.actor

        def work(ctx: TaskContext) -> BackupResult:
            ctx.db.set_actor(actor)
            return backup.make_backup(ctx.db, folder, same_device_ok=same_device_ok)

        self.backup_button.setEnabled(False)
        self.result_label.setText("Đang sao lưu…")
        self.workspace.run_task(
            work, title="Sao lưu ra USB", writes=False, parent=self, on_done=self._done, on_failed=self._failed
        )

    def _done(self, result: BackupResult) -> None:
        self.backup = result
        self.backup_button.setEnabled(True)
        self.result_label.setStyleSheet("color: #1b5e20;")
        self.result_label.setText(result_text(result))
        self.workspace.confirm(f"bản sao lưu {result.path.name} vào {result.path.parent}", undoable=False)
        self.copied.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        if isinstance(exc, DomainError) and exc.code == "same_device":
            answer = QMessageBox.question(
                self,
                "Sao lưu vào cùng ổ đĩa?",
                f"{exc}\n\nVẫn sao lưu vào thư mục này?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.start(same_device_ok=True)
                return
            self.result_label.setText("Chưa sao lưu: hãy chọn thư mục trên USB hoặc ổ đĩa khác.")
            return
        self.result_label.setStyleSheet("color: #b00020;")
        self.result_label.setText("Chưa sao lưu được." if not isinstance(exc, DomainError) else str(exc))
        errors.show_error(self, exc, title="Chưa sao lưu được")
