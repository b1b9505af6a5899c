"""``QTabWidget`` that repaints itself only when its layout changes.

Qt's tab widget answers every layout request by laying out its tab bar and pages again and
repainting all of itself (``QTabWidgetPrivate::setUpLayout`` ends with ``update()``). A layout
request reaches it whenever anything inside a page asks for a new geometry — at 50,000
households that was every search keystroke in the register (a new count, the search box's
clear button): the whole window, its buttons, filters and detail pane, was painted once more
after the table. Here a request is answered only when what the layout is made of changed (the
tab bar's and corner widgets' sizes, the widget's own size); otherwise the parent is only told
that the size hint may have changed, as Qt does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QTabWidget, QWidget


class TabWidget(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._laid_out: Any = None

    def _layout_key(self) -> Any:
        bar = self.tabBar()
        corners = [self.cornerWidget(c) for c in (Qt.Corner.TopLeftCorner, Qt.Corner.TopRightCorner)]
        return (
            self.size().toTuple(),
            bar.isVisibleTo(self),
            bar.sizeHint().toTuple(),
            bar.minimumSizeHint().toTuple(),
            tuple((c.isVisibleTo(self), c.sizeHint().toTuple()) if c is not None else None for c in corners),
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            key = self._layout_key()
            if key == self._laid_out:
                self.updateGeometry()  # a page's size hint may have changed: the parent decides
                return True
            self._laid_out = key
        return super().event(event)
