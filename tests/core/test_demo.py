"""The demo commune: deterministic, coherent, and its classes agree with its data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.idnumber import check_id_number
from giamngheo_desktop.services import demo
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database

TABLES = ["village", "household", "member", "household_cause", "support_record", "loan", "loan_repayment",
          "production_model", "model_participant", "training_class", "class_trainee"]  # fmt: skip


def content_hash(db: Database) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        for row in db.conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path)
    demo.generate(db, households=1000, seed=7)
    yield db
    db.close()
    db.close()


def test_same_seed_gives_the_same_commune(tmp_path: Path) -> None:
    hashes = []
    for name in ("a", "b"):
        with open_database(tmp_path / f"{name}.sqlite") as db:
            demo.generate(db, households=150, seed=3)
            hashes.append(content_hash(db))
    assert hashes[0] == hashes[1]
    with open_database(tmp_path / "c.sqlite") as db:
        demo.generate(db, households=150, seed=4)
        assert content_hash(db) != hashes[0]


def test_every_household_has_exactly_one_living_head(demo_db: Database) -> None:
    bad = demo_db.rows(
        """
        SELECT h.id FROM household h
        WHERE (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.relationship_code = '01'
               AND m.life_status = 'living') != 1
           OR h.head_member_id NOT IN (SELECT id FROM member m WHERE m.household_id = h.id AND relationship_code = '01')
        """
    )
    assert bad == []


def test_children_are_younger_than_their_head_parent(demo_db: Database) -> None:
    rows = demo_db.rows(
        """
        SELECT c.birth_year - p.birth_year AS gap FROM member c
        JOIN household h ON h.id = c.household_id JOIN member p ON p.id = h.head_member_id
        WHERE c.relationship_code = '04'
        """
    )
    assert rows and all(r["gap"] >= 18 for r in rows)


def test_id_numbers_agree_with_sex_and_birth_year(demo_db: Database) -> None:
    rows = demo_db.rows("SELECT id_number, sex, birth_year FROM member WHERE id_kind = 'cccd'")
    assert len(rows) > 1000
    for row in rows:
        check = check_id_number(row["id_number"])
        assert check.ok, row
        assert (check.sex, check.birth_year) == (row["sex"], row["birth_year"])
    numbers = [r["id_number"] for r in rows]
    assert len(numbers) == len(set(numbers)), "ID numbers are unique"


def test_class_shares_and_incomes_agree_with_the_2022_standard(demo_db: Database) -> None:
    counts = dict(demo_db.conn.execute("SELECT poverty_class, count(*) FROM household GROUP BY 1").fetchall())
    total = sum(counts.values())
    assert 0.025 < counts["poor"] / total < 0.07
    assert 0.025 < counts["near_poor"] / total < 0.07
    over = demo_db.scalar(
        "SELECT count(*) FROM household WHERE poverty_class IN ('poor', 'near_poor') AND income_per_capita > 1500000"
    )
    assert over == 0
    below = demo_db.scalar(
        "SELECT count(*) FROM household"
        " WHERE poverty_class NOT IN ('poor', 'near_poor') AND income_per_capita <= 1500000"
    )
    assert below == 0
    # a spread just above the 2022–2026 rural line, below the 2027 line, so 2027 changes classes
    assert demo_db.scalar("SELECT count(*) FROM household WHERE income_per_capita BETWEEN 1500001 AND 2199999") > 20


def test_poor_households_have_clear_deprivations(demo_db: Database) -> None:
    # every poor household shows at least three of the deprivations the generator builds
    rows = demo_db.rows(
        """
        SELECT h.id,
          (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.life_status = 'living'
             AND (m.hi_valid_to IS NULL OR m.hi_valid_to < '2026-11-15')
             AND m.birth_date <= '2020-11-15') > 0 AS hi,
          h.latrine_type IN ('simple_pit', 'over_water', 'none') AS latrine,
          h.water_source IN ('unprotected_well', 'surface', 'unprotected_spring', 'other') AS water,
          h.internet_use = 0 AS internet,
          (h.info_devices = '' AND h.loudspeaker_reach = 0) AS information,
          h.wall_material IN ('bamboo', 'earth', 'weak_wood') AND h.roof_material IN ('thatch', 'tarpaulin') AS housing,
          h.floor_area / (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.life_status = 'living') < 8
            AS floor,
          (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.life_status = 'living'
             AND m.employment IN ('wage_no_contract', 'unemployed')) > 0 AS employment,
          (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.schooling = 'dropped_out') > 0 AS school,
          (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.nutrition IN ('stunted', 'underweight'))
            > 0 AS nutrition,
          (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.education_level = 'primary'
             AND m.birth_date BETWEEN '1995-11-16' AND '2008-11-15') > 0 AS adult_education
        FROM household h WHERE h.poverty_class = 'poor'
        """
    )
    assert rows
    for row in rows:
        assert sum(v for k, v in row.items() if k != "id") >= 3, row


def test_support_history_spans_three_years(demo_db: Database) -> None:
    years = {r["y"] for r in demo_db.rows("SELECT DISTINCT substr(support_date, 1, 4) AS y FROM support_record")}
    assert years == {"2024", "2025", "2026"}
    assert demo_db.scalar("SELECT count(*) FROM loan") > 0
    assert demo_db.scalar("SELECT count(*) FROM support_record WHERE programme_id IS NULL") == 0
    assert demo_db.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_demo_refuses_a_file_that_already_has_households(demo_db: Database) -> None:
    with pytest.raises(DomainError, match="đã có hộ gia đình"):
        demo.generate(demo_db, households=10, seed=1)


def test_cancelled_generation_writes_nothing(tmp_path: Path) -> None:
    with open_database(tmp_path / "x.sqlite") as db:
        with pytest.raises(DomainError, match="hủy"):
            demo.generate(db, households=300, seed=1, cancelled=lambda: True)
        assert db.scalar("SELECT count(*) FROM household") == 0
        assert db.scalar("SELECT count(*) FROM commune") == 0


def test_demo_and_info_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.sqlite"
    assert cli_main(["demo", "--db", str(path), "--households", "120", "--seed", "2"]) == 0
    capsys.readouterr()
    assert cli_main(["info", "--db", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["households"] == 120
    assert info["villages"] == 10
    assert sum(v["households"] for v in info["by_class"].values()) == 120


def test_demo_decisions_and_supports_are_never_after_today(db: Database) -> None:
    import datetime as _dt

    from giamngheo_desktop import clock

    clock.set_fixed_now(_dt.datetime(2026, 11, 25, 9, 0))  # after the 2026 posting, before its usual decision
    try:
        demo.generate(db, households=150, seed=3)
        demo.add_review_history(db)
    finally:
        clock.set_fixed_now(None)
    assert db.scalar("SELECT max(support_date) FROM support_record") <= "2026-11-25"
    assert db.scalar("SELECT max(decision_date) FROM review_round") <= "2026-11-25"
    assert db.scalar("SELECT max(class_date) FROM household") <= "2026-11-25"
