"""Hộ gia đình: search, filters and the register table (basic version; extended for issue 3)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.services import commune
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.household_query import HouseholdQuery, class_choices, count_households
from ui.models.households_model import HouseholdsModel
from ui.models.roles import IdRole
from ui.workspace import Workspace

SEARCH_DELAY_MS = 250


def _number(value: int) -> str:
    """1234567 → '1.234.567' (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


class HouseholdsTab(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace

        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo tên chủ hộ hoặc thành viên, mã hộ, số định danh…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Tìm kiếm hộ")
        self.village_combo = QComboBox()
        self.village_combo.setAccessibleName("Lọc theo thôn/tổ")
        self.class_combo = QComboBox()
        self.class_combo.setAccessibleName("Lọc theo phân loại hộ")
        self.class_combo.addItem("Tất cả phân loại", None)
        for code, label in class_choices():
            self.class_combo.addItem(label, code)
        self.count_label = QLabel()

        self.model = HouseholdsModel(workspace.db, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        for column, width in enumerate((110, 220, 160, 190, 100)):
            self.view.setColumnWidth(column, width)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)
        self.village_combo.currentIndexChanged.connect(self.apply_filters)
        self.class_combo.currentIndexChanged.connect(self.apply_filters)
        self._kept_ids: list[int] = []
        self._kept_current: int | None = None
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.modelReset.connect(self.update_count)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel("Thôn/tổ:"))
        bar.addWidget(self.village_combo, 1)
        bar.addWidget(QLabel("Phân loại:"))
        bar.addWidget(self.class_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        self.reload_villages()
        self.apply_filters()
        self.update_count()

    # -- filters -----------------------------------------------------------
    def reload_villages(self) -> None:
        current = self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem("Tất cả thôn/tổ", None)
        for village in commune.list_villages(self.workspace.db):
            self.village_combo.addItem(village.name, village.id)
        found = self.village_combo.findData(current)
        self.village_combo.setCurrentIndex(max(found, 0))
        self.village_combo.blockSignals(False)

    def current_query(self) -> HouseholdQuery:
        return dataclasses.replace(
            self.model.query,
            text=self.search.text(),
            village_id=self.village_combo.currentData(),
            poverty_class=self.class_combo.currentData(),
        )

    def apply_filters(self) -> None:
        self._timer.stop()
        query = self.current_query()
        if query != self.model.query or not self.model.ids:
            self.model.set_query(query)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def update_count(self) -> None:
        total = count_households(self.workspace.db)
        shown = self.model.rowCount()
        if shown == total:
            self.count_label.setText(f"{_number(total)} hộ")
        else:
            self.count_label.setText(f"Đang hiển thị {_number(shown)} / {_number(total)} hộ")

    # -- selection by id across re-queries -------------------------------------
    def selected_ids(self) -> list[int]:
        selection = self.view.selectionModel()
        return [int(index.data(IdRole)) for index in selection.selectedRows()] if selection else []

    def _remember_selection(self) -> None:
        self._kept_ids = self.selected_ids()
        current = self.view.currentIndex()
        self._kept_current = int(current.data(IdRole)) if current.isValid() else None

    def _restore_selection(self) -> None:
        selection = self.view.selectionModel()
        if selection is None:
            return
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for household_id in self._kept_ids:
            row = self.model.row_of(household_id)
            if row >= 0:
                selection.select(self.model.index(row, 0), flags)
        if self._kept_current is not None:
            row = self.model.row_of(self._kept_current)
            if row >= 0:
                selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
                self.view.scrollTo(self.model.index(row, 0))

    # -- Changes -----------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        if changes.commune:
            self.reload_villages()
        self.model.on_changes(changes)
        if changes.rows_added_or_removed or changes.households:
            self.update_count()
