"""A task runner for tests: each task runs at once on the calling thread, same callbacks, no dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from ui.tasks import Cancelled, Task, TaskContext, TaskFn, TaskRunner


class SyncTaskRunner(TaskRunner):
    """Runs each task at once on the calling thread; same callbacks, no dialog."""

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
        task = Task(title, None)
        ctx = TaskContext(db_path, task._on_progress, task.cancel_event, self.actor)
        try:
            result = fn(ctx)
        except BaseException as exc:
            ctx.close()
            task.done = True
            if on_failed is None:
                if isinstance(exc, Cancelled):
                    return task
                raise
            on_failed(exc)
            return task
        ctx.close()
        task.done = True
        if on_done is not None:
            on_done(result)
        return task
