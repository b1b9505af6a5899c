"""The commune's settings as they are, and putting them back: what undo and redo of "Thông tin xã" write.

Saving the Thông tin xã window changes the ``commune`` row, its dated entries (``commune_history``:
a new code, name or kind from a date, or one taken back with "Bỏ lần thay đổi…") and adds
villages. :func:`capture` reads those; :func:`restore` writes a captured state back in one
transaction: the commune row and its dated entries as they were, the villages as they were
(one added since is retired again — refused while it holds households).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database

_VILLAGE_COLUMNS = ("code", "name", "name_fold", "kind", "area_type", "head_name", "sort_order", "deleted_at")


@dataclass(frozen=True)
class CommuneState:
    commune: dict[str, Any] | None
    history: list[dict[str, Any]] = field(default_factory=list)
    villages: list[dict[str, Any]] = field(default_factory=list)


def capture(db: Database) -> CommuneState:
    db.require(Permission.VIEW)
    return CommuneState(
        db.row("SELECT * FROM commune WHERE id = 1"),
        db.rows("SELECT * FROM commune_history ORDER BY valid_from"),
        db.rows("SELECT * FROM village ORDER BY id"),
    )


def restore(db: Database, state: CommuneState) -> Changes:
    """Write ``state`` back (the commune row, its dated entries, the villages)."""
    db.require(Permission.MANAGE_SETTINGS)
    if state.commune is None:
        raise DomainError("Không hoàn tác được: chưa có thông tin xã để trở lại.")
    kept = {int(v["id"]) for v in state.villages}
    with db.atomic() as conn:
        columns = [c for c in state.commune if c != "id"]
        conn.execute(
            f"UPDATE commune SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = 1",
            [state.commune[c] for c in columns],
        )
        conn.execute("DELETE FROM commune_history")
        for row in state.history:
            names = list(row)
            conn.execute(
                f"INSERT INTO commune_history ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [row[n] for n in names],
            )
        for village in db.rows("SELECT id, name FROM village WHERE deleted_at IS NULL"):
            if int(village["id"]) in kept:
                continue
            held = db.scalar(
                "SELECT count(*) FROM household WHERE village_id = ? AND deleted_at IS NULL", (village["id"],)
            )
            if held:
                raise DomainError(
                    f"Không hoàn tác được: thôn/tổ {village['name']} thêm lần đó nay đã có {held} hộ. "
                    "Hãy chuyển các hộ sang thôn/tổ khác trước."
                )
            conn.execute("UPDATE village SET deleted_at = ? WHERE id = ?", (clock.now_iso(), village["id"]))
        for village in state.villages:
            conn.execute(
                f"UPDATE village SET {', '.join(f'{c} = ?' for c in _VILLAGE_COLUMNS)} WHERE id = ?",
                [*(village[c] for c in _VILLAGE_COLUMNS), village["id"]],
            )
    return Changes(commune=True, households=True)
