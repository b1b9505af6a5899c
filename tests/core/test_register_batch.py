"""Validating and writing many members at once gives what one at a time gives.

An import validates and writes 200,000 members a column at a time
(``register.validate_members``, ``member_columns``, ``household_columns``); a mix-up
between rows there would put one person's problem or value on another's row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database
from giamngheo_desktop.text import fold, nfc

TODAY = dt.date(2026, 11, 29)

dates = st.one_of(
    st.none(),
    st.just(""),
    st.dates(dt.date(1870, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "1990-1-1", "not a date", "2026-11-30", "2026-11-29"]),
)
id_numbers = st.one_of(
    st.none(),
    st.sampled_from(["", "025060000001", "025160000002", "999260000003", "123456789", "0250600", "02506000000a"]),
    st.from_regex(r"0[0-9]{2}[0-3][0-9]{8}", fullmatch=True),
)
members = st.builds(
    reg.MemberInput,
    full_name=st.sampled_from(["Nguyễn Văn Đức", "Lò Thị Hoa", "", "  Nguyễn Văn An  ", "X" * 101]),
    relationship_code=st.sampled_from([None, "", reg.HEAD, "02", "04", "99"]),
    birth_date=dates,
    birth_year=st.one_of(st.none(), st.integers(1850, 2030)),
    sex=st.sampled_from([None, "M", "F", "X"]),
    id_number=id_numbers,
    id_issue_date=dates,
    ethnicity_code=st.sampled_from([None, "", "01", "02", "77"]),
    ethnicity_system=st.sampled_from([None, reg.DEFAULT_ETHNICITY_SYSTEM, "OTHER"]),
    education_level=st.sampled_from([None, "", "01", "zz"]),
    employment=st.sampled_from([None, "zz"]),
    schooling=st.sampled_from([None, ""]),
    trained_on_job=st.booleans(),
    labour_contract=st.sampled_from([None, True, False]),
    hi_group=st.sampled_from([None, "", "zz"]),
    disability=st.sampled_from([None, ""]),
    nutrition=st.sampled_from([None, "zz"]),
    occupation=st.sampled_from(["", "Làm ruộng"]),
    hi_card_number=st.sampled_from([None, "", "HN4250123456789"]),
    hi_valid_from=dates,
    hi_valid_to=dates,
    social_allowance=st.sampled_from([0, 500_000, -1]),
    life_status=st.sampled_from(["living", "deceased", "moved_away", "gone"]),
    life_status_date=dates,
    note=st.sampled_from(["", "ghi chú"]),
)
households = st.builds(
    reg.HouseholdInput,
    code=st.sampled_from(
        ["DX-01", " TH-07 ", "", "HGD-00012", "Dx 01", "DX\t01", "DX\n01", "DX  01", "ĐX-01", "Đo\u0302ng"]
    ),
    village_id=st.integers(1, 3),
    address=st.sampled_from(["", "Xóm Đồng"]),
    poverty_class=st.sampled_from(["poor", "near_poor", "not_poor"]),
    class_date=st.sampled_from([None, "", "2025-12-01"]),
    female_head=st.booleans(),
    internet_use=st.sampled_from([None, True, False]),
    info_devices=st.lists(st.sampled_from(["", "01", "02"]), max_size=3),
    floor_area=st.sampled_from([None, 30.5]),
)


@pytest.fixture(scope="module")
def codes_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return open_database(Path(tmp_path_factory.mktemp("batch")) / "batch.sqlite")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(members, min_size=1, max_size=8))
def test_members_validated_together_get_the_problems_each_gets_alone(
    codes_db: Database, batch: list[reg.MemberInput]
) -> None:
    codes = reg.CodeBook(codes_db)
    rows = [10 + n for n in range(len(batch))]
    together = reg.validate_members(
        codes_db, batch, codes=codes, rows=rows, check_duplicate_id=False, today=TODAY, memo=reg.MemberMemo()
    )
    alone = [
        reg.validate_member(codes_db, m, codes=codes, row=row, check_duplicate_id=False, today=TODAY)
        for m, row in zip(batch, rows, strict=True)
    ]
    assert [list(issues) for issues in together] == alone


@settings(max_examples=150, deadline=None)
@given(batch=st.lists(members, min_size=1, max_size=8))
def test_member_columns_hold_each_members_values(batch: list[reg.MemberInput]) -> None:
    columns = reg.member_columns(batch, reg.MemberMemo())
    rows = [{key: values[n] for key, values in columns.items()} for n in range(len(batch))]
    assert rows == [reg._member_values(m) for m in batch]


@settings(max_examples=100, deadline=None)
@given(batch=st.lists(households, min_size=1, max_size=6))
def test_household_columns_hold_each_households_values(batch: list[reg.HouseholdInput]) -> None:
    columns = reg.household_columns(batch)
    rows = [{key: values[n] for key, values in columns.items()} for n in range(len(batch))]
    assert rows == [reg._household_values(h) for h in batch]
    # the codes of many (plain ASCII ones at once) as each alone
    assert columns["code"] == [nfc(h.code) for h in batch]
    assert columns["code_fold"] == [fold(nfc(h.code)) for h in batch]


checked_households = st.builds(
    reg.HouseholdInput,
    code=st.sampled_from(["DX-01", " TH-07 ", "", "X" * 41]),
    village_id=st.integers(0, 4),
    area_type=st.sampled_from([None, "rural", "town"]),
    poverty_class=st.sampled_from(["poor", "newly_escaped", "not_poor", "", "zz"]),
    class_date=dates,
    escaped_date=dates,
    wall_material=st.sampled_from([None, "", "01", "zz"]),
    info_devices=st.lists(st.sampled_from(["", "01", "zz"]), max_size=3),
    causes=st.lists(st.sampled_from(["01", "zz"]), max_size=2),
    floor_area=st.sampled_from([None, 30.5, -1.0, 10_000.0]),
    income_per_capita=st.sampled_from([None, 0, -5]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(checked_households, min_size=1, max_size=6))
def test_households_validated_together_get_the_problems_each_gets_alone(
    codes_db: Database, batch: list[reg.HouseholdInput]
) -> None:
    codes = reg.CodeBook(codes_db)
    rows = [10 + n for n in range(len(batch))]
    together = reg.validate_households(codes_db, batch, codes=codes, rows=rows)
    alone = [reg.validate_household(codes_db, h, codes=codes, row=row) for h, row in zip(batch, rows, strict=True)]
    assert [list(issues) for issues in together] == alone
