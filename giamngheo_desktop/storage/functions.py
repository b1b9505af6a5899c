"""The SQL functions the audit triggers call, registered on every connection.

``gn_now()``, ``gn_audit_hmac(...)`` (the keyed hash chain, :func:`keyed_hash`; older files'
triggers call the plain ``gn_audit_hash(...)``, :func:`entry_hash`),
``gn_audit_key_id()`` (which installation key made it), ``gn_audit_on()``
(0 inside ``audit.bulk``) and ``gn_user_id()``/``gn_user_name()`` (the connection's acting
user). A write made outside the app, where these do not exist, fails instead of going
unrecorded (see ``storage/audit.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.permissions import Actor
from giamngheo_desktop.paths import default_data_dir

KEY_FILE = "khoa-nhat-ky.key"  # the installation's audit key, in the user's data folder (never in the data file)

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
    """SHA-256 over the entry's fields joined by U+001F, starting from the previous entry's hash
    (entries made before the keyed chain, or where no key could be kept: ``key_id`` is empty)."""
    return hashlib.sha256(
        _parts(prev, ts, user_id, username, action, entity, entity_id, household_id, old, new)
    ).hexdigest()


def _parts(
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
) -> bytes:
    parts = [prev or "", ts, "" if user_id is None else str(user_id), username or "", action, entity]
    parts += ["" if entity_id is None else str(entity_id), "" if household_id is None else str(household_id)]
    parts += [old or "", new or ""]
    return SEP.join(parts).encode("utf-8")


def keyed_hash(key: bytes, *fields: Any) -> str:
    """HMAC-SHA256 with the installation's key over the same fields as :func:`entry_hash`:
    someone holding only the data file cannot recompute the chain."""
    return hmac.new(key, _parts(*fields), hashlib.sha256).hexdigest()


_keys: dict[str, bytes] = {}


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"giamngheo-audit-key" + key).hexdigest()[:16]


def audit_key(data_dir: Path | None = None) -> bytes | None:
    """The installation's audit key (32 random bytes, made on first use, readable by this user
    only); None when the data folder cannot hold it (then entries are plain SHA-256).

    It lives in the user's data folder, or in ``GIAMNGHEO_KEY_DIR`` when set (one installation
    whose data folder moves, and the test suite: one key for a whole run)."""
    folder = data_dir or (Path(os.environ["GIAMNGHEO_KEY_DIR"]) if os.environ.get("GIAMNGHEO_KEY_DIR") else None)
    path = (folder or default_data_dir()) / KEY_FILE
    cached = _keys.get(str(path))
    if cached is not None:
        return cached
    try:
        if path.exists():
            key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
        else:
            key = os.urandom(32)
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(path.name + ".tmp")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(base64.b64encode(key).decode("ascii") + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
    except (OSError, ValueError, binascii.Error):
        return None
    if len(key) != 32:
        return None
    _keys[str(path)] = key
    return key


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the triggers call; user functions default to the system actor."""
    key = id(conn)
    _audit_off.pop(key, None)
    secret = audit_key()
    conn.create_function("gn_now", 0, clock.now_iso)
    # gn_audit_hash stays the plain SHA-256 the triggers of older files call (they write no key_id);
    # the keyed triggers (storage/audit.py, TRIGGER_VERSION) call gn_audit_hmac and gn_audit_key_id
    conn.create_function("gn_audit_hash", 10, entry_hash, deterministic=True)
    conn.create_function("gn_audit_plain_hash", 10, entry_hash, deterministic=True)
    if secret is None:
        conn.create_function("gn_audit_hmac", 10, entry_hash, deterministic=True)
        conn.create_function("gn_audit_key_id", 0, lambda: None)
    else:
        conn.create_function("gn_audit_hmac", 10, lambda *f: keyed_hash(secret, *f), deterministic=True)
        conn.create_function("gn_audit_key_id", 0, lambda: key_id(secret))
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
