"""Indicators and classification: the edge cases the poverty rules name."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.domain.classify import classify, vnd
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.indicators import HouseholdFacts, MemberFacts, evaluate
from giamngheo_desktop.domain.standards import Standard, parse_standard, select_national
from giamngheo_desktop.resources import resource_path


def load_standard_file(path: Path) -> Standard:
    """A standard as the app loads it from ``resources/standards`` (``storage.reference.load_standards``)."""
    return parse_standard(json.loads(path.read_text(encoding="utf-8")))


S2022 = load_standard_file(resource_path("standards", "vn-2022-2025.json"))
S2027 = load_standard_file(resource_path("standards", "vn-2027-2030.json"))
REF = _dt.date(2026, 11, 15)


def adult(mid: int = 1, **kw: object) -> MemberFacts:
    base: dict[str, Any] = dict(id=mid, name=f"Người {mid}", birth_date=_dt.date(1980, 1, 1), birth_year=1980, sex="M",
                employment_deprived=False, hi_card=True, hi_valid_from=_dt.date(2026, 1, 1),
                hi_valid_to=_dt.date(2026, 12, 31), in_school=False, education_rank=3, malnourished=None)  # fmt: skip
    base.update(kw)
    return MemberFacts(**base)


def home(members: list[MemberFacts], **kw: object) -> HouseholdFacts:
    base: dict[str, Any] = dict(id=1, area_type="rural", members=tuple(members), wall_durable=True, column_durable=True,
                roof_durable=True, floor_area=100.0, water_hygienic=True, latrine_hygienic=True, internet_use=True,
                has_info_device=True, loudspeaker_reach=True, waste_treatment=True,
                income_per_capita=1_000_000)  # fmt: skip
    base.update(kw)
    return HouseholdFacts(**base)


def deprived(h: HouseholdFacts, on: _dt.date = REF, standard: Standard = S2022) -> set[str]:
    return {r.code for r in evaluate(standard, h, on) if r.deprived}


def born(age: int, on: _dt.date = REF, days: int = 0) -> _dt.date:
    """Birth date so that the person turns ``age`` exactly on ``on`` (+days: the day after)."""
    return on.replace(year=on.year - age) + _dt.timedelta(days=days)


def test_twelve_indicators_in_report_order() -> None:
    assert [i.code for i in S2022.indicators][:4] == ["employment", "dependants", "nutrition", "health_insurance"]
    assert len(S2022.indicators) == 12
    assert "information" not in {i.code for i in S2027.indicators} and "waste" in {i.code for i in S2027.indicators}
    assert S2027.provisional


@pytest.mark.parametrize(("income", "count", "expected"), [
    (1_500_000, 3, "poor"), (1_500_000, 2, "near_poor"), (1_500_001, 5, "not_poor"), (1_499_999, 0, "near_poor"),
])  # fmt: skip
def test_income_exactly_at_the_line_and_two_versus_three(income: int, count: int, expected: str) -> None:
    codes = [i.code for i in S2022.indicators]
    from giamngheo_desktop.domain.indicators import IndicatorResult

    results = [IndicatorResult(c, n < count, "x") for n, c in enumerate(codes)]
    got = classify(S2022, area_type="rural", income_per_capita=income, indicators=results)
    assert got.poverty_class == expected


def test_urban_line_is_higher_than_rural() -> None:
    h = home([adult()], income_per_capita=1_800_000)
    results = evaluate(S2022, h, REF)
    assert (
        classify(S2022, area_type="rural", income_per_capita=1_800_000, indicators=results).poverty_class == "not_poor"
    )
    assert (
        classify(S2022, area_type="urban", income_per_capita=1_800_000, indicators=results).poverty_class == "near_poor"
    )


def test_reason_reads_like_the_officer_writes_it() -> None:
    h = home(
        [adult(hi_card=False), adult(2)],
        latrine_hygienic=False,
        has_info_device=False,
        loudspeaker_reach=False,
        income_per_capita=1_200_000,
    )
    got = classify(S2022, area_type="rural", income_per_capita=1_200_000, indicators=evaluate(S2022, h, REF))
    assert got.poverty_class == "poor"
    assert got.reason.startswith("Thu nhập 1.200.000 đ ≤ chuẩn 1.500.000 đ (nông thôn); thiếu hụt 3/12 chỉ số:")
    assert "bảo hiểm y tế" in got.reason and "nhà tiêu hợp vệ sinh" in got.reason and got.reason.endswith("→ hộ nghèo")
    assert vnd(2_250_000) == "2.250.000 đ"


@pytest.mark.parametrize(("days", "deprived_expected"), [(0, True), (1, False)])
def test_health_insurance_from_exactly_six(days: int, deprived_expected: bool) -> None:
    child = adult(2, birth_date=born(6, days=days), hi_card=False, in_school=True)
    assert ("health_insurance" in deprived(home([adult(), child]))) is deprived_expected


@pytest.mark.parametrize(("age", "days", "expected"), [(3, 0, True), (3, 1, False), (16, 0, False), (16, 1, True)])
def test_school_attendance_from_three_to_under_sixteen(age: int, days: int, expected: bool) -> None:
    child = adult(2, birth_date=born(age, days=days), in_school=False, education_rank=1)
    assert ("school_attendance" in deprived(home([adult(), child]))) is expected


@pytest.mark.parametrize(("age", "days", "rank", "expected"), [
    (16, 0, 1, True), (16, 0, 2, False),      # 16–17: needs lower secondary
    (18, 0, 2, True), (18, 1, 2, True),       # 18 exactly needs upper secondary; 17 the day before
    (18, 0, 3, False), (30, 0, 2, True), (31, 0, 1, False),
])  # fmt: skip
def test_adult_education_ages_16_18_30(age: int, days: int, rank: int, expected: bool) -> None:
    person = adult(2, birth_date=born(age, days=days), in_school=False, education_rank=rank)
    got = "adult_education" in deprived(home([adult(), person]))
    if age == 18 and days == 1:  # still 17: lower secondary is enough
        expected = False
    assert got is expected


def test_housing_needs_two_of_three_parts_non_durable_and_floor_area_below_eight() -> None:
    assert "housing_quality" not in deprived(home([adult()], wall_durable=False))
    assert "housing_quality" in deprived(home([adult()], wall_durable=False, roof_durable=False))
    assert "floor_area" in deprived(home([adult(), adult(2)], floor_area=15.9))
    assert "floor_area" not in deprived(home([adult(), adult(2)], floor_area=16.0))


def test_missing_data_is_not_a_deprivation_but_is_said() -> None:
    results = evaluate(S2022, home([adult()], water_hygienic=None), REF)
    water = next(r for r in results if r.code == "water")
    assert not water.deprived and water.missing and "thiếu dữ liệu" in water.reason


def test_round_dated_31_dec_2026_versus_1_jan_2027_switches_standard() -> None:
    standards = [S2022, S2027]
    assert select_national(standards, "2026-12-31").id == "VN-2022-2025"
    assert select_national(standards, "2027-01-01").id == "VN-2027-2030"
    h = home([adult()], income_per_capita=2_000_000)
    old = classify(S2022, area_type="rural", income_per_capita=2_000_000, indicators=evaluate(S2022, h, REF))
    new = classify(S2027, area_type="rural", income_per_capita=2_000_000, indicators=evaluate(S2027, h, REF))
    assert (old.poverty_class, new.poverty_class) == ("not_poor", "near_poor")


def test_a_new_standard_is_just_a_file(tmp_path: Path) -> None:
    data = json.loads(resource_path("standards", "vn-2027-2030.json").read_text(encoding="utf-8"))
    data.update(
        id="VN-2031-2035",
        valid_from="2031-01-01",
        valid_to="2035-12-31",
        income_lines={"rural": 3_000_000, "urban": 3_600_000},
    )
    path = tmp_path / "vn-2031.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    s = load_standard_file(path)
    assert select_national([S2022, S2027, s], "2032-05-01").line("urban") == 3_600_000
    data["indicators"][0]["rule"] = "no_such_rule"
    with pytest.raises(DomainError, match="chưa được hỗ trợ"):
        parse_standard(data)


def test_average_living_only_for_farming_households() -> None:
    h = home([adult()], income_per_capita=2_000_000)
    res = evaluate(S2022, h, REF)
    assert (
        classify(S2022, area_type="rural", income_per_capita=2_000_000, indicators=res, is_farming=True).poverty_class
        == "average"
    )
    assert classify(S2022, area_type="rural", income_per_capita=2_000_000, indicators=res).poverty_class == "not_poor"


def test_reason_quotes_each_indicator_so_a_name_with_a_comma_reads_as_one() -> None:
    """2027–2030: "Viễn thông, dịch vụ số" is one indicator, not two."""
    from giamngheo_desktop.domain.indicators import IndicatorResult

    def result(code: str, deprived: bool) -> IndicatorResult:
        return IndicatorResult(code, deprived, "")

    indicators = [result(i.code, i.code in ("telecom", "water")) for i in S2027.indicators]
    got = classify(S2027, area_type="rural", income_per_capita=1_000_000, indicators=indicators)
    assert "thiếu hụt 2/12 chỉ số: «nước sinh hoạt», «viễn thông, dịch vụ số»" in got.reason
