"""Support ledger: validation, defaults, loans and their balance, batches, history."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError, PermissionDenied, ValidationFailed
from giamngheo_desktop.domain.permissions import Actor, Role
from giamngheo_desktop.services import support
from giamngheo_desktop.services.support import BatchTarget, LedgerQuery, LoanInput, SupportInput

pytestmark = [pytest.mark.usefixtures("pinned_clock")]


def fields_of(exc: ValidationFailed) -> set[str]:
    return {issue.field for issue in exc.issues}


def test_record_support_takes_defaults_from_the_catalogue(db, reg):
    saved = support.record_support(
        db,
        data=SupportInput(
            household_id=reg["A"],
            member_id=reg["binh"],
            type_code="vocational_training",
            support_date="2025-03-01",
            amount=2_500_000,
        ),
    )
    row = support.get_support(db, saved.written_id)
    assert row.unit == "người"
    assert row.funding_source == "central"
    assert row.programme_code == "MTQG-GNBV-2021-2025/DA4/TDA1"
    assert row.member_name == "Nguyễn Văn Bình"
    assert saved.support and reg["A"] in saved.household_ids
    # in 2026 the merged programme (partial catalogue) is the default
    later = support.record_support(
        db, data=SupportInput(household_id=reg["A"], type_code="vocational_training", support_date="2026-03-01")
    )
    assert support.get_support(db, later.written_id).programme_code.startswith("MTQG-2026-2035/")


def test_validation_names_the_fields_and_writes_nothing(db, reg):
    with pytest.raises(ValidationFailed) as err:
        support.record_support(
            db,
            data=SupportInput(
                household_id=reg["A"],
                member_id=reg["mai"],
                type_code="khong_co",
                support_date="2026-02-30",
                quantity=0,
                amount=-5,
                funding_source="xyz",
            ),
        )
    assert fields_of(err.value) == {"Loại hỗ trợ", "Ngày hỗ trợ", "Số lượng", "Số tiền", "Nguồn vốn", "Thành viên"}
    assert "không thuộc hộ DX-001" in str(err.value)
    assert db.scalar("SELECT COUNT(*) FROM support_record") == 0


def test_officer_can_record_but_leader_cannot(db, reg):
    db.set_actor(Actor(user_id=None, username="lanhdao", role=Role.LEADER))
    with pytest.raises(PermissionDenied):
        support.record_support(
            db, data=SupportInput(household_id=reg["A"], type_code="other", support_date="2026-01-05")
        )


def test_edit_and_cancel(db, reg):
    saved = support.record_support(
        db,
        data=SupportInput(household_id=reg["A"], type_code="tet_emergency", support_date="2026-01-20", amount=500_000),
    )
    support.edit_support(
        db,
        support_id=saved.written_id,
        data=SupportInput(household_id=reg["A"], type_code="tet_emergency", support_date="2026-01-21", amount=700_000),
    )
    assert support.get_support(db, saved.written_id).amount == 700_000
    support.cancel_support(db, support_id=saved.written_id)
    assert support.household_history(db, reg["A"]) == []
    assert support.ledger_total(db, LedgerQuery(year=2026)) == (0, 0)


def test_loan_balance_and_repayments(db, reg):
    saved = support.record_loan(
        db,
        data=LoanInput(
            household_id=reg["A"],
            programme_code="poor",
            amount=50_000_000,
            term_months=36,
            disbursement_date="2025-01-31",
        ),
    )
    loan = support.get_loan(db, saved.written_id)
    assert loan.interest_rate == 6.6  # default from the programme
    assert loan.due_date == "2028-01-31"
    assert loan.outstanding == 50_000_000
    assert support.get_support(db, loan.support_id).type_code == "loan"
    support.record_repayment(
        db, loan_id=saved.written_id, paid_date="2025-07-31", principal=10_000_000, interest=1_650_000
    )
    support.record_repayment(db, loan_id=saved.written_id, paid_date="2026-01-31", principal=15_000_000)
    loan = support.get_loan(db, saved.written_id)
    assert (loan.principal_repaid, loan.interest_paid, loan.outstanding) == (25_000_000, 1_650_000, 25_000_000)
    with pytest.raises(ValidationFailed) as err:
        support.record_repayment(db, loan_id=saved.written_id, paid_date="2026-02-01", principal=30_000_000)
    assert "dư nợ còn lại (25.000.000 đồng)" in str(err.value)
    last = support.record_repayment(db, loan_id=saved.written_id, paid_date="2026-03-01", principal=25_000_000)
    assert support.get_loan(db, saved.written_id).status == "repaid"
    support.cancel_repayment(db, repayment_id=last.written_id)
    loan = support.get_loan(db, saved.written_id)
    assert (loan.status, loan.outstanding) == ("active", 25_000_000)
    assert [x.id for x in support.list_loans(db, open_only=True)] == [saved.id]
    clock.set_fixed_now(dt.datetime(2028, 3, 1, 9, 0, 0))  # after the due date, still owing
    assert support.get_loan(db, saved.written_id).status_label == "Quá hạn"


def test_loan_validation(db, reg):
    with pytest.raises(ValidationFailed) as err:
        support.record_loan(
            db,
            data=LoanInput(
                household_id=reg["A"],
                programme_code="student",
                amount=0,
                term_months=0,
                disbursement_date="2026-05-01",
                due_date="2026-04-01",
            ),
        )
    assert fields_of(err.value) == {"Số tiền vay", "Thời hạn vay", "Lãi suất", "Ngày đến hạn"}


def test_batch_health_insurance_preview_apply_and_single_undo(db, reg):
    target = BatchTarget(kind="members_without_hi", on_date="2026-06-15")
    preview = support.preview_batch(db, target=target)
    # Đức and Lan hold valid cards; Long is not poor
    assert {r.member_name for r in preview.rows} == {"Lò Thị Hằng", "Nguyễn Văn Bình", "Trần Thị Mai", "Hoàng Văn Sáng"}
    result = support.apply_batch(
        db, support=SupportInput(household_id=0, type_code="health_insurance", support_date="2026-06-15"), target=target
    )
    assert result.count == 4
    assert support.preview_batch(db, target=target).count == 0  # everyone now has a card
    assert support.ledger_total(db, LedgerQuery(year=2026, type_code="health_insurance"))[0] == 4
    support.undo_batch(db, batch_id=result.written_id)
    assert support.ledger_total(db, LedgerQuery(year=2026))[0] == 0
    assert support.preview_batch(db, target=target).count == 4
    assert support.list_batches(db)[0].undone_at is not None
    with pytest.raises(DomainError):
        support.undo_batch(db, batch_id=result.written_id)
    support.restore_batch(db, batch_id=result.written_id)  # redo of the undo: the same four records come back
    assert support.ledger_total(db, LedgerQuery(year=2026, type_code="health_insurance"))[0] == 4
    assert support.list_batches(db)[0].undone_at is None
    with pytest.raises(DomainError):
        support.restore_batch(db, batch_id=result.written_id)


def test_batch_by_class_and_village(db, reg):
    target = BatchTarget(kind="households_of_class", classes=("poor",), village_id=reg["v2"])
    assert [r.household_code for r in support.preview_batch(db, target=target).rows] == ["TH-004"]
    with pytest.raises(ValidationFailed):
        support.apply_batch(
            db,
            support=SupportInput(household_id=0, type_code="tet_emergency", support_date="2026-01-20"),
            target=BatchTarget(kind="households", ids=()),
        )
    assert db.scalar("SELECT COUNT(*) FROM support_batch") == 0


def test_household_history_across_years_and_paging(db, reg):
    for year in (2023, 2024, 2025, 2026):
        support.record_support(
            db,
            data=SupportInput(
                household_id=reg["A"], type_code="electricity", support_date=f"{year}-03-01", quantity=3, amount=147_000
            ),
        )
    support.record_support(
        db,
        data=SupportInput(
            household_id=reg["A"], member_id=reg["hang"], type_code="legal_aid", support_date="2024-08-08"
        ),
    )
    history = support.household_history(db, reg["A"])
    assert [h.support_date[:4] for h in history] == ["2026", "2025", "2024", "2024", "2023"]
    assert any(h.member_name == "Lò Thị Hằng" for h in history)
    first = support.ledger_page(db, LedgerQuery(), limit=2)
    second = support.ledger_page(db, LedgerQuery(), after=(first[-1].support_date, first[-1].id), limit=10)
    assert [r.id for r in first + second] == [h.id for h in history]
    assert support.ledger_total(db, LedgerQuery(text="hang")) == (5, 4 * 147_000)  # any member's name, no diacritics


def test_totals_by_type_source_and_programme(db, reg):
    support.record_support(
        db,
        data=SupportInput(
            household_id=reg["A"], type_code="housing_repair", support_date="2025-05-01", amount=20_000_000
        ),
    )
    support.record_support(
        db,
        data=SupportInput(
            household_id=reg["D"],
            type_code="housing_repair",
            support_date="2025-06-01",
            amount=10_000_000,
            funding_source="ngay_vi_nguoi_nghe",
        ),
    )
    support.record_loan(
        db,
        data=LoanInput(
            household_id=reg["B"],
            programme_code="near_poor",
            amount=40_000_000,
            term_months=24,
            disbursement_date="2025-02-01",
        ),
    )
    t = support.totals(db, year=2025)
    assert t["total"] == {"count": 3, "amount": 70_000_000, "households": 3}
    by_type = {r["code"]: (r["count"], r["amount"]) for r in t["by_type"]}
    assert by_type == {"housing_repair": (2, 30_000_000), "loan": (1, 40_000_000)}
    by_source = {r["code"]: r["amount"] for r in t["by_funding_source"]}
    assert by_source == {"central": 20_000_000, "ngay_vi_nguoi_nghe": 10_000_000, "vbsp": 40_000_000}
    assert t["loans_disbursed"] == {"count": 1, "amount": 40_000_000}
    assert support.totals(db, year=2024)["total"]["count"] == 0
