"""Data checks over the register: each finding names the problem in Vietnamese and links
to its record (household_id, member_id).

Kinds: duplicate_id, person_in_two_households, no_head, two_heads, age_relationship,
id_contradiction, id_format, field_value, missing_household_data, missing_member_data.
The ages used come from ``resources/checks/data-checks.json``; the fields' own rules (an ID
number's form, dates, lengths, code lists: ``id_format``, ``id_contradiction``, ``field_value``)
from the field table, checked by the one validator (``field_checks``) the dialogs and the import use.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any

from giamngheo_desktop import clock, formats
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import field_checks
from giamngheo_desktop.services.register import HEAD, CodeBook, parse_iso_date
from giamngheo_desktop.storage.connection import Database

KIND_LABELS = {
    "duplicate_id": "Trùng số định danh",
    "person_in_two_households": "Một người có tên trong hai hộ",
    "no_head": "Hộ chưa có chủ hộ",
    "two_heads": "Hộ có nhiều chủ hộ",
    "age_relationship": "Tuổi không hợp với quan hệ với chủ hộ",
    "id_contradiction": "Số định danh mâu thuẫn với giới tính, năm sinh",
    "id_format": "Số định danh sai dạng hoặc số CMND cũ",
    "field_value": "Giá trị không đúng quy định của trường",
    "missing_household_data": "Hộ thiếu thông tin để tính chỉ số thiếu hụt",
    "missing_member_data": "Nhân khẩu thiếu thông tin để tính chỉ số thiếu hụt",
}
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thiếu thông tin"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str  # 'error' | 'warning' | 'info'
    message: str
    household_id: int | None
    member_id: int | None = None
    household_code: str = ""
    member_name: str = ""
    village: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kind_label": self.kind_label}


def load_rules() -> dict[str, Any]:
    rules: dict[str, Any] = json.loads(resource_path("checks", "data-checks.json").read_text(encoding="utf-8"))
    return rules


def _age(member: dict[str, Any], on: _dt.date) -> int | None:
    birth = parse_iso_date(member["birth_date"])
    if birth:
        return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if member["birth_year"]:
        return on.year - int(member["birth_year"])
    return None


def _birth_years(member: dict[str, Any]) -> float | None:
    birth = parse_iso_date(member["birth_date"])
    if birth:
        return birth.year + (birth.timetuple().tm_yday - 1) / 365.25
    return float(member["birth_year"]) if member["birth_year"] else None


def run_checks(
    db: Database,
    *,
    household_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Finding]:
    """All findings over live households (or only ``household_ids``), errors first.

    Runs on any thread that owns ``db``; long registers report ``progress`` and stop early
    (returning what was found so far) when ``cancelled()`` turns true.
    """
    db.require(Permission.VIEW)
    rules = load_rules()
    gap = float(rules["min_generation_gap"])
    today = clock.today()
    codes = CodeBook(db)
    relationships = codes.items("relationship")
    households = {
        h["id"]: h
        for h in db.rows(
            "SELECT h.*, v.name AS village FROM household h JOIN village v ON v.id = h.village_id "
            "WHERE h.deleted_at IS NULL"
        )
    }
    wanted = set(household_ids) if household_ids is not None else None
    members_by_household: dict[int, list[dict[str, Any]]] = defaultdict(list)
    all_members: list[dict[str, Any]] = []
    for m in db.rows(
        "SELECT m.* FROM member m JOIN household h ON h.id = m.household_id "
        "WHERE m.deleted_at IS NULL AND h.deleted_at IS NULL ORDER BY m.household_id, m.sort_order, m.id"
    ):
        all_members.append(m)
        if m["life_status"] == "living":
            members_by_household[m["household_id"]].append(m)
    findings: list[Finding] = []

    def add(kind: str, severity: str, message: str, hid: int | None, member: dict[str, Any] | None = None) -> None:
        if wanted is not None and hid not in wanted:
            return
        h = households.get(hid or 0) or {}
        findings.append(
            Finding(
                kind=kind,
                severity=severity,
                message=message,
                household_id=hid,
                member_id=member["id"] if member else None,
                household_code=str(h.get("code", "")),
                member_name=str(member["full_name"]) if member else "",
                village=str(h.get("village", "")),
            )
        )

    # -- people across households ------------------------------------------------
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_person: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for m in all_members:
        if m["id_number"]:
            by_id[m["id_number"]].append(m)
        if m["birth_date"] and m["life_status"] == "living":
            by_person[(m["name_fold"], m["birth_date"])].append(m)
    for number, group in by_id.items():
        if len(group) < 2:
            continue
        for m in group:
            others = ", ".join(
                f"{o['full_name']} (hộ {households[o['household_id']]['code']})" for o in group if o is not m
            )
            add(
                "duplicate_id",
                "error",
                f"Số định danh {number} của {m['full_name']} trùng với {others}.",
                m["household_id"],
                m,
            )
    for (_name, birth), group in by_person.items():
        hids = {m["household_id"] for m in group}
        if len(hids) < 2:
            continue
        if len({m["id_number"] for m in group if m["id_number"]}) > 1:
            continue  # different ID numbers: two people with the same name and birthday
        for m in group:
            others = ", ".join(sorted(households[o["household_id"]]["code"] for o in group if o is not m))
            add(
                "person_in_two_households",
                "error",
                f"{m['full_name']} (sinh {birth}) có tên trong hộ {households[m['household_id']]['code']} "
                f"và hộ {others}.",
                m["household_id"],
                m,
            )

    _field_rules(db, households, members_by_household, codes, today, add)
    total = len(households)
    for done, (hid, h) in enumerate(households.items(), start=1):
        if cancelled is not None and done % 500 == 0 and cancelled():
            break
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)
        if wanted is not None and hid not in wanted:
            continue
        living = members_by_household.get(hid, [])
        heads = [m for m in living if m["relationship_code"] == HEAD]
        if not living:
            add("no_head", "warning", f"Hộ {h['code']} không còn nhân khẩu nào sống tại hộ.", hid)
        elif not heads:
            add("no_head", "error", f"Hộ {h['code']} chưa có chủ hộ.", hid)
        elif len(heads) > 1:
            names = ", ".join(m["full_name"] for m in heads)
            add("two_heads", "error", f"Hộ {h['code']} có {len(heads)} chủ hộ: {names}.", hid)
        head = heads[0] if len(heads) == 1 else None
        head_birth = _birth_years(head) if head else None
        for m in living:
            _member_checks(m, h, head, head_birth, relationships, rules, gap, today, add)
        missing = _missing_household_fields(h)
        if missing:
            add(
                "missing_household_data",
                "info",
                f"Hộ {h['code']} chưa có: {', '.join(missing)}.",
                hid,
            )
    findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.kind, f.household_code, f.member_name))
    return findings


def _member_checks(
    m: dict[str, Any],
    h: dict[str, Any],
    head: dict[str, Any] | None,
    head_birth: float | None,
    relationships: dict[str, dict[str, Any]],
    rules: dict[str, Any],
    gap: float,
    today: _dt.date,
    add: Callable[..., None],
) -> None:
    hid = h["id"]
    name = m["full_name"]
    # ages against the relationship to the head
    birth = _birth_years(m)
    extra = relationships.get(m["relationship_code"] or "", {}).get("extra", {})
    rel_name = relationships.get(m["relationship_code"] or "", {}).get("name", "")
    if head is not None and m is not head and birth is not None and head_birth is not None:
        younger_by = birth - head_birth  # > 0 when the member is younger than the head
        problem = ""
        if extra.get("child") and younger_by < gap:
            problem = (
                "lớn tuổi hơn chủ hộ"
                if younger_by < 0
                else f"chỉ kém chủ hộ {int(younger_by)} tuổi (ít hơn {int(gap)} tuổi)"
            )
        elif extra.get("grandchild") and younger_by < 2 * gap:
            problem = f"chỉ kém chủ hộ {int(younger_by)} tuổi, không hợp với quan hệ cháu"
        elif extra.get("parent") and -younger_by < gap:
            problem = "trẻ hơn chủ hộ" if younger_by > 0 else f"chỉ hơn chủ hộ {int(-younger_by)} tuổi"
        elif extra.get("grandparent") and -younger_by < 2 * gap:
            problem = f"chỉ hơn chủ hộ {int(max(-younger_by, 0))} tuổi, không hợp với quan hệ ông/bà"
        if problem:
            add(
                "age_relationship",
                "warning",
                f"{name} ({rel_name}) {problem} — chủ hộ {head['full_name']}.",
                hid,
                m,
            )
    # fields the indicators need
    age = _age(m, today)
    missing: list[str] = []
    if age is None:
        missing.append("ngày/năm sinh")
    else:
        if age >= int(rules["hi_card_from_age"]) and not m["hi_valid_to"]:
            missing.append("hạn thẻ BHYT")
        low, high = rules["schooling_ages"]
        if low <= age <= high and not m["schooling"]:
            missing.append("tình trạng đi học")
        low, high = rules["education_ages"]
        if low <= age <= high and not m["education_level"]:
            missing.append("trình độ học vấn")
        low, high = rules["working_ages"]
        if low <= age <= high and not m["employment"]:
            missing.append("việc làm")
    if not m["sex"]:
        missing.append("giới tính")
    if missing:
        add("missing_member_data", "info", f"{name} chưa có: {', '.join(missing)}.", hid, m)


def _missing_household_fields(h: dict[str, Any]) -> list[str]:
    missing = []
    for key, label in (
        ("wall_material", "vật liệu tường"),
        ("column_material", "vật liệu cột"),
        ("roof_material", "vật liệu mái"),
        ("floor_area", "diện tích nhà ở"),
        ("water_source", "nguồn nước"),
        ("latrine_type", "loại nhà tiêu"),
        ("internet_use", "sử dụng internet"),
    ):
        if h[key] is None:
            missing.append(label)
    if not h["info_devices"] and h["loudspeaker_reach"] is None:
        missing.append("phương tiện tiếp cận thông tin / loa truyền thanh")
    elif h["loudspeaker_reach"] is None:
        missing.append("nghe được loa truyền thanh")
    return missing


def summary(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.kind] += 1
    return dict(counts)


_LISTED = {*field_checks.READ["household"]} - {"causes"}  # the household's columns (its causes are a table)


def _field_rules(
    db: Database,
    households: dict[int, dict[str, Any]],
    members_by_household: dict[int, list[dict[str, Any]]],
    codes: CodeBook,
    today: _dt.date,
    add: Callable[..., None],
) -> None:
    """What the register holds against the field table's rules (values written before a rule, or by
    another program): the living members' and the households' fields, a column at a time."""
    ctx = field_checks.Context(codes, today)
    members = [m for group in members_by_household.values() for m in group]
    columns = {key: list(map(itemgetter(key), members)) for key in field_checks.READ["member"]}
    columns["birth_year"] = [None if m["birth_date"] else m["birth_year"] for m in members]  # it follows the date

    def member_issue(i: int, key: str, message: str, value: str | None, severity: str) -> None:
        m = members[i]
        name, hid = m["full_name"], m["household_id"]
        if key == "id_number":
            if severity == "error":
                add("id_format", "error", f"Số định danh của {name} ({m['id_number']}): {message}.", hid, m)
            elif value and len(value) == 9:
                add("id_format", "info", f"{name} còn dùng số CMND 9 chữ số ({value}): cần cập nhật.", hid, m)
            else:
                add("id_contradiction", "warning", f"{name}: {message}.", hid, m)
        elif severity == "error":  # a missing value is the indicators' finding (missing_member_data)
            spec = field_table.BY_KEY[("member", key)]
            add("field_value", "error", f"{name} — {spec.label}{_shown(spec, value)}: {message}.", hid, m)

    field_checks.check_columns("member", columns, member_issue, ctx)
    causes: dict[int, list[str]] = defaultdict(list)
    for hid, code in db.conn.execute("SELECT household_id, cause_code FROM household_cause"):
        causes[hid].append(code)
    rows = list(households.values())
    held = {key: list(map(itemgetter(key), rows)) for key in field_checks.READ["household"] if key in _LISTED}
    held["info_devices"] = [devices.split(",") if devices else () for devices in held["info_devices"]]
    held["causes"] = [causes.get(h["id"], []) for h in rows]
    ctx.taken = None  # a household code is unique in the database itself

    def household_issue(i: int, key: str, message: str, value: str | None, severity: str) -> None:
        h, spec = rows[i], field_table.BY_KEY[("household", key)]
        add("field_value", severity, f"Hộ {h['code']} — {spec.label}{_shown(spec, value)}: {message}.", h["id"])

    field_checks.check_columns("household", held, household_issue, ctx)


def _shown(spec: field_table.Field, value: str | None) -> str:
    """A value as a finding quotes it (a date as the officer writes it)."""
    if not value:
        return ""
    return f" “{formats.dmy(value, value) if spec.kind == 'date' else value}”"
