"""Households and members as database columns (many at once), and database rows as inputs."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import attrgetter, itemgetter
from typing import Any

from giamngheo_desktop.domain.idnumber import id_columns
from giamngheo_desktop.services.register_records import (
    DEFAULT_ETHNICITY_SYSTEM,
    HouseholdInput,
    MemberInput,
    MemberMemo,
    _bool,
    parse_iso_date,
)
from giamngheo_desktop.text import fold, nfc, nfc_all, nfc_or_none


def _household_values(data: HouseholdInput) -> dict[str, Any]:
    """The household's columns as written."""
    return {key: column[0] for key, column in household_columns([data]).items()}


def household_columns(households: Sequence[HouseholdInput]) -> dict[str, list[Any]]:
    """:func:`_household_values` of many households, a column at a time (see :func:`member_columns`)."""
    f = by_field(households, [h.name for h in fields(HouseholdInput) if h.name != "causes"])
    codes, code_folds = _codes_folded(f["code"])
    devices = f["info_devices"]

    def none_if_empty(key: str) -> list[Any]:
        return [v or None for v in f[key]]

    return {
        "code": codes,
        "code_fold": code_folds,
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


_ASCII_SPACES = " \t\r\x0b\x0c\x1c\x1d\x1e\x1f"  # the ASCII white space but the line break


def _codes_folded(texts: list[Any]) -> tuple[list[str], list[str]]:
    """``nfc`` of each household code and ``fold`` of that: plain ASCII codes without white space (the usual,
    "HGD-00001") are both as they are, lower-cased in one call."""
    joined = "\n".join(texts) if texts and set(map(type, texts)) == {str} else None
    if (
        joined is None
        or not joined.isascii()
        or joined.count("\n") != len(texts) - 1
        or any(space in joined for space in _ASCII_SPACES)
    ):
        codes = nfc_all(texts)
        return codes, list(map(fold, codes))
    return list(texts), joined.lower().split("\n")


def _member_values(data: MemberInput, memo: MemberMemo | None = None) -> dict[str, Any]:
    """The member's columns as written."""
    return {key: column[0] for key, column in member_columns([data], memo).items()}


def by_field(items: Sequence[Any], names: Sequence[str]) -> dict[str, list[Any]]:
    """Field name → the field's value of every item (one pass in C per field: faster than
    transposing one tuple per item)."""
    return {name: list(map(attrgetter(name), items)) for name in names}


def _or_none(values: list[Any]) -> list[Any]:
    """``[v or None for v in values]`` of a text column (loops in Python only when some value is '')."""
    if values.count(None) == len(values):  # (most columns of most members: told apart in C by identity)
        return values
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


def member_search_columns(
    names: Sequence[str], numbers: Sequence[str | None], memo: MemberMemo
) -> dict[str, list[Any]]:
    """The ``full_name``, ``name_fold``, ``id_number`` and ``id_kind`` columns :func:`member_columns` gives of members
    with these names and ID numbers (a household's search text is made of their name folds and ID numbers;
    ``member_columns`` takes them as ``known``)."""
    written = memo.kept_for("nfc member full_name", names)  # as the register's checks put them (planning)
    if written is None:
        written = nfc_all(list(names))
    folds = list(map(memo.fold, written))
    id_numbers, kinds = _stored_ids(numbers, memo)
    return {"full_name": written, "name_fold": folds, "id_number": id_numbers, "id_kind": kinds}


def _stored_ids(numbers: Sequence[str | None], memo: MemberMemo) -> tuple[list[str | None], list[str | None]]:
    """:func:`id_columns` of ``numbers``; taken from what the register's checks found of the same numbers (every one
    plain: each stored as it is, a CCCD) when they did."""
    found = memo.kept_for("id facts", numbers)
    if found is None or not found[1]:
        return id_columns(numbers)
    facts = found[0]
    if None not in facts:  # every member has a number (the usual)
        return list(numbers), ["cccd"] * len(facts)
    return [v or None for v in numbers], [None if f is None else "cccd" for f in facts]


def member_columns(
    members: Sequence[MemberInput], memo: MemberMemo | None = None, known: dict[str, list[Any]] | None = None
) -> dict[str, list[Any]]:
    """:func:`_member_values` of many members, a column at a time (column → one value per member).

    An import writes 200,000 members: building a dict of some thirty values per member
    cost more than inserting the rows; each column is made by one pass over one field.
    ``known``: the columns :func:`member_search_columns` made of the same members (not made again).
    """
    return member_columns_of(by_field(members, _MEMBER_FIELD_NAMES), memo, known)


def member_columns_of(
    f: dict[str, list[Any]], memo: MemberMemo | None = None, known: dict[str, list[Any]] | None = None
) -> dict[str, list[Any]]:
    """:func:`member_columns` of members given a column per :class:`MemberInput` field (``f``, read, not
    changed; a column given back may be the one given): a re-import compares the register's members with
    the file's without making a ``MemberInput`` of each first."""
    memo = memo or MemberMemo()
    names = known["full_name"] if known is not None and "full_name" in known else list(map(nfc, f["full_name"]))
    birth_dates = f["birth_date"]
    distinct = set(birth_dates)
    if set(map(type, distinct)) <= {str, type(None)}:  # ISO texts (the usual): each read once
        iso_dates, years = memo.iso_years(birth_dates, distinct)
    else:
        births = [memo.date(b) if type(b) is str else parse_iso_date(b) for b in birth_dates]
        iso_dates = [
            memo.iso(text) if type(text) is str else (b.isoformat() if b else None)
            for text, b in zip(birth_dates, births, strict=True)
        ]
        years = [b.year if b else None for b in births]
    if known is not None:
        numbers, kinds = known["id_number"], known["id_kind"]
    else:
        numbers, kinds = id_columns(f["id_number"])
    ethnic = f["ethnicity_code"]
    systems = f["ethnicity_system"]
    count = len(names)
    given_years = f["birth_year"]
    allowances = f["social_allowance"]
    return {
        "full_name": names,
        "name_fold": known["name_fold"] if known is not None else memo.folded(names),
        "birth_date": iso_dates,
        "birth_year": (
            years  # no year of its own (a re-import: every member with a date)
            if given_years.count(None) == count
            else [y or year for y, year in zip(given_years, years, strict=True)]
        ),
        "sex": f["sex"],
        "id_number": numbers,
        "id_kind": kinds,
        "id_issue_date": _or_none(f["id_issue_date"]),
        "ethnicity_system": (
            list(systems)  # every member with a code and a system (the usual)
            if all(ethnic) and all(systems)
            else [
                (system or DEFAULT_ETHNICITY_SYSTEM) if code else None
                for system, code in zip(systems, ethnic, strict=True)
            ]
        ),
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
        "social_allowance": (
            list(allowances) if set(map(type, allowances)) <= {int} else [int(v or 0) for v in allowances]
        ),
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


def household_input_reader(columns: Sequence[str]) -> Callable[[Sequence[Any]], HouseholdInput]:
    """:func:`household_input_from_row` for rows given as tuples of these columns, the last one
    ``causes`` (:func:`register_reading.household_rows`)."""
    index = {name: i for i, name in enumerate(columns)}
    names = [name for name in _HOUSEHOLD_PLAIN_NAMES if name in index]
    pick = itemgetter(*(index[name] for name in names))
    bools = [name for name in _HOUSEHOLD_BOOLS if name in index]
    devices, causes = index.get("info_devices"), index["causes"]

    def read(row: Sequence[Any]) -> HouseholdInput:
        values = dict(zip(names, pick(row), strict=True))
        for name in bools:
            if values[name] is not None or name in _HOUSEHOLD_FLAGS:
                values[name] = bool(values[name])
        values["info_devices"] = [d for d in ((row[devices] if devices is not None else "") or "").split(",") if d]
        values["causes"] = list(row[causes])
        return HouseholdInput(**values)

    return read


def household_input_columns(table: dict[str, list[Any]], count: int) -> list[HouseholdInput]:
    """The ``HouseholdInput`` of each of ``count`` household rows (``table``: column → value of each row, the
    last one ``causes``) as :func:`household_input_reader` makes it, made a field at a time."""
    f: dict[str, Any] = {}
    for spec in _HOUSEHOLD_FIELDS:
        name = spec.name
        column = table.get(name)
        if name == "info_devices":
            f[name] = (
                [[d for d in (v or "").split(",") if d] for v in column]
                if column and any(column)
                else [[] for _ in range(count)]  # (none holds any: the usual)
            )
        elif name == "causes":
            f[name] = list(map(list, column)) if column else [[] for _ in range(count)]
        elif column is None:
            f[name] = itertools.repeat(spec.default)
        elif name in _HOUSEHOLD_FLAGS:
            f[name] = list(map(bool, column))
        elif name in _HOUSEHOLD_BOOLS:
            f[name] = column if column.count(None) == count else [None if v is None else bool(v) for v in column]
        else:
            f[name] = column
    return list(map(HouseholdInput, *f.values()))


def member_input_reader(columns: Sequence[str]) -> Callable[[Sequence[Any]], MemberInput]:
    """:func:`member_input_from_row` for rows given as tuples of these columns (a re-import reads
    every member of the register: one C call picks the fields in order, no dict per row)."""
    index = {name: i for i, name in enumerate(columns)}
    if not all(name in index for name in _MEMBER_FIELD_NAMES):
        names = list(columns)
        return lambda row: member_input_from_row(dict(zip(names, row, strict=True)))
    pick = itemgetter(*(index[name] for name in _MEMBER_FIELD_NAMES))
    shared: dict[str, str] = {}  # one str per code: SQLite hands a new one for each row

    def read(row: Sequence[Any]) -> MemberInput:
        data = MemberInput(*pick(row))
        one = shared.setdefault
        if data.relationship_code is not None:
            data.relationship_code = one(data.relationship_code, data.relationship_code)
        if data.ethnicity_system is not None:
            data.ethnicity_system = one(data.ethnicity_system, data.ethnicity_system)
        if data.life_status is not None:
            data.life_status = one(data.life_status, data.life_status)
        data.trained_on_job = bool(data.trained_on_job)
        if data.labour_contract is not None:
            data.labour_contract = bool(data.labour_contract)
        if data.birth_date:
            data.birth_year = None  # follows the date
        return data

    return read


def member_input_columns(table: dict[str, list[Any]], count: int) -> dict[str, list[Any]]:
    """The :class:`MemberInput` of each of ``count`` member rows (``table``: database column → value of each
    row) as :func:`member_input_reader` makes it, as a column per field instead (field → value of each row):
    a re-import reads every member of the register. The lists of ``table`` are not changed."""
    f = {
        name: table[name] if name in table else [f.default] * count
        for name, f in zip(_MEMBER_FIELD_NAMES, _MEMBER_FIELDS, strict=True)
    }
    for name in ("relationship_code", "ethnicity_system", "life_status"):  # one str per code, as the reader has
        column = f[name]
        shared = {code: code for code in set(column)}
        f[name] = list(map(shared.__getitem__, column))
    f["trained_on_job"] = list(map(bool, f["trained_on_job"]))
    contracts = f["labour_contract"]
    if contracts.count(None) != count:
        f["labour_contract"] = [None if v is None else bool(v) for v in contracts]
    dates = f["birth_date"]
    if all(dates):  # the year follows the date (every member has one: the usual)
        f["birth_year"] = [None] * count
    elif any(dates):
        f["birth_year"] = [None if d else y for d, y in zip(dates, f["birth_year"], strict=True)]
    return f


_HOUSEHOLD_COLUMNS: list[str] = []


_MEMBER_COLUMNS: list[str] = []
