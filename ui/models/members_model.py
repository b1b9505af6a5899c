"""Members of one household: a small, fully loaded list (fine behind a sort proxy)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from giamngheo_desktop import formats
from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS, SEX_LABELS
from ui.models.roles import IdRole, SortKeyRole

_Index = QModelIndex | QPersistentModelIndex

COLUMNS: list[tuple[str, str]] = [
    ("full_name", "Họ và tên"),
    ("relationship", "Quan hệ với chủ hộ"),
    ("birth", "Ngày sinh"),
    ("sex", "Giới tính"),
    ("id_number", "Số định danh"),
    ("ethnicity", "Dân tộc"),
    ("status", "Tình trạng"),
]


def birth_text(row: dict[str, Any]) -> str:
    return formats.dmy(row.get("birth_date"), str(row.get("birth_year") or ""))


class MembersModel(QAbstractTableModel):
    """Rows are the dicts of ``services.register.list_members``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def row_of(self, member_id: int) -> int:
        for number, row in enumerate(self._rows):
            if row["id"] == member_id:
                return number
        return -1

    # -- Qt ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section][1]
        return None

    def _text(self, row: dict[str, Any], key: str) -> str:
        if key == "full_name":
            return str(row["full_name"])
        if key == "relationship":
            return str(row.get("relationship_name") or row.get("relationship_code") or "")
        if key == "birth":
            return birth_text(row)
        if key == "sex":
            return SEX_LABELS.get(row.get("sex") or "", "")
        if key == "id_number":
            return str(row.get("id_number") or "")
        if key == "ethnicity":
            return str(row.get("ethnicity_name") or "")
        if key == "status":
            text = LIFE_STATUS_LABELS.get(row.get("life_status") or "living", "")
            if row.get("life_status") != "living" and row.get("life_status_date"):
                text += f" ({birth_text({'birth_date': row['life_status_date']})})"
            return text
        return ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == IdRole:
            return int(row["id"])
        if role == SortKeyRole:
            if key == "birth":
                return row.get("birth_date") or str(row.get("birth_year") or "")
            if key == "full_name":
                return str(row.get("name_fold") or "")
            return self._text(row, key)
        if role == Qt.ItemDataRole.FontRole and row.get("relationship_code") == "01" and row["life_status"] == "living":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.get("life_status") != "living":
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.ToolTipRole and row.get("life_status") != "living":
            return self._text(row, "status")
        return None
