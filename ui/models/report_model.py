"""A read-only table model over one ReportData: same columns, header text "group — leaf (n)"."""

from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from giamngheo_desktop.domain.report import TEXT, ReportData, format_number

Index = QModelIndex | QPersistentModelIndex


HEADER_LINE_CHARS = 24  # the tab caps a column at 220 px; longer header lines wrap instead of being clipped


def _wrap(header: str) -> str:
    return "\n".join(
        "\n".join(textwrap.wrap(line, HEADER_LINE_CHARS, break_long_words=False) or [""]) for line in header.split("\n")
    )


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._report: ReportData | None = None
        self._headers: list[str] = []
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def report(self) -> ReportData | None:
        return self._report

    def set_report(self, report: ReportData | None) -> None:
        self.beginResetModel()
        self._report = report
        self._headers = []
        if report is not None:
            leaves = report.leaf_headers()
            self._headers = [
                _wrap(f"{text.replace(' — ', chr(10))}\n({num})")
                for text, num in zip(leaves, report.column_numbers, strict=False)
            ]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._report is None:
            return 0
        return len(self._report.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._report is None:
            return 0
        return self._report.column_count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._report is None:
            return None
        row = self._report.rows[index.row()]
        value = row.values[index.column()]
        kind = self._report.column_kinds[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, (int, float)) and kind != TEXT:
                return format_number(value, kind)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, (int, float)) and kind != TEXT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.kind in ("total", "subtotal", "section"):
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and row.kind in ("total", "subtotal"):
            return QBrush(QColor("#EEF2F6"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
