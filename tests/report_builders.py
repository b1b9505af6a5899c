"""Small hand-built communes for the report, export and package tests (plain SQL inserts)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from giamngheo_desktop.domain.report import ReportData, ReportRow
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc

NOW = "2026-01-05T08:00:00"
STANDARD = "TEST-STD"
# Deliberately not alphabetical: the report must follow the standard's order.
INDICATORS = [("water", "Nguồn nước sinh hoạt"), ("employment", "Việc làm"), ("hi", "Bảo hiểm y tế")]


def villages(db: Database) -> list[int]:
    return [r["id"] for r in db.rows("SELECT id FROM village WHERE deleted_at IS NULL ORDER BY sort_order, id")]


def _insert(db: Database, table: str, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    with db.atomic() as conn:
        cur = conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))
    return int(cur.lastrowid or 0)


def household(db: Database, code: str, village_id: int, cls: str = "poor", members: int = 2, **cols: Any) -> int:
    hid = _insert(
        db,
        "household",
        {
            "code": code,
            "code_fold": fold(code),
            "village_id": village_id,
            "poverty_class": cls,
            "created_at": NOW,
            "updated_at": NOW,
            **cols,
        },
    )
    for i in range(members):
        name = nfc(f"Nguyễn Văn {code} {i + 1}" if i % 2 == 0 else f"Lê Thị {code} {i + 1}")
        _insert(
            db,
            "member",
            {
                "household_id": hid,
                "full_name": name,
                "name_fold": fold(name),
                "birth_year": 1980 + i,
                "sex": "M" if i % 2 == 0 else "F",
                "ethnicity_code": "01",
                "relationship_code": None,
                "sort_order": i,
                "created_at": NOW,
                "updated_at": NOW,
            },
        )
    return hid


def standard(db: Database) -> None:
    definition = {"id": STANDARD, "indicators": [{"code": c, "name": n} for c, n in INDICATORS]}
    _insert(
        db,
        "poverty_standard",
        {
            "id": STANDARD,
            "name": "Chuẩn thử",
            "level": "national",
            "valid_from": "2022-01-01",
            "definition": json.dumps(definition),
            "loaded_at": NOW,
        },
    )


def closed_round(
    db: Database,
    year: int,
    rows: dict[int, tuple[str, int]],
    *,
    before: dict[int, str] | None = None,
    deprived: dict[int, list[str]] | None = None,
) -> int:
    """A closed annual round: {household_id: (final_class, member_count)}."""
    if db.scalar("SELECT count(*) FROM poverty_standard WHERE id = ?", (STANDARD,)) == 0:
        standard(db)
    rid = _insert(
        db,
        "review_round",
        {
            "kind": "annual",
            "year": year,
            "name": f"Rà soát năm {year}",
            "reference_date": f"{year}-10-01",
            "standard_id": STANDARD,
            "step": "closed",
            "opened_at": f"{year}-09-01",
            "closed_at": f"{year}-12-15",
        },
    )
    for hid, (cls, n) in rows.items():
        village_id = db.scalar("SELECT village_id FROM household WHERE id = ?", (hid,))
        _insert(
            db,
            "round_household",
            {
                "round_id": rid,
                "household_id": hid,
                "status": "approved",
                "village_id": village_id,
                "member_count": n,
                "final_class": cls,
                "class_before": (before or {}).get(hid),
                "standard_id": STANDARD,
                "frozen": 1,
            },
        )
        for code in (deprived or {}).get(hid, []):
            _insert(
                db,
                "round_indicator",
                {"round_id": rid, "household_id": hid, "indicator_code": code, "deprived": 1, "source": "entered"},
            )
    return rid


def support(db: Database, household_id: int, type_code: str, day: str, amount: int, source: str = "central") -> int:
    return _insert(
        db,
        "support_record",
        {
            "household_id": household_id,
            "type_code": type_code,
            "support_date": day,
            "amount": amount,
            "funding_source": source,
            "created_at": NOW,
        },
    )


def small_commune(db: Database) -> dict[str, int]:
    """Village 1: two poor (2 and 3 persons), one near-poor; village 2: one poor, two not poor; village 3: empty."""
    v1, v2, _ = villages(db)
    ids = {
        "a": household(db, "01-001", v1, "poor", 2),
        "b": household(db, "01-002", v1, "poor", 3, ethnic_minority=1),
        "c": household(db, "01-003", v1, "near_poor", 4),
        "d": household(db, "02-001", v2, "poor", 1, has_merit_person=1),
        "e": household(db, "02-002", v2, "not_poor", 5),
        "f": household(db, "02-003", v2, "not_poor", 2),
    }
    return ids


def total_of(report: ReportData) -> ReportRow:
    """The report's total row (the test fails when it has none)."""
    row = report.total_row()
    assert row is not None, f"{report.kind} has no total row"
    return row


def int_sum(rows: Iterable[ReportRow], column: int) -> int:
    """The sum of a column of whole numbers (the test fails on a cell that is not one)."""
    values = [row.values[column] for row in rows]
    numbers = [v for v in values if isinstance(v, int)]
    assert len(numbers) == len(values), values
    return sum(numbers)
