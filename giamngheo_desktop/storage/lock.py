"""One running window per database file.

The window takes an OS lock (``fcntl.flock`` / ``msvcrt.locking``) on ``<file>.lock``;
the OS drops it when the process ends, even after a crash or power cut, so a stale lock
never blocks the officer. A second copy of the app gets a Vietnamese message naming the
computer and the time the file was opened. Background tasks of the same process share
the lock (it is counted per process).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path
from typing import IO

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import StorageUnavailable

_held: dict[str, tuple[IO[str], int]] = {}


def lock_path(db_path: Path) -> Path:
    return Path(str(Path(db_path).resolve()) + ".lock")


def _try_lock(handle: IO[str]) -> bool:
    try:
        if sys.platform.startswith("win"):
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def acquire(db_path: Path) -> None:
    """Take the file's lock for this process, or raise StorageUnavailable(code='in_use')."""
    path = lock_path(db_path)
    key = str(path)
    if key in _held:
        handle, count = _held[key]
        _held[key] = (handle, count + 1)
        return
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while locked
    except OSError:
        return  # read-only media: nobody else can write either; opening will say so
    if not _try_lock(handle):
        handle.seek(0)
        holder = handle.read().strip() or "không rõ"
        handle.close()
        raise StorageUnavailable(
            f"Tệp dữ liệu {Path(db_path).name} đang được mở ở một cửa sổ Giảm nghèo Desktop khác ({holder}). "
            "Hãy dùng cửa sổ đó, hoặc đóng nó rồi mở lại tệp.",
            code="in_use",
        )
    handle.seek(0)
    handle.truncate()
    handle.write(f"máy {socket.gethostname()}, tiến trình {os.getpid()}, mở lúc {clock.now_iso()}")
    handle.flush()
    _held[key] = (handle, 1)


def release(db_path: Path) -> None:
    key = str(lock_path(db_path))
    if key not in _held:
        return
    handle, count = _held[key]
    if count > 1:
        _held[key] = (handle, count - 1)
        return
    del _held[key]
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
    handle.close()
