from __future__ import annotations

import pytest

from giamngheo_desktop.domain.errors import PermissionDenied, ValidationFailed
from giamngheo_desktop.domain.permissions import Actor, Role
from giamngheo_desktop.services import commune
from giamngheo_desktop.storage.connection import Database


def test_first_run_setup_records_commune_and_villages(empty_db: Database) -> None:
    commune.setup_commune(
        empty_db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(
                name="phường Hòa Bình", code="00123", province="Hà Nội", area_type="urban", kind="phuong"
            ),
            villages=[
                commune.VillageInput(name="Tổ 1", kind="to_dan_pho"),
                commune.VillageInput(name="Tổ 2", kind="to_dan_pho"),
            ],
        ),
    )
    assert commune.get_commune(empty_db).name == "phường Hòa Bình"
    assert [v.name for v in commune.list_villages(empty_db)] == ["Tổ 1", "Tổ 2"]


def test_bad_setup_names_each_field_and_writes_nothing(empty_db: Database) -> None:
    with pytest.raises(ValidationFailed) as info:
        commune.setup_commune(
            empty_db,
            commune.CommuneSetup(
                settings=commune.CommuneSettings(name="", code="12A", province="Hà Nội", area_type="rural"),
                villages=[commune.VillageInput(name="Thôn 1"), commune.VillageInput(name="thon 1")],
            ),
        )
    text = str(info.value)
    assert "Tên xã/phường" in text and "5 chữ số" in text and "trùng tên" in text
    assert empty_db.scalar("SELECT count(*) FROM commune") == 0
    assert empty_db.scalar("SELECT count(*) FROM village") == 0


def test_leader_cannot_change_commune_settings(db: Database) -> None:
    db.set_actor(Actor(user_id=None, username="lanhdao", role=Role.LEADER))
    settings = commune.get_commune(db)
    settings.name = "xã Khác"
    with pytest.raises(PermissionDenied):
        commune.save_commune(db, settings)
    assert commune.get_commune(db).name == "xã Tân Lập"


@pytest.mark.parametrize(
    ("typed", "kind", "kept"),
    [
        ("Tân Lập", "xa", "xã Tân Lập"),
        ("Hòa Bình", "phuong", "phường Hòa Bình"),
        ("Côn Đảo", "dac_khu", "đặc khu Côn Đảo"),
        ("Xã Tân Lập", "xa", "Xã Tân Lập"),
        ("phường Tân Lập", "xa", "phường Tân Lập"),
    ],
)
def test_a_name_typed_without_its_unit_gets_it_from_the_kind_beside_it(
    empty_db: Database, typed: str, kind: str, kept: str
) -> None:
    """ "Tân Lập" with Loại đơn vị Xã printed "ỦY BAN NHÂN DÂN TÂN LẬP" on every decision and certificate."""
    from giamngheo_desktop.services import forms

    area = "urban" if kind == "phuong" else "rural"
    settings = commune.CommuneSettings(name=typed, code="01234", province="Phú Thọ", area_type=area, kind=kind)
    commune.setup_commune(
        empty_db, commune.CommuneSetup(settings=settings, villages=[commune.VillageInput("Đồng Xuân")])
    )
    assert commune.get_commune(empty_db).name == kept
    assert forms.issuer(empty_db).body == f"ỦY BAN NHÂN DÂN {kept}".upper()
    commune.change_identity(
        empty_db, valid_from="2025-07-01", code="04321", name="Tân Lập", kind="phuong", area_type="urban"
    )
    assert commune.get_commune(empty_db).name == "phường Tân Lập"
