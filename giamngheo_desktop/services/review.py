"""Review rounds (rà soát) and classification.

* Standards come from ``poverty_standard`` (mirrored from ``resources/standards``); the
  round's reference date selects the national standard and the round keeps its id, so
  re-computing an old round uses that round's standard.
* :func:`classify_all` computes every household's indicators and class on a date without
  writing anything (the ``classify`` command). :func:`compute_round` writes them for a
  round: ``round_household`` (income, counts, computed class, reason), ``round_indicator``
  (one row per indicator; rows the officer entered by hand are kept) and ``round_member``.
* Steps (Decision 24/2021): list → collect → meeting → posting → decision → certificates
  → closed. A village meeting needs at least 50 % agreement, else that village's
  households go back to "collected" for re-review.
* :func:`close_round` (permission APPROVE) takes an automatic backup, freezes every
  reviewed household (``frozen``, ``snapshot`` JSON) and applies the final classes to the
  register. A poor household that leaves poverty becomes ``newly_escaped`` with
  ``escaped_date`` = the decision date; :func:`effective_class` turns it back into
  ``not_poor`` 36 months later (and :func:`expire_newly_escaped` writes that).
* :func:`movement_between` gives Biểu 2/3 counts between two closed rounds, per village
  and for the commune, for households and persons (``domain/movement.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import movement as mv
from giamngheo_desktop.domain.classify import Classification, classify, low_income_worker
from giamngheo_desktop.domain.errors import DomainError, NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.indicators import (
    HouseholdFacts,
    IndicatorResult,
    MemberFacts,
    age_on,
    evaluate,
    evaluation_context,
    exact_age_on,
)
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.standards import Standard, parse_standard, select_national
from giamngheo_desktop.domain.vocab import ROUND_STEP_LABELS, effective_class
from giamngheo_desktop.memory import gc_paused
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.commune import commune_at
from giamngheo_desktop.services.register import parse_iso_date
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import nfc

STEPS = ["list", "collect", "meeting", "posting", "decision", "certificates", "closed"]
MIN_AGREEMENT = 0.5
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


# ----------------------------------------------------------------- standards ----
def load_standards(db: Database) -> list[Standard]:
    return [parse_standard(json.loads(r["definition"])) for r in db.rows("SELECT definition FROM poverty_standard")]


def get_standard(db: Database, standard_id: str) -> Standard:
    text = db.scalar("SELECT definition FROM poverty_standard WHERE id = ?", (standard_id,))
    if text is None:
        raise NotFound(f"Không có chuẩn nghèo “{standard_id}” trong tệp dữ liệu.")
    return parse_standard(json.loads(text))


def standard_for(db: Database, day: _dt.date | str) -> Standard:
    """The national standard in force on ``day``."""
    return select_national(load_standards(db), day)


def local_standard(db: Database) -> Standard | None:
    sid = db.scalar("SELECT local_standard_id FROM commune WHERE id = 1")
    return get_standard(db, sid) if sid else None


# --------------------------------------------------------------------- facts ----
class _Codes:
    def __init__(self, db: Database) -> None:
        self.extra: dict[tuple[str, str], dict[str, Any]] = {}
        for r in db.rows("SELECT list_name, code, extra FROM code_list"):
            self.extra[(r["list_name"], r["code"])] = json.loads(r["extra"] or "{}")

    def get(self, list_name: str, code: str | None, key: str) -> Any:
        if not code:
            return None
        return self.extra.get((list_name, code), {}).get(key)

    def table(self, list_name: str, key: str) -> dict[str, Any]:
        """code → the value of ``key`` in that list (codes without it are left out)."""
        return {code: extra[key] for (name, code), extra in self.extra.items() if name == list_name and key in extra}


class _Dates(dict[str | None, _dt.date | None]):
    """Date texts parsed once: ``dates[text]`` (50,000 households' members share a few thousand dates)."""

    def __missing__(self, text: str | None) -> _dt.date | None:
        found = self[text] = parse_iso_date(text)
        return found


# the columns household_facts reads (not h.* / m.*: 50,000 households and 175,000 members as
# tuples of what the rules use take a fifth of the memory and half the time of whole rows as dicts)
_HOME_COLUMNS = (
    "h.id, coalesce(h.area_type, v.area_type, ?), h.code, v.name, h.poverty_class, h.wall_material,"
    " h.column_material, h.roof_material, h.floor_area, h.water_source, h.latrine_type, h.internet_use,"
    " h.info_devices, h.loudspeaker_reach, h.waste_treatment, h.income_per_capita, h.is_farming"
)
_MEMBER_COLUMNS = (
    "m.household_id, m.id, m.full_name, m.birth_date, m.birth_year, m.sex, m.employment, m.labour_contract,"
    " m.schooling, coalesce(m.hi_card_number, '') <> '', m.hi_valid_from, m.hi_valid_to, m.education_level,"
    " m.trained_on_job, m.nutrition, m.disability, m.social_allowance"
)


def household_facts(
    db: Database, on: _dt.date, household_ids: Iterable[int] | None = None
) -> dict[int, tuple[HouseholdFacts, dict[str, Any]]]:
    """Facts of live households (living members only) and a few register values of each
    (``code``, ``village_name``, ``poverty_class``).

    Each code list value and each date text is looked up once (50,000 households share a few
    dozen codes and some thousands of dates), and rows come as plain tuples.
    """
    codes = _Codes(db)
    where, params = "h.deleted_at IS NULL", []  # type: str, list[Any]
    ids = list(household_ids) if household_ids is not None else None
    if ids is not None:
        if not ids:
            return {}
        where += f" AND h.id IN ({','.join('?' * len(ids))})"
        params = ids
    cursor = db.conn.cursor()
    cursor.row_factory = None  # plain tuples
    homes = cursor.execute(
        f"SELECT {_HOME_COLUMNS} FROM household h JOIN village v ON v.id = h.village_id, commune c WHERE {where}",
        [commune_at(db, on).area_type, *params],  # the commune's kind in force that day (rural/urban)
    ).fetchall()
    employment_deprived = codes.table("employment", "deprived")
    in_school_codes = codes.table("schooling", "in_school")
    ranks = codes.table("education_level", "rank")
    vocational = codes.table("education_level", "vocational")
    malnourished = codes.table("nutrition", "deprived")
    day = _Dates()  # day[text]: each date text parsed once
    ages: dict[tuple[str | None, int | None], tuple[int | None, float | None]] = {}  # on ``on``, per birth
    members: dict[int, list[MemberFacts]] = {}
    for (
        hid,
        mid,
        name,
        birth,
        birth_year,
        sex,
        employment,
        contract,
        schooling,
        card,
        hi_from,
        hi_to,
        level,
        trained,
        nutrition,
        disability,
        allowance,
    ) in cursor.execute(
        f"SELECT {_MEMBER_COLUMNS} FROM member m JOIN household h ON h.id = m.household_id WHERE {where}"
        " AND m.deleted_at IS NULL AND m.life_status = 'living' ORDER BY m.household_id, m.sort_order, m.id",
        params,
    ):
        deprived: bool | None = None
        if employment:
            deprived = employment_deprived.get(employment)
            deprived = False if deprived is None else deprived
            if contract == 0 and employment == "wage_contract":
                deprived = True
        born = day[birth]
        age = ages.get((birth, birth_year))
        if age is None:
            age = ages[(birth, birth_year)] = (age_on(born, birth_year, on), exact_age_on(born, birth_year, on))
        facts = MemberFacts(  # positional, in the field order (a third quicker for 175,000 members)
            mid,  # id
            name,
            born,  # birth_date
            birth_year,
            sex,
            deprived,  # employment_deprived
            bool(card),  # hi_card
            day[hi_from],  # hi_valid_from
            day[hi_to],  # hi_valid_to
            None if not schooling else bool(in_school_codes.get(schooling)),  # in_school
            ranks.get(level) if level else None,  # education_rank
            bool(vocational.get(level)) if level else False,  # vocational
            bool(trained),  # trained_on_job
            None if not nutrition else bool(malnourished.get(nutrition)),  # malnourished
            bool(disability),  # disabled
            allowance or 0,  # social_allowance
            on,  # ages_on
            age[0],  # age_on_day
            age[1],  # exact_age_on_day
        )
        found = members.get(hid)
        if found is None:
            members[hid] = [facts]
        else:
            found.append(facts)
    durable = {code: bool(v) for code, v in codes.table("housing_material", "durable").items()}
    water = {code: bool(v) for code, v in codes.table("water_source", "hygienic").items()}
    latrine = {code: bool(v) for code, v in codes.table("latrine_type", "hygienic").items()}

    def flag(value: int | None) -> bool | None:
        return None if value is None else bool(value)

    out = {}
    for (
        hid,
        area,
        code,
        village,
        klass,
        wall,
        column,
        roof,
        floor_area,
        water_source,
        latrine_type,
        internet,
        devices,
        loudspeaker,
        waste,
        income,
        farming,
    ) in homes:
        out[hid] = (
            HouseholdFacts(
                id=hid,
                area_type=area,
                members=tuple(members.get(hid, ())),
                wall_durable=durable.get(wall) if wall else None,
                column_durable=durable.get(column) if column else None,
                roof_durable=durable.get(roof) if roof else None,
                floor_area=floor_area,
                water_hygienic=water.get(water_source) if water_source else None,
                latrine_hygienic=latrine.get(latrine_type) if latrine_type else None,
                internet_use=flag(internet),
                has_info_device=flag(devices),
                loudspeaker_reach=flag(loudspeaker),
                waste_treatment=flag(waste),
                income_per_capita=income,
                is_farming=bool(farming),
            ),
            {"code": code, "village_name": village, "poverty_class": klass},
        )
    return out


# ------------------------------------------------------------------ classify ----
@dataclass(frozen=True, slots=True)
class HouseholdResult:
    household_id: int
    code: str
    village: str
    current_class: str
    computed_class: str | None
    deprivation_count: int
    indicators: tuple[IndicatorResult, ...]
    reason: str
    standard_id: str
    members: int

    @property
    def differs(self) -> bool:
        current = "not_poor" if self.current_class == "newly_escaped" else self.current_class
        return self.computed_class is not None and self.computed_class != current


Assessment = tuple[list[IndicatorResult], Classification]


def _assess(
    standard: Standard,
    facts: HouseholdFacts,
    on: _dt.date,
    overrides: dict[str, tuple[bool, str]] | None = None,
    b1: tuple[float | None, float | None] = (None, None),
    ctx: dict[str, Any] | None = None,
) -> Assessment:
    results = evaluate(standard, facts, on, ctx)
    if overrides:
        results = [
            IndicatorResult(r.code, overrides[r.code][0], "nhập tay: " + overrides[r.code][1], False)
            if r.code in overrides
            else r
            for r in results
        ]
    result = classify(
        standard,
        area_type=facts.area_type,
        income_per_capita=facts.income_per_capita,
        indicators=results,
        is_farming=facts.is_farming,
        b1_score=b1[0],
        b1_cutoff=b1[1],
    )
    if overrides:
        names = {i.code: i.short_name.lower() for i in standard.indicators}
        entered = ", ".join(names.get(code, code) for code in overrides)
        result = dataclasses.replace(result, reason=f"{result.reason} (chỉ số nhập tay: {entered})")
    return results, result


def classify_all(
    db: Database,
    on: _dt.date | str,
    *,
    household_ids: Iterable[int] | None = None,
    standard: Standard | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[HouseholdResult]:
    """Every live household's computed class on ``on``; writes nothing."""
    db.require(Permission.VIEW)
    day = on if isinstance(on, _dt.date) else _dt.date.fromisoformat(on)
    standard = standard or standard_for(db, day)
    # a quarter of a million facts and a million results, no reference cycles among them
    with gc_paused():
        return _classify_all(db, day, standard, household_ids, progress, cancelled)


def _classify_all(
    db: Database,
    day: _dt.date,
    standard: Standard,
    household_ids: Iterable[int] | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> list[HouseholdResult]:
    facts = household_facts(db, day, household_ids)
    ctx = evaluation_context(standard)
    out = []
    total = len(facts)
    for index, (hid, (f, row)) in enumerate(sorted(facts.items())):
        if index % 500 == 0:
            if cancelled is not None and cancelled():
                raise DomainError("Đã hủy.", code="cancelled")
            if progress is not None:
                progress(index, total)
        results, c = _assess(standard, f, day, ctx=ctx)
        out.append(
            HouseholdResult(
                household_id=hid,
                code=row["code"],
                village=row["village_name"],
                current_class=row["poverty_class"],
                computed_class=c.poverty_class,
                deprivation_count=c.deprivation_count,
                indicators=tuple(results),
                reason=c.reason,
                standard_id=standard.id,
                members=len(f.members),
            )
        )
    if progress is not None:
        progress(total, total)
    return out


# -------------------------------------------------------------------- rounds ----
@dataclass(frozen=True)
class Round:
    id: int
    kind: str
    year: int
    month: int | None
    name: str
    reference_date: str
    standard_id: str
    step: str
    decision_number: str
    decision_date: str | None
    households: int

    @property
    def step_label(self) -> str:
        return ROUND_STEP_LABELS.get(self.step, self.step)


def list_rounds(db: Database) -> list[Round]:
    rows = db.rows(
        "SELECT r.*, (SELECT count(*) FROM round_household rh WHERE rh.round_id = r.id) AS n"
        " FROM review_round r ORDER BY r.reference_date DESC, r.id DESC"
    )
    return [
        Round(
            r["id"],
            r["kind"],
            r["year"],
            r["month"],
            r["name"],
            r["reference_date"],
            r["standard_id"],
            r["step"],
            r["decision_number"],
            r["decision_date"],
            r["n"],
        )
        for r in rows
    ]


def get_round(db: Database, round_id: int) -> Round:
    for r in list_rounds(db):
        if r.id == round_id:
            return r
    raise NotFound(f"Không tìm thấy đợt rà soát số {round_id}.")


def open_round(
    db: Database,
    *,
    kind: str,
    reference_date: str,
    name: str | None = None,
    include_newly_escaped: bool = True,
) -> Changes:
    """Open a round and draw up its list (step 1): annual = every poor and near-poor
    household (+ newly escaped) + pending requests; monthly = pending requests."""
    db.require(Permission.RUN_REVIEW)
    day = parse_iso_date(reference_date)
    issues = []
    if kind not in ("annual", "monthly"):
        issues.append(ValidationIssue("Loại đợt", "phải là rà soát định kỳ hoặc thường xuyên", value=kind))
    if day is None:
        issues.append(ValidationIssue("Ngày tham chiếu", "không phải ngày hợp lệ (YYYY-MM-DD)", value=reference_date))
    if issues:
        raise ValidationFailed(issues)
    assert day is not None
    if db.scalar("SELECT 1 FROM review_round WHERE step != 'closed' AND kind = ?", (kind,)):
        raise DomainError("Đang có một đợt rà soát cùng loại chưa đóng. Hãy đóng đợt đó trước khi mở đợt mới.")
    standard = standard_for(db, day)
    local = local_standard(db)
    label = name or (
        f"Rà soát định kỳ năm {day.year}" if kind == "annual" else f"Rà soát thường xuyên tháng {day.month}/{day.year}"
    )
    now = clock.now_iso()
    with db.atomic() as conn:  # one transaction: nothing is written unless the round is made
        expire_newly_escaped(db, day)
        cur = conn.execute(
            "INSERT INTO review_round (kind, year, month, name, reference_date, standard_id, local_standard_id, step,"
            " list_date, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'list', ?, ?)",
            (
                kind,
                day.year,
                day.month if kind == "monthly" else None,
                label,
                day.isoformat(),
                standard.id,
                local.id if local else None,
                clock.today_iso(),
                now,
            ),
        )
        round_id = int(cur.lastrowid or 0)
        classes = ["poor", "near_poor"] + (["newly_escaped"] if include_newly_escaped else [])
        if kind == "annual":
            conn.execute(
                "INSERT INTO round_household (round_id, household_id, source, village_id, class_before)"
                f" SELECT ?, id, 'list', village_id, poverty_class FROM household WHERE deleted_at IS NULL"
                f" AND poverty_class IN ({','.join('?' * len(classes))})",
                (round_id, *classes),
            )
        conn.execute(
            "INSERT OR IGNORE INTO round_household (round_id, household_id, source, village_id, class_before)"
            " SELECT ?, r.household_id, 'request', h.village_id, h.poverty_class FROM household_request r"
            " JOIN household h ON h.id = r.household_id WHERE r.status = 'pending' AND h.deleted_at IS NULL",
            (round_id,),
        )
        if (
            kind == "monthly"
            and not conn.execute("SELECT 1 FROM round_household WHERE round_id = ?", (round_id,)).fetchone()
        ):  # an empty round could take no step and could not be filled: a dead end
            raise DomainError(
                "Chưa có hộ nào để rà soát thường xuyên: không có đơn đề nghị (Mẫu số 01, 04) nào chờ xử lý. "
                "Hãy ghi đơn đề nghị của hộ trước, rồi mở đợt."
            )
        conn.execute(
            "UPDATE household_request SET status = 'in_round', round_id = ? WHERE status = 'pending'", (round_id,)
        )
    return Changes(review=True, households=True, id=round_id)


def _require_open(db: Database, round_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM review_round WHERE id = ?", (round_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy đợt rà soát số {round_id}.")
    if row["step"] == "closed":
        raise DomainError(f"Đợt “{row['name']}” đã đóng; kết quả đã được cố định, không sửa được.")
    return row


def compute_round(
    db: Database,
    round_id: int,
    *,
    household_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Changes:
    """Compute indicators and classes for the round's households with the round's standard."""
    db.require(Permission.RUN_REVIEW)
    rnd = _require_open(db, round_id)
    day = _dt.date.fromisoformat(rnd["reference_date"])
    standard = get_standard(db, rnd["standard_id"])
    local = get_standard(db, rnd["local_standard_id"]) if rnd["local_standard_id"] else None
    wanted = [r["household_id"] for r in db.rows("SELECT household_id FROM round_household WHERE round_id = ?",
                                                  (round_id,))]  # fmt: skip
    if household_ids is not None:
        only = set(household_ids)
        wanted = [h for h in wanted if h in only]
    facts = household_facts(db, day, wanted)
    overrides: dict[int, dict[str, tuple[bool, str]]] = {}
    for r in db.rows("SELECT * FROM round_indicator WHERE round_id = ? AND source = 'entered'", (round_id,)):
        overrides.setdefault(r["household_id"], {})[r["indicator_code"]] = (bool(r["deprived"]), r["note"])
    b1_rows = db.rows(
        "SELECT household_id, b1_score FROM round_household WHERE round_id = ? AND b1_score IS NOT NULL", (round_id,)
    )
    b1 = {r["household_id"]: r["b1_score"] for r in b1_rows}
    cutoff = _b1_cutoff(db, standard.id)
    ctx = evaluation_context(standard)
    local_ctx = evaluation_context(local) if local else None
    now = clock.now_iso()
    total = len(facts)
    with db.atomic() as conn:
        for index, (hid, (f, _row)) in enumerate(sorted(facts.items())):
            if index % 200 == 0:
                if cancelled is not None and cancelled():
                    raise DomainError("Đã hủy tính toán; không có gì thay đổi.", code="cancelled")
                if progress is not None:
                    progress(index, total)
            results, c = _assess(standard, f, day, overrides.get(hid), (b1.get(hid), cutoff.get(f.area_type)), ctx=ctx)
            local_class = _assess(local, f, day, overrides.get(hid), ctx=local_ctx)[1].poverty_class if local else None
            conn.execute(
                "UPDATE round_household SET status = CASE WHEN status = 'approved' THEN status ELSE 'computed' END,"
                " area_type = ?, member_count = ?, income_per_capita = ?, b2_score = ?, deprivation_count = ?,"
                " computed_class = ?, final_class = ?, local_class = ?, reason = ?, standard_id = ?, computed_at = ?"
                " WHERE round_id = ? AND household_id = ?",
                (f.area_type, len(f.members), f.income_per_capita, c.b2_score, c.deprivation_count, c.poverty_class,
                 c.poverty_class, local_class, c.reason, standard.id, now, round_id, hid),
            )  # fmt: skip
            conn.execute(
                "DELETE FROM round_indicator WHERE round_id = ? AND household_id = ? AND source = 'computed'",
                (round_id, hid),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO round_indicator (round_id, household_id, indicator_code, deprived, source, note)"
                " VALUES (?, ?, ?, ?, 'computed', ?)",
                [(round_id, hid, r.code, int(r.deprived), r.reason) for r in results],
            )
            conn.execute("DELETE FROM round_member WHERE round_id = ? AND household_id = ?", (round_id, hid))
            worker = low_income_worker(
                standard,
                area_type=f.area_type,
                household_class=c.poverty_class or "",
                income_per_capita=f.income_per_capita,
            )
            conn.executemany(
                "INSERT INTO round_member (round_id, household_id, member_id, age, sex, ethnicity_code,"
                " low_income_worker) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                [
                    (round_id, hid, m.id, m.age(day), m.sex, int(worker and _working(standard, m, day)))
                    for m in f.members
                ],
            )
        if rnd["step"] == "list":
            conn.execute("UPDATE review_round SET step = 'collect', collect_date = ? WHERE id = ?",
                         (clock.today_iso(), round_id))  # fmt: skip
    if progress is not None:
        progress(total, total)
    return Changes(review=True)


def _working(standard: Standard, member: MemberFacts, day: _dt.date) -> bool:
    age = member.exact_age(day)
    return age is not None and standard.working_age.get("min_age", 15) <= age < standard.retirement_age(
        member.sex, day.year
    )


def _b1_cutoff(db: Database, standard_id: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in db.rows("SELECT area_type, definition FROM scoring_card WHERE standard_id = ? AND card_type = 'B1'",
                     (standard_id,)):  # fmt: skip
        cutoff = json.loads(r["definition"]).get("cutoff")
        if r["area_type"] and cutoff is not None:
            out[r["area_type"]] = float(cutoff)
    return out


@dataclass(frozen=True)
class RoundRow:
    household_id: int
    code: str
    head: str
    village: str
    class_before: str | None
    computed_class: str | None
    final_class: str | None
    deprivation_count: int | None
    income_per_capita: int | None
    reason: str
    status: str

    @property
    def differs(self) -> bool:
        before = "not_poor" if self.class_before == "newly_escaped" else self.class_before
        return self.computed_class is not None and self.computed_class != before


def round_rows(
    db: Database, round_id: int, *, only_changed: bool = False, village_id: int | None = None
) -> list[RoundRow]:
    db.require(Permission.VIEW)
    where, params = "rh.round_id = ?", [round_id]  # type: str, list[Any]
    if village_id is not None:
        where += " AND h.village_id = ?"
        params.append(village_id)
    rows = [
        RoundRow(
            r["household_id"],
            r["code"],
            r["head"] or "",
            r["village"],
            r["class_before"],
            r["computed_class"],
            r["final_class"],
            r["deprivation_count"],
            r["income_per_capita"],
            r["reason"],
            r["status"],
        )
        for r in db.rows(
            "SELECT rh.*, h.code, m.full_name AS head, v.name AS village FROM round_household rh"
            " JOIN household h ON h.id = rh.household_id JOIN village v ON v.id = h.village_id"
            f" LEFT JOIN member m ON m.id = h.head_member_id WHERE {where} ORDER BY v.sort_order, h.code",
            params,
        )
    ]
    return [r for r in rows if r.differs] if only_changed else rows


def round_indicators(db: Database, round_id: int, household_id: int) -> list[dict[str, Any]]:
    """The household's indicator flags in the round, in the standard's report order."""
    sid = db.scalar("SELECT standard_id FROM review_round WHERE id = ?", (round_id,))
    order = {i.code: n for n, i in enumerate(get_standard(db, sid).indicators)} if sid else {}
    rows = db.rows(
        "SELECT indicator_code, deprived, source, note FROM round_indicator WHERE round_id = ? AND household_id = ?",
        (round_id, household_id),
    )
    return sorted(rows, key=lambda r: order.get(r["indicator_code"], len(order)))


def override_indicator(
    db: Database, round_id: int, household_id: int, *, code: str, deprived: bool, note: str
) -> Changes:
    """The officer sets an indicator by hand (with a note); the class is recomputed."""
    db.require(Permission.RUN_REVIEW)
    rnd = _require_open(db, round_id)
    if not note.strip():
        raise ValidationFailed(ValidationIssue("Ghi chú", "cần ghi lý do khi nhập tay một chỉ số"))
    codes = {i.code for i in get_standard(db, rnd["standard_id"]).indicators}
    if code not in codes:
        raise ValidationFailed(ValidationIssue("Chỉ số", "không có trong chuẩn nghèo của đợt này", value=code))
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO round_indicator (round_id, household_id, indicator_code, deprived, source, note)"
            " VALUES (?, ?, ?, ?, 'entered', ?) ON CONFLICT (round_id, household_id, indicator_code)"
            " DO UPDATE SET deprived = excluded.deprived, source = 'entered', note = excluded.note",
            (round_id, household_id, code, int(deprived), note.strip()),
        )
        compute_round(db, round_id, household_ids=[household_id])
    return Changes(review=True)


def record_meeting(
    db: Database,
    round_id: int,
    *,
    village_id: int,
    meeting_date: str,
    attendees: int,
    agreed: int,
    chair: str = "",
    secretary: str = "",
    minutes: str = "",
) -> Changes:
    """Record a village meeting (``id``: the meeting). When it did not pass (:func:`meeting_passed`)
    the village's households go back to "collected" to be reviewed again.
    """
    db.require(Permission.RUN_REVIEW)
    _require_open(db, round_id)
    issues = []
    if parse_iso_date(meeting_date) is None:
        issues.append(ValidationIssue("Ngày họp", "không phải ngày hợp lệ", value=meeting_date))
    if attendees <= 0:
        issues.append(ValidationIssue("Số người dự họp", "phải lớn hơn 0", value=str(attendees)))
    if agreed < 0 or agreed > attendees:
        issues.append(ValidationIssue("Số người đồng ý", "phải từ 0 đến số người dự họp", value=str(agreed)))
    if issues:
        raise ValidationFailed(issues)
    too_late = _date_issue("Ngày họp", meeting_date)
    if too_late:
        raise ValidationFailed([too_late])
    passed = meeting_passed(attendees, agreed)
    with db.atomic() as conn:
        # the same village's meeting on the same date recorded again corrects the earlier record
        cur = conn.execute(
            "INSERT INTO village_meeting (round_id, village_id, meeting_date, attendees, agreed, chair, secretary,"
            " minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, village_id, meeting_date) DO UPDATE SET"
            " attendees = excluded.attendees, agreed = excluded.agreed, chair = excluded.chair,"
            " secretary = excluded.secretary, minutes = excluded.minutes RETURNING id",
            (round_id, village_id, meeting_date, attendees, agreed, chair, secretary, minutes),
        )
        meeting_id = cur.fetchone()[0]
        conn.execute(
            "UPDATE round_household SET status = ? WHERE round_id = ? AND household_id IN"
            " (SELECT id FROM household WHERE village_id = ?) AND status != 'rejected'",
            ("approved" if passed else "collected", round_id, village_id),
        )
        conn.execute(
            "UPDATE review_round SET step = 'meeting' WHERE id = ? AND step IN ('list', 'collect')", (round_id,)
        )
    return Changes(review=True, households=True, id=int(meeting_id))


def meeting_passed(attendees: int, agreed: int) -> bool:
    """A village meeting passes when at least half of those present agreed (POVERTY_RULES: the village meeting step)."""
    return agreed >= attendees * MIN_AGREEMENT


def meetings(db: Database, round_id: int) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT m.*, v.name AS village, round(100.0 * m.agreed / m.attendees, 1) AS share FROM village_meeting m"
        " JOIN village v ON v.id = m.village_id WHERE m.round_id = ? ORDER BY m.meeting_date, v.sort_order",
        (round_id,),
    )


def villages_without_agreement(db: Database, round_id: int) -> list[str]:
    """Villages with households in the round whose latest meeting did not reach 50 % (or none held)."""
    rows = db.rows(
        """
        SELECT v.name, (SELECT m.agreed * 1.0 / m.attendees FROM village_meeting m WHERE m.round_id = ?
                        AND m.village_id = v.id ORDER BY m.meeting_date DESC, m.id DESC LIMIT 1) AS share
        FROM village v WHERE v.id IN (SELECT h.village_id FROM round_household rh JOIN household h
                                      ON h.id = rh.household_id WHERE rh.round_id = ?)
        ORDER BY v.sort_order
        """,
        (round_id, round_id),
    )
    return [r["name"] for r in rows if r["share"] is None or r["share"] < MIN_AGREEMENT]


FUTURE_DAYS = 366  # a date more than a year after today is a typing mistake (2036 for 2026)


def _date_issue(label: str, text: str | None) -> ValidationIssue | None:
    """A date more than a year after today (a year typed wrong) — refused with a message."""
    day = parse_iso_date(text)
    if day is None:
        return None
    limit = clock.today() + _dt.timedelta(days=FUTURE_DAYS)
    if day > limit:
        return ValidationIssue(label, f"ngày {day:%d/%m/%Y} còn ở tương lai xa (sau {limit:%d/%m/%Y})", value=text)
    return None


def advance(db: Database, round_id: int, *, to_step: str, **dates: str) -> Changes:
    """Move a round to a later step, recording that step's dates and checks.

    posting: ``posting_from``, ``posting_to`` (every village agreed at ≥ 50 %);
    decision: ``decision_number``, ``decision_date`` (permission APPROVE);
    certificates: ``certificates_date`` (numbers issued by :func:`issue_certificates`).
    """
    db.require(Permission.APPROVE if to_step in ("decision", "certificates") else Permission.RUN_REVIEW)
    rnd = _require_open(db, round_id)
    if to_step not in STEPS or to_step == "closed":
        raise ValidationFailed(
            ValidationIssue("Bước", "không hợp lệ (đóng đợt dùng “Đóng đợt rà soát”)", value=to_step)
        )
    if STEPS.index(to_step) <= STEPS.index(rnd["step"]):
        raise DomainError(f"Đợt đang ở bước “{ROUND_STEP_LABELS[rnd['step']]}”; chỉ chuyển được sang bước sau.")
    issues = []
    values: dict[str, Any] = {"step": to_step}
    if STEPS.index(to_step) >= STEPS.index("meeting") and db.scalar(
        "SELECT count(*) FROM round_household WHERE round_id = ? AND computed_class IS NULL", (round_id,)
    ):
        issues.append(ValidationIssue("Tính toán", "còn hộ chưa được tính chỉ số và phân loại"))
    if STEPS.index(to_step) >= STEPS.index("posting"):
        missing = villages_without_agreement(db, round_id)
        if missing:
            issues.append(ValidationIssue("Họp thôn", "chưa họp hoặc chưa đạt 50 % đồng ý: " + ", ".join(missing)))
    if to_step == "posting" or (STEPS.index(to_step) > STEPS.index("posting") and not rnd["posting_from"]):
        for key in ("posting_from", "posting_to"):
            if parse_iso_date(dates.get(key)) is None:
                issues.append(
                    ValidationIssue("Ngày niêm yết", "cần ngày bắt đầu và kết thúc niêm yết", value=dates.get(key))
                )
                break
        values.update(posting_from=dates.get("posting_from"), posting_to=dates.get("posting_to"))
    posting_from = parse_iso_date(values.get("posting_from") or rnd["posting_from"])
    posting_to = parse_iso_date(values.get("posting_to") or rnd["posting_to"])
    if posting_from and posting_to and posting_from > posting_to:
        issues.append(
            ValidationIssue(
                "Ngày niêm yết",
                f"ngày bắt đầu ({posting_from:%d/%m/%Y}) sau ngày kết thúc ({posting_to:%d/%m/%Y})",
                value=dates.get("posting_from"),
            )
        )
    reference = parse_iso_date(rnd["reference_date"])
    if posting_from and reference and posting_from < reference:
        issues.append(
            ValidationIssue(
                "Ngày niêm yết",
                f"trước ngày tham chiếu của đợt ({reference:%d/%m/%Y})",
                value=dates.get("posting_from"),
            )
        )
    for label, key in (("Ngày niêm yết", "posting_from"), ("Ngày niêm yết", "posting_to")):
        if key in dates and (issue := _date_issue(label, dates.get(key))):
            issues.append(issue)
    if to_step == "decision":
        decided = parse_iso_date(dates.get("decision_date"))
        if decided and posting_to and decided < posting_to:
            issues.append(
                ValidationIssue(
                    "Ngày quyết định",
                    f"trước khi hết niêm yết ({posting_to:%d/%m/%Y}): quyết định sau khi niêm yết xong",
                    value=dates.get("decision_date"),
                )
            )
        if issue := _date_issue("Ngày quyết định", dates.get("decision_date")):
            issues.append(issue)
        if not (dates.get("decision_number") or "").strip():
            issues.append(ValidationIssue("Số quyết định", "không được để trống"))
        if parse_iso_date(dates.get("decision_date")) is None:
            issues.append(
                ValidationIssue("Ngày quyết định", "không phải ngày hợp lệ", value=dates.get("decision_date"))
            )
        values.update(
            decision_number=(dates.get("decision_number") or "").strip(), decision_date=dates.get("decision_date")
        )
    if to_step == "certificates":
        values["certificates_date"] = dates.get("certificates_date") or clock.today_iso()
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE review_round SET {sets} WHERE id = ?", (*values.values(), round_id))
    return Changes(review=True)


def issue_certificates(db: Database, round_id: int, *, issue_date: str | None = None) -> Changes:
    """Number certificates "N/GCN-HN.HCN" for the round's poor and near-poor households."""
    db.require(Permission.APPROVE)
    rnd = _require_open(db, round_id)
    if not rnd["decision_number"]:
        raise DomainError("Cần có quyết định công nhận trước khi cấp giấy chứng nhận.")
    day = issue_date or rnd["decision_date"] or clock.today_iso()
    count = 0
    with db.atomic() as conn:
        start = int(db.scalar("SELECT count(*) FROM certificate WHERE substr(issue_date, 1, 4) = ?", (day[:4],)) or 0)
        for r in db.rows(
            "SELECT household_id, final_class FROM round_household rh JOIN household h ON h.id = rh.household_id"
            " JOIN village v ON v.id = h.village_id WHERE rh.round_id = ? AND rh.final_class IN ('poor', 'near_poor')"
            " AND rh.certificate_number IS NULL ORDER BY v.sort_order, h.code",
            (round_id,),
        ):
            count += 1
            number = f"{start + count}/GCN-HN.HCN"
            conn.execute(
                "INSERT INTO certificate (round_id, household_id, number, poverty_class, issue_date, valid_until)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (round_id, r["household_id"], number, r["final_class"], day, f"{int(day[:4])}-12-31"),
            )
            conn.execute(
                "UPDATE round_household SET certificate_number = ? WHERE round_id = ? AND household_id = ?",
                (number, round_id, r["household_id"]),
            )
        conn.execute(
            "UPDATE review_round SET step = 'certificates', certificates_date = ? WHERE id = ? AND step = 'decision'",
            (day, round_id),
        )
    return Changes(review=True, count=count)


def close_round(db: Database, round_id: int) -> Changes:
    """Freeze the round and apply its final classes to the register (permission APPROVE)."""
    db.require(Permission.APPROVE)
    rnd = _require_open(db, round_id)
    if rnd["step"] not in ("decision", "certificates"):
        raise DomainError("Chỉ đóng được đợt rà soát sau khi có quyết định công nhận (số và ngày quyết định).")
    from giamngheo_desktop.services import backup

    backup.auto_backup(db, "round_close")
    decided = rnd["decision_date"] or rnd["reference_date"]
    now = clock.now_iso()
    with db.atomic() as conn:
        rows = db.rows("SELECT * FROM round_household WHERE round_id = ?", (round_id,))
        for r in rows:
            h = db.row("SELECT * FROM household WHERE id = ?", (r["household_id"],))
            if h is None:
                continue
            final = r["final_class"] or r["computed_class"]
            members = db.rows(
                "SELECT id, full_name, birth_date, sex, relationship_code, life_status FROM member"
                " WHERE household_id = ? AND deleted_at IS NULL ORDER BY sort_order, id",
                (h["id"],),
            )
            snapshot = json.dumps({"household": h, "members": members}, ensure_ascii=False, default=str)
            conn.execute(
                "UPDATE round_household SET frozen = 1, snapshot = ?, final_class = ?"
                " WHERE round_id = ? AND household_id = ?",
                (snapshot, final, round_id, h["id"]),
            )
            if final is None:
                continue
            was_poor = h["poverty_class"] == "poor"
            new_class, escaped = final, h["escaped_date"]
            if was_poor and final not in ("poor", "near_poor"):
                new_class, escaped = "newly_escaped", decided
            elif h["poverty_class"] == "newly_escaped" and final not in ("poor", "near_poor"):
                new_class = "newly_escaped"
            conn.execute(
                "UPDATE household SET poverty_class = ?, escaped_date = ?, class_date = ?, class_decision = ?,"
                " updated_at = ? WHERE id = ?",
                (new_class, escaped, decided, rnd["decision_number"], now, h["id"]),
            )
        conn.execute(
            "UPDATE household_request SET status = 'done' WHERE round_id = ? AND status = 'in_round'", (round_id,)
        )
        conn.execute("UPDATE review_round SET step = 'closed', closed_at = ? WHERE id = ?", (now, round_id))
    return Changes(review=True, households=True)


# -------------------------------------------------------------- newly escaped ----
def expire_newly_escaped(db: Database, on: _dt.date | str) -> Changes:
    """Write ``not_poor`` for households whose 36 months have passed; returns how many."""
    db.require(Permission.RUN_REVIEW)
    expired = [
        r["id"]
        for r in db.rows("SELECT id, poverty_class, escaped_date FROM household WHERE poverty_class = 'newly_escaped'")
        if effective_class(r["poverty_class"], r["escaped_date"], on) == "not_poor"
    ]
    if expired:
        with db.atomic() as conn:
            conn.executemany("UPDATE household SET poverty_class = 'not_poor' WHERE id = ?", [(i,) for i in expired])
    return Changes(review=True, households=True, count=len(expired))


# ------------------------------------------------------------------- requests ----
def _check_request(db: Database, household_id: int, form: str, request_date: str) -> None:
    issues = []
    if form not in ("01", "04"):
        issues.append(ValidationIssue("Mẫu đơn", "phải là Mẫu số 01 hoặc Mẫu số 04", value=form))
    if parse_iso_date(request_date) is None:
        issues.append(ValidationIssue("Ngày nộp đơn", "không phải ngày hợp lệ", value=request_date))
    if not db.scalar("SELECT 1 FROM household WHERE id = ? AND deleted_at IS NULL", (household_id,)):
        issues.append(ValidationIssue("Hộ gia đình", "không tìm thấy hộ", value=str(household_id)))
    if issues:
        raise ValidationFailed(issues)


def record_request(db: Database, *, household_id: int, form: str, request_date: str, content: str = "") -> Changes:
    """A household's request: Mẫu số 01 (review) or 04 (escape); it goes into the next round."""
    db.require(Permission.RUN_REVIEW)
    _check_request(db, household_id, form, request_date)
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO household_request (household_id, form, request_date, content, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (household_id, form, request_date, nfc(content), clock.now_iso()),
        )
    return Changes(review=True, id=int(cur.lastrowid or 0))


def get_request(db: Database, request_id: int) -> dict[str, Any]:
    row = db.row(
        "SELECT r.*, h.code, m.full_name AS head_name FROM household_request r"
        " JOIN household h ON h.id = r.household_id LEFT JOIN member m ON m.id = h.head_member_id WHERE r.id = ?",
        (request_id,),
    )
    if row is None:
        raise NotFound(f"Không tìm thấy đơn đề nghị số {request_id} (có thể đã xóa).")
    return row


def _pending_request(db: Database, request_id: int) -> dict[str, Any]:
    row = get_request(db, request_id)
    if row["status"] != "pending":
        raise ValidationFailed(
            ValidationIssue(
                "Đơn đề nghị", "đã đưa vào đợt rà soát nên không sửa hay xóa được nữa", value=row["request_date"]
            )
        )
    return row


def update_request(
    db: Database, *, request_id: int, household_id: int, form: str, request_date: str, content: str = ""
) -> Changes:
    """Correct a request that is still waiting (not yet taken into a round)."""
    db.require(Permission.RUN_REVIEW)
    _pending_request(db, request_id)
    _check_request(db, household_id, form, request_date)
    with db.atomic() as conn:
        conn.execute(
            "UPDATE household_request SET household_id = ?, form = ?, request_date = ?, content = ? WHERE id = ?",
            (household_id, form, request_date, nfc(content), request_id),
        )
    return Changes(review=True, id=request_id)


def remove_request(db: Database, *, request_id: int) -> Changes:
    """Remove a request recorded by mistake (only while it waits); the change history keeps what it said,
    and :func:`restore_request` puts it back."""
    db.require(Permission.RUN_REVIEW)
    _pending_request(db, request_id)
    with db.atomic() as conn:
        conn.execute("DELETE FROM household_request WHERE id = ?", (request_id,))
    return Changes(review=True, id=request_id)


REQUEST_COLUMNS = ("id", "household_id", "form", "request_date", "content", "status", "round_id", "result_note",
                   "created_at")  # fmt: skip


def restore_request(db: Database, *, row: dict[str, Any]) -> Changes:
    """Put back a removed request exactly as it was (same number): the way back of removing it, and
    of undoing its recording (redo)."""
    db.require(Permission.RUN_REVIEW)
    if db.scalar("SELECT 1 FROM household_request WHERE id = ?", (row["id"],)):
        return Changes(review=True, id=int(row["id"]))
    _check_request(db, int(row["household_id"]), row["form"], row["request_date"])
    values = [row.get(c) for c in REQUEST_COLUMNS]
    with db.atomic() as conn:
        conn.execute(
            f"INSERT INTO household_request ({', '.join(REQUEST_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(REQUEST_COLUMNS))})",
            values,
        )
    return Changes(review=True, id=int(row["id"]))


def pending_requests(db: Database) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT r.*, h.code, m.full_name AS head_name FROM household_request r"
        " JOIN household h ON h.id = r.household_id LEFT JOIN member m ON m.id = h.head_member_id"
        " WHERE r.status = 'pending' ORDER BY r.request_date"
    )


# ------------------------------------------------------------------- movement ----
def _round_states(db: Database, round_id: int) -> dict[int, mv.State]:
    return {
        r["household_id"]: mv.State(r["cls"], r["member_count"] or 0, r["village_id"])
        for r in db.rows(
            "SELECT household_id, coalesce(final_class, computed_class, class_before) AS cls, member_count, village_id"
            " FROM round_household WHERE round_id = ? AND frozen = 1",
            (round_id,),
        )
    }


def movement_between(db: Database, start_round_id: int, end_round_id: int) -> dict[str, dict[int | None, mv.Counts]]:
    """Biểu 2/3 movement between two closed rounds: {'poor'|'near_poor': {village_id|None: Counts}}.

    Households not reviewed in a round keep the class they had (the register's class
    before the round is stored as ``class_before``); re-poor = poor in any earlier
    closed round or with an escaped_date; other increase = households created by a split (the new
    household's ``split_from`` event), by hand or by a member moving in between the two reference dates.
    """
    db.require(Permission.VIEW)
    start_ref = db.scalar("SELECT reference_date FROM review_round WHERE id = ?", (start_round_id,))
    end_ref = db.scalar("SELECT reference_date FROM review_round WHERE id = ?", (end_round_id,))
    if start_ref is None or end_ref is None:
        raise NotFound("Không tìm thấy đợt rà soát để so sánh.")
    start, end = _round_states(db, start_round_id), _round_states(db, end_round_id)
    earlier_poor = {
        r["household_id"]
        for r in db.rows(
            "SELECT rh.household_id FROM round_household rh JOIN review_round r ON r.id = rh.round_id"
            " WHERE r.reference_date < ? AND rh.frozen = 1 AND rh.final_class = 'poor'",
            (start_ref,),
        )
    } | {
        r["id"]
        for r in db.rows("SELECT id FROM household WHERE escaped_date IS NOT NULL AND escaped_date < ?", (start_ref,))
    }
    earlier_near = {
        r["household_id"]
        for r in db.rows(
            "SELECT rh.household_id FROM round_household rh JOIN review_round r ON r.id = rh.round_id"
            " WHERE r.reference_date < ? AND rh.frozen = 1 AND rh.final_class = 'near_poor'",
            (start_ref,),
        )
    }
    created = {
        r["household_id"]
        for r in db.rows(
            "SELECT household_id FROM household_event WHERE event_type IN ('split_from', 'create', 'member_move_in')"
            " AND event_date > ? AND event_date <= ?",
            (start_ref, end_ref),
        )
    }
    return {
        mv.POOR: mv.movement(mv.POOR, start, end, ever_in_group_before=earlier_poor, composition_new=created),
        mv.NEAR: mv.movement(mv.NEAR, start, end, ever_in_group_before=earlier_near, composition_new=created),
    }


def round_summary(db: Database, round_id: int) -> dict[str, Any]:
    rnd = get_round(db, round_id)
    counts = dict(
        db.conn.execute(
            "SELECT coalesce(final_class, computed_class, 'chưa tính'), count(*) FROM round_household"
            " WHERE round_id = ? GROUP BY 1",
            (round_id,),
        ).fetchall()
    )
    changed = len(round_rows(db, round_id, only_changed=True))
    return {"round": rnd.__dict__, "step_label": rnd.step_label, "by_class": counts, "changed": changed}


# ------------------------------------------------------------------ B1 cards ----
def b1_card(db: Database, standard_id: str, area_type: str) -> Any:
    """The B1 card for a standard and area type (a sample card until the official one is loaded)."""
    from giamngheo_desktop.domain.scoring import parse_card

    row = db.row(
        "SELECT definition FROM scoring_card WHERE standard_id = ? AND card_type = 'B1' AND area_type = ?"
        " ORDER BY is_sample, updated_at DESC LIMIT 1",
        (standard_id, area_type),
    )
    return parse_card(json.loads(row["definition"])) if row else None


def set_b1(
    db: Database, round_id: int, household_id: int, *, answers: dict[str, str] | None = None, total: float | None = None
) -> Changes:
    """Record a household's B1 card (answers scored by the card, or the total typed directly) and recompute.

    The B1 score stands in for income only when the household has no per-capita income recorded.
    """
    from giamngheo_desktop.domain.scoring import score

    db.require(Permission.RUN_REVIEW)
    rnd = _require_open(db, round_id)
    if answers is not None:
        area = db.scalar(
            "SELECT coalesce(h.area_type, v.area_type, ?) FROM household h"
            " JOIN village v ON v.id = h.village_id WHERE h.id = ?",
            (commune_at(db, rnd["reference_date"]).area_type, household_id),
        )
        card = b1_card(db, rnd["standard_id"], area)
        if card is None:
            raise DomainError("Chưa có phiếu B1 cho chuẩn và khu vực này; hãy nhập thẳng tổng điểm B1.")
        total = score(card, answers)
    if total is None or total < 0:
        raise ValidationFailed(ValidationIssue("Điểm B1", "cần tổng điểm B1 (số không âm) hoặc các câu trả lời"))
    with db.atomic() as conn:
        conn.execute(
            "UPDATE round_household SET b1_score = ?, b1_answers = ? WHERE round_id = ? AND household_id = ?",
            (total, json.dumps(answers, ensure_ascii=False) if answers else None, round_id, household_id),
        )
        compute_round(db, round_id, household_ids=[household_id])
    return Changes(review=True)


def run_complete_round(
    db: Database, *, reference_date: str, decision_number: str, decision_date: str, agreed_share: float = 0.8
) -> Changes:
    """Open, compute, hold every village meeting, post, decide, certify and close an annual round.

    For demo communes and tests: it records what an officer would do over three months.
    """
    round_id = open_round(db, kind="annual", reference_date=reference_date).written_id
    compute_round(db, round_id)
    villages = {
        r["village_id"] for r in db.rows("SELECT village_id FROM round_household WHERE round_id = ?", (round_id,))
    }
    for village_id in sorted(v for v in villages if v is not None):
        record_meeting(db, round_id, village_id=village_id, meeting_date=reference_date, attendees=40,
                       agreed=round(40 * agreed_share), chair="Trưởng thôn", secretary="Thư ký thôn")  # fmt: skip
    posting_end = (_dt.date.fromisoformat(reference_date) + _dt.timedelta(days=3)).isoformat()
    advance(db, round_id, to_step="posting", posting_from=reference_date, posting_to=posting_end)
    advance(db, round_id, to_step="decision", decision_number=decision_number, decision_date=decision_date)
    issue_certificates(db, round_id)
    close_round(db, round_id)
    return Changes(review=True, households=True, id=round_id)


def list_cards(db: Database) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT id, standard_id, area_type, name, is_sample, definition FROM scoring_card ORDER BY standard_id, id"
    )


def save_card(db: Database, definition: dict[str, Any]) -> Changes:
    """Save an edited B1 card (validated) as a card of its own (its id is the definition's)."""
    from giamngheo_desktop.domain.scoring import parse_card

    db.require(Permission.MANAGE_SETTINGS)
    card = parse_card(definition)
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO scoring_card (id, standard_id, card_type, region, area_type, name, is_sample, definition,"
            " updated_at) VALUES (?, ?, 'B1', ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " is_sample = excluded.is_sample, definition = excluded.definition, updated_at = excluded.updated_at",
            (card.id, card.standard_id, definition.get("region", ""), card.area_type, card.name, int(card.is_sample),
             json.dumps(definition, ensure_ascii=False), clock.now_iso()),
        )  # fmt: skip
    return Changes(review=True)
