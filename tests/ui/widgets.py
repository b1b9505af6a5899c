"""Driving and reading Qt widgets in tests: typing as the officer types; the item or widget at a place,
or the test fails naming the place."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QWidget

from ui.main_window import MainWindow

W = TypeVar("W", bound=QWidget)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` one key press and release per character (qtbot.keyClicks aborts on non-ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None, f"no item at row {row}, column {column}"
    return item


def cell_widget(table: QTableWidget, row: int, column: int, kind: type[W]) -> W:
    widget = table.cellWidget(row, column)
    assert isinstance(widget, kind), f"row {row}, column {column} holds {widget!r}, not a {kind.__name__}"
    return widget


def top_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [item for item in items if item is not None]


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    found = [item.child(i) for i in range(item.childCount())]
    return [child for child in found if child is not None]


def widget(widgets: dict[str, QWidget], key: str, kind: type[W]) -> W:
    """A form's field widget by key, as the kind of widget the field must be."""
    found = widgets[key]
    assert isinstance(found, kind), f"{key} is a {type(found).__name__}, not a {kind.__name__}"
    return found


def tab_of(window: MainWindow, kind: type[W]) -> W:
    """The main window's tab of the given class (the test fails when the window has none)."""
    return next(tab for tab in window.tab_widgets if isinstance(tab, kind))
