"""The year's plan: the seed template, live progress from the register and the ledger."""

from __future__ import annotations

import json

import pytest

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import plan, programmes, support
from giamngheo_desktop.services.support import BatchTarget, SupportInput
from tests.support_builders import set_class

pytestmark = [pytest.mark.usefixtures("pinned_clock")]


def by_code(progress):
    return {t.code: t for t in progress.targets}


def test_template_has_exactly_the_2023_plan_targets():
    data = json.loads(resource_path("plans", "ke-hoach-mau.json").read_text(encoding="utf-8"))
    targets = {t["code"]: (t["kind"], t["target"]) for t in data["targets"]}
    assert targets == {
        "models": ("count", 10),
        "classes": ("count", 6),
        "poor_reduction": ("reduction", 206),
        "poor_reduction_pct": ("reduction_pct", 0.52),
        "near_poor_reduction": ("reduction", 249),
        "near_poor_reduction_pct": ("reduction_pct", 0.63),
        "hi_coverage": ("coverage_pct", 100),
        "school_attendance": ("coverage_pct", 100),
        "safe_housing": ("coverage_pct", 100),
        "hygienic_water": ("coverage_pct", 95),
        "hygienic_latrine": ("coverage_pct", 85),
        "internet": ("coverage_pct", 95),
        "information_access": ("coverage_pct", 100),
        "staff_trained": ("coverage_pct", 100),
    }
    assert set(targets) <= set(plan.METRICS)  # every code has a measuring function


def test_progress_moves_with_the_register_and_the_ledger(db, reg):
    plan_id = plan.create_plan_from_template(db, year=2026, number="12/KH-UBND", issued_date="2026-02-01").written_id
    p = plan.progress(db, plan_id)
    assert (p.baseline.households, p.baseline.poor, p.baseline.near_poor) == (4, 2, 1)
    t = by_code(p)
    assert t["poor_reduction"].value == 0 and t["models"].value == 0
    assert t["hi_coverage"].value == 33.33 and t["hi_coverage"].lagging
    # counts are the officer's to set: the template's (a district's) value is only a hint
    assert (t["models"].target, t["models"].hint, t["classes"].target, t["classes"].hint) == (None, 10, None, 6)
    assert not t["models"].lagging and not t["models"].achieved and t["models"].progress is None
    targets = [plan.TargetInput(code=x.code, target_value=10 if x.code == "models" else x.target) for x in p.targets]
    plan.set_targets(db, plan_id=plan_id, targets=targets)
    t = by_code(plan.progress(db, plan_id))
    assert t["models"].target == 10 and t["models"].hint == 10
    assert t["models"].lagging  # half the year gone, nothing done

    # a poor household escapes to near-poor: poor −1 household, −25 percentage points
    set_class(db, reg["A"], "near_poor")
    t = by_code(plan.progress(db, plan_id))
    assert t["poor_reduction"].value == 1
    assert t["poor_reduction_pct"].value == 25.0
    assert t["near_poor_reduction"].value == -1

    # a class and a model are opened in the plan year
    programmes.add_class(db, data=programmes.ClassInput(name="Lớp may công nghiệp", year=2026))
    programmes.add_model(db, data=programmes.ModelInput(name="Mô hình nuôi bò sinh sản", year=2026, budget=150_000_000))
    programmes.add_model(db, data=programmes.ModelInput(name="Mô hình năm trước", year=2025))
    t = by_code(plan.progress(db, plan_id))
    assert (t["classes"].value, t["models"].value) == (1, 1)
    assert t["models"].progress == 10.0

    # insurance cards are issued in one batch: coverage reaches 100 %
    support.apply_batch(
        db,
        support=SupportInput(household_id=0, type_code="health_insurance", support_date="2026-06-15"),
        target=BatchTarget(kind="members_without_hi", on_date="2026-06-15"),
    )
    t = by_code(plan.progress(db, plan_id))
    assert t["hi_coverage"].value == 100.0
    assert t["hi_coverage"].achieved and not t["hi_coverage"].lagging


def test_staff_trained(db, reg):
    plan_id = plan.create_plan(
        db, data=plan.PlanInput(year=2026, title="Kế hoạch thử"), targets=[plan.TargetInput("staff_trained", 100)]
    ).written_id
    assert by_code(plan.progress(db, plan_id))["staff_trained"].value is None  # no staff list yet
    programmes.add_staff_member(db, full_name="Đặng Thị Thu", position="Công chức Văn hóa – Xã hội")
    programmes.add_staff_member(db, full_name="Lê Văn Hùng")
    training = programmes.add_staff_training(
        db, title="Tập huấn rà soát hộ nghèo", year=2026, held_date="2026-03-10"
    ).written_id
    programmes.add_attendee(db, training_id=training, full_name="dang thi thu")  # typed without diacritics
    assert by_code(plan.progress(db, plan_id))["staff_trained"].value == 50.0


def test_target_validation(db, reg):
    with pytest.raises(ValidationFailed) as err:
        plan.create_plan(
            db,
            data=plan.PlanInput(year=2026, title=""),
            targets=[plan.TargetInput("khong_co", 1), plan.TargetInput("hi_coverage", 120)],
        )
    fields = {i.field for i in err.value.issues}
    assert fields == {"Tên kế hoạch", "Mã chỉ tiêu", "Chỉ tiêu"}
    assert db.scalar("SELECT COUNT(*) FROM plan") == 0


def test_class_trainees_outcome(db, reg):
    class_id = programmes.add_class(db, data=programmes.ClassInput(name="Lớp sửa xe máy", year=2026)).written_id
    programmes.set_trainee(db, class_id=class_id, member_id=reg["hang"])
    programmes.set_trainee(
        db, class_id=class_id, member_id=reg["mai"], completed=True, employed=True, employed_date="2026-05-01"
    )
    row = programmes.list_classes(db, year=2026)[0]
    assert (row.trainees, row.completed, row.employed) == (2, 1, 1)
    with pytest.raises(ValidationFailed):
        programmes.set_trainee(db, class_id=class_id, member_id=reg["hang"], employed_date="2026-05-01")


def test_baseline_from_a_closed_review_round(db, reg):
    with db.atomic() as conn:
        if not conn.execute("SELECT 1 FROM poverty_standard LIMIT 1").fetchone():
            conn.execute(
                "INSERT INTO poverty_standard (id, name, level, valid_from, definition, loaded_at)"
                " VALUES ('TEST', 'Chuẩn thử', 'national', '2022-01-01', '{}', '2026-01-01')"
            )
        standard = conn.execute("SELECT id FROM poverty_standard LIMIT 1").fetchone()[0]
        cur = conn.execute(
            "INSERT INTO review_round (kind, year, name, reference_date, standard_id, step, decision_date, opened_at)"
            " VALUES ('annual', 2025, 'Rà soát cuối năm 2025', '2025-10-01', ?, 'closed', '2025-12-20', '2025-09-01')",
            (standard,),
        )
        round_id = cur.lastrowid
        for household, final in ((reg["A"], "poor"), (reg["B"], "poor"), (reg["C"], "near_poor"), (reg["D"], "poor")):
            conn.execute(
                "INSERT INTO round_household (round_id, household_id, final_class, frozen) VALUES (?, ?, ?, 1)",
                (round_id, household, final),
            )
    plan_id = plan.create_plan(
        db,
        data=plan.PlanInput(year=2026, title="Kế hoạch 2026", baseline_round_id=round_id),
        targets=[plan.TargetInput("poor_reduction", 1), plan.TargetInput("near_poor_reduction", 1)],
    ).written_id
    p = plan.progress(db, plan_id)
    assert (p.baseline.households, p.baseline.poor, p.baseline.near_poor, p.baseline.date) == (4, 3, 1, "2025-12-20")
    t = by_code(p)
    assert t["poor_reduction"].value == 1  # 3 poor in the round's decision, 2 in the register now
    assert t["poor_reduction"].achieved
    assert t["near_poor_reduction"].value == 0


def test_a_plan_from_the_template_fits_the_commune_and_measures_from_the_last_closed_annual_round(db, reg):
    from giamngheo_desktop.services import review

    assert plan.default_baseline_round(db) is None
    round_id = review.open_round(db, kind="annual", reference_date="2025-11-15").written_id
    with db.atomic() as conn:  # as if the round had been walked to its end
        conn.execute("UPDATE review_round SET step = 'closed' WHERE id = ?", (round_id,))
        conn.execute(
            "UPDATE round_household SET final_class = (SELECT poverty_class FROM household h"
            " WHERE h.id = round_household.household_id) WHERE round_id = ?",
            (round_id,),
        )
    plan_id = plan.create_plan_from_template(db, year=2026).written_id
    assert plan.get_plan(db, plan_id).baseline_round_id == round_id == plan.default_baseline_round(db)
    t = {x.code: x for x in plan.progress(db, plan_id).targets}
    # the seed's "giảm 206 hộ nghèo" belongs to another commune: 0,52 points of 4 households is 1 household
    assert t["poor_reduction"].target == 1 and t["near_poor_reduction"].target == 1
    assert t["poor_reduction_pct"].target == 0.52


def test_a_template_reduction_never_asks_for_more_households_than_the_baseline_has(db, reg):
    """A commune with no near-poor household left at its baseline gets 0, not a target it can never meet."""
    from giamngheo_desktop.services import review

    round_id = review.open_round(db, kind="annual", reference_date="2025-11-15").written_id
    with db.atomic() as conn:  # closed with one poor household and no near-poor one
        conn.execute("UPDATE review_round SET step = 'closed' WHERE id = ?", (round_id,))
        conn.execute("UPDATE round_household SET final_class = 'not_poor' WHERE round_id = ?", (round_id,))
        conn.execute(
            "UPDATE round_household SET final_class = 'poor' WHERE round_id = ?"
            " AND household_id = (SELECT min(household_id) FROM round_household WHERE round_id = ?)",
            (round_id, round_id),
        )
    t = {x.code: x for x in plan.progress(db, plan.create_plan_from_template(db, year=2026).written_id).targets}
    assert t["poor_reduction"].target == 1
    assert t["near_poor_reduction"].target == 0
    assert t["poor_reduction_pct"].target == 0.52  # one poor household of a few: 0,52 points can be met
    assert t["near_poor_reduction_pct"].target == 0  # no near-poor household: no rate to bring down
