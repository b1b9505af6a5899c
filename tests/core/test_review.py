"""Review rounds end to end on a demo commune: list → compute → meetings → posting → decision → close."""

from __future__ import annotations

from pathlib import Path

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import DomainError, PermissionDenied, ValidationFailed
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor, Role
from giamngheo_desktop.services import demo, review
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


@pytest.fixture
def commune(tmp_path: Path) -> Database:
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
    results = review.classify_all(commune, "2026-11-15")
    for r in results:
        if r.current_class in ("poor", "near_poor"):
            assert r.computed_class == r.current_class, r.reason


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
    assert review.effective_class("newly_escaped", "2024-12-10", "2027-12-09") == "newly_escaped"
    assert review.effective_class("newly_escaped", "2024-12-10", "2027-12-10") == "not_poor"
    assert review.effective_class("poor", None, "2030-01-01") == "poor"


def test_movement_between_two_closed_rounds_balances(commune: Database) -> None:
    first = run_round(commune, "2026-11-15", "2026-12-05")
    with commune.atomic() as conn:  # a year of life: incomes change
        conn.execute("UPDATE household SET income_per_capita = 900000 WHERE id % 37 = 0")
        conn.execute("UPDATE household SET income_per_capita = 3500000 WHERE poverty_class = 'poor' AND id % 3 = 0")
    second = run_round(commune, "2027-09-15", "2027-12-05")
    result = review.movement_between(commune, first, second)
    for group in ("poor", "near_poor"):
        total = result[group][None]
        assert total.identity_holds()
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
        assert all(result[g][None].identity_holds() for g in ("poor", "near_poor"))
