"""The receiving office's file: a database kind of its own.

A province office (or a commune's economic department) that takes in communes' upload
packages keeps them in an *office file*, never in a commune's register: its own
``application_id`` ("GNO1"), its own baseline schema (:data:`BASELINE`, version 1) and its own
numbered steps (:data:`STEPS`, same :class:`~giamngheo_desktop.storage.migrations.Step` as the
commune file), its own users (``app_user``, ``app_setting`` and the hash-chained ``audit_log``
have the commune file's columns, so ``services.users`` and ``audit verify`` work on both).

:func:`file_kind` tells the two kinds apart without changing the file; :func:`open_office`
opens (or creates) an office file with the writer lock, SQLite's quick check and the upgrade
in one transaction after a backup copy, like ``storage.database.open_database``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from giamngheo_desktop.domain.errors import SchemaTooNew, StorageUnavailable
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor
from giamngheo_desktop.storage import audit, lock, migrations
from giamngheo_desktop.storage.connection import (
    APPLICATION_ID,
    Database,
    check_health,
    connect,
    connect_read_only,
    storage_error,
)

OFFICE_APPLICATION_ID = 0x474E4F31  # "GNO1": a receiving office's file

BASELINE = """
CREATE TABLE office (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,                     -- "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ"
    level       TEXT NOT NULL CHECK (level IN ('province', 'commune')),
    province    TEXT NOT NULL DEFAULT '',
    province_code TEXT NOT NULL DEFAULT '',
    preparer_name TEXT NOT NULL DEFAULT '',
    head_name   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE app_setting (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- the communes that send packages here
CREATE TABLE office_commune (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (length(code) = 5 AND code GLOB '[0-9][0-9][0-9][0-9][0-9]'),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    name_fold   TEXT NOT NULL,
    unit_type   TEXT NOT NULL CHECK (unit_type IN ('xa', 'phuong', 'dac_khu')),
    public_key  TEXT NOT NULL DEFAULT '',          -- "giamngheo-ed25519 <code> <base64>" the commune registered
    key_id      TEXT NOT NULL DEFAULT '',
    key_registered_at TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- one row per package received (every sending kept; ``current`` marks the newest of its period)
CREATE TABLE office_sending (
    id            INTEGER PRIMARY KEY,
    commune_id    INTEGER NOT NULL REFERENCES office_commune(id),
    period_key    TEXT NOT NULL,
    period_kind   TEXT NOT NULL,
    period_label  TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    sequence      INTEGER NOT NULL CHECK (sequence >= 1),
    created_at    TEXT NOT NULL,                    -- when the commune made it (manifest)
    received_at   TEXT NOT NULL,                    -- when the office took it in
    source_file   TEXT NOT NULL,                    -- the file it was read from (for the officer only)
    sha256        TEXT NOT NULL UNIQUE,
    manifest      TEXT NOT NULL,                    -- JSON, as signed
    households    INTEGER NOT NULL,
    members       INTEGER NOT NULL,
    supports      INTEGER NOT NULL,
    bieu1_counts  TEXT NOT NULL,                    -- JSON list of 8 numbers
    notes         TEXT NOT NULL DEFAULT '[]',       -- JSON list: skipped sendings, history gone backwards …
    current       INTEGER NOT NULL DEFAULT 1,
    replaced_at   TEXT,
    UNIQUE (commune_id, period_key, sequence)
);
CREATE INDEX office_sending_period ON office_sending(period_key, current);

-- the report tables of a sending, as the package holds them (ReportData as JSON)
CREATE TABLE office_report (
    sending_id  INTEGER NOT NULL REFERENCES office_sending(id),
    kind        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (sending_id, kind)
);

-- households (poor, near-poor, newly escaped) and their members, as the package holds them
CREATE TABLE office_household (
    id          INTEGER PRIMARY KEY,
    sending_id  INTEGER NOT NULL REFERENCES office_sending(id),
    code        TEXT NOT NULL,
    village     TEXT NOT NULL DEFAULT '',
    class       TEXT NOT NULL,
    persons     INTEGER,
    data        TEXT NOT NULL                       -- the household's JSON without its members
);
CREATE INDEX office_household_sending ON office_household(sending_id);

CREATE TABLE office_member (
    household_id INTEGER NOT NULL REFERENCES office_household(id),
    full_name    TEXT NOT NULL DEFAULT '',
    birth_year   INTEGER,
    sex          TEXT,
    id_number    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX office_member_household ON office_member(household_id);
CREATE INDEX office_member_id_number ON office_member(id_number) WHERE id_number <> '';

CREATE TABLE app_user (
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name        TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'leader')),
    password_hash    TEXT,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    ts          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    household_id INTEGER,
    old_values  TEXT,
    new_values  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
"""

# Later changes: numbered steps, as in storage/migrations.py (the baseline above stays version 1).
STEPS: list[migrations.Step] = []
LATEST = 1 + len(STEPS)


def file_kind(path: Path | str) -> str:
    """'commune', 'office', 'empty' (a new or zero-length file) or 'foreign', without changing the file."""
    path = Path(path)
    if not path.exists() or (path.stat().st_size == 0 and not Path(str(path) + "-wal").exists()):
        return "empty"
    app_id, _version, tables = migrations.read_header(path)
    if not tables:
        return "empty"
    if app_id == OFFICE_APPLICATION_ID:
        return "office"
    if app_id == APPLICATION_ID:
        return "commune"
    return "foreign"


def _check_openable(path: Path) -> int:
    if path.stat().st_size == 0 and not Path(str(path) + "-wal").exists():
        return 0
    app_id, version, tables = migrations.read_header(path)
    if tables and app_id == APPLICATION_ID:
        raise StorageUnavailable(
            f"Tệp {path.name} là sổ dữ liệu của một xã, không phải tệp của cơ quan tiếp nhận. "
            "Hãy mở nó ở chế độ «Xã/phường»; tệp được giữ nguyên.",
            code="commune_file",
        )
    if tables and app_id != OFFICE_APPLICATION_ID:
        raise StorageUnavailable(
            f"Tệp {path.name} không phải tệp của cơ quan tiếp nhận (Giảm nghèo Desktop); tệp được giữ nguyên.",
            code="foreign_file",
        )
    if version > LATEST:
        raise SchemaTooNew(
            f"Tệp {path.name} được tạo bởi phiên bản mới hơn của Giảm nghèo Desktop "
            f"(phiên bản dữ liệu {version}, phiên bản này hiểu đến {LATEST}). "
            "Hãy cập nhật chương trình; tệp được giữ nguyên, không bị thay đổi.",
            version=version,
            latest=LATEST,
        )
    return int(version)


def _upgrade(db: Database, backup_dir: Path | None) -> None:
    conn = db.conn
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    fresh = version == 0
    pending = [s for s in STEPS if s.target > max(version, 1)]
    if fresh or pending:
        if not fresh:
            migrations.backup_before_upgrade(db, version, backup_dir)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if fresh:
                    for statement in migrations.split_sql(BASELINE):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA application_id = {OFFICE_APPLICATION_ID}")
                    conn.execute("PRAGMA user_version = 1")
                for step in pending:
                    if callable(step.run):
                        step.run(conn)
                    else:
                        for statement in migrations.split_sql(step.run):
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {step.target}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise storage_error(exc, db.path) from exc
    if audit.needs_sync(conn):  # app_user and app_setting are audited like in a commune file
        with db.atomic() as c:
            audit.sync_triggers(c)


def open_office(
    path: Path | str,
    *,
    actor: Actor = SYSTEM_ACTOR,
    create: bool = True,
    write: bool = True,
    backup_dir: Path | None = None,
    holder: str | None = None,
) -> Database:
    """Open (or create) a receiving office's file and bring it to the latest schema.

    A commune's register is refused (it is never turned into an office file), as is a file
    from a newer version; both are left untouched. Writers take the file's lock.
    """
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not path.exists() and not create:
        raise StorageUnavailable(f"Không tìm thấy tệp của cơ quan tiếp nhận {path}.", code="missing")
    existed = not memory and path.exists()
    if existed:
        version = _check_openable(path)
        if not write and version >= LATEST:
            reader = connect_read_only(path)
            return Database(reader, path, actor, health=check_health(reader), read_only=True)
    elif not memory:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, path) from exc
    if not memory:
        lock.acquire(path, holder=holder)
    try:
        conn = connect(path)
        health = check_health(conn) if existed else None
        if health is not None and not health.ok:
            conn.close()
            db = Database(connect_read_only(path), path, actor, health=health, read_only=True)
        else:
            db = Database(conn, path, actor, health=health)
            try:
                _upgrade(db, backup_dir)
            except BaseException:
                conn.close()
                raise
    except BaseException:
        if not memory:
            lock.release(path)
        raise
    db._locked = not memory
    return db
