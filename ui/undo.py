"""Undo and redo of register edits while the app is open (QUndoStack in the workspace).

A register operation runs once through its service (``services.register``), which
returns its ``Changes`` with a before/after snapshot of every row it touched. The
command pushed on the stack then undoes by writing the "before" rows back (soft-deleted
rows come back: undo of a removal is a restore) and redoes by writing the "after" rows,
both through the services, never SQL here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox, QWidget

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import register
from giamngheo_desktop.services.changes import Changes, Snapshot
from giamngheo_desktop.services.session import Database
from ui import errors
from ui.workspace import Workspace


class RegisterCommand(QUndoCommand):
    """An operation that already happened; undo/redo replay its snapshot."""

    def __init__(self, workspace: Workspace, result: Changes, text: str) -> None:
        super().__init__(text)
        self.workspace = workspace
        self.result = result
        self._first = True
        self.failed = False

    def redo(self) -> None:
        if self._first:  # the service already did it
            self._first = False
            return
        self._apply(register.redo_operation)

    def undo(self) -> None:
        self._apply(register.undo_operation)

    def _apply(self, fn: Callable[[Database, Snapshot], Changes]) -> None:
        assert self.result.snapshot is not None  # run_operation pushes only register operations
        try:
            changes = fn(self.workspace.db, self.result.snapshot)
        except DomainError as exc:
            self.failed = True
            errors.show_error(None, exc, title="Không hoàn tác được")
            return
        self.workspace.broadcast(changes)


def run_operation(
    workspace: Workspace,
    parent: QWidget | None,
    text: str,
    operation: Callable[[], Changes],
    *,
    show_warnings: bool = True,
) -> Changes | None:
    """Run ``operation`` (a service call), push it on the undo stack and broadcast its Changes.

    Known errors are shown to the officer and return None (nothing was written).
    """
    try:
        result = operation()
    except DomainError as exc:
        errors.show_error(parent, exc)
        return None
    workspace.undo_stack.push(RegisterCommand(workspace, result, text))
    workspace.broadcast(result)
    if show_warnings and result.warnings and parent is not None:
        QMessageBox.information(
            parent,
            "Đã lưu — cần lưu ý",
            "Đã lưu. Một số thông tin cần kiểm tra lại:\n\n" + "\n".join(w.text() for w in result.warnings[:15]),
        )
    return result
