"""One writer per database file: the window, a command-line command or a restore.

Every writer (``storage.database.open_database`` for writing, ``backup.restore``) takes an
OS lock (``fcntl.flock`` / ``msvcrt.locking``) on ``<file>.lock``; the OS drops it when the
process ends, even after a crash or power cut, so a stale lock never blocks the officer.
Another process gets a Vietnamese message naming who holds the file (the window or which
command), the computer, the process and since when. Background tasks of the same process
share the lock (it is counted per process).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
from pathlib import Path
from typing import IO

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import StorageUnavailable

_held: dict[str, tuple[IO[str], int]] = {}
_mutex = threading.RLock()  # background tasks open their own connections in other threads


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


WINDOW = "cửa sổ Giảm nghèo Desktop"


def default_holder() -> str:
    """Who this process is, for the message another writer gets."""
    argv = [a for a in sys.argv[1:] if not a.startswith("-")]
    if sys.argv and sys.argv[0].endswith(("__main__.py", "giamngheo_desktop")) and argv:
        return f"lệnh dòng lệnh «{argv[0]}»"
    return "chương trình Giảm nghèo Desktop"


def acquire(db_path: Path, holder: str | None = None) -> None:
    """Take the file's lock for this process, or raise StorageUnavailable(code='in_use').

    ``holder`` names this writer for others ("cửa sổ Giảm nghèo Desktop", "lệnh restore");
    the first taker in a process names it.
    """
    with _mutex:
        _acquire(Path(db_path), holder)


def _acquire(db_path: Path, holder: str | None) -> None:
    path = lock_path(db_path)
    key = str(path)
    if key in _held:
        handle, count = _held[key]
        _held[key] = (handle, count + 1)
        return
    for _attempt in range(5):
        try:
            handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while locked
        except OSError:
            return  # read-only media: nobody else can write either; opening will say so
        if not _try_lock(handle):
            held_by = ""
            with contextlib.suppress(OSError, ValueError):
                handle.seek(0)
                held_by = handle.read().strip()
            handle.close()
            held_by = held_by or "một chương trình khác (không rõ)"
            raise StorageUnavailable(
                f"Tệp dữ liệu {Path(db_path).name} đang được ghi bởi {held_by}. "
                "Để không mất dữ liệu, chỉ một nơi được ghi vào tệp tại một lúc: hãy dùng nơi đó, "
                "hoặc đóng nó (chờ lệnh chạy xong) rồi thử lại.",
                code="in_use",
                holder=held_by,
            )
        if _same_file(handle, path):
            break
        handle.close()  # the holder removed the lock file as we opened it: take the new one
    else:
        return
    handle.seek(0)
    handle.truncate()
    who = holder or default_holder()
    handle.write(f"{who} (máy {socket.gethostname()}, tiến trình {os.getpid()}, mở lúc {clock.now_iso()})")
    handle.flush()
    _held[key] = (handle, 1)


def release(db_path: Path) -> None:
    with _mutex:
        _release(Path(db_path))


def _release(db_path: Path) -> None:
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
    with contextlib.suppress(OSError):  # removed while still locked (Windows refuses: then it stays, empty)
        Path(key).unlink()
    handle.close()


def _same_file(handle: IO[str], path: Path) -> bool:
    """The locked handle is still the file at ``path`` (not one removed by its last holder)."""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False
