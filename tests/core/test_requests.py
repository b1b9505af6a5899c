"""Requests (Mẫu 01/04): record, correct, remove while waiting, and put back exactly as they were."""

from __future__ import annotations

import pytest

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.services import audit, commune, review
from giamngheo_desktop.storage.connection import Database
from tests.support_builders import add_household


def test_a_request_is_corrected_removed_and_put_back(db: Database) -> None:
    village = commune.list_villages(db)[0].id
    hid = add_household(db, "R-1", village)
    other = add_household(db, "R-2", village)
    rid = int(
        review.record_request(db, household_id=hid, form="01", request_date="2026-03-02", content="Mất mùa").id or 0
    )
    review.update_request(
        db, request_id=rid, household_id=other, form="04", request_date="2026-03-03", content="Có việc"
    )
    row = review.get_request(db, rid)
    assert (row["household_id"], row["form"], row["request_date"], row["content"]) == (
        other,
        "04",
        "2026-03-03",
        "Có việc",
    )
    with pytest.raises(ValidationFailed, match="Ngày nộp đơn"):
        review.update_request(db, request_id=rid, household_id=other, form="04", request_date="31/02/2026")
    assert review.get_request(db, rid)["request_date"] == "2026-03-03"  # left as it was
    review.remove_request(db, request_id=rid)
    assert [r["id"] for r in review.pending_requests(db)] == []
    review.restore_request(db, row=row)
    again = review.get_request(db, rid)
    assert {k: again[k] for k in review.REQUEST_COLUMNS} == {k: row[k] for k in review.REQUEST_COLUMNS}
    actions = [e.action for e in audit.history(db, audit.HistoryQuery(household_id=other))]
    assert len(actions) >= 3  # corrected, removed, put back: each in the change history


def test_a_request_taken_into_a_round_can_no_longer_be_changed(db: Database) -> None:
    village = commune.list_villages(db)[0].id
    hid = add_household(db, "R-1", village)
    rid = int(review.record_request(db, household_id=hid, form="01", request_date="2026-03-02").id or 0)
    db.conn.execute("UPDATE household_request SET status = 'in_round' WHERE id = ?", (rid,))
    with pytest.raises(ValidationFailed, match="đã đưa vào đợt rà soát"):
        review.remove_request(db, request_id=rid)
    assert review.get_request(db, rid)["status"] == "in_round"
