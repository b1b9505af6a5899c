"""Every report table, built from the database for a period, as one :class:`ReportData`.

The tables a commune sends up are the forms of Circular 07/2021 Phụ lục VII (Mẫu số 7.1–7.10;
7.8–7.10 as replaced by Circular 02/2022), structures per POVERTY_RULES §5.6; the national
software's tables without an official counterpart keep their own names (Biểu 11, 12, 13).

Rows are the villages (in their sort order) then the commune total; when the commune has villages
of both kinds, they are grouped "I Khu vực thành thị", "II Khu vực nông thôn" (each with its
subtotal first) and the total is "III Tổng cộng (I + II)". Every count of a total equals the sum of
its units (percentages are computed from the summed counts).

Data source: the review round of the period (a ``round:N`` period, or the latest closed round whose
reference date falls in the period). The households counted are every household of the commune at
the round's reference date (not only those the round reviewed): a reviewed household has the
round's class, another keeps the class it had (its latest earlier round, else the register). Without
a round, the register at the end of the period is used and the report says so in a note line.
Mẫu 7.2/7.3 (movement) compare two closed rounds.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from giamngheo_desktop import clock, formats
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.indicators import MemberFacts, hi_valid
from giamngheo_desktop.domain.movement import identity_holds
from giamngheo_desktop.domain.periods import Period
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.report import (
    INT,
    MONEY,
    PERCENT,
    TEXT,
    YEAR,
    HeaderSpec,
    ReportData,
    ReportRow,
    Value,
    build_headers,
    column_numbers,
)
from giamngheo_desktop.domain.vocab import effective_class
from giamngheo_desktop.services import review
from giamngheo_desktop.services.commune import commune_at
from giamngheo_desktop.storage.connection import Database

POOR, NEAR = "poor", "near_poor"
REGISTER_NOTE = (
    "Chưa có đợt rà soát đã kết thúc trong kỳ báo cáo: số liệu lấy theo sổ hộ gia đình hiện tại "
    "(phân loại hộ mới nhất)."
)
PRELIMINARY, OFFICIAL = "preliminary", "official"
STAGE_WORDS = {PRELIMINARY: "sơ bộ", OFFICIAL: "chính thức"}
UNIT = "Khu vực/Đơn vị"
SUPPORT_GROUPS = [
    ("health", "Y tế"),
    ("education", "Giáo dục"),
    ("production", "Sản xuất"),
    ("credit", "Tín dụng"),
    ("housing", "Nhà ở"),
    ("other", "Khác"),
]


# ------------------------------------------------------------------ data ----
@dataclass
class Household:
    id: int
    code: str
    village_id: int
    cls: str
    persons: int
    ethnic_minority: bool
    local_indigenous: bool
    merit: bool
    no_labour: bool
    female_head: bool
    farming: bool
    class_before: str | None = None
    movement: str | None = None
    escaped_before: bool = False
    head_ethnicity: str | None = None
    reviewed: bool = False  # reviewed in the source round


@dataclass
class Source:
    round_id: int | None
    round_name: str
    standard_id: str | None
    ref_date: date
    households: list[Household]
    notes: list[str] = field(default_factory=list)
    closed: bool = True  # the round is closed (its results are final)


@dataclass
class Context:
    db: Database
    period: Period
    commune: dict[str, Any]
    villages: list[tuple[int, str]]
    village_area: dict[int, str] = field(default_factory=dict)  # 'urban' | 'rural' per village
    stage: str | None = None  # PRELIMINARY / OFFICIAL; None = official when the round is closed
    _source: Source | None = None

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = load_source(self.db, self.period)
        return self._source

    @property
    def stage_word(self) -> str:
        """ "sơ bộ" or "chính thức" (as chosen, else by whether the source round is closed)."""
        stage = self.stage or (OFFICIAL if self.source.closed else PRELIMINARY)
        return STAGE_WORDS[stage]


def _d(text: str | None) -> date | None:
    return formats.as_date(text)


def resolve_period(db: Database, period: Period) -> Period:
    """Fill a round period's name and dates from the database."""
    if period.kind != "round":
        return period
    row = db.row("SELECT * FROM review_round WHERE id = ?", (period.round_id,))
    if row is None:
        raise NotFound(f"Không có đợt rà soát số {period.round_id}.")
    ref = _d(row["reference_date"]) or clock.today()
    end = _d(row["closed_at"]) or _d(row["decision_date"]) or ref
    return periods.with_round(period, row["name"], _d(row["opened_at"]) or ref, max(end, ref))


def closed_round_for(db: Database, period: Period) -> dict[str, Any] | None:
    if period.round_id is not None:
        return db.row("SELECT * FROM review_round WHERE id = ?", (period.round_id,))
    return db.row(
        """SELECT * FROM review_round WHERE step = 'closed' AND reference_date BETWEEN ? AND ?
           AND EXISTS (SELECT 1 FROM round_household rh WHERE rh.round_id = review_round.id)
           ORDER BY kind = 'annual' DESC, reference_date DESC, id DESC LIMIT 1""",
        (period.start.isoformat(), period.end.isoformat()),
    )


def _living_counts(db: Database) -> dict[int, int]:
    return {
        r["household_id"]: r["n"]
        for r in db.rows(
            "SELECT household_id, count(*) AS n FROM member WHERE deleted_at IS NULL AND life_status = 'living' "
            "GROUP BY household_id"
        )
    }


def _head_ethnicity(db: Database) -> dict[int, str]:
    return {
        r["id"]: r["ethnicity_code"]
        for r in db.rows(
            """SELECT h.id, COALESCE(hm.ethnicity_code,
                 (SELECT m.ethnicity_code FROM member m WHERE m.household_id = h.id AND m.deleted_at IS NULL
                  ORDER BY m.sort_order, m.id LIMIT 1)) AS ethnicity_code
               FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id"""
        )
        if r["ethnicity_code"]
    }


_FLAGS = """h.ethnic_minority, h.local_indigenous, h.has_merit_person, h.no_labour_capacity, h.female_head,
            h.is_farming, h.escaped_date, h.code"""


def _household(r: dict[str, Any], persons: int, heads: dict[int, str]) -> Household:
    return Household(
        id=r["id"],
        code=r["code"],
        village_id=r["village_id"],
        cls=r["cls"] or "not_poor",
        persons=persons,
        ethnic_minority=bool(r["ethnic_minority"]),
        local_indigenous=bool(r["local_indigenous"]),
        merit=bool(r["has_merit_person"]),
        no_labour=bool(r["no_labour_capacity"]),
        female_head=bool(r["female_head"]),
        farming=bool(r["is_farming"]),
        class_before=r.get("class_before"),
        movement=r.get("movement"),
        escaped_before=bool(r["escaped_date"]),
        head_ethnicity=heads.get(r["id"]),
    )


def round_households(db: Database, round_id: int) -> list[Household]:
    """The households the round reviewed (its computed or final classes)."""
    counts = _living_counts(db)
    heads = _head_ethnicity(db)
    rows = db.rows(
        f"""SELECT h.id, COALESCE(rh.village_id, h.village_id) AS village_id,
                   COALESCE(rh.final_class, rh.computed_class, rh.class_before) AS cls,
                   rh.member_count, rh.class_before, rh.movement, {_FLAGS}
            FROM round_household rh JOIN household h ON h.id = rh.household_id
            WHERE rh.round_id = ? AND rh.status != 'rejected'""",
        (round_id,),
    )
    out = [
        _household(r, r["member_count"] if r["member_count"] is not None else counts.get(r["id"], 0), heads)
        for r in rows
    ]
    for h in out:
        h.reviewed = True
    return out


def _existing_on(day: date) -> str:
    """SQL condition: household ``h`` existed on ``day`` (not deleted by then, not created later by a
    split or by hand — imported households count from the start)."""
    return f"""(h.deleted_at IS NULL OR substr(h.deleted_at, 1, 10) > '{day.isoformat()}')
        AND NOT EXISTS (SELECT 1 FROM household_event e WHERE e.household_id = h.id
                        AND e.event_type IN ('create', 'split_from') AND e.event_date > '{day.isoformat()}')"""


def register_households(db: Database, until: date | None = None) -> list[Household]:
    """Every household of the register on ``until`` (default today) with the register's class,
    a newly-escaped household read as not poor once its 36 months have passed."""
    day = until or clock.today()
    counts = _living_counts(db)
    heads = _head_ethnicity(db)
    rows = db.rows(
        f"SELECT h.id, h.village_id, h.poverty_class AS cls, {_FLAGS} FROM household h WHERE {_existing_on(day)}"
    )
    out = [_household(r, counts.get(r["id"], 0), heads) for r in rows]
    for h, r in zip(out, rows, strict=True):
        h.cls = effective_class(r["cls"], r["escaped_date"], min(day, clock.today()))
    return out


def households_at(db: Database, rnd: dict[str, Any]) -> list[Household]:
    """Every household of the commune at the round's reference date: the round's own households with
    its classes, the others with the class they had then (latest earlier closed round containing
    them, else the class recorded when a later round opened, else the register's)."""
    ref = _d(rnd["reference_date"]) or clock.today()
    reviewed = {h.id: h for h in round_households(db, rnd["id"])}
    before: dict[int, str] = {}
    for r in db.rows(
        """SELECT rh.household_id, COALESCE(rh.final_class, rh.computed_class) AS cls
           FROM round_household rh JOIN review_round r ON r.id = rh.round_id
           WHERE r.step = 'closed' AND r.id != ? AND r.reference_date <= ? AND rh.status != 'rejected'
           ORDER BY r.reference_date, r.id""",
        (rnd["id"], ref.isoformat()),
    ):
        if r["cls"]:
            before[r["household_id"]] = r["cls"]
    after: dict[int, str] = {}
    for r in db.rows(
        """SELECT rh.household_id, rh.class_before AS cls
           FROM round_household rh JOIN review_round r ON r.id = rh.round_id
           WHERE r.id != ? AND r.reference_date > ? AND rh.class_before IS NOT NULL
           ORDER BY r.reference_date DESC, r.id DESC""",
        (rnd["id"], ref.isoformat()),
    ):
        after[r["household_id"]] = r["cls"]  # the earliest later round wins (last written)
    out: list[Household] = []
    for h in register_households(db, ref):
        if h.id in reviewed:
            out.append(reviewed.pop(h.id))
            continue
        h.cls = effective_class(before.get(h.id) or after.get(h.id) or h.cls, None, ref)
        out.append(h)
    out += reviewed.values()  # reviewed households the register no longer has on that date
    return out


def load_source(db: Database, period: Period) -> Source:
    rnd = closed_round_for(db, period)
    if rnd is not None:
        ref = _d(rnd["reference_date"]) or period.end
        return Source(
            rnd["id"],
            rnd["name"],
            rnd["standard_id"],
            ref,
            households_at(db, rnd),
            [
                f"Số liệu theo kết quả {rnd['name']} (ngày tham chiếu {formats.dmy(ref)}); tổng số hộ dân cư là "
                "mọi hộ của địa bàn tại ngày tham chiếu, hộ không rà soát trong đợt giữ phân loại đã có."
            ],
            closed=rnd["step"] == "closed",
        )
    day = min(period.end, clock.today())
    return Source(None, "", None, day, register_households(db, day), [REGISTER_NOTE])


def _vn(d: date | None) -> str:
    return formats.dmy(d, "")


# ------------------------------------------------------------- skeleton ----
def make_context(db: Database, period: Period, stage: str | None = None) -> Context:
    commune = db.row("SELECT * FROM commune WHERE id = 1")
    if commune is None:
        raise NotFound("Chưa khai báo thông tin xã: vào Cài đặt → Thông tin xã trước khi lập báo cáo.")
    period = resolve_period(db, period)
    commune = {**commune, **commune_identity(db, period)}  # the name, code and kind in force then
    rows = db.rows(
        """SELECT id, name, area_type FROM village WHERE deleted_at IS NULL
           OR id IN (SELECT village_id FROM household WHERE deleted_at IS NULL)
           ORDER BY deleted_at IS NOT NULL, sort_order, id"""
    )
    area = {r["id"]: r["area_type"] or commune.get("area_type") or "rural" for r in rows}
    if stage is not None and stage not in STAGE_WORDS:
        raise ValidationFailed([ValidationIssue("stage", "phải là sơ bộ hoặc chính thức", value=stage)])
    return Context(db, period, commune, [(r["id"], r["name"]) for r in rows], area, stage)


def commune_identity(db: Database, period: Period) -> dict[str, str]:
    """The commune's code, name, kind and area in force at the end of ``period`` (or today, if sooner)."""
    period = resolve_period(db, period)
    at = commune_at(db, min(period.end, clock.today()))
    return {"code": at.code, "name": at.name, "kind": at.kind, "area_type": at.area_type}


def _authority(commune: dict[str, Any]) -> str:
    return f"UBND {commune['name']}".upper()


def _place(commune: dict[str, Any]) -> str:
    name: str = commune["name"]
    for prefix in ("xã ", "phường ", "đặc khu ", "Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _date_text() -> str:
    return formats.in_words(clock.today())


def _skeleton(
    ctx: Context,
    kind: str,
    code: str,
    title: str,
    specs: Sequence[HeaderSpec],
    kinds: list[str],
    widths: list[float] | None = None,
    lead: int = 2,
) -> ReportData:
    cells, depth, count = build_headers(specs)
    assert count == len(kinds), (kind, count, len(kinds))
    return ReportData(
        kind=kind,
        code=code,
        title=title,
        period_label=ctx.period.label,
        authority=_authority(ctx.commune),
        unit_name=ctx.commune["name"],
        place=_place(ctx.commune),
        headers=cells,
        header_rows=depth,
        column_kinds=kinds,
        column_numbers=column_numbers(count, lead),
        preparer=ctx.commune.get("preparer_name") or "",
        chairman=ctx.commune.get("chairman_name") or "",
        date_text=_date_text(),
        widths=widths or [0.6, 2.6] + [1.0] * (count - 2),
    )


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


Finisher = Callable[[list[int]], list[Value]]
AREA_GROUPS = (("urban", "I", "Khu vực thành thị"), ("rural", "II", "Khu vực nông thôn"))


def _add(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    return [[x + y for x, y in zip(p, q, strict=True)] for p, q in zip(a, b, strict=True)]


def _unit_rows(
    report: ReportData,
    ctx: Context,
    vectors: Callable[[int | None], list[list[int]]],
    finish: Finisher,
    labels: Sequence[str] | None = None,
) -> None:
    """The rows of every unit (one per count vector; with ``labels`` a "Phân tổ" column names them),
    grouped by urban / rural when the commune has both, then the total (sums of the units).

    ``vectors(village_id)`` gives a unit's count vectors; ``vectors(None)`` the zero vectors."""

    def emit(tt: Value, name: str, vecs: list[list[int]], kind: str) -> None:
        for i, vec in enumerate(vecs):
            head: tuple[Value, ...] = (tt, name) if i == 0 else ("", "")
            sub: tuple[Value, ...] = (labels[i],) if labels else ()
            report.rows.append(ReportRow((*head, *sub, *finish(vec)), kind))

    zero = vectors(None)
    per = {vid: vectors(vid) for vid, _ in ctx.villages}
    total = zero
    for vid, _ in ctx.villages:
        total = _add(total, per[vid])
    kinds_present = {ctx.village_area.get(vid, "rural") for vid, _ in ctx.villages}
    if kinds_present == {"urban", "rural"}:
        for area, roman, label in AREA_GROUPS:
            units = [(vid, name) for vid, name in ctx.villages if ctx.village_area.get(vid, "rural") == area]
            sub = zero
            for vid, _ in units:
                sub = _add(sub, per[vid])
            emit(roman, label, sub, "subtotal")
            for n, (vid, name) in enumerate(units, start=1):
                emit(n, name, per[vid], "unit")
        emit("III", "Tổng cộng (I + II)", total, "total")
        return
    for n, (vid, name) in enumerate(ctx.villages, start=1):
        emit(n, name, per[vid], "unit")
    emit("", f"Tổng cộng {ctx.commune['name']}", total, "total")


def _by_village(households: Sequence[Household]) -> dict[int, list[Household]]:
    out: dict[int, list[Household]] = defaultdict(list)
    for h in households:
        out[h.village_id].append(h)
    return out


def _village_rows(
    report: ReportData,
    ctx: Context,
    households: Sequence[Household],
    counts: Callable[[list[Household]], list[int]],
    finish: Finisher,
) -> None:
    """One row per village (grouped by area when needed) then the commune total."""
    groups = _by_village(households)
    _unit_rows(report, ctx, lambda vid: [counts([] if vid is None else groups.get(vid, []))], finish)


def _two_row_units(
    report: ReportData, ctx: Context, per_village: dict[int, tuple[list[int], list[int]]], finish: Finisher, width: int
) -> None:
    """Two rows per unit ("Hộ", "Nhân khẩu") then the total's two rows."""

    def vectors(vid: int | None) -> list[list[int]]:
        hh, pp = per_village.get(vid, ([0] * width, [0] * width)) if vid is not None else ([0] * width, [0] * width)
        return [list(hh), list(pp)]

    _unit_rows(report, ctx, vectors, finish, ["Hộ", "Nhân khẩu"])


# ---------------------------------------------------------------- Mẫu 7.1 ----
FORM_NOTE = "Theo Mẫu số {n}, Phụ lục VII Thông tư số 07/2021/TT-BLĐTBXH{amended}."
BIEU1_TITLE = "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO"
BIEU1_KINDS = [TEXT, TEXT, INT, INT] + [INT, PERCENT] * 4


def _form_note(number: str) -> str:
    amended = " (thay thế theo Thông tư số 02/2022/TT-BLĐTBXH)" if number in ("7.8", "7.9", "7.10") else ""
    return FORM_NOTE.format(n=number, amended=amended)


def bieu1_specs(unit: str = UNIT, stage_word: str = "sơ bộ/chính thức") -> list[HeaderSpec]:
    """Mẫu 7.1: columns 1–2 all households and persons of the unit, then the review's results."""
    return [
        "TT",
        unit,
        ("Tổng số hộ dân cư (tại thời điểm rà soát)", ["Số hộ", "Nhân khẩu"]),
        (
            f"Kết quả rà soát ({stage_word})",
            [
                ("Hộ nghèo", ["Số hộ", "Tỷ lệ (%)", "Nhân khẩu", "Tỷ lệ (%)"]),
                ("Hộ cận nghèo", ["Số hộ", "Tỷ lệ (%)", "Nhân khẩu", "Tỷ lệ (%)"]),
            ],
        ),
    ]


def bieu1_counts(hs: Sequence[Household]) -> list[int]:
    """Households, persons, poor, near-poor, average-living farming households, then their persons
    (the upload package's summary keeps this shape)."""
    avg = [h for h in hs if h.cls == "average" and h.farming]
    poor = [h for h in hs if h.cls == POOR]
    near = [h for h in hs if h.cls == NEAR]
    return [
        len(hs),
        sum(h.persons for h in hs),
        len(poor),
        len(near),
        len(avg),
        sum(h.persons for h in poor),
        sum(h.persons for h in near),
        sum(h.persons for h in avg),
    ]


def bieu1_values(c: Sequence[int]) -> list[Value]:
    """Columns 1–10 of Mẫu 7.1 from :func:`bieu1_counts` (rates against all households / persons)."""
    hh, pp = c[0], c[1]
    return [
        hh, pp, c[2], _pct(c[2], hh), c[5], _pct(c[5], pp), c[3], _pct(c[3], hh), c[6], _pct(c[6], pp),
    ]  # fmt: skip


def bieu1(ctx: Context) -> ReportData:
    word = ctx.stage_word
    r = _skeleton(
        ctx, "bieu1", "Mẫu số 7.1", f"{BIEU1_TITLE} ({word.upper()})", bieu1_specs(stage_word=word), BIEU1_KINDS
    )
    _village_rows(r, ctx, ctx.source.households, lambda hs: bieu1_counts(hs), bieu1_values)
    r.notes += [
        _form_note("7.1"),
        *ctx.source.notes,
        "Cột 4 = 3/1 × 100; cột 6 = 5/2 × 100; cột 8 = 7/1 × 100; cột 10 = 9/2 × 100.",
    ]
    return r


def average_living(ctx: Context) -> ReportData:
    """The national software's addition to Biểu 1: average-living farming households (§5.6)."""
    specs: list[HeaderSpec] = [
        "TT",
        UNIT,
        ("Tổng số hộ dân cư", ["Số hộ", "Nhân khẩu"]),
        ("Hộ làm NLNDN có mức sống trung bình", ["Số hộ", "Tỷ lệ (%)", "Nhân khẩu", "Tỷ lệ (%)"]),
    ]
    r = _skeleton(
        ctx,
        "average_living",
        "Biểu 1b",
        "TỔNG HỢP HỘ LÀM NÔNG NGHIỆP, LÂM NGHIỆP, NGƯ NGHIỆP VÀ DIÊM NGHIỆP CÓ MỨC SỐNG TRUNG BÌNH",
        specs,
        [TEXT, TEXT, INT, INT, INT, PERCENT, INT, PERCENT],
    )

    def finish(c: list[int]) -> list[Value]:
        return [c[0], c[1], c[4], _pct(c[4], c[0]), c[7], _pct(c[7], c[1])]

    _village_rows(r, ctx, ctx.source.households, lambda hs: bieu1_counts(hs), finish)
    r.notes += ["Biểu của phần mềm quốc gia (Biểu 1, phần hộ có mức sống trung bình).", *ctx.source.notes]
    return r


# ------------------------------------------------------------ Mẫu 7.2 / 7.3 ----
MOVE_COLS = 9


def movement_per_village(
    db: Database, start_round: int, end_round: int, target: str
) -> dict[int, tuple[list[int], list[int]]]:
    """Columns 1–9 (households, persons) per village of Biểu 2 / 3 between two closed rounds, from
    ``review.movement_between`` (the one implementation of the movement rule)."""
    counts = review.movement_between(db, start_round, end_round)[target]
    return {vid: c.rows() for vid, c in counts.items() if vid is not None}


def _previous_round(db: Database, round_id: int) -> dict[str, Any] | None:
    return db.row(
        """SELECT * FROM review_round WHERE step = 'closed' AND id != ?
             AND reference_date <= (SELECT reference_date FROM review_round WHERE id = ?)
             AND kind = (SELECT kind FROM review_round WHERE id = ?)
           ORDER BY reference_date DESC, id DESC LIMIT 1""",
        (round_id, round_id, round_id),
    )


def _movement_specs(target: str) -> list[HeaderSpec]:
    """Mẫu 7.2 (poor) / 7.3 (near-poor) column headers (§5.6)."""
    if target == POOR:
        decrease: list[HeaderSpec] = [
            ("Số hộ thoát nghèo", ["Trở thành hộ cận nghèo", "Vượt chuẩn cận nghèo"]),
            "Nguyên nhân: thay đổi nhân khẩu, hộ nghèo đơn thân chết đi, chuyển đi nơi khác, tách, nhập với hộ khác,…",
        ]
        increase: list[HeaderSpec] = [
            "Số hộ cận nghèo trở thành hộ nghèo",
            (
                "Số hộ ngoài danh sách hộ nghèo, hộ cận nghèo gặp khó khăn đột xuất trong năm",
                ["Tái nghèo", "Phát sinh mới"],
            ),
            "Nguyên nhân: thay đổi nhân khẩu, chuyển đến, tách, nhập với hộ khác,…",
        ]
        name = "hộ nghèo"
    else:
        decrease = [
            "Số hộ thoát cận nghèo",
            "Số hộ cận nghèo trở thành hộ nghèo",
            "Nguyên nhân: thay đổi nhân khẩu, hộ cận nghèo đơn thân chết đi, chuyển đi nơi khác, tách, nhập với "
            "hộ khác,…",
        ]
        increase = [
            "Số hộ nghèo trở thành hộ cận nghèo",
            ("Số hộ bổ sung", ["Tái cận nghèo", "Phát sinh mới"]),
            "Nguyên nhân: thay đổi nhân khẩu, chuyển đến, tách, nhập với hộ khác,…",
        ]
        name = "hộ cận nghèo"
    return [
        "TT",
        "Khu vực/Địa bàn",
        "Phân tổ",
        f"Tổng số {name} đầu năm (theo Quyết định phê duyệt của cấp có thẩm quyền)",
        (f"Diễn biến giảm số {name}", decrease),
        (f"Diễn biến tăng số {name}", increase),
        f"Tổng số {name} cuối năm (theo Quyết định phê duyệt của cấp có thẩm quyền)",
    ]


def _movement(ctx: Context, target: str) -> ReportData:
    poor = target == POOR
    name = "hộ nghèo" if poor else "hộ cận nghèo"
    kinds = [TEXT, TEXT, TEXT] + [INT] * MOVE_COLS
    r = _skeleton(
        ctx,
        "bieu2" if poor else "bieu3",
        "Mẫu số 7.2" if poor else "Mẫu số 7.3",
        f"TỔNG HỢP DIỄN BIẾN {name.upper()}",
        _movement_specs(target),
        kinds,
        [0.45, 1.6, 0.9, 1.3, 1.0, 1.0, 1.5, 1.0, 1.0, 1.0, 1.5, 1.3],
        lead=3,
    )
    r.column_numbers[-1] = "9 = 1 - 2 - 3 - 4 + 5 + 6 + 7 + 8"
    r.notes.append(_form_note("7.2" if poor else "7.3"))
    if not poor:
        r.notes.append("Mẫu 7.3 theo bố cục của phần mềm quốc gia; lời văn cột 1, 9 và nhóm cột 6–7 suy theo Mẫu 7.2.")
    src = ctx.source
    prev = _previous_round(ctx.db, src.round_id) if src.round_id is not None else None
    if src.round_id is not None and prev is not None:
        per_village = movement_per_village(ctx.db, prev["id"], src.round_id, target)
        r.notes.append(f"Đầu năm: {prev['name']}; cuối năm: {src.round_name}.")
    else:
        per_village = {}
        for h in src.households:
            if h.cls == target:
                cell = per_village.setdefault(h.village_id, ([0] * MOVE_COLS, [0] * MOVE_COLS))
                for col in (0, 8):
                    cell[0][col] += 1
                    cell[1][col] += h.persons
        r.notes.append(
            "Chưa có hai đợt rà soát đã kết thúc để so sánh: đầu năm lấy bằng cuối năm theo "
            + ("sổ hộ hiện tại." if src.round_id is None else f"{src.round_name}.")
        )
    _two_row_units(r, ctx, per_village, lambda c: list(c), MOVE_COLS)
    bad = [row for row in r.rows if not identity_holds([int(v or 0) for v in row.values[3:]])]
    if bad:
        raise ValidationFailed(
            [ValidationIssue("movement", "Số liệu diễn biến không khớp: cột 9 khác 1 - 2 - 3 - 4 + 5 + 6 + 7 + 8.")]
        )
    r.checks.append("Đã kiểm tra: cột 9 = 1 - 2 - 3 - 4 + 5 + 6 + 7 + 8 ở mọi dòng.")
    r.notes.append("Cột 9 = 1 - 2 - 3 - 4 + 5 + 6 + 7 + 8 (đã kiểm tra ở mọi dòng).")
    return r


def bieu2(ctx: Context) -> ReportData:
    return _movement(ctx, POOR)


def bieu3(ctx: Context) -> ReportData:
    return _movement(ctx, NEAR)


# ------------------------------------------------------------ Mẫu 7.4 – 7.7 ----
def indicators_of(db: Database, standard_id: str | None, round_id: int | None) -> list[tuple[str, str]]:
    """(code, short name) of the standard's indicators in the standard's order (``definition`` JSON)."""
    out: list[tuple[str, str]] = []
    if standard_id:
        text = db.scalar("SELECT definition FROM poverty_standard WHERE id = ?", (standard_id,))
        try:
            definition = json.loads(text) if text else {}
        except ValueError:
            definition = {}
        items: list[Any] = list(definition.get("indicators") or [])
        for dim in definition.get("dimensions") or []:
            if isinstance(dim, dict):
                items += dim.get("indicators") or []
        for it in items:
            if isinstance(it, dict) and it.get("code"):
                out.append((str(it["code"]), str(it.get("short_name") or it.get("name") or it["code"])))
    if not out and round_id is not None:
        out = [
            (r["c"], r["c"])
            for r in db.rows(
                "SELECT DISTINCT indicator_code AS c FROM round_indicator WHERE round_id = ? ORDER BY 1", (round_id,)
            )
        ]
    return out


DEPRIVATION_FORMS = {(POOR, False): "7.4", (POOR, True): "7.5", (NEAR, False): "7.6", (NEAR, True): "7.7"}


def _deprivation(ctx: Context, target: str, percent: bool) -> ReportData:
    """Mẫu 7.4 / 7.6 (households deprived in each indicator) and 7.5 / 7.7 (the same as a rate of the
    poor / near-poor households): column C the poor (near-poor) total, columns 1–12 the indicators."""
    src = ctx.source
    inds = indicators_of(ctx.db, src.standard_id, src.round_id)
    name = "hộ nghèo" if target == POOR else "hộ cận nghèo"
    number = DEPRIVATION_FORMS[(target, percent)]
    labels = [n for _, n in inds] or ["(chưa có chỉ số)"]
    group = (
        f"Tỷ lệ chỉ số thiếu hụt dịch vụ xã hội cơ bản của {name} (so với tổng số {name}, %)"
        if percent
        else f"Chỉ số thiếu hụt dịch vụ xã hội cơ bản của {name}"
    )
    specs: list[HeaderSpec] = ["TT", UNIT, f"Tổng số {name}", (group, labels)]
    kinds = [TEXT, TEXT, INT] + [PERCENT if percent else INT] * len(labels)
    title = ("PHÂN TÍCH TỶ LỆ CÁC CHỈ SỐ" if percent else "PHÂN TÍCH CÁC CHỈ SỐ") + (
        f" THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA {name.upper()}"
    )
    r = _skeleton(
        ctx,
        {"7.4": "bieu4", "7.5": "bieu5", "7.6": "bieu6", "7.7": "bieu7"}[number],
        f"Mẫu số {number}",
        title,
        specs,
        kinds,
        [0.5, 2.0, 1.0] + [0.9] * len(labels),
        lead=3,
    )
    deprived: dict[int, set[str]] = defaultdict(set)
    if src.round_id is not None:
        for row in ctx.db.rows(
            "SELECT household_id, indicator_code FROM round_indicator WHERE round_id = ? AND deprived = 1",
            (src.round_id,),
        ):
            deprived[row["household_id"]].add(row["indicator_code"])
    codes = [c for c, _ in inds] or [""]

    def counts(hs: list[Household]) -> list[int]:
        mine = [h for h in hs if h.cls == target]
        return [len(mine)] + [sum(1 for h in mine if c in deprived[h.id]) for c in codes]

    def finish(c: list[int]) -> list[Value]:
        if not percent:
            return list(c)
        return [c[0]] + [_pct(x, c[0]) for x in c[1:]]

    _village_rows(r, ctx, src.households, counts, finish)
    r.notes.append(_form_note(number))
    if src.round_id is None:
        r.notes.append("Chưa có đợt rà soát đã kết thúc: chưa có số liệu thiếu hụt theo chỉ số.")
    r.notes += src.notes
    if inds:
        r.notes.append(
            "Chỉ số theo thứ tự của chuẩn nghèo "
            + (src.standard_id or "")
            + ": "
            + "; ".join(f"{i}: {n}" for i, (_, n) in enumerate(inds, start=1))
            + "."
        )
    if percent:
        r.notes.append(f"Tỷ lệ = số {name} thiếu hụt chỉ số ÷ tổng số {name} (cột C) × 100.")
    else:
        r.notes.append("Không có cột «Tổng số thiếu hụt» (chỉ phần mềm quốc gia có cột này; mẫu chính thức chưa rõ).")
    return r


def bieu4(ctx: Context) -> ReportData:
    return _deprivation(ctx, POOR, False)


def bieu5(ctx: Context) -> ReportData:
    return _deprivation(ctx, POOR, True)


def bieu6(ctx: Context) -> ReportData:
    return _deprivation(ctx, NEAR, False)


def bieu7(ctx: Context) -> ReportData:
    return _deprivation(ctx, NEAR, True)


# ---------------------------------------------------------------- Mẫu 7.8 ----
def bieu8(ctx: Context) -> ReportData:
    groups = ["Tổng số", "Hộ dân tộc thiểu số", "Hộ không có khả năng lao động", "Hộ có người có công", "Hộ khác"]
    specs: list[HeaderSpec] = ["TT", UNIT, "Phân tổ", ("Hộ nghèo", groups), ("Hộ cận nghèo", groups)]
    kinds = [TEXT, TEXT, TEXT] + [INT] * 10
    r = _skeleton(
        ctx,
        "bieu8",
        "Mẫu số 7.8",
        "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NHÓM ĐỐI TƯỢNG",
        specs,
        kinds,
        [0.5, 2.2, 1.0] + [1.0] * 10,
        lead=3,
    )
    per: dict[int, tuple[list[int], list[int]]] = {}
    for h in ctx.source.households:
        if h.cls not in (POOR, NEAR):
            continue
        cell = per.setdefault(h.village_id, ([0] * 10, [0] * 10))
        base = 0 if h.cls == POOR else 5
        flags = [True, h.ethnic_minority, h.no_labour, h.merit, not (h.ethnic_minority or h.no_labour or h.merit)]
        for i, on in enumerate(flags):
            if on:
                cell[0][base + i] += 1
                cell[1][base + i] += h.persons
    _two_row_units(r, ctx, per, lambda c: list(c), 10)
    r.notes += [
        _form_note("7.8"),
        "Các cột của Mẫu 7.8 theo Biểu 8 của phần mềm quốc gia (mẫu chính thức chưa đối chiếu được).",
        *ctx.source.notes,
        "Một hộ có thể thuộc nhiều nhóm; «Hộ khác» là hộ không thuộc nhóm nào ở trên.",
    ]
    return r


# ---------------------------------------------------------------- Mẫu 7.9 ----
def _code_names(db: Database, list_name: str) -> dict[str, tuple[str, dict[str, Any]]]:
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for row in db.rows(
        "SELECT code, name, extra FROM code_list WHERE list_name = ? ORDER BY sort_order, code", (list_name,)
    ):
        try:
            extra = json.loads(row["extra"] or "{}")
        except ValueError:
            extra = {}
        out.setdefault(row["code"], (row["name"], extra))
    return out


ETHNIC_COLUMNS = 5  # minority groups with their own column (the most frequent; the rest go to "Khác")


def bieu9(ctx: Context) -> ReportData:
    """Mẫu 7.9: per class, 1 total, 2 ethnic minorities (= 1 − 3), 3 Kinh, then the commune's most
    frequent minority groups and "Khác" (together = column 2)."""
    names = _code_names(ctx.db, "ethnicity")
    kinh = {c for c, (n, _) in names.items() if n == "Kinh"} or {"01"}
    minority = Counter(
        h.head_ethnicity
        for h in ctx.source.households
        if h.cls in (POOR, NEAR) and h.head_ethnicity and h.head_ethnicity not in kinh
    )
    top = [c for c, _ in minority.most_common(ETHNIC_COLUMNS)]
    width = 3 + len(top) + 1
    specs: list[HeaderSpec] = ["TT", UNIT]
    numbers = ["A", "B"]
    for name in ("hộ nghèo", "hộ cận nghèo"):
        first = len(numbers) - 1
        specs += [
            f"Tổng số {name}",
            (
                f"Chia theo dân tộc của chủ hộ ({name})",
                ["Dân tộc thiểu số (trừ dân tộc Kinh)", "Kinh"] + [names.get(c, (c, {}))[0] for c in top] + ["Khác"],
            ),
        ]
        numbers += [str(first), f"{first + 1} = {first} - {first + 2}"] + [str(first + i) for i in range(2, width)]
    r = _skeleton(
        ctx,
        "bieu9",
        "Mẫu số 7.9",
        "PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC",
        specs,
        [TEXT, TEXT] + [INT] * (2 * width),
        [0.5, 1.8] + [0.85] * (2 * width),
    )
    r.column_numbers = numbers

    def counts(hs: list[Household]) -> list[int]:
        out: list[int] = []
        for target in (POOR, NEAR):
            mine = [h for h in hs if h.cls == target]
            is_kinh = [
                h for h in mine if (h.head_ethnicity in kinh) or (not h.head_ethnicity and not h.ethnic_minority)
            ]
            dt = [h for h in mine if h not in is_kinh]
            out += [len(mine), len(dt), len(is_kinh)] + [sum(1 for h in dt if h.head_ethnicity == c) for c in top]
            out.append(sum(1 for h in dt if h.head_ethnicity not in top))
        return out

    _village_rows(r, ctx, ctx.source.households, counts, lambda c: list(c))
    r.notes += [
        _form_note("7.9"),
        *ctx.source.notes,
        "Dân tộc của hộ là dân tộc của chủ hộ; các dân tộc có cột riêng là những dân tộc có nhiều hộ nhất của xã.",
    ]
    return r


# --------------------------------------------------------------- Mẫu 7.10 ----
def bieu10(ctx: Context) -> ReportData:
    """Mẫu 7.10: the causes (official wordings, columns 1–8); every unit, area group and the total
    split into "Hộ nghèo" and "Hộ cận nghèo" rows."""
    causes = _code_names(ctx.db, "poverty_cause")
    codes = list(causes)
    labels = [str(causes[c][1].get("form_label") or causes[c][0]) for c in codes]
    specs: list[HeaderSpec] = ["TT", UNIT, "Phân tổ", ("Nguyên nhân nghèo, cận nghèo", labels)]
    r = _skeleton(
        ctx,
        "bieu10",
        "Mẫu số 7.10",
        "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NGUYÊN NHÂN NGHÈO",
        specs,
        [TEXT, TEXT, TEXT] + [INT] * len(codes),
        [0.5, 2.0, 1.2] + [1.0] * len(codes),
        lead=3,
    )
    has: dict[int, set[str]] = defaultdict(set)
    for row in ctx.db.rows("SELECT household_id, cause_code FROM household_cause"):
        has[row["household_id"]].add(row["cause_code"])
    groups = _by_village(ctx.source.households)

    def vectors(vid: int | None) -> list[list[int]]:
        hs = [] if vid is None else groups.get(vid, [])
        return [[sum(1 for h in hs if h.cls == target and c in has[h.id]) for c in codes] for target in (POOR, NEAR)]

    _unit_rows(r, ctx, vectors, lambda c: list(c), ["Hộ nghèo", "Hộ cận nghèo"])
    r.notes += [
        _form_note("7.10"),
        *ctx.source.notes,
        "Một hộ có thể có nhiều nguyên nhân nghèo. Mỗi đơn vị tách hai dòng hộ nghèo, hộ cận nghèo "
        "(bản mẫu tham khảo chỉ cho thấy cách tách ở các dòng nhóm và tổng cộng).",
    ]
    return r


# --------------------------------------------------------------- Biểu 11 ----
CHILD_AGE = 16


def bieu11(ctx: Context) -> ReportData:
    """Children (under 16 on the reference date, by date of birth) of poor / near-poor households and
    their health (health insurance as in the classification, nutrition) and education deprivations."""
    group = ["Số trẻ em", "Thiếu hụt y tế (BHYT, dinh dưỡng)", "Thiếu hụt giáo dục (đi học)"]
    specs: list[HeaderSpec] = ["TT", UNIT, ("Trẻ em thuộc hộ nghèo", group), ("Trẻ em thuộc hộ cận nghèo", group)]
    r = _skeleton(
        ctx,
        "bieu11",
        "Biểu 11",
        "TỔNG HỢP CHỈ TIÊU THIẾU HỤT CỦA TRẺ EM THUỘC HỘ NGHÈO, HỘ CẬN NGHÈO",
        specs,
        [TEXT, TEXT] + [INT] * 6,
    )
    ref = ctx.source.ref_date
    nutrition_bad = {c for c, (_, x) in _code_names(ctx.db, "nutrition").items() if x.get("deprived")}
    in_school = {c for c, (_, x) in _code_names(ctx.db, "schooling").items() if x.get("in_school")}
    kids: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for m in ctx.db.rows(
        """SELECT id, household_id, full_name, birth_date, birth_year, sex, hi_card_number, hi_valid_from,
                  hi_valid_to, nutrition, schooling FROM member
           WHERE deleted_at IS NULL AND life_status = 'living' AND birth_year IS NOT NULL AND birth_year >= ?""",
        (ref.year - CHILD_AGE - 1,),
    ):
        facts = MemberFacts(
            id=m["id"],
            name=m["full_name"],
            birth_date=_d(m["birth_date"]),
            birth_year=m["birth_year"],
            sex=m["sex"],
            hi_card=bool(m["hi_card_number"]),
            hi_valid_from=_d(m["hi_valid_from"]),
            hi_valid_to=_d(m["hi_valid_to"]),
        )
        age = facts.age(ref)
        if age is None or age < 0 or age >= CHILD_AGE:
            continue
        k = kids[m["household_id"]]
        k[0] += 1
        if (age >= 6 and not hi_valid(facts, ref)) or m["nutrition"] in nutrition_bad:
            k[1] += 1
        if 3 <= age < CHILD_AGE and m["schooling"] not in in_school:
            k[2] += 1

    def counts(hs: list[Household]) -> list[int]:
        out: list[int] = []
        for target in (POOR, NEAR):
            tot = [0, 0, 0]
            for h in hs:
                if h.cls == target and h.id in kids:
                    tot = [a + b for a, b in zip(tot, kids[h.id], strict=False)]
            out += tot
        return out

    _village_rows(r, ctx, ctx.source.households, counts, lambda c: list(c))
    r.notes += [
        "Biểu của phần mềm quốc gia (không có mẫu tương ứng trong Thông tư 07/2021).",
        *ctx.source.notes,
        f"Trẻ em: dưới 16 tuổi tại ngày {formats.dmy(ref)} (theo ngày sinh; chỉ có năm sinh thì theo năm). "
        "Thiếu hụt y tế: từ 6 tuổi không có thẻ BHYT còn hạn tại ngày đó (ngày bắt đầu và ngày hết hạn của thẻ), "
        "hoặc suy dinh dưỡng; thiếu hụt giáo dục: từ 3 đến dưới 16 tuổi không đi học.",
    ]
    return r


# ----------------------------------------------------------- Biểu 12 / 13 ----
def _bieu12(ctx: Context, target: str) -> ReportData:
    name = "hộ nghèo" if target == POOR else "hộ cận nghèo"
    split = ["Tổng số", "Kinh", "DTTS", "DTTC"]
    specs: list[HeaderSpec] = [
        "TT",
        UNIT,
        ("Tổng số hộ", split),
        ("Tổng số nhân khẩu", split),
        (f"Số {name}", split),
        (f"Nhân khẩu {name}", split),
        (f"Trong đó {name}", ["Có người có công", "Không có khả năng lao động", "Chủ hộ là nữ"]),
    ]
    number = 12 if target == POOR else 13
    r = _skeleton(
        ctx,
        f"bieu{number}",
        f"Biểu {number}",
        f"TỔNG HỢP KẾT QUẢ RÀ SOÁT {name.upper()} THEO CHUẨN NGHÈO ĐA CHIỀU",
        specs,
        [TEXT, TEXT] + [INT] * 19,
        [0.5, 1.8] + [0.8] * 19,
    )

    def four(hs: list[Household], persons: bool) -> list[int]:
        def v(h: Household) -> int:
            return h.persons if persons else 1

        return [
            sum(v(h) for h in hs),
            sum(v(h) for h in hs if not h.ethnic_minority),
            sum(v(h) for h in hs if h.ethnic_minority),
            sum(v(h) for h in hs if h.local_indigenous),
        ]

    def counts(hs: list[Household]) -> list[int]:
        mine = [h for h in hs if h.cls == target]
        return (
            four(hs, False)
            + four(hs, True)
            + four(mine, False)
            + four(mine, True)
            + [
                sum(1 for h in mine if h.merit),
                sum(1 for h in mine if h.no_labour),
                sum(1 for h in mine if h.female_head),
            ]
        )

    _village_rows(r, ctx, ctx.source.households, counts, lambda c: list(c))
    r.notes += [
        "Biểu của phần mềm quốc gia (không có mẫu tương ứng trong Thông tư 07/2021).",
        *ctx.source.notes,
        "DTTS: hộ dân tộc thiểu số; DTTC: hộ dân tộc thiểu số tại chỗ.",
    ]
    return r


def bieu12(ctx: Context) -> ReportData:
    return _bieu12(ctx, POOR)


def bieu13(ctx: Context) -> ReportData:
    return _bieu12(ctx, NEAR)


# ---------------------------------------------------------- detailed list ----
def _support_groups(ctx: Context) -> dict[int, set[str]]:
    types = {c: x.get("group", "other") for c, (_, x) in _code_names(ctx.db, "support_type").items()}
    out: dict[int, set[str]] = defaultdict(set)
    for row in ctx.db.rows(
        "SELECT household_id, type_code FROM support_record WHERE deleted_at IS NULL AND support_date BETWEEN ? AND ?",
        (ctx.period.start.isoformat(), ctx.period.end.isoformat()),
    ):
        out[row["household_id"]].add(types.get(row["type_code"], "other"))
    return out


def _detail_list(ctx: Context, target: str) -> ReportData:
    name = "HỘ NGHÈO" if target == POOR else "HỘ CẬN NGHÈO"
    specs: list[HeaderSpec] = [
        "TT hộ",
        "Họ và tên",
        "TT người",
        "Mã hộ",
        ("Năm sinh", ["Nam", "Nữ"]),
        "Dân tộc",
        "Quan hệ với chủ hộ",
        ("Tình trạng", ["Mới", "Tái", "Cũ"]),
        ("Đặc điểm hộ", ["Người có công", "DTTC", "Không có khả năng LĐ"]),
        ("Chính sách đã được hỗ trợ trong kỳ", [label for _, label in SUPPORT_GROUPS]),
    ]
    kinds = [TEXT] * 4 + [YEAR, YEAR] + [TEXT] * 2 + [TEXT] * 12
    widths = [0.6, 3.0, 0.75, 1.3, 0.8, 0.8, 1.0, 1.3] + [0.6] * 3 + [0.9] * 3 + [0.8] * 6
    r = _skeleton(
        ctx,
        "list_poor" if target == POOR else "list_near_poor",
        "DS " + name.lower(),
        f"DANH SÁCH CHI TIẾT {name}",
        specs,
        kinds,
        widths,
    )
    r.column_numbers = ["A", "B", "C", "D"] + [str(i) for i in range(1, len(kinds) - 3)]
    # ethnicity names in each member's own code system (the 1979 list and the GSO list share codes)
    eth = {
        (r["code_system"], r["code"]): r["name"]
        for r in ctx.db.rows("SELECT code_system, code, name FROM code_list WHERE list_name = 'ethnicity'")
    }
    rel = {c: n for c, (n, _) in _code_names(ctx.db, "relationship").items()}
    sup = _support_groups(ctx)
    mine = {h.id: h for h in ctx.source.households if h.cls == target}
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in ctx.db.rows(
        """SELECT household_id, full_name, birth_year, sex, ethnicity_system, ethnicity_code, relationship_code
           FROM member WHERE deleted_at IS NULL AND life_status = 'living' ORDER BY household_id, sort_order, id"""
    ):
        if m["household_id"] in mine:
            members[m["household_id"]].append(m)
    n_hh = n_pp = 0
    joined = _joined_by_composition(ctx)
    for vid, vname in ctx.villages:
        hs = sorted((h for h in mine.values() if h.village_id == vid), key=lambda h: h.code)
        if not hs:
            continue
        r.rows.append(ReportRow(("", vname) + ("",) * (len(kinds) - 2), "section"))
        for h in hs:
            n_hh += 1
            if h.class_before == target or h.id in joined:  # a split-off household is not "Mới" (7.2 column 8)
                status = ("", "", "x")
            elif h.movement in ("re_poor", "re_near_poor") or h.escaped_before:
                status = ("", "x", "")
            elif ctx.source.round_id is not None:
                status = ("x", "", "")
            else:
                status = ("", "", "")
            flags = tuple("x" if f else "" for f in (h.merit, h.local_indigenous, h.no_labour))
            ticks = tuple("x" if g in sup.get(h.id, set()) else "" for g, _ in SUPPORT_GROUPS)
            for i, m in enumerate(members.get(h.id, []), start=1):
                n_pp += 1
                male = m["birth_year"] if m["sex"] == "M" else None
                female = m["birth_year"] if m["sex"] == "F" else None
                hh_cols = status + flags + ticks if i == 1 else ("",) * 12
                r.rows.append(
                    ReportRow(
                        (
                            n_hh if i == 1 else "",
                            m["full_name"],
                            i,
                            h.code if i == 1 else "",
                            male,
                            female,
                            eth.get((m["ethnicity_system"], m["ethnicity_code"]), m["ethnicity_code"] or ""),
                            rel.get(m["relationship_code"] or "", ""),
                            *hh_cols,
                        ),
                        "detail",
                    )
                )
    r.rows.append(ReportRow(("", f"Tổng cộng: {n_hh} hộ, {n_pp} nhân khẩu") + ("",) * (len(kinds) - 2), "total"))
    r.notes += ctx.source.notes
    return r


def _joined_by_composition(ctx: Context) -> set[int]:
    """Households that came into being during the period by a split, by hand or by members moving in
    (Mẫu 7.2 / 7.3 column 8, "other increase"), as ``services.review.movement_between`` counts them."""
    src = ctx.source
    prev = _previous_round(ctx.db, src.round_id) if src.round_id is not None else None
    since = (_d(prev["reference_date"]) if prev else None) or ctx.period.start
    return {
        r["household_id"]
        for r in ctx.db.rows(
            "SELECT household_id FROM household_event WHERE event_type IN ('split_from', 'create', 'member_move_in')"
            " AND event_date > ? AND event_date <= ?",
            (since.isoformat(), src.ref_date.isoformat()),
        )
    }


def list_poor(ctx: Context) -> ReportData:
    return _detail_list(ctx, POOR)


def list_near_poor(ctx: Context) -> ReportData:
    return _detail_list(ctx, NEAR)


# ------------------------------------------------------- support summary ----
def supports(ctx: Context) -> ReportData:
    specs: list[HeaderSpec] = ["TT", "Thôn", "Số hộ được hỗ trợ", "Số lượt", "Tổng số tiền (đồng)"] + [
        (label, ["Số lượt", "Số tiền (đồng)"]) for _, label in SUPPORT_GROUPS
    ]
    kinds = [TEXT, TEXT, INT, INT, MONEY] + [INT, MONEY] * len(SUPPORT_GROUPS)
    r = _skeleton(
        ctx,
        "supports",
        "Biểu hỗ trợ",
        "TỔNG HỢP KẾT QUẢ THỰC HIỆN CHÍNH SÁCH HỖ TRỢ",
        specs,
        kinds,
        [0.5, 1.8, 0.9, 0.8, 1.4] + [0.8, 1.3] * len(SUPPORT_GROUPS),
    )
    types = {c: x.get("group", "other") for c, (_, x) in _code_names(ctx.db, "support_type").items()}
    order = [g for g, _ in SUPPORT_GROUPS]
    per: dict[int, list[int]] = {}
    seen: dict[int, set[int]] = defaultdict(set)
    for row in ctx.db.rows(
        """SELECT h.village_id, s.household_id, s.type_code, s.amount FROM support_record s
           JOIN household h ON h.id = s.household_id
           WHERE s.deleted_at IS NULL AND s.support_date BETWEEN ? AND ?""",
        (ctx.period.start.isoformat(), ctx.period.end.isoformat()),
    ):
        c = per.setdefault(row["village_id"], [0] * (3 + 2 * len(order)))
        seen[row["village_id"]].add(row["household_id"])
        g = (
            order.index(types.get(row["type_code"], "other"))
            if types.get(row["type_code"]) in order
            else len(order) - 1
        )
        c[1] += 1
        c[2] += row["amount"] or 0
        c[3 + 2 * g] += 1
        c[4 + 2 * g] += row["amount"] or 0
    for vid, hs in seen.items():
        per[vid][0] = len(hs)

    rows_by_village = {vid: per.get(vid, [0] * (3 + 2 * len(order))) for vid, _ in ctx.villages}
    fake = [Household(vid, "", vid, "", 0, False, False, False, False, False, False) for vid in rows_by_village]
    _village_rows(
        r,
        ctx,
        fake,
        lambda hs: list(rows_by_village[hs[0].id]) if hs else [0] * (3 + 2 * len(order)),
        lambda c: list(c),
    )
    r.notes.append(f"Hỗ trợ ghi nhận từ ngày {_vn(ctx.period.start)} đến ngày {_vn(ctx.period.end)}.")
    return r


def supports_by_source(ctx: Context) -> ReportData:
    specs: list[HeaderSpec] = ["TT", "Nguồn kinh phí / chương trình", "Số hộ", "Số lượt", "Số tiền (đồng)"]
    r = _skeleton(
        ctx,
        "supports_by_source",
        "Biểu hỗ trợ theo nguồn",
        "TỔNG HỢP HỖ TRỢ THEO NGUỒN KINH PHÍ VÀ CHƯƠNG TRÌNH",
        specs,
        [TEXT, TEXT, INT, INT, MONEY],
        [0.6, 6.0, 1.2, 1.2, 2.0],
    )
    params = (ctx.period.start.isoformat(), ctx.period.end.isoformat())
    sources = {c: n for c, (n, _) in _code_names(ctx.db, "funding_source").items()}
    for title, sql, label in (
        ("I. Theo nguồn kinh phí", "s.funding_source", lambda k: sources.get(k, k) if k else "Chưa ghi nguồn"),
        ("II. Theo chương trình, dự án", "COALESCE(p.name, '')", lambda k: k or "Không thuộc chương trình"),
    ):
        r.rows.append(ReportRow(("", title, "", "", ""), "section"))
        for n, row in enumerate(
            ctx.db.rows(
                f"""SELECT {sql} AS k, count(DISTINCT s.household_id) AS hh, count(*) AS n, sum(s.amount) AS amount
                FROM support_record s LEFT JOIN programme p ON p.id = s.programme_id
                WHERE s.deleted_at IS NULL AND s.support_date BETWEEN ? AND ? GROUP BY 1 ORDER BY 1""",
                params,
            ),
            start=1,
        ):
            r.rows.append(ReportRow((n, label(row["k"]), row["hh"], row["n"], row["amount"] or 0), "unit"))
    tot = ctx.db.row(
        """SELECT count(DISTINCT household_id) AS hh, count(*) AS n, COALESCE(sum(amount), 0) AS amount
           FROM support_record WHERE deleted_at IS NULL AND support_date BETWEEN ? AND ?""",
        params,
    )
    assert tot is not None
    r.rows.append(ReportRow(("", "Tổng cộng", tot["hh"], tot["n"], tot["amount"]), "total"))
    r.notes.append("Mỗi phần (I, II) cộng lại bằng dòng tổng cộng về số lượt và số tiền.")
    return r


# ---------------------------------------------------------- plan progress ----
def plan_progress(ctx: Context) -> ReportData:
    specs: list[HeaderSpec] = ["TT", "Chỉ tiêu", "Đơn vị", "Kế hoạch", "Thực hiện", "Đạt (%)", "Ghi chú"]
    r = _skeleton(
        ctx,
        "plan",
        "Biểu kế hoạch",
        "KẾT QUẢ THỰC HIỆN KẾ HOẠCH GIẢM NGHÈO",
        specs,
        [TEXT, TEXT, TEXT, PERCENT, PERCENT, PERCENT, TEXT],
        [0.5, 5.0, 1.0, 1.2, 1.2, 1.0, 2.5],
    )
    try:
        from giamngheo_desktop.services import plan as plan_service
    except ImportError:  # pragma: no cover - the plan module ships with the app
        r.notes.append("Chưa có phần kế hoạch.")
        return r
    row = plan_service.plan_for_year(ctx.db, ctx.period.end.year)
    if row is None:
        r.notes.append(f"Chưa có kế hoạch giảm nghèo năm {ctx.period.end.year}.")
        return r
    on = min(ctx.period.end, clock.today()).isoformat()
    prog = plan_service.progress(ctx.db, row.id, on_date=on)
    for n, t in enumerate(prog.targets, start=1):
        r.rows.append(
            ReportRow(
                (
                    n,
                    t.label,
                    t.unit,
                    t.target,
                    t.value,
                    t.progress,
                    "Đạt"
                    if t.achieved
                    else ("Chậm tiến độ" if t.lagging else ("Chưa đặt" if t.target is None else "")),
                ),
                "unit",
            )
        )
    r.notes.append(
        f"Kế hoạch số {row.number or '…'}: {row.title}. Số liệu tính đến ngày {_vn(date.fromisoformat(on))}."
    )
    return r


# --------------------------------------------------------- monthly report ----
def monthly(ctx: Context) -> ReportData:
    specs: list[HeaderSpec] = [
        "TT",
        "Thôn",
        "Tổng số hộ",
        ("Hộ nghèo", ["Số hộ", "Tỷ lệ (%)"]),
        ("Hộ cận nghèo", ["Số hộ", "Tỷ lệ (%)"]),
        "Hộ mới thoát nghèo",
        ("Hỗ trợ trong kỳ", ["Số hộ", "Số lượt", "Số tiền (đồng)"]),
    ]
    r = _skeleton(
        ctx,
        "monthly",
        "Báo cáo tháng",
        "BÁO CÁO TÌNH HÌNH HỘ NGHÈO, HỘ CẬN NGHÈO VÀ THỰC HIỆN HỖ TRỢ",
        specs,
        [TEXT, TEXT, INT, INT, PERCENT, INT, PERCENT, INT, INT, INT, MONEY],
    )
    sup: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    hh_sup: dict[int, int] = {}
    for row in ctx.db.rows(
        """SELECT household_id, count(*) AS n, sum(amount) AS amount FROM support_record
           WHERE deleted_at IS NULL AND support_date BETWEEN ? AND ? GROUP BY household_id""",
        (ctx.period.start.isoformat(), ctx.period.end.isoformat()),
    ):
        sup[row["household_id"]] = [row["n"], row["amount"] or 0]
        hh_sup[row["household_id"]] = 1
    households = register_households(ctx.db, min(ctx.period.end, clock.today()))

    def counts(hs: list[Household]) -> list[int]:
        return [
            len(hs),
            sum(1 for h in hs if h.cls == POOR),
            sum(1 for h in hs if h.cls == NEAR),
            sum(1 for h in hs if h.cls == "newly_escaped"),
            sum(hh_sup.get(h.id, 0) for h in hs),
            sum(sup[h.id][0] for h in hs if h.id in sup),
            sum(sup[h.id][1] for h in hs if h.id in sup),
        ]

    def finish(c: list[int]) -> list[Value]:
        return [c[0], c[1], _pct(c[1], c[0]), c[2], _pct(c[2], c[0]), c[3], c[4], c[5], c[6]]

    _village_rows(r, ctx, households, counts, finish)
    r.notes.append(
        "Phân loại hộ theo sổ hộ gia đình (quyết định mới nhất; hộ mới thoát nghèo quá 36 tháng tính là hộ không "
        "nghèo); tổng số hộ là mọi hộ của địa bàn cuối kỳ; hỗ trợ ghi nhận trong kỳ báo cáo."
    )
    return r


# --------------------------------------------------------------- registry ----
Builder = Callable[[Context], ReportData]
REPORTS: dict[str, tuple[str, Builder]] = {
    "bieu1": ("Mẫu 7.1 – Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo", bieu1),
    "bieu2": ("Mẫu 7.2 – Tổng hợp diễn biến hộ nghèo", bieu2),
    "bieu3": ("Mẫu 7.3 – Tổng hợp diễn biến hộ cận nghèo", bieu3),
    "bieu4": ("Mẫu 7.4 – Chỉ số thiếu hụt của hộ nghèo", bieu4),
    "bieu5": ("Mẫu 7.5 – Tỷ lệ chỉ số thiếu hụt của hộ nghèo", bieu5),
    "bieu6": ("Mẫu 7.6 – Chỉ số thiếu hụt của hộ cận nghèo", bieu6),
    "bieu7": ("Mẫu 7.7 – Tỷ lệ chỉ số thiếu hụt của hộ cận nghèo", bieu7),
    "bieu8": ("Mẫu 7.8 – Hộ nghèo, hộ cận nghèo theo các nhóm đối tượng", bieu8),
    "bieu9": ("Mẫu 7.9 – Hộ nghèo, hộ cận nghèo theo dân tộc", bieu9),
    "bieu10": ("Mẫu 7.10 – Hộ nghèo, hộ cận nghèo theo nguyên nhân nghèo", bieu10),
    "average_living": ("Biểu 1b – Hộ làm NLNDN có mức sống trung bình (phần mềm quốc gia)", average_living),
    "bieu11": ("Biểu 11 – Thiếu hụt của trẻ em (phần mềm quốc gia)", bieu11),
    "bieu12": ("Biểu 12 – Kết quả rà soát hộ nghèo theo chuẩn đa chiều (phần mềm quốc gia)", bieu12),
    "bieu13": ("Biểu 13 – Kết quả rà soát hộ cận nghèo theo chuẩn đa chiều (phần mềm quốc gia)", bieu13),
    "list_poor": ("Danh sách chi tiết hộ nghèo", list_poor),
    "list_near_poor": ("Danh sách chi tiết hộ cận nghèo", list_near_poor),
    "supports": ("Tổng hợp hỗ trợ theo thôn và nhóm chính sách", supports),
    "supports_by_source": ("Tổng hợp hỗ trợ theo nguồn kinh phí, chương trình", supports_by_source),
    "plan": ("Tiến độ thực hiện kế hoạch giảm nghèo", plan_progress),
    "monthly": ("Báo cáo tháng", monthly),
}
ANNUAL_SET = [
    "bieu1",
    "bieu2",
    "bieu3",
    "bieu4",
    "bieu5",
    "bieu6",
    "bieu7",
    "bieu8",
    "bieu9",
    "bieu10",
    "bieu11",
    "bieu12",
    "bieu13",
    "list_poor",
    "list_near_poor",
    "supports",
    "supports_by_source",
    "plan",
]
MONTHLY_SET = ["monthly", "supports", "supports_by_source"]


def report_kinds() -> list[tuple[str, str]]:
    return [(k, label) for k, (label, _) in REPORTS.items()]


def kinds_for(period: Period) -> list[str]:
    """The reports of a package for this period (monthly set for a month, the annual set otherwise)."""
    return MONTHLY_SET if period.kind == "month" else ANNUAL_SET


def build_report(
    db: Database, *, kind: str, period: Period, context: Context | None = None, stage: str | None = None
) -> ReportData:
    """One report. ``stage``: PRELIMINARY ("sơ bộ") or OFFICIAL ("chính thức") for Mẫu 7.1; None = official
    when the round is closed, else preliminary."""
    db.require(Permission.VIEW)
    if kind not in REPORTS:
        raise ValidationFailed(
            [
                ValidationIssue(
                    "kind", f"Không có loại báo cáo «{kind}». Các loại: " + ", ".join(REPORTS) + ".", value=kind
                )
            ]
        )
    ctx = context or make_context(db, period, stage)
    report = REPORTS[kind][1](ctx)
    report.period_label = ctx.period.label
    return report


def build_reports(
    db: Database,
    *,
    kinds: Sequence[str],
    period: Period,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    stage: str | None = None,
) -> list[ReportData]:
    """Several reports sharing one loaded context (the data is read once)."""
    db.require(Permission.VIEW)
    ctx = make_context(db, period, stage)
    out: list[ReportData] = []
    for i, kind in enumerate(kinds):
        if cancelled is not None and cancelled():
            break
        out.append(build_report(db, kind=kind, period=period, context=ctx))
        if progress is not None:
            progress(i + 1, len(kinds))
    return out


def list_rounds(db: Database) -> list[tuple[int, str]]:
    return [
        (r["id"], r["name"]) for r in db.rows("SELECT id, name FROM review_round ORDER BY reference_date DESC, id DESC")
    ]
