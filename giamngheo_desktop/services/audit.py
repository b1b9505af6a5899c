"""Reading the change history (the audit trail itself is written by triggers: storage/audit.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.storage import audit as audit_storage
from giamngheo_desktop.storage.audit import VerifyResult
from giamngheo_desktop.storage.connection import Database

ACTION_LABELS = {"insert": "Thêm", "update": "Sửa", "delete": "Xóa"}
ENTITY_LABELS = {
    "household": "Hộ gia đình",
    "member": "Nhân khẩu",
    "household_cause": "Nguyên nhân nghèo",
    "support_record": "Hỗ trợ",
    "loan": "Khoản vay",
    "loan_repayment": "Trả nợ",
    "round_household": "Kết quả rà soát",
    "round_indicator": "Chỉ số thiếu hụt",
    "review_round": "Đợt rà soát",
    "village_meeting": "Họp thôn",
    "household_request": "Đơn đề nghị",
    "certificate": "Giấy chứng nhận",
    "commune": "Thông tin xã",
    "village": "Thôn, tổ",
    "app_user": "Người dùng",
    "plan": "Kế hoạch",
    "plan_target": "Chỉ tiêu",
}


@dataclass(frozen=True)
class HistoryQuery:
    household_id: int | None = None
    username: str | None = None
    entity: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    text: str | None = None
    limit: int = 500
    before_id: int | None = None  # keyset paging: entries older than this id


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    ts: str
    username: str
    action: str
    entity: str
    entity_id: str | None
    household_id: int | None
    changes: list[tuple[str, Any, Any]]  # (field, old, new) for updates; all fields otherwise

    @property
    def label(self) -> str:
        return f"{ACTION_LABELS.get(self.action, self.action)} {ENTITY_LABELS.get(self.entity, self.entity).lower()}"

    def summary(self, limit: int = 4) -> str:
        shown = [f"{f}: {_short(o)} → {_short(n)}" for f, o, n in self.changes if f not in ("updated_at",)]
        more = f" (+{len(shown) - limit})" if len(shown) > limit else ""
        return "; ".join(shown[:limit]) + more


def _short(value: Any) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _changes(old: str | None, new: str | None) -> list[tuple[str, Any, Any]]:
    before = json.loads(old) if old else {}
    after = json.loads(new) if new else {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("", before, after)]
    keys = list(after or before)
    if before and after:
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
    return [(k, before.get(k), after.get(k)) for k in keys]


def history(db: Database, query: HistoryQuery) -> list[HistoryEntry]:
    """Entries newest first, filtered; for the per-household and the global history views."""
    db.require(Permission.VIEW)
    where, params = [], []  # type: list[str], list[Any]
    if query.household_id is not None:
        where.append("household_id = ?")
        params.append(query.household_id)
    if query.username:
        where.append("username = ?")
        params.append(query.username)
    if query.entity:
        where.append("entity = ?")
        params.append(query.entity)
    if query.date_from:
        where.append("ts >= ?")
        params.append(query.date_from)
    if query.date_to:
        where.append("ts < date(?, '+1 day')")
        params.append(query.date_to)
    if query.text:
        where.append("(old_values LIKE ? OR new_values LIKE ?)")
        params += [f"%{query.text}%"] * 2
    if query.before_id is not None:
        where.append("id < ?")
        params.append(query.before_id)
    sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(query.limit)
    return [
        HistoryEntry(
            id=r["id"],
            ts=r["ts"],
            username=r["username"],
            action=r["action"],
            entity=r["entity"],
            entity_id=r["entity_id"],
            household_id=r["household_id"],
            changes=_changes(r["old_values"], r["new_values"]),
        )
        for r in db.rows(sql, params)
    ]


def usernames(db: Database) -> list[str]:
    return [r["username"] for r in db.rows("SELECT DISTINCT username FROM audit_log ORDER BY username")]


def verify(db: Database) -> VerifyResult:
    """Check the hash chain; the first broken link if the log was edited outside the app."""
    db.require(Permission.VIEW)
    ident = db.scalar("SELECT value FROM app_setting WHERE key = 'audit.file_id'")
    return audit_storage.verify(db.conn, file_ident=str(ident) if ident else None)
