from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo_desktop.domain.idnumber import (
    check_id_number,
    id_columns,
    id_contradictions,
    id_facts,
    make_id_number,
)


def test_worked_example_female_born_1953_ninh_binh() -> None:
    check = check_id_number("037153000257")
    assert check.ok
    assert (check.sex, check.birth_year, check.province) == ("F", 1953, "Ninh Bình")


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        ("001095012345", "cccd", True),
        ("001 095 012 345", "cccd", True),
        ("123456789", "cmnd", False),  # legacy: accepted, flagged
        ("00109501234", None, False),  # 11 digits
        ("00109501234A", None, False),
        ("999095012345", "cccd", False),  # unknown province code
        ("", None, False),
    ],
)
def test_formats(value: str, kind: str | None, ok: bool) -> None:
    check = check_id_number(value)
    assert check.kind == kind
    assert check.ok is ok


def test_21st_century_male_digit() -> None:
    check = check_id_number(make_id_number("025", "M", 2010, 42))
    assert (check.sex, check.birth_year) == ("M", 2010)
    assert check.normalized[3] == "2"


def test_contradictions_name_the_digit() -> None:
    number = make_id_number("025", "F", 1980, 7)
    assert id_contradictions(number, sex="F", birth_year=1980) == []
    problems = id_contradictions(number, sex="M", birth_year=1981)
    assert len(problems) == 2
    assert "giới tính" in problems[0] and "1980" in problems[1]


def test_full_width_digits_read_as_digits() -> None:
    """Some Vietnamese input methods type ０１２…: the same number, not an error."""
    check = check_id_number("０３７１５３０００２５７")
    assert check.ok
    assert check.normalized == "037153000257"


@pytest.mark.parametrize("value", ["٠٣٧١٥٣٠٠٠٢٥٧", "০৩৭১৫৩০০০২৫৭", "037١53000257"])
def test_other_scripts_digits_are_refused_with_a_message(value: str) -> None:
    check = check_id_number(value)  # used to raise KeyError from the century table
    assert check.kind is None
    assert check.problems == ("chỉ được gồm chữ số",)


numbers = st.one_of(
    st.none(),
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.from_regex(r"0[0-9]{11}", fullmatch=True),
    st.from_regex(r"[0-9]{9}", fullmatch=True),
    st.text(alphabet="0123456789١٠ .-０", max_size=14),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(numbers, max_size=12))
def test_checking_many_numbers_at_once_gives_each_numbers_check(values: list[str | None]) -> None:
    alone = [check_id_number(v) for v in values]
    # what the register's checks read: kind, problems, sex and birth year, nothing for an empty cell
    assert id_facts(values) == [tuple(c[1:5]) if v else None for v, c in zip(values, alone, strict=True)]
    # what is stored: the normalised number and its kind, nothing for an empty cell
    stored = [(c.normalized or None, c.kind) if v else (None, None) for v, c in zip(values, alone, strict=True)]
    assert list(zip(*id_columns(values), strict=True)) == stored
