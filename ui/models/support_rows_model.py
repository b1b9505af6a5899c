"""A small, fully loaded table model over plain row objects (loans, models, gaps, targets …).

Columns are (header, getter) pairs; a getter returns the cell's display value. Numbers
are right-aligned; ``SortKeyRole`` returns the raw value so a QSortFilterProxyModel
sorts numbers as numbers. ``IdRole`` returns ``row.id`` (or the value of ``id_attr``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from giamngheo_desktop import formats
from giamngheo_desktop.text import thousands
from ui.models.roles import IdRole, SortKeyRole

Index = QModelIndex | QPersistentModelIndex

LAGGING_BRUSH = QBrush(QColor("#FDE2E1"))


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    display: Callable[[Any], str] | None = None  # formats value; default str()
    numeric: bool = False
    tooltip: Callable[[Any], str] | None = None


def money(value: Any) -> str:
    return thousands(int(value or 0))


def vn_date(value: Any) -> str:
    return formats.dmy(value, str(value or ""))


class RowsTableModel(QAbstractTableModel):
    def __init__(
        self,
        columns: Sequence[Column],
        *,
        id_attr: str = "id",
        highlight: Callable[[Any], bool] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.id_attr = id_attr
        self.highlight = highlight
        self._rows: list[Any] = []

    # -- data --------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    # -- Qt ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(item)
            if value is None:
                return ""
            return column.display(value) if column.display else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(item) or None
        if role == SortKeyRole:
            value = column.value(item)
            return value if value is not None else ""
        if role == IdRole:
            return getattr(item, self.id_attr, None)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.highlight is not None and self.highlight(item):
            return LAGGING_BRUSH
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        return str(section + 1)


class TickedRowsModel(RowsTableModel):
    """Rows with a tick box in the first column, all ticked when set; ``ticked()`` returns the ticked rows."""

    def __init__(self, columns: Sequence[Column], **kwargs: Any) -> None:
        super().__init__(columns, **kwargs)
        self._unticked: set[int] = set()

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._unticked = set()
        super().set_rows(rows)

    def ticked(self) -> list[Any]:
        return [row for n, row in enumerate(self._rows) if n not in self._unticked]

    def set_all(self, ticked: bool) -> None:
        self._unticked = set() if ticked else set(range(len(self._rows)))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0), [CHECK_ROLE])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == CHECK_ROLE and index.isValid() and index.column() == 0 and 0 <= index.row() < len(self._rows):
            return Qt.CheckState.Unchecked if index.row() in self._unticked else Qt.CheckState.Checked
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != CHECK_ROLE or not index.isValid() or index.column() != 0:
            return False
        ticked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        (self._unticked.discard if ticked else self._unticked.add)(index.row())
        self.dataChanged.emit(index, index, [CHECK_ROLE])
        return True


CHECK_ROLE = Qt.ItemDataRole.CheckStateRole
