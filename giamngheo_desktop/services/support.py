"""The support ledger: supports given to a household or a member, loans, batches.

Every support is one ``support_record`` row (household-level when ``member_id`` is
None). A preferential loan is a support of type ``loan`` with a 1:1 ``loan`` row and
its repayments; the outstanding balance is the amount minus the principal repaid.
A batch applies one support to many households or members in one transaction,
tagged with a ``support_batch`` row so the whole batch can be undone in one step.

Defaults come from data: the unit of a support type from ``resources/codes``
(``support_type`` extra.unit), the programme and funding source from the catalogue
files (``resources/catalogue/*.json`` ``support_defaults``), the interest rate of a
loan from ``loan_programme`` extra.rate.

All functions run on the thread that owns ``db``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from giamngheo_desktop import clock, formats
from giamngheo_desktop.domain.errors import DomainError, NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import like_pattern, nfc, thousands

LOAN_TYPE = "loan"
PAGE_SIZE = 200

LOAN_STATUS_LABELS = {
    "active": "Đang vay",
    "repaid": "Đã trả hết",
    "overdue": "Quá hạn",
    "written_off": "Đã xóa nợ",
}


def money(value: float | None) -> str:
    """1234567 → '1.234.567' (Vietnamese thousands separator)."""
    return thousands(int(value or 0))


# --------------------------------------------------------------- values ----
@dataclass(frozen=True)
class SupportInput:
    """A support to record. ``None`` fields take their defaults from the catalogue."""

    household_id: int
    type_code: str
    support_date: str
    member_id: int | None = None
    quantity: float = 1
    unit: str | None = None
    amount: int = 0
    funding_source: str | None = None
    programme_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class SupportRow:
    id: int
    household_id: int
    household_code: str
    head_name: str
    village_id: int | None
    village_name: str
    member_id: int | None
    member_name: str
    type_code: str
    type_name: str
    support_date: str
    quantity: float
    unit: str
    amount: int
    funding_source: str | None
    funding_name: str
    programme_id: int | None
    programme_code: str
    programme_name: str
    note: str
    batch_id: int | None
    recorded_by: int | None


@dataclass(frozen=True)
class LedgerQuery:
    """Filters of the ledger; all optional."""

    year: int | None = None
    type_code: str | None = None
    village_id: int | None = None
    household_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Option:
    """One choice of a combo box: code (or id as text), label, extra attributes."""

    code: str
    name: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HouseholdChoice:
    id: int
    code: str
    head_name: str
    village_name: str
    poverty_class: str


@dataclass(frozen=True)
class MemberChoice:
    id: int
    full_name: str
    birth_year: int | None
    relationship: str


# ------------------------------------------------------------ catalogue ----
def _code_rows(db: Database, list_name: str) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT code, name, extra FROM code_list WHERE list_name = ? AND active = 1 ORDER BY sort_order, name",
        (list_name,),
    )


def _options(db: Database, list_name: str) -> list[Option]:
    return [Option(r["code"], r["name"], json.loads(r["extra"] or "{}")) for r in _code_rows(db, list_name)]


def support_types(db: Database) -> list[Option]:
    """Support types with extra.group/level/unit (code list ``support_type``)."""
    return _options(db, "support_type")


def funding_sources(db: Database) -> list[Option]:
    return _options(db, "funding_source")


def loan_programmes(db: Database) -> list[Option]:
    """VBSP loan programmes with extra.rate (% per year) where known."""
    return _options(db, "loan_programme")


def programmes(db: Database, *, on_date: str | None = None) -> list[Option]:
    """Programme/project/sub-project choices (code = id as text), indented by level.

    With ``on_date`` only programmes valid on that date are listed.
    """
    rows = db.rows(
        "WITH RECURSIVE tree(id, code, name, level, depth, path, valid_from, valid_to) AS ("
        " SELECT id, code, name, level, 0, printf('%04d', sort_order) || code, valid_from, valid_to"
        " FROM programme WHERE parent_id IS NULL AND active = 1"
        " UNION ALL SELECT p.id, p.code, p.name, p.level, t.depth + 1,"
        " t.path || '/' || printf('%04d', p.sort_order), p.valid_from, p.valid_to"
        " FROM programme p JOIN tree t ON p.parent_id = t.id WHERE p.active = 1)"
        " SELECT * FROM tree ORDER BY path"
    )
    result = []
    for r in rows:
        if on_date and ((r["valid_from"] and r["valid_from"] > on_date) or (r["valid_to"] and r["valid_to"] < on_date)):
            continue
        result.append(Option(str(r["id"]), "    " * r["depth"] + r["name"], {"code": r["code"], "level": r["level"]}))
    return result


@functools.lru_cache(maxsize=1)
def _catalogue_defaults() -> tuple[tuple[str | None, str | None, dict[str, dict[str, str]]], ...]:
    """(valid_from, valid_to, support_defaults) per catalogue file, dated files first."""
    found = []
    base = resource_path("catalogue")
    for path in sorted(base.glob("*.json")) if base.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        top = data.get("programme", {})
        found.append((top.get("valid_from"), top.get("valid_to"), data.get("support_defaults", {})))
    found.sort(key=lambda item: item[0] is None)
    return tuple(found)


def default_for(db: Database, type_code: str, on_date: str) -> tuple[int | None, str | None]:
    """Default (programme id, funding source code) of a support type on a date.

    The catalogue file whose programme is valid on the date wins; undated files
    (regular policies) are the fall-back.
    """
    for valid_from, valid_to, defaults in _catalogue_defaults():
        if valid_from and on_date < valid_from:
            continue
        if valid_to and on_date > valid_to:
            continue
        entry = defaults.get(type_code)
        if entry:
            pid = db.scalar("SELECT id FROM programme WHERE code = ? AND active = 1", (entry.get("programme"),))
            return (int(pid) if pid is not None else None), entry.get("funding_source")
    return None, None


def type_extra(db: Database, type_code: str) -> dict[str, Any]:
    raw = db.scalar("SELECT extra FROM code_list WHERE list_name = 'support_type' AND code = ?", (type_code,))
    return json.loads(raw) if raw else {}


# ----------------------------------------------------------- validation ----
def parse_date(value: str | None) -> _dt.date | None:
    if not value or len(value) != 10:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_date(issues: list[ValidationIssue], field_name: str, value: str | None, *, required: bool = True) -> None:
    if not value:
        if required:
            issues.append(ValidationIssue(field_name, "chưa nhập ngày.", code="required"))
        return
    parsed = parse_date(value)
    if parsed is None:
        issues.append(ValidationIssue(field_name, "không phải ngày hợp lệ (dạng NNNN-TT-NN).", value=value))
    elif parsed > clock.today() + _dt.timedelta(days=366):
        issues.append(ValidationIssue(field_name, "ngày quá xa trong tương lai.", value=value))


def code_exists(db: Database, list_name: str, code: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM code_list WHERE list_name = ? AND code = ? AND active = 1", (list_name, code)))


def _validate_common(db: Database, data: SupportInput, issues: list[ValidationIssue]) -> None:
    """Checks that do not depend on the household."""
    if not data.type_code or not code_exists(db, "support_type", data.type_code):
        issues.append(ValidationIssue("Loại hỗ trợ", "không có trong danh mục loại hỗ trợ.", value=data.type_code))
    check_date(issues, "Ngày hỗ trợ", data.support_date)
    if data.quantity is None or data.quantity <= 0:
        issues.append(ValidationIssue("Số lượng", "phải lớn hơn 0.", value=str(data.quantity)))
    if data.amount is None or int(data.amount) != data.amount or data.amount < 0:
        issues.append(ValidationIssue("Số tiền", "phải là số đồng không âm.", value=str(data.amount)))
    if data.funding_source and not code_exists(db, "funding_source", data.funding_source):
        issues.append(ValidationIssue("Nguồn vốn", "không có trong danh mục nguồn vốn.", value=data.funding_source))
    if data.programme_id is not None and not db.scalar(
        "SELECT 1 FROM programme WHERE id = ? AND active = 1", (data.programme_id,)
    ):
        issues.append(
            ValidationIssue(
                "Chương trình", "không có trong danh mục chương trình, dự án.", value=str(data.programme_id)
            )
        )


def _validate_target(db: Database, household_id: int, member_id: int | None, issues: list[ValidationIssue]) -> None:
    household = db.row("SELECT id, code FROM household WHERE id = ? AND deleted_at IS NULL", (household_id,))
    if household is None:
        issues.append(
            ValidationIssue("Hộ", "không tìm thấy hộ (hộ không tồn tại hoặc đã bị xóa).", value=str(household_id))
        )
        return
    if member_id is not None:
        member = db.row("SELECT household_id, full_name, deleted_at FROM member WHERE id = ?", (member_id,))
        if member is None or member["deleted_at"] is not None:
            issues.append(ValidationIssue("Thành viên", "không tìm thấy thành viên.", value=str(member_id)))
        elif member["household_id"] != household_id:
            issues.append(
                ValidationIssue(
                    "Thành viên",
                    f"“{member['full_name']}” không thuộc hộ {household['code']}.",
                    value=str(member_id),
                )
            )


def _with_defaults(db: Database, data: SupportInput) -> SupportInput:
    programme_id, source = default_for(db, data.type_code, data.support_date or clock.today_iso())
    unit = data.unit if data.unit is not None else str(type_extra(db, data.type_code).get("unit", ""))
    return replace(
        data,
        unit=nfc(unit),
        note=nfc(data.note),
        funding_source=data.funding_source or source,
        programme_id=data.programme_id if data.programme_id is not None else programme_id,
    )


def validate_support(db: Database, data: SupportInput) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    _validate_common(db, data, issues)
    _validate_target(db, data.household_id, data.member_id, issues)
    return issues


# --------------------------------------------------------------- writes ----
def _insert_record(db: Database, data: SupportInput, batch_id: int | None = None) -> int:
    cur = db.conn.execute(
        "INSERT INTO support_record (household_id, member_id, type_code, support_date, quantity, unit, amount,"
        " funding_source, programme_id, note, batch_id, recorded_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            data.household_id,
            data.member_id,
            data.type_code,
            data.support_date,
            data.quantity,
            data.unit or "",
            int(data.amount),
            data.funding_source,
            data.programme_id,
            data.note,
            batch_id,
            db.actor.user_id,
            clock.now_iso(),
        ),
    )
    return int(cur.lastrowid or 0)


def _changed(household_ids: Iterable[int], *, id: int | None = None, count: int = 0) -> Changes:
    return Changes(support=True, plans=True, household_ids=frozenset(household_ids), id=id, count=count)


def record_support(db: Database, *, data: SupportInput) -> Changes:
    """Record one support (not a loan: use :func:`record_loan`)."""
    db.require(Permission.EDIT_SUPPORT)
    data = _with_defaults(db, data)
    issues = validate_support(db, data)
    if data.type_code == LOAN_TYPE:
        issues.append(
            ValidationIssue("Loại hỗ trợ", "khoản vay được ghi ở mục Vay vốn (cần kỳ hạn, lãi suất).", value=LOAN_TYPE)
        )
    if issues:
        raise ValidationFailed(issues)
    with db.atomic():
        new_id = _insert_record(db, data)
    return _changed([data.household_id], id=new_id)


def _live_record(db: Database, support_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM support_record WHERE id = ? AND deleted_at IS NULL", (support_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy bản ghi hỗ trợ số {support_id} (có thể đã bị hủy).")
    return row


def edit_support(db: Database, *, support_id: int, data: SupportInput) -> Changes:
    """Change a recorded support. Loans keep their type (their terms are edited as a loan)."""
    db.require(Permission.EDIT_SUPPORT)
    old = _live_record(db, support_id)
    data = _with_defaults(db, data)
    issues = validate_support(db, data)
    if (old["type_code"] == LOAN_TYPE) != (data.type_code == LOAN_TYPE):
        issues.append(
            ValidationIssue("Loại hỗ trợ", "không đổi được giữa khoản vay và hỗ trợ khác; hãy hủy và ghi lại.")
        )
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute(
            "UPDATE support_record SET household_id = ?, member_id = ?, type_code = ?, support_date = ?, quantity = ?,"
            " unit = ?, amount = ?, funding_source = ?, programme_id = ?, note = ? WHERE id = ?",
            (
                data.household_id,
                data.member_id,
                data.type_code,
                data.support_date,
                data.quantity,
                data.unit or "",
                int(data.amount),
                data.funding_source,
                data.programme_id,
                data.note,
                support_id,
            ),
        )
    return _changed([old["household_id"], data.household_id])


def cancel_support(db: Database, *, support_id: int) -> Changes:
    """Cancel (soft-delete) a support; a loan attached to it disappears with it."""
    db.require(Permission.EDIT_SUPPORT)
    old = _live_record(db, support_id)
    with db.atomic() as conn:
        conn.execute("UPDATE support_record SET deleted_at = ? WHERE id = ?", (clock.now_iso(), support_id))
    return _changed([old["household_id"]])


def restore_support(db: Database, *, support_id: int) -> Changes:
    """Undo :func:`cancel_support`."""
    db.require(Permission.EDIT_SUPPORT)
    row = db.row("SELECT household_id FROM support_record WHERE id = ? AND deleted_at IS NOT NULL", (support_id,))
    if row is None:
        raise NotFound(f"Không có bản ghi hỗ trợ đã hủy số {support_id}.")
    with db.atomic() as conn:
        conn.execute("UPDATE support_record SET deleted_at = NULL WHERE id = ?", (support_id,))
    return _changed([row["household_id"]])


# --------------------------------------------------------------- reading ----
_ROW_SQL = (
    "SELECT s.id, s.household_id, h.code AS household_code, COALESCE(hm.full_name, '') AS head_name,"
    " h.village_id, COALESCE(v.name, '') AS village_name, s.member_id, COALESCE(m.full_name, '') AS member_name,"
    " s.type_code,"
    " COALESCE((SELECT name FROM code_list WHERE list_name = 'support_type' AND code = s.type_code LIMIT 1),"
    " s.type_code) AS type_name,"
    " s.support_date, s.quantity, s.unit, s.amount, s.funding_source,"
    " COALESCE((SELECT name FROM code_list WHERE list_name = 'funding_source' AND code = s.funding_source LIMIT 1),"
    " '') AS funding_name,"
    " s.programme_id, COALESCE(p.code, '') AS programme_code, COALESCE(p.name, '') AS programme_name,"
    " s.note, s.batch_id, s.recorded_by"
    " FROM support_record s JOIN household h ON h.id = s.household_id"
    " LEFT JOIN village v ON v.id = h.village_id"
    " LEFT JOIN member hm ON hm.id = h.head_member_id"
    " LEFT JOIN member m ON m.id = s.member_id"
    " LEFT JOIN programme p ON p.id = s.programme_id"
)


def _to_row(r: dict[str, Any]) -> SupportRow:
    return SupportRow(**r)


def _where(query: LedgerQuery) -> tuple[list[str], list[Any]]:
    where = ["s.deleted_at IS NULL"]
    params: list[Any] = []
    if query.year:
        where.append("s.support_date >= ? AND s.support_date < ?")
        params += [f"{query.year:04d}-01-01", f"{query.year + 1:04d}-01-01"]
    if query.type_code:
        where.append("s.type_code = ?")
        params.append(query.type_code)
    if query.village_id:
        where.append("s.household_id IN (SELECT id FROM household WHERE village_id = ?)")
        params.append(query.village_id)
    if query.household_id:
        where.append("s.household_id = ?")
        params.append(query.household_id)
    if query.text.strip():
        pattern = like_pattern(query.text)
        where.append(
            "(s.household_id IN (SELECT id FROM household WHERE code_fold LIKE ? ESCAPE '\\')"
            " OR s.household_id IN (SELECT household_id FROM member WHERE name_fold LIKE ? ESCAPE '\\'))"
        )
        params += [pattern, pattern]
    return where, params


def ledger_page(
    db: Database, query: LedgerQuery, *, after: tuple[str, int] | None = None, limit: int = PAGE_SIZE
) -> list[SupportRow]:
    """Supports newest first; the next page starts after the last (date, id) seen (keyset paging)."""
    db.require(Permission.VIEW)
    where, params = _where(query)
    if after is not None:
        where.append("(s.support_date < ? OR (s.support_date = ? AND s.id < ?))")
        params += [after[0], after[0], after[1]]
    sql = f"{_ROW_SQL} WHERE {' AND '.join(where)} ORDER BY s.support_date DESC, s.id DESC LIMIT ?"
    return [_to_row(r) for r in db.rows(sql, [*params, limit])]


def ledger_total(db: Database, query: LedgerQuery) -> tuple[int, int]:
    """(number of supports, total amount in VND) matching ``query``."""
    db.require(Permission.VIEW)
    where, params = _where(query)
    row = db.row(
        f"SELECT COUNT(*) AS n, COALESCE(SUM(s.amount), 0) AS total FROM support_record s WHERE {' AND '.join(where)}",
        params,
    )
    assert row is not None
    return int(row["n"]), int(row["total"])


def get_support(db: Database, support_id: int) -> SupportRow:
    db.require(Permission.VIEW)
    row = db.row(f"{_ROW_SQL} WHERE s.id = ?", (support_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy bản ghi hỗ trợ số {support_id}.")
    return _to_row(row)


def household_history(db: Database, household_id: int) -> list[SupportRow]:
    """Every live support of a household and its members, across years, newest first."""
    db.require(Permission.VIEW)
    return [
        _to_row(r)
        for r in db.rows(
            f"{_ROW_SQL} WHERE s.household_id = ? AND s.deleted_at IS NULL ORDER BY s.support_date DESC, s.id DESC",
            (household_id,),
        )
    ]


def search_households(db: Database, text: str, *, limit: int = 30) -> list[HouseholdChoice]:
    """Households whose code or any member's name contains ``text`` (no case, no diacritics)."""
    db.require(Permission.VIEW)
    pattern = like_pattern(text)
    rows = db.rows(
        "SELECT h.id, h.code, COALESCE(hm.full_name, '') AS head_name, COALESCE(v.name, '') AS village_name,"
        " h.poverty_class FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id"
        " LEFT JOIN village v ON v.id = h.village_id"
        " WHERE h.deleted_at IS NULL AND (h.code_fold LIKE ? ESCAPE '\\' OR h.id IN"
        " (SELECT household_id FROM member WHERE deleted_at IS NULL AND name_fold LIKE ? ESCAPE '\\'))"
        " ORDER BY h.code LIMIT ?",
        (pattern, pattern, limit),
    )
    return [HouseholdChoice(**r) for r in rows]


def household_choice(db: Database, household_id: int) -> HouseholdChoice:
    db.require(Permission.VIEW)
    row = db.row(
        "SELECT h.id, h.code, COALESCE(hm.full_name, '') AS head_name, COALESCE(v.name, '') AS village_name,"
        " h.poverty_class FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id"
        " LEFT JOIN village v ON v.id = h.village_id WHERE h.id = ?",
        (household_id,),
    )
    if row is None:
        raise NotFound(f"Không tìm thấy hộ số {household_id}.")
    return HouseholdChoice(**row)


def household_members(db: Database, household_id: int) -> list[MemberChoice]:
    """Living members of a household, in register order."""
    db.require(Permission.VIEW)
    rows = db.rows(
        "SELECT m.id, m.full_name, COALESCE(m.birth_year, CAST(substr(m.birth_date, 1, 4) AS INTEGER)) AS birth_year,"
        " COALESCE((SELECT name FROM code_list WHERE list_name = 'relationship' AND code = m.relationship_code"
        " LIMIT 1), '') AS relationship"
        " FROM member m WHERE m.household_id = ? AND m.deleted_at IS NULL AND m.life_status = 'living'"
        " ORDER BY m.sort_order, m.id",
        (household_id,),
    )
    return [MemberChoice(**r) for r in rows]


# ---------------------------------------------------------------- loans ----
@dataclass(frozen=True)
class LoanInput:
    household_id: int
    programme_code: str  # code_list loan_programme
    amount: int
    term_months: int
    disbursement_date: str
    interest_rate: float | None = None  # % per year; None = the programme's default
    due_date: str | None = None  # None = disbursement + term
    member_id: int | None = None
    funding_source: str | None = "vbsp"
    programme_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class LoanRow:
    id: int
    support_id: int
    household_id: int
    household_code: str
    head_name: str
    village_name: str
    member_name: str
    programme_code: str
    programme_name: str
    amount: int
    term_months: int
    interest_rate: float
    disbursement_date: str
    due_date: str | None
    status: str
    principal_repaid: int
    interest_paid: int
    outstanding: int

    @property
    def status_label(self) -> str:
        return LOAN_STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class RepaymentRow:
    id: int
    loan_id: int
    paid_date: str
    principal: int
    interest: int
    note: str


def add_months(value: _dt.date, months: int) -> _dt.date:
    month = value.month - 1 + months
    year = value.year + month // 12
    month = month % 12 + 1
    days = [
        31,
        29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return _dt.date(year, month, min(value.day, days[month - 1]))


def default_rate(db: Database, programme_code: str) -> float | None:
    raw = db.scalar("SELECT extra FROM code_list WHERE list_name = 'loan_programme' AND code = ?", (programme_code,))
    rate = json.loads(raw).get("rate") if raw else None
    return float(rate) if rate is not None else None


def record_loan(db: Database, *, data: LoanInput) -> Changes:
    """Record a preferential loan (a ``loan`` support + its terms). Returns the loan id."""
    db.require(Permission.EDIT_SUPPORT)
    issues: list[ValidationIssue] = []
    if not data.programme_code or not code_exists(db, "loan_programme", data.programme_code):
        issues.append(
            ValidationIssue(
                "Chương trình vay", "không có trong danh mục chương trình cho vay.", value=data.programme_code
            )
        )
    if data.amount is None or int(data.amount) != data.amount or data.amount <= 0:
        issues.append(ValidationIssue("Số tiền vay", "phải lớn hơn 0 đồng.", value=str(data.amount)))
    if data.term_months is None or int(data.term_months) != data.term_months or data.term_months <= 0:
        issues.append(ValidationIssue("Thời hạn vay", "phải là số tháng lớn hơn 0.", value=str(data.term_months)))
    rate = data.interest_rate if data.interest_rate is not None else default_rate(db, data.programme_code)
    if rate is None:
        issues.append(
            ValidationIssue(
                "Lãi suất", "chương trình này chưa có lãi suất mặc định; hãy nhập lãi suất (%/năm).", code="required"
            )
        )
    elif rate < 0 or rate > 30:
        issues.append(ValidationIssue("Lãi suất", "phải từ 0 đến 30 %/năm.", value=str(rate)))
    check_date(issues, "Ngày giải ngân", data.disbursement_date)
    check_date(issues, "Ngày đến hạn", data.due_date, required=False)
    disbursed = parse_date(data.disbursement_date)
    due = parse_date(data.due_date) if data.due_date else None
    if disbursed and due and due <= disbursed:
        issues.append(ValidationIssue("Ngày đến hạn", "phải sau ngày giải ngân.", value=data.due_date))
    support = _with_defaults(
        db,
        SupportInput(
            household_id=data.household_id,
            member_id=data.member_id,
            type_code=LOAN_TYPE,
            support_date=data.disbursement_date,
            amount=int(data.amount or 0),
            funding_source=data.funding_source,
            programme_id=data.programme_id,
            note=data.note,
        ),
    )
    if data.funding_source and not code_exists(db, "funding_source", data.funding_source):
        issues.append(ValidationIssue("Nguồn vốn", "không có trong danh mục nguồn vốn.", value=data.funding_source))
    _validate_target(db, data.household_id, data.member_id, issues)
    if issues:
        raise ValidationFailed(issues)
    assert disbursed is not None and rate is not None
    if due is None:
        due = add_months(disbursed, int(data.term_months))
    with db.atomic() as conn:
        support_id = _insert_record(db, support)
        cur = conn.execute(
            "INSERT INTO loan (support_record_id, programme_code, amount, term_months, interest_rate,"
            " disbursement_date, due_date, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'active')",
            (
                support_id,
                data.programme_code,
                int(data.amount),
                int(data.term_months),
                rate,
                data.disbursement_date,
                due.isoformat(),
            ),
        )
        loan_id = int(cur.lastrowid or 0)
    return _changed([data.household_id], id=loan_id)


_LOAN_SQL = (
    "SELECT l.id, l.support_record_id AS support_id, s.household_id, h.code AS household_code,"
    " COALESCE(hm.full_name, '') AS head_name, COALESCE(v.name, '') AS village_name,"
    " COALESCE(m.full_name, '') AS member_name, l.programme_code,"
    " COALESCE((SELECT name FROM code_list WHERE list_name = 'loan_programme' AND code = l.programme_code LIMIT 1),"
    " l.programme_code) AS programme_name,"
    " l.amount, l.term_months, l.interest_rate, l.disbursement_date, l.due_date, l.status,"
    " COALESCE(r.principal, 0) AS principal_repaid, COALESCE(r.interest, 0) AS interest_paid,"
    " l.amount - COALESCE(r.principal, 0) AS outstanding"
    " FROM loan l JOIN support_record s ON s.id = l.support_record_id"
    " JOIN household h ON h.id = s.household_id"
    " LEFT JOIN village v ON v.id = h.village_id"
    " LEFT JOIN member hm ON hm.id = h.head_member_id"
    " LEFT JOIN member m ON m.id = s.member_id"
    " LEFT JOIN (SELECT loan_id, SUM(principal) AS principal, SUM(interest) AS interest FROM loan_repayment"
    " WHERE deleted_at IS NULL GROUP BY loan_id) r ON r.loan_id = l.id"
    " WHERE s.deleted_at IS NULL"
)


def list_loans(
    db: Database, *, village_id: int | None = None, household_id: int | None = None, open_only: bool = False
) -> list[LoanRow]:
    """Loans with their outstanding balance (dư nợ), newest disbursement first."""
    db.require(Permission.VIEW)
    sql, params = _LOAN_SQL, []
    if village_id:
        sql += " AND h.village_id = ?"
        params.append(village_id)
    if household_id:
        sql += " AND s.household_id = ?"
        params.append(household_id)
    if open_only:
        sql += " AND l.amount - COALESCE(r.principal, 0) > 0"
    sql += " ORDER BY l.disbursement_date DESC, l.id DESC"
    return [_loan_row(r) for r in db.rows(sql, params)]


def _loan_row(r: dict[str, Any]) -> LoanRow:
    """A loan still open after its due date shows as overdue, whatever was stored."""
    if r["status"] == "active" and r["due_date"] and r["due_date"] < clock.today_iso() and r["outstanding"] > 0:
        r = {**r, "status": "overdue"}
    return LoanRow(**r)


def get_loan(db: Database, loan_id: int) -> LoanRow:
    db.require(Permission.VIEW)
    row = db.row(_LOAN_SQL + " AND l.id = ?", (loan_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy khoản vay số {loan_id}.")
    return _loan_row(row)


def loan_repayments(db: Database, loan_id: int) -> list[RepaymentRow]:
    db.require(Permission.VIEW)
    return [
        RepaymentRow(**r)
        for r in db.rows(
            "SELECT id, loan_id, paid_date, principal, interest, note FROM loan_repayment"
            " WHERE loan_id = ? AND deleted_at IS NULL ORDER BY paid_date, id",
            (loan_id,),
        )
    ]


def _refresh_loan_status(db: Database, loan_id: int) -> None:
    loan = get_loan(db, loan_id)
    if loan.status == "written_off":
        return
    if loan.outstanding <= 0:
        status = "repaid"
    elif loan.due_date and loan.due_date < clock.today_iso():
        status = "overdue"
    else:
        status = "active"
    db.conn.execute("UPDATE loan SET status = ? WHERE id = ?", (status, loan_id))


def record_repayment(
    db: Database, *, loan_id: int, paid_date: str, principal: int, interest: int = 0, note: str = ""
) -> Changes:
    """Record a repayment; principal may not exceed the outstanding balance."""
    db.require(Permission.EDIT_SUPPORT)
    loan = get_loan(db, loan_id)
    issues: list[ValidationIssue] = []
    check_date(issues, "Ngày trả", paid_date)
    if paid_date and parse_date(paid_date) and paid_date < loan.disbursement_date:
        issues.append(
            ValidationIssue(
                "Ngày trả", f"trước ngày giải ngân ({formats.dmy(loan.disbursement_date)}).", value=paid_date
            )
        )
    if principal is None or int(principal) != principal or principal < 0:
        issues.append(ValidationIssue("Tiền gốc", "phải là số đồng không âm.", value=str(principal)))
    elif principal > loan.outstanding:
        issues.append(
            ValidationIssue(
                "Tiền gốc",
                f"lớn hơn dư nợ còn lại ({money(loan.outstanding)} đồng).",
                value=str(principal),
            )
        )
    if interest is None or int(interest) != interest or interest < 0:
        issues.append(ValidationIssue("Tiền lãi", "phải là số đồng không âm.", value=str(interest)))
    if not issues and principal == 0 and interest == 0:
        issues.append(ValidationIssue("Tiền gốc", "chưa nhập số tiền trả (gốc hoặc lãi)."))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO loan_repayment (loan_id, paid_date, principal, interest, note) VALUES (?, ?, ?, ?, ?)",
            (loan_id, paid_date, int(principal), int(interest), nfc(note)),
        )
        _refresh_loan_status(db, loan_id)
    return _changed([loan.household_id], id=int(cur.lastrowid or 0))


def cancel_repayment(db: Database, *, repayment_id: int) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    row = db.row("SELECT loan_id FROM loan_repayment WHERE id = ? AND deleted_at IS NULL", (repayment_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy lần trả nợ số {repayment_id}.")
    loan = get_loan(db, row["loan_id"])
    with db.atomic() as conn:
        conn.execute("UPDATE loan_repayment SET deleted_at = ? WHERE id = ?", (clock.now_iso(), repayment_id))
        _refresh_loan_status(db, loan.id)
    return _changed([loan.household_id])


# -------------------------------------------------------------- batches ----
BATCH_TARGET_LABELS = {
    "members_without_hi": "Thành viên hộ nghèo, cận nghèo chưa có thẻ BHYT còn hạn",
    "members_of_class": "Mọi thành viên đang sống của các hộ theo phân loại",
    "households_of_class": "Mọi hộ theo phân loại",
    "households": "Danh sách hộ chọn sẵn",
    "members": "Danh sách thành viên chọn sẵn",
}


@dataclass(frozen=True)
class BatchTarget:
    """Who receives a batch support.

    ``kind``: members_without_hi (living members of households of ``classes`` without a
    valid health-insurance card on ``on_date``), members_of_class, households_of_class,
    households (explicit ``ids``), members (explicit member ``ids``).
    """

    kind: str
    classes: tuple[str, ...] = ("poor", "near_poor")
    village_id: int | None = None
    on_date: str | None = None
    ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class BatchRow:
    household_id: int
    household_code: str
    head_name: str
    village_name: str
    member_id: int | None
    member_name: str


@dataclass(frozen=True)
class BatchPreview:
    rows: list[BatchRow]
    member_level: bool

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class BatchInfo:
    id: int
    description: str
    created_at: str
    undone_at: str | None
    count: int
    amount: int


def _targets(db: Database, target: BatchTarget) -> BatchPreview:
    from giamngheo_desktop.services import coverage

    base = (
        "SELECT h.id AS household_id, h.code AS household_code, COALESCE(hm.full_name, '') AS head_name,"
        " COALESCE(v.name, '') AS village_name, {member_cols}"
        " FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id"
        " LEFT JOIN village v ON v.id = h.village_id {join}"
        " WHERE h.deleted_at IS NULL {where} ORDER BY v.sort_order, v.name, h.code {order}"
    )
    params: list[Any] = []
    where = ""
    if target.kind == "members_without_hi":
        gaps = coverage.hi_gaps(
            db, on_date=target.on_date or clock.today_iso(), village_id=target.village_id, classes=target.classes
        )
        rows = [
            BatchRow(g.household_id, g.household_code, g.head_name, g.village_name, g.member_id, g.member_name)
            for g in gaps
        ]
        return BatchPreview(rows, True)
    if target.kind in ("members_of_class", "households_of_class"):
        if not target.classes:
            raise ValidationFailed(ValidationIssue("Đối tượng", "chưa chọn phân loại hộ."))
        where = f"AND h.poverty_class IN ({','.join('?' * len(target.classes))})"
        params += list(target.classes)
        if target.village_id:
            where += " AND h.village_id = ?"
            params.append(target.village_id)
    elif target.kind in ("households", "members"):
        if not target.ids:
            raise ValidationFailed(ValidationIssue("Đối tượng", "danh sách chọn đang trống."))
        column = "h.id" if target.kind == "households" else "m.id"
        where = f"AND {column} IN ({','.join('?' * len(target.ids))})"
        params += list(target.ids)
    else:
        raise ValidationFailed(ValidationIssue("Đối tượng", "kiểu đối tượng không hợp lệ.", value=target.kind))
    member_level = target.kind in ("members_of_class", "members")
    if member_level:
        sql = base.format(
            member_cols="m.id AS member_id, m.full_name AS member_name",
            join="JOIN member m ON m.household_id = h.id AND m.deleted_at IS NULL AND m.life_status = 'living'",
            where=where,
            order=", m.sort_order, m.id",
        )
    else:
        sql = base.format(member_cols="NULL AS member_id, '' AS member_name", join="", where=where, order="")
    return BatchPreview([BatchRow(**r) for r in db.rows(sql, params)], member_level)


def preview_batch(db: Database, *, target: BatchTarget) -> BatchPreview:
    """Who a batch would reach (count + list); nothing is written."""
    db.require(Permission.VIEW)
    return _targets(db, target)


def apply_batch(db: Database, *, support: SupportInput, target: BatchTarget, description: str = "") -> Changes:
    """Record ``support`` for every target in one transaction, tagged with a new batch.

    ``support.household_id`` and ``member_id`` are ignored (each target gives its own).
    """
    db.require(Permission.EDIT_SUPPORT)
    template = _with_defaults(db, support)
    issues: list[ValidationIssue] = []
    _validate_common(db, template, issues)
    if template.type_code == LOAN_TYPE:
        issues.append(ValidationIssue("Loại hỗ trợ", "không ghi khoản vay theo lô.", value=LOAN_TYPE))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        preview = _targets(db, target)
        if not preview.rows:
            raise ValidationFailed(
                ValidationIssue("Đối tượng", "không có hộ hoặc thành viên nào thuộc đối tượng đã chọn.")
            )
        type_name = db.scalar(
            "SELECT name FROM code_list WHERE list_name = 'support_type' AND code = ?", (template.type_code,)
        )
        text = (
            nfc(description)
            or f"{type_name} — {BATCH_TARGET_LABELS.get(target.kind, target.kind)} "
            f"({formats.dmy(template.support_date)})"
        )
        cur = conn.execute(
            "INSERT INTO support_batch (description, created_at, user_id) VALUES (?, ?, ?)",
            (text, clock.now_iso(), db.actor.user_id),
        )
        batch_id = int(cur.lastrowid or 0)
        for row in preview.rows:
            _insert_record(db, replace(template, household_id=row.household_id, member_id=row.member_id), batch_id)
    return _changed({r.household_id for r in preview.rows}, id=batch_id, count=len(preview.rows))


def undo_batch(db: Database, *, batch_id: int) -> Changes:
    """Cancel every support of a batch in one step."""
    db.require(Permission.EDIT_SUPPORT)
    batch = db.row("SELECT id, undone_at FROM support_batch WHERE id = ?", (batch_id,))
    if batch is None:
        raise NotFound(f"Không tìm thấy lô hỗ trợ số {batch_id}.")
    if batch["undone_at"]:
        raise DomainError(f"Lô hỗ trợ số {batch_id} đã được hoàn tác lúc {batch['undone_at']}.", code="already_undone")
    now = clock.now_iso()
    households = [
        r["household_id"]
        for r in db.rows("SELECT DISTINCT household_id FROM support_record WHERE batch_id = ?", (batch_id,))
    ]
    with db.atomic() as conn:
        conn.execute(
            "UPDATE support_record SET deleted_at = ? WHERE batch_id = ? AND deleted_at IS NULL", (now, batch_id)
        )
        conn.execute("UPDATE support_batch SET undone_at = ? WHERE id = ?", (now, batch_id))
    return _changed(households)


def restore_batch(db: Database, *, batch_id: int) -> Changes:
    """Undo :func:`undo_batch`: the batch's records cancelled with it come back."""
    db.require(Permission.EDIT_SUPPORT)
    batch = db.row("SELECT id, undone_at FROM support_batch WHERE id = ?", (batch_id,))
    if batch is None:
        raise NotFound(f"Không tìm thấy lô hỗ trợ số {batch_id}.")
    if not batch["undone_at"]:
        raise DomainError(f"Lô hỗ trợ số {batch_id} chưa bị hoàn tác.", code="not_undone")
    households = [
        r["household_id"]
        for r in db.rows("SELECT DISTINCT household_id FROM support_record WHERE batch_id = ?", (batch_id,))
    ]
    with db.atomic() as conn:
        conn.execute(
            "UPDATE support_record SET deleted_at = NULL WHERE batch_id = ? AND deleted_at = ?",
            (batch_id, batch["undone_at"]),
        )
        conn.execute("UPDATE support_batch SET undone_at = NULL WHERE id = ?", (batch_id,))
    return _changed(households)


def list_batches(db: Database, *, limit: int = 50) -> list[BatchInfo]:
    db.require(Permission.VIEW)
    rows = db.rows(
        "SELECT b.id, b.description, b.created_at, b.undone_at, COUNT(s.id) AS count,"
        " COALESCE(SUM(s.amount), 0) AS amount FROM support_batch b LEFT JOIN support_record s ON s.batch_id = b.id"
        " GROUP BY b.id ORDER BY b.id DESC LIMIT ?",
        (limit,),
    )
    return [BatchInfo(**r) for r in rows]


# --------------------------------------------------------------- totals ----
def totals(db: Database, *, year: int, village_id: int | None = None) -> dict[str, Any]:
    """Counts and amounts of a year's supports by type, funding source and programme."""
    db.require(Permission.VIEW)
    where, params = _where(LedgerQuery(year=year, village_id=village_id))
    cond = " AND ".join(where)

    def group(key: str, label: str, join: str = "") -> list[dict[str, Any]]:
        return db.rows(
            f"SELECT {key} AS code, {label} AS name, COUNT(*) AS count, COALESCE(SUM(s.amount), 0) AS amount,"
            f" COUNT(DISTINCT s.household_id) AS households"
            f" FROM support_record s {join} WHERE {cond} GROUP BY {key} ORDER BY amount DESC, count DESC",
            params,
        )

    by_type = group(
        "s.type_code",
        "COALESCE((SELECT name FROM code_list WHERE list_name = 'support_type' AND code = s.type_code LIMIT 1),"
        " s.type_code)",
    )
    by_source = group(
        "s.funding_source",
        "COALESCE((SELECT name FROM code_list WHERE list_name = 'funding_source' AND code = s.funding_source LIMIT 1),"
        " 'Chưa ghi nguồn')",
    )
    by_programme = group(
        "p.code", "COALESCE(p.name, 'Chưa gắn chương trình')", "LEFT JOIN programme p ON p.id = s.programme_id"
    )
    total = db.row(
        f"SELECT COUNT(*) AS count, COALESCE(SUM(s.amount), 0) AS amount, COUNT(DISTINCT s.household_id) AS households"
        f" FROM support_record s WHERE {cond}",
        params,
    )
    loans = db.row(
        "SELECT COUNT(*) AS count, COALESCE(SUM(l.amount), 0) AS amount FROM loan l"
        " JOIN support_record s ON s.id = l.support_record_id WHERE " + cond,
        params,
    )
    return {
        "year": year,
        "total": total,
        "by_type": by_type,
        "by_funding_source": by_source,
        "by_programme": by_programme,
        "loans_disbursed": loans,
    }
