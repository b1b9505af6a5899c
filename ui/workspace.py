"""The open database file as the window sees it.

Holds the GUI thread's :class:`Database`, its path, the acting user, the undo stack
and the ``changed`` signal. Every mutating service returns a ``Changes``; whoever
called it passes that to :meth:`Workspace.broadcast`, and each tab refreshes only what
changed. Long work goes through :meth:`run_task` (its own connection, off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from giamngheo_desktop.domain.permissions import Actor
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.session import Database, close_session, open_session
from ui import errors
from ui.tasks import Cancelled, Task, TaskFn, TaskRunner


class Workspace(QObject):
    changed = Signal(object)  # Changes
    busy_changed = Signal(bool)  # a background write started (True) / all ended (False)
    notice = Signal(str)  # a confirmation for the status bar ("Đã ghi … — Hoàn tác (Ctrl+Z)")

    def __init__(self, db: Database, *, runner: TaskRunner | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.undo_stack = QUndoStack(self)
        self.runner = runner if runner is not None else TaskRunner()
        self._writes_running = 0

    @classmethod
    def open(cls, path: Path | str, *, runner: TaskRunner | None = None) -> Workspace:
        """Open (creating and migrating if needed) the file at ``path``."""
        return cls(open_session(path, exclusive=True), runner=runner)

    @property
    def path(self) -> Path:
        return Path(self.db.path)

    @property
    def actor(self) -> Actor:
        return self.db.actor

    @property
    def busy(self) -> bool:
        return self._writes_running > 0

    def broadcast(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def confirm(self, text: str, *, undoable: bool = True) -> None:
        """Tell the officer a write happened: ``Đã ghi: text — Hoàn tác (Ctrl+Z)`` in the status bar."""
        self.notice.emit(f"Đã ghi: {text}" + (" — Hoàn tác (Ctrl+Z)" if undoable else ""))

    def run_task(
        self,
        fn: TaskFn,
        *,
        title: str,
        on_done: Callable[[Any], None] | None = None,
        writes: bool,
        parent: QWidget | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Run ``fn(ctx)`` in the background on its own connection (see ``ui.tasks``).

        Failures go to ``on_failed`` or, by default, to the error/crash dialog.
        """
        if writes:
            self._writes_running += 1
            if self._writes_running == 1:
                self.busy_changed.emit(True)

        def ended() -> None:
            if writes:
                self._writes_running -= 1
                if self._writes_running == 0:
                    self.busy_changed.emit(False)

        def done(result: Any) -> None:
            ended()
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            ended()
            if isinstance(exc, Cancelled):
                return
            if on_failed is not None:
                on_failed(exc)
            else:
                errors.show_error(parent, exc)

        self.runner.actor = self.db.actor
        return self.runner.start(
            fn, title=title, db_path=self.path, writes=writes, on_done=done, on_failed=failed, parent=parent
        )

    def close(self, *, backup: bool = False) -> None:
        """Wait for background work, then close; ``backup`` makes the automatic copy on close.

        The undo history goes with the file (its steps write to it), now, while the window that
        shows it is alive: a stack still holding steps when it is destroyed later, by the garbage
        collector, tells its actions of the change from its destructor (a crash once they are gone).
        """
        self.runner.wait()
        self.undo_stack.clear()
        close_session(self.db, exclusive=True, backup_reason="close" if backup else None)
