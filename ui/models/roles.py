"""Custom item-data roles shared by every table model (Vorta style)."""

from __future__ import annotations

from PySide6.QtCore import Qt

IdRole = int(Qt.ItemDataRole.UserRole) + 1  # the row's database id (int)
SortKeyRole = int(Qt.ItemDataRole.UserRole) + 2  # a comparable value for the cell
