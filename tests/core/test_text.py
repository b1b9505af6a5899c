from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from giamngheo_desktop.text import fold, fold_key, nfc


def test_fold_ignores_case_diacritics_and_maps_d() -> None:
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐẶNG THỊ HẰNG") == "dang thi hang"
    assert fold("  Lò   Văn  Sáng ") == "lo van sang"


def test_fold_is_the_same_for_nfc_and_nfd_input() -> None:
    name = "Nguyễn Thị Ánh Tuyết"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name)


def test_nfc_turns_pasted_decomposed_text_into_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hà Giang")
    assert nfc(decomposed) == "Hà Giang"
    assert len(nfc(decomposed)) == len("Hà Giang")


def test_fold_key_matches_headers_written_differently() -> None:
    assert fold_key("Họ và tên chủ hộ") == fold_key("HO VA TEN CHU HO") == fold_key("Họ  và tên  chủ hộ:")
    assert fold_key("Số CCCD") == "socccd"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
