"""Every step of a review round can be taken back and taken again (what Ctrl+Z / Ctrl+Y do)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.services import demo, review, round_state
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


@pytest.fixture
def commune(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "xa.sqlite")
    demo.generate(db, households=120, seed=5)
    yield db
    db.close()


def _register(db: Database) -> list[dict[str, Any]]:
    return db.rows("SELECT id, poverty_class, escaped_date, class_decision FROM household ORDER BY id")


def _requests(db: Database) -> list[dict[str, Any]]:
    return db.rows("SELECT id, status, round_id FROM household_request ORDER BY id")


def _step_back_and_forth(db: Database, round_id: int, step: Callable[[], object]) -> None:
    before, register_before = round_state.capture(db, round_id), _register(db)
    step()
    after, register_after = round_state.capture(db, round_id), _register(db)
    assert after != before
    round_state.restore(db, before)
    assert round_state.capture(db, round_id) == before and _register(db) == register_before
    round_state.restore(db, after)
    assert round_state.capture(db, round_id) == after and _register(db) == register_after


def test_every_round_step_is_undone_and_redone(commune: Database) -> None:
    day = "2026-11-15"
    household = commune.scalar("SELECT id FROM household WHERE poverty_class = 'poor' LIMIT 1")
    review.record_request(commune, household_id=household, form="01", request_date="2026-11-01")
    requests = _requests(commune)
    opened = review.open_round(commune, kind="annual", reference_date=day).id
    assert opened is not None
    after_open = round_state.capture(commune, opened)
    round_state.restore(commune, round_state.before_open(after_open))  # undo of "open"
    assert commune.scalar("SELECT count(*) FROM review_round") == 0 and _requests(commune) == requests
    round_state.restore(commune, after_open)  # redo
    assert round_state.capture(commune, opened) == after_open

    _step_back_and_forth(commune, opened, lambda: review.compute_round(commune, opened))
    first = review.round_rows(commune, opened)[0]
    _step_back_and_forth(commune, opened, lambda: review.set_b1(commune, opened, first.household_id, total=99))
    villages = sorted({r.village for r in review.round_rows(commune, opened)})
    for name in villages:
        vid = commune.scalar("SELECT id FROM village WHERE name = ?", (name,))
        _step_back_and_forth(
            commune,
            opened,
            functools.partial(
                review.record_meeting, commune, opened, village_id=vid, meeting_date=day, attendees=20, agreed=15
            ),
        )
    _step_back_and_forth(
        commune, opened, lambda: review.advance(commune, opened, to_step="posting", posting_from=day, posting_to=day)
    )
    _step_back_and_forth(
        commune,
        opened,
        lambda: review.advance(commune, opened, to_step="decision", decision_number="1/QĐ", decision_date=day),
    )
    _step_back_and_forth(commune, opened, lambda: review.issue_certificates(commune, opened))
    _step_back_and_forth(commune, opened, lambda: review.close_round(commune, opened))  # the register's classes too
    assert commune.scalar("SELECT step FROM review_round WHERE id = ?", (opened,)) == "closed"


def test_a_refused_date_is_told_as_the_officer_reads_dates(commune: Database) -> None:
    round_id = review.open_round(commune, kind="annual", reference_date="2026-11-15").id
    assert round_id is not None
    with pytest.raises(ValidationFailed) as refused:
        review.advance(commune, round_id, to_step="posting", posting_from="2026-10-20", posting_to="2026-11-23")
    assert "20/10/2026" in str(refused.value) and "2026-10-20" not in str(refused.value)
