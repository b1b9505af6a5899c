"""The register's search text: one folded column per household, kept by triggers.

A keystroke in the register's search box must update the row count within 50 ms with
50,000 households and 200,000 members (issue 3). Scanning every member's folded name
and building the set of their households cost 85–185 ms for short prefixes, so each
household carries what a search may match, already folded:

* ``household.search_fold``: the household code, then the folded names of its members
  (not deleted), separated by a newline. A folded query never contains a newline
  (``text.fold`` turns white space into single spaces), so a match cannot run from one
  name into the next.
* ``household.search_ids``: the members' ID numbers, newline-separated (digit queries).

Both are derived data: SQLite triggers rewrite them whenever a member is added, edited,
moved, removed or restored, or the household code changes, inside the same
transaction, so they cannot go stale whatever part of the app writes. The audit
triggers skip them (``audit.SKIP_COLUMNS``). Bulk writes (``audit.bulk``) drop these
triggers for their transaction and call :func:`rebuild` once at the end.

A partial covering index ``household_search (code_fold, id, search_fold, search_ids)
WHERE deleted_at IS NULL`` lets the default query (live households, ordered by code)
read the index alone (it replaces the plain ``household_code_fold`` index, which the
query planner preferred and which made every matching row a table lookup).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def _text_sets(target: str) -> str:
    """``SET search_fold = …, search_ids = …`` for the household row being updated."""
    return (
        "search_fold = code_fold || coalesce((SELECT group_concat(char(10) || m.name_fold, '') FROM member m "
        f"WHERE m.household_id = {target} AND m.deleted_at IS NULL), ''), "
        "search_ids = coalesce((SELECT group_concat(m.id_number, char(10)) FROM member m "
        f"WHERE m.household_id = {target} AND m.deleted_at IS NULL AND m.id_number IS NOT NULL), '')"
    )


def _refresh(household: str) -> str:
    return f"UPDATE household SET {_text_sets('household.id')} WHERE id = {household};"


TRIGGERS: dict[str, str] = {
    "search_member_insert": f"CREATE TRIGGER IF NOT EXISTS search_member_insert AFTER INSERT ON member "
    f"BEGIN {_refresh('NEW.household_id')} END",
    "search_member_delete": f"CREATE TRIGGER IF NOT EXISTS search_member_delete AFTER DELETE ON member "
    f"BEGIN {_refresh('OLD.household_id')} END",
    "search_member_update": "CREATE TRIGGER IF NOT EXISTS search_member_update "
    "AFTER UPDATE OF household_id, name_fold, id_number, deleted_at ON member "
    f"BEGIN {_refresh('NEW.household_id')} "
    f"UPDATE household SET {_text_sets('household.id')} "
    "WHERE id = OLD.household_id AND OLD.household_id IS NOT NEW.household_id; END",
    "search_household_insert": "CREATE TRIGGER IF NOT EXISTS search_household_insert AFTER INSERT ON household "
    f"BEGIN {_refresh('NEW.id')} END",
    "search_household_code": "CREATE TRIGGER IF NOT EXISTS search_household_code "
    f"AFTER UPDATE OF code_fold ON household BEGIN {_refresh('NEW.id')} END",
}


def create_triggers(conn: sqlite3.Connection) -> None:
    """Create the triggers that keep the search text (idempotent)."""
    for sql in TRIGGERS.values():
        conn.execute(sql)


def drop_triggers(conn: sqlite3.Connection) -> None:
    """Drop them for a bulk write; :func:`rebuild` and :func:`create_triggers` afterwards."""
    for name in TRIGGERS:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def rebuild(conn: sqlite3.Connection, household_ids: Iterable[int] | None = None) -> None:
    """Recompute the search text of these households (all when None), in one statement."""
    if household_ids is None:
        conn.execute(f"UPDATE household SET {_text_sets('household.id')}")
        return
    ids = [int(i) for i in household_ids]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(
            f"UPDATE household SET {_text_sets('household.id')} WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )


def upgrade_step(conn: sqlite3.Connection) -> None:
    """Migration step 2: the columns, their index, the triggers, and the text of existing households."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(household)")}
    if "search_fold" not in columns:
        conn.execute("ALTER TABLE household ADD COLUMN search_fold TEXT NOT NULL DEFAULT ''")
    if "search_ids" not in columns:
        conn.execute("ALTER TABLE household ADD COLUMN search_ids TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "CREATE INDEX IF NOT EXISTS household_search ON household(code_fold, id, search_fold, search_ids) "
        "WHERE deleted_at IS NULL"
    )
    conn.execute("DROP INDEX IF EXISTS household_code_fold")  # the search index also serves ORDER BY code
    # household.head_member_id references member(id): without an index every member insert or
    # delete scans the household table to check it
    conn.execute("CREATE INDEX IF NOT EXISTS household_head ON household(head_member_id)")
    create_triggers(conn)
    rebuild(conn)
