"""Reference data shipped as files in ``resources/`` and mirrored into the database.

Code lists (``resources/codes/*.json``) are inserted when new and never overwrite a
row the commune edited. The sync runs only when the shipped files changed (their
hash is kept in ``app_setting``), so opening a file normally writes nothing.
To add a kind of reference data, add a loader to ``LOADERS``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc

REFERENCE_DIRS = ("codes", "standards", "cards", "catalogue")


def reference_files() -> list[Path]:
    files: list[Path] = []
    for folder in REFERENCE_DIRS:
        base = resource_path(folder)
        if base.is_dir():
            files.extend(sorted(base.glob("*.json")))
    return files


def reference_hash() -> str:
    digest = hashlib.sha256()
    for path in reference_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_code_lists(conn: sqlite3.Connection) -> None:
    """Insert code-list items from resources/codes/*.json (existing rows are kept)."""
    for path in sorted(resource_path("codes").glob("*.json")):
        data = load_json(path)
        rows = []
        for order, item in enumerate(data["items"], start=1):
            name = nfc(item["name"])
            rows.append(
                (
                    data["list_name"],
                    data["code_system"],
                    str(item["code"]),
                    name,
                    fold(name + " " + " ".join(item.get("aliases", []))),
                    item.get("sort_order", order),
                    json.dumps(item.get("extra", {}), ensure_ascii=False),
                )
            )
        conn.executemany(
            "INSERT OR IGNORE INTO code_list (list_name, code_system, code, name, name_fold, sort_order, extra) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


LOADERS: list[Callable[[sqlite3.Connection], None]] = [load_code_lists]


def sync(db: Database, *, force: bool = False) -> bool:
    """Mirror shipped reference data into the file if it changed; True if written."""
    current = reference_hash()
    stored = db.scalar("SELECT value FROM app_setting WHERE key = 'reference_hash'")
    if stored == current and not force:
        return False
    try:
        with db.atomic() as conn:
            for loader in LOADERS:
                loader(conn)
            conn.execute(
                "INSERT INTO app_setting (key, value) VALUES ('reference_hash', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (current,),
            )
    except StorageUnavailable as exc:
        if exc.code == "read_only":  # a read-only copy still opens for viewing
            return False
        raise
    return True
