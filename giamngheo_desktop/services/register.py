"""The household register: households, members and the operations that keep history.

Every mutating function checks ``Permission.EDIT_REGISTER``, validates first (raising
``ValidationFailed`` with Vietnamese messages that name the field and the reason), then
writes inside ONE ``db.atomic()`` and records ``household_event`` rows. Each returns the
``Changes`` with a before/after ``Snapshot`` of every row it touched, so the UI can undo
(:func:`undo_operation`) and redo (:func:`redo_operation`) without re-running the operation.
Deletion is soft, so undoing a removal is a restore.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.documents import RegisterSheet
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.idnumber import id_columns, id_contradictions, id_facts, normalize_id
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import CLASS_LABELS, LIFE_STATUS_LABELS, PovertyClass
from giamngheo_desktop.services.changes import Changes, Snapshot, State
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc, nfc_or_none

HEAD = "01"  # relationship code of the household head (resources/codes/relationship.json)
OTHER_RELATIVE = "28"
DEFAULT_ETHNICITY_SYSTEM = "GSO-A"

# --------------------------------------------------------------------- inputs ----


@dataclass(slots=True)
class HouseholdInput:
    """What the officer types for a household (everything but its members)."""

    code: str
    village_id: int
    address: str = ""
    phone: str = ""
    area_type: str | None = None  # None = the village's / commune's
    poverty_class: str = "not_poor"
    class_date: str | None = None
    class_decision: str = ""
    escaped_date: str | None = None
    ethnic_minority: bool = False
    local_indigenous: bool = False
    has_merit_person: bool = False
    no_labour_capacity: bool = False
    female_head: bool = False
    social_protection: bool = False
    is_farming: bool = False
    income_per_capita: int | None = None
    wall_material: str | None = None
    column_material: str | None = None
    roof_material: str | None = None
    floor_area: float | None = None
    water_source: str | None = None
    latrine_type: str | None = None
    internet_use: bool | None = None
    info_devices: list[str] = field(default_factory=list)
    loudspeaker_reach: bool | None = None
    waste_treatment: bool | None = None
    note: str = ""
    causes: list[str] = field(default_factory=list)  # code_list poverty_cause


@dataclass(slots=True)
class MemberInput:
    """What the officer types for a member."""

    full_name: str
    relationship_code: str | None = None
    birth_date: str | None = None  # ISO date when known
    birth_year: int | None = None  # filled from birth_date when missing
    sex: str | None = None  # 'M' | 'F'
    id_number: str | None = None
    id_issue_date: str | None = None
    ethnicity_system: str | None = DEFAULT_ETHNICITY_SYSTEM
    ethnicity_code: str | None = None
    education_level: str | None = None
    schooling: str | None = None
    trained_on_job: bool = False
    occupation: str = ""
    employment: str | None = None
    labour_contract: bool | None = None
    hi_card_number: str | None = None
    hi_group: str | None = None
    hi_valid_from: str | None = None
    hi_valid_to: str | None = None
    disability: str | None = None
    social_allowance: int = 0
    nutrition: str | None = None
    life_status: str = "living"
    life_status_date: str | None = None
    note: str = ""


# Vietnamese labels of the fields (domain.fields); validation issues name a field by its key
HOUSEHOLD_LABELS = {**field_table.labels("household"), "causes": "Nguyên nhân nghèo"}
MEMBER_LABELS = field_table.labels("member")
_HOUSEHOLD_KEYS = {key: key for key in HOUSEHOLD_LABELS}
_MEMBER_KEYS = {key: key for key in MEMBER_LABELS}

# ------------------------------------------------------------------- helpers ----


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def parse_iso_date(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class CodeBook:
    """Code lists loaded once per validation pass."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lists: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def items(self, list_name: str, code_system: str | None = None) -> dict[str, dict[str, Any]]:
        key = (list_name, code_system or "")
        found = self._lists.get(key)
        if found is not None:
            return found
        sql = "SELECT code, name, name_fold, extra, code_system FROM code_list WHERE list_name = ?"
        params: list[Any] = [list_name]
        if code_system:
            sql += " AND code_system = ?"
            params.append(code_system)
        sql += " ORDER BY sort_order"
        result: dict[str, dict[str, Any]] = {}
        for row in self._db.rows(sql, params):
            row["extra"] = json.loads(row["extra"] or "{}")
            result.setdefault(row["code"], row)
        self._lists[key] = result
        return result

    def has(self, list_name: str, code: str | None, code_system: str | None = None) -> bool:
        return code is not None and code in self.items(list_name, code_system)

    def name(self, list_name: str, code: str | None, code_system: str | None = None) -> str:
        item = self.items(list_name, code_system).get(code or "")
        return str(item["name"]) if item else (code or "")

    def extra(self, list_name: str, code: str | None, code_system: str | None = None) -> dict[str, Any]:
        item = self.items(list_name, code_system).get(code or "")
        return dict(item["extra"]) if item else {}


class MemberMemo:
    """Caches for one pass over many members (an import of 200,000 rows).

    The same names and dates recur down a list: :func:`validate_members` and
    :func:`member_columns` given the same memo fold and read each of them once. Results
    are those of :func:`fold` and :func:`parse_iso_date`.
    """

    def __init__(self) -> None:
        self.folds: dict[str, str] = {}
        self.dates: dict[str, _dt.date | None] = {}
        self.isos: dict[str, str | None] = {}

    def fold(self, text: str) -> str:
        found = self.folds.get(text)
        if found is None:
            found = self.folds[text] = fold(text)
        return found

    def date(self, text: str) -> _dt.date | None:
        try:
            return self.dates[text]
        except KeyError:
            found = self.dates[text] = parse_iso_date(text)
            return found

    def iso(self, text: str) -> str | None:
        """The ISO form of the date in ``text`` (None when it is not a date)."""
        try:
            return self.isos[text]
        except KeyError:
            date = self.date(text)
            found = self.isos[text] = date.isoformat() if date else None
            return found


def _date_problem(
    value: Any, *, future_ok: bool = True, today: _dt.date | None = None, memo: MemberMemo | None = None
) -> tuple[_dt.date | None, str | None]:
    """(parsed date, problem) of a date field that is not empty."""
    parsed = memo.date(value) if memo is not None and type(value) is str else parse_iso_date(value)
    if parsed is None or len(str(value)) != 10:
        return parsed, "không phải ngày hợp lệ (dạng ngày/tháng/năm)"
    if not future_ok and parsed > (today or clock.today()):
        return parsed, "không được sau ngày hôm nay"
    return parsed, None


def _check_date(
    issues: list[ValidationIssue],
    label: str,
    value: str | None,
    *,
    future_ok: bool = True,
    row: int | None = None,
    today: _dt.date | None = None,
) -> None:
    if value in (None, ""):
        return
    _parsed, problem = _date_problem(value, future_ok=future_ok, today=today)
    if problem:
        issues.append(ValidationIssue(label, problem, row=row, value=str(value)))


_CLASS_VALUES = frozenset(c.value for c in PovertyClass)


def validate_household(
    db: Database,
    data: HouseholdInput,
    *,
    household_id: int | None = None,
    codes: CodeBook | None = None,
    row: int | None = None,
    check_village: bool = True,
    live_codes: dict[str, int] | None = None,
) -> list[ValidationIssue]:
    """Problems with a household's own fields (not its members).

    ``live_codes`` (code → id of every household not deleted, e.g. an import's) replaces
    the query per household that checks the code is free.
    """
    codes = codes or CodeBook(db)
    issues: list[ValidationIssue] = []
    label = _HOUSEHOLD_KEYS  # issues name the field by its key
    code = nfc(data.code)
    if not code:
        issues.append(ValidationIssue(label["code"], "không được để trống", row=row))
    elif len(code) > 40:
        issues.append(ValidationIssue(label["code"], "dài quá 40 ký tự", row=row, value=code[:40]))
    elif live_codes is None or live_codes.get(code, household_id) != household_id:
        other = db.row(
            "SELECT h.id, v.name AS village FROM household h JOIN village v ON v.id = h.village_id "
            "WHERE h.code = ? AND h.deleted_at IS NULL AND h.id IS NOT ?",
            (code, household_id),
        )
        if other:
            issues.append(
                ValidationIssue(label["code"], f"đã có hộ khác mang mã này ({other['village']})", row=row, value=code)
            )
    if check_village and not db.scalar("SELECT 1 FROM village WHERE id = ? AND deleted_at IS NULL", (data.village_id,)):
        issues.append(ValidationIssue(label["village_id"], "không có trong danh sách thôn/tổ của xã", row=row))
    if data.area_type not in (None, "rural", "urban"):
        issues.append(ValidationIssue(label["area_type"], "phải là nông thôn hoặc thành thị", row=row))
    if data.poverty_class not in _CLASS_VALUES:
        issues.append(
            ValidationIssue(
                label["poverty_class"], "không thuộc các loại hộ đã quy định", row=row, value=data.poverty_class
            )
        )
    _check_date(issues, label["class_date"], data.class_date, future_ok=False, row=row)
    _check_date(issues, label["escaped_date"], data.escaped_date, future_ok=False, row=row)
    if data.poverty_class == PovertyClass.NEWLY_ESCAPED and data.escaped_date:
        escaped = parse_iso_date(data.escaped_date)
        if escaped and (clock.today() - escaped).days > 36 * 31:
            issues.append(
                ValidationIssue(
                    label["escaped_date"],
                    "hộ mới thoát nghèo chỉ tính trong 36 tháng kể từ ngày thoát nghèo",
                    row=row,
                    value=data.escaped_date,
                    severity="warning",
                )
            )
    for key in ("wall_material", "column_material", "roof_material"):
        value = getattr(data, key)
        if value and not codes.has("housing_material", value):
            issues.append(ValidationIssue(label[key], "không có trong danh mục vật liệu", row=row, value=value))
    if data.water_source and not codes.has("water_source", data.water_source):
        issues.append(
            ValidationIssue(
                label["water_source"], "không có trong danh mục nguồn nước", row=row, value=data.water_source
            )
        )
    if data.latrine_type and not codes.has("latrine_type", data.latrine_type):
        issues.append(
            ValidationIssue(label["latrine_type"], "không có trong danh mục nhà tiêu", row=row, value=data.latrine_type)
        )
    for device in data.info_devices:
        if not codes.has("info_device", device):
            issues.append(ValidationIssue(label["info_devices"], "không có trong danh mục", row=row, value=device))
    for cause in data.causes:
        if not codes.has("poverty_cause", cause):
            issues.append(
                ValidationIssue(label["causes"], "không có trong danh mục nguyên nhân nghèo", row=row, value=cause)
            )
    if data.floor_area is not None and not (0 <= data.floor_area < 10_000):
        issues.append(
            ValidationIssue(label["floor_area"], "phải từ 0 đến dưới 10.000 m²", row=row, value=str(data.floor_area))
        )
    if data.income_per_capita is not None and data.income_per_capita < 0:
        issues.append(ValidationIssue(label["income_per_capita"], "không được âm", row=row))
    return issues


_MEMBER_CODE_LISTS = (
    ("education_level", "education_level"),
    ("schooling", "schooling"),
    ("employment", "employment"),
    ("hi_group", "hi_group"),
    ("disability", "disability"),
    ("nutrition", "nutrition"),
)


def validate_member(
    db: Database,
    data: MemberInput,
    *,
    member_id: int | None = None,
    codes: CodeBook | None = None,
    row: int | None = None,
    who: str = "",
    check_duplicate_id: bool = True,
    today: _dt.date | None = None,
) -> list[ValidationIssue]:
    """Problems with one member's fields. ``who`` prefixes field names (e.g. the member's name)."""
    [issues] = validate_members(
        db,
        [data],
        member_ids=[member_id],
        codes=codes,
        rows=[row],
        whos=[who],
        check_duplicate_id=check_duplicate_id,
        today=today,
    )
    return list(issues)


def filled(values: list[Any]) -> list[int]:
    """Indices of the values that are neither None nor ''."""
    if values.count(None) == len(values):  # a column nobody filled: no loop in Python
        return []
    return [i for i, v in enumerate(values) if v is not None and v != ""]


_VALIDATED = (
    "full_name",
    "relationship_code",
    "sex",
    "birth_date",
    "birth_year",
    "id_number",
    "id_issue_date",
    "ethnicity_system",
    "ethnicity_code",
    *(key for key, _list in _MEMBER_CODE_LISTS),
    "hi_valid_from",
    "hi_valid_to",
    "social_allowance",
    "life_status",
    "life_status_date",
)


def validate_members(
    db: Database,
    members: Sequence[MemberInput],
    *,
    member_ids: Sequence[int | None] | None = None,
    codes: CodeBook | None = None,
    rows: Sequence[int | None] | None = None,
    whos: Sequence[str] | None = None,
    check_duplicate_id: bool = True,
    today: _dt.date | None = None,
    memo: MemberMemo | None = None,
) -> list[Sequence[ValidationIssue]]:
    """:func:`validate_member` of many members at once: each member's problems, in the same order.

    An import validates 200,000 members: the checks run a field at a time over all of
    them (one pass per check over one column instead of one call per member). A check
    whose column holds only good values (every sex M or F, every code in its list) sees
    that from the column's distinct values and reads no row. Names and dates go through
    ``memo``, ID numbers through :func:`id_facts`; messages are only built where there is a
    problem.
    """
    count = len(members)
    if not count:
        return []
    codes = codes or CodeBook(db)
    memo = memo or MemberMemo()
    today = today or clock.today()
    found: dict[int, list[ValidationIssue]] = {}  # only members with a problem (most have none)
    who = list(whos) if whos and any(whos) else None

    def add(i: int, key: str, message: str, value: str | None = None, severity: str = "error") -> None:
        issue = ValidationIssue(
            key, message, row=rows[i] if rows else None, value=value, severity=severity, who=who[i] if who else ""
        )
        found.setdefault(i, []).append(issue)

    f = by_field(members, _VALIDATED)
    names = list(map(nfc, f["full_name"]))
    if "" in names or max(map(len, names)) > 100:
        for i, name in enumerate(names):
            if not name:
                add(i, "full_name", "không được để trống")
            elif len(name) > 100:
                add(i, "full_name", "dài quá 100 ký tự", name[:100])
    relationships = codes.items("relationship")
    if not relationships.keys() >= set(f["relationship_code"]):
        for i, code in enumerate(f["relationship_code"]):
            if not code:
                add(i, "relationship_code", "chưa chọn quan hệ với chủ hộ")
            elif code not in relationships:
                add(i, "relationship_code", "không có trong danh mục", code)
    sexes = f["sex"]
    if not {"M", "F"} >= set(sexes):
        for i, sex in enumerate(sexes):
            if sex is None:
                add(i, "sex", "chưa ghi giới tính", severity="warning")
            elif sex != "M" and sex != "F":
                add(i, "sex", "phải là Nam hoặc Nữ", str(sex))
    birth_dates = f["birth_date"]
    checked = {  # each distinct birth date once: (date, problem)
        value: _date_problem(value, future_ok=False, today=today, memo=memo)
        for value in set(birth_dates)
        if value is not None and value != ""
    }
    misdated = any(problem for _date, problem in checked.values())
    checked[None] = checked[""] = (None, None)
    births: list[_dt.date | None] = [checked[value][0] for value in birth_dates]
    if misdated:
        for i, value in enumerate(birth_dates):
            problem = checked[value][1]
            if problem:
                add(i, "birth_date", problem, str(value))
    this_year = today.year
    years = f["birth_year"]
    for i, year, birth in zip(range(count), years, births, strict=True):
        if year is not None and not (1880 <= year <= this_year):
            add(i, "birth_year", "không hợp lý", str(year))
        if birth and year and birth.year != year:
            add(i, "birth_year", f"khác với năm của ngày sinh ({birth.year})", str(year))
        if not birth and not year:
            add(i, "birth_date", "chưa có ngày hoặc năm sinh", severity="warning")
    numbers = f["id_number"]
    for i, facts, sex, year, birth in zip(range(count), id_facts(numbers), sexes, years, births, strict=True):
        if facts is None:
            continue
        kind, problems, id_sex, id_year = facts
        if kind is None:
            add(i, "id_number", "; ".join(problems), str(numbers[i]))
        elif problems:
            add(i, "id_number", "; ".join(problems), normalize_id(numbers[i]), "warning" if kind == "cmnd" else "error")
        else:
            year = year or (birth.year if birth else None)
            if (sex and id_sex != sex) or (year and id_year != year):
                normalized = normalize_id(numbers[i])
                for text in id_contradictions(normalized, sex=sex, birth_year=year):
                    add(i, "id_number", text, normalized, "warning")
        if kind and check_duplicate_id:
            normalized = normalize_id(numbers[i])
            other = db.row(
                "SELECT m.full_name, h.code FROM member m JOIN household h ON h.id = m.household_id "
                "WHERE m.id_number = ? AND m.deleted_at IS NULL AND h.deleted_at IS NULL AND m.id IS NOT ?",
                (normalized, member_ids[i] if member_ids else None),
            )
            if other:
                add(i, "id_number", f"trùng với nhân khẩu {other['full_name']} (hộ {other['code']})", normalized)
    issue_dates = f["id_issue_date"]
    for i in filled(issue_dates):
        _parsed, problem = _date_problem(issue_dates[i], future_ok=False, today=today, memo=memo)
        if problem:
            add(i, "id_issue_date", problem, str(issue_dates[i]))
    ethnic, systems = f["ethnicity_code"], f["ethnicity_system"]
    unknown = {  # (code system, code) pairs not in their table
        (system, code)
        for system, code in set(zip(systems, ethnic, strict=True))
        if code is not None and code != "" and code not in codes.items("ethnicity", system or DEFAULT_ETHNICITY_SYSTEM)
    }
    if unknown:
        for i, pair in enumerate(zip(systems, ethnic, strict=True)):
            if pair in unknown:
                add(
                    i,
                    "ethnicity_code",
                    f"không có trong bảng mã dân tộc {pair[0] or DEFAULT_ETHNICITY_SYSTEM}",
                    pair[1],
                )
    for key, list_name in _MEMBER_CODE_LISTS:  # key by key: a member's problems stay in this order
        values = f[key]
        wrong = {v for v in set(values) if v and not codes.has(list_name, v)}
        if wrong:
            for i, value in enumerate(values):
                if value in wrong:
                    add(i, key, "không có trong danh mục", str(value))
    starts, ends = f["hi_valid_from"], f["hi_valid_to"]
    for i in sorted({*filled(starts), *filled(ends)}):
        start = end = None
        if starts[i] not in (None, ""):
            start, problem = _date_problem(starts[i], memo=memo)
            if problem:
                add(i, "hi_valid_from", problem, str(starts[i]))
        if ends[i] not in (None, ""):
            end, problem = _date_problem(ends[i], memo=memo)
            if problem:
                add(i, "hi_valid_to", problem, str(ends[i]))
        if start and end and end < start:
            add(i, "hi_valid_to", "trước ngày bắt đầu có giá trị", ends[i])
    allowances, statuses, status_dates = f["social_allowance"], f["life_status"], f["life_status_date"]
    if min(allowances) < 0 or set(statuses) != {"living"}:
        for i, allowance, status in zip(range(count), allowances, statuses, strict=True):
            if allowance < 0:
                add(i, "social_allowance", "không được âm")
            if status != "living":
                if status not in LIFE_STATUS_LABELS:
                    add(i, "life_status", "không hợp lệ", status)
                elif not status_dates[i]:
                    add(i, "life_status_date", "cần ghi ngày chết hoặc ngày chuyển đi", severity="warning")
    for i in filled(status_dates):
        _parsed, problem = _date_problem(status_dates[i], future_ok=False, today=today, memo=memo)
        if problem:
            add(i, "life_status_date", problem, str(status_dates[i]))
    none: tuple[ValidationIssue, ...] = ()
    return [found.get(i, none) for i in range(count)] if found else [none] * count


def _errors(issues: Iterable[ValidationIssue]) -> list[ValidationIssue]:
    return [i for i in issues if i.severity == "error"]


def _warnings(issues: Iterable[ValidationIssue]) -> tuple[ValidationIssue, ...]:
    return tuple(i for i in issues if i.severity != "error")


def _household_values(data: HouseholdInput) -> dict[str, Any]:
    """The household's columns as written."""
    return {key: column[0] for key, column in household_columns([data]).items()}


def household_columns(households: Sequence[HouseholdInput]) -> dict[str, list[Any]]:
    """:func:`_household_values` of many households, a column at a time (see :func:`member_columns`)."""
    f = by_field(households, [h.name for h in fields(HouseholdInput) if h.name != "causes"])
    codes = list(map(nfc, f["code"]))
    devices = f["info_devices"]

    def none_if_empty(key: str) -> list[Any]:
        return [v or None for v in f[key]]

    return {
        "code": codes,
        "code_fold": list(map(fold, codes)),
        "village_id": f["village_id"],
        "address": _nfc_text(f["address"]),
        "phone": _nfc_text(f["phone"]),
        "area_type": f["area_type"],
        "poverty_class": f["poverty_class"],
        "class_date": none_if_empty("class_date"),
        "class_decision": _nfc_text(f["class_decision"]),
        "escaped_date": none_if_empty("escaped_date"),
        **{key: list(map(int, f[key])) for key in _HOUSEHOLD_FLAGS},
        "income_per_capita": f["income_per_capita"],
        "wall_material": none_if_empty("wall_material"),
        "column_material": none_if_empty("column_material"),
        "roof_material": none_if_empty("roof_material"),
        "floor_area": f["floor_area"],
        "water_source": none_if_empty("water_source"),
        "latrine_type": none_if_empty("latrine_type"),
        "internet_use": _bools(f["internet_use"]),
        "info_devices": (
            [",".join(dict.fromkeys(d for d in found if d)) for found in devices]
            if any(devices)
            else [""] * len(devices)
        ),
        "loudspeaker_reach": _bools(f["loudspeaker_reach"]),
        "waste_treatment": _bools(f["waste_treatment"]),
        "note": _nfc_text(f["note"]),
    }


def _member_values(data: MemberInput, memo: MemberMemo | None = None) -> dict[str, Any]:
    """The member's columns as written."""
    return {key: column[0] for key, column in member_columns([data], memo).items()}


def by_field(items: Sequence[Any], names: Sequence[str]) -> dict[str, list[Any]]:
    """Field name → the field's value of every item (one pass in C per field: faster than
    transposing one tuple per item)."""
    return {name: list(map(attrgetter(name), items)) for name in names}


def _or_none(values: list[Any]) -> list[Any]:
    """``[v or None for v in values]`` of a text column (loops in Python only when some value is '')."""
    return [v or None for v in values] if "" in values else values


def _nfc_text(values: list[Any]) -> list[str]:
    """``[nfc(v) if v else "" for v in values]``."""
    if values.count("") == len(values):
        return values
    return [nfc(v) if v else "" for v in values]


def _bools(values: list[Any]) -> list[int | None]:
    if values.count(None) == len(values):
        return values
    return [_bool(v) for v in values]


def member_search_columns(members: Sequence[MemberInput], memo: MemberMemo) -> tuple[list[str], list[str | None]]:
    """The ``name_fold`` and ``id_number`` columns :func:`member_columns` gives (a household's search text)."""
    folds = list(map(memo.fold, map(nfc, map(attrgetter("full_name"), members))))
    numbers, _kinds = id_columns(map(attrgetter("id_number"), members))
    return folds, numbers


def member_columns(members: Sequence[MemberInput], memo: MemberMemo | None = None) -> dict[str, list[Any]]:
    """:func:`_member_values` of many members, a column at a time (column → one value per member).

    An import writes 200,000 members: building a dict of some thirty values per member
    cost more than inserting the rows; each column is made by one pass over one field.
    """
    memo = memo or MemberMemo()
    f = by_field(members, _MEMBER_FIELD_NAMES)
    names = list(map(nfc, f["full_name"]))
    birth_dates = f["birth_date"]
    births = [memo.date(b) if type(b) is str else parse_iso_date(b) for b in birth_dates]
    numbers, kinds = id_columns(f["id_number"])
    ethnic = f["ethnicity_code"]
    count = len(members)
    return {
        "full_name": names,
        "name_fold": list(map(memo.fold, names)),
        "birth_date": [
            memo.iso(text) if type(text) is str else (b.isoformat() if b else None)
            for text, b in zip(birth_dates, births, strict=True)
        ],
        "birth_year": [y or (b.year if b else None) for y, b in zip(f["birth_year"], births, strict=True)],
        "sex": f["sex"],
        "id_number": numbers,
        "id_kind": kinds,
        "id_issue_date": _or_none(f["id_issue_date"]),
        "ethnicity_system": [
            (system or DEFAULT_ETHNICITY_SYSTEM) if code else None
            for system, code in zip(f["ethnicity_system"], ethnic, strict=True)
        ],
        "ethnicity_code": _or_none(ethnic),
        "relationship_code": f["relationship_code"],
        "education_level": _or_none(f["education_level"]),
        "schooling": _or_none(f["schooling"]),
        "trained_on_job": list(map(int, f["trained_on_job"])),
        "occupation": _nfc_text(f["occupation"]),
        "employment": _or_none(f["employment"]),
        "labour_contract": _bools(f["labour_contract"]),
        "hi_card_number": (
            [None] * count
            if f["hi_card_number"].count(None) == count
            else [nfc_or_none(v) if v else None for v in f["hi_card_number"]]
        ),
        "hi_group": _or_none(f["hi_group"]),
        "hi_valid_from": _or_none(f["hi_valid_from"]),
        "hi_valid_to": _or_none(f["hi_valid_to"]),
        "disability": _or_none(f["disability"]),
        "social_allowance": [int(v or 0) for v in f["social_allowance"]],
        "nutrition": _or_none(f["nutrition"]),
        "life_status": f["life_status"],
        "life_status_date": _or_none(f["life_status_date"]),
        "note": _nfc_text(f["note"]),
    }


_HOUSEHOLD_FLAGS = (
    "ethnic_minority",
    "local_indigenous",
    "has_merit_person",
    "no_labour_capacity",
    "female_head",
    "social_protection",
    "is_farming",
)
_HOUSEHOLD_BOOLS = (*_HOUSEHOLD_FLAGS, "internet_use", "loudspeaker_reach", "waste_treatment")


_HOUSEHOLD_FIELDS = fields(HouseholdInput)
_MEMBER_FIELDS = fields(MemberInput)
_HOUSEHOLD_PLAIN_NAMES = tuple(f.name for f in _HOUSEHOLD_FIELDS if f.name not in ("causes", "info_devices"))


def household_input_from_row(row: dict[str, Any], causes: list[str]) -> HouseholdInput:
    """A ``HouseholdInput`` filled from a household row (for editing)."""
    # a re-import builds one for every household of the file: plain name lookups, no Field objects
    values = {name: row[name] for name in _HOUSEHOLD_PLAIN_NAMES if name in row}
    for name in _HOUSEHOLD_BOOLS:
        if name in values and (values[name] is not None or name in _HOUSEHOLD_FLAGS):
            values[name] = bool(values[name])
    values["info_devices"] = [d for d in (row.get("info_devices") or "").split(",") if d]
    values["causes"] = list(causes)
    return HouseholdInput(**values)


_MEMBER_FIELD_NAMES = tuple(f.name for f in _MEMBER_FIELDS)


def member_input_from_row(row: dict[str, Any]) -> MemberInput:
    # a re-import builds one for every member of the file: plain name lookups, no Field objects
    values = {name: row[name] for name in _MEMBER_FIELD_NAMES if name in row}
    if "trained_on_job" in values:
        values["trained_on_job"] = bool(values["trained_on_job"])
    if values.get("labour_contract") is not None:
        values["labour_contract"] = bool(values["labour_contract"])
    if values.get("birth_date"):
        values["birth_year"] = None  # follows the date
    return MemberInput(**values)


# ---------------------------------------------------------------- snapshots ----

_HOUSEHOLD_COLUMNS: list[str] = []
_MEMBER_COLUMNS: list[str] = []


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


# ------------------------------------------------------------------ reading ----


_HOUSEHOLD_SQL = "SELECT h.*, v.name AS village_name FROM household h JOIN village v ON v.id = h.village_id"
_BATCH = 500  # ids per IN (…) list


def get_household(db: Database, household_id: int) -> dict[str, Any]:
    """A household row with its village name and cause codes (``causes``)."""
    db.require(Permission.VIEW)
    row = db.row(f"{_HOUSEHOLD_SQL} WHERE h.id = ?", (household_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy hộ có mã số {household_id}.")
    row["causes"] = [
        r["cause_code"]
        for r in db.rows("SELECT cause_code FROM household_cause WHERE household_id = ? ORDER BY 1", (household_id,))
    ]
    return row


def _plain_rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """``db.rows`` for queries whose column names are all different, a third as costly per row."""
    cursor = db.conn.cursor()
    cursor.row_factory = None
    cursor.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _BATCH):
        yield unique[start : start + _BATCH]


def get_households(db: Database, household_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """:func:`get_household` for many households in a few queries (missing ids are left out)."""
    db.require(Permission.VIEW)
    found: dict[int, dict[str, Any]] = {}
    for batch in _batches(household_ids):
        marks = ", ".join("?" * len(batch))
        for row in _plain_rows(db, f"{_HOUSEHOLD_SQL} WHERE h.id IN ({marks})", batch):
            row["causes"] = []
            found[row["id"]] = row
        for cause in db.rows(
            f"SELECT household_id, cause_code FROM household_cause WHERE household_id IN ({marks}) ORDER BY 1, 2",
            batch,
        ):
            found[cause["household_id"]]["causes"].append(cause["cause_code"])
    return found


def get_member(db: Database, member_id: int) -> dict[str, Any]:
    db.require(Permission.VIEW)
    row = db.row("SELECT * FROM member WHERE id = ?", (member_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy nhân khẩu có mã số {member_id}.")
    return row


_MEMBERS_SQL = """
    SELECT m.*, r.name AS relationship_name, e.name AS ethnicity_name
    FROM member m
    LEFT JOIN code_list r ON r.list_name = 'relationship' AND r.code = m.relationship_code
    LEFT JOIN code_list e ON e.list_name = 'ethnicity' AND e.code_system = m.ethnicity_system
         AND e.code = m.ethnicity_code
"""
_MEMBERS_ORDER = "m.deleted_at IS NOT NULL, m.life_status <> 'living', m.relationship_code <> '01', m.sort_order, m.id"


def list_members(db: Database, household_id: int, *, include_removed: bool = False) -> list[dict[str, Any]]:
    """Members of a household (living first, head first), with relationship and ethnicity names."""
    db.require(Permission.VIEW)
    sql = _MEMBERS_SQL + " WHERE m.household_id = ?"
    if not include_removed:
        sql += " AND m.deleted_at IS NULL"
    sql += f" ORDER BY {_MEMBERS_ORDER}"
    return db.rows(sql, (household_id,))


def members_of(db: Database, household_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The member rows (not removed) of many households in a few queries, in :func:`list_members`'s
    order but without the relationship and ethnicity names (an import matches thousands of households)."""
    db.require(Permission.VIEW)
    found: dict[int, list[dict[str, Any]]] = {}
    for batch in _batches(household_ids):
        for hid in batch:
            found[hid] = []
        marks = ", ".join("?" * len(batch))
        sql = (
            f"SELECT m.* FROM member m WHERE m.household_id IN ({marks}) AND m.deleted_at IS NULL "
            f"ORDER BY m.household_id, {_MEMBERS_ORDER}"
        )
        for row in _plain_rows(db, sql, batch):
            found[row["household_id"]].append(row)
    return found


def household_events(db: Database, household_id: int) -> list[dict[str, Any]]:
    db.require(Permission.VIEW)
    return db.rows(
        "SELECT e.*, m.full_name AS member_name, r.code AS related_code FROM household_event e "
        "LEFT JOIN member m ON m.id = e.member_id LEFT JOIN household r ON r.id = e.related_household_id "
        "WHERE e.household_id = ? ORDER BY e.event_date, e.id",
        (household_id,),
    )


def code_items(db: Database, list_name: str, code_system: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs of a code list, for combo boxes."""
    db.require(Permission.VIEW)
    return [(code, item["name"]) for code, item in CodeBook(db).items(list_name, code_system).items()]


def next_household_code(db: Database, village_id: int | None = None) -> str:
    """A free household code suggestion: the village code + a running number (domain.household_code)."""
    prefix = ""
    if village_id is not None:
        prefix = str(db.scalar("SELECT code FROM village WHERE id = ?", (village_id,)) or "")
    start = int(db.scalar("SELECT count(*) FROM household") or 0)

    def taken(code: str) -> bool:
        return bool(db.scalar("SELECT 1 FROM household WHERE code = ? AND deleted_at IS NULL", (code,)))

    return household_code.next_free(prefix, start, taken)[0]


def head_flags(
    sex: str | None, ethnicity_code: str | None, ethnicity_system: str | None, codes: CodeBook
) -> dict[str, int]:
    """The household flags its living head gives (female_head, ethnic_minority): what is known of them."""
    flags: dict[str, int] = {}
    if sex in ("M", "F"):
        flags["female_head"] = int(sex == "F")
    if ethnicity_code:
        minority = codes.extra("ethnicity", ethnicity_code, ethnicity_system).get("minority")
        if minority is not None:
            flags["ethnic_minority"] = int(bool(minority))
    return flags


def _live_household(db: Database, household_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM household WHERE id = ?", (household_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy hộ có mã số {household_id}.")
    if row["deleted_at"] is not None:
        raise ValidationFailed(ValidationIssue("Hộ", f"hộ {row['code']} đã bị xóa", value=row["code"]))
    return row


def _live_member(db: Database, member_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM member WHERE id = ?", (member_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy nhân khẩu có mã số {member_id}.")
    if row["deleted_at"] is not None:
        raise ValidationFailed(ValidationIssue("Nhân khẩu", f"{row['full_name']} đã bị xóa khỏi sổ"))
    return row


def _living_members(db: Database, household_id: int) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL AND life_status = 'living' "
        "ORDER BY sort_order, id",
        (household_id,),
    )


def _refresh_derived(db: Database, household_id: int, codes: CodeBook) -> None:
    """Keep head_member_id, female_head and ethnic_minority in line with the living head."""
    _refresh_derived_many(db, [household_id], codes)


def _refresh_derived_many(db: Database, household_ids: Iterable[int], codes: CodeBook) -> None:
    """:func:`_refresh_derived` for many households, reading their heads in a few queries."""
    for batch in _batches(household_ids):
        heads: dict[int, dict[str, Any]] = {}
        for row in db.rows(
            "SELECT * FROM member WHERE household_id IN ({}) AND deleted_at IS NULL AND life_status = 'living' "
            "AND relationship_code = ? ORDER BY household_id, id".format(", ".join("?" * len(batch))),
            [*batch, HEAD],
        ):
            heads.setdefault(row["household_id"], row)
        for household_id in batch:
            head = heads.get(household_id)
            if head is None:
                continue
            sets: dict[str, Any] = {
                "head_member_id": head["id"],
                **head_flags(head["sex"], head["ethnicity_code"], head["ethnicity_system"], codes),
            }
            assignments = ", ".join(f"{k} = :{k}" for k in sets)
            db.conn.execute(f"UPDATE household SET {assignments} WHERE id = :id", {**sets, "id": household_id})


def _insert_member(db: Database, household_id: int, values: dict[str, Any], order: int) -> int:
    now = clock.now_iso()
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    cur = db.conn.execute(
        f"INSERT INTO member (household_id, {columns}, sort_order, created_at, updated_at) "
        f"VALUES (:household_id, {marks}, :sort_order, :now, :now)",
        {**values, "household_id": household_id, "sort_order": order, "now": now},
    )
    return int(cur.lastrowid or 0)


def _next_order(db: Database, household_id: int) -> int:
    return int(db.scalar("SELECT coalesce(max(sort_order), 0) FROM member WHERE household_id = ?", (household_id,))) + 1


# ------------------------------------------------------------- households ----


def add_household(db: Database, *, household: HouseholdInput, members: list[MemberInput]) -> Changes:
    """Create a household with its members; exactly one living member must be the head (Chủ hộ)."""
    db.require(Permission.EDIT_REGISTER)
    codes = CodeBook(db)
    issues = validate_household(db, household, codes=codes)
    for number, member in enumerate(members, start=1):
        who = f"Nhân khẩu {number} ({nfc(member.full_name) or 'chưa có tên'})"
        issues += validate_member(db, member, codes=codes, who=who)
    issues += _head_issues(members)
    issues += _duplicate_ids_within(members)
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    rec = _Recorder(db, f"Thêm hộ {nfc(household.code)}")
    now = clock.now_iso()
    values = _household_values(household)
    with db.atomic() as conn:
        cur = conn.execute(
            f"INSERT INTO household ({', '.join(values)}, created_at, updated_at) "
            f"VALUES ({', '.join(':' + k for k in values)}, :now, :now)",
            {**values, "now": now},
        )
        hid = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO household_cause (household_id, cause_code) VALUES (?, ?)",
            [(hid, c) for c in dict.fromkeys(household.causes)],
        )
        member_ids = [_insert_member(db, hid, _member_values(m), n) for n, m in enumerate(members, start=1)]
        rec.created([hid], member_ids)
        _refresh_derived(db, hid, codes)
        rec.event(hid, "create", details={"code": values["code"], "members": len(member_ids)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        rows_added_or_removed=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_ids=tuple(member_ids),
        warnings=_warnings(issues),
    )


def _head_issues(members: list[MemberInput], row: int | None = None) -> list[ValidationIssue]:
    living = [m for m in members if m.life_status == "living"]
    heads = [m for m in living if m.relationship_code == HEAD]
    if not members:
        return [ValidationIssue("Nhân khẩu", "hộ phải có ít nhất một nhân khẩu (chủ hộ)", row=row)]
    if not heads and living:
        return [ValidationIssue("Chủ hộ", "hộ chưa có chủ hộ: một nhân khẩu phải có quan hệ “Chủ hộ”", row=row)]
    if len(heads) > 1:
        names = ", ".join(nfc(m.full_name) for m in heads)
        return [ValidationIssue("Chủ hộ", f"hộ chỉ được có một chủ hộ (đang có {len(heads)}: {names})", row=row)]
    return []


def _duplicate_ids_within(members: list[MemberInput]) -> list[ValidationIssue]:
    seen: dict[str, str] = {}
    issues = []
    for m in members:
        number = normalize_id(m.id_number)
        if not number:
            continue
        if number in seen:
            issues.append(ValidationIssue("id_number", f"{nfc(m.full_name)} trùng số với {seen[number]}", value=number))
        seen.setdefault(number, nfc(m.full_name))
    return issues


def update_household(db: Database, household_id: int, *, household: HouseholdInput) -> Changes:
    """Change a household's own fields and causes (members are edited one by one)."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_household(db, household_id)
    codes = CodeBook(db)
    issues = validate_household(db, household, household_id=household_id, codes=codes)
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    values = _household_values(household)
    rec = _Recorder(db, f"Sửa hộ {values['code']}")
    with db.atomic() as conn:
        rec.touch([household_id])
        changed = [k for k, v in values.items() if current.get(k) != v and k != "code_fold"]
        conn.execute(
            f"UPDATE household SET {', '.join(f'{k} = :{k}' for k in values)}, updated_at = :now WHERE id = :id",
            {**values, "now": clock.now_iso(), "id": household_id},
        )
        conn.execute("DELETE FROM household_cause WHERE household_id = ?", (household_id,))
        conn.executemany(
            "INSERT INTO household_cause (household_id, cause_code) VALUES (?, ?)",
            [(household_id, c) for c in dict.fromkeys(household.causes)],
        )
        _refresh_derived(db, household_id, codes)
        rec.event(household_id, "update", details={"fields": changed})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
        warnings=_warnings(issues),
    )


def remove_household(db: Database, household_id: int, *, reason: str = "") -> Changes:
    """Soft-delete a household (its members stay attached to it and come back on restore)."""
    db.require(Permission.EDIT_REGISTER)
    row = _live_household(db, household_id)
    rec = _Recorder(db, f"Xóa hộ {row['code']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([household_id])
        conn.execute("UPDATE household SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, household_id))
        rec.event(household_id, "delete", details={"reason": nfc(reason)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        rows_added_or_removed=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
    )


def restore_household(db: Database, household_id: int) -> Changes:
    """Bring back a soft-deleted household (refused if its code is now used by another)."""
    db.require(Permission.EDIT_REGISTER)
    row = db.row("SELECT * FROM household WHERE id = ?", (household_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy hộ có mã số {household_id}.")
    if row["deleted_at"] is None:
        raise ValidationFailed(ValidationIssue("Hộ", f"hộ {row['code']} chưa bị xóa"))
    if db.scalar("SELECT 1 FROM household WHERE code = ? AND deleted_at IS NULL", (row["code"],)):
        raise ValidationFailed(
            ValidationIssue("code", "không khôi phục được vì đã có hộ khác đang dùng mã này", value=row["code"])
        )
    rec = _Recorder(db, f"Khôi phục hộ {row['code']}")
    with db.atomic() as conn:
        rec.touch([household_id])
        conn.execute(
            "UPDATE household SET deleted_at = NULL, updated_at = ? WHERE id = ?", (clock.now_iso(), household_id)
        )
        rec.event(household_id, "restore")
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        rows_added_or_removed=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
    )


# ---------------------------------------------------------------- members ----


def add_member(db: Database, household_id: int, *, member: MemberInput) -> Changes:
    """Add a member to a household. A second head is refused: use :func:`change_head`."""
    db.require(Permission.EDIT_REGISTER)
    _live_household(db, household_id)
    codes = CodeBook(db)
    issues = validate_member(db, member, codes=codes)
    living = _living_members(db, household_id)
    has_head = any(m["relationship_code"] == HEAD for m in living)
    if member.relationship_code == HEAD and member.life_status == "living" and has_head:
        issues.append(
            ValidationIssue(
                "relationship_code",
                "hộ đã có chủ hộ; muốn thay chủ hộ hãy dùng chức năng “Đổi chủ hộ”",
                value="Chủ hộ",
            )
        )
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    rec = _Recorder(db, f"Thêm nhân khẩu {nfc(member.full_name)}")
    with db.atomic():
        rec.touch([household_id])
        mid = _insert_member(db, household_id, _member_values(member), _next_order(db, household_id))
        rec.created(members=[mid])
        _refresh_derived(db, household_id, codes)
        rec.event(household_id, "member_add", member_id=mid, details={"name": nfc(member.full_name)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
        member_id=mid,
        warnings=_warnings(issues),
    )


def update_member(db: Database, member_id: int, *, member: MemberInput) -> Changes:
    """Edit a member. Making a member head, or the head not head, goes through :func:`change_head`;
    deaths and departures through :func:`mark_member_status`."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    hid = int(current["household_id"])
    codes = CodeBook(db)
    issues = validate_member(db, member, member_id=member_id, codes=codes)
    was_head = current["relationship_code"] == HEAD
    if member.relationship_code != current["relationship_code"] and (was_head or member.relationship_code == HEAD):
        others = [m for m in _living_members(db, hid) if m["id"] != member_id]
        if (was_head and others) or member.relationship_code == HEAD:
            issues.append(
                ValidationIssue(
                    "relationship_code",
                    "muốn thay chủ hộ hãy dùng chức năng “Đổi chủ hộ” để cập nhật quan hệ của cả hộ",
                    value=codes.name("relationship", member.relationship_code),
                )
            )
    if member.life_status != current["life_status"]:
        issues.append(
            ValidationIssue(
                "life_status",
                "ghi nhận chết hoặc chuyển đi bằng chức năng “Báo chết / chuyển đi”",
                value=LIFE_STATUS_LABELS.get(member.life_status, member.life_status),
            )
        )
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    values = _member_values(member)
    rec = _Recorder(db, f"Sửa nhân khẩu {values['full_name']}")
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        changed = [k for k, v in values.items() if current.get(k) != v and k != "name_fold"]
        conn.execute(
            f"UPDATE member SET {', '.join(f'{k} = :{k}' for k in values)}, updated_at = :now WHERE id = :id",
            {**values, "now": clock.now_iso(), "id": member_id},
        )
        _refresh_derived(db, hid, codes)
        rec.event(hid, "update", member_id=member_id, details={"fields": changed})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_id=member_id,
        warnings=_warnings(issues),
    )


def remove_member(db: Database, member_id: int, *, reason: str = "") -> Changes:
    """Soft-delete a member entered by mistake (a head with other living members must be replaced first)."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    hid = int(current["household_id"])
    if current["relationship_code"] == HEAD and current["life_status"] == "living":
        others = [m for m in _living_members(db, hid) if m["id"] != member_id]
        if others:
            raise ValidationFailed(
                ValidationIssue(
                    "Chủ hộ",
                    f"{current['full_name']} đang là chủ hộ: hãy đổi chủ hộ trước khi xóa",
                    value=current["full_name"],
                )
            )
    rec = _Recorder(db, f"Xóa nhân khẩu {current['full_name']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        conn.execute("UPDATE member SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, member_id))
        rec.event(hid, "member_remove", member_id=member_id, details={"reason": nfc(reason)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_id=member_id,
    )


def restore_member(db: Database, member_id: int) -> Changes:
    """Bring back a soft-deleted member (refused if it would give the household a second head)."""
    db.require(Permission.EDIT_REGISTER)
    row = db.row("SELECT * FROM member WHERE id = ?", (member_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy nhân khẩu có mã số {member_id}.")
    if row["deleted_at"] is None:
        raise ValidationFailed(ValidationIssue("Nhân khẩu", f"{row['full_name']} chưa bị xóa"))
    hid = int(row["household_id"])
    if (
        row["relationship_code"] == HEAD
        and row["life_status"] == "living"
        and any(m["relationship_code"] == HEAD for m in _living_members(db, hid))
    ):
        raise ValidationFailed(
            ValidationIssue("Chủ hộ", f"không khôi phục được {row['full_name']}: hộ đã có chủ hộ khác")
        )
    if row["id_number"] and db.scalar(
        "SELECT 1 FROM member m JOIN household h ON h.id = m.household_id WHERE m.id_number = ? "
        "AND m.deleted_at IS NULL AND h.deleted_at IS NULL",
        (row["id_number"],),
    ):
        raise ValidationFailed(
            ValidationIssue(
                "id_number",
                "không khôi phục được: số này đang thuộc nhân khẩu khác",
                value=row["id_number"],
            )
        )
    rec = _Recorder(db, f"Khôi phục nhân khẩu {row['full_name']}")
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        conn.execute("UPDATE member SET deleted_at = NULL, updated_at = ? WHERE id = ?", (clock.now_iso(), member_id))
        _refresh_derived(db, hid, CodeBook(db))
        rec.event(hid, "restore", member_id=member_id)
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_id=member_id,
    )


# ------------------------------------------------------------ head change ----

_SPOUSE = {"02", "03"}
_CHILD = {"04", "05", "06"}
_PARENT = {"09", "10", "11", "12"}


def _by_sex(sex: str | None, male: str, female: str, unknown: str = OTHER_RELATIVE) -> str:
    return male if sex == "M" else female if sex == "F" else unknown


def suggest_relationships(db: Database, household_id: int, new_head_id: int) -> dict[int, str]:
    """Suggested relationship codes of every living member once ``new_head_id`` becomes head.

    Covers the usual cases (the spouse or a child takes over); anything else becomes
    "Người thân khác" for the old head and is left unchanged for the others. The officer
    reviews the suggestion before saving.
    """
    db.require(Permission.VIEW)
    members = db.rows(
        "SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL ORDER BY sort_order, id", (household_id,)
    )
    by_id = {m["id"]: m for m in members}
    if new_head_id not in by_id:
        raise NotFound("Người được chọn làm chủ hộ không thuộc hộ này.")
    new_head = by_id[new_head_id]
    new_rel = new_head["relationship_code"]
    result: dict[int, str] = {new_head_id: HEAD}
    for m in members:
        if m["id"] == new_head_id or (m["life_status"] != "living" and m["relationship_code"] != HEAD):
            continue
        rel, sex = m["relationship_code"], m["sex"]
        suggestion = rel
        if new_rel in _SPOUSE:
            if rel == HEAD:
                suggestion = _by_sex(sex, "03", "02")
            elif rel in {"09", "10"}:
                suggestion = _by_sex(sex, "13", "14") if new_head["sex"] == "M" else _by_sex(sex, "15", "16")
        elif new_rel in _CHILD:
            if rel == HEAD or rel in _SPOUSE:
                suggestion = _by_sex(sex, "09", "10")
            elif rel in _CHILD:
                older = (
                    (m["birth_year"] or 0)
                    and (new_head["birth_year"] or 0)
                    and m["birth_year"] < new_head["birth_year"]
                )
                suggestion = _by_sex(sex, "24", "25") if older else "26"
            elif rel in {"09", "10"}:
                suggestion = _by_sex(sex, "17", "18")
            elif rel in {"21", "22"}:
                suggestion = "04" if (m["birth_year"] or 0) > (new_head["birth_year"] or 9999) else rel
        elif rel == HEAD:
            suggestion = OTHER_RELATIVE
        if suggestion != rel:
            result[m["id"]] = suggestion
    return result


def change_head(
    db: Database,
    household_id: int,
    *,
    new_head_id: int,
    relationships: dict[int, str] | None = None,
    event_type: str = "head_change",
) -> Changes:
    """Make ``new_head_id`` the head. ``relationships`` gives the new relationship of other
    members (at least the old head's if they stay living); missing ones come from
    :func:`suggest_relationships`."""
    db.require(Permission.EDIT_REGISTER)
    household = _live_household(db, household_id)
    new_head = _live_member(db, new_head_id)
    if new_head["household_id"] != household_id:
        raise ValidationFailed(ValidationIssue("Chủ hộ mới", "người được chọn không thuộc hộ này"))
    if new_head["life_status"] != "living":
        raise ValidationFailed(
            ValidationIssue("Chủ hộ mới", f"{new_head['full_name']} không còn sống tại hộ", value=new_head["full_name"])
        )
    rels = suggest_relationships(db, household_id, new_head_id)
    rels.update(relationships or {})
    rels[new_head_id] = HEAD
    codes = CodeBook(db)
    issues = []
    for code in rels.values():
        if not codes.has("relationship", code):
            issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=code))
    living_heads = [
        m
        for m in _living_members(db, household_id)
        if rels.get(m["id"], m["relationship_code"]) == HEAD and m["id"] != new_head_id
    ]
    for m in living_heads:
        issues.append(
            ValidationIssue(
                "relationship_code",
                f"cần chọn quan hệ mới với chủ hộ cho {m['full_name']} (chủ hộ cũ)",
                value=m["full_name"],
            )
        )
    if _errors(issues):
        raise ValidationFailed(issues)
    old_head_id = household["head_member_id"]
    rec = _Recorder(db, f"Đổi chủ hộ {household['code']}")
    with db.atomic() as conn:
        _apply_relationships(db, rec, household_id, rels)
        conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (new_head_id, household_id))
        _refresh_derived(db, household_id, codes)
        rec.event(
            household_id,
            event_type,
            member_id=new_head_id,
            details={"old_head_id": old_head_id, "new_head": new_head["full_name"], "relationships": rels},
        )
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
        member_id=new_head_id,
    )


def _apply_relationships(db: Database, rec: _Recorder, household_id: int, rels: dict[int, str]) -> None:
    rec.touch([household_id], rels.keys())
    now = clock.now_iso()
    db.conn.executemany(
        "UPDATE member SET relationship_code = ?, updated_at = ? WHERE id = ? AND household_id = ?",
        [(code, now, mid, household_id) for mid, code in rels.items()],
    )


# ------------------------------------------------------ deceased / moved ----


def mark_member_status(
    db: Database,
    member_id: int,
    *,
    status: str,
    date: str,
    new_head_id: int | None = None,
    relationships: dict[int, str] | None = None,
    note: str = "",
) -> Changes:
    """Record that a member died (``deceased``) or moved away (``moved_away``) on ``date``;
    ``status='living'`` undoes a mistaken record. A head who leaves living members behind
    needs ``new_head_id``."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    hid = int(current["household_id"])
    household = _live_household(db, hid)
    issues: list[ValidationIssue] = []
    if status not in LIFE_STATUS_LABELS:
        issues.append(ValidationIssue("life_status", "không hợp lệ", value=status))
    if status != "living":
        if not date:
            issues.append(ValidationIssue("life_status_date", "không được để trống"))
        _check_date(issues, "life_status_date", date, future_ok=False)
    others = [m for m in _living_members(db, hid) if m["id"] != member_id]
    is_head = current["relationship_code"] == HEAD
    if status != "living" and is_head and others:
        if new_head_id is None:
            issues.append(
                ValidationIssue(
                    "Chủ hộ mới",
                    f"{current['full_name']} là chủ hộ: hãy chọn chủ hộ mới trong số nhân khẩu còn lại",
                )
            )
        elif new_head_id not in {m["id"] for m in others}:
            issues.append(ValidationIssue("Chủ hộ mới", "phải là một nhân khẩu khác còn sống tại hộ"))
    if _errors(issues):
        raise ValidationFailed(issues)
    event_type = {"deceased": "member_deceased", "moved_away": "member_moved_away", "living": "update"}[status]
    rec = _Recorder(db, f"{LIFE_STATUS_LABELS[status]}: {current['full_name']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        if status != "living" and is_head and others and new_head_id is not None:
            rels = suggest_relationships(db, hid, new_head_id)
            rels.update(relationships or {})
            rels[new_head_id] = HEAD
            if rels.get(member_id, HEAD) == HEAD:
                rels[member_id] = OTHER_RELATIVE
            _apply_relationships(db, rec, hid, rels)
            conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (new_head_id, hid))
            rec.event(
                hid, "head_change", member_id=new_head_id, details={"old_head_id": member_id, "relationships": rels}
            )
        conn.execute(
            "UPDATE member SET life_status = ?, life_status_date = ?, note = CASE WHEN ? = '' THEN note ELSE ? END, "
            "updated_at = ? WHERE id = ?",
            (status, date if status != "living" else None, nfc(note), nfc(note), now, member_id),
        )
        _refresh_derived(db, hid, CodeBook(db))
        rec.event(hid, event_type, member_id=member_id, details={"name": current["full_name"], "date": date}, date=date)
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=household["id"],
        member_id=member_id,
    )


# ------------------------------------------------------------- move member ----


def move_member(
    db: Database,
    member_id: int,
    *,
    to_household_id: int,
    relationship_code: str,
    new_head_id: int | None = None,
    date: str | None = None,
) -> Changes:
    """Move a member to another household with a new relationship to its head.
    Moving the head of a household that keeps living members needs ``new_head_id`` there."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    source_id = int(current["household_id"])
    source = _live_household(db, source_id)
    target = _live_household(db, to_household_id)
    codes = CodeBook(db)
    issues: list[ValidationIssue] = []
    if to_household_id == source_id:
        issues.append(ValidationIssue("Hộ chuyển đến", "trùng với hộ hiện tại"))
    if not codes.has("relationship", relationship_code):
        issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=relationship_code))
    target_living = _living_members(db, to_household_id)
    if relationship_code == HEAD and any(m["relationship_code"] == HEAD for m in target_living):
        issues.append(ValidationIssue("relationship_code", f"hộ {target['code']} đã có chủ hộ", value="Chủ hộ"))
    if relationship_code != HEAD and not any(m["relationship_code"] == HEAD for m in target_living):
        issues.append(
            ValidationIssue(
                "relationship_code",
                f"hộ {target['code']} chưa có chủ hộ: người chuyển đến phải là chủ hộ",
            )
        )
    others = [m for m in _living_members(db, source_id) if m["id"] != member_id]
    head_leaves = current["relationship_code"] == HEAD and current["life_status"] == "living" and others
    if head_leaves and new_head_id not in {m["id"] for m in others}:
        issues.append(
            ValidationIssue("Chủ hộ mới", f"{current['full_name']} là chủ hộ {source['code']}: hãy chọn chủ hộ mới")
        )
    if _errors(issues):
        raise ValidationFailed(issues)
    rec = _Recorder(db, f"Chuyển {current['full_name']} sang hộ {target['code']}")
    with db.atomic() as conn:
        rec.touch([source_id, to_household_id], [member_id])
        if head_leaves and new_head_id is not None:
            rels = suggest_relationships(db, source_id, new_head_id)
            rels.pop(member_id, None)
            rels[new_head_id] = HEAD
            _apply_relationships(db, rec, source_id, rels)
            conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (new_head_id, source_id))
        conn.execute(
            _MOVE_SQL,
            (to_household_id, relationship_code, _next_order(db, to_household_id), clock.now_iso(), member_id),
        )
        if current["relationship_code"] == HEAD and not others:
            conn.execute("UPDATE household SET head_member_id = NULL WHERE id = ?", (source_id,))
        _refresh_derived(db, source_id, codes)
        _refresh_derived(db, to_household_id, codes)
        details = {"name": current["full_name"], "from": source["code"], "to": target["code"]}
        rec.event(
            source_id, "member_move_out", related=to_household_id, member_id=member_id, details=details, date=date
        )
        rec.event(to_household_id, "member_move_in", related=source_id, member_id=member_id, details=details, date=date)
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({source_id, to_household_id}),
        snapshot=snapshot,
        household_id=to_household_id,
        member_id=member_id,
    )


# ------------------------------------------------------------------- split ----


@dataclass
class SplitInput:
    """Tách hộ: chosen members leave ``household_id`` for a new household."""

    member_ids: list[int]
    new_code: str
    new_head_id: int
    village_id: int | None = None  # default: the original's
    address: str | None = None  # default: the original's
    phone: str = ""
    poverty_class: str | None = None  # default: copied (to be reviewed)
    relationships: dict[int, str] = field(default_factory=dict)  # new relationship codes, either household
    remaining_head_id: int | None = None  # needed when the head leaves
    date: str | None = None


_MOVE_SQL = "UPDATE member SET household_id = ?, relationship_code = ?, sort_order = ?, updated_at = ? WHERE id = ?"


def split_household(db: Database, household_id: int, *, split: SplitInput) -> Changes:
    """Split a household: the chosen members form a new household with a new code and head.
    Both keep their history (events ``split_to`` on the original, ``split_from`` on the new one)."""
    db.require(Permission.EDIT_REGISTER)
    source = _live_household(db, household_id)
    members = db.rows("SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL", (household_id,))
    by_id = {m["id"]: m for m in members}
    moving = list(dict.fromkeys(split.member_ids))
    issues: list[ValidationIssue] = []
    if not moving:
        issues.append(ValidationIssue("Nhân khẩu tách ra", "chưa chọn nhân khẩu nào"))
    for mid in moving:
        if mid not in by_id:
            issues.append(
                ValidationIssue("Nhân khẩu tách ra", f"nhân khẩu mã số {mid} không thuộc hộ {source['code']}")
            )
    staying_living = [m for m in members if m["id"] not in moving and m["life_status"] == "living"]
    if moving and not staying_living:
        issues.append(
            ValidationIssue(
                "Nhân khẩu tách ra", "phải còn ít nhất một nhân khẩu ở lại hộ cũ (nếu chuyển cả hộ, hãy sửa hộ)"
            )
        )
    if split.new_head_id not in moving:
        issues.append(ValidationIssue("Chủ hộ mới", "phải là một trong các nhân khẩu tách ra"))
    elif by_id[split.new_head_id]["life_status"] != "living":
        issues.append(ValidationIssue("Chủ hộ mới", "phải là người còn sống tại hộ"))
    head_leaves = source["head_member_id"] in moving or any(
        by_id[mid]["relationship_code"] == HEAD for mid in moving if mid in by_id
    )
    if head_leaves and staying_living and split.remaining_head_id not in {m["id"] for m in staying_living}:
        issues.append(
            ValidationIssue(
                "Chủ hộ ở lại", f"chủ hộ {source['code']} tách ra: hãy chọn chủ hộ mới cho những người ở lại"
            )
        )
    new = HouseholdInput(
        code=split.new_code,
        village_id=split.village_id or source["village_id"],
        address=source["address"] if split.address is None else split.address,
        phone=split.phone,
        area_type=source["area_type"],
        poverty_class=split.poverty_class or source["poverty_class"],
        escaped_date=source["escaped_date"],
    )
    codes = CodeBook(db)
    issues += validate_household(db, new, codes=codes)
    for code in split.relationships.values():
        if not codes.has("relationship", code):
            issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=code))
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    rec = _Recorder(db, f"Tách hộ {source['code']} → {nfc(split.new_code)}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([household_id], [m["id"] for m in members])
        values = _household_values(new)
        cur = conn.execute(
            f"INSERT INTO household ({', '.join(values)}, created_at, updated_at) "
            f"VALUES ({', '.join(':' + k for k in values)}, :now, :now)",
            {**values, "now": now},
        )
        new_id = int(cur.lastrowid or 0)
        rec.created([new_id])
        # relationships in the new household: the new head, then suggestions relative to him/her
        new_rels = {mid: code for mid, code in suggest_relationships(db, household_id, split.new_head_id).items()}
        for order, mid in enumerate(moving, start=1):
            code = split.relationships.get(mid) or new_rels.get(mid) or by_id[mid]["relationship_code"]
            if mid == split.new_head_id:
                code = HEAD
            elif code == HEAD:
                code = OTHER_RELATIVE
            conn.execute(
                _MOVE_SQL,
                (new_id, code, order, now, mid),
            )
        if head_leaves and split.remaining_head_id is not None:
            stay_rels = suggest_relationships(db, household_id, split.remaining_head_id)
            for mid in list(stay_rels):
                if mid in moving:
                    stay_rels.pop(mid)
            for mid, code in split.relationships.items():
                if mid not in moving:
                    stay_rels[mid] = code
            stay_rels[split.remaining_head_id] = HEAD
            _apply_relationships(db, rec, household_id, stay_rels)
            conn.execute(
                "UPDATE household SET head_member_id = ? WHERE id = ?", (split.remaining_head_id, household_id)
            )
        else:
            stay_rels = {mid: code for mid, code in split.relationships.items() if mid not in moving}
            if stay_rels:
                _apply_relationships(db, rec, household_id, stay_rels)
        _refresh_derived(db, household_id, codes)
        _refresh_derived(db, new_id, codes)
        names = [by_id[mid]["full_name"] for mid in moving]
        rec.event(
            household_id,
            "split_to",
            related=new_id,
            details={"new_code": values["code"], "members": names},
            date=split.date,
        )
        rec.event(
            new_id,
            "split_from",
            related=household_id,
            member_id=split.new_head_id,
            details={"from_code": source["code"], "members": names},
            date=split.date,
        )
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        rows_added_or_removed=True,
        household_ids=frozenset({household_id, new_id}),
        snapshot=snapshot,
        household_id=new_id,
        member_ids=tuple(moving),
        warnings=_warnings(issues),
    )


# ------------------------------------------------------------------- merge ----


def merge_households(
    db: Database,
    *,
    target_id: int,
    source_id: int,
    relationships: dict[int, str] | None = None,
    date: str | None = None,
) -> Changes:
    """Nhập hộ: members of ``source_id`` join ``target_id`` and the source is soft-deleted.
    ``relationships`` gives their relationship to the target's head (default "Người thân khác")."""
    db.require(Permission.EDIT_REGISTER)
    target = _live_household(db, target_id)
    source = _live_household(db, source_id)
    issues: list[ValidationIssue] = []
    if target_id == source_id:
        issues.append(ValidationIssue("Hộ nhập vào", "phải khác hộ được nhập"))
    if not any(m["relationship_code"] == HEAD for m in _living_members(db, target_id)):
        issues.append(ValidationIssue("Chủ hộ", f"hộ {target['code']} chưa có chủ hộ"))
    codes = CodeBook(db)
    rels = dict(relationships or {})
    for code in rels.values():
        if code == HEAD:
            issues.append(ValidationIssue("relationship_code", "hộ nhập vào đã có chủ hộ", value="Chủ hộ"))
        elif not codes.has("relationship", code):
            issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=code))
    if _errors(issues):
        raise ValidationFailed(issues)
    joining = db.rows(
        "SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL ORDER BY sort_order, id", (source_id,)
    )
    rec = _Recorder(db, f"Nhập hộ {source['code']} vào hộ {target['code']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([target_id, source_id], [m["id"] for m in joining])
        order = _next_order(db, target_id)
        for m in joining:
            code = rels.get(m["id"]) or OTHER_RELATIVE
            conn.execute(
                _MOVE_SQL,
                (target_id, code, order, now, m["id"]),
            )
            order += 1
        conn.execute(
            "UPDATE household SET deleted_at = ?, head_member_id = NULL, updated_at = ? WHERE id = ?",
            (now, now, source_id),
        )
        _refresh_derived(db, target_id, codes)
        names = [m["full_name"] for m in joining]
        rec.event(
            target_id,
            "merged_from",
            related=source_id,
            details={"from_code": source["code"], "members": names},
            date=date,
        )
        rec.event(
            source_id,
            "merge_into",
            related=target_id,
            details={"into_code": target["code"], "members": names},
            date=date,
        )
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        rows_added_or_removed=True,
        household_ids=frozenset({target_id, source_id}),
        snapshot=snapshot,
        household_id=target_id,
        member_ids=tuple([m["id"] for m in joining]),
    )


def class_choices() -> list[tuple[str, str]]:
    return [(c.value, CLASS_LABELS[c]) for c in PovertyClass]


def snapshot_to_json(snapshot: Snapshot) -> str:
    """Serialise a snapshot (debugging, tests)."""
    return json.dumps(asdict(snapshot), ensure_ascii=False, default=str)


# ------------------------------------------------------------------ export ----

_EXPORT_SQL = """
    SELECT h.id AS household_id, h.code, v.name AS village_name, h.address, h.phone, h.poverty_class,
           h.class_decision, h.class_date, h.waste_treatment,
           (SELECT group_concat(c.name, '; ') FROM household_cause hc
              JOIN code_list c ON c.list_name = 'poverty_cause' AND c.code = hc.cause_code
             WHERE hc.household_id = h.id) AS causes,
           m.full_name, m.birth_date, m.birth_year, m.sex, m.id_number, m.hi_card_number, m.hi_valid_to,
           m.occupation, m.note, m.sort_order,
           r.name AS relationship_name, e.name AS ethnicity_name, ed.name AS education_name,
           sc.name AS schooling_name, em.name AS employment_name
    FROM household h
    JOIN village v ON v.id = h.village_id
    JOIN member m ON m.household_id = h.id AND m.deleted_at IS NULL AND m.life_status = 'living'
    LEFT JOIN code_list r ON r.list_name = 'relationship' AND r.code = m.relationship_code
    LEFT JOIN code_list e ON e.list_name = 'ethnicity' AND e.code_system = m.ethnicity_system
         AND e.code = m.ethnicity_code
    LEFT JOIN code_list ed ON ed.list_name = 'education_level' AND ed.code = m.education_level
    LEFT JOIN code_list sc ON sc.list_name = 'schooling' AND sc.code = m.schooling
    LEFT JOIN code_list em ON em.list_name = 'employment' AND em.code = m.employment
    WHERE h.id IN ({marks})
"""


def register_sheet(db: Database, household_ids: list[int], *, subtitle: str = "") -> RegisterSheet:
    """The given households (in this order) with their living members, for ``export.register_xlsx``.

    The rows are read while the file is written, so the sheet is used on the thread that owns ``db``.
    """
    db.require(Permission.EXPORT)
    commune = db.row("SELECT name FROM commune WHERE id = 1") or {"name": ""}
    order = {hid: index for index, hid in enumerate(household_ids)}

    def batches() -> Iterable[list[dict[str, Any]]]:
        step = 500
        for start in range(0, len(household_ids), step):
            chunk = household_ids[start : start + step]
            rows = db.rows(_EXPORT_SQL.format(marks=",".join("?" * len(chunk))), chunk)
            rows.sort(key=lambda r: (order[r["household_id"]], r["relationship_name"] != "Chủ hộ", r["sort_order"]))
            yield rows

    return RegisterSheet(
        title=f"DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU — {str(commune['name']).upper()}",
        subtitle=subtitle or f"{len(household_ids)} hộ",
        total=len(household_ids),
        batches=batches(),
    )
