"""A plan and its targets as they are, and putting them back: what undo and redo of a plan write.

Making a plan from the template and saving the plan dialog change only the ``plan`` row and its
``plan_target`` rows; :func:`capture` reads them, :func:`restore` writes them back in one
transaction (a state without a plan removes the plan: the undo of "Tạo kế hoạch từ mẫu").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database


@dataclass(frozen=True)
class PlanState:
    plan_id: int
    plan: dict[str, Any] | None  # None: there is no such plan
    targets: list[dict[str, Any]] = field(default_factory=list)


def capture(db: Database, plan_id: int) -> PlanState:
    db.require(Permission.VIEW)
    return PlanState(
        plan_id,
        db.row("SELECT * FROM plan WHERE id = ?", (plan_id,)),
        db.rows("SELECT * FROM plan_target WHERE plan_id = ? ORDER BY id", (plan_id,)),
    )


def restore(db: Database, state: PlanState) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    with db.atomic() as conn:
        conn.execute("DELETE FROM plan_target WHERE plan_id = ?", (state.plan_id,))
        exists = db.scalar("SELECT 1 FROM plan WHERE id = ?", (state.plan_id,))
        if state.plan is None:
            conn.execute("DELETE FROM plan WHERE id = ?", (state.plan_id,))
        elif exists:
            columns = [c for c in state.plan if c != "id"]
            conn.execute(
                f"UPDATE plan SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                (*(state.plan[c] for c in columns), state.plan_id),
            )
        else:
            _insert(conn, "plan", state.plan)
        for row in state.targets:
            _insert(conn, "plan_target", row)
    return Changes(plans=True, id=state.plan_id)


def _insert(conn: Any, table: str, row: dict[str, Any]) -> None:
    columns = list(row)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    )
