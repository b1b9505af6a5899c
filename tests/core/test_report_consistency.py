"""Figures shared between reports agree (issue: round-trip check of totals): every report of a period
built from one demo commune with two closed annual rounds."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator

import pytest

from giamngheo_desktop import clock
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.report import ReportData, Value
from giamngheo_desktop.services import demo, reporting
from giamngheo_desktop.storage.connection import Database


@pytest.fixture
def commune(db: Database) -> Iterator[Database]:
    clock.set_fixed_now(_dt.datetime(2026, 12, 20, 9, 0))
    demo.generate(db, households=300, seed=11)
    demo.add_review_history(db)
    yield db
    clock.set_fixed_now(None)


def _total(report: ReportData, row: int = 0) -> tuple[Value, ...]:
    return [r for r in report.rows if r.kind == "total"][row].values


def test_every_report_of_the_period_builds_and_shared_figures_agree(commune: Database) -> None:
    db = commune
    year = reporting.build_reports(db, kinds=list(reporting.REPORTS), period=periods.parse("2026"))
    by_kind = {r.kind: r for r in year}
    m71, m72, m74, m75 = by_kind["bieu1"], by_kind["bieu2"], by_kind["bieu4"], by_kind["bieu5"]
    households, _persons, poor, poor_rate, poor_persons = _total(m71)[2:7]
    near = _total(m71)[8]
    assert households == db.scalar("SELECT count(*) FROM household WHERE deleted_at IS NULL")  # all, not reviewed only
    # Mẫu 7.1 against the monthly report of the month of the round's reference date
    month = reporting.build_report(db, kind="monthly", period=periods.parse("2026-11"))
    assert _total(month)[2:7] == (households, poor, poor_rate, near, _total(m71)[9])
    # Mẫu 7.2: end of the year = 7.1's poor households and persons; start = the previous year's end
    assert _total(m72, 0)[11] == poor and _total(m72, 1)[11] == poor_persons
    previous = reporting.build_report(db, kind="bieu2", period=periods.parse("2025"))
    assert _total(m72, 0)[3] == _total(previous, 0)[11] and _total(m72, 1)[3] == _total(previous, 1)[11]
    assert _total(m72, 0)[3] == _total(reporting.build_report(db, kind="bieu1", period=periods.parse("2025")))[4]
    # Mẫu 7.4 / 7.5 against 7.1's poor count; 7.6 against the near-poor count
    assert _total(m74)[2] == poor and _total(m75)[2] == poor and _total(by_kind["bieu6"])[2] == near
    # 7.8 / 7.9 / 7.10 / Biểu 12 poor totals
    assert _total(by_kind["bieu8"], 0)[3] == poor and _total(by_kind["bieu8"], 1)[3] == poor_persons
    assert _total(by_kind["bieu9"])[2] == poor
    assert _total(by_kind["bieu12"])[2] == households and _total(by_kind["bieu12"])[10] == poor
    assert _total(by_kind["bieu13"])[10] == near
    detail = by_kind["list_poor"]
    assert sum(1 for r in detail.rows if r.kind == "detail" and r.values[0] != "") == poor
    # figures that could disagree
    assert all(isinstance(v, int) and v > 0 for v in (poor, near, _total(m72, 0)[3]))
    assert len(year) == len(reporting.REPORTS)
