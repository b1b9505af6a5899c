"""Inserting many rows at once, binding only the columns that carry something.

A member row has some thirty columns of which an imported list fills a dozen; the rest
hold the column's default. Binding and storing a value equal to the default gives the
same row as leaving the column out, but costs a third of the insert time at 200,000
rows. :func:`insert_columns` keeps only the columns where some row differs from the
column's declared default (``PRAGMA table_info``) and inserts with one ``executemany``.
Values come a column at a time, as the import builds them (``register.member_columns``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

STAGE_FROM = 1_000  # rows; bigger inserts go through a temporary table (see insert_columns)
_UNKNOWN = object()  # a default that is an expression: never assumed equal to a value
_INTEGER = re.compile(r"^[+-]?\d+$")
_REAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


def parse_default(text: str | None) -> Any:
    """The Python value of a ``dflt_value`` from ``PRAGMA table_info`` (``_UNKNOWN`` for expressions)."""
    if text is None:
        return None
    value = text.strip()
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    upper = value.upper()
    if upper == "NULL":
        return None
    if upper in ("TRUE", "FALSE"):
        return int(upper == "TRUE")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        inner = value[1:-1]
        if "'" in inner.replace("''", ""):
            return _UNKNOWN
        return inner.replace("''", "'")
    if _INTEGER.match(value):
        return int(value)
    if _REAL.match(value):
        return float(value)
    return _UNKNOWN


def column_defaults(conn: sqlite3.Connection, table: str) -> dict[str, Any]:
    """Column name → default value of ``table`` (``None`` when there is no default)."""
    found = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    if not found:
        raise ValueError(f"no table {table!r}")
    return {row[1]: parse_default(row[4]) for row in found}


def _all_default(values: list[Any], default: Any) -> bool:
    if default is _UNKNOWN or values[0] != default or values[-1] != default or values[len(values) // 2] != default:
        return False  # most columns show it at once, without reading every value
    if values.count(default) != len(values):  # count: C speed over 200,000 values
        return False
    return default is None or set(map(type, values)) == {type(default)}  # 0 is not False, nor 0.0


def _all_same(values: list[Any]) -> bool:
    """Every value equal to the first, and of its type (1, 1.0 and True are equal but not the same)."""
    return _all_default(values, values[0])


STAGE_ROWS = 50  # rows per staging INSERT (each statement's step and reset cost more than its values)


@dataclass
class Prepared:
    """What :func:`insert_columns` works out from the values alone (see :func:`prepare`)."""

    count: int  # rows
    kept: list[str]  # the columns bound, in the table's INSERT
    constant: dict[str, Any]  # of those, the ones with one value in every row: bound once
    varying: list[str]  # the others, staged row by row
    batches: list[list[Any]]  # STAGE_ROWS rows of ``varying`` each, flattened
    rest: list[list[Any]]  # the rows left over, one each


def prepare(columns: dict[str, list[Any]], defaults: dict[str, Any]) -> Prepared:
    """The columns to bind and the rows to stage for ``insert_columns(…, columns, defaults=defaults)``:
    Python work on the values alone (no connection), so the import's helper thread does it for the
    next chunk of members while SQLite copies the one before."""
    count = len(next(iter(columns.values()))) if columns else 0
    if not count:
        return Prepared(0, [], {}, [], [], [])
    kept = [name for name, values in columns.items() if not _all_default(values, defaults.get(name, _UNKNOWN))]
    if not kept or count < STAGE_FROM:
        return Prepared(count, kept, {}, [], [], [])
    # A column with one value in every row (the time stamps of an import) is bound once in the
    # INSERT … SELECT instead of once per row: binding is most of the staging time.
    constant = {name: columns[name][0] for name in kept if _all_same(columns[name])}
    varying = [name for name in kept if name not in constant]
    if not varying:
        varying, constant = kept[:1], {k: v for k, v in constant.items() if k != kept[0]}
    # STAGE_ROWS rows a statement: a sixth fewer instructions than a statement per row at 200,000
    # rows, same rows in the same order (rowid order is insertion order)
    width = len(varying)
    flat = list(chain.from_iterable(zip(*(columns[c] for c in varying), strict=True)))
    step = width * STAGE_ROWS
    whole = len(flat) // step * step
    return Prepared(
        count,
        kept,
        constant,
        varying,
        [flat[i : i + step] for i in range(0, whole, step)],
        [flat[i : i + width] for i in range(whole, len(flat), width)],
    )


def _stage_rows(conn: sqlite3.Connection, target: str, prepared: Prepared) -> None:
    """Every row of ``prepared`` into ``target`` (a plain table with its varying columns in order)."""
    one = "(" + ", ".join("?" * len(prepared.varying)) + ")"
    if prepared.batches:
        conn.executemany(f"INSERT INTO {target} VALUES {', '.join([one] * STAGE_ROWS)}", prepared.batches)
    if prepared.rest:
        conn.executemany(f"INSERT INTO {target} VALUES {one}", prepared.rest)


def insert_columns(
    conn: sqlite3.Connection,
    table: str,
    columns: dict[str, list[Any]],
    *,
    defaults: dict[str, Any] | None = None,
    meanwhile: Callable[[], None] | None = None,
    prepared: Prepared | None = None,
) -> list[str]:
    """INSERT rows given a column at a time (column → one value per row) with one ``executemany``.

    Columns where every row holds the column's default are left out, so the stored rows
    are exactly those a full insert would give; the rows are made by ``zip`` in C. Returns
    the columns bound. Runs inside the caller's transaction; ``defaults`` (from
    :func:`column_defaults`) saves the PRAGMA when called many times; ``prepared``: what
    :func:`prepare` made of these ``columns`` with those defaults. ``meanwhile`` is called
    when the rows are staged (big inserts), just before the one statement that copies them
    into the table: a thread it starts runs while SQLite works without the GIL. It must not
    touch the connection. Small inserts do not call it.
    """
    if prepared is None:
        if not columns or not len(next(iter(columns.values()))):
            return []
        prepared = prepare(columns, defaults if defaults is not None else column_defaults(conn, table))
    count, kept = prepared.count, prepared.kept
    if not count:
        return []
    if not kept:  # every value is the default
        conn.executemany(f'INSERT INTO "{table}" DEFAULT VALUES', [()] * count)
        return kept
    names = ", ".join(f'"{c}"' for c in kept)
    if count < STAGE_FROM:
        marks = ", ".join("?" * len(kept))
        conn.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})', zip(*(columns[c] for c in kept), strict=True)
        )
        return kept
    # Staged: one INSERT per row into a plain temporary table (no constraints, indexes or
    # foreign keys, columns without a type so values pass through unchanged), then one
    # INSERT … SELECT into the table, which checks and converts each value as a direct
    # insert would. Each row-by-row INSERT into the real table opens a statement journal
    # for its constraint checks; this halves the time for 200,000 members.
    constant, varying = prepared.constant, prepared.varying
    stage = f"bulk_stage_{table}"
    staged = ", ".join(f'"{c}"' for c in varying)
    chosen = ", ".join("?" if c in constant else f'"{c}"' for c in kept)
    conn.execute(f'DROP TABLE IF EXISTS temp."{stage}"')
    conn.execute(f'CREATE TEMP TABLE "{stage}" ({staged})')
    try:
        _stage_rows(conn, f'temp."{stage}"', prepared)
        if meanwhile is not None:
            meanwhile()
        conn.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {chosen} FROM temp."{stage}" ORDER BY rowid',
            [constant[c] for c in kept if c in constant],
        )
    finally:
        conn.execute(f'DROP TABLE IF EXISTS temp."{stage}"')
    return kept
