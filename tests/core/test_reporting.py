"""Report tables built from small hand-made communes: counts, totals, movement identity, fallbacks."""

from __future__ import annotations

from datetime import date

import pytest

from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.domain.movement import identity_holds
from giamngheo_desktop.domain.report import ReportRow, build_headers, format_number
from giamngheo_desktop.services import reporting
from giamngheo_desktop.services.reporting import REGISTER_NOTE, build_report
from giamngheo_desktop.storage.connection import Database
from tests.report_builders import INDICATORS, closed_round, int_sum, small_commune, support, total_of, villages


def _counts(row: ReportRow, start: int) -> list[int]:
    return [int(v) for v in row.values[start:] if isinstance(v, int)]


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), "Tháng 11 năm 2026"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "Tháng 2 năm 2026"),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "Quý IV năm 2026"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "Năm 2026"),
        ("2026-03-05..2026-04-10", date(2026, 3, 5), date(2026, 4, 10), "Từ ngày 05/03/2026 đến ngày 10/04/2026"),
    ],
)
def test_periods_parse_to_dates_and_vietnamese_labels(text: str, start: date, end: date, label: str) -> None:
    p = periods.parse(text)
    assert (p.start, p.end, p.label, p.key) == (start, end, label, text)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "abc", "2026-04-10..2026-03-05", ""])
def test_bad_period_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        periods.parse(text)
    assert "2026-Q4" in str(err.value) or "sau ngày bắt đầu" in str(err.value)


def test_headers_merge_groups_and_leaves_span_down() -> None:
    cells, depth, count = build_headers(["TT", "Thôn", ("Hộ nghèo", ["Số hộ", "Tỷ lệ (%)"])])
    assert (depth, count) == (2, 4)
    group = next(c for c in cells if c.text == "Hộ nghèo")
    assert (group.row, group.col, group.colspan) == (0, 2, 2)
    assert next(c for c in cells if c.text == "TT").rowspan == 2
    assert format_number(1500000, "int") == "1.500.000"
    assert format_number(12.5, "percent") == "12,50"


def test_bieu1_from_register_villages_then_total_equal_to_their_sum(db: Database) -> None:
    small_commune(db)
    r = build_report(db, kind="bieu1", period=periods.parse("2026"))
    units, total = r.unit_rows(), r.total_row()
    assert total is not None and len(units) == 3
    assert [u.values[1] for u in units] == ["Thôn Đồng Xuân", "Thôn Tân Hòa", "Thôn Bãi Sậy"]
    # Mẫu 7.1, village 1: 3 households, 9 persons; 2 poor (66.67 %) with 5 persons (55.56 %);
    # 1 near-poor (33.33 %) with 4 persons (44.44 %)
    assert units[0].values[2:] == (3, 9, 2, 66.67, 5, 55.56, 1, 33.33, 4, 44.44)
    assert total.values[2:5] == (6, 17, 3)
    assert total.values[5] == 50.0
    for col in (2, 3, 4, 6, 8, 10):
        assert total.values[col] == int_sum(units, col)
    assert REGISTER_NOTE in r.notes
    assert r.code == "Mẫu số 7.1" and r.column_numbers == ["A", "B"] + [str(i) for i in range(1, 11)]
    assert "Tổng số hộ dân cư (tại thời điểm rà soát)" in [h.text for h in r.headers]


def test_round_classes_rated_against_every_household_of_the_commune(db: Database) -> None:
    """The round reviewed two of six households: Mẫu 7.1 still counts all six (17 persons) in
    columns 1–2 and rates the round's two poor households against them."""
    ids = small_commune(db)
    closed_round(db, 2026, {ids["a"]: ("poor", 2), ids["e"]: ("poor", 5)})
    r = build_report(db, kind="bieu1", period=periods.parse("2026"))
    total = r.total_row()
    # a and e poor (2 + 5 persons); b and d, not reviewed, keep their register class (poor): 4 poor in all
    assert total is not None and total.values[2:8] == (6, 17, 4, 66.67, 11, 64.71)
    assert REGISTER_NOTE not in r.notes and any("Rà soát năm 2026" in n for n in r.notes)
    assert "(CHÍNH THỨC)" in r.title


def test_preliminary_or_official_is_chosen_and_printed_in_the_title(db: Database) -> None:
    small_commune(db)
    r = build_report(db, kind="bieu1", period=periods.parse("2026"), stage="preliminary")
    assert r.title.endswith("(SƠ BỘ)") and "Kết quả rà soát (sơ bộ)" in [h.text for h in r.headers]


def test_units_grouped_urban_then_rural_when_the_commune_has_both(db: Database) -> None:
    small_commune(db)
    v2 = villages(db)[1]
    with db.atomic() as conn:
        conn.execute("UPDATE village SET area_type = 'urban' WHERE id = ?", (v2,))
    r = build_report(db, kind="bieu1", period=periods.parse("2026"))
    heads = [(row.values[0], row.values[1], row.kind) for row in r.rows]
    assert heads == [
        ("I", "Khu vực thành thị", "subtotal"),
        (1, "Thôn Tân Hòa", "unit"),
        ("II", "Khu vực nông thôn", "subtotal"),
        (1, "Thôn Đồng Xuân", "unit"),
        (2, "Thôn Bãi Sậy", "unit"),
        ("III", "Tổng cộng (I + II)", "total"),
    ]
    urban, rural, total = (row for row in r.rows if row.kind != "unit")
    assert urban.values[2:4] == (3, 8) and rural.values[2:4] == (3, 9) and total.values[2:4] == (6, 17)


def test_movement_between_two_rounds_identity_holds_in_every_row(db: Database) -> None:
    ids = small_commune(db)
    a, b, c, d, e, f = (ids[k] for k in "abcdef")
    closed_round(db, 2025, {a: ("poor", 2), b: ("poor", 3), c: ("near_poor", 4), d: ("poor", 1), e: ("not_poor", 5)})
    # a stays poor with one more person, b becomes near-poor, c becomes poor, d leaves (not in the round),
    # e newly poor, f (not in the first round, not poor before) newly poor too
    closed_round(
        db,
        2026,
        {a: ("poor", 3), b: ("near_poor", 3), c: ("poor", 4), e: ("poor", 5), f: ("poor", 2)},
        before={a: "poor", b: "poor", c: "near_poor", e: "not_poor", f: "not_poor"},
    )
    r = build_report(db, kind="bieu2", period=periods.parse("2026"))
    for row in r.rows:
        assert identity_holds([int(v or 0) for v in row.values[3:]])
    hh, pp = [row for row in r.rows if row.kind == "total"]
    # households: start 3; -1 became near-poor (b), -1 other (d); +1 near-poor→poor (c), +2 new (e, f)
    assert list(hh.values[3:]) == [3, 1, 0, 1, 1, 0, 2, 0, 4]
    # persons: start 6; b 3, d 1 out; +4 (c) +5 (e) +2 (f) in, +1 composition (a) → end 14
    assert list(pp.values[3:]) == [6, 3, 0, 1, 4, 0, 7, 1, 14]
    r3 = build_report(db, kind="bieu3", period=periods.parse("2026"))
    hh3 = next(row for row in r3.rows if row.kind == "total")
    assert list(hh3.values[3:]) == [1, 0, 1, 0, 1, 0, 0, 0, 1]


def test_deprivations_follow_the_standards_indicator_order(db: Database) -> None:
    ids = small_commune(db)
    closed_round(
        db,
        2026,
        {ids["a"]: ("poor", 2), ids["b"]: ("poor", 3), ids["c"]: ("near_poor", 4)},
        deprived={ids["a"]: ["water", "hi"], ids["b"]: ["hi", "employment"], ids["c"]: ["water"]},
    )
    r4 = build_report(db, kind="bieu4", period=periods.parse("2026"))
    group = "Chỉ số thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo"
    assert r4.code == "Mẫu số 7.4" and r4.leaf_headers()[3:] == [f"{group} — {n}" for _, n in INDICATORS]
    assert r4.column_numbers == ["A", "B", "C", "1", "2", "3"]  # indicators numbered from 1
    total = r4.total_row()
    # the round's two poor households plus d (poor in the register, not reviewed: no deprivation recorded)
    assert total is not None and total.values[2:] == (3, 1, 1, 2)
    r5 = build_report(db, kind="bieu5", period=periods.parse("2026"))
    assert r5.code == "Mẫu số 7.5" and r5.column_count == 3 + len(INDICATORS)  # no total-deprivations column
    assert total_of(r5).values[3:] == (33.33, 33.33, 66.67)
    r6 = build_report(db, kind="bieu6", period=periods.parse("2026"))
    assert total_of(r6).values[2:] == (1, 1, 0, 0)


def test_detailed_list_puts_the_birth_year_under_nam_or_nu(db: Database) -> None:
    small_commune(db)
    r = build_report(db, kind="list_poor", period=periods.parse("2026"))
    headers = r.leaf_headers()
    nam, nu = headers.index("Năm sinh — Nam"), headers.index("Năm sinh — Nữ")
    details = [row for row in r.rows if row.kind == "detail"]
    assert len(details) == 6  # 2 + 3 + 1 members of the three poor households
    first, second = details[0], details[1]
    assert (first.values[nam], first.values[nu]) == (1980, None)
    assert (second.values[nam], second.values[nu]) == (None, 1981)
    assert "3 hộ, 6 nhân khẩu" in str(total_of(r).values[1])


def test_support_summary_sums_amounts_in_the_period_only(db: Database) -> None:
    ids = small_commune(db)
    support(db, ids["a"], "health_insurance", "2026-03-01", 800_000)
    support(db, ids["a"], "loan", "2026-04-01", 50_000_000, "local")
    support(db, ids["d"], "health_insurance", "2026-05-01", 700_000)
    support(db, ids["d"], "health_insurance", "2025-05-01", 999_999)  # other year
    r = build_report(db, kind="supports", period=periods.parse("2026"))
    total = r.total_row()
    assert total is not None and total.values[2:5] == (2, 3, 51_500_000)
    assert total.values[5:7] == (2, 1_500_000)  # Y tế: count, amount
    by_source = build_report(db, kind="supports_by_source", period=periods.parse("2026"))
    assert total_of(by_source).values[2:] == (2, 3, 51_500_000)
    monthly = build_report(db, kind="monthly", period=periods.parse("2026-04"))
    assert total_of(monthly).values[-3:] == (1, 1, 50_000_000)


def test_every_report_kind_builds_with_totals_equal_to_the_villages(db: Database) -> None:
    small_commune(db)
    for kind, _ in reporting.report_kinds():
        r = build_report(db, kind=kind, period=periods.parse("2026"))
        assert r.title and r.column_count == len(r.column_numbers)
        assert all(len(row.values) == r.column_count for row in r.rows), kind
        units = r.unit_rows()
        totals = [row for row in r.rows if row.kind == "total"]
        if kind.startswith("bieu") and units and len(totals) == 1:
            for col, k in enumerate(r.column_kinds):
                if k == "int" and col >= 2:
                    assert totals[0].values[col] == int_sum(units, col), (kind, col)
    assert villages(db)


def test_unknown_kind_is_refused(db: Database) -> None:
    with pytest.raises(ValidationFailed):
        build_report(db, kind="bieu99", period=periods.parse("2026"))


def test_plan_progress_rows_come_from_the_plan_service(db: Database) -> None:
    from giamngheo_desktop.services import plan

    small_commune(db)
    empty = build_report(db, kind="plan", period=periods.parse("2026"))
    assert not empty.rows and "Chưa có kế hoạch giảm nghèo năm 2026." in empty.notes
    plan_id = plan.create_plan_from_template(db, year=2026, number="12/KH-UBND").written_id
    r = build_report(db, kind="plan", period=periods.parse("2026"))
    targets = plan.progress(db, plan_id, on_date="2026-12-31").targets
    assert [row.values[1] for row in r.rows] == [t.label for t in targets]
    assert any("12/KH-UBND" in n for n in r.notes)


def test_children_counted_by_birth_date_and_health_insurance_as_in_classification(db: Database) -> None:
    """Biểu 11: a child born in December 2010 is 15 on 1 October 2026 (not 16 by birth year); a card that
    starts after the reference date does not cover the child on that date."""
    ids = small_commune(db)
    school = db.scalar("SELECT code FROM code_list WHERE list_name = 'schooling' AND extra LIKE '%in_school%true%'")
    with db.atomic() as conn:
        conn.execute(
            "UPDATE member SET birth_date = '2010-12-20', birth_year = 2010, hi_card_number = 'HN123',"
            " hi_valid_from = '2026-10-02', hi_valid_to = '2027-12-31', schooling = ?"
            " WHERE household_id = ? AND sort_order = 1",
            (school, ids["a"]),
        )
    closed_round(db, 2026, {ids["a"]: ("poor", 2)})  # reference date 2026-10-01
    r = build_report(db, kind="bieu11", period=periods.parse("2026"))
    total = r.total_row()
    assert total is not None and total.values[2:5] == (1, 1, 0)  # one child, deprived in health (no valid card)
    with db.atomic() as conn:
        conn.execute("UPDATE member SET hi_valid_from = '2026-01-01' WHERE household_id = ?", (ids["a"],))
    again = build_report(db, kind="bieu11", period=periods.parse("2026")).total_row()
    assert again is not None and again.values[2:5] == (1, 0, 0)
