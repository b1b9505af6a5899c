"""The register's search text: one folded column per household, kept by triggers.

A keystroke in the register's search box must update the row count within 50 ms with
50,000 households and 200,000 members. Scanning every member's folded name
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

Substring search of three characters or more goes through ``household_fts``, an FTS5
table with the trigram tokenizer holding the same two texts (rowid = household id;
migration step 4): a no-hit or long query costs what the index costs (well
under a millisecond) instead of a scan of every household's text. Triggers on
``household`` keep it in step with ``search_fold``/``search_ids`` (insert, change,
delete); bulk writes drop them with the others and :func:`rebuild` ends with
:func:`sync_index`, which compares the index's stored texts with the households' and
rewrites only the rows that differ. One or two characters have no trigram: those
queries still scan the search column (a few milliseconds).
"""

from __future__ import annotations

import contextlib
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


FTS = "household_fts"
# Bytes of new index entries FTS5 keeps in memory before writing them out as a segment (its own
# default: 1 MB, with which indexing the 50,000 households of a big import writes many small
# segments and merges them again and again). With 16 MB that statement runs 41 % fewer
# instructions (valgrind: 6.0 → 3.5 billion) for the same index; it holds about 16 MB more
# memory, and only in a transaction that indexes that much. Kept in the index's own settings.
HASHSIZE = 16 * 1024 * 1024
BIG_SYNC = 1_000  # households rewritten in one sync from which the setting is checked
_FTS_ROW = f"INSERT INTO {FTS} (rowid, search_fold, search_ids) SELECT id, search_fold, search_ids FROM household"

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
    # the trigram index: after an insert the household's current text (the AFTER INSERT trigger
    # above may already have rewritten it and, through the next trigger, indexed it)
    "search_fts_insert": "CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON household "
    f"BEGIN DELETE FROM {FTS} WHERE rowid = NEW.id; {_FTS_ROW} WHERE id = NEW.id; END",
    "search_fts_update": "CREATE TRIGGER IF NOT EXISTS search_fts_update "
    "AFTER UPDATE OF search_fold, search_ids ON household "
    f"BEGIN DELETE FROM {FTS} WHERE rowid = OLD.id; {_FTS_ROW} WHERE id = NEW.id; END",
    "search_fts_delete": "CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON household "
    f"BEGIN DELETE FROM {FTS} WHERE rowid = OLD.id; END",
}


def create_triggers(conn: sqlite3.Connection) -> None:
    """Create the triggers that keep the search text (idempotent); the index's once it exists (step 4)."""
    indexed = _has_index(conn)
    for name, sql in TRIGGERS.items():
        if indexed or not name.startswith("search_fts"):
            conn.execute(sql)


def _has_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS,)).fetchone() is not None


def drop_triggers(conn: sqlite3.Connection) -> None:
    """Drop them for a bulk write; :func:`rebuild` and :func:`create_triggers` afterwards."""
    for name in TRIGGERS:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def rebuild(conn: sqlite3.Connection, household_ids: Iterable[int] | None = None) -> None:
    """Recompute the search text of these households (all when None), in one statement."""
    if household_ids is None:
        conn.execute(f"UPDATE household SET {_text_sets('household.id')}")
    else:
        ids = [int(i) for i in household_ids]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(
                f"UPDATE household SET {_text_sets('household.id')} WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
    sync_index(conn)


def create_index(conn: sqlite3.Connection) -> None:
    """The trigram table (idempotent; filled by :func:`sync_index`)."""
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(search_fold, search_ids, tokenize='trigram')")


def sync_index(conn: sqlite3.Connection) -> int:
    """Make the trigram index hold every household's current search text; returns rows rewritten.

    Compares the texts the index stores (its ``_content`` table: id, c0, c1) with the
    households' and rewrites only what differs, so after a bulk write that touched a few
    households it costs one pass over two tables, not a rebuild of the index.
    """
    if not _has_index(conn):
        return 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS search_stale (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.search_stale")
    conn.execute(
        f"INSERT INTO temp.search_stale SELECT f.id FROM {FTS}_content f LEFT JOIN household h ON h.id = f.id "
        "WHERE h.id IS NULL OR h.search_fold IS NOT f.c0 OR h.search_ids IS NOT f.c1"
    )
    conn.execute(
        f"INSERT OR IGNORE INTO temp.search_stale SELECT h.id FROM household h "
        f"WHERE NOT EXISTS (SELECT 1 FROM {FTS}_content f WHERE f.id = h.id)"
    )
    count = int(conn.execute("SELECT count(*) FROM temp.search_stale").fetchone()[0])
    if count >= BIG_SYNC:
        _hold_more(conn)
    if count:
        conn.execute(f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM temp.search_stale)")
        conn.execute(f"{_FTS_ROW} WHERE id IN (SELECT id FROM temp.search_stale)")
    conn.execute("DELETE FROM temp.search_stale")
    return count


def index_added(conn: sqlite3.Connection, first: int, last: int) -> int:
    """Index the households ``first``…``last`` (ids just inserted, every one with its final search text)
    when the trigram index holds no row from ``first`` on: the rows :func:`sync_index` would find, without
    its comparison of every household with the index (a bulk write's :func:`rebuild` still makes it at the
    end). Otherwise :func:`sync_index`. Returns rows indexed."""
    if last < first or not _has_index(conn):
        return 0
    if conn.execute(f"SELECT 1 FROM {FTS}_content WHERE id >= ? LIMIT 1", (first,)).fetchone() is not None:
        return sync_index(conn)
    count = last - first + 1
    if count >= BIG_SYNC:
        _hold_more(conn)
    conn.execute(f"{_FTS_ROW} WHERE id BETWEEN ? AND ?", (first, last))
    return count


def _hold_more(conn: sqlite3.Connection) -> None:
    """Let the index keep :data:`HASHSIZE` bytes of new entries in memory (once per file)."""
    found = conn.execute(f"SELECT v FROM {FTS}_config WHERE k = 'hashsize'").fetchone()
    if found is None or found[0] != HASHSIZE:
        # an SQLite whose FTS5 lacks the setting refuses that one statement: the sync goes on without it
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute(f"INSERT INTO {FTS} ({FTS}, rank) VALUES ('hashsize', ?)", (HASHSIZE,))


def index_step(conn: sqlite3.Connection) -> None:
    """Migration step 4: the trigram index over the search text, filled, and its triggers."""
    create_index(conn)
    create_triggers(conn)
    sync_index(conn)


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
