from __future__ import annotations

import pytest

from giamngheo_desktop.domain.idnumber import check_id_number, id_contradictions, make_id_number


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
