"""Nhật ký thay đổi: the global audit history with filters, paging and the integrity check."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import audit
from giamngheo_desktop.services.audit import ENTITY_LABELS, HistoryQuery
from giamngheo_desktop.services.session import Database
from ui import errors
from ui.widgets.household_history import HistoryModel, history_view

PAGE = 200


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Nhật ký thay đổi")
        self.user_box = QComboBox()
        self.user_box.addItem("Mọi người dùng", None)
        for name in audit.usernames(db):
            self.user_box.addItem(name, name)
        self.entity_box = QComboBox()
        self.entity_box.addItem("Mọi loại dữ liệu", None)
        for key, label in sorted(ENTITY_LABELS.items(), key=lambda kv: kv[1]):
            self.entity_box.addItem(label, key)
        self.use_dates = QCheckBox("Từ ngày")
        today = QDate.currentDate()
        self.date_from, self.date_to = QDateEdit(today.addMonths(-1)), QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.text_edit = QLineEdit(placeholderText="Tìm trong nội dung (không cần dấu)…")
        self.search_button = QPushButton("Lọc")
        self.search_button.clicked.connect(self.reload)
        self.text_edit.returnPressed.connect(self.reload)

        filters = QHBoxLayout()
        filters.addWidget(self.user_box)
        filters.addWidget(self.entity_box)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("đến"))
        filters.addWidget(self.date_to)
        filters.addWidget(self.text_edit, 1)
        filters.addWidget(self.search_button)

        self.model = HistoryModel(db, self)
        self.view = history_view(self.model, self)
        self.count_label = QLabel()
        self.more_button = QPushButton("Xem thêm các thay đổi cũ hơn")
        self.more_button.clicked.connect(self.load_more)
        self.verify_button = QPushButton("Kiểm tra tính toàn vẹn")
        self.verify_button.clicked.connect(self.check_integrity)
        self.verify_label = QLabel()
        self.verify_label.setWordWrap(True)
        close_button = QPushButton("Đóng")
        close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.more_button)
        bottom.addStretch(1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.verify_label)
        layout.addLayout(bottom)
        self.resize(1100, 620)
        self.reload()

    def query(self, before_id: int | None = None) -> HistoryQuery:
        dates = self.use_dates.isChecked()
        return HistoryQuery(
            username=self.user_box.currentData(),
            entity=self.entity_box.currentData(),
            date_from=self.date_from.date().toString("yyyy-MM-dd") if dates else None,
            date_to=self.date_to.date().toString("yyyy-MM-dd") if dates else None,
            text=self.text_edit.text().strip() or None,
            limit=PAGE,
            before_id=before_id,
        )

    def _fetch(self, before_id: int | None) -> list[audit.HistoryEntry]:
        try:
            return audit.history(self.db, self.query(before_id))
        except DomainError as exc:
            errors.show_error(self, exc)
            return []

    def reload(self) -> None:
        entries = self._fetch(None)
        self.model.set_entries(entries)
        self._after_load(len(entries))

    def load_more(self) -> None:
        if not self.model.entries:
            return
        entries = self._fetch(self.model.entries[-1].id)
        self.model.append(entries)
        self._after_load(len(entries))

    def _after_load(self, fetched: int) -> None:
        shown = len(self.model.entries)
        self.count_label.setText("Không có thay đổi nào khớp bộ lọc." if not shown else f"Đang hiện {shown} thay đổi.")
        self.more_button.setEnabled(fetched >= PAGE)

    def check_integrity(self) -> None:
        try:
            result = audit.verify(self.db)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        ok, text = result.ok, result.text()
        self.verify_label.setText(text)
        self.verify_label.setStyleSheet("color: #1b5e20;" if ok else "color: #b00020; font-weight: bold;")
        if not ok:
            QMessageBox.warning(self, "Nhật ký đã bị sửa", text)
