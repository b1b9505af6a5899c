"""Villages after the first run: rename, merge (households move, history kept), retire."""

from __future__ import annotations

import pytest

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.services import audit, commune
from giamngheo_desktop.storage.connection import Database
from tests.support_builders import add_household


def _household(db: Database, code: str, village_id: int) -> int:
    return add_household(db, code, village_id)


def test_rename_merge_and_retire(db: Database) -> None:
    first, second, third = commune.list_villages(db)
    commune.rename_village(db, village_id=first.id, name="Thôn Đồng Xuân Mới")
    assert commune.list_villages(db)[0].name == "Thôn Đồng Xuân Mới"
    with pytest.raises(ValidationFailed):
        commune.rename_village(db, village_id=first.id, name="thôn tân hòa")  # the name of another village
    a = _household(db, "A-1", second.id)
    b = _household(db, "A-2", second.id)
    changes = commune.merge_villages(db, source_id=second.id, target_id=first.id)
    assert changes.count == 2 and changes.household_ids == {a, b}
    assert {v.name for v in commune.list_villages(db)} == {"Thôn Đồng Xuân Mới", "Thôn Bãi Sậy"}
    assert db.scalar("SELECT count(*) FROM household WHERE village_id = ?", (first.id,)) == 2
    moved = audit.history(db, audit.HistoryQuery(household_id=a))
    assert any(field == "village_id" for entry in moved for field, _old, _new in entry.changes)  # history kept
    _household(db, "B-1", third.id)
    with pytest.raises(ValidationFailed, match="còn 1 hộ"):
        commune.retire_village(db, village_id=third.id)
    empty = commune.add_village(db, commune.VillageInput(name="Thôn Mới Lập")).written_id
    commune.retire_village(db, village_id=empty)
    assert "Thôn Mới Lập" not in {v.name for v in commune.list_villages(db)}


def test_a_merge_and_a_retirement_can_be_taken_back(db: Database) -> None:
    first, second, third = commune.list_villages(db)
    a = _household(db, "A-1", second.id)
    b = _household(db, "A-2", second.id)
    already = _household(db, "T-1", first.id)
    merged = commune.merge_villages(db, source_id=second.id, target_id=first.id)

    def moves() -> int:
        entries = audit.history(db, audit.HistoryQuery(household_id=a))
        return sum(1 for e in entries for field, _o, _n in e.changes if field == "village_id")

    before = moves()
    back = commune.unmerge_villages(
        db, source_id=second.id, target_id=first.id, household_ids=sorted(merged.household_ids)
    )
    assert back.count == 2
    assert {v.name for v in commune.list_villages(db)} == {first.name, second.name, third.name}
    village_of = {r["id"]: r["village_id"] for r in db.rows("SELECT id, village_id FROM household")}
    assert (village_of[a], village_of[b], village_of[already]) == (second.id, second.id, first.id)
    assert moves() == before + 1  # the move back is in the change history too
    # a village added since with the merged village's name: the way back refuses, nothing written
    commune.merge_villages(db, source_id=second.id, target_id=first.id)
    commune.add_village(db, commune.VillageInput(name=second.name.upper()))
    with pytest.raises(ValidationFailed, match="cùng tên"):
        commune.unmerge_villages(db, source_id=second.id, target_id=first.id, household_ids=[a, b])
    assert db.scalar("SELECT village_id FROM household WHERE id = ?", (a,)) == first.id
    # retire ↔ restore
    empty = commune.add_village(db, commune.VillageInput(name="Thôn Mới Lập")).written_id
    commune.retire_village(db, village_id=empty)
    commune.restore_village(db, village_id=empty)
    assert "Thôn Mới Lập" in {v.name for v in commune.list_villages(db)}
