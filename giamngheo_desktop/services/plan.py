"""The year's poverty-reduction plan: targets as rows, progress computed live.

A plan has a number and date, a title, a baseline and targets. Each target names a
**metric code**; :data:`METRICS` maps the code to a function that measures it from the
register (current household classes against the baseline) and the ledger (models,
classes, supports, trainings in the plan year), so a plan file is pure data
(``resources/plans/*.json``).

Baseline: the final classes of a closed review round (``baseline_round_id``; the
number of households is the number of households in that round), or counts typed or
taken from the register on ``baseline_date`` (by default the day the plan is created —
create the plan early in the year, or type the counts at 1 January).

Progress of a target = value / target × 100. A target is *lagging* when it is not met
and — for counts and reductions — its value is below the share of the target that the
elapsed part of the year calls for; a coverage percentage below its target is lagging.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import coverage, programmes
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.support import check_date
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import nfc

KIND_LABELS = {
    "count": "Số lượng",
    "reduction": "Giảm (hộ)",
    "reduction_pct": "Giảm tỷ lệ (điểm %)",
    "coverage_pct": "Tỷ lệ bao phủ (%)",
}
CHANGED = Changes(plans=True)


# --------------------------------------------------------------- values ----
@dataclass(frozen=True)
class Baseline:
    households: int
    poor: int
    near_poor: int
    date: str | None
    round_id: int | None = None

    def rate(self, count: int) -> float:
        return 0.0 if self.households <= 0 else 100.0 * count / self.households


@dataclass(frozen=True)
class PlanContext:
    year: int
    on_date: str
    baseline: Baseline


@dataclass(frozen=True)
class MetricValue:
    value: float | None
    detail: str = ""


@dataclass(frozen=True)
class Metric:
    code: str
    label: str  # short: the dashboard's category label; a plan's target keeps its own full label
    kind: str
    unit: str
    measure: Callable[[Database, PlanContext], MetricValue]


@dataclass(frozen=True)
class PlanInput:
    year: int
    title: str
    number: str = ""
    issued_date: str | None = None
    baseline_round_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class TargetInput:
    code: str
    target_value: float | None  # None = not set yet (the officer fills it in; template_value is the hint)
    label: str = ""  # '' = the metric's label
    kind: str = ""  # '' = the metric's kind
    unit: str = ""


@dataclass(frozen=True)
class PlanRow:
    id: int
    year: int
    number: str
    issued_date: str | None
    title: str
    baseline_round_id: int | None
    baseline_date: str | None
    baseline_households: int | None
    baseline_poor: int | None
    baseline_near_poor: int | None
    note: str


@dataclass(frozen=True)
class TargetProgress:
    id: int
    code: str
    label: str
    kind: str
    unit: str
    target: float | None  # None = not set yet: no progress, neither achieved nor lagging
    value: float | None
    progress: float | None  # percent of the target reached
    achieved: bool
    lagging: bool
    detail: str
    hint: float | None = None  # the plan template's value ("Mẫu: 10") for a target to fill in

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "kind": self.kind,
            "unit": self.unit,
            "target": self.target,
            "value": self.value,
            "progress_pct": self.progress,
            "achieved": self.achieved,
            "lagging": self.lagging,
            "detail": self.detail,
            "template_value": self.hint,
        }


@dataclass(frozen=True)
class PlanProgress:
    plan: PlanRow
    baseline: Baseline
    on_date: str
    current: Baseline
    targets: list[TargetProgress]


# -------------------------------------------------------------- metrics ----
def _count(db: Database, sql: str, year: int) -> MetricValue:
    return MetricValue(float(db.scalar(sql, (year,)) or 0))


def _models(db: Database, ctx: PlanContext) -> MetricValue:
    return _count(db, "SELECT COUNT(*) FROM production_model WHERE deleted_at IS NULL AND year = ?", ctx.year)


def _classes(db: Database, ctx: PlanContext) -> MetricValue:
    value = _count(db, "SELECT COUNT(*) FROM training_class WHERE deleted_at IS NULL AND year = ?", ctx.year)
    employed = db.row(
        "SELECT COUNT(*) AS trainees, COALESCE(SUM(t.employed), 0) AS employed FROM class_trainee t"
        " JOIN training_class c ON c.id = t.class_id WHERE c.deleted_at IS NULL AND c.year = ?",
        (ctx.year,),
    )
    assert employed is not None
    return MetricValue(value.value, f"{employed['trainees']} học viên, {employed['employed']} có việc làm")


def current_counts(db: Database) -> Baseline:
    """Households, poor and near-poor households in the register now."""
    row = db.row(
        "SELECT COUNT(*) AS households, COALESCE(SUM(poverty_class = 'poor'), 0) AS poor,"
        " COALESCE(SUM(poverty_class = 'near_poor'), 0) AS near_poor FROM household WHERE deleted_at IS NULL"
    )
    assert row is not None
    return Baseline(int(row["households"]), int(row["poor"]), int(row["near_poor"]), clock.today_iso())


def _reduction(cls: str, pct: bool) -> Callable[[Database, PlanContext], MetricValue]:
    def measure(db: Database, ctx: PlanContext) -> MetricValue:
        now = current_counts(db)
        before = ctx.baseline.poor if cls == "poor" else ctx.baseline.near_poor
        after = now.poor if cls == "poor" else now.near_poor
        if not pct:
            return MetricValue(float(before - after), f"{before} → {after} hộ")
        rate_before, rate_after = ctx.baseline.rate(before), now.rate(after)
        return MetricValue(
            round(rate_before - rate_after, 2), f"{rate_before:.2f} % → {rate_after:.2f} %".replace(".", ",")
        )

    return measure


def _coverage(gap: str) -> Callable[[Database, PlanContext], MetricValue]:
    def measure(db: Database, ctx: PlanContext) -> MetricValue:
        result = coverage.evaluate(db, gap, on_date=ctx.on_date)
        if result.population == 0:
            return MetricValue(None, "chưa có đối tượng")
        return MetricValue(result.percent, f"{result.covered}/{result.population}")

    return measure


def _staff(db: Database, ctx: PlanContext) -> MetricValue:
    trained, total = programmes.staff_trained(db, year=ctx.year)
    if total == 0:
        return MetricValue(None, "chưa khai báo danh sách cán bộ")
    return MetricValue(round(100.0 * trained / total, 2), f"{trained}/{total}")


METRICS: dict[str, Metric] = {
    m.code: m
    for m in (
        Metric("models", "Mô hình", "count", "mô hình", _models),
        Metric("classes", "Lớp nghề", "count", "lớp", _classes),
        Metric("poor_reduction", "Giảm số hộ nghèo", "reduction", "hộ", _reduction("poor", False)),
        Metric("poor_reduction_pct", "Giảm tỷ lệ hộ nghèo", "reduction_pct", "điểm %", _reduction("poor", True)),
        Metric("near_poor_reduction", "Giảm số hộ cận nghèo", "reduction", "hộ", _reduction("near_poor", False)),
        Metric(
            "near_poor_reduction_pct",
            "Giảm tỷ lệ cận nghèo",
            "reduction_pct",
            "điểm %",
            _reduction("near_poor", True),
        ),
        Metric("hi_coverage", "Có thẻ BHYT", "coverage_pct", "%", _coverage("health_insurance")),
        Metric("school_attendance", "Trẻ em đi học", "coverage_pct", "%", _coverage("school")),
        Metric("safe_housing", "Nhà ở an toàn", "coverage_pct", "%", _coverage("housing")),
        Metric("hygienic_water", "Nước hợp vệ sinh", "coverage_pct", "%", _coverage("water")),
        Metric("hygienic_latrine", "Nhà tiêu hợp vệ sinh", "coverage_pct", "%", _coverage("latrine")),
        Metric("internet", "Viễn thông, internet", "coverage_pct", "%", _coverage("internet")),
        Metric("information_access", "Tiếp cận thông tin", "coverage_pct", "%", _coverage("information")),
        Metric("staff_trained", "Cán bộ được tập huấn", "coverage_pct", "%", _staff),
    )
}


# -------------------------------------------------------------- templates ----
def templates() -> list[dict[str, Any]]:
    """Plan templates shipped in resources/plans (id, name, title, targets)."""
    base = resource_path("plans")
    found = []
    for path in sorted(base.glob("*.json")) if base.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        data.setdefault("id", path.stem)
        found.append(data)
    return found


def template(template_id: str) -> dict[str, Any]:
    for t in templates():
        if t["id"] == template_id:
            return t
    raise NotFound(f"Không có kế hoạch mẫu “{template_id}”.")


def template_hints(plan: PlanRow) -> dict[str, float]:
    """metric code → the value of the plan's template (the one named in the plan's note, else the
    seed template): shown beside a count the officer fills in ("Mẫu: 10")."""
    found = [t for t in templates() if t.get("name") and t.get("name") == plan.note]
    if not found:
        found = [t for t in templates() if t["id"] == "ke-hoach-mau"]
    return {x["code"]: float(x["target"]) for t in found[:1] for x in t["targets"]}


# --------------------------------------------------------------- writes ----
def _validate_plan(db: Database, data: PlanInput) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    if data.year is None or not (2000 <= int(data.year) <= 2100):
        issues.append(ValidationIssue("Năm kế hoạch", "phải là năm từ 2000 đến 2100.", value=str(data.year)))
    if not nfc(data.title):
        issues.append(ValidationIssue("Tên kế hoạch", "chưa nhập.", code="required"))
    check_date(issues, "Ngày ban hành", data.issued_date, required=False)
    if data.baseline_round_id is not None:
        r = db.row("SELECT step FROM review_round WHERE id = ?", (data.baseline_round_id,))
        if r is None:
            issues.append(
                ValidationIssue("Mốc so sánh", "không có đợt rà soát này.", value=str(data.baseline_round_id))
            )
        elif r["step"] != "closed":
            issues.append(ValidationIssue("Mốc so sánh", "đợt rà soát chưa đóng.", value=str(data.baseline_round_id)))
    return issues


def _validate_targets(targets: Sequence[TargetInput]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    seen: set[str] = set()
    for n, t in enumerate(targets, start=1):
        metric = METRICS.get(t.code)
        if metric is None:
            issues.append(ValidationIssue("Mã chỉ tiêu", "không có cách tính cho mã này.", row=n, value=t.code))
            continue
        if t.code in seen:
            issues.append(ValidationIssue("Mã chỉ tiêu", "bị lặp trong kế hoạch.", row=n, value=t.code))
        seen.add(t.code)
        if t.kind and t.kind != metric.kind:
            issues.append(ValidationIssue("Loại chỉ tiêu", f"phải là “{metric.kind}”.", row=n, value=t.kind))
        if t.target_value is None:
            continue  # not set yet
        if t.target_value < 0:
            issues.append(ValidationIssue("Chỉ tiêu", "phải là số không âm.", row=n, value=str(t.target_value)))
        elif metric.kind == "coverage_pct" and t.target_value > 100:
            issues.append(ValidationIssue("Chỉ tiêu", "tỷ lệ không vượt quá 100 %.", row=n, value=str(t.target_value)))
    return issues


def _write_targets(db: Database, plan_id: int, targets: Sequence[TargetInput]) -> None:
    db.conn.execute("DELETE FROM plan_target WHERE plan_id = ?", (plan_id,))
    for order, t in enumerate(targets, start=1):
        metric = METRICS[t.code]
        db.conn.execute(
            "INSERT INTO plan_target (plan_id, code, label, kind, target_value, unit, sort_order)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                plan_id,
                t.code,
                nfc(t.label) or metric.label,
                metric.kind,
                None if t.target_value is None else float(t.target_value),
                nfc(t.unit) or metric.unit,
                order,
            ),
        )


def create_plan(db: Database, *, data: PlanInput, targets: Sequence[TargetInput] = ()) -> Changes:
    """Create a plan; without a baseline round the register's counts today are its baseline."""
    db.require(Permission.EDIT_SUPPORT)
    issues = _validate_plan(db, data) + _validate_targets(targets)
    if issues:
        raise ValidationFailed(issues)
    base = current_counts(db)
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO plan (year, number, issued_date, title, baseline_round_id, baseline_date, baseline_households,"
            " baseline_poor, baseline_near_poor, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(data.year),
                nfc(data.number),
                data.issued_date or None,
                nfc(data.title),
                data.baseline_round_id,
                base.date,
                base.households,
                base.poor,
                base.near_poor,
                nfc(data.note),
            ),
        )
        plan_id = int(cur.lastrowid or 0)
        _write_targets(db, plan_id, targets)
    return Changes(plans=True, id=plan_id)


def default_baseline_round(db: Database) -> int | None:
    """The last closed annual round (the baseline a new year's plan is measured against), if any."""
    value = db.scalar(
        "SELECT id FROM review_round WHERE step = 'closed' AND kind = 'annual' ORDER BY reference_date DESC, id DESC"
        " LIMIT 1"
    )
    return int(value) if value is not None else None


def _scaled_targets(db: Database, t: dict[str, Any], base: Baseline) -> list[TargetInput]:
    """The template's targets fitted to this commune (the seed's absolute numbers belong to a district):

    * a reduction in households follows from the template's reduction in percentage points applied
      to the commune's households;
    * a count (production models, training classes) is left for the officer to set: how many a
      commune can run depends on its budget and programmes, not on its size, so no rule scales the
      district's 10 models to a commune. The template's value stays beside it as a hint ("Mẫu: 10");
    * percentages (coverage, points) apply to any commune as they are.

    A reduction never asks for more households than the baseline has in that class, nor for more
    points than its rate (a commune with no poor household left gets 0 and 0 points, not a target it
    can never meet).
    """
    households = base.households
    have = {"poor_reduction": base.poor, "near_poor_reduction": base.near_poor}
    rate = {f"{code}_pct": 100 * count / households for code, count in have.items() if households}
    pct = {x["code"]: float(x["target"]) for x in t["targets"] if x.get("kind") == "reduction_pct"}
    out = []
    for x in t["targets"]:
        value: float | None = float(x["target"])
        if x.get("kind") == "reduction":
            reduction = float(x["target"])
            points = pct.get(f"{x['code']}_pct")
            if points is not None and households:
                reduction = float(max(1, round(households * points / 100)))
            if x["code"] in have:
                reduction = float(min(reduction, have[x["code"]]))
            value = reduction
        elif x.get("kind") == "reduction_pct" and x["code"] in rate:
            value = min(float(x["target"]), round(rate[x["code"]], 2))
        elif x.get("kind") == "count":
            value = None  # the template's value is shown as a hint (template_hints)
        out.append(
            TargetInput(
                code=x["code"],
                target_value=value,
                label=x.get("label", ""),
                kind=x.get("kind", ""),
                unit=x.get("unit", ""),
            )
        )
    return out


def create_plan_from_template(
    db: Database,
    *,
    year: int,
    template_id: str = "ke-hoach-mau",
    number: str = "",
    issued_date: str | None = None,
    baseline_round_id: int | None = None,
) -> Changes:
    """A plan for ``year`` with the template's title and targets fitted to the commune (edit them afterwards).

    The baseline is ``baseline_round_id`` or, by default, the last closed annual round.
    """
    t = template(template_id)
    if baseline_round_id is None:
        baseline_round_id = default_baseline_round(db)
    base = _round_baseline(db, baseline_round_id) if baseline_round_id is not None else current_counts(db)
    return create_plan(
        db,
        data=PlanInput(
            year=year,
            title=t["title"].format(year=year),
            number=number,
            issued_date=issued_date,
            baseline_round_id=baseline_round_id,
            note=t.get("name", ""),
        ),
        targets=_scaled_targets(db, t, base),
    )


def update_plan(db: Database, *, plan_id: int, data: PlanInput) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    get_plan(db, plan_id)
    issues = _validate_plan(db, data)
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute(
            "UPDATE plan SET year = ?, number = ?, issued_date = ?, title = ?, baseline_round_id = ?, note = ?"
            " WHERE id = ?",
            (
                int(data.year),
                nfc(data.number),
                data.issued_date or None,
                nfc(data.title),
                data.baseline_round_id,
                nfc(data.note),
                plan_id,
            ),
        )
    return CHANGED


def save_plan(
    db: Database,
    *,
    plan_id: int,
    data: PlanInput,
    targets: Sequence[TargetInput],
    baseline: tuple[int, int, int, str | None] | None = None,
) -> Changes:
    """The plan dialog's save: the plan, its targets and (without a baseline round) the typed
    baseline (households, poor, near-poor, date), all or nothing."""
    with db.atomic():
        update_plan(db, plan_id=plan_id, data=data)
        set_targets(db, plan_id=plan_id, targets=targets)
        if baseline is not None:
            households, poor, near_poor, on_date = baseline
            set_baseline(db, plan_id=plan_id, households=households, poor=poor, near_poor=near_poor, on_date=on_date)
    return replace(CHANGED, id=plan_id)


def set_targets(db: Database, *, plan_id: int, targets: Sequence[TargetInput]) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    get_plan(db, plan_id)
    issues = _validate_targets(targets)
    if issues:
        raise ValidationFailed(issues)
    with db.atomic():
        _write_targets(db, plan_id, targets)
    return CHANGED


def set_baseline(
    db: Database, *, plan_id: int, households: int, poor: int, near_poor: int, on_date: str | None = None
) -> Changes:
    """Type the baseline counts (e.g. at 1 January) of a plan without a closed round."""
    db.require(Permission.EDIT_SUPPORT)
    get_plan(db, plan_id)
    issues: list[ValidationIssue] = []
    for name, value in (("Tổng số hộ", households), ("Số hộ nghèo", poor), ("Số hộ cận nghèo", near_poor)):
        if value is None or int(value) != value or value < 0:
            issues.append(ValidationIssue(name, "phải là số nguyên không âm.", value=str(value)))
    if not issues and poor + near_poor > households:
        issues.append(ValidationIssue("Tổng số hộ", "nhỏ hơn số hộ nghèo cộng số hộ cận nghèo.", value=str(households)))
    check_date(issues, "Ngày mốc", on_date, required=False)
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute(
            "UPDATE plan SET baseline_households = ?, baseline_poor = ?, baseline_near_poor = ?, baseline_date = ?"
            " WHERE id = ?",
            (int(households), int(poor), int(near_poor), on_date, plan_id),
        )
    return CHANGED


# --------------------------------------------------------------- reading ----
_PLAN_COLUMNS = (
    "id, year, number, issued_date, title, baseline_round_id, baseline_date, baseline_households, baseline_poor,"
    " baseline_near_poor, note"
)


def get_plan(db: Database, plan_id: int) -> PlanRow:
    db.require(Permission.VIEW)
    row = db.row(f"SELECT {_PLAN_COLUMNS} FROM plan WHERE id = ? AND deleted_at IS NULL", (plan_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy kế hoạch số {plan_id}.")
    return PlanRow(**row)


def list_plans(db: Database, *, year: int | None = None) -> list[PlanRow]:
    db.require(Permission.VIEW)
    sql = f"SELECT {_PLAN_COLUMNS} FROM plan WHERE deleted_at IS NULL"
    params: list[Any] = []
    if year:
        sql += " AND year = ?"
        params.append(year)
    return [PlanRow(**r) for r in db.rows(sql + " ORDER BY year DESC, id DESC", params)]


def baseline_rounds(db: Database) -> list[tuple[int, str]]:
    """Closed review rounds a plan can use as its baseline (id, name), newest first."""
    db.require(Permission.VIEW)
    return [
        (r["id"], r["name"])
        for r in db.rows("SELECT id, name FROM review_round WHERE step = 'closed' ORDER BY year DESC, id DESC")
    ]


def plan_for_year(db: Database, year: int) -> PlanRow | None:
    plans = list_plans(db, year=year)
    return plans[0] if plans else None


def baseline_of(db: Database, plan: PlanRow) -> Baseline:
    if plan.baseline_round_id is not None:
        return _round_baseline(db, plan.baseline_round_id)
    return Baseline(
        plan.baseline_households or 0, plan.baseline_poor or 0, plan.baseline_near_poor or 0, plan.baseline_date
    )


def _round_baseline(db: Database, round_id: int) -> Baseline:
    """The final classes of a closed round, rated over every household of the commune on its date."""
    row = db.row(
        "SELECT COUNT(*) AS households, COALESCE(SUM(final_class = 'poor'), 0) AS poor,"
        " COALESCE(SUM(final_class = 'near_poor'), 0) AS near_poor FROM round_household WHERE round_id = ?",
        (round_id,),
    )
    assert row is not None
    date = db.scalar("SELECT COALESCE(decision_date, reference_date) FROM review_round WHERE id = ?", (round_id,))
    # the rates are over every household of the commune, not only those the round reviewed
    commune_households = int(
        db.scalar(
            "SELECT count(*) FROM household WHERE substr(created_at, 1, 10) <= ?"
            " AND (deleted_at IS NULL OR substr(deleted_at, 1, 10) > ?)",
            (date, date),
        )
        or 0
    )
    if commune_households < int(row["households"]):  # the register's dates do not reach back that far
        commune_households = int(db.scalar("SELECT count(*) FROM household WHERE deleted_at IS NULL") or 0)
    households = max(commune_households, int(row["households"]))
    return Baseline(households, int(row["poor"]), int(row["near_poor"]), date, round_id)


def measure_date(year: int) -> str:
    """The date progress is measured on: today within the year, 31 Dec for a past year."""
    today = clock.today()
    if year < today.year:
        return f"{year:04d}-12-31"
    return today.isoformat()


def _elapsed(year: int, on_date: str) -> float:
    start = _dt.date(year, 1, 1)
    end = _dt.date(year, 12, 31)
    d = _dt.date.fromisoformat(on_date)
    if d <= start:
        return 0.0
    if d >= end:
        return 1.0
    return (d - start).days / (end - start).days


def progress(db: Database, plan_id: int, *, on_date: str | None = None) -> PlanProgress:
    """Each target of a plan with its live value and progress."""
    plan = get_plan(db, plan_id)
    on_date = on_date or measure_date(plan.year)
    ctx = PlanContext(plan.year, on_date, baseline_of(db, plan))
    elapsed = _elapsed(plan.year, on_date)
    hints = template_hints(plan)
    result = []
    for t in db.rows(
        "SELECT id, code, label, kind, unit, target_value FROM plan_target WHERE plan_id = ? ORDER BY sort_order, id",
        (plan_id,),
    ):
        metric = METRICS.get(t["code"])
        value = metric.measure(db, ctx) if metric else MetricValue(None, "không có cách tính cho mã này")
        target = None if t["target_value"] is None else float(t["target_value"])
        if target is None or value.value is None:  # not set yet: nothing to be behind or ahead of
            pct, achieved = None, False
        else:
            pct = round(100.0 * value.value / target, 1) if target > 0 else 100.0
            achieved = value.value >= target
        if achieved or target is None:
            lagging = False
        elif t["kind"] == "coverage_pct" or value.value is None:
            lagging = True
        else:
            lagging = value.value < target * elapsed
        result.append(
            TargetProgress(
                id=t["id"],
                code=t["code"],
                label=t["label"],
                kind=t["kind"],
                unit=t["unit"],
                target=target,
                value=value.value,
                progress=pct,
                achieved=achieved,
                lagging=lagging,
                detail=value.detail,
                hint=hints.get(t["code"]) if t["kind"] == "count" else None,
            )
        )
    return PlanProgress(plan, ctx.baseline, on_date, current_counts(db), result)
