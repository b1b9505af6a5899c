"""B1 scoring cards as data: the sample card loads, scores answers, and stands in for a missing income."""

from __future__ import annotations

from pathlib import Path

import pytest

from giamngheo_desktop.domain.errors import DomainError, ValidationFailed
from giamngheo_desktop.domain.scoring import parse_card, score
from giamngheo_desktop.services import demo, review
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


def test_sample_card_is_labelled_and_scores_answers(db: Database) -> None:
    card = review.b1_card(db, "VN-2022-2025", "rural")
    assert card is not None and card.is_sample and "THẺ MẪU" in card.name
    answers = {q["code"]: q["options"][-1]["code"] for q in card.questions}
    assert score(card, answers) == sum(q["options"][-1]["points"] for q in card.questions)
    with pytest.raises(ValidationFailed, match="chưa chọn phương án"):
        score(card, {})


def test_a_card_without_points_is_refused() -> None:
    with pytest.raises(DomainError, match="thiếu điểm"):
        parse_card({"id": "x", "standard_id": "s", "name": "n", "cutoff": 1,
                    "questions": [{"code": "q", "text": "Câu", "options": [{"code": "a", "text": "A"}]}]})  # fmt: skip


def test_b1_total_stands_in_for_a_missing_income(tmp_path: Path) -> None:
    with open_database(tmp_path / "xa.sqlite") as db:
        demo.generate(db, households=80, seed=3)
        hid = db.scalar("SELECT id FROM household WHERE poverty_class = 'near_poor' LIMIT 1")
        with db.atomic() as conn:
            conn.execute("UPDATE household SET income_per_capita = NULL WHERE id = ?", (hid,))
        round_id = review.open_round(db, kind="annual", reference_date="2026-11-15").written_id
        review.compute_round(db, round_id)
        row = next(r for r in review.round_rows(db, round_id) if r.household_id == hid)
        assert row.computed_class is None and "chưa phân loại" in row.reason
        review.set_b1(db, round_id, hid, total=95)
        row = next(r for r in review.round_rows(db, round_id) if r.household_id == hid)
        assert row.computed_class in ("poor", "near_poor") and "Điểm B1 95" in row.reason
        review.set_b1(db, round_id, hid, total=190)
        row = next(r for r in review.round_rows(db, round_id) if r.household_id == hid)
        assert row.computed_class == "not_poor"
