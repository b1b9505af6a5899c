"""One convention for village names: without the kind's word ("Đông Xá", kind thôn), typed or imported;
the papers say "Thôn Đông Xá" where the forms want it."""

from __future__ import annotations

from pathlib import Path

from giamngheo_desktop.domain.vocab import split_village_name, village_title
from giamngheo_desktop.importing import lists
from giamngheo_desktop.services import commune, forms
from giamngheo_desktop.storage.connection import Database
from tests.core.test_import_lists import write_xlsx


def test_the_kind_word_is_split_off_and_put_back() -> None:
    assert split_village_name("Thôn  Đông Xá") == ("thon", "Đông Xá")
    assert split_village_name("TỔ DÂN PHỐ Hòa Bình") == ("to_dan_pho", "Hòa Bình")
    assert split_village_name("Tổ dân phố 3") == (None, "Tổ dân phố 3")  # a number keeps its word
    assert split_village_name("Bàn Cờ") == (None, "Bàn Cờ")  # not "Bản"
    assert village_title("Đông Xá", "thon") == village_title("Thôn Đông Xá", "thon") == "Thôn Đông Xá"
    assert village_title("3", "to_dan_pho") == "Tổ dân phố 3"
    assert village_title("Xóm Trại", "khac") == "Xóm Trại"


def test_an_imported_village_is_named_like_a_typed_one_and_matched_to_it(db: Database, tmp_path: Path) -> None:
    typed = commune.add_village(db, commune.as_named(commune.VillageInput(name="Thôn Đông Xá"))).written_id
    assert db.scalar("SELECT name FROM village WHERE id = ?", (typed,)) == "Đông Xá"  # as the first run types it
    rows = [
        ["Mã hộ", "Thôn", "Họ và tên", "Quan hệ", "Giới tính"],
        ["X-1", "Thôn Đông Xá", "Hà Văn Một", "Chủ hộ", "Nam"],
        ["X-2", "Tổ dân phố Hòa Bình", "Hà Văn Hai", "Chủ hộ", "Nam"],
    ]
    preview = lists.plan_import(db, write_xlsx(tmp_path / "v.xlsx", rows), create_villages=True)
    assert preview.new_villages == ["Tổ dân phố Hòa Bình"]  # "Thôn Đông Xá" is the village "Đông Xá"
    lists.commit_import(db, preview)
    made = db.row("SELECT name, kind FROM village WHERE name_fold LIKE '%hoa binh%'")
    assert made is not None and (made["name"], made["kind"]) == ("Hòa Bình", "to_dan_pho")
    assert db.scalar("SELECT village_id FROM household WHERE code = 'X-1'") == typed
    # the papers put the word back: "Nơi cư trú: Thôn Đông Xá, xã Tân Lập, …"
    paper = forms.request_paper(db, "01", int(db.scalar("SELECT id FROM household WHERE code = 'X-1'")))
    assert paper.household is not None and paper.household.residence.startswith("Thôn Đông Xá, xã Tân Lập")
    # a second village spelled with its word is the same village
    assert commune.validate_villages([commune.VillageInput(name="Đông Xá"), commune.VillageInput(name="thôn Đông Xá")])
