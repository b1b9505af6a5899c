from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from giamngheo_desktop.text import fold, fold_key, nfc, nfc_all


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


_FOLD_RANGES = (*range(0x0, 0x250), *range(0x1E00, 0x1F00), *range(0x300, 0x370), 0x85, 0xA0, 0x2028, 0x3000)


def test_fast_fold_equals_the_slow_definition_for_every_latin_letter_and_mark() -> None:
    from giamngheo_desktop.text import _fold_slow

    for code in _FOLD_RANGES:
        ch = chr(code)
        for text in (ch, f"a{ch}b", f" {ch} ", f"Đ{ch}\u0301", f"{ch}{ch}"):
            assert fold(text) == _fold_slow(text), (hex(code), text)


@given(st.text(alphabet=st.sampled_from([chr(c) for c in _FOLD_RANGES] + ["Σ", "ß", "ǅ", "\u0f39", "한"])))
def test_fast_fold_equals_the_slow_definition_for_mixed_text(text: str) -> None:
    from giamngheo_desktop.text import _fold_slow

    assert fold(text) == _fold_slow(text)
    assert fold(unicodedata.normalize("NFD", text)) == _fold_slow(unicodedata.normalize("NFD", text))


@given(st.text())
def test_fast_fold_equals_the_slow_definition_for_any_text(text: str) -> None:
    from giamngheo_desktop.text import _fold_slow

    assert fold(text) == _fold_slow(text)


class _Text(str):
    """A subclass of str (as some readers hand cells)."""


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["Hà Giang", unicodedata.normalize("NFD", "Hà Giang"), " Lan ", "", "\u00a0An\t", "Đức"]),
            st.sampled_from(["Hà Giang", " Lan"]).map(_Text),
            st.text(max_size=4),
            st.none(),
            st.integers(),
        ),
        max_size=6,
    )
)
def test_a_column_put_in_nfc_as_each_value_alone(values: list[object]) -> None:
    done = nfc_all(values)
    assert done == [nfc(v) for v in values]  # type: ignore[arg-type]
    assert all(type(v) is str for v in done)
