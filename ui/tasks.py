"""Background tasks (STYLE.md §2.4): a plain callable on a QThreadPool, with progress and cancel.

    workspace.run_task(fn, title="Đang tạo xã mẫu…", on_done=..., writes=True)

``fn(ctx)`` runs in a worker thread and receives a :class:`TaskContext`:
``ctx.db`` is the task's OWN connection to the workspace's file (opened on first use,
closed at the end), ``ctx.progress(done, total)`` and ``ctx.cancelled()`` are the plain
callables the core expects.

WARNING — inside ``fn`` never touch a widget, a model, or the GUI thread's ``Database``:
Qt widgets are not thread-safe and sqlite3 refuses cross-thread use. Return a plain value;
``on_done(result)`` then runs on the GUI thread.

Writes go to a private single-thread pool (serialised); reads to the global pool. A
window-modal QProgressDialog appears only after ~500 ms; its Cancel button sets a
``threading.Event`` seen by ``ctx.cancelled()``. Progress reaches the GUI at most ~10
times a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor
from giamngheo_desktop.services.session import Database, open_session

SHOW_AFTER_MS = 500
PROGRESS_INTERVAL_S = 0.1


class Cancelled(Exception):
    """Raise in a task that noticed ``ctx.cancelled()``; it reaches ``on_failed``, never a dialog."""


class TaskContext:
    """What a task may use in its worker thread."""

    def __init__(
        self,
        db_path: Path | None,
        report: Callable[[int, int], None],
        event: threading.Event,
        actor: Actor | None = None,
    ) -> None:
        self._db_path = db_path
        self._actor = actor or SYSTEM_ACTOR  # the window's user: the services check their rights
        self._db: Database | None = None
        self._report = report
        self._event = event
        self._last = 0.0

    @property
    def db(self) -> Database:
        if self._db is None:
            if self._db_path is None:
                raise RuntimeError("this task has no database")
            self._db = open_session(self._db_path, actor=self._actor, check=False)
        return self._db

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= PROGRESS_INTERVAL_S:
            self._last = now
            self._report(int(done), int(total))

    def cancelled(self) -> bool:
        return self._event.is_set()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


TaskFn = Callable[[TaskContext], Any]


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Runnable(QRunnable):
    def __init__(
        self, fn: TaskFn, db_path: Path | None, signals: _Signals, event: threading.Event, actor: Actor | None = None
    ) -> None:
        super().__init__()
        self.actor = actor
        self.setAutoDelete(True)
        self.fn = fn
        self.db_path = db_path
        self.signals = signals
        self.event = event

    def run(self) -> None:
        ctx = TaskContext(self.db_path, self.signals.progress.emit, self.event, self.actor)
        try:
            result = self.fn(ctx)
        except BaseException as exc:
            ctx.close()
            self.signals.failed.emit(exc)
            return
        ctx.close()
        self.signals.finished.emit(result)


class Task(QObject):
    """A running task as seen from the GUI thread (signals: finished, failed, progress)."""

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__()
        self.title = title
        self.cancel_event = threading.Event()
        self.dialog: QProgressDialog | None = None
        self.parent_widget = parent
        self.done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        self._last: tuple[int, int] = (0, 0)
        self._signals: _Signals | None = None  # the worker's signals, kept alive with the task

    def cancel(self) -> None:
        self.cancel_event.set()

    def start_dialog_timer(self) -> None:
        self._timer.start(SHOW_AFTER_MS)

    def _show_dialog(self) -> None:
        if self.done:
            return
        dialog = QProgressDialog(self.title, "Hủy", 0, 0, self.parent_widget)
        dialog.setWindowTitle("Đang xử lý")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(380)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._on_cancel)
        self.dialog = dialog
        self._apply_progress()
        dialog.show()

    def _on_cancel(self) -> None:
        self.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("Đang hủy…")

    def _apply_progress(self) -> None:
        if self.dialog is None:
            return
        done, total = self._last
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self._last = (done, total)
        self._apply_progress()
        self.progress.emit(done, total)

    def _close(self) -> None:
        self.done = True
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self._on_cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._close()
        self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        self._close()
        self.failed.emit(exc)


class TaskRunner:
    """Starts tasks on the thread pools and keeps them alive until they end."""

    def __init__(self) -> None:
        self.write_pool = QThreadPool()
        self.write_pool.setMaxThreadCount(1)
        self.read_pool = QThreadPool.globalInstance()
        self.running: set[Task] = set()
        self.actor: Actor | None = None  # set by the workspace: background work acts as the window's user

    def start(
        self,
        fn: TaskFn,
        *,
        title: str,
        db_path: Path | None,
        writes: bool,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> Task:
        task = Task(title, parent)
        signals = _Signals()
        task._signals = signals
        signals.progress.connect(task._on_progress)
        signals.finished.connect(task._on_finished)
        signals.failed.connect(task._on_failed)
        self.running.add(task)

        def finished(result: object) -> None:
            self.running.discard(task)
            if on_done is not None:
                on_done(result)

        def failed(exc: object) -> None:
            self.running.discard(task)
            if on_failed is not None and isinstance(exc, BaseException):
                on_failed(exc)

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.start_dialog_timer()
        pool = self.write_pool if writes else self.read_pool
        pool.start(_Runnable(fn, db_path, signals, task.cancel_event, self.actor))
        return task

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for the write pool (closing the window, tests)."""
        return bool(self.write_pool.waitForDone(msecs))
