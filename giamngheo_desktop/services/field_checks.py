"""The one validator of household and member fields: the rules the field table declares.

Each field of :mod:`giamngheo_desktop.domain.fields` declares what its value must be (its
:class:`~giamngheo_desktop.domain.fields.Rule`, its kind, its code list). :func:`check_records`
checks them over one record (a dialog's save) or 200,000 (an import) a column at a time: a
column whose values are all good is seen to be so from its distinct values, its smallest and
largest value or a scan in C, and no row is read in Python. The rules that join several fields
of a record (a birth year against the birth date, an ID number against sex and birth year, a
death without its date, a newly escaped household after 36 months) are the code at the end,
in one place. The dialogs' save, the import and the register's other writes all come here
(through ``register_checks``); a problem names its field by key.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain.idnumber import IdFacts, checked_ids, id_contradictions, id_facts, normalize_id
from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS, PovertyClass
from giamngheo_desktop.services.register_records import DEFAULT_ETHNICITY_SYSTEM, CodeBook, MemberMemo, parse_iso_date
from giamngheo_desktop.text import nfc_all

# (record index, field key, problem, value shown, severity)
Add = Callable[[int, str, str, "str | None", str], None]
# (field key, record index, value) → (problem, value shown) when another record of the register holds the value
Taken = Callable[[str, int, Any], "tuple[str, str] | None"]

INVALID_DATE = "không phải ngày hợp lệ (dạng ngày/tháng/năm)"
FUTURE = "không được sau ngày hôm nay"
NOT_A_VILLAGE = "không có trong danh sách thôn/tổ của xã"


@dataclass
class Context:
    """What the rules are checked against: code lists, today, the register (for unique values)."""

    codes: CodeBook
    today: _dt.date
    memo: MemberMemo = field(default_factory=MemberMemo)
    taken: Taken | None = None  # None: unique values are not looked up
    villages: Callable[[], set[int]] | None = None  # the commune's villages (None: not checked)
    # each date column's distinct values → (date, problem), and its dates by record
    dates: dict[str, dict[Any, tuple[_dt.date | None, str | None]]] = field(default_factory=dict)
    read: dict[str, list[Any]] = field(default_factory=dict)  # the column each date column's checks were read from
    ids: list[IdFacts | None] = field(default_factory=list)  # the ID numbers' facts (set by the id_number rule)

    def date_checks(self, spec: field_table.Field, values: list[Any]) -> dict[Any, tuple[_dt.date | None, str | None]]:
        """Each distinct date of a date column once: (date, problem)."""
        checked = self.dates.get(spec.key)
        if checked is None:
            checked = self.dates[spec.key] = {}
        elif self.read.get(spec.key) is values:  # this column's dates are all checked already
            return checked
        self.read[spec.key] = values
        for value in set(values) if values.count(None) != len(values) else ():
            if value is not None and value != "" and value not in checked:
                checked[value] = date_problem(value, spec.rule, self.today, self.memo)
        checked[None] = checked[""] = (None, None)
        return checked

    def parsed(self, spec: field_table.Field, values: list[Any]) -> list[_dt.date | None]:
        """The date of each value of a date column (None where empty or not a date)."""
        checked = self.date_checks(spec, values)
        dates = {value: found[0] for value, found in checked.items()}  # each distinct value once, the column in C
        return list(map(dates.__getitem__, values))


def date_problem(
    value: Any, rule: field_table.Rule, today: _dt.date, memo: MemberMemo | None = None
) -> tuple[_dt.date | None, str | None]:
    """(date, problem) of a date field's value that is not empty (the date even when it breaks a rule)."""
    parsed = memo.date(value) if memo is not None and type(value) is str else parse_iso_date(value)
    if parsed is None or len(str(value)) != 10:
        return parsed, INVALID_DATE
    if rule.past and parsed > today:
        return parsed, FUTURE
    if rule.earliest and parsed.year < rule.earliest:
        return parsed, f"không hợp lý (trước năm {rule.earliest})"
    return parsed, None


# the fields each level's validator reads: those with a rule, then those the joined rules read
RULED: dict[str, tuple[field_table.Field, ...]] = {
    level: tuple(f for f in field_table.FIELDS if f.level == level and f.declared())
    for level in ("household", "member")
}
_JOINED = {"household": ("poverty_class", "escaped_date"), "member": ("sex", "birth_date", "birth_year",
           "id_number", "ethnicity_system", "life_status", "life_status_date")}  # fmt: skip
READ: dict[str, tuple[str, ...]] = {
    level: tuple(dict.fromkeys([*(f.key for f in RULED[level]), *(f.system for f in RULED[level] if f.system),
                                *_JOINED[level]]))
    for level in RULED
}  # fmt: skip
_SPEC = {(f.level, f.key): f for f in field_table.FIELDS}


_FIRST = itemgetter(slice(0, 1))
NO_LETTER = "không có chữ cái nào: phải ghi họ tên người (không chỉ dấu, gạch hay số)"


def check_records(level: str, records: Sequence[Any], add: Add, ctx: Context) -> None:
    """Check ``records`` (HouseholdInput or MemberInput, of one ``level``) against every rule:
    each field's rules in the field table's order, then the rules that join fields."""
    if not records:
        return
    check_columns(level, {key: list(map(attrgetter(key), records)) for key in READ[level]}, add, ctx)


def check_columns(level: str, columns: dict[str, list[Any]], add: Add, ctx: Context) -> None:
    """:func:`check_records` of records given a column per field (``READ[level]``; e.g. rows of the register)."""
    for spec in RULED[level]:
        check_column(spec, columns, add, ctx)
    if level == "member":
        _joined_member(columns, add, ctx)
    else:
        _joined_household(columns, add, ctx)


def check_value(level: str, key: str, value: Any, ctx: Context) -> list[tuple[str, str]]:
    """(problem, severity) of one field's value, by its rules alone (a date typed in a small dialog)."""
    found: list[tuple[str, str]] = []
    check_column(_SPEC[(level, key)], {key: [value]}, lambda _i, _k, text, _v, sev: found.append((text, sev)), ctx)
    return found


def _empty(value: Any) -> bool:
    return value is None or value == ""


def check_column(spec: field_table.Field, columns: dict[str, list[Any]], add: Add, ctx: Context) -> None:
    """One field's rules over its column (``columns[spec.key]``; a text column is put in NFC there)."""
    rule, key, kind = spec.rule, spec.key, spec.kind
    values = columns[key]
    if kind == "text" and (rule.required or rule.max_length):
        given = values
        values = columns[key] = nfc_all(values)
        ctx.memo.keep(f"nfc {spec.level} {key}", given, values)  # (the import's writing puts the names in NFC too)
    bad: set[int] = set()  # records with an error in this field already named

    def fail(i: int, message: str, shown: str | None, severity: str = "error") -> None:
        add(i, key, message, shown, severity)
        if severity == "error":
            bad.add(i)

    if rule.required and (None in values or "" in values):
        for i, value in enumerate(values):
            if value is None or value == "":
                fail(i, rule.missing, None, rule.required)
    if rule.max_length and max(map(len, values)) > rule.max_length:
        for i, value in enumerate(values):
            if len(value) > rule.max_length:
                fail(i, f"dài quá {rule.max_length} ký tự", value[: rule.max_length])
    if rule.letters and not all(map(str.isalpha, set(map(_FIRST, filter(None, values))))):
        for i, value in enumerate(values):  # some start with no letter (most names do): only those looked at
            if value and not value[0].isalpha() and not any(map(str.isalpha, value)):
                fail(i, NO_LETTER, value)
    if rule.choices:
        wrong = set(values) - set(rule.choices)
        wrong.discard(None)
        wrong.discard("")
        if wrong:
            for i, value in enumerate(values):
                if value in wrong:
                    fail(i, rule.wrong, str(value))
    if kind == "date":
        checked = ctx.date_checks(spec, values)
        if any(problem for _date, problem in checked.values()):
            for i, value in enumerate(values):
                problem = checked[value][1]
                if problem:
                    fail(i, problem, str(value))
    elif rule.low is not None or rule.below is not None or (kind == "year" and (rule.past or rule.earliest)):
        _check_bounds(spec, values, fail, ctx)
    if spec.code_list:
        _check_codes(spec, values, columns, fail, ctx)
    if kind == "village" and ctx.villages is not None:
        known = ctx.villages()
        for i, value in enumerate(values):
            if value not in known:
                fail(i, NOT_A_VILLAGE, None)
    if rule.id_number:
        _check_ids(key, values, fail, ctx)
    if rule.unique and ctx.taken is not None:
        for i, value in enumerate(values):
            if i not in bad and not _empty(value):
                found = ctx.taken(key, i, value)
                if found is not None:
                    fail(i, found[0], found[1])
    if rule.not_before:
        other = _SPEC[(spec.level, rule.not_before)]
        earlier = columns[other.key]
        both = [i for i in filled(values) if not _empty(earlier[i])]
        if both:
            starts, ends = ctx.date_checks(other, earlier), ctx.date_checks(spec, values)
            for i in both:
                start, end = starts[earlier[i]][0], ends[values[i]][0]
                if start and end and end < start:
                    add(i, key, rule.order, str(values[i]), "error")


def filled(values: list[Any]) -> list[int]:
    """Indices of the values that are neither None nor '' (no loop in Python when all are None)."""
    if values.count(None) == len(values):
        return []
    return [i for i, v in enumerate(values) if v is not None and v != ""]


def _check_bounds(spec: field_table.Field, values: list[Any], fail: Callable[..., None], ctx: Context) -> None:
    """A number between its bounds; a year not before the earliest nor (``past``) after this year."""
    rule = spec.rule
    given = [v for v in values if v is not None] if None in values else values
    if not given:
        return
    low: float | None = rule.low
    high: float | None = None  # inclusive
    below: float | None = rule.below  # exclusive
    if spec.kind == "year":
        low = rule.earliest or low
        high = ctx.today.year if rule.past else None
    smallest, largest = min(given), max(given)
    if (low is None or smallest >= low) and (high is None or largest <= high) and (below is None or largest < below):
        return
    for i, value in enumerate(values):
        if value is not None and (
            (low is not None and value < low)
            or (high is not None and value > high)
            or (below is not None and value >= below)
        ):
            fail(i, rule.wrong, str(value))


def _check_codes(
    spec: field_table.Field, values: list[Any], columns: dict[str, list[Any]], fail: Callable[..., None], ctx: Context
) -> None:
    """Every value of a 'code' or 'codes' field in its code list (a list per code system, where it has them)."""
    codes = ctx.codes
    noun = field_table.CODE_LIST_NOUNS.get(spec.code_list, "")
    if spec.system:  # one list per code system (ethnicity): the record names its system
        systems = columns[spec.system]
        pairs = (
            {(systems[0], code) for code in set(values)}  # one system for all (the usual): no pair per record
            if systems and systems.count(systems[0]) == len(systems)
            else set(zip(systems, values, strict=True))
        )
        unknown = {
            (system, code)
            for system, code in pairs
            if not _empty(code) and code not in codes.items(spec.code_list, system or DEFAULT_ETHNICITY_SYSTEM)
        }
        if unknown:
            for i, pair in enumerate(zip(systems, values, strict=True)):
                if pair in unknown:
                    fail(i, f"không có trong bảng mã {noun} {pair[0] or DEFAULT_ETHNICITY_SYSTEM}".strip(), pair[1])
        return
    items = codes.items(spec.code_list)
    message = f"không có trong danh mục {noun}".strip()
    if spec.kind == "codes":  # a list of codes per record (an import's households mostly hold none: not looked at)
        for i, held in enumerate(values) if any(values) else ():
            for code in held or ():
                if code and code not in items:
                    fail(i, message, str(code))
        return
    wrong = {v for v in set(values) if not _empty(v) and v not in items}
    if wrong:
        for i, value in enumerate(values):
            if value in wrong:
                fail(i, message, str(value))


def _check_ids(key: str, values: list[Any], fail: Callable[..., None], ctx: Context) -> None:
    """A personal ID number: 12 digits with a known province (an old 9-digit CMND: a warning)."""
    facts, plain = checked_ids(values)
    ctx.ids = facts
    ctx.memo.keep("id facts", values, (facts, plain))  # (the import's writing stores the numbers and their kinds)
    # not empty, and not a good 12-digit number (a comprehension: an import checks 200,000)
    for i, found in [(i, f) for i, f in enumerate(facts) if f is not None and (f[1] or f[0] != "cccd")]:
        kind, problems = found[0], found[1]
        if kind is None:
            fail(i, "; ".join(problems), str(values[i]))
        elif problems:
            fail(i, "; ".join(problems), normalize_id(values[i]), "warning" if kind == "cmnd" else "error")


# -- the rules that join fields of one record ----------------------------------------------------------

_NEWLY_ESCAPED_MONTHS = 36


def _joined_household(columns: dict[str, list[Any]], add: Add, ctx: Context) -> None:
    classes, escaped_dates = columns["poverty_class"], columns["escaped_date"]
    if PovertyClass.NEWLY_ESCAPED not in classes:  # (50,000 households of an import: none looked at one by one)
        return
    for i, (klass, value) in enumerate(zip(classes, escaped_dates, strict=True)):
        if klass == PovertyClass.NEWLY_ESCAPED and value:
            escaped = parse_iso_date(value)
            if escaped and (ctx.today - escaped).days > _NEWLY_ESCAPED_MONTHS * 31:
                add(
                    i,
                    "escaped_date",
                    "hộ mới thoát nghèo chỉ tính trong 36 tháng kể từ ngày thoát nghèo",
                    value,
                    "warning",
                )


def _joined_member(columns: dict[str, list[Any]], add: Add, ctx: Context) -> None:
    count = len(columns["sex"])
    births = ctx.parsed(_SPEC[("member", "birth_date")], columns["birth_date"])
    years, sexes = columns["birth_year"], columns["sex"]
    # a birth year and a birth date that disagree; neither (rows picked by comprehensions: 200,000 in an import)
    wrong_year = {i for i in filled(years) if (birth := births[i]) is not None and birth.year != years[i]}
    unborn = {i for i, birth in enumerate(births) if birth is None and not years[i]} if None in births else set()
    for i in sorted(wrong_year | unborn):
        birth = births[i]
        if i in wrong_year and birth is not None:
            add(i, "birth_year", f"khác với năm của ngày sinh ({birth.year})", str(years[i]), "error")
        if i in unborn:
            add(i, "birth_date", "chưa có ngày hoặc năm sinh", None, "warning")
    # what a good 12-digit ID number says of its holder's sex and birth year
    numbers = columns["id_number"]
    facts = ctx.ids if len(ctx.ids) == count else id_facts(numbers)
    told = [
        i
        for i, f, sex, year, birth in zip(range(count), facts, sexes, years, births, strict=True)
        if f is not None
        and f[0] == "cccd"
        and not f[1]
        and ((sex and f[2] != sex) or ((said := year or (birth.year if birth else None)) and f[3] != said))
    ]
    for i in told:
        birth = births[i]
        sex, year = sexes[i], years[i] or (birth.year if birth else None)
        normalized = normalize_id(numbers[i])
        for text in id_contradictions(normalized, sex=sex, birth_year=year):
            add(i, "id_number", text, normalized, "warning")
    statuses, status_dates = columns["life_status"], columns["life_status_date"]
    if set(statuses) != {"living"}:
        for i, status in enumerate(statuses):
            if status != "living" and status in LIFE_STATUS_LABELS and not status_dates[i]:
                add(i, "life_status_date", "cần ghi ngày chết hoặc ngày chuyển đi", None, "warning")
