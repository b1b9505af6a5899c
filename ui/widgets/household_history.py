"""Lịch sử thay đổi: the audit entries of one household (and a table model the global
history dialog shares)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from giamngheo_desktop.services import audit
from giamngheo_desktop.services.audit import HistoryEntry, HistoryQuery
from giamngheo_desktop.services.session import Database
from ui.widgets.columns import ColumnFitter

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Thời điểm", "Người thực hiện", "Thao tác", "Đối tượng", "Nội dung thay đổi")


class HistoryModel(QAbstractTableModel):
    """Audit entries, newest first, in Vietnamese (``audit.readable``); ``append`` adds an older page."""

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.entries: list[HistoryEntry] = []
        self.shown: list[audit.Readable] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 5:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        shown = self.shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (shown.when, shown.who, shown.action, shown.subject, shown.text)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return shown.detail or None
        return None

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.shown = audit.readable(self.db, self.entries)
        self.endResetModel()

    def append(self, entries: Sequence[HistoryEntry]) -> None:
        if not entries:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.shown.extend(audit.readable(self.db, list(entries)))
        self.endInsertRows()


def history_view(model: HistoryModel, parent: QWidget | None = None) -> QTableView:
    """The entries side by side: time, user and action whole; the subject cut short (whole in its
    tooltip) before the change itself, which keeps at least a third of the width (it was pushed off
    to the right by a long subject, its header read "ội dung")."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)

    def natural() -> dict[int, int]:
        widths = {column: view.sizeHintForColumn(column) for column in range(4)}
        return widths | {4: view.viewport().width() // 3}

    fitter = ColumnFitter(view, natural, shrink={3: view.fontMetrics().horizontalAdvance("Nguyễn Văn An (hộ 01-0001)")})
    for signal in (model.modelReset, model.rowsInserted):
        signal.connect(lambda *_args: fitter.fit())
    return view


class HouseholdHistory(QWidget):
    """Changes to one household (its members, events, supports…), newest first."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.household_id: int | None = None
        self.model = HistoryModel(db, self)
        self.view = history_view(self.model, self)
        self.empty = QLabel("Chọn một hộ để xem lịch sử thay đổi.")
        self.empty.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)

    def show_household(self, household_id: int | None) -> None:
        self.household_id = household_id
        entries = [] if household_id is None else audit.history(self.db, HistoryQuery(household_id=household_id))
        self.model.set_entries(entries)
        if household_id is None:
            self.empty.setText("Chọn một hộ để xem lịch sử thay đổi.")
        else:
            self.empty.setText("Chưa có thay đổi nào được ghi lại." if not entries else f"{len(entries)} thay đổi.")

    def refresh(self) -> None:
        self.show_household(self.household_id)
