"""Schema versions, keyed on ``PRAGMA user_version`` (calibre/Anki style).

* ``db/schema.sql`` is version 1. A new file runs it and then every step, so new
  and upgraded files take the same path and cannot drift apart.
* Each later change is a numbered ``Step`` below, with a one-line reason.
* Steps run in one transaction after a backup copy of the file; the pragma is
  written inside it, so a failed upgrade leaves the old version and data.
* A file whose version is newer than ``LATEST`` is refused and left untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import SchemaTooNew, StorageUnavailable
from giamngheo_desktop.resources import schema_path
from giamngheo_desktop.storage import audit, reference, search
from giamngheo_desktop.storage.connection import APPLICATION_ID, Database, storage_error


@dataclass(frozen=True)
class Step:
    """Upgrade to ``target`` (= previous + 1). ``run`` is SQL text or a function."""

    target: int
    why: str
    run: str | Callable[[sqlite3.Connection], None]
    rebuilds_tables: bool = False  # switch foreign_keys off around the transaction


def _step_search(conn: sqlite3.Connection) -> None:
    search.upgrade_step(conn)


def _step_search_index(conn: sqlite3.Connection) -> None:
    from giamngheo_desktop.storage import search

    search.index_step(conn)


def _step_plan_target_hint(conn: sqlite3.Connection) -> None:
    """plan_target.target_value may be empty (a count the officer has not set yet); the table is rebuilt
    (a column cannot drop NOT NULL) with the same columns, so its rows read as before (audit seals)."""
    conn.execute(
        """CREATE TABLE plan_target_new (
            id             INTEGER PRIMARY KEY,
            plan_id        INTEGER NOT NULL REFERENCES plan(id),
            code           TEXT NOT NULL,
            label          TEXT NOT NULL,
            kind           TEXT NOT NULL CHECK (kind IN ('count', 'reduction', 'reduction_pct', 'coverage_pct')),
            target_value   REAL,                        -- NULL = not set yet (the officer fills it in)
            unit           TEXT NOT NULL DEFAULT '',
            sort_order     INTEGER NOT NULL DEFAULT 0,
            UNIQUE (plan_id, code)
        )"""
    )
    conn.execute(
        "INSERT INTO plan_target_new (id, plan_id, code, label, kind, target_value, unit, sort_order)"
        " SELECT id, plan_id, code, label, kind, target_value, unit, sort_order FROM plan_target"
    )
    conn.execute("DROP TABLE plan_target")
    conn.execute("ALTER TABLE plan_target_new RENAME TO plan_target")
    audit.sync_triggers(conn)  # the table's audit triggers went with the old table


STEPS: list[Step] = [
    # Step(N, "why this change exists", "ALTER TABLE … ADD COLUMN …" or a function),
    Step(2, "register search: folded search text per household kept by triggers (storage/search.py)", _step_search),
    Step(
        3,
        "no query uses member(name_fold) since step 2 (searches scan household.search_fold; the rest are "
        "LIKE '%…%'); without the index a 200,000-member import writes about 13 % faster",
        "DROP INDEX IF EXISTS member_name_fold",
    ),
    Step(
        4,
        "register search: an FTS5 trigram index over the search text, so a keystroke of 3+ characters costs "
        "what the index costs, not a scan of 50,000 households (storage/search.py)",
        _step_search_index,
    ),
    Step(
        5,
        "keyed audit trail: each entry names the installation key whose HMAC made its hash (storage/audit.py); "
        "older entries keep plain SHA-256 and an empty key_id",
        "ALTER TABLE audit_log ADD COLUMN key_id TEXT",
    ),
    Step(
        6,
        "communes were merged and renamed in 2025–2026: the commune's code, name and kind (xã/phường → "
        "rural/urban, which sets the income lines) are kept with the date each applies from "
        "(services/commune.py: commune_at)",
        """
        CREATE TABLE commune_history (
            id          INTEGER PRIMARY KEY,
            valid_from  TEXT NOT NULL UNIQUE,               -- yyyy-mm-dd; '0001-01-01' = from the start
            code        TEXT NOT NULL CHECK (length(code) = 5 AND code GLOB '[0-9][0-9][0-9][0-9][0-9]'),
            name        TEXT NOT NULL,
            kind        TEXT NOT NULL CHECK (kind IN ('xa', 'phuong', 'dac_khu')),
            area_type   TEXT NOT NULL CHECK (area_type IN ('rural', 'urban')),
            note        TEXT NOT NULL DEFAULT '',           -- e.g. the resolution that changed it
            created_at  TEXT NOT NULL
        );
        INSERT INTO commune_history (valid_from, code, name, kind, area_type, created_at)
            SELECT '0001-01-01', code, name, kind, area_type, updated_at FROM commune WHERE id = 1;
        """,
    ),
    Step(
        7,
        "plan targets copied from the template: a count (models, classes) is left for the officer to set, "
        "the template's value shown beside it as a hint (services/plan.py: target_value may be empty)",
        _step_plan_target_hint,
        rebuilds_tables=True,
    ),
]
LATEST = 1 + len(STEPS)


def split_sql(script: str) -> list[str]:
    """Split an SQL script into complete statements (triggers stay whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()):
        statements.append(buffer.strip())
    return statements


def read_header(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of tables) without changing the file.

    Read through SQLite with ``mode=ro`` (never ``immutable``): the committed pages still in the
    ``-wal`` file count, as they do for every other reader — a checkpoint cut short is not damage,
    and a newer schema written only to the WAL is seen.
    """
    try:
        return _read_header(f"{path.resolve().as_uri()}?mode=ro")
    except sqlite3.Error as exc:
        known = storage_error(exc, path)
        if known.code in ("cannot_open", "read_only") and not Path(str(path) + "-wal").exists():
            # read-only media: SQLite cannot make the -shm file; with no -wal file the main file
            # is the whole truth, so reading it as unchangeable is exact
            try:
                return _read_header(f"{path.resolve().as_uri()}?mode=ro&immutable=1")
            except sqlite3.Error as exc2:
                raise storage_error(exc2, path) from exc2
        raise known from exc


def _read_header(uri: str) -> tuple[int, int, int]:
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()
    return int(app_id), int(version), int(tables)


def check_openable(path: Path, latest: int | None = None) -> int:
    """Refuse, without writing, a file that is too new or is not this app's; return its version."""
    latest = LATEST if latest is None else latest
    if path.stat().st_size == 0 and not Path(str(path) + "-wal").exists():
        return 0
    app_id, version, tables = read_header(path)
    if version > latest:
        raise SchemaTooNew(
            f"Tệp dữ liệu {path.name} được tạo bởi phiên bản mới hơn của Giảm nghèo Desktop "
            f"(phiên bản dữ liệu {version}, phiên bản này hiểu đến {latest}). "
            "Hãy cập nhật chương trình; tệp được giữ nguyên, không bị thay đổi.",
            version=version,
            latest=latest,
        )
    if tables and app_id != APPLICATION_ID:
        raise StorageUnavailable(
            f"Tệp {path.name} là một cơ sở dữ liệu SQLite nhưng không phải của Giảm nghèo Desktop. "
            "Tệp được giữ nguyên.",
            code="foreign_file",
        )
    return int(version)


def backup_before_upgrade(db: Database, version: int, backup_dir: Path | None) -> Path | None:
    """Consistent copy (SQLite backup API) to backups/<name>-v<old>-<timestamp>.sqlite."""
    if str(db.path) == ":memory:":
        return None
    folder = backup_dir or db.path.resolve().parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db.path.stem}-v{version}-{stamp}.sqlite"
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


def _run_step(conn: sqlite3.Connection, step: Step) -> None:
    if callable(step.run):
        step.run(conn)
    else:
        for statement in split_sql(step.run):
            conn.execute(statement)


def upgrade(db: Database, *, backup_dir: Path | None = None, steps: Sequence[Step] | None = None) -> int:
    """Bring the open file to the latest version; return the version it had."""
    steps = list(STEPS if steps is None else steps)
    latest = 1 + len(steps)
    conn = db.conn
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > latest:
        check_openable(db.path, latest)  # raises SchemaTooNew
    fresh = version == 0
    if fresh:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise StorageUnavailable(
                f"Tệp {db.path.name} không phải của Giảm nghèo Desktop; tệp được giữ nguyên.",
                code="foreign_file",
            )
    pending = [s for s in steps if s.target > max(version, 1)]
    if not fresh and not pending:
        _sync_reference(db)
        _sync_audit(db)
        return version
    if not fresh:
        backup_before_upgrade(db, version, backup_dir)
    rebuilds = any(s.rebuilds_tables for s in pending)
    try:
        if rebuilds:
            conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN IMMEDIATE")
        try:
            if fresh:
                for statement in split_sql(schema_path().read_text(encoding="utf-8")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("PRAGMA user_version = 1")
            for step in pending:
                _run_step(conn, step)
                conn.execute(f"PRAGMA user_version = {step.target}")
            if rebuilds and conn.execute("PRAGMA foreign_key_check").fetchone():
                raise StorageUnavailable("Nâng cấp dữ liệu làm hỏng liên kết giữa các bảng; đã hủy nâng cấp.")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise storage_error(exc, db.path) from exc
    finally:
        if rebuilds:
            conn.execute("PRAGMA foreign_keys = ON")
    _sync_reference(db)
    _sync_audit(db, upgraded_from=None if fresh else version)
    return version


def _sync_reference(db: Database) -> None:
    reference.sync(db)


def _sync_audit(db: Database, upgraded_from: int | None = None) -> None:
    """(Re)generate the audit triggers when the tables' columns changed (storage/audit.py).

    Triggers missing from a file that has history (dropped outside the app) are recreated and the
    recreation is itself an entry; so is an upgrade of an existing file.
    """
    if not audit.needs_sync(db.conn) and upgraded_from is None:
        return
    try:
        with db.atomic() as conn:
            missing = audit.missing_triggers(conn)
            audit.sync_triggers(conn)
            has_history = conn.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone() is not None
            if missing and has_history:
                audit.record(db, action="triggers_missing", entity="audit_log", new={"recreated": missing})
            if upgraded_from is not None and has_history:
                audit.record(db, action="upgrade", entity="audit_log", new={"from": upgraded_from, "to": LATEST})
    except StorageUnavailable as exc:
        if exc.code != "read_only":
            raise
