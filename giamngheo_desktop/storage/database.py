"""Opening a database file: the writer lock, SQLite's check, migrations; or reading one as it is.

The top of ``storage`` (docs/architecture.md): it brings a file to the latest schema through
``migrations``; everything below it works on an open ``Database``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor
from giamngheo_desktop.storage import lock, migrations
from giamngheo_desktop.storage.connection import (
    QUICK_CHECK_BUDGET_S,
    Database,
    FileHealth,
    check_health,
    connect,
    connect_read_only,
    storage_error,
)

# Files this process found damaged: later openings that skip the check (background tasks of the
# window) open them read-only too. A restore that replaces the file forgets it.
_known_damaged: dict[str, FileHealth] = {}


def forget_damaged(path: Path | str) -> None:
    _known_damaged.pop(str(Path(path).resolve()), None)


def file_verdict(path: Path | str, *, full: bool = False, budget_s: float | None = QUICK_CHECK_BUDGET_S) -> FileHealth:
    """SQLite's verdict on a file, read without changing it (WAL included; no immutable read).

    Raises SchemaTooNew / StorageUnavailable (not ours, not a database) like opening would.
    """
    path = Path(path)
    migrations.check_openable(path)
    conn = connect_read_only(path)
    try:
        return check_health(conn, full=full, budget_s=budget_s)
    finally:
        conn.close()


def open_database(
    path: Path | str,
    *,
    actor: Actor = SYSTEM_ACTOR,
    create: bool = True,
    backup_dir: Path | None = None,
    check: bool = True,
    write: bool = True,
    holder: str | None = None,
) -> Database:
    """Open (or create) a database file and bring it to the latest schema.

    * Every writer takes the file's lock (:mod:`storage.lock`; ``holder`` says who it is, e.g.
      "lệnh restore"); a second writer in another process is refused with a message naming
      the holder. ``write=False`` opens for reading only (``mode=ro``), takes no lock and runs no
      migration — unless the file needs one, then it opens as a writer.
    * ``check`` runs ``PRAGMA quick_check`` (within :data:`QUICK_CHECK_BUDGET_S`); a file that
      fails it opens read-only (``db.health`` says why, every write is refused) and nothing,
      not even a migration, is written into it.
    * A file from a newer app version raises SchemaTooNew and is left untouched (its version is
      read through SQLite, WAL included); a file that is not ours raises StorageUnavailable.
      Before any migration step the file is copied to ``backup_dir`` (default ``backups/``).
    """
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not path.exists() and not create:
        raise StorageUnavailable(f"Không tìm thấy tệp dữ liệu {path}.", code="missing")
    existed = not memory and path.exists()
    if existed:
        version = migrations.check_openable(path)
        if not write and version >= migrations.LATEST:
            reader = connect_read_only(path)
            return Database(reader, path, actor, health=check_health(reader) if check else None, read_only=True)
    elif not memory:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, path) from exc
    locked = False
    if not memory:
        lock.acquire(path, holder=holder)
        locked = True
    known = _known_damaged.get(str(path.resolve())) if existed else None
    if known is not None and not check:
        try:
            db = Database(connect_read_only(path), path, actor, health=known, read_only=True)
        except BaseException:
            lock.release(path)
            raise
        db._locked = locked
        return db
    conn: sqlite3.Connection | None = None
    try:
        try:
            conn = connect(path)
            health = check_health(conn) if check and existed else None
        except StorageUnavailable as exc:
            if not existed or exc.code not in ("damaged", "read_only", "cannot_open"):
                raise
            if exc.code != "damaged":  # read-only media or folder: open for viewing, refuse writes
                try:
                    ro = connect_read_only(path)
                except StorageUnavailable:
                    raise StorageUnavailable(
                        f"Không mở được tệp dữ liệu ({path}) để ghi: tệp hoặc thư mục chỉ cho phép đọc "
                        "(ví dụ USB đang khóa ghi). Hãy chép tệp vào máy rồi mở lại.",
                        code="read_only",
                    ) from exc
                db = Database(ro, path, actor, health=check_health(ro) if check else None, read_only=True)
                db._locked = locked
                return db
            health = FileHealth("damaged", "SQLite không mở được tệp để ghi")
        if conn is None or (health is not None and not health.ok):
            assert health is not None
            if conn is not None:
                conn.close()
            _known_damaged[str(path.resolve())] = health
            db = Database(connect_read_only(path), path, actor, health=health, read_only=True)
        else:
            db = Database(conn, path, actor, health=health)
            try:
                migrations.upgrade(db, backup_dir=backup_dir)
            except BaseException:
                db.conn.close()
                raise
    except BaseException:
        if locked:
            lock.release(path)
        raise
    db._locked = locked
    return db
