"""Review rounds end to end on a demo commune: list → compute → meetings → posting → decision → close."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import DomainError, PermissionDenied, ValidationFailed
from giamngheo_desktop.domain.movement import identity_holds
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor, Role
from giamngheo_desktop.domain.vocab import effective_class
from giamngheo_desktop.services import demo, review
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


@pytest.fixture
def commune(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "xa.sqlite")
    demo.generate(db, households=300, seed=4)
    yield db
    db.close()


def run_round(db: Database, date: str, decision_date: str) -> int:
    round_id = review.open_round(db, kind="annual", reference_date=date).written_id
    review.compute_round(db, round_id)
    for village in {r.village for r in review.round_rows(db, round_id)}:
        vid = db.scalar("SELECT id FROM village WHERE name = ?", (village,))
        review.record_meeting(db, round_id, village_id=vid, meeting_date=date, attendees=20, agreed=10)
    review.advance(db, round_id, to_step="posting", posting_from=date, posting_to=date)
    review.advance(db, round_id, to_step="decision", decision_number="12/QĐ-UBND", decision_date=decision_date)
    review.issue_certificates(db, round_id)
    review.close_round(db, round_id)
    return round_id


def test_demo_data_agrees_with_the_2022_standard(commune: Database) -> None:
    classed = [r for r in review.classify_all(commune, "2026-11-15") if r.current_class in ("poor", "near_poor")]
    assert len(classed) > 10  # the demo commune has poor and near-poor households to check
    assert [(r.household_id, r.reason) for r in classed if r.computed_class != r.current_class] == []


def test_the_2027_standard_changes_some_classes(commune: Database) -> None:
    before = {r.household_id: r.computed_class for r in review.classify_all(commune, "2026-12-31")}
    after = {r.household_id: r.computed_class for r in review.classify_all(commune, "2027-01-01")}
    assert {r.standard_id for r in review.classify_all(commune, "2027-01-01")} == {"VN-2027-2030"}
    assert sum(before[h] != after[h] for h in before) > 5


def test_full_annual_round_freezes_and_updates_the_register(commune: Database) -> None:
    round_id = run_round(commune, "2026-11-15", "2026-12-05")
    rows = review.round_rows(commune, round_id)
    assert rows and all(commune.scalar("SELECT frozen FROM round_household WHERE round_id = ? AND household_id = ?",
                                       (round_id, r.household_id)) == 1 for r in rows)  # fmt: skip
    assert commune.scalar("SELECT count(*) FROM certificate WHERE number LIKE '%/GCN-HN.HCN'") > 0
    with pytest.raises(DomainError, match="đã đóng"):
        review.compute_round(commune, round_id)
    poor = commune.scalar("SELECT count(*) FROM household WHERE poverty_class = 'poor'")
    assert poor == sum(1 for r in rows if r.final_class == "poor")


def test_meeting_needs_half_of_attendees(commune: Database) -> None:
    round_id = review.open_round(commune, kind="annual", reference_date="2026-11-15").written_id
    review.compute_round(commune, round_id)
    vid = commune.scalar("SELECT village_id FROM round_household WHERE round_id = ? LIMIT 1", (round_id,))
    review.record_meeting(commune, round_id, village_id=vid, meeting_date="2026-11-20", attendees=100, agreed=49)
    back = commune.scalar(
        "SELECT count(*) FROM round_household rh JOIN household h ON h.id = rh.household_id"
        " WHERE round_id = ? AND h.village_id = ? AND status = 'collected'",
        (round_id, vid),
    )
    assert back > 0
    with pytest.raises(ValidationFailed, match="50 %"):
        review.advance(commune, round_id, to_step="posting", posting_from="2026-11-21", posting_to="2026-11-24")
    review.record_meeting(commune, round_id, village_id=vid, meeting_date="2026-11-22", attendees=100, agreed=50)
    approved = commune.scalar(
        "SELECT count(*) FROM round_household rh JOIN household h ON h.id = rh.household_id"
        " WHERE round_id = ? AND h.village_id = ? AND status = 'approved'",
        (round_id, vid),
    )
    assert approved == back  # half of the room agreed: the village's households move on


def test_override_keeps_a_hand_entered_flag_with_its_note(commune: Database) -> None:
    round_id = review.open_round(commune, kind="annual", reference_date="2026-11-15").written_id
    review.compute_round(commune, round_id)
    row = next(r for r in review.round_rows(commune, round_id) if r.computed_class == "near_poor")
    with pytest.raises(ValidationFailed, match="lý do"):
        review.override_indicator(commune, round_id, row.household_id, code="water", deprived=True, note="")
    for code in ("water", "latrine", "floor_area"):
        review.override_indicator(
            commune, round_id, row.household_id, code=code, deprived=True, note="Kiểm tra thực tế"
        )
    again = next(r for r in review.round_rows(commune, round_id) if r.household_id == row.household_id)
    assert again.computed_class == "poor" and "chỉ số nhập tay" in again.reason
    flags = {f["indicator_code"]: f for f in review.round_indicators(commune, round_id, row.household_id)}
    assert flags["water"]["source"] == "entered" and flags["water"]["note"] == "Kiểm tra thực tế"


def test_rights_by_role(commune: Database) -> None:
    round_id = review.open_round(commune, kind="annual", reference_date="2026-11-15").written_id
    commune.set_actor(Actor(user_id=None, username="chutich", role=Role.LEADER))
    with pytest.raises(PermissionDenied):
        review.compute_round(commune, round_id)
    commune.set_actor(Actor(user_id=None, username="canbo", role=Role.OFFICER))
    review.compute_round(commune, round_id)
    with pytest.raises(PermissionDenied):
        review.close_round(commune, round_id)
    commune.set_actor(SYSTEM_ACTOR)


def test_newly_escaped_for_36_months_then_not_poor() -> None:
    assert effective_class("newly_escaped", "2024-12-10", "2027-12-09") == "newly_escaped"
    assert effective_class("newly_escaped", "2024-12-10", "2027-12-10") == "not_poor"
    assert effective_class("poor", None, "2030-01-01") == "poor"


def test_movement_between_two_closed_rounds_balances(commune: Database) -> None:
    first = run_round(commune, "2026-11-15", "2026-12-05")
    with commune.atomic() as conn:  # a year of life: incomes change
        conn.execute("UPDATE household SET income_per_capita = 900000 WHERE id % 37 = 0")
        conn.execute("UPDATE household SET income_per_capita = 3500000 WHERE poverty_class = 'poor' AND id % 3 = 0")
    second = run_round(commune, "2027-09-15", "2027-12-05")
    result = review.movement_between(commune, first, second)
    for group in ("poor", "near_poor"):
        total = result[group][None]
        assert all(identity_holds(row) for row in total.rows())
        assert total.households["c2"] + total.households["c3"] + total.households["c7"] > 0


def test_review_and_classify_commands(commune: Database, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(commune.path)
    assert cli_main(["classify", "--db", path, "--date", "2026-11-15", "--json"]) == 0
    assert '"standard": "VN-2022-2025"' in capsys.readouterr().out
    assert cli_main(["review", "open", "--db", path, "--date", "2026-11-15"]) == 0
    assert cli_main(["review", "compute", "--db", path, "1"]) == 0
    assert "Đã tính" in capsys.readouterr().out


def test_demo_with_rounds_has_movement_for_the_reports(tmp_path: Path) -> None:
    path = tmp_path / "mau.sqlite"
    assert cli_main(["demo", "--db", str(path), "--households", "200", "--seed", "3", "--rounds"]) == 0
    with open_database(path) as db:
        rounds = review.list_rounds(db)
        assert [r.step for r in rounds] == ["closed", "closed"]
        result = review.movement_between(db, rounds[1].id, rounds[0].id)
        assert all(identity_holds(row) for g in ("poor", "near_poor") for row in result[g][None].rows())


def _at_meeting(db: Database, date: str = "2026-11-15") -> tuple[int, int]:
    round_id = review.open_round(db, kind="annual", reference_date=date).written_id
    assert round_id is not None
    review.compute_round(db, round_id)
    villages = {r.village for r in review.round_rows(db, round_id)}
    ids = [db.scalar("SELECT id FROM village WHERE name = ?", (v,)) for v in villages]
    for vid in ids:
        review.record_meeting(db, round_id, village_id=vid, meeting_date=date, attendees=20, agreed=15)
    return round_id, ids[0]


def test_a_meeting_recorded_again_for_the_same_date_corrects_the_first(commune: Database) -> None:
    round_id, vid = _at_meeting(commune)
    review.record_meeting(
        commune, round_id, village_id=vid, meeting_date="2026-11-15", attendees=20, agreed=5, secretary="Lê Văn Ba"
    )  # no English database error: the record is corrected
    mine = [m for m in review.meetings(commune, round_id) if m["village_id"] == vid]
    assert len(mine) == 1 and (mine[0]["agreed"], mine[0]["secretary"]) == (5, "Lê Văn Ba")
    name = commune.scalar("SELECT name FROM village WHERE id = ?", (vid,))
    assert name in review.villages_without_agreement(commune, round_id)  # now under 50 %


def test_round_dates_are_checked_in_order(commune: Database) -> None:
    round_id, _ = _at_meeting(commune)
    with pytest.raises(ValidationFailed, match="sau ngày kết thúc"):
        review.advance(commune, round_id, to_step="posting", posting_from="2026-11-20", posting_to="2026-11-18")
    with pytest.raises(ValidationFailed, match="tương lai xa"):
        review.advance(commune, round_id, to_step="posting", posting_from="2026-11-20", posting_to="2036-11-23")
    with pytest.raises(ValidationFailed, match="trước ngày tham chiếu"):
        review.advance(commune, round_id, to_step="posting", posting_from="2026-10-20", posting_to="2026-11-23")
    review.advance(commune, round_id, to_step="posting", posting_from="2026-11-20", posting_to="2026-11-23")
    with pytest.raises(ValidationFailed, match="trước khi hết niêm yết"):
        review.advance(commune, round_id, to_step="decision", decision_number="1/QĐ", decision_date="2026-11-21")
    assert commune.scalar("SELECT step FROM review_round WHERE id = ?", (round_id,)) == "posting"  # unchanged


def test_a_split_off_household_is_other_increase_not_newly_arising(commune: Database) -> None:
    from giamngheo_desktop.domain import periods
    from giamngheo_desktop.services import register as reg
    from giamngheo_desktop.services import reporting

    first = run_round(commune, "2025-11-15", "2025-12-05")
    hid = commune.scalar(
        "SELECT household_id FROM round_household rh WHERE round_id = ? AND final_class = 'poor' AND"
        " (SELECT count(*) FROM member m WHERE m.household_id = rh.household_id AND m.deleted_at IS NULL) >= 3"
        " LIMIT 1",
        (first,),
    )
    members = [
        r["id"] for r in commune.rows("SELECT id FROM member WHERE household_id = ? ORDER BY sort_order", (hid,))
    ]
    head = commune.scalar("SELECT head_member_id FROM household WHERE id = ?", (hid,))
    leaving = [m for m in members if m != head][:1]
    new = reg.split_household(
        commune,
        hid,
        split=reg.SplitInput(member_ids=leaving, new_code="TACH-01", new_head_id=leaving[0], date="2026-06-01"),
    ).household_id
    copied = (
        "income_per_capita",
        "wall_material",
        "column_material",
        "roof_material",
        "floor_area",
        "water_source",
        "latrine_type",
        "internet_use",
        "info_devices",
        "loudspeaker_reach",
        "waste_treatment",
    )
    with commune.atomic() as conn:  # the officer fills in the new household's housing and income
        conn.execute(
            f"UPDATE household SET ({', '.join(copied)}) = (SELECT {', '.join(copied)} FROM household WHERE id = ?)"
            " WHERE id = ?",
            (hid, new),
        )
    second = run_round(commune, "2026-11-15", "2026-12-05")
    moved = review.movement_between(commune, first, second)
    cls = commune.scalar(
        "SELECT final_class FROM round_household WHERE round_id = ? AND household_id = ?", (second, new)
    )
    group = "poor" if cls == "poor" else "near_poor"
    village = commune.scalar("SELECT village_id FROM household WHERE id = ?", (new,))
    counts = moved[group][village].households
    assert counts["c8"] >= 1 and counts["c7"] == 0  # other increase (split), not newly arising
    listing = reporting.build_report(
        commune, kind="list_poor" if group == "poor" else "list_near_poor", period=periods.parse("2026")
    )
    row = next(r for r in listing.rows if r.kind == "detail" and r.values[3] == "TACH-01")
    assert row.values[8:11] == ("", "", "x")  # the detailed list agrees: an old household, not "Mới"


def test_newly_escaped_is_read_as_not_poor_after_36_months(commune: Database) -> None:
    import datetime as _dt

    from giamngheo_desktop import clock
    from giamngheo_desktop.services import commune as commune_service
    from giamngheo_desktop.services import household_query

    hid = commune.scalar("SELECT id FROM household WHERE poverty_class = 'not_poor' LIMIT 1")
    with commune.atomic() as conn:
        conn.execute(
            "UPDATE household SET poverty_class = 'newly_escaped', escaped_date = '2023-06-01' WHERE id = ?", (hid,)
        )
    clock.set_fixed_now(_dt.datetime(2026, 5, 31, 9, 0))
    try:
        before = commune_service.info(commune)["by_class"]["newly_escaped"]["households"]
        query = household_query.HouseholdQuery(poverty_class="newly_escaped")
        assert hid in household_query.find_household_ids(commune, query)
        clock.set_fixed_now(_dt.datetime(2026, 6, 1, 9, 0))  # 36 months on
        after = commune_service.info(commune)["by_class"].get("newly_escaped", {"households": 0})["households"]
        assert after == before - 1
        assert hid not in household_query.find_household_ids(commune, query)
        assert household_query.household_rows(commune, [hid])[hid].poverty_class == "not_poor"
    finally:
        clock.set_fixed_now(None)
    assert commune.scalar("SELECT poverty_class FROM household WHERE id = ?", (hid,)) == "newly_escaped"  # not written


def test_a_monthly_round_with_no_request_waiting_is_refused_and_nothing_is_written(commune: Database) -> None:
    """With no request waiting the monthly round opened empty: no step could be taken, nothing added (a dead end)."""
    rounds = commune.scalar("SELECT count(*) FROM review_round")
    with pytest.raises(DomainError, match=r"không có đơn đề nghị .* nào chờ xử lý"):
        review.open_round(commune, kind="monthly", reference_date="2026-12-15")
    assert commune.scalar("SELECT count(*) FROM review_round") == rounds
    hid = commune.scalar("SELECT id FROM household WHERE poverty_class = 'not_poor' ORDER BY id LIMIT 1")
    review.record_request(commune, household_id=hid, form="01", request_date="2026-12-15", content="Mất mùa")
    monthly = review.open_round(commune, kind="monthly", reference_date="2026-12-15").written_id
    assert [r.household_id for r in review.round_rows(commune, monthly)] == [hid]
