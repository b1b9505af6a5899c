"""A connection: pragmas, the SQL functions the triggers call, the acting user, ``atomic()``,
SQLite's errors in Vietnamese and its own check of a file.

Every connection sets foreign_keys=ON, WAL, synchronous=FULL (laptops lose power)
and a busy timeout. A ``Database`` belongs to the thread that opened it; a background
task opens its own with ``storage.database.open_database`` (Python's sqlite3 refuses
cross-thread use). Opening a file (lock, check, migrations) is ``storage/database.py``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor, Permission
from giamngheo_desktop.storage import functions, lock

APPLICATION_ID = 0x474E4431  # "GND1": marks files made by this app
BUSY_TIMEOUT_MS = 5000


# SQLite primary result codes (https://sqlite.org/rescode.html); the English text is never parsed.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 3, 5, 6, 7, 8
SQLITE_INTERRUPT, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 9, 10, 11, 13, 14
SQLITE_NOTADB = 26
SQLITE_READONLY_DBMOVED = 1032  # the file was moved or replaced while open
SQLITE_IOERR_NOMEM = 3082
# errno values (the same on the platforms we ship for)
_ENOSPC, _EDQUOT, _EROFS, _EACCES, _EPERM, _ENOENT = 28, 122, 30, 13, 1, 2


def error_code(exc: BaseException) -> int | None:
    """The extended SQLite result code of an sqlite3 error (None for other errors)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def storage_error(
    exc: BaseException, path: Path | str | None = None, *, target: Path | str | None = None
) -> StorageUnavailable:
    """Turn an sqlite3/OS error into a plain Vietnamese message naming the right culprit.

    Decided by SQLite's result code (or the OS errno), never by the English text. ``path`` is
    the data file; ``target`` the place being written to (a backup folder, a USB stick) when it
    is not the data file: a damaged source is then blamed on the data file, a full or read-only
    medium on the target.
    """
    where = f" ({path})" if path else ""
    place = f" ({target})" if target else where
    code = error_code(exc)
    if code is None and isinstance(exc, OSError):
        errno = exc.errno
        if errno in (_ENOSPC, _EDQUOT):
            code = SQLITE_FULL
        elif errno in (_EROFS, _EACCES, _EPERM):
            code = SQLITE_READONLY
        elif errno == _ENOENT:
            code = SQLITE_CANTOPEN
        else:
            code = SQLITE_IOERR
    primary = None if code is None else code & 0xFF
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return StorageUnavailable(
            "Tệp dữ liệu đang được một chương trình khác (hoặc một cửa sổ khác của Giảm nghèo Desktop) "
            f"sử dụng{where}. Hãy đóng chương trình đó rồi thử lại.",
            code="locked",
        )
    if code == SQLITE_READONLY_DBMOVED:
        return StorageUnavailable(
            f"Tệp dữ liệu{where} đã bị thay thế hoặc di chuyển trong khi đang mở (ví dụ bị khôi phục từ "
            "một chương trình khác). Thay đổi vừa rồi chưa được lưu. Hãy đóng rồi mở lại tệp.",
            code="moved",
        )
    if primary in (SQLITE_READONLY, SQLITE_PERM):
        return StorageUnavailable(
            f"Không ghi được vào{place}: tệp hoặc thư mục chỉ cho phép đọc "
            "(ví dụ USB đang khóa ghi, hoặc không có quyền ghi). Thay đổi vừa rồi chưa được lưu.",
            code="read_only",
        )
    if primary == SQLITE_FULL:
        return StorageUnavailable(
            f"Ổ đĩa đã đầy, không ghi được{place}. Thay đổi vừa rồi chưa được lưu; "
            "dữ liệu cũ vẫn nguyên vẹn. Hãy giải phóng dung lượng rồi thử lại.",
            code="disk_full",
        )
    if primary == SQLITE_NOTADB:
        return StorageUnavailable(
            f"Tệp{where} không phải là tệp dữ liệu hợp lệ (không phải tệp SQLite, hoặc phần đầu tệp đã bị hỏng). "
            "Lỗi nằm ở tệp này, không phải ở ổ đĩa hay USB. Hãy chọn đúng tệp, hoặc khôi phục từ một bản sao lưu.",
            code="damaged",
        )
    if primary == SQLITE_CORRUPT:
        return StorageUnavailable(
            f"Tệp dữ liệu{where} bị hỏng hoặc không phải tệp dữ liệu (SQLite báo lỗi cấu trúc tệp). "
            "Lỗi nằm ở tệp này, không phải ở ổ đĩa hay USB. Đừng ghi thêm vào tệp; hãy lưu một bản "
            "của tệp hỏng và khôi phục từ bản sao lưu tốt gần nhất.",
            code="damaged",
        )
    if primary == SQLITE_CANTOPEN:
        return StorageUnavailable(
            f"Không mở được{place}: thư mục không tồn tại, không có quyền truy cập, hoặc ổ đĩa/USB chưa được cắm.",
            code="cannot_open",
        )
    if primary == SQLITE_IOERR and code != SQLITE_IOERR_NOMEM:
        return StorageUnavailable(
            f"Lỗi đọc/ghi của ổ đĩa{place}: ổ đĩa hoặc USB có thể đã bị rút ra hay bị lỗi. "
            "Thay đổi vừa rồi chưa được lưu. Hãy kiểm tra ổ đĩa rồi thử lại.",
            code="io_error",
        )
    if primary == SQLITE_NOMEM or code == SQLITE_IOERR_NOMEM:
        return StorageUnavailable(
            "Máy tính không đủ bộ nhớ để làm việc này. Hãy đóng bớt chương trình khác rồi thử lại.",
            code="no_memory",
        )
    if primary == SQLITE_INTERRUPT:
        return StorageUnavailable(
            "Thao tác với tệp dữ liệu đã bị dừng giữa chừng; chưa có gì thay đổi.", code="interrupted"
        )
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    return StorageUnavailable(f"Lỗi khi truy cập tệp dữ liệu{where} (mã lỗi {name}).", code="sqlite")


# codes for which a failed statement is the environment's fault, not a bug: a plain message
ENVIRONMENT_CODES = ("locked", "read_only", "disk_full", "damaged", "moved", "io_error", "no_memory", "cannot_open")


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
        functions.register_functions(conn)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    return conn


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file now, None for an in-memory database; (-1, -1) when it is gone."""
    if str(path) == ":memory:":
        return None
    try:
        st = Path(path).stat()
    except OSError:
        return (-1, -1)
    return (st.st_dev, st.st_ino)


class Database:
    """An open database file, the acting user, and the transaction helper.

    Services take a ``Database`` as their first argument, check
    ``db.require(Permission.X)`` and write inside ``with db.atomic():``.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        actor: Actor = SYSTEM_ACTOR,
        *,
        health: FileHealth | None = None,
        read_only: bool = False,
    ) -> None:
        self.conn = conn
        self.path = path
        self.actor = actor
        self.health = health  # the quick check made at open (None: not checked)
        self.read_only = read_only  # a damaged file, or a reading command: every write is refused
        self._depth = 0
        self._closed = False
        self._locked = False  # holds the file's writer lock (storage/lock.py) until close
        self._identity = _identity(path)  # the file we opened; a write into a replaced file is refused
        functions.bind_actor(self.conn, lambda: self.actor)  # the audit triggers record this connection's acting user

    @property
    def damaged(self) -> bool:
        return self.health is not None and self.health.verdict == "damaged"

    def refuse_write(self) -> StorageUnavailable:
        if self.damaged:
            return StorageUnavailable(
                f"Tệp dữ liệu {self.path.name} không qua được kiểm tra khi mở "
                f"({self.health.detail if self.health else ''}) "
                "nên chỉ được mở để xem; không ghi gì vào tệp này. Hãy lưu một bản của tệp hỏng và khôi phục "
                "từ bản sao lưu tốt gần nhất.",
                code="damaged",
            )
        return StorageUnavailable(
            f"Tệp dữ liệu {self.path.name} được mở chỉ để xem (tệp hoặc ổ đĩa chỉ cho phép đọc, hoặc được mở "
            "bằng một lệnh chỉ đọc); thao tác này không ghi được.",
            code="read_only",
        )

    # -- transactions -------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE); nested calls use savepoints.

        Everything inside is applied fully or not at all.
        """
        conn = self.conn
        if self.read_only:
            raise self.refuse_write()
        if self._depth == 0:
            if self._identity is not None and _identity(self.path) != self._identity:
                raise StorageUnavailable(
                    f"Tệp dữ liệu {self.path} đã bị thay thế, di chuyển hoặc xóa trong khi đang mở (ví dụ bị khôi "
                    "phục từ một chương trình khác). Thay đổi này chưa được lưu. Hãy đóng rồi mở lại tệp.",
                    code="moved",
                )
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise storage_error(exc, self.path) from exc
            self._depth = 1
            try:
                yield conn
            except sqlite3.DatabaseError as exc:
                self._depth = 0
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                known = storage_error(exc, self.path)
                if known.code in ENVIRONMENT_CODES:
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

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran (signals may still arrive while a window is torn down)."""
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if not self.read_only:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("PRAGMA optimize")
            self.conn.close()
        finally:
            if self._locked:
                self._locked = False
                lock.release(self.path)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect_read_only(path: Path | str) -> sqlite3.Connection:
    """A connection that cannot write (``mode=ro``) but sees the WAL, as SQLite itself does.

    On read-only media with no ``-wal`` file (SQLite cannot create its ``-shm`` there) the
    main file is the whole truth and is read as unchangeable.
    """
    uri = Path(path).resolve().as_uri()
    try:
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.OperationalError as exc:
            if (error_code(exc) or 0) & 0xFF not in (SQLITE_CANTOPEN, SQLITE_READONLY) or Path(
                str(path) + "-wal"
            ).exists():
                raise
            conn = sqlite3.connect(
                f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA temp_store = MEMORY")
        functions.register_functions(conn)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    return conn


# ------------------------------------------------------------------ health ---
QUICK_CHECK_BUDGET_S = 4.0  # 0.3 s for 50,000 households on the test machine (benchmarks/bench_open.py)


@dataclass(frozen=True)
class FileHealth:
    """What SQLite's own check said about a file: ``ok``, ``damaged`` or ``unchecked`` (out of time)."""

    verdict: str
    detail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.verdict != "damaged"


def check_health(
    conn: sqlite3.Connection, *, full: bool = False, budget_s: float | None = QUICK_CHECK_BUDGET_S
) -> FileHealth:
    """``PRAGMA quick_check`` (or ``integrity_check`` when ``full``) within ``budget_s`` seconds.

    SQLite reads the file through the WAL, so a checkpoint cut short by a power cut is not
    "damaged": the pages are in the ``-wal`` file and SQLite finds them there. When the
    budget runs out the check stops and the verdict is ``unchecked`` (never "damaged").
    """
    start = time.perf_counter()
    deadline = None if budget_s is None else start + budget_s
    if deadline is not None:
        conn.set_progress_handler(lambda: 1 if time.perf_counter() > deadline else 0, 20_000)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)" if full else "PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as exc:
        took = time.perf_counter() - start
        primary = (error_code(exc) or 0) & 0xFF
        if primary == SQLITE_INTERRUPT:
            return FileHealth("unchecked", "hết thời gian kiểm tra nhanh", took)
        if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return FileHealth("damaged", "SQLite không đọc được cấu trúc tệp", took)
        raise storage_error(exc) from exc
    finally:
        if deadline is not None:
            conn.set_progress_handler(None, 0)
    took = time.perf_counter() - start
    if rows == ["ok"]:
        return FileHealth("ok", "", took)
    return FileHealth("damaged", "; ".join(str(r) for r in rows[:3]), took)
