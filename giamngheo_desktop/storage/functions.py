"""The SQL functions the audit triggers call, registered on every connection.

``gn_now()``, ``gn_audit_hash(...)`` (the hash chain, :func:`entry_hash`), ``gn_audit_on()``
(0 inside ``audit.bulk``) and ``gn_user_id()``/``gn_user_name()`` (the connection's acting
user). A write made outside the app, where these do not exist, fails instead of going
unrecorded (see ``storage/audit.py``).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.permissions import Actor

SEP = "\x1f"

_audit_off: dict[int, bool] = {}


def entry_hash(
    prev: str,
    ts: str,
    user_id: Any,
    username: str,
    action: str,
    entity: str,
    entity_id: Any,
    household_id: Any,
    old: str | None,
    new: str | None,
) -> str:
    """SHA-256 over the entry's fields joined by U+001F, starting from the previous entry's hash."""
    parts = [prev or "", ts, "" if user_id is None else str(user_id), username or "", action, entity]
    parts += ["" if entity_id is None else str(entity_id), "" if household_id is None else str(household_id)]
    parts += [old or "", new or ""]
    return hashlib.sha256(SEP.join(parts).encode("utf-8")).hexdigest()


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the triggers call; user functions default to the system actor."""
    key = id(conn)
    _audit_off.pop(key, None)
    conn.create_function("gn_now", 0, clock.now_iso)
    conn.create_function("gn_audit_hash", 10, entry_hash, deterministic=True)
    conn.create_function("gn_audit_on", 0, lambda: 0 if _audit_off.get(key) else 1)
    conn.create_function("gn_user_id", 0, lambda: None)
    conn.create_function("gn_user_name", 0, lambda: "he-thong")


def bind_actor(conn: sqlite3.Connection, actor: Callable[[], Actor]) -> None:
    """Make the connection's audit functions report the user ``actor()`` returns at the time."""
    conn.create_function("gn_user_id", 0, lambda: actor().user_id)
    conn.create_function("gn_user_name", 0, lambda: actor().username)


def set_audit_off(conn: sqlite3.Connection, off: bool) -> None:
    """Switch the per-row audit entries of this connection off (``audit.bulk``) or back on."""
    if off:
        _audit_off[id(conn)] = True
    else:
        _audit_off.pop(id(conn), None)
