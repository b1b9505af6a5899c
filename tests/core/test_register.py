"""Household register services: validation, operations with history, undo via snapshots."""

from __future__ import annotations

import pytest

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database


def village_id(db: Database, index: int = 0) -> int:
    return int(db.rows("SELECT id FROM village ORDER BY sort_order")[index]["id"])


def family(db: Database, code: str = "DX-001") -> Changes:
    """Nguyễn Văn Đức (head), his wife, a son (with his own wife) and a daughter."""
    return reg.add_household(
        db,
        household=reg.HouseholdInput(code=code, village_id=village_id(db), poverty_class="poor", causes=["2", "7"]),
        members=[
            reg.MemberInput(
                "Nguyễn Văn Đức",
                "01",
                birth_date="1960-03-04",
                sex="M",
                id_number=make_id_number("025", "M", 1960, 11),
                ethnicity_code="01",
            ),
            reg.MemberInput("Trần Thị Hoa", "02", birth_year=1962, sex="F"),
            reg.MemberInput("Nguyễn Văn Nam", "04", birth_date="1985-07-01", sex="M"),
            reg.MemberInput("Lê Thị Mai", "07", birth_year=1987, sex="F"),
            reg.MemberInput("Nguyễn Thị Lan", "04", birth_year=1990, sex="F"),
        ],
    )


def members_by_name(db: Database, household_id: int) -> dict[str, dict]:
    return {m["full_name"]: m for m in reg.list_members(db, household_id)}


def events(db: Database, household_id: int) -> list[str]:
    return [e["event_type"] for e in reg.household_events(db, household_id)]


def test_add_household_keeps_head_flags_causes_and_history(db: Database) -> None:
    result = family(db)
    hid = result.household_id
    assert hid is not None
    h = reg.get_household(db, hid)
    head = members_by_name(db, hid)["Nguyễn Văn Đức"]
    assert h["head_member_id"] == head["id"]
    assert h["female_head"] == 0 and h["ethnic_minority"] == 0
    assert h["causes"] == ["2", "7"]
    assert head["name_fold"] == "nguyen van duc"
    assert head["birth_year"] == 1960 and head["id_kind"] == "cccd"
    assert events(db, hid) == ["create"]


def test_validation_names_the_field_and_reason_and_writes_nothing(db: Database) -> None:
    with pytest.raises(ValidationFailed) as info:
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="", village_id=village_id(db), wall_material="gold"),
            members=[
                reg.MemberInput("Phạm Văn A", "01", sex="X", birth_date="1990-02-30", id_number="12345"),
                reg.MemberInput("Phạm Thị B", "01", sex="F", ethnicity_code="99"),
                reg.MemberInput("Phạm Văn C", "77", sex="M"),
            ],
        )
    text = str(info.value)
    assert "trường “Mã hộ”: không được để trống" in text
    assert "Vật liệu tường" in text and "gold" in text
    assert "Giới tính" in text and "Nam hoặc Nữ" in text
    assert "Ngày sinh" in text and "30/02/1990" in text  # the value as the officer writes dates
    assert "Số định danh cá nhân" in text and "12 chữ số" in text
    assert "Dân tộc" in text and "99" in text
    assert "Quan hệ với chủ hộ" in text and "77" in text
    assert "chỉ được có một chủ hộ" in text
    assert db.scalar("SELECT count(*) FROM household") == 0
    assert db.scalar("SELECT count(*) FROM member") == 0


def test_household_without_head_and_duplicate_code_are_refused(db: Database) -> None:
    family(db, "DX-001")
    with pytest.raises(ValidationFailed, match="chưa có chủ hộ"):
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="DX-002", village_id=village_id(db)),
            members=[reg.MemberInput("Hà Văn Tư", "04", sex="M")],
        )
    with pytest.raises(ValidationFailed, match="đã có hộ khác mang mã này"):
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="DX-001", village_id=village_id(db)),
            members=[reg.MemberInput("Hà Văn Tư", "01", sex="M")],
        )


def test_old_cmnd_is_accepted_with_a_warning_and_duplicate_id_refused(db: Database) -> None:
    result = reg.add_household(
        db,
        household=reg.HouseholdInput(code="TH-01", village_id=village_id(db)),
        members=[reg.MemberInput("Lò Văn Sáng", "01", sex="M", birth_year=1970, id_number="012 345 678")],
    )
    assert any("CMND" in w.message for w in result.warnings)
    assert db.scalar("SELECT id_kind FROM member") == "cmnd"
    with pytest.raises(ValidationFailed, match="trùng với nhân khẩu Lò Văn Sáng"):
        reg.add_member(
            db, result.household_id or 0, member=reg.MemberInput("Lò Thị Xuân", "02", sex="F", id_number="012345678")
        )


def test_second_head_refused_and_change_head_updates_relationships(db: Database) -> None:
    hid = family(db).household_id or 0
    with pytest.raises(ValidationFailed, match="Đổi chủ hộ"):
        reg.add_member(db, hid, member=reg.MemberInput("Người Mới", "01", sex="M"))
    people = members_by_name(db, hid)
    result = reg.change_head(db, hid, new_head_id=people["Nguyễn Văn Nam"]["id"])
    after = members_by_name(db, hid)
    assert after["Nguyễn Văn Nam"]["relationship_code"] == "01"
    assert after["Nguyễn Văn Đức"]["relationship_code"] == "09"  # Bố đẻ
    assert after["Trần Thị Hoa"]["relationship_code"] == "10"  # Mẹ đẻ
    assert after["Nguyễn Thị Lan"]["relationship_code"] == "26"  # Em ruột (younger)
    assert reg.get_household(db, hid)["head_member_id"] == people["Nguyễn Văn Nam"]["id"]
    assert "head_change" in events(db, hid)
    assert result.snapshot is not None
    reg.undo_operation(db, result.snapshot)
    back = members_by_name(db, hid)
    assert back["Nguyễn Văn Đức"]["relationship_code"] == "01"
    assert back["Nguyễn Văn Nam"]["relationship_code"] == "04"
    assert reg.get_household(db, hid)["head_member_id"] == people["Nguyễn Văn Đức"]["id"]
    assert "head_change" not in events(db, hid)


def test_deceased_head_needs_a_new_head(db: Database) -> None:
    hid = family(db).household_id or 0
    people = members_by_name(db, hid)
    duc = people["Nguyễn Văn Đức"]["id"]
    with pytest.raises(ValidationFailed, match="hãy chọn chủ hộ mới"):
        reg.mark_member_status(db, duc, status="deceased", date="2026-01-10")
    reg.mark_member_status(db, duc, status="deceased", date="2026-01-10", new_head_id=people["Trần Thị Hoa"]["id"])
    after = members_by_name(db, hid)
    assert after["Nguyễn Văn Đức"]["life_status"] == "deceased"
    assert after["Nguyễn Văn Đức"]["life_status_date"] == "2026-01-10"
    assert after["Nguyễn Văn Đức"]["relationship_code"] != "01"
    assert after["Trần Thị Hoa"]["relationship_code"] == "01"
    assert reg.get_household(db, hid)["female_head"] == 1
    assert {"member_deceased", "head_change"} <= set(events(db, hid))


def test_split_moves_members_with_history_and_undo_redo(db: Database) -> None:
    hid = family(db).household_id or 0
    people = members_by_name(db, hid)
    nam, mai = people["Nguyễn Văn Nam"]["id"], people["Lê Thị Mai"]["id"]
    result = reg.split_household(
        db,
        hid,
        split=reg.SplitInput(member_ids=[nam, mai], new_code="DX-001B", new_head_id=nam, relationships={mai: "02"}),
    )
    new_id = result.household_id or 0
    new = members_by_name(db, new_id)
    assert set(new) == {"Nguyễn Văn Nam", "Lê Thị Mai"}
    assert new["Nguyễn Văn Nam"]["relationship_code"] == "01"
    assert new["Lê Thị Mai"]["relationship_code"] == "02"
    assert reg.get_household(db, new_id)["code"] == "DX-001B"
    assert reg.get_household(db, new_id)["poverty_class"] == "poor"
    assert "split_to" in events(db, hid) and "split_from" in events(db, new_id)
    assert len(members_by_name(db, hid)) == 3

    assert result.snapshot is not None
    reg.undo_operation(db, result.snapshot)
    assert len(members_by_name(db, hid)) == 5
    assert members_by_name(db, hid)["Lê Thị Mai"]["relationship_code"] == "07"
    assert reg.get_household(db, new_id)["deleted_at"] is not None
    assert "split_to" not in events(db, hid)

    assert result.snapshot is not None
    reg.redo_operation(db, result.snapshot)
    assert set(members_by_name(db, new_id)) == {"Nguyễn Văn Nam", "Lê Thị Mai"}
    assert reg.get_household(db, new_id)["deleted_at"] is None
    assert "split_to" in events(db, hid)


def test_split_of_the_head_needs_a_head_for_those_who_stay(db: Database) -> None:
    hid = family(db).household_id or 0
    people = members_by_name(db, hid)
    duc, hoa, nam = (people[n]["id"] for n in ("Nguyễn Văn Đức", "Trần Thị Hoa", "Nguyễn Văn Nam"))
    with pytest.raises(ValidationFailed, match="chọn chủ hộ mới cho những người ở lại"):
        reg.split_household(db, hid, split=reg.SplitInput(member_ids=[duc, hoa], new_code="X2", new_head_id=duc))
    reg.split_household(
        db, hid, split=reg.SplitInput(member_ids=[duc, hoa], new_code="X2", new_head_id=duc, remaining_head_id=nam)
    )
    stay = members_by_name(db, hid)
    assert stay["Nguyễn Văn Nam"]["relationship_code"] == "01"
    assert reg.get_household(db, hid)["head_member_id"] == nam


def test_merge_soft_deletes_the_source_and_undo_restores_it(db: Database) -> None:
    a = family(db, "A-1").household_id or 0
    b = (
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="B-1", village_id=village_id(db)),
            members=[reg.MemberInput("Đỗ Văn Bình", "01", sex="M", birth_year=1950)],
        ).household_id
        or 0
    )
    binh = members_by_name(db, b)["Đỗ Văn Bình"]["id"]
    result = reg.merge_households(db, target_id=a, source_id=b, relationships={binh: "13"})
    assert members_by_name(db, a)["Đỗ Văn Bình"]["relationship_code"] == "13"
    assert reg.get_household(db, b)["deleted_at"] is not None
    assert "merged_from" in events(db, a) and "merge_into" in events(db, b)
    assert result.snapshot is not None
    reg.undo_operation(db, result.snapshot)
    assert reg.get_household(db, b)["deleted_at"] is None
    assert members_by_name(db, b)["Đỗ Văn Bình"]["relationship_code"] == "01"
    assert "Đỗ Văn Bình" not in members_by_name(db, a)


def test_move_member_and_remove_restore(db: Database) -> None:
    a = family(db, "A-1").household_id or 0
    b = (
        reg.add_household(
            db,
            household=reg.HouseholdInput(code="B-1", village_id=village_id(db, 1)),
            members=[reg.MemberInput("Đỗ Văn Bình", "01", sex="M", birth_year=1988)],
        ).household_id
        or 0
    )
    lan = members_by_name(db, a)["Nguyễn Thị Lan"]["id"]
    reg.move_member(db, lan, to_household_id=b, relationship_code="02")
    assert members_by_name(db, b)["Nguyễn Thị Lan"]["relationship_code"] == "02"
    assert "member_move_out" in events(db, a) and "member_move_in" in events(db, b)

    removed = reg.remove_member(db, lan)
    assert "Nguyễn Thị Lan" not in members_by_name(db, b)
    assert removed.snapshot is not None
    reg.undo_operation(db, removed.snapshot)
    assert "Nguyễn Thị Lan" in members_by_name(db, b)

    with pytest.raises(ValidationFailed, match="đổi chủ hộ trước khi xóa"):
        reg.remove_member(db, members_by_name(db, a)["Nguyễn Văn Đức"]["id"])

    gone = reg.remove_household(db, b)
    assert reg.get_household(db, b)["deleted_at"] is not None
    assert gone.snapshot is not None
    reg.undo_operation(db, gone.snapshot)
    assert reg.get_household(db, b)["deleted_at"] is None


def test_undo_of_a_removal_refused_when_the_code_is_taken(db: Database) -> None:
    a = family(db, "A-1").household_id or 0
    gone = reg.remove_household(db, a)
    family(db, "A-1")
    assert gone.snapshot is not None
    with pytest.raises(ValidationFailed, match="đã có hộ khác đang dùng mã này"):
        reg.undo_operation(db, gone.snapshot)
    assert reg.get_household(db, a)["deleted_at"] is not None


def test_update_member_and_household_with_undo(db: Database) -> None:
    hid = family(db).household_id or 0
    lan = members_by_name(db, hid)["Nguyễn Thị Lan"]
    data = reg.member_input_from_row(lan)
    data.full_name = "Nguyễn Thị Lan Anh"
    data.schooling = "higher"
    result = reg.update_member(db, lan["id"], member=data)
    assert reg.get_member(db, lan["id"])["name_fold"] == "nguyen thi lan anh"
    assert result.snapshot is not None
    reg.undo_operation(db, result.snapshot)
    assert reg.get_member(db, lan["id"])["full_name"] == "Nguyễn Thị Lan"

    row = reg.get_household(db, hid)
    hdata = reg.household_input_from_row(row, row["causes"])
    hdata.water_source = "piped"
    hdata.causes = ["1"]
    upd = reg.update_household(db, hid, household=hdata)
    assert reg.get_household(db, hid)["causes"] == ["1"]
    assert upd.snapshot is not None
    reg.undo_operation(db, upd.snapshot)
    assert reg.get_household(db, hid)["causes"] == ["2", "7"]
    assert reg.get_household(db, hid)["water_source"] is None


def small_family(db: Database, code: str) -> int:
    return (
        reg.add_household(
            db,
            household=reg.HouseholdInput(code=code, village_id=village_id(db), causes=["3"]),
            members=[
                reg.MemberInput("Nguyễn Văn Đức", "01", birth_year=1970, sex="M", ethnicity_code="01"),
                reg.MemberInput("Trần Thị Hoa", "02", birth_year=1972, sex="F"),
                reg.MemberInput("Lê Thị Mai", "04", birth_year=1995, sex="F"),
                reg.MemberInput("Lò Văn Sáng", "04", birth_year=1999, sex="M"),
                reg.MemberInput("Nguyễn Thị Lan", "04", birth_year=2001, sex="F"),
            ],
        ).household_id
        or 0
    )


def test_batched_reads_equal_the_single_ones(db: Database) -> None:
    first = family(db, "DX-001").household_id
    second = small_family(db, "DX-002")
    assert first is not None and second is not None
    reg.remove_member(db, members_by_name(db, second)["Lê Thị Mai"]["id"])
    household_columns, household_rows = reg.household_rows(db, [second, first, first, 999_999])
    households = {hid: dict(zip(household_columns, row, strict=True)) for hid, row in household_rows.items()}
    assert set(households) == {first, second}
    columns, rows = reg.member_rows(db, [first, second])
    members = {hid: [dict(zip(columns, row, strict=True)) for row in found] for hid, found in rows.items()}
    for hid in (first, second):
        single_household = reg.get_household(db, hid)  # the same columns, and the village's name
        assert households[hid] == {k: single_household[k] for k in households[hid]}
        single = [{k: m[k] for k in columns} for m in reg.list_members(db, hid)]  # the columns a re-import reads
        assert members[hid] == single
    assert len(members[second]) == 4
    # the same rows a column at a time, read here or ahead on a second connection (a re-import's batches)
    asked = [first, second, 999_999]
    ahead = reg.members_ahead(db, [asked, [second]])
    assert ahead is not None
    try:
        for table in (reg.member_table(db, asked), ahead.table()):
            assert table is not None
            assert list(table.columns) == columns
            for hid in asked:
                made, read = table.rows(hid), rows.get(hid, [])
                assert made == list(read)
                assert [list(map(type, row)) for row in made] == [list(map(type, row)) for row in read]
            assert table.spans[999_999] == (0, 0)
        alone = ahead.table()
        assert alone is not None and alone.rows(second) == list(rows[second]) and list(alone.spans) == [second]
    finally:
        ahead.close()


def test_code_check_from_a_dict_of_live_codes_gives_the_same_issues(db: Database) -> None:
    hid = family(db, "DX-001").household_id
    live = {
        household_code.key(r["code"]): r["id"]
        for r in db.rows("SELECT id, code FROM household WHERE deleted_at IS NULL")
    }
    for code, own in (("DX-001", None), ("DX-001", hid), ("DX-009", None), ("dx 001", None), ("dx 001", hid)):
        data = reg.HouseholdInput(code=code, village_id=village_id(db))
        assert reg.validate_household(db, data, household_id=own) == reg.validate_household(
            db, data, household_id=own, live_codes=live
        )
    assert reg.validate_household(db, reg.HouseholdInput(code="DX-001", village_id=village_id(db)), live_codes=live)


def test_refresh_of_many_households_sets_each_head(db: Database) -> None:
    ids = [small_family(db, f"DX-00{n}") for n in range(1, 4)]
    db.conn.execute("UPDATE household SET head_member_id = NULL, female_head = 1")
    with db.atomic():
        reg._refresh_derived_many(db, ids, reg.CodeBook(db))
    for hid in ids:
        row = reg.get_household(db, hid)
        assert row["head_member_id"] == members_by_name(db, hid)["Nguyễn Văn Đức"]["id"]
        assert row["female_head"] == 0
