"""Every rule the field table declares is enforced where a value comes in: the dialogs' save
(``register.add_household`` / ``add_member``) and the import of a list.

The tests walk ``domain.fields``: each field's declared rules (``Field.declared()``), a value
breaking each, and where it must be refused. A rule added to the table with no way here to
break it, or that neither the save nor the import refuses, fails these tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields
from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.values import _KEY_TO_FIELD
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database

CASES = [(f, rule) for f in fields.FIELDS for rule in f.declared()]
IDS = [f"{f.level}.{f.key}.{rule}" for f, rule in CASES]
GOOD_ID = "025060000011"  # a man born 1960 (the head below)
OTHER_ID = "025060000022"  # another man born 1960


def _day(day: dt.date) -> str:
    return day.isoformat()


def bad_value(f: fields.Field, rule: str) -> Any:
    """A value of field ``f`` that breaks ``rule``, as the dialogs hand it to the register."""
    today = clock.today()
    r = f.rule
    if rule == "required":
        return "" if f.kind == "text" else None
    if rule == "max_length":
        return "X" * (r.max_length + 1)
    if rule == "letters":
        return '"'
    if rule == "choices":
        return "zz"
    if rule == "past":
        return today.year + 1 if f.kind == "year" else _day(today + dt.timedelta(days=1))
    if rule == "earliest":
        return r.earliest - 1 if f.kind == "year" else f"{r.earliest - 1}-06-01"
    if rule == "low":
        return (r.low or 0) - 1
    if rule == "below":
        return r.below
    if rule == "id_number":
        return "12345"
    if rule == "code_list":
        return ["zz"] if f.kind == "codes" else "zz"
    if rule == "date":
        return "2025-02-30"
    if rule == "village":
        return 9999
    if rule in ("unique", "not_before"):
        return None  # set up in the register (see below)
    raise AssertionError(f"no value breaking rule {rule!r} of {f.key}: add one here")


def village(db: Database) -> int:
    return int(db.scalar("SELECT id FROM village WHERE name = 'Thôn Đồng Xuân'"))


def head(**values: Any) -> reg.MemberInput:
    given = {"full_name": "Nguyễn Văn Đức", "relationship_code": reg.HEAD, "birth_date": "1960-03-04", "sex": "M"}
    return reg.MemberInput(**{**given, **values})


def refused_or_warned(db: Database, f: fields.Field, do: Any) -> bool:
    """Whether ``do()`` is refused with a problem naming ``f`` by key (or, for a warning rule, warns)."""
    try:
        changes = do()
    except ValidationFailed as failed:
        return any(i.field == f.key for i in failed.issues)
    return any(i.field == f.key for i in changes.warnings)


@pytest.mark.parametrize(("f", "rule"), CASES, ids=IDS)
def test_the_dialogs_save_refuses_a_value_breaking_each_rule(db: Database, f: fields.Field, rule: str) -> None:
    value = bad_value(f, rule)
    household = reg.HouseholdInput(code="DX-0001", village_id=village(db))
    if f.level == "household":
        if rule == "unique":  # a code another household holds
            other = reg.HouseholdInput(code="DX-0009", village_id=village(db))
            reg.add_household(db, household=other, members=[head()])
            value = "DX-0009"
        setattr(household, f.key, value)
        assert refused_or_warned(db, f, lambda: reg.add_household(db, household=household, members=[head()]))
        return
    created = reg.add_household(db, household=household, members=[head(id_number=GOOD_ID)])
    member = reg.MemberInput(full_name="Trần Thị Hoa", relationship_code="02", birth_date="1962-05-06", sex="F")
    if rule == "unique":  # an ID number a member of the register holds
        value = GOOD_ID
    if rule == "not_before":  # ends before it starts
        setattr(member, f.rule.not_before, "2026-01-01")
        value = "2025-01-01"
    setattr(member, f.key, value)
    if f.key == "birth_year":
        member.birth_date = None
    hid = created.household_id
    assert hid is not None
    assert refused_or_warned(db, f, lambda: reg.add_member(db, hid, member=member))


# --- the import -------------------------------------------------------------------------------------

COLUMNS = ["Mã hộ", "Thôn/Tổ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số định danh cá nhân"]

# rules an import meets in its own way (the reason is the test: a stale entry fails below)
IMPORT_MEANS = {
    ("household", "code", "required"): "a household without a code in the list gets one made at commit",
    ("household", "code", "unique"): "a code the register holds names that household: the import updates it",
    ("household", "poverty_class", "required"): "an empty class cell in a list is “Hộ không nghèo”",
}


def cell(f: fields.Field, rule: str, value: Any) -> Any:
    """``value`` as an officer writes it in a list (dates day/month/year)."""
    if f.kind == "date" and isinstance(value, str) and value.count("-") == 2:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    if isinstance(value, list):
        return ", ".join(value)
    return value


def import_column(f: fields.Field) -> str:
    """The header of the column that fills ``f`` in a list (the export's, which the import reads)."""
    source = _KEY_TO_FIELD[f.key]
    return next(g.export for g in fields.FIELDS if g.import_key == source)


def importable() -> list[tuple[fields.Field, str]]:
    return [(f, rule) for f, rule in CASES if f.key in _KEY_TO_FIELD and (f.level, f.key, rule) not in IMPORT_MEANS]


def test_every_rule_of_a_field_the_import_fills_is_tested_through_a_list_or_explained() -> None:
    explained = {(f.level, f.key, rule) for f, rule in CASES if f.key in _KEY_TO_FIELD} & IMPORT_MEANS.keys()
    assert explained == IMPORT_MEANS.keys()  # every explanation names a rule that exists
    assert len(importable()) >= 20


@pytest.mark.parametrize(("f", "rule"), importable(), ids=[f"{f.key}.{rule}" for f, rule in importable()])
def test_the_import_refuses_a_value_breaking_each_rule_at_its_row_and_column(
    db: Database, tmp_path: Path, f: fields.Field, rule: str
) -> None:
    header = import_column(f)
    columns = COLUMNS + ([header] if header not in COLUMNS else [])
    good = {"Mã hộ": "A-01", "Thôn/Tổ": "Đồng Xuân", "Họ và tên": "Hà Văn Một", "Quan hệ với chủ hộ": "Chủ hộ",
            "Ngày sinh": "04/03/1960", "Giới tính": "Nam", "Số định danh cá nhân": GOOD_ID}  # fmt: skip
    bad = {**good, "Mã hộ": "A-02", "Họ và tên": "Hà Văn Hai", "Số định danh cá nhân": OTHER_ID}
    value = bad_value(f, rule)
    if rule == "unique":  # the ID number of a member already in the register
        holder = head(id_number="014070000055")
        reg.add_household(db, household=reg.HouseholdInput(code="Z-01", village_id=village(db)), members=[holder])
        value = "014070000055"
    if rule == "not_before":  # the register's member whose card starts after the list's end date
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="A-02", village_id=village(db)),
            members=[head(full_name="Hà Văn Hai", id_number=OTHER_ID, hi_valid_from="2026-01-01")],
        )
        value = "2025-01-01"
    if f.key == "birth_year":  # a year alone in the birth column
        bad[header] = str(value)
    elif f.key == "village_id":
        bad[header] = "Thôn Không Có"
    else:
        bad[header] = cell(f, rule, value)
    wb = Workbook()
    ws = wb.active
    ws.append(columns)
    ws.append([good.get(c) for c in columns])
    ws.append([bad.get(c) for c in columns])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    before = db.scalar("SELECT count(*) FROM member")
    preview = lists.plan_import(db, path)
    found = [i for i in preview.issues if i.line == 3 and i.column == header]
    assert found, (header, [i.text() for i in preview.issues])
    assert not [i for i in preview.issues if i.line == 2], [i.text() for i in preview.issues]
    if any(i.severity == "error" for i in found):  # refused at its row, nothing written
        with pytest.raises(ValidationFailed):
            lists.commit_import(db, preview)
        assert db.scalar("SELECT count(*) FROM member") == before
