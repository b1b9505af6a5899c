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


def _insert_programme(
    conn: sqlite3.Connection, code: str, name: str, level: str, parent_id: int | None, top: dict[str, Any], order: int
) -> int:
    conn.execute(
        "INSERT OR IGNORE INTO programme (code, name, level, parent_id, valid_from, valid_to, sort_order) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (code, nfc(name), level, parent_id, top.get("valid_from"), top.get("valid_to"), order),
    )
    return int(conn.execute("SELECT id FROM programme WHERE code = ?", (code,)).fetchone()[0])


def load_catalogue(conn: sqlite3.Connection) -> None:
    """Insert the programme → project → sub-project tree from resources/catalogue/*.json.

    Codes are paths ('MTQG-GNBV-2021-2025/DA4/TDA1'); existing rows keep the commune's edits.
    """
    base = resource_path("catalogue")
    if not base.is_dir():
        return
    for path in sorted(base.glob("*.json")):
        top = load_json(path)["programme"]
        top_id = _insert_programme(conn, top["code"], top["name"], "programme", None, top, 0)
        for p_order, project in enumerate(top.get("projects", []), start=1):
            p_code = f"{top['code']}/{project['code']}"
            p_id = _insert_programme(conn, p_code, project["name"], "project", top_id, top, p_order)
            for s_order, sub in enumerate(project.get("subprojects", []), start=1):
                _insert_programme(conn, f"{p_code}/{sub['code']}", sub["name"], "subproject", p_id, top, s_order)


def load_standards(conn: sqlite3.Connection) -> None:
    """Poverty standards from resources/standards/*.json into poverty_standard (kept current)."""
    from giamngheo_desktop import clock
    from giamngheo_desktop.domain.standards import parse_standard

    for path in sorted(resource_path("standards").glob("*.json")):
        data = load_json(path)
        standard = parse_standard(data)  # refuses a malformed file with a clear message
        conn.execute(
            "INSERT INTO poverty_standard (id, name, level, province_code, valid_from, valid_to, provisional,"
            " definition, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " name = excluded.name, level = excluded.level, province_code = excluded.province_code,"
            " valid_from = excluded.valid_from, valid_to = excluded.valid_to, provisional = excluded.provisional,"
            " definition = excluded.definition, loaded_at = excluded.loaded_at",
            (standard.id, standard.name, standard.level, standard.province_code, standard.valid_from,
             standard.valid_to, int(standard.provisional), json.dumps(data, ensure_ascii=False), clock.now_iso()),
        )  # fmt: skip


def load_cards(conn: sqlite3.Connection) -> None:
    """Scoring cards from resources/cards/*.json into scoring_card (a card edited in the app is kept)."""
    from giamngheo_desktop import clock
    from giamngheo_desktop.domain.scoring import parse_card

    for path in sorted(resource_path("cards").glob("*.json")):
        data = load_json(path)
        card = parse_card(data)
        conn.execute(
            "INSERT OR IGNORE INTO scoring_card (id, standard_id, card_type, region, area_type, name, is_sample,"
            " definition, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (card.id, card.standard_id, data.get("card_type", "B1"), data.get("region", ""), card.area_type,
             card.name, int(card.is_sample), json.dumps(data, ensure_ascii=False), clock.now_iso()),
        )  # fmt: skip


LOADERS: list[Callable[[sqlite3.Connection], None]] = [load_code_lists, load_standards, load_cards, load_catalogue]


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
