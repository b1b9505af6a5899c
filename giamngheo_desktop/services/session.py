"""Opening a database file for the window, for background tasks and for the self-test.

The UI never imports ``giamngheo_desktop.storage``; it opens files through here.
Each thread opens its own :class:`Database` (sqlite3 refuses cross-thread use).
"""

from __future__ import annotations

from pathlib import Path

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.storage import lock
from giamngheo_desktop.storage.connection import Database, FileHealth, storage_error
from giamngheo_desktop.storage.database import file_verdict, open_database

__all__ = ["Database", "FileHealth", "check_file", "close_session", "known_error", "open_session", "self_test"]


def known_error(exc: BaseException, path: Path | str | None = None) -> BaseException:
    """An sqlite3/OS error the environment or a damaged file caused → its Vietnamese DomainError.

    Decided by SQLite's result code (see ``storage.connection.storage_error``); other errors
    (bugs) come back unchanged, for the crash dialog.
    """
    import sqlite3

    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, sqlite3.DatabaseError) or (isinstance(exc, OSError) and exc.errno in (5, 13, 28, 30, 122)):
        known = storage_error(exc, path)
        if known.code != "sqlite":
            return known
    return exc


def check_file(path: Path | str, *, full: bool = True) -> FileHealth:
    """SQLite's own check of a file (``integrity_check`` when ``full``), read without changing it."""
    return file_verdict(path, full=full, budget_s=None)


def open_session(
    path: Path | str,
    *,
    actor: Actor = SYSTEM_ACTOR,
    create: bool = True,
    exclusive: bool = False,
    check: bool = True,
) -> Database:
    """Open (or create) ``path``, migrated to the latest schema; backups go beside the file.

    Every opening for writing takes the file's writer lock until ``db.close()``; ``exclusive``
    (the window) takes it once more, named "the window", until :func:`close_session`.
    ``check`` runs SQLite's quick check (the window's background tasks skip it: the window did it).
    A damaged file opens read-only (``db.damaged``). Raises SchemaTooNew / StorageUnavailable.
    """
    path = Path(path)
    if exclusive:
        lock.acquire(path, holder=lock.WINDOW)
    try:
        return open_database(path, actor=actor, create=create, backup_dir=backups_dir_for(path), check=check)
    except BaseException:
        if exclusive:
            lock.release(path)
        raise


def close_session(db: Database, *, exclusive: bool = False, backup_reason: str | None = None) -> None:
    """Close the window's database: an automatic backup first (``backup_reason``), then the lock."""
    try:
        if backup_reason and not db.read_only:  # a read-only or damaged file changed nothing to keep
            from giamngheo_desktop.services import backup

            try:
                backup.auto_backup(db, backup_reason)  # seals the audit trail first (services.backup)
            except DomainError:
                pass  # a failed automatic copy must never keep the officer from closing
        db.close()
    finally:
        if exclusive:
            lock.release(Path(db.path))


def self_test(folder: Path) -> list[str]:
    """Smoke test of a (frozen) build, the database part: a new file in ``folder`` gets the schema.

    Returns the report line; raises on any failure (``export.selftest`` checks the file writers).
    """
    db = open_session(folder / "selftest.sqlite")
    try:
        version = db.scalar("PRAGMA user_version")
        tables = db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        if not version or not tables:
            raise RuntimeError("schema not created")
        return [f"database: schema v{version}, {tables} tables"]
    finally:
        db.close()
