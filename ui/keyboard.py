"""Keyboard rules for every window: Tab leaves tables and lists.

Qt's item views catch Tab to move from cell to cell, which traps a keyboard user inside a
table. :func:`install` turns that off for every view as it gets the focus (one signal per
focus change, no application-wide event filter), so Tab moves on to the next control and
the arrow keys move inside the table.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget


def leave_on_tab(view: QAbstractItemView) -> None:
    """Tab moves the focus out of ``view`` instead of to its next cell."""
    view.setTabKeyNavigation(False)


def _focus_changed(_old: QWidget | None, now: QWidget | None) -> None:
    widget = now
    while widget is not None:  # the focus may be on a view's viewport or an editor inside it
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
