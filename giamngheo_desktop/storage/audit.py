"""The audit trail: every change, who, when, old and new values, in a hash chain.

SQLite triggers on the audited tables write ``audit_log`` rows inside the same transaction
as the change, so every service of every part of the app is audited without calling
anything. The triggers call application-defined SQL functions registered on every
connection (``storage/functions.py``): ``gn_user_id()``/``gn_user_name()`` (the
connection's acting user), ``gn_now()``, ``gn_audit_on()`` and ``gn_audit_hash(...)``. A write made outside the
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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.storage import search
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.functions import entry_hash, set_audit_off

# table → SQL expression (on NEW/OLD as R) giving the household the row belongs to
AUDITED: dict[str, str | None] = {
    "commune": None,
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
    for table, household_expr in AUDITED.items():
        if table not in existing_tables:
            continue
        columns = _columns(conn, table)
        hidden = SECRET_COLUMNS.get(table, set()) | SKIP_COLUMNS.get(table, set())
        shown = [c for c in columns if c not in hidden]
        pk = _primary_key(conn, table)
        digest = hashlib.sha256(("|".join(columns) + "|" + (household_expr or "")).encode()).hexdigest()[:8]
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
                " old_values, new_values, prev_hash, hash) "
                "SELECT t.ts, t.uid, t.uname, t.action, t.entity, t.eid, t.hid, t.old, t.new, t.prev, "
                "gn_audit_hash(t.prev, t.ts, t.uid, t.uname, t.action, t.entity, t.eid, t.hid, t.old, t.new) "
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
    try:
        yield block
        search.rebuild(conn, block.search_households)
    finally:
        set_audit_off(conn, False)
        with contextlib.suppress(sqlite3.Error):  # after a failed statement the rollback restores them
            sync_triggers(conn)
            search.create_triggers(conn)
    record(db, action=action, entity=entity, new=summary)


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
    """Append one named entry (an operation rather than a row change)."""
    ts = clock.now_iso()
    prev = db.scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") or ""
    old_text = json.dumps(old, ensure_ascii=False, sort_keys=True) if old is not None else None
    new_text = json.dumps(new, ensure_ascii=False, sort_keys=True) if new is not None else None
    user_id, username = db.actor.user_id, db.actor.username
    digest = entry_hash(prev, ts, user_id, username, action, entity, entity_id, household_id, old_text, new_text)
    db.conn.execute(
        "INSERT INTO audit_log (ts, user_id, username, action, entity, entity_id, household_id, old_values,"
        " new_values, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ts, user_id, username, action, entity, entity_id, household_id, old_text, new_text, prev, digest),
    )


def head(conn: sqlite3.Connection) -> dict[str, Any]:
    """The chain's head: the last entry's id and hash ({"id": 0, "hash": ""} for an empty trail)."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return {"id": int(row[0]), "hash": str(row[1])} if row else {"id": 0, "hash": ""}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_broken_id: int | None = None
    first_broken_ts: str | None = None
    reason: str = ""

    def text(self) -> str:
        if self.ok:
            return f"Nhật ký thay đổi nguyên vẹn: {self.entries} mục, chuỗi liên kết đúng."
        return (
            f"Nhật ký thay đổi đã bị sửa ngoài chương trình: mục số {self.first_broken_id} "
            f"(lúc {self.first_broken_ts}) — {self.reason}."
        )


def verify(conn: sqlite3.Connection) -> VerifyResult:
    """Walk the chain; report the first entry whose link or content does not match."""
    prev = ""
    count = 0
    for row in conn.execute(
        "SELECT id, ts, user_id, username, action, entity, entity_id, household_id, old_values, new_values,"
        " prev_hash, hash FROM audit_log ORDER BY id"
    ):
        count += 1
        (entry_id, ts, user_id, username, action, entity, entity_id, household_id, old, new, prev_hash, digest) = row
        if prev_hash != prev:
            return VerifyResult(
                False, count, entry_id, ts, "liên kết với mục trước không khớp (có mục bị xóa hoặc chèn)"
            )
        expected = entry_hash(prev, ts, user_id, username, action, entity, entity_id, household_id, old, new)
        if digest != expected:
            return VerifyResult(False, count, entry_id, ts, "nội dung mục không khớp với mã băm (mục bị sửa)")
        prev = digest
    return VerifyResult(True, count)
