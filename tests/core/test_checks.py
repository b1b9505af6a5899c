"""Data checks find each kind of problem and link to the record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.services import checks
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database

ROOT = Path(__file__).resolve().parents[2]


pytestmark = [pytest.mark.usefixtures("pinned_clock"), pytest.mark.clock("2026-06-01 09:00")]


def vid(db: Database) -> int:
    return int(db.scalar("SELECT min(id) FROM village"))


def complete_household(code: str, village_id: int) -> reg.HouseholdInput:
    return reg.HouseholdInput(
        code=code,
        village_id=village_id,
        wall_material="brick",
        column_material="brick",
        roof_material="tile",
        floor_area=60,
        water_source="piped",
        latrine_type="septic",
        internet_use=True,
        info_devices=["tv"],
        loudspeaker_reach=True,
    )


def adult(name: str, rel: str, year: int, sex: str, **kw: Any) -> reg.MemberInput:
    return reg.MemberInput(
        name,
        rel,
        birth_date=f"{year}-05-05",
        sex=sex,
        hi_valid_to="2026-12-31",
        education_level="upper_secondary",
        employment="self_employed",
        **kw,
    )


def add(db: Database, code: str, members: list[reg.MemberInput]) -> int:
    return reg.add_household(db, household=complete_household(code, vid(db)), members=members).household_id or 0


def kinds(findings: list[checks.Finding]) -> set[str]:
    return {f.kind for f in findings}


def test_clean_register_has_no_findings(db: Database) -> None:
    add(db, "A1", [adult("Nguyễn Văn An", "01", 1970, "M"), adult("Lê Thị Bé", "02", 1972, "F")])
    assert checks.run_checks(db) == []


def test_each_kind_is_found_and_linked(db: Database) -> None:
    head_id = make_id_number("025", "M", 1970, 1)
    a = add(
        db,
        "A1",
        [
            adult("Nguyễn Văn An", "01", 1970, "M", id_number=head_id),
            adult("Nguyễn Văn Con", "04", 1965, "M"),  # a child older than the head
            adult("Nguyễn Thị Mẹ", "10", 1980, "F"),  # a mother younger than the head
            # ID says female born 1999 but recorded as a man born 1990
            adult("Nguyễn Văn Lệch", "24", 1990, "M", id_number=make_id_number("025", "F", 1999, 7)),
            reg.MemberInput("Nguyễn Văn Bé", "04", birth_date="2016-01-01", sex="M"),  # no schooling, no HI
        ],
    )
    b = add(db, "B1", [adult("Trần Văn Bình", "01", 1960, "M")])
    c = add(db, "C1", [adult("Phạm Văn Cường", "01", 1975, "M")])
    d = add(db, "D1", [adult("Hà Văn Dũng", "01", 1950, "M"), adult("Hà Văn Dương", "04", 1975, "M")])
    # legacy data that the services would refuse: duplicates, two heads, no head, a person twice
    conn = db.conn
    bình = db.scalar("SELECT id FROM member WHERE household_id = ?", (b,))
    conn.execute("UPDATE member SET id_number = ? WHERE id = ?", (head_id, bình))
    conn.execute("UPDATE member SET relationship_code = '01' WHERE household_id = ?", (d,))
    conn.execute("UPDATE member SET relationship_code = '04' WHERE household_id = ?", (c,))
    conn.execute(
        "INSERT INTO member (household_id, full_name, name_fold, birth_date, birth_year, sex, relationship_code, "
        "created_at, updated_at) VALUES (?, 'Nguyễn Thị Mẹ', 'nguyen thi me', '1980-05-05', 1980, 'F', '02', 'x', 'x')",
        (b,),
    )
    conn.execute("UPDATE household SET water_source = NULL, floor_area = NULL WHERE id = ?", (b,))

    findings = checks.run_checks(db)
    found = kinds(findings)
    assert {
        "duplicate_id",
        "two_heads",
        "no_head",
        "age_relationship",
        "id_contradiction",
        "person_in_two_households",
        "missing_household_data",
        "missing_member_data",
    } <= found

    by_kind = {k: [f for f in findings if f.kind == k] for k in found}
    dup = by_kind["duplicate_id"]
    assert {f.household_id for f in dup} == {a, b}
    assert all(head_id in f.message for f in dup)
    assert by_kind["two_heads"][0].household_id == d
    assert by_kind["no_head"][0].household_id == c and "chưa có chủ hộ" in by_kind["no_head"][0].message
    child = [f for f in by_kind["age_relationship"] if f.member_name == "Nguyễn Văn Con"]
    assert child and "lớn tuổi hơn chủ hộ" in child[0].message
    mother = [f for f in by_kind["age_relationship"] if f.member_name == "Nguyễn Thị Mẹ"]
    assert mother and "trẻ hơn chủ hộ" in mother[0].message and mother[0].member_id
    lech = by_kind["id_contradiction"]
    assert lech[0].member_name == "Nguyễn Văn Lệch"
    assert any("Nữ" in f.message for f in lech) and any("1999" in f.message for f in lech)
    twice = by_kind["person_in_two_households"]
    assert {f.household_code for f in twice} == {"A1", "B1"}
    missing_h = by_kind["missing_household_data"][0]
    assert missing_h.household_id == b and "nguồn nước" in missing_h.message and "diện tích" in missing_h.message
    be = next(f for f in by_kind["missing_member_data"] if f.member_name == "Nguyễn Văn Bé")
    assert "tình trạng đi học" in be.message and "hạn thẻ BHYT" in be.message
    assert findings[0].severity == "error"  # errors first

    # the link leads to the record: the member id belongs to the household id
    for f in findings:
        if f.member_id is not None:
            assert reg.get_member(db, f.member_id)["household_id"] == f.household_id


def test_fixing_the_record_clears_the_finding(db: Database) -> None:
    a = add(db, "A1", [adult("Nguyễn Văn An", "01", 1970, "M"), adult("Nguyễn Thị Mẹ", "10", 1980, "F")])
    finding = next(f for f in checks.run_checks(db) if f.kind == "age_relationship")
    data = reg.member_input_from_row(reg.get_member(db, finding.member_id or 0))
    data.birth_date = "1945-05-05"
    reg.update_member(db, finding.member_id or 0, member=data)
    assert "age_relationship" not in kinds(checks.run_checks(db, household_ids=[a]))


def test_check_command_prints_json(db_path: Path, db: Database) -> None:
    add(db, "A1", [adult("Nguyễn Văn An", "01", 1970, "M"), adult("Nguyễn Thị Mẹ", "10", 1980, "F")])
    db.close()
    out = subprocess.run(
        [sys.executable, "-m", "giamngheo_desktop", "check", "--db", str(db_path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["by_kind"] == {"age_relationship": 1}
    assert data["findings"][0]["household_id"] and data["findings"][0]["member_id"]


def test_values_the_register_holds_against_the_field_rules(db: Database) -> None:
    """Values written before a rule existed (or by another program) are found by the same rules the
    dialogs and the import apply: an impossible birth date, a negative floor area."""
    a = add(db, "A1", [adult("Nguyễn Văn An", "01", 1970, "M"), adult("Lê Thị Bé", "02", 1972, "F")])
    db.conn.execute("UPDATE member SET birth_date = '1850-05-05', birth_year = 1850 WHERE full_name = 'Lê Thị Bé'")
    db.conn.execute("UPDATE household SET floor_area = -5 WHERE id = ?", (a,))
    found = [f for f in checks.run_checks(db) if f.kind == "field_value"]
    assert sorted(f.message for f in found) == [
        "Hộ A1 — Diện tích nhà ở (m²) “-5.0”: phải từ 0 đến dưới 10.000 m².",
        "Lê Thị Bé — Ngày sinh “05/05/1850”: không hợp lý (trước năm 1880).",
    ]
    assert all(f.household_id == a and f.severity == "error" for f in found)
