"""Opening a database file: pragmas, migrations, the acting user, ``atomic()``.

Every connection sets foreign_keys=ON, WAL, synchronous=FULL (laptops lose power)
and a busy timeout. A ``Database`` belongs to the thread that opened it; a background
task opens its own with :func:`open_database` (Python's sqlite3 refuses cross-thread use).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor, Permission
from giamngheo_desktop.storage import audit

APPLICATION_ID = 0x474E4431  # "GND1": marks files made by this app
BUSY_TIMEOUT_MS = 5000

# Hooks other modules register to run on every new connection (e.g. SQL functions
# used by triggers). Each receives the raw sqlite3.Connection.
CONNECTION_HOOKS: list[Any] = [audit.register_functions]


def storage_error(exc: BaseException, path: Path | str | None = None) -> StorageUnavailable:
    """Turn an sqlite3/OS error into a plain Vietnamese message."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "locked" in text or "busy" in text:
        return StorageUnavailable(
            "Tệp dữ liệu đang được một chương trình khác (hoặc một cửa sổ khác của Giảm nghèo Desktop) "
            f"sử dụng{where}. Hãy đóng chương trình đó rồi thử lại.",
            code="locked",
        )
    if "readonly" in text or "read-only" in text or "permission denied" in text or "unable to open" in text:
        return StorageUnavailable(
            f"Không ghi được vào tệp dữ liệu{where}: tệp hoặc thư mục chỉ cho phép đọc "
            "(ví dụ USB đang khóa ghi). Hãy chép tệp vào máy rồi mở lại.",
            code="read_only",
        )
    if "full" in text or "no space" in text:
        return StorageUnavailable(
            f"Ổ đĩa đã đầy, không ghi được dữ liệu{where}. Thay đổi vừa rồi chưa được lưu; "
            "dữ liệu cũ vẫn nguyên vẹn. Hãy giải phóng dung lượng rồi thử lại.",
            code="disk_full",
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageUnavailable(
            f"Tệp{where} không phải là tệp dữ liệu hợp lệ hoặc đã bị hỏng. Hãy khôi phục từ một bản sao lưu.",
            code="damaged",
        )
    return StorageUnavailable(f"Lỗi khi truy cập tệp dữ liệu{where}: {exc}", code="sqlite")


def connect(path: Path | str) -> sqlite3.Connection:
    """A raw connection with the app's pragmas (autocommit; use ``Database.atomic``)."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA temp_store = MEMORY")  # sorting and bulk staging (storage.bulk) without temp files
        for hook in CONNECTION_HOOKS:
            hook(conn)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    return conn


class Database:
    """An open database file, the acting user, and the transaction helper.

    Services take a ``Database`` as their first argument, check
    ``db.require(Permission.X)`` and write inside ``with db.atomic():``.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, actor: Actor = SYSTEM_ACTOR) -> None:
        self.conn = conn
        self.path = path
        self.actor = actor
        self._depth = 0
        audit.bind_actor(self)  # the audit triggers record this connection's acting user

    # -- transactions -------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE); nested calls use savepoints.

        Everything inside is applied fully or not at all.
        """
        conn = self.conn
        if self._depth == 0:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise storage_error(exc, self.path) from exc
            self._depth = 1
            try:
                yield conn
            except sqlite3.OperationalError as exc:
                self._depth = 0
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                known = storage_error(exc, self.path)
                if known.code in ("locked", "read_only", "disk_full", "damaged"):
                    raise known from exc  # the environment, not a bug: a plain message
                raise
            except BaseException:
                self._depth = 0
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise storage_error(exc, self.path) from exc
        else:
            name = f"sp{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield conn
            except BaseException:
                self._depth -= 1
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            self._depth -= 1
            conn.execute(f"RELEASE {name}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    # -- reading helpers ----------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self.conn.execute(sql, params)]

    def row(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        found = self.conn.execute(sql, params).fetchone()
        return dict(found) if found is not None else None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        found = self.conn.execute(sql, params).fetchone()
        return found[0] if found is not None else None

    # -- permissions --------------------------------------------------------
    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the acting user has ``permission``."""
        self.actor.require(permission)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA optimize")
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(
    path: Path | str,
    *,
    actor: Actor = SYSTEM_ACTOR,
    create: bool = True,
    backup_dir: Path | None = None,
) -> Database:
    """Open (or create) a database file and bring it to the latest schema.

    A file from a newer app version raises SchemaTooNew and is left byte-for-byte
    untouched; a file that is not ours raises StorageUnavailable. Before any
    migration step the file is copied to ``backup_dir`` (default: ``backups/`` beside it).
    """
    from giamngheo_desktop.storage import migrations

    path = Path(path)
    if not path.exists() and not create:
        raise StorageUnavailable(f"Không tìm thấy tệp dữ liệu {path}.", code="missing")
    if path.exists():
        migrations.check_openable(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, path) from exc
    conn = connect(path)
    db = Database(conn, path, actor)
    try:
        migrations.upgrade(db, backup_dir=backup_dir)
    except BaseException:
        conn.close()
        raise
    return db
