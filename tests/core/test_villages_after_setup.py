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
