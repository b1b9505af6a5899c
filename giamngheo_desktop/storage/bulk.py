"""Inserting many rows at once, binding only the columns that carry something.

A member row has some thirty columns of which an imported list fills a dozen; the rest
hold the column's default. Binding and storing a value equal to the default gives the
same row as leaving the column out, but costs a third of the insert time at 200,000
rows. :func:`insert_rows` keeps only the columns where some row differs from the
column's declared default (``PRAGMA table_info``) and inserts with one ``executemany``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

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
    if default is _UNKNOWN:
        return False
    kind = type(default)
    return set(map(type, values)) == {kind} and set(values) == {default}


def columns_to_bind(rows: Sequence[dict[str, Any]], defaults: dict[str, Any]) -> list[str]:
    """The columns of ``rows`` (all with the same keys) where some row differs from the default."""
    if not rows:
        return []
    first = rows[0]
    kept: list[str] = []
    for column in first:
        default = defaults.get(column, _UNKNOWN)
        value = first[column]
        differs = default is _UNKNOWN or type(value) is not type(default) or value != default
        if differs or not _all_default(list(map(itemgetter(column), rows)), default):
            kept.append(column)
    return kept


def insert_rows(
    conn: sqlite3.Connection,
    table: str,
    rows: Sequence[dict[str, Any]],
    *,
    defaults: dict[str, Any] | None = None,
) -> list[str]:
    """INSERT ``rows`` (dicts with the same keys) into ``table`` with one ``executemany``.

    Columns where every row holds the column's default are left out, so the stored rows
    are exactly those a full insert would give. Returns the columns bound. Runs inside
    the caller's transaction; ``defaults`` (from :func:`column_defaults`) saves the PRAGMA
    when called many times.
    """
    if not rows:
        return []
    if defaults is None:
        defaults = column_defaults(conn, table)
    columns = columns_to_bind(rows, defaults)
    if not columns:  # every value is the default
        conn.executemany(f'INSERT INTO "{table}" DEFAULT VALUES', [()] * len(rows))
        return columns
    getter = itemgetter(*columns)
    params = list(map(getter, rows)) if len(columns) > 1 else [(getter(row),) for row in rows]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', params)
    return columns
