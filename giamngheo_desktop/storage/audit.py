"""The audit trail: every change, who, when, old and new values, in a hash chain.

SQLite triggers on the audited tables write ``audit_log`` rows inside the same transaction
as the change, so every service of every part of the app is audited without calling
anything. The triggers call application-defined SQL functions registered on every
connection (``storage/functions.py``): ``gn_user_id()``/``gn_user_name()`` (the
connection's acting user), ``gn_now()``, ``gn_audit_on()`` and ``gn_audit_hmac(...)``. A write made outside the
app (with the sqlite3 shell) therefore fails with "no such function" instead of going
unrecorded, and an edit of ``audit_log`` itself is refused by guard triggers; if
someone drops the guards, :func:`verify` finds the first broken link.

The trigger DDL is generated from ``PRAGMA table_info`` at the end of every upgrade
(``migrations.upgrade``), named with a hash of the column list: a fresh file and an
upgraded file get the same triggers, and a column added by a migration step gets its
trigger regenerated. Bulk operations (demo, large imports) may switch the per-row
entries off for their transaction with :func:`bulk` and record one summary entry.

Hash: SHA-256 over the entry's fields joined by U+001F, starting from the previous
entry's hash ('' for the first): see ``functions.entry_hash``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.storage import anchors, search
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.functions import audit_key, entry_hash, key_id, keyed_hash, set_audit_off

TRIGGER_VERSION = "3"  # 3: keyed hash (gn_audit_hmac) + key_id; a new version regenerates every trigger

# table → SQL expression (on NEW/OLD as R) giving the household the row belongs to
AUDITED: dict[str, str | None] = {
    "commune": None,
    "commune_history": None,
    "village": None,
    "code_list": None,
    "household": "R.id",
    "household_cause": "R.household_id",
    "member": "R.household_id",
    "household_request": "R.household_id",
    "review_round": None,
    "round_household": "R.household_id",
    "round_indicator": "R.household_id",
    "village_meeting": None,
    "certificate": "R.household_id",
    "support_record": "R.household_id",
    "support_batch": None,
    "loan": "(SELECT household_id FROM support_record WHERE id = R.support_record_id)",
    "loan_repayment": "(SELECT s.household_id FROM loan l JOIN support_record s ON s.id = l.support_record_id"
    " WHERE l.id = R.loan_id)",
    "production_model": None,
    "model_participant": "R.household_id",
    "training_class": None,
    "class_trainee": "(SELECT household_id FROM member WHERE id = R.member_id)",
    "staff_training": None,
    "staff_training_attendee": None,
    "staff_member": None,
    "plan": None,
    "plan_target": None,
    "scoring_card": None,
    "app_user": None,
    "app_setting": None,
}
SECRET_COLUMNS = {"app_user": {"password_hash"}}
SKIP_COLUMNS = {
    "app_user": {"failed_attempts", "locked_until"},  # logins are not data changes
    "household": {"search_fold", "search_ids"},  # derived search text (storage/search.py)
}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    rows = sorted((r[5], r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5])
    return [name for _, name in rows]


def _json(columns: list[str], alias: str) -> str:
    pairs = ", ".join(f"'{c}', {alias}.\"{c}\"" for c in columns)
    return f"json_object({pairs})"


def trigger_sql(conn: sqlite3.Connection) -> dict[str, str]:
    """name → CREATE TRIGGER statement for every audited table that exists."""
    wanted: dict[str, str] = {}
    existing_tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    keyed = "key_id" in _columns(conn, "audit_log")  # from schema step 5 on (a partial upgrade in tests: not yet)
    version = TRIGGER_VERSION if keyed else "1"
    for table, household_expr in AUDITED.items():
        if table not in existing_tables:
            continue
        columns = _columns(conn, table)
        hidden = SECRET_COLUMNS.get(table, set()) | SKIP_COLUMNS.get(table, set())
        shown = [c for c in columns if c not in hidden]
        pk = _primary_key(conn, table)
        shape = "|".join(columns) + "|" + (household_expr or "") + ("|" + version if keyed else "")
        digest = hashlib.sha256(shape.encode()).hexdigest()[:8]
        for op, when_row in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            name = f"audit_{table}_{op}_{digest}"
            row_id = (
                f'{when_row}."{pk[0]}"'
                if len(pk) == 1
                else "json_array(" + ", ".join(f'{when_row}."{c}"' for c in pk) + ")"
            )
            household = (household_expr or "NULL").replace("R.", f"{when_row}.")
            old = _json(shown, "OLD") if op != "insert" else "NULL"
            new = _json(shown, "NEW") if op != "delete" else "NULL"
            when = "gn_audit_on()"
            if op == "update":
                compared = [c for c in columns if c not in SKIP_COLUMNS.get(table, set())]
                changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in compared) or "0"
                when = f"gn_audit_on() AND ({changed})"
            kind = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}[op]
            wanted[name] = (
                f'CREATE TRIGGER "{name}" AFTER {kind} ON "{table}" WHEN {when} BEGIN '
                "INSERT INTO audit_log (ts, user_id, username, action, entity, entity_id, household_id,"
                f" old_values, new_values, prev_hash, hash{', key_id' if keyed else ''}) "
                "SELECT t.ts, t.uid, t.uname, t.action, t.entity, t.eid, t.hid, t.old, t.new, t.prev, "
                f"{'gn_audit_hmac' if keyed else 'gn_audit_hash'}"
                "(t.prev, t.ts, t.uid, t.uname, t.action, t.entity, t.eid, t.hid, t.old, t.new)"
                f"{', gn_audit_key_id()' if keyed else ''} "
                f"FROM (SELECT gn_now() AS ts, gn_user_id() AS uid, gn_user_name() AS uname, '{op}' AS action, "
                f"'{table}' AS entity, {row_id} AS eid, {household} AS hid, {old} AS old, {new} AS new, "
                "coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '') AS prev) AS t; END"
            )
    return wanted


GUARDS = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'Nhật ký thay đổi chỉ được ghi thêm, không được sửa.'); END",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'Nhật ký thay đổi chỉ được ghi thêm, không được xóa.'); END",
}


def sync_triggers(conn: sqlite3.Connection) -> bool:
    """Create missing audit triggers and drop stale ones; True if anything changed.

    Must run inside a transaction (the caller's). Idempotent.
    """
    wanted = {**trigger_sql(conn), **GUARDS}
    existing = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'")
    }
    changed = False
    for name in sorted(existing - set(wanted)):
        conn.execute(f'DROP TRIGGER "{name}"')
        changed = True
    for name in sorted(set(wanted) - existing):
        conn.execute(wanted[name])
        changed = True
    return changed


def _base_name(name: str) -> str:
    """``audit_member_insert_1a2b3c4d`` → ``audit_member_insert`` (the trigger's table and operation)."""
    head_, _, tail = name.rpartition("_")
    return head_ if len(tail) == 8 and head_.startswith("audit_") else name


def missing_triggers(conn: sqlite3.Connection) -> list[str]:
    """Triggers whose table and operation have no trigger at all (dropped), not merely an older shape."""
    wanted = {_base_name(n) for n in {**trigger_sql(conn), **GUARDS}}
    existing = {
        _base_name(r[0])
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'")
    }
    return sorted(wanted - existing)


def needs_sync(conn: sqlite3.Connection) -> bool:
    wanted = set(trigger_sql(conn)) | set(GUARDS)
    existing = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'")
    }
    return wanted != existing


@dataclass
class BulkWrite:
    """What a :func:`bulk` block tells it: households whose search text it changed (None = any)."""

    search_households: list[int] | None = None
    # seal the rows inserted so far into a table now: from the values given (``columns``: column →
    # one value per row inserted, a column left out holding its default) or by reading them (see
    # _Tracker.settle); set by bulk()
    settle: Callable[..., None] = lambda _table, _columns=None: None
    # insert rows given a column at a time (storage.bulk.insert_columns, same arguments), settled by
    # ``settle_inserted`` (or the next insert); ``sealed``: what ``sealer(table)`` made of the same
    # columns beforehand (or a function giving it); set by bulk()
    insert: Callable[..., list[str]] = lambda _table, _columns, **_kw: []
    settle_inserted: Callable[[], None] = lambda: None
    # table → a function of columns to insert (column → one value per row) giving their block's
    # digest, for ``insert(…, sealed=…)``: pure Python, it may run in another thread; set by bulk()
    sealer: Callable[[str], Callable[[dict[str, list[Any]]], Any]] = lambda _table: lambda _columns: None


@contextlib.contextmanager
def bulk(db: Database, *, action: str, entity: str, summary: dict[str, Any]) -> Iterator[BulkWrite]:
    """Inside an open transaction: no per-row entries, one summary entry instead.

    For bulk writes (the demo, imports of tens of thousands of rows) where one entry per
    row would double the work. The summary names what was done and the counts.

    The per-row triggers (audit and search text) are dropped for the block: even switched
    off, a trigger cost about 40 % of an insert. Dropping them is part of the caller's
    transaction; they are recreated before the block ends (and a rollback restores them
    anyway), and the search text is rebuilt once: of every household, or of those the block
    names in ``search_households`` when it wrote the text of the others itself.
    """
    conn = db.conn
    if not conn.in_transaction:
        raise RuntimeError("audit.bulk must run inside a transaction")
    row_triggers = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'")
        if r[0] not in GUARDS
    ]
    for name in row_triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    search.drop_triggers(conn)
    set_audit_off(conn, True)
    block = BulkWrite()
    tracker = _Tracker(conn)
    block.settle = tracker.settle
    block.insert = tracker.insert
    block.settle_inserted = tracker.settle_inserted
    block.sealer = tracker.sealer
    try:
        yield block
        tracker.settle_inserted()
        search.rebuild(conn, block.search_households)
        written = tracker.written(db)
    finally:
        set_audit_off(conn, False)
        with contextlib.suppress(sqlite3.Error):
            tracker.close()
        with contextlib.suppress(sqlite3.Error):  # after a failed statement the rollback restores them
            sync_triggers(conn)
            search.create_triggers(conn)
    record(db, action=action, entity=entity, new=summary)
    seal(db, "bulk", written=written)  # the tables as the bulk write left them: later checks start from here


def record(
    db: Database,
    *,
    action: str,
    entity: str,
    entity_id: Any = None,
    household_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Append one named entry (an operation rather than a row change), keyed like the triggers' entries."""
    old_text = json.dumps(old, ensure_ascii=False, sort_keys=True) if old is not None else None
    new_text = json.dumps(new, ensure_ascii=False, sort_keys=True) if new is not None else None
    _append(db, action, entity, entity_id, household_id, old_text, new_text)


def _append(
    db: Database,
    action: str,
    entity: str,
    entity_id: Any,
    household_id: int | None,
    old_text: str | None,
    new_text: str | None,
) -> None:
    _append_many(db, [(action, entity, entity_id, household_id, old_text, new_text)])


def _append_many(db: Database, entries: list[tuple[str, str, Any, int | None, str | None, str | None]]) -> None:
    """Append entries (action, entity, entity id, household id, old text, new text), each linked to the
    one before, keyed like the triggers' entries, at one time stamp."""
    if not entries:
        return
    ts = clock.now_iso()
    prev = db.scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") or ""
    user_id, username = db.actor.user_id, db.actor.username
    keyed = "key_id" in _columns(db.conn, "audit_log")  # not in a file before schema step 5 (mid-upgrade)
    key = audit_key() if keyed else None
    made = key_id(key) if key is not None else None
    rows: list[tuple[Any, ...]] = []
    for action, entity, entity_id, household_id, old_text, new_text in entries:
        fields = (prev, ts, user_id, username, action, entity, entity_id, household_id, old_text, new_text)
        digest = keyed_hash(key, *fields) if key is not None else entry_hash(*fields)
        rows.append((*fields[1:], prev, digest, made) if keyed else (*fields[1:], prev, digest))
        prev = digest
    columns = "ts, user_id, username, action, entity, entity_id, household_id, old_values, new_values, prev_hash, hash"
    if keyed:
        columns += ", key_id"
    db.conn.executemany(f"INSERT INTO audit_log ({columns}) VALUES ({', '.join('?' * len(rows[0]))})", rows)


def head(conn: sqlite3.Connection) -> dict[str, Any]:
    """The chain's head: the last entry's id and hash ({"id": 0, "hash": ""} for an empty trail)."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return {"id": int(row[0]), "hash": str(row[1])} if row else {"id": 0, "hash": ""}


# ------------------------------------------------------------------------ seals ---
MOD = 2**256
SEAL = "seal"
# entries after which the next seal reads the tables again instead of moving the last seal forward:
# an upgrade may rewrite rows without entries, a restore replaced the whole file
_RESEAL_AFTER = ("upgrade", "restore")


def _row_digest(text: str | None) -> int:
    return int.from_bytes(hashlib.sha256((text or "").encode("utf-8")).digest(), "big")


def _shown(conn: sqlite3.Connection, table: str) -> list[str]:
    hidden = SECRET_COLUMNS.get(table, set()) | SKIP_COLUMNS.get(table, set())
    return [c for c in _columns(conn, table) if c not in hidden]


def _existing_audited(conn: sqlite3.Connection) -> list[str]:
    existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [t for t in AUDITED if t in existing]


def _row_text(conn: sqlite3.Connection, table: str, alias: str = "R") -> str:
    """The row as the triggers record it, as its UTF-8 bytes (a BLOB: no decoding into a str and
    encoding back for the hash, a third of the cost); as text if the file is not UTF-8."""
    text = _json(_shown(conn, table), alias)
    utf8 = conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"
    return f"CAST({text} AS BLOB)" if utf8 else text


def _digest_sum(rows: Iterable[tuple[Any, ...]]) -> int:
    """Sum of SHA-256 of each row's first value (bytes, or text hashed as UTF-8), not yet reduced."""
    sha, as_int = hashlib.sha256, int.from_bytes
    return sum(
        as_int(sha(v if type(v) is bytes else (v or "").encode("utf-8")).digest(), "big") for (v, *_rest) in rows
    )


_SPAN = 5_000  # rows per statement of _rows_above (their joined text: some 4 MB)
_SEPARATOR = b"\x01"  # never in json_object's text: it writes control characters as \u0001


def _rows_above(conn: sqlite3.Connection, table: str, low: int, high: int | None = None) -> int:
    """:func:`_digest_sum` of the rows with a rowid above ``low`` (up to ``high`` when given; a rowid
    table), not yet reduced.

    5,000 rows per statement, their texts joined by U+0001 in one value: the statement runs in
    SQLite alone (no Python row per row, nor the lock taken back for each), then Python splits and
    hashes. The sum does not depend on the order. Where the parts do not come out one per row (a
    text with U+0001 after all, a NULL) or the joined text is too big, those rows are read one by one.
    """
    top = conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    if top is not None and high is not None:
        top = min(top, high)
    rest = f'SELECT {_row_text(conn, table)} FROM "{table}" AS R WHERE R.rowid > ? AND R.rowid <= {top or 0}'
    if conn.execute("PRAGMA encoding").fetchone()[0] != "UTF-8":
        return _digest_sum(conn.execute(rest, (low,)))
    one_by_one = rest + " AND R.rowid <= ?"
    end = f'SELECT rowid FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET {_SPAN - 1}'
    joined = (
        f"SELECT count(*), CAST(group_concat({_json(_shown(conn, table), 'R')}, char(1)) AS BLOB) "
        f'FROM "{table}" AS R WHERE R.rowid > ? AND R.rowid <= ?'
    )
    sha, as_int = hashlib.sha256, int.from_bytes
    total = 0
    while top is not None and low < top:
        found = conn.execute(end, (low,)).fetchone()
        upto = top if found is None else min(top, found[0])
        try:
            count, text = conn.execute(joined, (low, upto)).fetchone()
        except sqlite3.DataError:  # longer than SQLite's longest value
            return total + _digest_sum(conn.execute(rest, (low,)))
        parts = text.split(_SEPARATOR) if text else []
        if len(parts) == count:
            total += sum([as_int(sha(part).digest(), "big") for part in parts])
        else:
            total += _digest_sum(conn.execute(one_by_one, (low, upto)))
        low = upto
    return total


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
    return "WITHOUT ROWID" not in " ".join(str(sql).upper().split())


def _table_sum(conn: sqlite3.Connection, table: str) -> int:
    if _has_rowid(conn, table):
        lowest = conn.execute(f'SELECT min(rowid) FROM "{table}"').fetchone()[0]
        return _rows_above(conn, table, lowest - 1) % MOD if lowest is not None else 0
    return _digest_sum(conn.execute(f'SELECT {_row_text(conn, table)} FROM "{table}" AS R')) % MOD


def table_digests(conn: sqlite3.Connection, outside: dict[str, list[tuple[int, int]]] | None = None) -> dict[str, str]:
    """Per audited table, the sum (mod 2^256) of SHA-256 of each row as the triggers record it
    (``json_object`` of the shown columns). A sum does not depend on row order and can be moved
    forward by the entries since: + new row, − old row. ``outside``: per table, rowid ranges (a
    seal's blocks) whose rows are left out."""
    ranges = outside or {}
    return {
        table: f"{_outside_sum(conn, table, ranges[table]) if table in ranges else _table_sum(conn, table):064x}"
        for table in _existing_audited(conn)
    }


def table_shapes(conn: sqlite3.Connection) -> dict[str, str]:
    """Per audited table, a short hash of the columns its rows are recorded with: a seal made with
    other columns (before an upgrade) cannot be moved forward."""
    return {
        table: hashlib.sha256("|".join(_shown(conn, table)).encode()).hexdigest()[:16]
        for table in _existing_audited(conn)
    }


def _last_seal(conn: sqlite3.Connection) -> tuple[int, dict[str, Any]] | None:
    for entry_id, new in conn.execute(
        "SELECT id, new_values FROM audit_log WHERE action = ? AND entity = 'audit_log' ORDER BY id DESC", (SEAL,)
    ):
        if new:
            with contextlib.suppress(ValueError):
                found = json.loads(new)
                if isinstance(found, dict):
                    return int(entry_id), found
        return None  # the last seal is unreadable: verify says so; the next one reads the tables
    return None


def _moved_forward(conn: sqlite3.Connection, seal_id: int, tables: dict[str, int]) -> dict[str, int]:
    """The sealed digests moved forward by the row entries since the seal (− old row, + new row)."""
    expected = dict(tables)
    for entity, action, old, new in conn.execute(
        "SELECT entity, action, old_values, new_values FROM audit_log WHERE id > ? AND action IN ('insert', 'update',"
        " 'delete') ORDER BY id",
        (seal_id,),
    ):
        if entity not in expected:
            continue
        if action in ("update", "delete"):
            expected[entity] = (expected[entity] - _row_digest(old)) % MOD
        if action in ("insert", "update"):
            expected[entity] = (expected[entity] + _row_digest(new)) % MOD
    return expected


# ------------------------------------------------------------------------ blocks ---
# A bulk write's rows inserted from values the writer holds (an import's households and members) are
# sealed as a *block*: one SHA-256 of those values a column at a time, instead of a json_object and a
# SHA-256 per row. A seal then holds, per table, the digest of the rows outside its blocks and the
# blocks (table, rowid range, rows, digest, the last entry before them). `verify` takes each block's
# rows as they were sealed — the rows now, those that entries changed since as the first of those
# entries says they were — checks the block's digest, and adds their row digests to the table's.
# A later bulk write that changes rows of a block (it leaves no entries) folds the block into the
# table's digest first (:meth:`_Tracker.written`).
BLOCK_FORMAT = "gn-block-1"
_NONE = type(None)


def _affinity(declared: str) -> str:
    """SQLite's affinity of a column's declared type (the rules of sqlite.org/datatype3.html, 3.1)."""
    kind = declared.upper()
    if "INT" in kind:
        return "INTEGER"
    if "CHAR" in kind or "CLOB" in kind or "TEXT" in kind:
        return "TEXT"
    if "BLOB" in kind or not kind:
        return "BLOB"
    if "REAL" in kind or "FLOA" in kind or "DOUB" in kind:
        return "REAL"
    return "NUMERIC"


# the Python types (besides None) a column of each affinity stores and reads back as they were: an
# int written into a TEXT column comes back as text, a float's JSON text is rounded: no block then
_KEPT: dict[str, tuple[type, ...]] = {
    "INTEGER": (int,),
    "NUMERIC": (int,),
    "TEXT": (str,),
    "BLOB": (int, str),
    "REAL": (),
}


def _rowid_key(conn: sqlite3.Connection, table: str) -> str | None:
    """The table's INTEGER PRIMARY KEY (its rowid, what its entries name), or None."""
    keys = [r for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5]]
    if len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER" and _has_rowid(conn, table):
        return str(keys[0][1])
    return None


def _canonical(values: list[Any]) -> bytes:
    """One column of a block's rows as bytes, made from the values alone (the writer's or the file's):
    integers packed, texts joined by NUL, a column of NULLs counted, anything else as JSON."""
    if not values:
        return b"e"
    with contextlib.suppress(TypeError, OverflowError):
        return b"q" + array("q", values).tobytes()
    with contextlib.suppress(TypeError):
        text = "\x00".join(values)
        if text.count("\x00") == len(values) - 1:
            return b"s" + text.encode("utf-8", "surrogatepass")
    if values.count(None) == len(values):
        return b"n%d" % len(values)
    return b"j" + _JSON(values).encode("utf-8", "surrogatepass")


_JSON = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, default=lambda v: {"?": repr(v)}
).encode


def _block_digest(table: str, shown: list[str], columns: list[list[Any]]) -> str:
    """SHA-256 of a block's rows (in rowid order), a column at a time."""
    count = len(columns[0]) if columns else 0
    digest = hashlib.sha256(f"{BLOCK_FORMAT}\x1e{table}\x1e{count}".encode())
    for name, values in zip(shown, columns, strict=True):
        part = _canonical(values)
        digest.update(f"\x1e{name}\x1f{len(part)}\x1f".encode())
        digest.update(part)
    return digest.hexdigest()


def _block_values(conn: sqlite3.Connection, table: str, columns: dict[str, list[Any]], count: int) -> list[list[Any]]:
    """Each shown column of ``count`` rows just inserted from ``columns`` (a column left out holds its
    default), as the file gives them back; ValueError when a value would not come back as it is."""
    return _values_as_stored(_layout(conn, table), columns, count)


def _layout(conn: sqlite3.Connection, table: str) -> list[tuple[str, tuple[type, ...], str | None]]:
    """The shown columns of ``table``: name, the Python types it gives back as stored, declared default."""
    hidden = SECRET_COLUMNS.get(table, set()) | SKIP_COLUMNS.get(table, set())
    return [
        (name, _KEPT[_affinity(str(declared or ""))], default)
        for _cid, name, declared, _notnull, default, _pk in conn.execute(f'PRAGMA table_info("{table}")')
        if name not in hidden
    ]


def _values_as_stored(
    layout: list[tuple[str, tuple[type, ...], str | None]], columns: dict[str, list[Any]], count: int
) -> list[list[Any]]:
    """:func:`_block_values` from the table's :func:`_layout` (no connection: any thread)."""
    from giamngheo_desktop.storage import bulk

    out: list[list[Any]] = []
    for name, kept, default in layout:
        values = columns.get(name)
        if values is None:
            value = bulk.parse_default(default)
            if not isinstance(value, (*kept, _NONE)) or type(value) is bool:
                raise ValueError(name)
            out.append([value] * count)
            continue
        if len(values) != count:
            raise ValueError(name)
        first = values[0]
        if values.count(first) != count or type(first) not in (*kept, _NONE):  # most columns are one value
            if not set(map(type, values)) <= {*kept, _NONE}:  # bool, float, bytes, an int for a TEXT column …
                raise ValueError(name)
        elif type(first) is int and len(set(map(type, values))) != 1:  # 1, True and 1.0 are equal, not the same
            raise ValueError(name)
        out.append(values)
    return out


def _ascending(ids: list[Any] | None) -> bool:
    """Integers (not bools), each above the one before."""
    return bool(ids) and set(map(type, ids or ())) == {int} and all(map(int.__lt__, ids or (), (ids or ())[1:]))


_UNSEALED = object()  # a sealer's answer for columns that make no block (their rows are read instead)


def _first_states(conn: sqlite3.Connection, table: str, key: str, since: int) -> dict[int, str | None]:
    """Per row (its key) that entries after ``since`` changed: its text before the first of them
    (None: it was not there)."""
    path = f'$."{key}"'
    states: dict[int, str | None] = {}
    for old_key, new_key, old in conn.execute(
        "SELECT CASE WHEN json_valid(old_values) THEN json_extract(old_values, ?) END,"
        " CASE WHEN json_valid(new_values) THEN json_extract(new_values, ?) END, old_values FROM audit_log"
        " WHERE id > ? AND entity = ? AND action IN ('insert', 'update', 'delete') ORDER BY id",
        (path, path, since, table),
    ):
        if type(old_key) is int:
            states.setdefault(old_key, old)
        if type(new_key) is int:
            states.setdefault(new_key, None)
    return states


def _block_same(conn: sqlite3.Connection, block: dict[str, Any], touched: dict[int, str | None]) -> bool:
    """Whether a block's rows as they were sealed — the rows now, those in ``touched`` (its rows changed
    since, by key) as it says they were (None: not there) — give the block's digest."""
    table, low, high = str(block["table"]), int(block["after"]), int(block["upto"])
    key = _rowid_key(conn, table)
    shown = _shown(conn, table)
    if key is None or key not in shown:
        return False
    at = shown.index(key)
    names = ", ".join(f'"{c}"' for c in shown)
    rows = conn.execute(
        f'SELECT {names} FROM "{table}" WHERE rowid > ? AND rowid <= ? ORDER BY rowid', (low, high)
    ).fetchall()
    if touched:
        rows = [r for r in rows if r[at] not in touched]
        for text in touched.values():
            if text is not None:
                found = json.loads(text)
                rows.append(tuple(found.get(c) for c in shown))
        rows.sort(key=lambda r: r[at])
    if len(rows) != block.get("rows"):
        return False
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in shown]
    return _block_digest(table, shown, columns) == block.get("digest")


def _touched_sum(conn: sqlite3.Connection, table: str, touched: dict[int, str | None]) -> int:
    """Σ digest of the rows in ``touched`` as it says they were − as they are now (not reduced)."""
    total = sum(_row_digest(text) for text in touched.values() if text is not None)
    keys, row = list(touched), _row_text(conn, table)
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        marks = ", ".join("?" * len(part))
        total -= _digest_sum(conn.execute(f'SELECT {row} FROM "{table}" AS R WHERE R.rowid IN ({marks})', part))
    return total


def _block_sum(conn: sqlite3.Connection, block: dict[str, Any], touched: dict[int, str | None]) -> int:
    """Σ digest of a block's rows as they were sealed (see :func:`_block_same`), not reduced."""
    table, low, high = str(block["table"]), int(block["after"]), int(block["upto"])
    return _rows_above(conn, table, low, high) + _touched_sum(conn, table, touched)


def _in_block(states: dict[int, str | None], block: dict[str, Any]) -> dict[int, str | None]:
    low, high = int(block["after"]), int(block["upto"])
    return {k: v for k, v in states.items() if low < k <= high}


def _blocks_of(sealed: dict[str, Any] | None) -> list[dict[str, Any]]:
    found = (sealed or {}).get("blocks")
    if not isinstance(found, list):
        return []
    return [b for b in found if isinstance(b, dict) and {"table", "after", "upto", "rows", "digest", "since"} <= set(b)]


def _outside_sums(
    conn: sqlite3.Connection, seal_id: int, sealed: dict[str, Any]
) -> tuple[dict[str, int], set[str], dict[str, list[tuple[int, int]]]]:
    """What each table's rows outside the seal's blocks should sum to now: the seal's digest moved
    forward by the entries since, plus, for the block rows those entries changed, their digests as
    sealed − as they are now (the entries moved the digest by now − as sealed, but those rows are
    counted with their block); the tables one of whose blocks does not give its digest; the ranges."""
    tables = sealed.get("tables") or {}
    expected = _moved_forward(conn, seal_id, {t: int(str(d), 16) for t, d in tables.items()})
    broken: set[str] = set()
    ranges: dict[str, list[tuple[int, int]]] = {}
    states: dict[tuple[str, int], dict[int, str | None]] = {}
    for block in _blocks_of(sealed):
        table = str(block["table"])
        key = _rowid_key(conn, table)
        if table not in expected or key is None:
            broken.add(table)
            continue
        since = int(block["since"])
        if (table, since) not in states:
            states[table, since] = _first_states(conn, table, key, since)
        touched = _in_block(states[table, since], block)
        if not _block_same(conn, block, touched):
            broken.add(table)
        expected[table] = (expected[table] + _touched_sum(conn, table, touched)) % MOD
        ranges.setdefault(table, []).append((int(block["after"]), int(block["upto"])))
    return expected, broken, ranges


def _outside_sum(conn: sqlite3.Connection, table: str, ranges: list[tuple[int, int]]) -> int:
    """Σ digest of the table's rows outside the rowid ranges (blocks never overlap), reduced."""
    lowest = conn.execute(f'SELECT min(rowid) FROM "{table}"').fetchone()[0]
    if lowest is None:
        return 0
    total, low = 0, int(lowest) - 1
    for after, upto in sorted(ranges):
        if after > low:
            total += _rows_above(conn, table, low, after)
        low = max(low, upto)
    return (total + _rows_above(conn, table, low)) % MOD


def _sealed_sums(conn: sqlite3.Connection, seal_id: int, sealed: dict[str, Any]) -> tuple[dict[str, int], set[str]]:
    """What each table's digest should be now (the seal's rows outside its blocks and in them, moved
    forward by the entries since), and the tables one of whose blocks does not give its digest."""
    expected, broken, ranges = _outside_sums(conn, seal_id, sealed)
    for table, found in ranges.items():
        for low, high in found:
            expected[table] = (expected[table] + _rows_above(conn, table, low, high)) % MOD
    return expected, broken


@dataclass
class Written:
    """What a bulk write changed (see :class:`_Tracker`): per table, Σ digest of its rows now − as they
    were, outside the blocks it made; the blocks it made; the earlier seal's blocks it folded into ``sums``."""

    sums: dict[str, int]
    blocks: list[dict[str, Any]]
    folded: list[dict[str, Any]]


def _sealed_now(
    conn: sqlite3.Connection, reason: str, written: Written | None
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The digests a new seal records, and its blocks: the last seal moved forward by the entries since
    and by what a bulk write wrote without entries (``written``: per table, rows now − rows before, see
    :class:`_Tracker`; the blocks it made).

    A seal costs what was written since the last one, not a reading of every table. Tables are read
    again where the last seal cannot be moved forward: none yet, one made before this way of sealing
    (no shapes), another set of columns (an upgrade), an upgrade or a restore since; their blocks
    go (the reading took their rows in). Moving forward
    never takes in a change made outside the app since the last seal: it keeps showing in
    :func:`verify` until someone looks, as it did between two seals before.
    """
    shapes = table_shapes(conn)
    last = None if reason in _RESEAL_AFTER else _last_seal(conn)
    usable: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    if last is not None:
        seal_id, sealed = last
        old_shapes, tables = sealed.get("shapes"), sealed.get("tables")
        again = conn.execute(
            f"SELECT 1 FROM audit_log WHERE id > ? AND action IN ({', '.join('?' * len(_RESEAL_AFTER))}) LIMIT 1",
            (seal_id, *_RESEAL_AFTER),
        ).fetchone()
        if isinstance(old_shapes, dict) and isinstance(tables, dict) and again is None:
            with contextlib.suppress(ValueError, TypeError):
                usable = {
                    t: int(str(tables[t]), 16)
                    for t, shape in shapes.items()
                    if old_shapes.get(t) == shape and t in tables
                }
            if usable:
                usable = _moved_forward(conn, seal_id, usable)
                kept = _blocks_of(sealed)
    added = written.sums if written is not None else {}
    folded = written.folded if written is not None else []
    blocks = [
        b for b in kept + (written.blocks if written is not None else []) if b["table"] in usable and b not in folded
    ]
    digests = {
        table: f"{(usable[table] + added.get(table, 0)) % MOD if table in usable else _table_sum(conn, table):064x}"
        for table in shapes
    }
    return digests, blocks


class _Tracker:
    """What a bulk write changes in the audited tables, without per-row entries.

    Rows it inserts above the highest rowid a table had are read once at the end; for rows at or below
    it (updated, deleted, or inserted where one was deleted before) temporary triggers keep the key
    and the row as it was before the first change (NULL: not there before). Then
    :meth:`written` = Σ digest(those rows now) − Σ digest(as they were), per table: the bulk write's
    seal moves the last one forward by that, reading what was written, not the whole file.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.tables: dict[str, tuple[list[str], int | None]] = {}  # table → key columns, highest rowid (None: no rowid)
        self.triggers: list[str] = []
        self.settled: dict[str, int] = {}  # table → Σ digest of the rows read by settle (inserted by the write)
        self.blocks: list[dict[str, Any]] = []  # rows settled from the values they were inserted from
        self.start: dict[str, int] = {}  # table → its highest rowid before the write
        self.inserted: tuple[str, dict[str, list[Any]], Any] | None = None  # by insert, not settled yet
        for n, table in enumerate(_existing_audited(conn)):
            rowid = _has_rowid(conn, table)
            keys = ["rowid"] if rowid else _primary_key(conn, table)
            top = int(conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0]) if rowid else None
            self.tables[table] = (keys, top)
            if top is not None:
                self.start[table] = top
            track = f"gn_bulk_{n}"
            cols = ", ".join(f"k{i}" for i in range(len(keys)))
            conn.execute(f'DROP TABLE IF EXISTS temp."{track}"')  # left by a write that failed outside a transaction
            conn.execute(f'CREATE TEMP TABLE "{track}" ({cols}, before BLOB, PRIMARY KEY ({cols}))')
            self._watch(n, table)

    def _watch(self, n: int, table: str) -> None:
        """(Re)make the table's triggers for the rows at or below its highest rowid."""
        conn = self.conn
        keys, top = self.tables[table]
        rowid = top is not None
        track = f"gn_bulk_{n}"
        row = _row_text(conn, table, "OLD")
        old_keys = ", ".join(f'OLD."{k}"' if k != "rowid" else "OLD.rowid" for k in keys)
        new_keys = ", ".join(f'NEW."{k}"' if k != "rowid" else "NEW.rowid" for k in keys)
        old_low = f" WHEN OLD.rowid <= {top}" if rowid else ""
        new_low = f"NEW.rowid <= {top}" if rowid else "1"
        changed_key = " OR ".join(f"NEW.{k} IS NOT OLD.{k}" for k in ("rowid",) if rowid) or " OR ".join(
            f'NEW."{k}" IS NOT OLD."{k}"' for k in keys
        )
        written_cols = ", ".join(f'"{c}"' for c in _columns(conn, table) if c not in SKIP_COLUMNS.get(table, set()))
        remember = f'INSERT OR IGNORE INTO "{track}" VALUES ({old_keys}, {row});'
        absent = f'INSERT OR IGNORE INTO "{track}" VALUES ({new_keys}, NULL);'
        for name, sql_text in (
            (f"{track}_d", f'BEFORE DELETE ON main."{table}"{old_low} BEGIN {remember} END'),
            (f"{track}_u", f'BEFORE UPDATE OF {written_cols} ON main."{table}"{old_low} BEGIN {remember} END'),
            (
                f"{track}_k",
                f'AFTER UPDATE OF {written_cols} ON main."{table}" WHEN ({changed_key}) AND {new_low} '
                f"BEGIN {absent} END",
            ),
            (f"{track}_i", f'AFTER INSERT ON main."{table}" WHEN {new_low} BEGIN {absent} END'),
        ):
            conn.execute(f'DROP TRIGGER IF EXISTS temp."{name}"')
            conn.execute(f'CREATE TEMP TRIGGER "{name}" {sql_text}')
            if name not in self.triggers:
                self.triggers.append(name)

    def settle(self, table: str, columns: dict[str, list[Any]] | None = None, *, sealed: Any = None) -> None:
        """Seal now the rows the write inserted into ``table`` above its highest rowid, and watch them
        from here on like the rows that were there before (a later change: its row as sealed here
        becomes the "as it was"). With ``columns`` (the values they were inserted from, column → one
        value per row in rowid order, a column left out holding its default) they become a block
        (one digest of those values, nothing read); otherwise, or when they are not exactly those rows
        or a value would not come back as it is, they are read (in SQLite, while the import's helper
        thread makes the next chunk). ``sealed``: what :meth:`sealer` made of these ``columns``, or a
        function giving it."""
        self.settle_inserted()
        keys, top = self.tables.get(table, ([], None))
        if top is None:
            return
        high = int(self.conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0])
        if high <= top:
            return
        block = self._block(table, top, high, columns, sealed) if columns is not None else None
        if block is None:
            self.settled[table] = self.settled.get(table, 0) + _rows_above(self.conn, table, top)
        else:
            self.blocks.append(block)
        self.tables[table] = (keys, high)
        self._watch(list(self.tables).index(table), table)

    def _block(
        self, table: str, top: int, high: int, columns: dict[str, list[Any]], sealed: Any = None
    ) -> dict[str, Any] | None:
        if callable(sealed):
            sealed = sealed()
        if sealed is _UNSEALED:
            return None
        key = _rowid_key(self.conn, table)
        ids = columns.get(key) if key is not None else None
        if not ids or (sealed is None and not _ascending(ids)) or ids[0] <= top or ids[-1] != high:
            return None
        count = len(ids)
        if self.conn.execute(f'SELECT count(*) FROM "{table}" WHERE rowid > ?', (top,)).fetchone()[0] != count:
            return None  # other rows than those given
        if sealed is None:
            try:
                values = _block_values(self.conn, table, columns, count)
            except ValueError:
                return None
            sealed = _block_digest(table, _shown(self.conn, table), values)
        return {"table": table, "after": top, "upto": high, "rows": count, "digest": sealed}

    def sealer(self, table: str) -> Callable[[dict[str, list[Any]]], Any]:
        """A function of the columns about to be inserted into ``table`` (as :meth:`settle` takes them)
        giving their block's digest, or a mark that they make none, without the connection: the
        import's helper thread runs it on each chunk of members it makes while this thread writes the
        chunk before (:meth:`settle` then checks, in SQLite, that the rows are exactly those)."""
        key = _rowid_key(self.conn, table)
        layout = _layout(self.conn, table)
        shown = [name for name, _kept, _default in layout]

        def digest(columns: dict[str, list[Any]]) -> Any:
            ids = columns.get(key) if key is not None else None
            if ids is None or not _ascending(ids):
                return _UNSEALED
            try:
                values = _values_as_stored(layout, columns, len(ids))
            except ValueError:
                return _UNSEALED
            return _block_digest(table, shown, values)

        return digest

    def insert(self, table: str, columns: dict[str, list[Any]], *, sealed: Any = None, **kw: Any) -> list[str]:
        """``bulk.insert_columns(conn, table, columns, **kw)``; the rows are settled (:meth:`settle`,
        with ``sealed``) by :meth:`settle_inserted`, which the next insert, settle or the end of the
        write calls first: the import calls it when its helper thread is idle (a statement run while
        the helper holds the GIL may wait for it), before anything else writes to the table.

        When the rows' ids (their rowids) are all above the rows watched, the table's insert trigger
        (it records only rows inserted at or below those) cannot fire: it is left out while they are
        inserted (a trigger whose condition is false still costs about an eighth of a member's insert)
        and made again when they are settled."""
        from giamngheo_desktop.storage import bulk

        self.settle_inserted()
        _keys, top = self.tables.get(table, ([], None))
        key = _rowid_key(self.conn, table) if top is not None else None
        ids = columns.get(key) if key is not None else None
        quiet = top is not None and ids is not None and _ascending(ids) and ids[0] > top
        if quiet:
            self.conn.execute(f'DROP TRIGGER IF EXISTS temp."gn_bulk_{list(self.tables).index(table)}_i"')
        try:
            written = bulk.insert_columns(self.conn, table, columns, **kw)
        except BaseException:
            if quiet:  # as it was (a failed statement leaves the transaction open)
                with contextlib.suppress(sqlite3.Error):
                    self._watch(list(self.tables).index(table), table)
            raise
        self.inserted = (table, columns, sealed)
        return written

    def settle_inserted(self) -> None:
        """:meth:`settle` the rows of the last :meth:`insert`, if not done yet."""
        if self.inserted is not None:
            table, columns, sealed = self.inserted
            self.inserted = None
            self.settle(table, columns, sealed=sealed)

    def _entries(self, db: Database, table: str, touched: dict[int, str | None]) -> None:
        """One entry per row of ``touched`` (rowid → its text before this write, None: not there) that
        this write changed: the text before and the text now, as the table's triggers record them."""
        conn = self.conn
        row = _row_text(conn, table)
        expression = AUDITED.get(table) or "NULL"
        keys = sorted(touched)
        now: dict[int, tuple[str, Any]] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ", ".join("?" * len(part))
            for rowid, text, household in conn.execute(
                f'SELECT R.rowid, {row}, {expression} FROM "{table}" AS R WHERE R.rowid IN ({marks})', part
            ):
                now[int(rowid)] = (bytes(text).decode("utf-8") if isinstance(text, bytes) else str(text), household)
        named = "WITH R AS (SELECT " + ", ".join(f'json_extract(?1, \'$."{c}"\') AS "{c}"' for c in _shown(conn, table))
        entries: list[tuple[str, str, Any, int | None, str | None, str | None]] = []
        for key in keys:
            before = touched[key]
            after, household = now.get(key, (None, None))
            if before == after:
                continue
            if after is None and before is not None:  # deleted: its household from the row as it was
                household = conn.execute(f"{named}) SELECT {expression} FROM R", (before,)).fetchone()[0]
            action = "insert" if before is None else "delete" if after is None else "update"
            entries.append((action, table, key, household, before, after))
        _append_many(db, entries)

    def written(self, db: Database) -> Written:
        self.settle_inserted()
        conn = self.conn
        out: dict[str, int] = {}
        last = _last_seal(conn)
        earlier = _blocks_of(last[1]) if last is not None else []
        kept: list[dict[str, Any]] = []
        folded: list[dict[str, Any]] = []
        for n, (table, (keys, top)) in enumerate(self.tables.items()):
            track = f"gn_bulk_{n}"
            text = _row_text(conn, table)
            before = _digest_sum(conn.execute(f'SELECT before FROM temp."{track}" WHERE before IS NOT NULL'))
            on = " AND ".join(f'R."{k}" = T.k{i}' if k != "rowid" else f"R.rowid = T.k{i}" for i, k in enumerate(keys))
            now = _digest_sum(conn.execute(f'SELECT {text} FROM temp."{track}" AS T JOIN "{table}" AS R ON {on}'))
            if top is not None:
                now += _rows_above(conn, table, top) + self.settled.get(table, 0)
            mine = [b for b in self.blocks if b["table"] == table]
            theirs = [b for b in earlier if b["table"] == table]
            if mine or theirs:
                changed = {
                    int(k): None if b is None else bytes(b).decode("utf-8") if isinstance(b, bytes) else str(b)
                    for k, b in conn.execute(f'SELECT k0, before FROM temp."{track}"')
                }
                for block in mine:  # rows of this write's blocks changed after they were sealed: read
                    touched = _in_block(changed, block)
                    if touched:
                        now += _block_sum(conn, block, touched)
                    else:
                        kept.append(block)
                start = self.start.get(table, 0)
                for block in theirs:  # an earlier block whose rows this write changed
                    low, high = int(block["after"]), int(block["upto"])
                    touched = _in_block(changed, block)
                    arrived = conn.execute(
                        f'SELECT rowid FROM "{table}" WHERE rowid > ? AND rowid <= ?', (max(low, start), high)
                    ).fetchall()
                    if not touched and not arrived:
                        continue
                    if not arrived:  # entries for its rows this write changed, as the triggers would write them
                        now += _touched_sum(conn, table, touched)  # … which move the seal, not this sum
                        self._entries(db, table, touched)
                        continue
                    # rows written into its range above the table's top (it had lost its last rows): folded
                    key = _rowid_key(conn, table)
                    if key is None:
                        continue
                    states = _first_states(conn, table, key, int(block["since"]))
                    for k, v in touched.items():
                        states.setdefault(k, v)
                    for (k,) in arrived:
                        states.setdefault(int(k), None)
                    states = _in_block(states, block)
                    if _block_same(conn, block, states):  # else changed outside the app before: verify says so
                        now += _block_sum(conn, block, states)
                        folded.append(block)
            out[table] = (now - before) % MOD
        return Written(out, kept, folded)

    def close(self) -> None:
        for name in self.triggers:
            self.conn.execute(f'DROP TRIGGER IF EXISTS temp."{name}"')
        for n in range(len(self.tables)):
            self.conn.execute(f'DROP TABLE IF EXISTS temp."gn_bulk_{n}"')


def file_id(db: Database) -> str:
    """The data file's id for its anchors (made at the first seal; a backup or copy keeps it)."""
    found = db.scalar("SELECT value FROM app_setting WHERE key = 'audit.file_id'")
    if found:
        return str(found)
    import uuid

    made = uuid.uuid4().hex
    db.conn.execute("INSERT INTO app_setting (key, value) VALUES ('audit.file_id', ?)", (made,))
    return made


def seal(db: Database, reason: str, *, anchor: bool = True, written: Written | None = None) -> dict[str, Any] | None:
    """A seal entry: the number of entries, the head, a digest per audited table and the columns each
    was made with (see :func:`_sealed_now`); then an anchor outside the file (after the commit).
    Nothing when the last entry is already a seal or the file is read-only. Inside an open
    transaction (a bulk write, ``written`` its rows) it seals without anchoring."""
    if db.read_only:
        return None
    last = db.row("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")
    if last is not None and last["action"] == SEAL and reason not in ("restore", "upgrade"):
        return head(db.conn)
    inside = db.in_transaction or db.conn.in_transaction
    with db.atomic() as conn:
        ident = file_id(db)
        before = head(conn)
        count = int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        digests, blocks = _sealed_now(conn, reason, written)
        content: dict[str, Any] = {
            "reason": reason,
            "entries": count,
            "head": before,
            "tables": digests,
            "shapes": table_shapes(conn),
        }
        if blocks:
            content["blocks"] = [{**b, "since": b.get("since", before["id"])} for b in blocks]
        record(db, action=SEAL, entity="audit_log", new=content)
        sealed = head(conn)
    if anchor and not inside:
        anchors.append(ident, sealed, reason=reason, path=db.path)
    return sealed


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_broken_id: int | None = None
    first_broken_ts: str | None = None
    reason: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        lines = []
        if self.first_broken_id is not None:
            lines.append(
                f"Nhật ký thay đổi đã bị sửa ngoài chương trình: mục số {self.first_broken_id} "
                f"(lúc {self.first_broken_ts}) — {self.reason}."
            )
        lines += [f"Phát hiện: {p}." for p in self.problems]
        if not lines:
            lines.append(f"Nhật ký thay đổi nguyên vẹn: {self.entries} mục, chuỗi liên kết đúng.")
        lines += [f"Lưu ý: {n}." for n in self.notes]
        return "\n".join(lines)


def verify(conn: sqlite3.Connection, *, file_ident: str | None = None) -> VerifyResult:
    """Check the chain, its keys, the tables against the last seal, and the head against its anchors.

    1. each entry links to the previous one and its hash matches its content — with this
       installation's key (HMAC) when the entry names it; entries made with another computer's
       key are counted (they cannot be checked here); after the first keyed entry an entry
       without a key is a rewrite;
    2. each audited table equals the last seal's digest moved forward by the entries since
       (a direct edit with the triggers dropped shows here);
    3. the head is not behind, and no anchored entry changed, against the anchors kept outside
       the file (tail truncation, a recomputed chain).
    """
    key = audit_key()
    own = key_id(key) if key is not None else None
    prev = ""
    count = foreign = 0
    keyed_seen = False
    broken: tuple[int, str, str] | None = None
    hashes: dict[int, str] = {}
    last_seal: tuple[int, dict[str, Any]] | None = None
    rows = conn.execute(
        "SELECT id, ts, user_id, username, action, entity, entity_id, household_id, old_values, new_values,"
        " prev_hash, hash, key_id FROM audit_log ORDER BY id"
    )
    for row in rows:
        count += 1
        (entry_id, ts, user_id, username, action, entity, entity_id, household_id, old, new, prev_hash, digest, kid) = (
            row
        )
        fields = (prev, ts, user_id, username, action, entity, entity_id, household_id, old, new)
        if broken is None:
            if prev_hash != prev:
                broken = (entry_id, ts, "liên kết với mục trước không khớp (có mục bị xóa hoặc chèn)")
            elif kid is None:
                if keyed_seen:
                    broken = (entry_id, ts, "mục không có khóa nằm sau các mục có khóa (chuỗi bị tính lại)")
                elif digest != entry_hash(*fields):
                    broken = (entry_id, ts, "nội dung mục không khớp với mã băm (mục bị sửa)")
            else:
                keyed_seen = True
                if kid == own and key is not None:
                    if digest != keyed_hash(key, *fields):
                        broken = (
                            entry_id,
                            ts,
                            "nội dung mục không khớp với mã khóa (mục bị sửa hoặc chuỗi bị tính lại)",
                        )
                else:
                    foreign += 1
        hashes[entry_id] = digest
        if action == SEAL and entity == "audit_log" and new:
            with contextlib.suppress(ValueError):
                last_seal = (entry_id, json.loads(new))
        prev = digest
    problems: list[str] = []
    notes: list[str] = []
    if foreign:
        notes.append(
            f"{foreign} mục được ghi trên máy khác (khóa khác): chỉ kiểm tra được liên kết, không kiểm tra được khóa"
        )
    if last_seal is not None and broken is None:
        problems += _check_tables(conn, *last_seal)
    if file_ident:
        problems += _check_anchors(file_ident, hashes, count)
    ok = broken is None and not problems
    if broken is not None:
        return VerifyResult(ok, count, broken[0], broken[1], broken[2], tuple(problems), tuple(notes))
    return VerifyResult(ok, count, problems=tuple(problems), notes=tuple(notes))


def _check_tables(conn: sqlite3.Connection, seal_id: int, sealed: dict[str, Any]) -> list[str]:
    tables = sealed.get("tables") or {}
    if not isinstance(tables, dict):
        return ["dấu niêm phong cuối không đọc được"]
    expected, broken, ranges = _outside_sums(conn, seal_id, sealed)
    now = table_digests(conn, ranges)
    changed = [t for t, d in expected.items() if t in now and (t in broken or int(now[t], 16) != d)]
    return [
        f"bảng «{t}» có thay đổi không có trong nhật ký (bị sửa thẳng vào tệp, ví dụ sau khi gỡ trigger)"
        for t in changed
    ]


def _check_anchors(file_ident: str, hashes: dict[int, str], count: int) -> list[str]:
    problems = []
    current_head = max(hashes) if hashes else 0
    for anchor in anchors.read(file_ident):
        if not anchor.trusted:
            continue
        if anchor.id > current_head:
            problems.append(
                f"nhật ký bị cắt: lúc {anchor.at} ({anchor.reason}) nhật ký đã có đến mục số {anchor.id}, "
                f"nay chỉ còn đến mục số {current_head}"
            )
            break
        if anchor.id in hashes and hashes[anchor.id] != anchor.hash:
            problems.append(
                f"mục số {anchor.id} khác với dấu neo lưu ngoài tệp lúc {anchor.at}: chuỗi nhật ký đã bị tính lại"
            )
            break
    return problems
