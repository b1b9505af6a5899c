"""Table columns that fit their pane: the columns an officer reads side by side stay in view.

``fit_columns(view, natural, shrink=…)`` gives each column its natural width and, when they
do not all fit the view's width, narrows the columns named in ``shrink`` (names, villages: text
that reads well cut short) down to their header's width, so the others stay whole and in
view; a cut cell shows its whole text as a tooltip (:class:`ElidedTips`). :class:`ColumnFitter`
does it again whenever the view changes width (a moved splitter, a resized window).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)


class ElidedTips(QStyledItemDelegate):
    """A cell narrower than its text shows the whole text as its tooltip (the model's own tooltip first)."""

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        if index.data(Qt.ItemDataRole.ToolTipRole) is None:
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text and cut(view, option, index, delegate=self):
                QToolTip.showText(event.globalPos(), str(text), view)
                return True
        return super().helpEvent(event, view, option, index)


def cut(
    view: QAbstractItemView,
    option: QStyleOptionViewItem,
    index: QModelIndex | QPersistentModelIndex,
    *,
    delegate: QStyledItemDelegate | None = None,
) -> bool:
    """Whether the cell's text is wider than the room its cell gives it."""
    opt = QStyleOptionViewItem(option)
    (delegate or QStyledItemDelegate()).initStyleOption(opt, index)
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return opt.fontMetrics.horizontalAdvance(opt.text) + 2 * margin > option.rect.width()


def header_width(view: QTableView, column: int) -> int:
    """What the column's header text needs (its sort arrow included)."""
    header = view.horizontalHeader()
    model = view.model()
    text = str(model.headerData(column, Qt.Orientation.Horizontal) or "") if model is not None else ""
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) if view.isSortingEnabled() else 0
    return header.fontMetrics().horizontalAdvance(text) + 2 * margin + arrow + 4


def fit_columns(view: QTableView, natural: dict[int, int], *, shrink: Mapping[int, int]) -> None:
    """Give the columns their ``natural`` widths; when they do not all fit the view, narrow the
    columns in ``shrink`` (column → the least width it keeps, never less than its header), each by
    its share of what they can give. A stretched last column gets at least its natural width."""
    header = view.horizontalHeader()
    visible = [c for c in range(header.count()) if not header.isSectionHidden(c) and c in natural]
    widths = {c: max(natural[c], header_width(view, c)) for c in visible}
    excess = sum(widths.values()) - view.viewport().width()
    floors = {c: min(widths[c], max(least, header_width(view, c))) for c, least in shrink.items() if c in widths}
    slack = sum(widths[c] - floors[c] for c in floors)
    if excess > 0 and slack > 0:
        for c in floors:
            widths[c] -= min(widths[c] - floors[c], -(-excess * (widths[c] - floors[c]) // slack))  # rounded up
    for column, width in widths.items():  # a stretched last column: the least it keeps
        view.setColumnWidth(column, width)


class ColumnFitter(QObject):
    """Fits ``view``'s columns (:func:`fit_columns`) now and each time the view changes width."""

    def __init__(self, view: QTableView, natural: Callable[[], dict[int, int]], *, shrink: Mapping[int, int]) -> None:
        super().__init__(view)
        self.view = view
        self.natural = natural
        self.shrink = dict(shrink)
        self._width = -1
        view.setItemDelegate(ElidedTips(view))
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.viewport().installEventFilter(self)

    def fit(self) -> None:
        """Fit the columns; the table is repainted once. Told of each new width by its header, the
        table would lay out and repaint the columns again on a zero-time timer, after the paint
        that follows (a search that shows a column, or a scroll bar that comes or goes, painted
        the whole list twice); it is told here instead: its scroll range, and one repaint."""
        self._width = self.view.viewport().width()
        header = self.view.horizontalHeader()
        blocked = header.blockSignals(True)
        try:
            fit_columns(self.view, self.natural(), shrink=self.shrink)
            self.view.updateGeometries()  # the stretched last column's new width too, still untold
        finally:
            header.blockSignals(blocked)
        self.view.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.view.viewport().width() != self._width:
            self.fit()
        return False
