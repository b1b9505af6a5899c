"""The commune's code, name and kind over time: what applied on a date is what that date uses."""

from __future__ import annotations

import pytest

from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.services import commune, reporting, review
from giamngheo_desktop.storage.connection import Database
from tests.support_builders import add_household, add_member


def _xa_becomes_phuong(db: Database, on: str = "2025-07-01") -> None:
    commune.change_identity(
        db, valid_from=on, code="04321", name="phường Tân Lập", kind="phuong", area_type="urban",
        note="Nghị quyết sáp nhập",
    )  # fmt: skip


def test_a_household_is_classified_by_the_kind_in_force_on_the_date(db: Database) -> None:
    village = commune.list_villages(db)[0].id  # the village follows the commune (no area of its own)
    hid = add_household(db, "H-1", village, poverty_class="not_poor", income_per_capita=1_800_000)
    add_member(db, hid, "Lò Văn Pọm", head=True, birth_year=1980, sex="M")
    # 1.8 million đ a person a month: above the rural line (1.5 million), under the urban one (2 million)
    before = review.classify_all(db, "2025-06-30", household_ids=[hid])[0]
    assert before.computed_class not in ("poor", "near_poor") and "nông thôn" in before.reason
    _xa_becomes_phuong(db)
    still = review.classify_all(db, "2025-06-30", household_ids=[hid])[0]
    after = review.classify_all(db, "2025-07-01", household_ids=[hid])[0]
    assert still.computed_class == before.computed_class  # the day before the change: still a rural xã
    assert after.computed_class in ("poor", "near_poor") and "thành thị" in after.reason


def test_history_reports_and_the_commune_row_follow_the_dates(db: Database) -> None:
    assert [(e.valid_from, e.code, e.kind) for e in commune.commune_history(db)] == [
        (commune.SINCE_START, "01234", "xa")
    ]
    _xa_becomes_phuong(db)
    assert commune.commune_at(db, "2025-06-30").name == "xã Tân Lập"
    assert commune.commune_at(db, "2025-07-01").code == "04321"
    now = commune.get_commune(db)  # what screens without a date show: the entry in force today
    assert (now.name, now.code, now.kind, now.area_type) == ("phường Tân Lập", "04321", "phuong", "urban")
    old = reporting.make_context(db, periods.quarter(2025, 1))
    new = reporting.make_context(db, periods.quarter(2025, 4))
    assert (old.commune["name"], old.commune["code"]) == ("xã Tân Lập", "01234")
    assert (new.commune["name"], new.commune["code"]) == ("phường Tân Lập", "04321")
    commune.remove_identity_change(db, valid_from="2025-07-01")
    assert commune.get_commune(db).name == "xã Tân Lập"


def test_a_bad_change_is_refused_and_nothing_is_written(db: Database) -> None:
    with pytest.raises(ValidationFailed) as caught:
        commune.change_identity(db, valid_from="2099-01-01", code="12", name="", kind="phuong", area_type="urban")
    fields = {i.field for i in caught.value.issues}
    assert {"Áp dụng từ ngày", "Mã xã", "Tên xã/phường"} <= fields
    assert len(commune.commune_history(db)) == 1 and commune.get_commune(db).code == "01234"


def test_the_settings_dialog_path_records_a_dated_change(db: Database) -> None:
    settings = commune.get_commune(db)
    settings.kind, settings.area_type, settings.name = "phuong", "urban", "phường Tân Lập"
    commune.save_setup(db, commune.CommuneSetup(settings=settings), identity_from="2025-07-01")
    assert [e.kind for e in commune.commune_history(db)] == ["xa", "phuong"]
    # without a date (a correction): the entry in force today changes, the old one is kept
    settings.chairman_name = "Lê Văn Cường"
    settings.name = "phường Tân Lập mới"
    commune.save_setup(db, commune.CommuneSetup(settings=settings))
    assert [e.name for e in commune.commune_history(db)] == ["xã Tân Lập", "phường Tân Lập mới"]
    assert commune.get_commune(db).chairman_name == "Lê Văn Cường"
