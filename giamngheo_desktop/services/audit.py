"""Reading the change history (the audit trail itself is written by triggers: storage/audit.py)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop.domain import fields
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import (
    COMMUNE_KIND_LABELS,
    ROUND_KIND_LABELS,
    ROUND_STEP_LABELS,
    VILLAGE_KIND_LABELS,
    class_label,
)
from giamngheo_desktop.storage import audit as audit_storage
from giamngheo_desktop.storage.audit import VerifyResult
from giamngheo_desktop.storage.connection import Database

ACTION_LABELS = {"insert": "Thêm", "update": "Sửa", "delete": "Xóa", "seal": "Niêm phong", "restore": "Khôi phục"}
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
    "commune_history": "Mã, tên, loại xã theo thời gian",
    "village": "Thôn, tổ",
    "app_user": "Người dùng",
    "plan": "Kế hoạch",
    "plan_target": "Chỉ tiêu",
    "app_setting": "Thiết lập",
    "support_batch": "Lô hỗ trợ",
    "production_model": "Mô hình giảm nghèo",
    "training_class": "Lớp đào tạo nghề",
    "audit_log": "Nhật ký thay đổi",
    "code_list": "Danh mục",
    "scoring_card": "Phiếu B1",
    "programme": "Chương trình, dự án",
}
# What a kind code means, by the table it is in (a round's kind, a target's kind, a village's kind…).
KIND_LABELS: dict[str, dict[str, str]] = {
    "plan_target": {
        "count": "Số lượng",
        "reduction": "Giảm số hộ",
        "reduction_pct": "Giảm tỷ lệ",
        "coverage_pct": "Tỷ lệ bao phủ",
    },
    "review_round": ROUND_KIND_LABELS,
    "village": VILLAGE_KIND_LABELS,
    "commune": COMMUNE_KIND_LABELS,
    "commune_history": COMMUNE_KIND_LABELS,
}


# Columns other than the register fields (those come from the field table, domain/fields.py).
OTHER_FIELD_LABELS = {
    "deleted_at": "Đã xóa lúc",
    "valid_from": "Áp dụng từ ngày",
    "closed_at": "Đóng lúc",
    "undone_at": "Hoàn tác lúc",
    "frozen": "Đã cố định kết quả",
    "certificate_number": "Số giấy chứng nhận",
    "value": "Giá trị",
    "key": "Thiết lập",
    "posting_from": "Niêm yết từ ngày",
    "posting_to": "Niêm yết đến ngày",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "certificates_date": "Ngày cấp giấy chứng nhận",
    "reference_date": "Ngày tham chiếu",
    "standard_id": "Chuẩn nghèo",
    "source": "Nguồn",
    "deprivation_count": "Số chỉ số thiếu hụt",
    "income_per_capita": "Thu nhập bình quân",
    "head_member_id": "Chủ hộ",
    "household_id": "Hộ",
    "member_id": "Nhân khẩu",
    "village_id": "Thôn/tổ",
    "life_status": "Tình trạng",
    "sort_order": "Thứ tự",
    "type_code": "Loại hỗ trợ",
    "support_date": "Ngày hỗ trợ",
    "quantity": "Số lượng",
    "unit": "Đơn vị tính",
    "amount": "Số tiền",
    "funding_source": "Nguồn vốn",
    "programme_id": "Chương trình, dự án",
    "note": "Ghi chú",
    "batch_id": "Lô hỗ trợ",
    "recorded_by": "Người ghi",
    "name": "Tên",
    "kind": "Loại",
    "step": "Bước",
    "status": "Trạng thái",
    "plan_id": "Kế hoạch",
    "code": "Mã",
    "target_value": "Chỉ tiêu",
    "baseline_value": "Số đầu kỳ",
    "year": "Năm",
    "computed_class": "Kết quả tính",
    "final_class": "Kết quả sau họp thôn",
    "class_before": "Phân loại trước đợt",
    "reason": "Lý do",
    "deprived": "Thiếu hụt",
    "indicator_code": "Chỉ số",
    "round_id": "Đợt rà soát",
    "meeting_date": "Ngày họp",
    "attendees": "Số người dự họp",
    "agreed": "Số người đồng ý",
    "form": "Mẫu đơn",
    "request_date": "Ngày nộp đơn",
    "content": "Nội dung",
    "number": "Số",
    "issue_date": "Ngày cấp",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "role": "Vai trò",
    "interest_rate": "Lãi suất",
    "term_months": "Thời hạn (tháng)",
    "disbursement_date": "Ngày giải ngân",
    "due_date": "Ngày đến hạn",
    "principal": "Tiền gốc",
    "interest": "Tiền lãi",
    "label": "Tên chỉ tiêu",
    "title": "Tên kế hoạch",
    "issued_date": "Ngày ban hành",
    "baseline_round_id": "Đợt rà soát làm mốc",
    "baseline_date": "Ngày mốc",
    "baseline_households": "Số hộ ở mốc",
    "baseline_poor": "Số hộ nghèo ở mốc",
    "baseline_near_poor": "Số hộ cận nghèo ở mốc",
    "description": "Mô tả",
    "entries": "Số thay đổi được niêm phong",
    "from_backup": "Từ bản sao lưu",
    "safety_copy": "Bản an toàn của dữ liệu trước đó",
    "list_name": "Danh mục",
    "code_system": "Hệ mã",
    "active": "Đang dùng",
    "user_id": "Người dùng",
    "month": "Tháng",
    "province": "Tỉnh/thành phố",
    "card_type": "Loại phiếu",
    "is_sample": "Phiếu mẫu",
    "support_record_id": "Bản ghi hỗ trợ",
    "programme_code": "Chương trình cho vay",
}
# Words stored as codes, by column (the same code means the same in every table that has the column).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "source": {
        "list": "danh sách hộ nghèo, cận nghèo",
        "request": "đơn đề nghị",
        "manual": "thêm tay",
        "computed": "tự tính",
        "entered": "nhập tay",
    },
    "status": {
        "pending": "chờ xử lý",
        "in_round": "đã vào đợt rà soát",
        "done": "đã xử lý",
        "rejected": "không đưa vào",
        "collected": "đã thu thập",
        "computed": "đã tính",
        "approved": "đã duyệt",
        "active": "đang vay",
        "repaid": "đã trả hết",
        "overdue": "quá hạn",
        "written_off": "đã xóa nợ",
    },
    "area_type": {"rural": "Nông thôn", "urban": "Thành thị"},
}
# Code lists by the name a person knows them by (the list's own codes are not shown: its entries' names are).
CODE_LIST_LABELS = {
    "disability": "khuyết tật",
    "education_level": "trình độ học vấn",
    "employment": "việc làm",
    "ethnicity": "dân tộc",
    "funding_source": "nguồn vốn",
    "hi_group": "nhóm đối tượng bảo hiểm y tế",
    "housing_material": "vật liệu nhà ở",
    "info_device": "phương tiện tiếp cận thông tin",
    "latrine_type": "loại nhà tiêu",
    "loan_programme": "chương trình cho vay",
    "nutrition": "dinh dưỡng",
    "poverty_cause": "nguyên nhân nghèo",
    "relationship": "quan hệ với chủ hộ",
    "schooling": "tình trạng đi học",
    "support_type": "loại hỗ trợ",
    "water_source": "nguồn nước",
}
# Columns that are the program's own keys in these tables (what the row means is in its other columns).
HIDDEN_BY_ENTITY = {"code_list": {"code", "code_system"}, "app_setting": {"key"}}
# What a setting is, by its key ("import_mapping:…" by the start of it).
SETTING_LABELS = {
    "backup.last_copy": "Lần sao lưu ra USB gần nhất",
    "login_required": "Bắt buộc đăng nhập",
    "import_mapping:": "Cách gán cột của một mẫu danh sách",
    "reference_hash": "Danh mục dùng chung",
    "audit.file_id": "Mã nhận diện tệp dữ liệu",
}
MONEY_FIELDS = {"amount", "principal", "interest", "income_per_capita"}
HIDDEN_FIELDS = {
    "id",
    "updated_at",
    "created_at",
    "row_hash",
    "prev_hash",
    "search_fold",
    "search_ids",
    "snapshot",
    # the seal of the change history: hashes and table fingerprints nobody reads
    "head",
    "replaced_head",
    "shapes",
    "hash",
    "extra",
    "definition",
    "tables",
}
SYSTEM_NAME = "Hệ thống (tự động)"


def field_label(name: str) -> str:
    """The Vietnamese name of a column: the register field table first, then the other columns."""
    if name in OTHER_FIELD_LABELS:
        return OTHER_FIELD_LABELS[name]
    label = fields.label(name)
    return label if label != name else name.replace("_", " ")


@dataclass(frozen=True)
class Readable:
    """An audit entry as a person reads it."""

    when: str  # dd/mm/yyyy hh:mm
    who: str  # the user's full name (or "Hệ thống (tự động)")
    action: str  # "Xóa hộ", "Sửa nhân khẩu", "Khôi phục hỗ trợ"…
    subject: str  # "Hộ 01-0003 — Trần Văn Sơn", "Nguyễn Văn A (hộ 01-0003)"…
    text: str  # "Phân loại hộ: Hộ nghèo → Hộ cận nghèo; …"
    detail: str  # every change, one a line (tooltip)


def vn_time(ts: str | None) -> str:
    """``2026-11-28T17:05:03`` → ``28/11/2026 17:05``; a date alone → ``28/11/2026``."""
    if not ts:
        return ""
    date, _, time = str(ts).partition("T")
    parts = date.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return str(ts)
    return f"{parts[2]}/{parts[1]}/{parts[0]} {time[:5]}".strip()


class _Names:
    """Looks up what ids and codes stand for, once per id."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.codes = {
            (r["list_name"], r["code"]): r["name"] for r in db.rows("SELECT list_name, code, name FROM code_list")
        }
        self.code_names = {code: name for (_list, code), name in self.codes.items()}
        self.villages = {r["id"]: r["name"] for r in db.rows("SELECT id, name FROM village")}
        self.users = {
            r["username"]: r["full_name"] or r["username"] for r in db.rows("SELECT username, full_name FROM app_user")
        }
        self.plans = {r["id"]: f"Kế hoạch năm {r['year']}" for r in db.rows("SELECT id, year FROM plan")}
        self.rounds = {r["id"]: r["name"] for r in db.rows("SELECT id, name FROM review_round")}
        self._indicators: dict[str, str] | None = None
        self._households: dict[int, str] = {}
        self._members: dict[int, tuple[str, int | None]] = {}

    def household(self, household_id: Any) -> str:
        if household_id is None:
            return ""
        hid = int(household_id)
        if hid not in self._households:
            row = self.db.row(
                "SELECT h.code, m.full_name FROM household h LEFT JOIN member m ON m.id = h.head_member_id"
                " WHERE h.id = ?",
                (hid,),
            )
            self._households[hid] = (
                f"hộ {row['code']}" + (f" — {row['full_name']}" if row["full_name"] else "") if row else f"hộ số {hid}"
            )
        return self._households[hid]

    def indicator(self, code: str) -> str:
        """The indicator's name in the standards of the file ("Trẻ em đi học" for ``school_attendance``)."""
        if self._indicators is None:
            from giamngheo_desktop.domain.standards import parse_standard

            self._indicators = {}
            for row in self.db.rows("SELECT definition FROM poverty_standard"):
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    for item in parse_standard(json.loads(row["definition"])).indicators:
                        self._indicators.setdefault(item.code, item.name)
        return self._indicators.get(code, code)

    def household_code(self, household_id: Any) -> str:
        text = self.household(household_id)
        return text.split(" — ")[0]

    def member(self, member_id: Any) -> str:
        if member_id is None:
            return ""
        mid = int(member_id)
        if mid not in self._members:
            row = self.db.row("SELECT full_name, household_id FROM member WHERE id = ?", (mid,))
            self._members[mid] = (row["full_name"], row["household_id"]) if row else (f"nhân khẩu số {mid}", None)
        return self._members[mid][0]

    def user(self, username: str) -> str:
        if username in ("he-thong", "", None):
            return SYSTEM_NAME
        return str(self.users.get(username, username))

    def value(self, name: str, value: Any, entity: str = "") -> str:
        if value is None or value == "":
            return "(trống)"
        if name == "kind" and entity in KIND_LABELS:
            return KIND_LABELS[entity].get(str(value), str(value))
        if name == "indicator_code":
            return self.indicator(str(value))
        if name == "list_name":
            return CODE_LIST_LABELS.get(str(value), str(value).replace("_", " "))
        if name == "plan_id":
            return self.plans.get(_int(value), str(value))
        if name in ("round_id", "baseline_round_id"):
            return str(self.rounds.get(_int(value), value))
        if name == "code" and entity == "plan_target":
            from giamngheo_desktop.services.plan import METRICS

            metric = METRICS.get(str(value))
            return metric.label if metric else str(value)
        if name == "reason" and entity == "audit_log":
            from giamngheo_desktop.services.backup import REASON_LABELS

            kind = str(value).removeprefix("backup:")
            return REASON_LABELS.get(kind, kind)
        if name in VALUE_LABELS:
            return VALUE_LABELS[name].get(str(value), str(value))
        if name == "valid_from" and str(value) == "0001-01-01":
            return "từ đầu"
        field = fields.BY_KEY.get(("household", name)) or fields.BY_KEY.get(("member", name))
        if field is not None and field.kind == "bool" and value in (0, 1, True, False, "0", "1"):
            return "Có" if value in (1, True, "1") else "Không"
        if name in ("poverty_class", "computed_class", "final_class", "class_before", "local_class"):
            return class_label(str(value)) or str(value)
        if name == "village_id":
            return str(self.villages.get(int(value), str(value)))
        if name in ("household_id", "related_household_id"):
            return self.household_code(value)
        if name in ("member_id", "head_member_id"):
            return self.member(value)
        if name == "step":
            return str(ROUND_STEP_LABELS.get(str(value), str(value)))
        if name in ("frozen", "deprived", "active"):
            return "Có" if value in (1, True, "1") else "Không"
        if name == "value" and isinstance(value, str) and len(value) >= 32 and value.isalnum():
            return "(mã bảo mật)"
        if name == "value" and entity == "app_setting" and str(value).startswith(("{", "[")):
            return _setting_value(str(value))
        if name == "sex":
            return {"M": "Nam", "F": "Nữ"}.get(str(value), str(value))
        if name.endswith("_code") or name in ("funding_source", "type_code"):
            return str(self.code_names.get(str(value), str(value)))
        if name.endswith(("_at", "_date", "_to", "_from")) or name in ("ts",):
            return vn_time(str(value))
        if isinstance(value, bool) or (name.startswith(("is_", "has_")) and value in (0, 1)):
            return "Có" if value else "Không"
        if name in MONEY_FIELDS and isinstance(value, (int, float)):
            return f"{round(value):,} đồng".replace(",", ".")
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"


def _setting_value(text: str) -> str:
    """A setting kept as JSON, as a person reads it: the USB copy's time and place, else "(đã lưu)"."""
    with contextlib.suppress(ValueError):
        facts = json.loads(text)
        if isinstance(facts, dict) and facts.get("file"):
            return f"{vn_time(str(facts.get('made_at') or ''))}, {facts['file']}".lstrip(", ")
    return "(đã lưu)"


def _setting_label(key: str) -> str:
    for start, label in SETTING_LABELS.items():
        if key == start or (start.endswith(":") and key.startswith(start)):
            return label
    return "Thiết lập"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _action(entry: HistoryEntry) -> str:
    if entry.entity == "audit_log" and entry.action == "restore":
        return "Khôi phục từ bản sao lưu"
    deleted = next(((old, new) for f, old, new in entry.changes if f == "deleted_at"), None)
    verb = ACTION_LABELS.get(entry.action, entry.action)
    if entry.action == "update" and deleted is not None:
        verb = "Xóa" if deleted[0] in (None, "") and deleted[1] else "Khôi phục"
    noun = ENTITY_LABELS.get(entry.entity, entry.entity)
    noun = {"Hộ gia đình": "hộ"}.get(noun, noun[:1].lower() + noun[1:])
    return f"{verb} {noun}"


def _subject(entry: HistoryEntry, names: _Names) -> str:
    values = {f: (new if new is not None else old) for f, old, new in entry.changes}
    if entry.entity == "household" and entry.entity_id:
        return names.household(entry.entity_id)[:1].upper() + names.household(entry.entity_id)[1:]
    if entry.entity == "member" and entry.entity_id:
        who = names.member(entry.entity_id)
        return f"{who} ({names.household_code(entry.household_id)})" if entry.household_id else who
    if entry.household_id is not None:
        return names.household(entry.household_id)[:1].upper() + names.household(entry.household_id)[1:]
    if entry.entity == "village":
        return str(values.get("name") or names.villages.get(int(entry.entity_id or 0), ""))
    if entry.entity == "app_user":
        return str(values.get("full_name") or values.get("username") or "")
    if entry.entity == "plan_target":
        return str(values.get("label") or "")
    if entry.entity == "plan":
        return str(values.get("title") or names.plans.get(_int(entry.entity_id), ""))
    if entry.entity == "review_round":
        return str(values.get("name") or names.rounds.get(_int(entry.entity_id), ""))
    if entry.entity == "app_setting":
        return _setting_label(str(values.get("key") or ""))
    return ""


def readable(db: Database, entries: list[HistoryEntry], *, limit: int = 5) -> list[Readable]:
    """The entries in Vietnamese: field labels, names instead of ids, dd/mm/yyyy hh:mm, the user's name."""
    db.require(Permission.VIEW)
    names = _Names(db)
    out = []
    for entry in entries:
        shown = []
        for name, old, new in entry.changes:
            if name in HIDDEN_FIELDS or name.endswith("_fold") or (entry.action != "update" and name == "deleted_at"):
                continue
            if name in HIDDEN_BY_ENTITY.get(entry.entity, ()):
                continue
            label = field_label(name)
            if entry.action == "update":
                if name == "deleted_at":
                    continue  # said by the action ("Xóa …", "Khôi phục …")
                before, after = names.value(name, old, entry.entity), names.value(name, new, entry.entity)
                shown.append(f"{label}: {before} → {after}")
            else:
                value = old if entry.action == "delete" else new  # insert, or a named operation (seal…)
                if value not in (None, ""):
                    shown.append(f"{label}: {names.value(name, value, entry.entity)}")
        more = f" (+{len(shown) - limit})" if len(shown) > limit else ""
        out.append(
            Readable(
                when=vn_time(entry.ts),
                who=names.user(entry.username),
                action=_action(entry),
                subject=_subject(entry, names),
                text="; ".join(shown[:limit]) + more,
                detail="\n".join(shown),
            )
        )
    return out


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
