"""storage.bulk: inserting many rows binding only the columns that differ from the default."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage import bulk
from giamngheo_desktop.storage.connection import Database

SCHEMA = """
CREATE TABLE t (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    note    TEXT NOT NULL DEFAULT '',
    quote   TEXT NOT NULL DEFAULT 'it''s',
    status  TEXT NOT NULL DEFAULT 'living',
    count   INTEGER NOT NULL DEFAULT 0,
    neg     INTEGER DEFAULT -3,
    ratio   REAL DEFAULT 1.5,
    flag    INTEGER,
    stamp   TEXT DEFAULT CURRENT_TIMESTAMP,
    paren   INTEGER DEFAULT (7)
)
"""


def _conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(SCHEMA)
    conn.execute(SCHEMA.replace("CREATE TABLE t", "CREATE TABLE plain"))
    return conn


def _plain_insert(conn: sqlite3.Connection, rows: list[dict[str, object]]) -> None:
    for row in rows:
        conn.execute(f"INSERT INTO plain ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    return conn.execute(
        f"SELECT id, name, note, quote, status, count, neg, ratio, flag, paren, typeof(count), typeof(ratio) "
        f"FROM {table} ORDER BY id"
    ).fetchall()


@pytest.fixture(autouse=True, params=["direct", "staged", "staged two rows a statement", "prepared beforehand"])
def staging(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with rows inserted directly and through the temporary staging table (one row a
    statement, and two: the rows of a batch then come in statements of two and one left over), and
    with what is staged worked out beforehand by ``bulk.prepare`` (as the import's helper thread does)."""
    monkeypatch.setattr(bulk, "STAGE_FROM", 10**9 if request.param == "direct" else 1)
    if request.param in ("staged two rows a statement", "prepared beforehand"):
        monkeypatch.setattr(bulk, "STAGE_ROWS", 2)
    if request.param == "prepared beforehand":
        insert = bulk.insert_columns

        def prepared_first(conn: sqlite3.Connection, table: str, columns: dict[str, list[Any]], **kw: Any) -> Any:
            if columns and columns[next(iter(columns))]:
                defaults = kw.get("defaults") or bulk.column_defaults(conn, table)
                kw["prepared"] = bulk.prepare(columns, defaults)
            return insert(conn, table, columns, **kw)

        monkeypatch.setattr(bulk, "insert_columns", prepared_first)
    return str(request.param)


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {key: [row[key] for row in rows] for key in rows[0]} if rows else {}


def test_defaults_are_read_from_the_table() -> None:
    defaults = bulk.column_defaults(_conn(), "t")
    assert defaults["note"] == "" and defaults["quote"] == "it's" and defaults["status"] == "living"
    assert defaults["count"] == 0 and defaults["neg"] == -3 and defaults["ratio"] == 1.5 and defaults["paren"] == 7
    assert defaults["flag"] is None and defaults["name"] is None
    assert bulk.column_defaults(_conn(), "t")["stamp"] is bulk._UNKNOWN  # an expression is never assumed


def test_only_columns_with_a_value_other_than_the_default_are_bound() -> None:
    conn = _conn()
    rows: list[dict[str, object]] = [
        {"id": i, "name": f"n{i}", "note": "", "quote": "it's", "status": "living", "count": 0, "neg": -3,
         "ratio": 1.5, "flag": None, "paren": 7}
        for i in range(1, 4)
    ]  # fmt: skip
    rows[2]["flag"] = 1
    assert bulk.insert_columns(conn, "t", _columns(rows)) == ["id", "name", "flag"]
    _plain_insert(conn, rows)
    assert _rows(conn, "t") == _rows(conn, "plain")


def test_values_equal_but_of_another_type_are_kept() -> None:
    conn = _conn()
    rows: list[dict[str, object]] = [
        {"id": 1, "name": "a", "count": False, "ratio": 1.5, "note": ""},
        {"id": 2, "name": "b", "count": 0, "ratio": 2, "note": ""},
    ]
    columns = bulk.insert_columns(conn, "t", _columns(rows))
    assert "count" in columns and "ratio" in columns and "note" not in columns
    _plain_insert(conn, rows)
    assert _rows(conn, "t") == _rows(conn, "plain")


def test_a_value_shared_by_every_row_is_stored_as_a_direct_insert_stores_it() -> None:
    """Staged inserts bind such a column once; the rows must not tell."""
    conn = _conn()
    rows: list[dict[str, object]] = [
        {"id": i, "name": "same", "note": "x", "count": 2, "ratio": 2, "flag": True, "paren": 7.0} for i in (1, 2, 3)
    ]
    bulk.insert_columns(conn, "t", _columns(rows))
    _plain_insert(conn, rows)
    assert _rows(conn, "t") == _rows(conn, "plain")
    assert (
        conn.execute("SELECT typeof(ratio), typeof(flag), typeof(paren) FROM t").fetchall()
        == [("real", "integer", "integer")] * 3
    )
    every = [{"name": "only", "note": "y"}, {"name": "only", "note": "y"}]  # every column the same
    bulk.insert_columns(conn, "t", _columns(every))
    assert conn.execute("SELECT name, note FROM t WHERE id > 3").fetchall() == [("only", "y"), ("only", "y")]


def test_every_value_a_default_and_empty_batches() -> None:
    conn = _conn()
    assert bulk.insert_columns(conn, "t", {}) == []
    conn.execute("DROP TABLE plain")
    conn.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, note TEXT NOT NULL DEFAULT '')")
    assert bulk.insert_columns(conn, "d", {"note": ["", ""]}) == []
    assert conn.execute("SELECT id, note FROM d").fetchall() == [(1, ""), (2, "")]
    with pytest.raises(ValueError):
        bulk.column_defaults(conn, "missing")


def test_members_written_in_bulk_equal_members_written_one_by_one(db: Database) -> None:
    """The import's use: register._member_values rows, bulk vs a plain full insert."""
    hid = reg.add_household(
        db,
        household=reg.HouseholdInput(code="B-1", village_id=1),
        members=[reg.MemberInput(full_name="Nguyễn Văn An", relationship_code=reg.HEAD, sex="M", birth_year=1970)],
    ).household_id
    inputs = [
        reg.MemberInput(full_name="Lò Thị Hoa", relationship_code="02", sex="F", birth_date="1972-05-01"),
        reg.MemberInput(full_name="Lò Văn Sáng", relationship_code="04", birth_year=2001, occupation="Làm ruộng"),
        reg.MemberInput(full_name="Đỗ Thu", relationship_code="04", id_number="025301000123", trained_on_job=True),
    ]
    now = "2025-01-02T03:04:05"
    rows = [
        {"id": 1000 + n, "household_id": hid, **reg._member_values(m), "sort_order": n, "created_at": now,
         "updated_at": now}
        for n, m in enumerate(inputs, start=1)
    ]  # fmt: skip
    with db.atomic() as conn:
        columns = bulk.insert_columns(conn, "member", _columns(rows))
        for row in rows:
            conn.execute(
                f"INSERT INTO member ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                (row["id"] + 1000, *list(row.values())[1:]),
            )
    assert len(columns) < len(rows[0])
    bulk_rows = db.rows("SELECT * FROM member WHERE id BETWEEN 1001 AND 1999 ORDER BY id")
    plain_rows = db.rows("SELECT * FROM member WHERE id >= 2001 ORDER BY id")
    assert [{**r, "id": 0} for r in bulk_rows] == [{**r, "id": 0} for r in plain_rows]
    assert len(bulk_rows) == 3


def test_a_refused_row_fails_the_whole_insert_and_leaves_no_staging_table(db: Database) -> None:
    now = "2025-01-02T03:04:05"
    hid = reg.add_household(
        db,
        household=reg.HouseholdInput(code="B-2", village_id=1),
        members=[reg.MemberInput(full_name="Nguyễn Văn An", relationship_code=reg.HEAD, sex="M", birth_year=1970)],
    ).household_id
    before = db.scalar("SELECT count(*) FROM member")
    columns: dict[str, list[Any]] = {
        "household_id": [hid, hid],
        "full_name": ["Lò Thị Hoa", "Lò Văn Sai"],
        "name_fold": ["lo thi hoa", "lo van sai"],
        "sex": ["F", "X"],  # CHECK (sex IN ('M', 'F'))
        "created_at": [now, now],
        "updated_at": [now, now],
    }
    with pytest.raises(sqlite3.IntegrityError), db.atomic() as conn:
        bulk.insert_columns(conn, "member", columns)
    assert db.scalar("SELECT count(*) FROM member") == before
    assert db.scalar("SELECT count(*) FROM temp.sqlite_master WHERE name LIKE 'bulk_stage%'") == 0
