"""Undo and redo of the Thông tin xã window: the commune, its dated changes and new villages come back as they were."""

from __future__ import annotations

import dataclasses

import pytest

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import commune, commune_state
from giamngheo_desktop.storage.connection import Database
from tests.support_builders import add_household


def _names(db: Database) -> list[str]:
    return [v.name for v in commune.list_villages(db)]


def test_a_saved_change_of_the_commune_is_taken_back_and_done_again(db: Database) -> None:
    before = commune_state.capture(db)
    now = commune.get_commune(db)
    settings = dataclasses.replace(
        now, name="phường Tân Lập", kind="phuong", area_type="urban", chairman_name="Lê Văn C"
    )
    commune.save_setup(
        db,
        commune.CommuneSetup(
            settings=settings, villages=[commune.VillageInput(name="Tổ dân phố Mới", kind="to_dan_pho")]
        ),
        identity_from="2025-07-01",
    )
    after = commune_state.capture(db)
    assert len(commune.commune_history(db)) == 2 and "Tổ dân phố Mới" in _names(db)

    changes = commune_state.restore(db, before)
    assert changes.commune
    again = commune.get_commune(db)
    assert (again.name, again.kind, again.chairman_name) == (now.name, now.kind, now.chairman_name)
    assert len(commune.commune_history(db)) == 1  # the dated change is gone
    assert commune.commune_at(db, "2026-01-01").name == now.name
    assert "Tổ dân phố Mới" not in _names(db)

    commune_state.restore(db, after)
    assert commune.get_commune(db).chairman_name == "Lê Văn C"
    assert commune.commune_at(db, "2026-01-01").name == "phường Tân Lập"
    assert commune.commune_at(db, "2025-01-01").name == now.name
    assert "Tổ dân phố Mới" in _names(db)


def test_taking_back_a_village_that_now_has_households_is_refused_untouched(db: Database) -> None:
    before = commune_state.capture(db)
    now = commune.get_commune(db)
    commune.save_setup(
        db, commune.CommuneSetup(settings=now, villages=[commune.VillageInput(name="Thôn Mới Lập")]), identity_from=None
    )
    new = next(v for v in commune.list_villages(db) if v.name == "Thôn Mới Lập")
    add_household(db, "ML-1", new.id)
    commune.save_setup(db, commune.CommuneSetup(settings=dataclasses.replace(now, preparer_name="X")))
    with pytest.raises(DomainError, match="đã có 1 hộ"):
        commune_state.restore(db, before)
    assert commune.get_commune(db).preparer_name == "X"  # nothing written
    assert "Thôn Mới Lập" in _names(db)
