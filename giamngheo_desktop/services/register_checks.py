"""The register's checks: a household's own fields, and members a column at a time (one member is the
one-row case).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain.errors import ValidationIssue
from giamngheo_desktop.domain.idnumber import id_contradictions, id_facts, normalize_id
from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS, PovertyClass
from giamngheo_desktop.services.register_columns import by_field
from giamngheo_desktop.services.register_records import (
    _HOUSEHOLD_KEYS,
    DEFAULT_ETHNICITY_SYSTEM,
    CodeBook,
    HouseholdInput,
    MemberInput,
    MemberMemo,
    parse_iso_date,
)
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import nfc


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
_HOUSEHOLD_CODE_FIELDS = sorted(
    (f for f in field_table.FIELDS if f.level == "household" and f.kind in ("code", "codes")),
    key=lambda f: f.key == "causes",  # the causes last, as the dialog shows them
)
_CODE_LIST_NOUNS = {
    "housing_material": "vật liệu",
    "water_source": "nguồn nước",
    "latrine_type": "nhà tiêu",
    "poverty_cause": "nguyên nhân nghèo",
}


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
    for spec in _HOUSEHOLD_CODE_FIELDS:  # code-list fields, from the field table
        held = getattr(data, spec.key)
        for value in held if spec.kind == "codes" else [held]:
            if value and not codes.has(spec.code_list, value):
                noun = _CODE_LIST_NOUNS.get(spec.code_list, "")
                message = f"không có trong danh mục {noun}".strip()
                issues.append(ValidationIssue(label[spec.key], message, row=row, value=value))
    if data.floor_area is not None and not (0 <= data.floor_area < 10_000):
        issues.append(
            ValidationIssue(label["floor_area"], "phải từ 0 đến dưới 10.000 m²", row=row, value=str(data.floor_area))
        )
    if data.income_per_capita is not None and data.income_per_capita < 0:
        issues.append(ValidationIssue(label["income_per_capita"], "không được âm", row=row))
    return issues


# the code-list fields the checks read the list of (domain.fields); relationship and ethnicity are checked apart
_MEMBER_CODE_LISTS = tuple(
    (f.key, f.code_list)
    for f in field_table.FIELDS
    if f.level == "member" and f.kind == "code" and f.key not in ("relationship_code", "ethnicity_code")
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
