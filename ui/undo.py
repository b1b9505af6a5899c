"""Undo and redo of register edits while the app is open (QUndoStack in the workspace).

A register operation runs once through its service (``services.register``), which
returns its ``Changes`` with a before/after snapshot of every row it touched. The
command pushed on the stack then undoes by writing the "before" rows back (soft-deleted
rows come back: undo of a removal is a restore) and redoes by writing the "after" rows,
both through the services, never SQL here.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
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
        undone = fn is register.undo_operation
        self.workspace.notice.emit(
            f"Đã hoàn tác: {self.text()} — Làm lại (Ctrl+Y)"
            if undone
            else f"Đã làm lại: {self.text()} — Hoàn tác (Ctrl+Z)"
        )


class ServiceCommand(QUndoCommand):
    """A write that already happened through a service; undo and redo call the services given.

    ``undo()`` and ``redo()`` each write through a service and return its ``Changes``; when
    redoing writes new rows (a batch recorded again), ``redo`` returns them and ``undo_after_redo``
    builds the next undo from that ``Changes``.
    """

    def __init__(
        self,
        workspace: Workspace,
        text: str,
        *,
        undo: Callable[[], Changes],
        redo: Callable[[], Changes],
        undo_after_redo: Callable[[Changes], Callable[[], Changes]] | None = None,
    ) -> None:
        super().__init__(text)
        self.workspace = workspace
        self._undo = undo
        self._redo = redo
        self._undo_after_redo = undo_after_redo
        self._first = True
        self.failed = False

    def redo(self) -> None:
        if self._first:  # the service already did it
            self._first = False
            return
        changes = self._call(self._redo, "Không làm lại được")
        if changes is None:
            return
        if self._undo_after_redo is not None:
            self._undo = self._undo_after_redo(changes)
        self.workspace.notice.emit(f"Đã làm lại: {self.text()} — Hoàn tác (Ctrl+Z)")

    def undo(self) -> None:
        if self._call(self._undo, "Không hoàn tác được") is not None:
            self.workspace.notice.emit(f"Đã hoàn tác: {self.text()} — Làm lại (Ctrl+Y)")

    def _call(self, fn: Callable[[], Changes], title: str) -> Changes | None:
        try:
            changes = fn()
        except DomainError as exc:
            self.failed = True
            errors.show_error(None, exc, title=title)
            return None
        self.workspace.broadcast(changes)
        return changes


def record_write(
    workspace: Workspace,
    text: str,
    changes: Changes,
    *,
    undo: Callable[[], Changes],
    redo: Callable[[], Changes],
    undo_after_redo: Callable[[Changes], Callable[[], Changes]] | None = None,
) -> None:
    """A service write just happened: broadcast it, put its way back on the undo stack, confirm it."""
    workspace.undo_stack.push(ServiceCommand(workspace, text, undo=undo, redo=redo, undo_after_redo=undo_after_redo))
    workspace.broadcast(changes)
    workspace.confirm(text)


class ImportCommand(QUndoCommand):
    """A list import just written. Its undo is “Hoàn tác lần nhập này”: the restore window opens on
    the copy made just before the import, shows what would change and asks before replacing the
    file (the window's result button does the same). When the officer does not go ahead, the
    import stays and so does this step (Ctrl+Z offers it again)."""

    def __init__(self, workspace: Workspace, backup: Path, restore: Callable[..., object]) -> None:
        super().__init__("lần nhập này")
        self.workspace = workspace
        self.backup = backup
        # the window's restore flow, held weakly: the stack must not keep a closed window alive
        self._restore = weakref.WeakMethod(restore) if inspect.ismethod(restore) else lambda: restore

    def redo(self) -> None:  # the import is written (its first push), or still there (a restore not made)
        pass

    def undo(self) -> None:
        QTimer.singleShot(0, self._open_restore)  # once the stack has stepped back

    def _open_restore(self) -> None:
        restore = self._restore()
        if restore is None or self.workspace.db.closed:  # the window is gone
            return
        if restore(preselect=self.backup) is None:
            self.workspace.undo_stack.redo()  # not restored: the import and its step stay


def record_import(workspace: Workspace, text: str, backup: Path, restore: Callable[..., object]) -> None:
    """An import was written (the stack was cleared for it): Ctrl+Z now takes it back through
    ``restore(preselect=backup)`` (the window's restore flow; None when the officer did not restore)."""
    workspace.undo_stack.push(ImportCommand(workspace, backup, restore))
    workspace.confirm(text)


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
    workspace.confirm(text)
    if show_warnings and result.warnings and parent is not None:
        QMessageBox.information(
            parent,
            "Đã lưu — cần lưu ý",
            "Đã lưu. Một số thông tin cần kiểm tra lại:\n\n" + "\n".join(w.text() for w in result.warnings[:15]),
        )
    return result
