"""A tab that is not built yet (the placeholders are replaced wholesale by their owners)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from giamngheo_desktop.services.changes import Changes
from ui.workspace import Workspace


class PlaceholderTab(QWidget):
    TEXT = "Phần này đang được xây dựng."

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        label = QLabel(self.TEXT)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(label)

    def on_changes(self, changes: Changes) -> None:
        pass
