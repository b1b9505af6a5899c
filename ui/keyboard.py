"""Keyboard rules for every window: Tab leaves tables, lists and date fields.

Qt's item views catch Tab to move from cell to cell, which traps a keyboard user inside a
table. :func:`install` turns that off for every view as it gets the focus (one signal per
focus change, no application-wide event filter), so Tab moves on to the next control and
the arrow keys move inside the table.

A date field (``QDateEdit``) takes Tab to move from the day to the month to the year: three
presses to leave it, and an arrow key pressed on the way changes the date unseen. As in Excel
and Windows forms, Tab leaves it at once; the day, month and year are typed straight through
("07122026" or "7/12/2026"), or reached with ← →.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDateTimeEdit, QLineEdit, QWidget


def leave_on_tab(view: QAbstractItemView) -> None:
    """Tab moves the focus out of ``view`` instead of to its next cell."""
    view.setTabKeyNavigation(False)


class _DateTab(QObject):
    """Tab (Shift+Tab) in a date field goes on to the next (previous) control, not the next section."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QDateTimeEdit):
            assert isinstance(event, QKeyEvent)
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if event.key() == Qt.Key.Key_Tab and not shift:
                watched.setCurrentSectionIndex(watched.sectionCount() - 1)  # from the last section Tab leaves
            elif event.key() in (Qt.Key.Key_Backtab, Qt.Key.Key_Tab):
                watched.setCurrentSectionIndex(0)  # from the first section Shift+Tab leaves
        return False


_date_tab: _DateTab | None = None


class _EmptyUndo(QObject):
    """Ctrl+Z (Ctrl+Y) in a text box with nothing of its own to undo (redo) goes on to the window's
    Undo (Redo): the officer's last write. Typed text is still undone first, as in any text box."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QLineEdit):
            assert isinstance(event, QKeyEvent)
            undo = event.matches(QKeySequence.StandardKey.Undo) and not watched.isUndoAvailable()
            redo = event.matches(QKeySequence.StandardKey.Redo) and not watched.isRedoAvailable()
            if undo or redo:
                event.ignore()  # not the box's: the shortcut of the window takes it
                return True
        return False


_empty_undo: _EmptyUndo | None = None


def pass_empty_undo(edit: QLineEdit) -> None:
    """Ctrl+Z in ``edit`` reaches the window's Undo while the box has nothing to undo (idempotent)."""
    global _empty_undo
    if _empty_undo is None:
        _empty_undo = _EmptyUndo()
    edit.removeEventFilter(_empty_undo)
    edit.installEventFilter(_empty_undo)


def leave_date_on_tab(edit: QDateTimeEdit) -> None:
    """Tab moves the focus out of ``edit`` instead of to its next section (idempotent)."""
    global _date_tab
    if _date_tab is None:
        _date_tab = _DateTab()
    edit.removeEventFilter(_date_tab)
    edit.installEventFilter(_date_tab)


def _focus_changed(_old: QWidget | None, now: QWidget | None) -> None:
    widget = now
    while widget is not None:  # the focus may be on a view's viewport or an editor inside it
        if isinstance(widget, QDateTimeEdit):
            leave_date_on_tab(widget)
            return
        if isinstance(widget, QLineEdit):
            pass_empty_undo(widget)  # and on up: an editor inside a table
        if isinstance(widget, QAbstractItemView):
            leave_on_tab(widget)
            return
        widget = widget.parentWidget()


_installed: set[int] = set()


def install(app: QApplication) -> None:
    """Apply the rules to every view of ``app`` (idempotent)."""
    if id(app) in _installed:
        return
    _installed.add(id(app))
    app.focusChanged.connect(_focus_changed)
