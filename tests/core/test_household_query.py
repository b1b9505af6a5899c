"""Finding households: folded search over names, codes and ID numbers; filters; whitelisted sorts."""

from __future__ import annotations

import pytest

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.services.household_query import (
    HouseholdQuery,
    count_households,
    find_household_ids,
    household_rows,
)
from giamngheo_desktop.storage.connection import Database
from tests.sample_data import populate


@pytest.fixture
def register(db: Database) -> Database:
    populate(db, 40)
    first = db.scalar("SELECT id FROM household WHERE code = 'HGD-0001'")
    db.conn.execute("UPDATE member SET id_number = '001085012345' WHERE household_id = ? AND sort_order = 1", (first,))
    return db


def heads(db: Database, ids: list[int]) -> list[str]:
    rows = household_rows(db, ids)
    return [rows[i].head_name for i in ids]


@pytest.mark.parametrize(
    "text", ["nguyen van duc", "NGUYỄN VĂN ĐỨC", "Nguyễn  Văn Đức", "văn đức", "hgd-0001", "01085012"]
)
def test_search_ignores_case_diacritics_and_finds_codes_and_id_numbers(register: Database, text: str) -> None:
    ids = find_household_ids(register, HouseholdQuery(text=text))
    assert "Nguyễn Văn Đức" in heads(register, ids)


def test_search_matches_any_member_not_only_the_head(register: Database) -> None:
    wife = register.scalar("SELECT full_name FROM member WHERE sort_order = 1 LIMIT 1")
    ids = find_household_ids(register, HouseholdQuery(text=wife))
    assert ids


def test_rows_say_which_member_a_search_found_when_it_is_not_the_head(register: Database) -> None:
    hid = register.scalar("SELECT id FROM household WHERE code = 'HGD-0002'")
    head_id = register.scalar("SELECT head_member_id FROM household WHERE id = ?", (hid,))
    other = register.row(
        "SELECT id, full_name, name_fold FROM member WHERE household_id = ? AND id <> ? ORDER BY sort_order LIMIT 1",
        (hid, head_id),
    )
    assert other is not None
    register.conn.execute("UPDATE member SET id_number = '025190777777' WHERE id = ?", (other["id"],))
    head = register.row("SELECT full_name, name_fold FROM member WHERE id = ?", (head_id,))
    assert head is not None
    # found through the other member's name (typed without accents) or ID number: the row names them
    for text in (other["name_fold"].upper(), "190777"):
        ids = find_household_ids(register, HouseholdQuery(text=text))
        assert hid in ids
        assert household_rows(register, [hid], text=text)[hid].matched_member == other["full_name"]
    # found through the head, the code, or no search: nothing more to say
    for text in (head["name_fold"], "hgd-0002", ""):
        assert household_rows(register, [hid], text=text)[hid].matched_member == ""


def test_like_wildcards_in_the_search_text_are_literal(register: Database) -> None:
    assert find_household_ids(register, HouseholdQuery(text="%")) == []
    assert find_household_ids(register, HouseholdQuery(text="_")) == []


def test_filters_and_deleted_households(register: Database) -> None:
    village = register.scalar("SELECT id FROM village ORDER BY sort_order LIMIT 1")
    ids = find_household_ids(register, HouseholdQuery(village_id=village, poverty_class="poor"))
    rows = household_rows(register, ids)
    assert ids and {(r.village_id, r.poverty_class) for r in rows.values()} == {(village, "poor")}
    register.conn.execute("UPDATE household SET deleted_at = '2026-01-01' WHERE id = ?", (ids[0],))
    assert ids[0] not in find_household_ids(register, HouseholdQuery())
    assert count_households(register) == 39
    assert ids[0] in find_household_ids(register, HouseholdQuery(include_deleted=True))


def test_sorts_come_from_a_whitelist(register: Database) -> None:
    ids = find_household_ids(register, HouseholdQuery(descending=True))
    codes = [household_rows(register, [i])[i].code for i in ids]
    assert codes == sorted(codes, reverse=True)
    by_members = find_household_ids(register, HouseholdQuery(sort="members"))
    counts = [household_rows(register, [i])[i].member_count for i in by_members]
    assert counts == sorted(counts)
    with pytest.raises(ValidationFailed, match="Sắp xếp"):
        find_household_ids(register, HouseholdQuery(sort="code; DROP TABLE household"))
    with pytest.raises(ValidationFailed, match="Bộ lọc"):
        find_household_ids(register, HouseholdQuery(flags={"deleted_at": True}))


def test_extra_filter_hook(register: Database) -> None:
    first = register.scalar("SELECT id FROM household WHERE code = 'HGD-0001'")
    register.conn.execute("UPDATE household SET income_per_capita = 1500000 WHERE id = ?", (first,))
    assert find_household_ids(register, HouseholdQuery(extra={"income_below": 2_000_000})) == [first]
    assert find_household_ids(register, HouseholdQuery(extra={"ids": [first]})) == [first]
