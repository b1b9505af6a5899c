"""Snapshots of what a register operation changed, to undo and redo it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services.changes import Changes, Snapshot, State
from giamngheo_desktop.services.register_columns import _HOUSEHOLD_COLUMNS, _MEMBER_COLUMNS
from giamngheo_desktop.storage.connection import Database


def _columns(db: Database, table: str) -> list[str]:
    cache = _HOUSEHOLD_COLUMNS if table == "household" else _MEMBER_COLUMNS
    if not cache:
        cache.extend(r["name"] for r in db.rows(f"PRAGMA table_info({table})") if r["name"] != "id")
    return cache


def _capture(
    db: Database, household_ids: Iterable[int], member_ids: Iterable[int], events: Iterable[int] = ()
) -> State:
    state = State()
    for hid in set(household_ids):
        state.households[hid] = db.row("SELECT * FROM household WHERE id = ?", (hid,))
        state.causes[hid] = [
            r["cause_code"] for r in db.rows("SELECT cause_code FROM household_cause WHERE household_id = ?", (hid,))
        ]
    for mid in set(member_ids):
        state.members[mid] = db.row("SELECT * FROM member WHERE id = ?", (mid,))
    for eid in set(events):
        state.events[eid] = db.row("SELECT * FROM household_event WHERE id = ?", (eid,))
    return state


class _Recorder:
    """Collects the ids an operation touches and builds its Snapshot."""

    def __init__(self, db: Database, label: str) -> None:
        self.db = db
        self.label = label
        self.households: set[int] = set()
        self.members: set[int] = set()
        self.events: set[int] = set()
        self.before = State()

    def touch(self, households: Iterable[int] = (), members: Iterable[int] = ()) -> None:
        new_h = set(households) - self.households
        new_m = set(members) - self.members
        captured = _capture(self.db, new_h, new_m)
        self.before.households.update(captured.households)
        self.before.causes.update(captured.causes)
        self.before.members.update(captured.members)
        self.households |= new_h
        self.members |= new_m

    def created(self, households: Iterable[int] = (), members: Iterable[int] = ()) -> None:
        for hid in households:
            self.before.households[hid] = None
            self.before.causes[hid] = []
            self.households.add(hid)
        for mid in members:
            self.before.members[mid] = None
            self.members.add(mid)

    def event(
        self,
        household_id: int,
        event_type: str,
        *,
        related: int | None = None,
        member_id: int | None = None,
        details: dict[str, Any] | None = None,
        date: str | None = None,
    ) -> None:
        now = clock.now_iso()
        cur = self.db.conn.execute(
            "INSERT INTO household_event (household_id, event_type, event_date, related_household_id, member_id, "
            "details, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                household_id,
                event_type,
                date or clock.today_iso(),
                related,
                member_id,
                json.dumps(details or {}, ensure_ascii=False),
                self.db.actor.user_id,
                now,
            ),
        )
        eid = int(cur.lastrowid or 0)
        self.events.add(eid)
        self.before.events[eid] = None

    def snapshot(self) -> Snapshot:
        after = _capture(self.db, self.households, self.members, self.events)
        return Snapshot(before=self.before, after=after, label=self.label)


def _apply_state(db: Database, target: State, other: State) -> None:
    """Write ``target`` back over the rows (``other`` is the state being left)."""
    now = clock.now_iso()
    conn = db.conn
    hcols = _columns(db, "household")
    mcols = _columns(db, "member")
    # rows that did not exist in the target are soft-deleted (events deleted)
    for eid, row in target.events.items():
        if row is None:
            conn.execute("DELETE FROM household_event WHERE id = ?", (eid,))
    for hid, hrow in target.households.items():
        if hrow is None:
            conn.execute(
                "UPDATE household SET deleted_at = coalesce(deleted_at, ?), updated_at = ? WHERE id = ?",
                (now, now, hid),
            )
    for mid, mrow in target.members.items():
        if mrow is None:
            conn.execute(
                "UPDATE member SET deleted_at = coalesce(deleted_at, ?), updated_at = ? WHERE id = ?", (now, now, mid)
            )
    # households first with no live code clash: free codes of rows being left
    for hid, hrow in target.households.items():
        if hrow is not None:
            values = {c: hrow[c] for c in hcols}
            values["updated_at"] = now
            sets = ", ".join(f"{c} = :{c}" for c in values)
            try:
                conn.execute(f"UPDATE household SET {sets} WHERE id = :id", {**values, "id": hid})
            except sqlite3.IntegrityError as exc:
                raise ValidationFailed(
                    ValidationIssue(
                        "code",
                        "không khôi phục được vì đã có hộ khác đang dùng mã này",
                        value=str(hrow["code"]),
                    )
                ) from exc
            conn.execute("DELETE FROM household_cause WHERE household_id = ?", (hid,))
            conn.executemany(
                "INSERT INTO household_cause (household_id, cause_code) VALUES (?, ?)",
                [(hid, c) for c in target.causes.get(hid, [])],
            )
    for mid, mrow in target.members.items():
        if mrow is not None:
            values = {c: mrow[c] for c in mcols}
            values["updated_at"] = now
            sets = ", ".join(f"{c} = :{c}" for c in values)
            conn.execute(f"UPDATE member SET {sets} WHERE id = :id", {**values, "id": mid})
    for eid, erow in target.events.items():
        if erow is not None and other.events.get(eid) is None:
            conn.execute(
                "INSERT OR IGNORE INTO household_event (id, household_id, event_type, event_date, "
                "related_household_id, member_id, details, user_id, created_at) "
                "VALUES (:id, :household_id, :event_type, :event_date, :related_household_id, :member_id, "
                ":details, :user_id, :created_at)",
                erow,
            )


def _snapshot_changes(snapshot: Snapshot) -> Changes:
    ids = frozenset(snapshot.after.households) | frozenset(snapshot.before.households)
    member_hids = {
        row["household_id"]
        for state in (snapshot.before, snapshot.after)
        for row in state.members.values()
        if row is not None
    }
    return Changes(
        households=True, members=True, rows_added_or_removed=True, household_ids=frozenset(ids | member_hids)
    )


def undo_operation(db: Database, snapshot: Snapshot) -> Changes:
    """Put every row the operation touched back as it was (soft-deleting what it created)."""
    db.require(Permission.EDIT_REGISTER)
    with db.atomic():
        _apply_state(db, snapshot.before, snapshot.after)
    return _snapshot_changes(snapshot)


def redo_operation(db: Database, snapshot: Snapshot) -> Changes:
    """Apply an undone operation again, exactly as it first ended."""
    db.require(Permission.EDIT_REGISTER)
    with db.atomic():
        _apply_state(db, snapshot.after, snapshot.before)
    return _snapshot_changes(snapshot)
