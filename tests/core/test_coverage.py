"""Coverage-gap lists find exactly the right people on a small hand-built register."""

from __future__ import annotations

import pytest

from giamngheo_desktop.services import coverage, support
from giamngheo_desktop.services.support import SupportInput

ON = "2026-06-15"


pytestmark = [pytest.mark.usefixtures("pinned_clock")]


def people(rows):
    return sorted((r.household_code, r.member_name, r.reason) for r in rows)


def test_health_insurance_gap(db, reg):
    result = coverage.evaluate(db, "health_insurance", on_date=ON)
    assert people(result.rows) == [
        ("DX-001", "Lò Thị Hằng", "Chưa có thẻ BHYT"),
        ("DX-001", "Nguyễn Văn Bình", "Chưa có thẻ BHYT"),
        ("TH-002", "Trần Thị Mai", "Thẻ BHYT hết hạn ngày 31/12/2025"),
        ("TH-004", "Hoàng Văn Sáng", "Chưa có thẻ BHYT"),
    ]
    assert (result.population, result.covered, result.percent) == (6, 2, 33.33)
    # one village only
    assert [r.member_name for r in coverage.list_gaps(db, "health_insurance", on_date=ON, village_id=reg["v2"])] == [
        "Trần Thị Mai",
        "Hoàng Văn Sáng",
    ]
    # a card recorded as a support closes the gap for 12 months, not longer
    support.record_support(
        db,
        data=SupportInput(
            household_id=reg["A"], member_id=reg["hang"], type_code="health_insurance", support_date="2026-01-10"
        ),
    )
    assert "Lò Thị Hằng" not in {r.member_name for r in coverage.list_gaps(db, "health_insurance", on_date=ON)}
    later = coverage.list_gaps(db, "health_insurance", on_date="2027-02-01")
    assert "Lò Thị Hằng" in {r.member_name for r in later}


def test_school_gap_uses_age_3_to_15_on_the_date(db, reg):
    result = coverage.evaluate(db, "school", on_date=ON)
    assert people(result.rows) == [("DX-001", "Nguyễn Văn Bình", "10 tuổi, không đi học")]
    assert result.population == 2  # Bình (10) and Lan (13); adults are not counted
    # Bình turns 3 on 2019-05-10: the day before he is not school age yet
    assert coverage.list_gaps(db, "school", on_date="2019-05-09") == []
    assert [r.reason for r in coverage.list_gaps(db, "school", on_date="2019-05-10")] == ["3 tuổi, không đi học"]


def test_housing_gap_and_housing_support(db, reg):
    rows = coverage.list_gaps(db, "housing", on_date=ON)
    assert [(r.household_code, r.reason) for r in rows] == [
        ("DX-001", "Nhà không bền chắc (tường, mái), chưa được hỗ trợ nhà ở")
    ]
    support.record_support(
        db,
        data=SupportInput(
            household_id=reg["A"], type_code="housing_repair", support_date="2026-03-01", amount=20_000_000
        ),
    )
    assert coverage.list_gaps(db, "housing", on_date=ON) == []


def test_water_latrine_internet_gaps(db, reg):
    water = coverage.list_gaps(db, "water", on_date=ON)
    assert [(r.household_code, r.reason) for r in water] == [
        ("DX-001", "Chưa có nước sinh hoạt hợp vệ sinh"),
        ("TH-004", "Chưa có thông tin nguồn nước"),
    ]
    assert [r.household_code for r in coverage.list_gaps(db, "latrine", on_date=ON)] == ["DX-001"]
    assert [r.household_code for r in coverage.list_gaps(db, "internet", on_date=ON)] == ["DX-001"]
    assert coverage.evaluate(db, "latrine", on_date=ON).percent == 66.67
    # the household that is not poor never appears
    for gap in coverage.GAPS:
        assert all(r.household_code != "DX-003" for r in coverage.list_gaps(db, gap, on_date=ON))
