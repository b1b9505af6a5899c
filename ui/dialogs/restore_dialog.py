"""Khôi phục từ bản sao lưu: choose a copy, see what would change, confirm, restore.

The current file is kept as a safety copy in ``backups/`` before it is replaced.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.services import backup
from giamngheo_desktop.services.backup import BackupDiff

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Bảng dữ liệu", "Hiện tại", "Trong bản sao lưu", "Chênh lệch")
BACKUP_FILTER = "Tệp dữ liệu Giảm nghèo (*.sqlite *.db);;Tất cả các tệp (*)"


def unit(name: str) -> str:
    """The commune as a line begins with it: "Xã Tân Lập" (stored "xã Tân Lập", its unit word already in)."""
    return name[:1].upper() + name[1:]


class DiffModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[tuple[str, int, int]] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 4:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        label, now, old = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            diff = old - now
            return (label, f"{now:,}".replace(",", "."), f"{old:,}".replace(",", "."), f"{diff:+}" if diff else "")[
                column
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and now != old:
            return QBrush(QColor("#b00020"))
        return None

    def set_items(self, items: list[tuple[str, int, int]]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()


def file_label(path: Path) -> str:
    """``06/12/2026 20:54 — trước khi nhập danh sách`` (the file name is the item's tooltip and is
    shown beside the difference: in the list it was cut off at 1366 px)."""
    stamp = _dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%d/%m/%Y %H:%M")
    reason = next((label for key, label in backup.REASON_LABELS.items() if f"-{key}-" in path.name), "")
    return f"{stamp} — {reason or 'bản sao lưu'}"


def when(stamp: str) -> str:
    """``07/12/2026 01:02`` for a stored ``2026-12-07T01:02:08`` (``—`` when there is none)."""
    if not stamp:
        return "—"
    try:
        return _dt.datetime.fromisoformat(stamp).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return stamp


class RestoreDialog(QDialog):
    """Choose a backup and see the difference; ``exec()`` true means: restore ``self.chosen``."""

    def __init__(self, db_path: Path, parent: QWidget | None = None, *, preselect: Path | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.chosen: Path | None = None
        self.diff: BackupDiff | None = None
        self.setWindowTitle("Khôi phục từ bản sao lưu")
        self.list = QListWidget()
        folder = backups_dir_for(self.db_path)
        for path in backup.list_backups(folder):
            item = QListWidgetItem(file_label(path))
            item.setToolTip(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(item)
        self.list.currentItemChanged.connect(self._picked)
        other = QPushButton("Chọn tệp khác…")
        other.clicked.connect(self.choose_other)
        self.info = QLabel("Chọn một bản sao lưu để xem khác gì so với dữ liệu hiện tại.")
        self.info.setWordWrap(True)
        self.model = DiffModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.restore_button = QPushButton("Khôi phục bản này…")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.confirm)
        cancel = QPushButton("Đóng")
        cancel.clicked.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(QLabel(f"Các bản sao lưu trong {folder}:"))
        left.addWidget(self.list, 1)
        left.addWidget(other)
        right = QVBoxLayout()
        right.addWidget(self.info)
        right.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.resize(1040, 560)
        rows = [Path(self.list.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.list.count())]
        if preselect is not None and preselect in rows:
            self.list.setCurrentRow(rows.index(preselect))
        elif self.list.count():
            self.list.setCurrentRow(0)

    def _picked(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if current is not None:
            self.show_backup(Path(current.data(Qt.ItemDataRole.UserRole)))

    def choose_other(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(self.db_path.parent), BACKUP_FILTER)
        if name:
            self.list.clearSelection()
            self.show_backup(Path(name))

    def show_backup(self, path: Path) -> None:
        self.chosen, self.diff = None, None
        self.restore_button.setEnabled(False)
        try:
            diff = backup.compare(self.db_path, path)
        except DomainError as exc:
            self.model.set_items([])
            self.info.setText(f"Không dùng được tệp “{path.name}”: {exc}")
            return
        self.chosen, self.diff = path, diff
        self.model.set_items(diff.rows())
        self.info.setText(
            f"<b>Bản sao lưu:</b> {path}<br>{unit(diff.backup.commune)} · thay đổi mới nhất: "
            f"{when(diff.backup.newest_change)}<br>"
            f"<b>Dữ liệu hiện tại:</b> {unit(diff.current.commune)} · thay đổi mới nhất: "
            f"{when(diff.current.newest_change)}"
        )
        self.restore_button.setEnabled(True)

    def confirmation_text(self) -> str:
        assert self.diff is not None and self.chosen is not None
        lost = [label for label, now, old in self.diff.rows() if now > old]
        warn = f"\n\nBản sao lưu có ít dòng hơn ở: {', '.join(lost)}." if lost else ""
        if self.diff.current.commune != self.diff.backup.commune:
            warn += (
                f"\n\nChú ý: bản sao lưu là dữ liệu của {self.diff.backup.commune}, "
                f"không phải {self.diff.current.commune}."
            )
        newer = self.diff.current.newest_change > self.diff.backup.newest_change
        if newer:
            warn += f"\nCác thay đổi sau {when(self.diff.backup.newest_change)} sẽ không còn trong tệp đang dùng."
        return (
            f"Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu “{self.chosen.name}”?{warn}\n\n"
            "Tệp hiện tại được giữ lại thành một bản an toàn trong thư mục backups; cửa sổ sẽ đóng và mở lại."
        )

    def confirm(self) -> None:
        if self.chosen is None:
            return
        answer = QMessageBox.question(
            self,
            "Xác nhận khôi phục",
            self.confirmation_text(),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.accept()
