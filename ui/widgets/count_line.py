"""A line of text under a list that changes with every keystroke (the register's count) without
relaying out the window.

A ``QLabel`` asks its layout for a new geometry on every ``setText``; the request climbs every
layout up to the main window's tabs, and ``QTabWidget`` answers any layout request by repainting
the whole tab (the register's buttons, filters and detail pane, once more after the table).
Here the label sits in a container without a layout: a new text repaints the label only, and the
container asks for a new geometry only when the height it needs changes (a message that no
longer fits one line wraps to two).
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class CountLine(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._height = self._needed()

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self._fit()

    def _needed(self) -> int:
        line = self.label.fontMetrics().height()
        if self.width() <= 0 or not self.label.text():
            return line
        return max(line, self.label.heightForWidth(self.width()))

    def _fit(self) -> None:
        needed = self._needed()
        if needed != self._height:
            self._height = needed
            self.updateGeometry()  # only now: a new height is a new layout

    def sizeHint(self) -> QSize:  # the same whatever the text (asked only when the layout is redone)
        return QSize(self.label.fontMetrics().averageCharWidth() * 40, self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(self.rect())
        self._fit()
