"""Making a plan from the template and saving the plan can be taken back and taken again."""

from __future__ import annotations

import dataclasses

import pytest

from giamngheo_desktop.services import plan, plan_state
from giamngheo_desktop.storage.connection import Database

pytestmark = [pytest.mark.usefixtures("pinned_clock")]


def test_a_plan_made_and_edited_is_undone_and_redone(db: Database, reg: dict[str, int]) -> None:
    plan_id = plan.create_plan_from_template(db, year=2026).written_id
    made = plan_state.capture(db, plan_id)
    assert made.plan is not None and made.targets
    plan_state.restore(db, plan_state.PlanState(plan_id, None))  # undo of "Tạo kế hoạch từ mẫu"
    assert plan.plan_for_year(db, 2026) is None
    plan_state.restore(db, made)  # redo
    assert plan_state.capture(db, plan_id) == made

    row = plan.get_plan(db, plan_id)
    data = plan.PlanInput(year=2026, title="Kế hoạch sửa", number="5/KH-UBND", issued_date=None,
                          baseline_round_id=row.baseline_round_id, note="")  # fmt: skip
    targets = [plan.TargetInput(code=t["code"], target_value=1, label=t["label"], unit=t["unit"]) for t in made.targets]
    plan.save_plan(db, plan_id=plan_id, data=data, targets=targets[:3])
    edited = plan_state.capture(db, plan_id)
    assert len(edited.targets) == 3 and dataclasses.asdict(edited) != dataclasses.asdict(made)
    plan_state.restore(db, made)  # undo of the edit
    assert plan_state.capture(db, plan_id) == made
    plan_state.restore(db, edited)
    assert plan.get_plan(db, plan_id).title == "Kế hoạch sửa"
