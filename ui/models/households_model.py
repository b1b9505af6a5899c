"""The household register as a table model: ids first, rows on demand (STYLE.md §2.3).

``set_query`` asks the core for the ordered id list (one indexed SELECT; while only the
search text changes, the index's answer filters the kept list: ``RegisterSearch``), so
``rowCount`` and the scrollbar are right at once; ``data`` reads the rows the view shows
(:attr:`HouseholdsModel.rows_in_view`), or about a hundred around the requested row.
``sort`` re-runs the query with another ORDER BY in SQL — never put a
QSortFilterProxyModel in front of this model.
Views keep their selection across re-queries by listening to ``modelAboutToBeReset``
/ ``modelReset`` and using :data:`IdRole`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt

from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.household_query import (
    SORT_KEYS,
    HouseholdQuery,
    HouseholdRow,
    RegisterSearch,
    household_rows,
    matched_members,
)
from giamngheo_desktop.services.session import Database
from ui.models.roles import IdRole, SortKeyRole

BATCH = 100
REFRESH_FOUND_LIMIT = 2000  # rows read beyond which a new search text reads rows again when shown


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # Qt's name: marks text for lupdate
    return text


# (sort key in household_query.SORT_KEYS, or a column that does not sort; header)
COLUMNS: list[tuple[str, str]] = [
    ("code", QT_TRANSLATE_NOOP("HouseholdsModel", "Mã hộ")),
    ("head", QT_TRANSLATE_NOOP("HouseholdsModel", "Chủ hộ")),
    ("village", QT_TRANSLATE_NOOP("HouseholdsModel", "Thôn/tổ")),
    ("class", QT_TRANSLATE_NOOP("HouseholdsModel", "Phân loại hộ")),
    ("members", QT_TRANSLATE_NOOP("HouseholdsModel", "Số nhân khẩu")),
    ("address", QT_TRANSLATE_NOOP("HouseholdsModel", "Địa chỉ")),
    # while searching: the member found when it is not the head (the tab shows it beside the head)
    ("found", QT_TRANSLATE_NOOP("HouseholdsModel", "Thành viên")),
]
COLUMN_KEYS = [key for key, _ in COLUMNS]
FOUND_COLUMN = COLUMN_KEYS.index("found")

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ANSWERED = frozenset({_DISPLAY, _ALIGNMENT, SortKeyRole, IdRole})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _display(row: HouseholdRow, key: str) -> str:
    if key == "code":
        return row.code
    if key == "head":
        return row.head_name
    if key == "found":
        return row.matched_member
    if key == "village":
        return row.village_name
    if key == "class":
        return row.class_label
    if key == "members":
        return str(row.member_count)
    if key == "address":
        return row.address
    return ""


def _sort_key(row: HouseholdRow, key: str) -> Any:
    if key == "members":
        return row.member_count
    if key == "class":
        return row.poverty_class
    return _display(row, key)


class HouseholdsModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.query = HouseholdQuery()
        self.ids: list[int] = []
        self._search = RegisterSearch(db)  # keeps the unsearched ids: a keystroke only asks the index
        self._cache: dict[int, HouseholdRow] = {}
        self._rows: dict[int, int] = {}  # row of each id read (the ids stay while the rows are the same)
        self._missing: set[int] = set()
        # the first and last row a view shows (set by the view's owner): the rows a paint reads
        # (:meth:`_load_around`), and what a new search text that finds the same rows asks again
        # (:meth:`_refresh_found`)
        self.rows_in_view: Callable[[], tuple[int, int]] | None = None

    # -- querying ------------------------------------------------------------
    def set_query(self, query: HouseholdQuery) -> None:
        """Show the households matching ``query`` (re-runs the id query). When the rows are the same
        ones there is no reset (no relayout, selection kept): only the member each row names for a
        new search text is read again (:meth:`_refresh_found`)."""
        ids = self._search.ids(query)  # before the reset: a failed query leaves the table as it was
        if ids == self.ids:  # the same rows (a keystroke that finds what the last one found: often none)
            text_changed = query.text != self.query.text
            self.query = query
            if text_changed:
                self._refresh_found()
            return
        self.beginResetModel()
        self.query = query
        self.ids = ids
        self._cache.clear()
        self._rows.clear()
        self._missing.clear()
        self.endResetModel()

    def _refresh_found(self) -> None:
        """The search text changed but found the same rows: only the member a row names may
        differ. The rows in view (:attr:`rows_in_view`; every row read when no view says) get it
        anew, one query for them; the other rows read are forgotten (read again, with the new
        text, when shown). Only the cells that change are repainted, each alone (no cell when
        none does: typing on through a name repaints nothing but the search box)."""
        first, last = self.rows_in_view() if self.rows_in_view is not None else (0, len(self.ids) - 1)
        if self.rows_in_view is not None:
            shown = {i for i in self.ids[max(first, 0) : last + 1] if i in self._cache}
            self._cache = {i: row for i, row in self._cache.items() if i in shown}
            self._missing.clear()
        if len(self._cache) > REFRESH_FOUND_LIMIT:  # scrolled through much of the list: read rows again
            self._cache.clear()
            self._missing.clear()
            if self.ids:
                self.dataChanged.emit(self.index(0, FOUND_COLUMN), self.index(len(self.ids) - 1, FOUND_COLUMN))
            return
        if not self._cache:
            return
        found = matched_members(self.db, list(self._cache), text=self.query.text)
        for household_id, row in list(self._cache.items()):
            member = found.get(household_id, "")
            if member != row.matched_member:
                self._cache[household_id] = dataclasses.replace(row, matched_member=member)
                cell = self.index(self._rows[household_id], FOUND_COLUMN)
                self.dataChanged.emit(cell, cell)  # one cell: a range repaints the rectangle around it

    def requery(self) -> None:
        """Run the query again from the database (the register changed)."""
        self._search.forget()
        self.set_query(self.query)

    def on_changes(self, changes: Changes) -> None:
        """Re-query when rows may have appeared or gone; otherwise mark rows stale and redraw."""
        if changes.rows_added_or_removed:
            self.requery()
            return
        if not (changes.households or changes.members or changes.commune or changes.review):
            return
        self._search.forget()  # a code or a name may have changed: the next keystroke re-reads the order
        if changes.household_ids and not changes.commune:
            for household_id in changes.household_ids:
                self._cache.pop(household_id, None)
        else:
            self._cache.clear()
        self._missing.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def row_of(self, household_id: int) -> int:
        try:
            return self.ids.index(household_id)
        except ValueError:
            return -1

    def household_at(self, row: int) -> HouseholdRow | None:
        if not 0 <= row < len(self.ids):
            return None
        household_id = self.ids[row]
        found = self._cache.get(household_id)
        if found is None and household_id not in self._missing:
            self._load_around(row)
            found = self._cache.get(household_id)
        return found

    def _load_around(self, row: int) -> None:
        """Read the rows the view shows when ``row`` is one of them (a paint: the first paint after
        a search reads a screenful, not a hundred rows), else about a hundred around ``row``."""
        first, last = self.rows_in_view() if self.rows_in_view is not None else (0, -1)
        if first <= row <= last:
            start, stop = first, last + 1
        else:
            start = max(0, row - BATCH // 2)
            stop = start + BATCH
        wanted = [i for i in self.ids[start:stop] if i not in self._cache]
        loaded = household_rows(self.db, wanted, text=self.query.text)
        self._cache.update(loaded)
        for n, household_id in enumerate(self.ids[start:stop], start):
            self._rows[household_id] = n
        self._missing.update(set(wanted) - loaded.keys())

    # -- Qt model interface ----------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # asked about 1,200 times a repaint (each cell in view, each role): most roles first out
        if role not in _ANSWERED or not index.isValid():
            return None
        n, column = index.row(), index.column()
        if n >= len(self.ids) or column >= len(COLUMNS):
            return None
        if role == IdRole:
            return self.ids[n]
        key = COLUMN_KEYS[column]
        if role == _ALIGNMENT:
            return _RIGHT if key == "members" else None
        row = self.household_at(n)
        if row is None:
            return None
        if role == SortKeyRole:
            return _sort_key(row, key)
        return _display(row, key)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        # asked about a thousand times a search (the row numbers' width after a reset, then a paint):
        # int roles, row numbers first
        if role != _DISPLAY:
            if role == _TOOLTIP and section == FOUND_COLUMN and orientation == Qt.Orientation.Horizontal:
                return "Thành viên của hộ (không phải chủ hộ) có tên hoặc số định danh khớp với nội dung đang tìm"
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("HouseholdsModel", COLUMNS[section][1])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-run the id query in SQL with the column's ORDER BY."""
        if not 0 <= column < len(COLUMNS) or COLUMN_KEYS[column] not in SORT_KEYS:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = dataclasses.replace(self.query, sort=COLUMN_KEYS[column], descending=descending)
        if query == self.query and self.ids:
            return
        self.set_query(query)
