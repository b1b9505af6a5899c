"""The support ledger, newest first, loaded page by page (keyset ``fetchMore``).

Each page asks ``support.ledger_page`` for the rows older than the last (date, id)
seen, so scrolling never re-reads or skips rows. The total (count and amount) comes
from a separate ``ledger_total`` query for the status line.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from giamngheo_desktop.services import support
from giamngheo_desktop.services.session import Database
from giamngheo_desktop.services.support import LedgerQuery, SupportRow
from ui.models.roles import IdRole, SortKeyRole
from ui.models.support_rows_model import money, vn_date

Index = QModelIndex | QPersistentModelIndex

COLUMNS: list[tuple[str, str]] = [
    ("Ngày", "support_date"),
    ("Mã hộ", "household_code"),
    ("Chủ hộ", "head_name"),
    ("Thôn", "village_name"),
    ("Người nhận", "member_name"),
    ("Loại hỗ trợ", "type_name"),
    ("Số lượng", "quantity"),
    ("Số tiền (đồng)", "amount"),
    ("Nguồn vốn", "funding_name"),
    ("Chương trình, dự án", "programme_name"),
    ("Ghi chú", "note"),
]
NUMERIC = {"quantity", "amount"}


def _quantity(row: SupportRow) -> str:
    q = row.quantity
    text = f"{q:g}".replace(".", ",")
    return f"{text} {row.unit}".strip()


class SupportLedgerModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: Any = None, *, page_size: int = support.PAGE_SIZE) -> None:
        super().__init__(parent)
        self.db = db
        self.page_size = page_size
        self.query = LedgerQuery()
        self._rows: list[SupportRow] = []
        self._more = True
        self.total_count = 0
        self.total_amount = 0

    # -- loading -----------------------------------------------------------
    def set_query(self, query: LedgerQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._rows = []
        self._more = True
        self.endResetModel()
        self.total_count, self.total_amount = support.ledger_total(self.db, query)
        self.fetchMore(QModelIndex())

    def refresh(self) -> None:
        self.set_query(self.query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        after = (self._rows[-1].support_date, self._rows[-1].id) if self._rows else None
        page = support.ledger_page(self.db, self.query, after=after, limit=self.page_size)
        if len(page) < self.page_size:
            self._more = False
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def row_at(self, row: int) -> SupportRow:
        return self._rows[row]

    def row_of(self, support_id: int, *, max_pages: int = 50) -> int:
        """The row showing ``support_id``, loading further pages if needed; -1 if the filter hides it."""
        for _ in range(max_pages + 1):
            for n, r in enumerate(self._rows):
                if r.id == support_id:
                    return n
            if not self._more:
                break
            self.fetchMore(QModelIndex())
        return -1

    # -- Qt ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        attr = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            if attr == "support_date":
                return vn_date(row.support_date)
            if attr == "amount":
                return money(row.amount)
            if attr == "quantity":
                return _quantity(row)
            value = getattr(row, attr)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and attr == "programme_name":
            return row.programme_code or None
        if role == SortKeyRole:
            value = getattr(row, attr)
            return value if value is not None else ""
        if role == IdRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and attr in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)
