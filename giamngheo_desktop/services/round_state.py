"""A review round's rows as they are, and putting them back: what undo and redo of a round step write.

Every step of a round (open, compute, B1, an indicator entered, a village meeting, posting,
decision, certificates, close) changes only the round's own rows, the requests drawn into it and,
on closing, the class of its households. :func:`capture` reads all of that; :func:`restore`
writes a captured state back in one transaction, so the window's Ctrl+Z / Ctrl+Y can take a
step back and forward again. Nothing else of the file is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database

# children first (deleting), parents first (inserting)
_ROUND_TABLES = ("round_indicator", "round_member", "certificate", "village_meeting", "round_household")
_HOUSEHOLD_CLASS = ("poverty_class", "escaped_date", "class_date", "class_decision", "updated_at")
_APPROVED_STEPS = ("decision", "certificates", "closed")


@dataclass(frozen=True)
class RoundState:
    round_id: int
    round: dict[str, Any] | None  # the review_round row; None: the round does not exist
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)  # id, status, round_id
    households: list[dict[str, Any]] = field(default_factory=list)  # id + class columns

    @property
    def step(self) -> str | None:
        return self.round["step"] if self.round else None


def capture(db: Database, round_id: int) -> RoundState:
    """The round's rows now (its requests and its households' classes included)."""
    db.require(Permission.VIEW)
    rnd = db.row("SELECT * FROM review_round WHERE id = ?", (round_id,))
    rows = {t: db.rows(f"SELECT * FROM {t} WHERE round_id = ?", (round_id,)) for t in _ROUND_TABLES}
    requests = db.rows("SELECT id, status, round_id FROM household_request WHERE round_id = ?", (round_id,))
    households = db.rows(
        f"SELECT id, {', '.join(_HOUSEHOLD_CLASS)} FROM household"
        " WHERE id IN (SELECT household_id FROM round_household WHERE round_id = ?)",
        (round_id,),
    )
    return RoundState(round_id, rnd, rows, requests, households)


def before_open(state: RoundState) -> RoundState:
    """What there was before the round of ``state`` (just opened) existed: no round, its
    requests waiting again, its households' classes as they are."""
    requests = [{**r, "status": "pending", "round_id": None} for r in state.requests]
    return RoundState(state.round_id, None, {t: [] for t in _ROUND_TABLES}, requests, state.households)


def restore(db: Database, state: RoundState) -> Changes:
    """Write ``state`` back: the round's rows, its requests' status, its households' classes."""
    db.require(Permission.RUN_REVIEW)
    current = db.row("SELECT step FROM review_round WHERE id = ?", (state.round_id,))
    if {state.step, current["step"] if current else None} & set(_APPROVED_STEPS):
        db.require(Permission.APPROVE)  # taking back or again a decision, certificates or a close
    with db.atomic() as conn:
        for table in _ROUND_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE round_id = ?", (state.round_id,))
        if state.round is None:
            _set_requests(conn, state.requests)  # pointing away from the round before it goes
            conn.execute("DELETE FROM review_round WHERE id = ?", (state.round_id,))
        elif current is None:
            _put(conn, "review_round", state.round)
        else:
            columns = [c for c in state.round if c != "id"]
            conn.execute(
                f"UPDATE review_round SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                (*(state.round[c] for c in columns), state.round_id),
            )
        if state.round is not None:
            _set_requests(conn, state.requests)
        for table in reversed(_ROUND_TABLES):
            for row in state.rows.get(table, []):
                _put(conn, table, row)
        for h in state.households:
            sets = ", ".join(f"{c} = ?" for c in _HOUSEHOLD_CLASS)
            conn.execute(f"UPDATE household SET {sets} WHERE id = ?", (*(h[c] for c in _HOUSEHOLD_CLASS), h["id"]))
    return Changes(review=True, households=True, id=state.round_id)


def _set_requests(conn: Any, requests: list[dict[str, Any]]) -> None:
    for r in requests:
        conn.execute(
            "UPDATE household_request SET status = ?, round_id = ? WHERE id = ?", (r["status"], r["round_id"], r["id"])
        )


def _put(conn: Any, table: str, row: dict[str, Any]) -> None:
    columns = list(row)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    )
