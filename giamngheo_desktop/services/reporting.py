"""Every report table, built from the database for a period, as one :class:`ReportData`.

Rows are the villages (in their sort order) then the commune total; every count column of the
total equals the sum of the villages (percentages are computed from the summed counts).

Data source: the closed review round of the period (a ``round:N`` period, or the latest closed
round whose reference date falls in the period). Without one, the current register is used and
the report says so in a note line. Biểu 2/3 (movement) compare two closed rounds.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
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
from giamngheo_desktop.storage.connection import Database

POOR, NEAR = "poor", "near_poor"
NOT_POOR_CLASSES = ("not_poor", "average", "newly_escaped")
REGISTER_NOTE = (
    "Chưa có đợt rà soát đã kết thúc trong kỳ báo cáo: số liệu lấy theo sổ hộ gia đình hiện tại "
    "(phân loại hộ mới nhất)."
)
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


@dataclass
class Source:
    round_id: int | None
    round_name: str
    standard_id: str | None
    ref_date: date
    households: list[Household]
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    db: Database
    period: Period
    commune: dict[str, Any]
    villages: list[tuple[int, str]]
    _source: Source | None = None

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = load_source(self.db, self.period)
        return self._source


def _d(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


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
    return [
        _household(r, r["member_count"] if r["member_count"] is not None else counts.get(r["id"], 0), heads)
        for r in rows
    ]


def register_households(db: Database, until: date | None = None) -> list[Household]:
    counts = _living_counts(db)
    heads = _head_ethnicity(db)
    sql = f"""SELECT h.id, h.village_id, h.poverty_class AS cls, {_FLAGS} FROM household h
              WHERE h.deleted_at IS NULL"""
    params: tuple[Any, ...] = ()
    if until is not None:
        sql += " AND substr(h.created_at, 1, 10) <= ?"
        params = (until.isoformat(),)
    return [_household(r, counts.get(r["id"], 0), heads) for r in db.rows(sql, params)]


def load_source(db: Database, period: Period) -> Source:
    rnd = closed_round_for(db, period)
    if rnd is not None:
        return Source(
            rnd["id"],
            rnd["name"],
            rnd["standard_id"],
            _d(rnd["reference_date"]) or period.end,
            round_households(db, rnd["id"]),
            [f"Số liệu theo kết quả {rnd['name']} (ngày tham chiếu {_vn(_d(rnd['reference_date']))})."],
        )
    return Source(None, "", None, min(period.end, clock.today()), register_households(db, period.end), [REGISTER_NOTE])


def _vn(d: date | None) -> str:
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


# ------------------------------------------------------------- skeleton ----
def make_context(db: Database, period: Period) -> Context:
    commune = db.row("SELECT * FROM commune WHERE id = 1")
    if commune is None:
        raise NotFound("Chưa khai báo thông tin xã: vào Cài đặt → Thông tin xã trước khi lập báo cáo.")
    villages = [
        (r["id"], r["name"])
        for r in db.rows(
            """SELECT id, name FROM village WHERE deleted_at IS NULL
               OR id IN (SELECT village_id FROM household WHERE deleted_at IS NULL)
           ORDER BY deleted_at IS NOT NULL, sort_order, id"""
        )
    ]
    return Context(db, resolve_period(db, period), commune, villages)


def _authority(commune: dict[str, Any]) -> str:
    return f"UBND {commune['name']}".upper()


def _place(commune: dict[str, Any]) -> str:
    name: str = commune["name"]
    for prefix in ("xã ", "phường ", "đặc khu ", "Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _date_text() -> str:
    d = clock.today()
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


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


def _village_rows(
    report: ReportData,
    ctx: Context,
    households: Sequence[Household],
    counts: Callable[[list[Household]], list[int]],
    finish: Finisher,
) -> None:
    """One row per village then the commune total (the element-wise sum of the village counts)."""
    by_village: dict[int, list[Household]] = defaultdict(list)
    for h in households:
        by_village[h.village_id].append(h)
    total: list[int] | None = None
    for n, (vid, name) in enumerate(ctx.villages, start=1):
        c = counts(by_village.get(vid, []))
        total = c if total is None else [a + b for a, b in zip(total, c, strict=False)]
        report.rows.append(ReportRow(tuple([n, name, *finish(c)]), "unit"))
    if total is None:
        total = counts([])
    report.rows.append(ReportRow(tuple(["", f"Tổng cộng {ctx.commune['name']}", *finish(total)]), "total"))


def _two_row_units(
    report: ReportData, ctx: Context, per_village: dict[int, tuple[list[int], list[int]]], finish: Finisher, width: int
) -> None:
    """Two rows per unit ("Hộ", "Nhân khẩu") then the commune total's two rows."""
    tot_h, tot_p = [0] * width, [0] * width
    for n, (vid, name) in enumerate(ctx.villages, start=1):
        hh, pp = per_village.get(vid, ([0] * width, [0] * width))
        tot_h = [a + b for a, b in zip(tot_h, hh, strict=False)]
        tot_p = [a + b for a, b in zip(tot_p, pp, strict=False)]
        report.rows.append(ReportRow((n, name, "Hộ", *finish(hh)), "unit"))
        report.rows.append(ReportRow(("", "", "Nhân khẩu", *finish(pp)), "unit"))
    total_name = f"Tổng cộng {ctx.commune['name']}"
    report.rows.append(ReportRow(("", total_name, "Hộ", *finish(tot_h)), "total"))
    report.rows.append(ReportRow(("", "", "Nhân khẩu", *finish(tot_p)), "total"))


# ---------------------------------------------------------------- Biểu 1 ----
BIEU1_TITLE = (
    "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO; HỘ LÀM NÔNG NGHIỆP, LÂM NGHIỆP, NGƯ NGHIỆP "
    "VÀ DIÊM NGHIỆP CÓ MỨC SỐNG TRUNG BÌNH"
)
BIEU1_KINDS = [TEXT, TEXT, INT, INT] + [INT, PERCENT] * 6


def bieu1_specs(unit: str = "Thôn") -> list[HeaderSpec]:
    return [
        "TT",
        unit,
        "Tổng số hộ",
        "Tổng số nhân khẩu",
        ("Hộ nghèo", ["Số hộ", "Tỷ lệ (%)"]),
        ("Hộ cận nghèo", ["Số hộ", "Tỷ lệ (%)"]),
        ("Hộ làm NLNDN có mức sống trung bình", ["Số hộ", "Tỷ lệ (%)"]),
        ("Nhân khẩu hộ nghèo", ["Số người", "Tỷ lệ (%)"]),
        ("Nhân khẩu hộ cận nghèo", ["Số người", "Tỷ lệ (%)"]),
        ("Nhân khẩu hộ có mức sống trung bình", ["Số người", "Tỷ lệ (%)"]),
    ]


def bieu1_counts(hs: Sequence[Household]) -> list[int]:
    """Households, persons, poor, near-poor, average-living farming households, then their persons."""
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
    """Columns 1–14 of Biểu 1 from :func:`bieu1_counts` (percentages from the counts)."""
    hh, pp = c[0], c[1]
    return [
        hh, pp, c[2], _pct(c[2], hh), c[3], _pct(c[3], hh), c[4], _pct(c[4], hh),
        c[5], _pct(c[5], pp), c[6], _pct(c[6], pp), c[7], _pct(c[7], pp),
    ]  # fmt: skip


def bieu1(ctx: Context) -> ReportData:
    r = _skeleton(ctx, "bieu1", "Biểu 1", BIEU1_TITLE, bieu1_specs(), BIEU1_KINDS)
    _village_rows(r, ctx, ctx.source.households, lambda hs: bieu1_counts(hs), bieu1_values)
    r.notes += [*ctx.source.notes, "Tỷ lệ hộ tính trên tổng số hộ (cột 1); tỷ lệ nhân khẩu tính trên cột 2."]
    return r


# ------------------------------------------------------------ Biểu 2 / 3 ----
MOVE_COLS = 9


def movement_from_rounds(
    db: Database, start_round: int, end_round: int, target: str
) -> dict[int, tuple[list[int], list[int]]]:
    """Movement of ``target`` ('poor' or 'near_poor') households/persons per village between two rounds.

    Columns 1–9 of Biểu 2 / 3. Stand-in until ``services.review.movement_between`` lands; kept
    separate so it can be replaced. Column 9 is the end count; the identity
    9 = 1 - 2 - 3 - 4 + 5 + 6 + 7 + 8 holds by construction (composition changes of households that
    stay in the class go to column 4 or 8).
    """
    start = {h.id: h for h in round_households(db, start_round)}
    end = {h.id: h for h in round_households(db, end_round)}
    other = NEAR if target == POOR else POOR
    out: dict[int, tuple[list[int], list[int]]] = {}

    def add(vid: int, col: int, hh: int, pp: int) -> None:
        cell = out.setdefault(vid, ([0] * MOVE_COLS, [0] * MOVE_COLS))
        cell[0][col - 1] += hh
        cell[1][col - 1] += pp

    for hid, s in start.items():
        if s.cls != target:
            continue
        add(s.village_id, 1, 1, s.persons)
        e = end.get(hid)
        if e is None:
            add(s.village_id, 4, 1, s.persons)
        elif e.cls == target:
            delta = e.persons - s.persons
            if delta < 0:
                add(s.village_id, 4, 0, -delta)
            elif delta > 0:
                add(s.village_id, 8, 0, delta)
        elif target == POOR:
            add(s.village_id, 2 if e.cls == NEAR else 3, 1, s.persons)
        else:
            add(s.village_id, 3 if e.cls == POOR else 2, 1, s.persons)
    for hid, e in end.items():
        if e.cls != target:
            continue
        add(e.village_id, 9, 1, e.persons)
        was = start.get(hid)
        if was is not None and was.cls == target:
            continue
        before = was.cls if was is not None else e.class_before
        if before == other:
            add(e.village_id, 5, 1, e.persons)
        elif before in NOT_POOR_CLASSES:
            again = (
                e.movement in ("re_poor", "re_near_poor", "tai_ngheo") or before == "newly_escaped" or e.escaped_before
            )
            add(e.village_id, 6 if again else 7, 1, e.persons)
        else:
            add(e.village_id, 8, 1, e.persons)
    return out


def movement_per_village(
    db: Database, start_round: int, end_round: int, target: str
) -> dict[int, tuple[list[int], list[int]]]:
    """Columns 1–9 per village from the review service's ``movement_between`` (issue 4) when it is
    installed, else from :func:`movement_from_rounds` (the stand-in)."""
    try:
        review: Any = importlib.import_module("giamngheo_desktop.services.review")
    except ImportError:
        review = None
    between = getattr(review, "movement_between", None)
    if between is None:
        return movement_from_rounds(db, start_round, end_round, target)
    counts = between(db, start_round, end_round)[target]
    order = ["start", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "end"]
    return {
        vid: ([c.households[k] for k in order], [c.persons[k] for k in order])
        for vid, c in counts.items()
        if vid is not None
    }


def movement_identity(c: Sequence[int]) -> bool:
    return c[8] == c[0] - c[1] - c[2] - c[3] + c[4] + c[5] + c[6] + c[7]


def _previous_round(db: Database, round_id: int) -> dict[str, Any] | None:
    return db.row(
        """SELECT * FROM review_round WHERE step = 'closed' AND id != ?
             AND reference_date <= (SELECT reference_date FROM review_round WHERE id = ?)
             AND kind = (SELECT kind FROM review_round WHERE id = ?)
           ORDER BY reference_date DESC, id DESC LIMIT 1""",
        (round_id, round_id, round_id),
    )


def _movement(ctx: Context, target: str) -> ReportData:
    poor = target == POOR
    name = "hộ nghèo" if poor else "hộ cận nghèo"
    if poor:
        dec = ["Trở thành hộ cận nghèo", "Vượt chuẩn cận nghèo", "Giảm khác"]
        inc = ["Hộ cận nghèo trở thành hộ nghèo", "Tái nghèo", "Phát sinh mới", "Tăng khác"]
    else:
        dec = ["Thoát cận nghèo", "Trở thành hộ nghèo", "Giảm khác"]
        inc = ["Hộ nghèo trở thành hộ cận nghèo", "Tái cận nghèo", "Phát sinh mới", "Tăng khác"]
    specs: list[HeaderSpec] = [
        "TT",
        "Thôn",
        "Chỉ tiêu",
        f"Tổng số {name} đầu kỳ",
        ("Số giảm trong kỳ", dec),
        ("Số tăng trong kỳ", inc),
        f"Tổng số {name} cuối kỳ (9 = 1-2-3-4+5+6+7+8)",
    ]
    kinds = [TEXT, TEXT, TEXT] + [INT] * MOVE_COLS
    r = _skeleton(
        ctx,
        "bieu2" if poor else "bieu3",
        "Biểu 2" if poor else "Biểu 3",
        f"TỔNG HỢP DIỄN BIẾN {name.upper()}",
        specs,
        kinds,
        [0.6, 2.4, 1.2] + [1.0] * MOVE_COLS,
        lead=3,
    )
    src = ctx.source
    prev = _previous_round(ctx.db, src.round_id) if src.round_id is not None else None
    if src.round_id is not None and prev is not None:
        per_village = movement_per_village(ctx.db, prev["id"], src.round_id, target)
        r.notes.append(f"Đầu kỳ: {prev['name']}; cuối kỳ: {src.round_name}.")
    else:
        per_village = {}
        for h in src.households:
            if h.cls == target:
                cell = per_village.setdefault(h.village_id, ([0] * MOVE_COLS, [0] * MOVE_COLS))
                for col in (0, 8):
                    cell[0][col] += 1
                    cell[1][col] += h.persons
        r.notes.append(
            "Chưa có hai đợt rà soát đã kết thúc để so sánh: đầu kỳ lấy bằng cuối kỳ theo "
            + ("sổ hộ hiện tại." if src.round_id is None else f"{src.round_name}.")
        )
    _two_row_units(r, ctx, per_village, lambda c: list(c), MOVE_COLS)
    bad = [row for row in r.rows if not movement_identity([int(v or 0) for v in row.values[3:]])]
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


# ------------------------------------------------------------ Biểu 4 – 7 ----
def indicators_of(db: Database, standard_id: str | None, round_id: int | None) -> list[tuple[str, str]]:
    """(code, name) of the standard's indicators in the standard's order (``definition`` JSON)."""
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


def _deprivation(ctx: Context, target: str, percent: bool) -> ReportData:
    src = ctx.source
    inds = indicators_of(ctx.db, src.standard_id, src.round_id)
    name = "hộ nghèo" if target == POOR else "hộ cận nghèo"
    number = {(POOR, False): 4, (POOR, True): 5, (NEAR, False): 6, (NEAR, True): 7}[(target, percent)]
    labels = [n for _, n in inds] or ["(chưa có chỉ số)"]
    specs: list[HeaderSpec] = [
        "TT",
        "Thôn",
        f"Tổng số {name}",
        "Tổng số lượt thiếu hụt",
        ("Tỷ lệ hộ thiếu hụt theo chỉ số (%)" if percent else "Số hộ thiếu hụt theo chỉ số", labels),
    ]
    kinds = [TEXT, TEXT, INT, INT] + [PERCENT if percent else INT] * len(labels)
    title = f"PHÂN TÍCH CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA {name.upper()}"
    r = _skeleton(
        ctx,
        f"bieu{number}",
        f"Biểu {number}",
        title + (" (TỶ LỆ %)" if percent else ""),
        specs,
        kinds,
        [0.6, 2.2, 1.0, 1.0] + [0.9] * len(labels),
    )
    deprived: dict[int, set[str]] = defaultdict(set)
    if src.round_id is not None:
        for row in ctx.db.rows(
            "SELECT household_id, indicator_code FROM round_indicator WHERE round_id = ? AND deprived = 1",
            (src.round_id,),
        ):
            deprived[row["household_id"]].add(row["indicator_code"])
    else:
        r.notes.append("Chưa có đợt rà soát đã kết thúc: chưa có số liệu thiếu hụt theo chỉ số.")
    codes = [c for c, _ in inds] or [""]

    def counts(hs: list[Household]) -> list[int]:
        mine = [h for h in hs if h.cls == target]
        return [len(mine), sum(len(deprived[h.id] & set(codes)) for h in mine)] + [
            sum(1 for h in mine if c in deprived[h.id]) for c in codes
        ]

    def finish(c: list[int]) -> list[Value]:
        if not percent:
            return list(c)
        return [c[0], c[1]] + [_pct(x, c[0]) for x in c[2:]]

    _village_rows(r, ctx, src.households, counts, finish)
    r.notes += src.notes
    if inds:
        r.notes.append(
            "Chỉ số theo thứ tự của chuẩn nghèo "
            + (src.standard_id or "")
            + ": "
            + "; ".join(f"{i}. {n}" for i, (_, n) in enumerate(inds, start=1))
            + "."
        )
    return r


def bieu4(ctx: Context) -> ReportData:
    return _deprivation(ctx, POOR, False)


def bieu5(ctx: Context) -> ReportData:
    return _deprivation(ctx, POOR, True)


def bieu6(ctx: Context) -> ReportData:
    return _deprivation(ctx, NEAR, False)


def bieu7(ctx: Context) -> ReportData:
    return _deprivation(ctx, NEAR, True)


# ---------------------------------------------------------------- Biểu 8 ----
def bieu8(ctx: Context) -> ReportData:
    groups = ["Tổng số", "Hộ dân tộc thiểu số", "Hộ không có khả năng lao động", "Hộ có người có công", "Hộ khác"]
    specs: list[HeaderSpec] = ["TT", "Thôn", "Chỉ tiêu", ("Hộ nghèo", groups), ("Hộ cận nghèo", groups)]
    kinds = [TEXT, TEXT, TEXT] + [INT] * 10
    r = _skeleton(
        ctx,
        "bieu8",
        "Biểu 8",
        "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NHÓM ĐỐI TƯỢNG",
        specs,
        kinds,
        [0.6, 2.4, 1.2] + [1.0] * 10,
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
    r.notes += [*ctx.source.notes, "Một hộ có thể thuộc nhiều nhóm; «Hộ khác» là hộ không thuộc nhóm nào ở trên."]
    return r


# ---------------------------------------------------------------- Biểu 9 ----
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


def bieu9(ctx: Context) -> ReportData:
    names = _code_names(ctx.db, "ethnicity")
    kinh = {c for c, (n, _) in names.items() if n == "Kinh"} or {"01"}
    minority = Counter(
        h.head_ethnicity
        for h in ctx.source.households
        if h.cls in (POOR, NEAR) and h.head_ethnicity and h.head_ethnicity not in kinh
    )
    top = [c for c, _ in minority.most_common(4)]
    labels = ["Tổng số", "Kinh", "Dân tộc thiểu số"] + [names.get(c, (c, {}))[0] for c in top] + ["Dân tộc khác"]
    width = len(labels)
    specs: list[HeaderSpec] = ["TT", "Thôn", ("Hộ nghèo", labels), ("Hộ cận nghèo", labels)]
    r = _skeleton(
        ctx,
        "bieu9",
        "Biểu 9",
        "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC",
        specs,
        [TEXT, TEXT] + [INT] * (2 * width),
    )

    def counts(hs: list[Household]) -> list[int]:
        out: list[int] = []
        for target in (POOR, NEAR):
            mine = [h for h in hs if h.cls == target]
            is_kinh = [
                h for h in mine if (h.head_ethnicity in kinh) or (not h.head_ethnicity and not h.ethnic_minority)
            ]
            dt = [h for h in mine if h not in is_kinh]
            out += [len(mine), len(is_kinh), len(dt)] + [sum(1 for h in dt if h.head_ethnicity == c) for c in top]
            out.append(sum(1 for h in dt if h.head_ethnicity not in top))
        return out

    _village_rows(r, ctx, ctx.source.households, counts, lambda c: list(c))
    r.notes += [*ctx.source.notes, "Dân tộc của hộ là dân tộc của chủ hộ."]
    return r


# --------------------------------------------------------------- Biểu 10 ----
def bieu10(ctx: Context) -> ReportData:
    causes = _code_names(ctx.db, "poverty_cause")
    codes = list(causes)
    labels = [causes[c][0] for c in codes]
    specs: list[HeaderSpec] = [
        "TT",
        "Thôn",
        ("Hộ nghèo", ["Tổng số hộ", *labels]),
        ("Hộ cận nghèo", ["Tổng số hộ", *labels]),
    ]
    width = len(codes) + 1
    r = _skeleton(
        ctx,
        "bieu10",
        "Biểu 10",
        "PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO NGUYÊN NHÂN NGHÈO",
        specs,
        [TEXT, TEXT] + [INT] * (2 * width),
        [0.5, 1.8] + [0.8] * (2 * width),
    )
    has: dict[int, set[str]] = defaultdict(set)
    for row in ctx.db.rows("SELECT household_id, cause_code FROM household_cause"):
        has[row["household_id"]].add(row["cause_code"])

    def counts(hs: list[Household]) -> list[int]:
        out: list[int] = []
        for target in (POOR, NEAR):
            mine = [h for h in hs if h.cls == target]
            out += [len(mine)] + [sum(1 for h in mine if c in has[h.id]) for c in codes]
        return out

    _village_rows(r, ctx, ctx.source.households, counts, lambda c: list(c))
    r.notes += [*ctx.source.notes, "Một hộ có thể có nhiều nguyên nhân nghèo."]
    return r


# --------------------------------------------------------------- Biểu 11 ----
def bieu11(ctx: Context) -> ReportData:
    group = ["Số trẻ em", "Thiếu hụt y tế (BHYT, dinh dưỡng)", "Thiếu hụt giáo dục (đi học)"]
    specs: list[HeaderSpec] = ["TT", "Thôn", ("Trẻ em thuộc hộ nghèo", group), ("Trẻ em thuộc hộ cận nghèo", group)]
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
        """SELECT household_id, birth_year, hi_card_number, hi_valid_to, nutrition, schooling FROM member
           WHERE deleted_at IS NULL AND life_status = 'living' AND birth_year IS NOT NULL AND birth_year > ?""",
        (ref.year - 16,),
    ):
        age = ref.year - m["birth_year"]
        k = kids[m["household_id"]]
        k[0] += 1
        no_card = not m["hi_card_number"] or (m["hi_valid_to"] and m["hi_valid_to"] < ref.isoformat())
        if (age >= 6 and no_card) or m["nutrition"] in nutrition_bad:
            k[1] += 1
        if 3 <= age < 16 and m["schooling"] not in in_school:
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
        *ctx.source.notes,
        "Trẻ em: dưới 16 tuổi (theo năm sinh). Thiếu hụt y tế: từ 6 tuổi không có thẻ BHYT còn hạn, hoặc suy dinh "
        "dưỡng; thiếu hụt giáo dục: từ 3 đến dưới 16 tuổi không đi học.",
    ]
    return r


# ----------------------------------------------------------- Biểu 12 / 13 ----
def _bieu12(ctx: Context, target: str) -> ReportData:
    name = "hộ nghèo" if target == POOR else "hộ cận nghèo"
    split = ["Tổng số", "Kinh", "DTTS", "DTTC"]
    specs: list[HeaderSpec] = [
        "TT",
        "Thôn",
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
    r.notes += [*ctx.source.notes, "DTTS: hộ dân tộc thiểu số; DTTC: hộ dân tộc thiểu số tại chỗ."]
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
    eth = {c: n for c, (n, _) in _code_names(ctx.db, "ethnicity").items()}
    rel = {c: n for c, (n, _) in _code_names(ctx.db, "relationship").items()}
    sup = _support_groups(ctx)
    mine = {h.id: h for h in ctx.source.households if h.cls == target}
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in ctx.db.rows(
        """SELECT household_id, full_name, birth_year, sex, ethnicity_code, relationship_code FROM member
           WHERE deleted_at IS NULL AND life_status = 'living' ORDER BY household_id, sort_order, id"""
    ):
        if m["household_id"] in mine:
            members[m["household_id"]].append(m)
    n_hh = n_pp = 0
    for vid, vname in ctx.villages:
        hs = sorted((h for h in mine.values() if h.village_id == vid), key=lambda h: h.code)
        if not hs:
            continue
        r.rows.append(ReportRow(("", vname) + ("",) * (len(kinds) - 2), "section"))
        for h in hs:
            n_hh += 1
            if h.class_before == target:
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
                            eth.get(m["ethnicity_code"] or "", m["ethnicity_code"] or ""),
                            rel.get(m["relationship_code"] or "", ""),
                            *hh_cols,
                        ),
                        "detail",
                    )
                )
    r.rows.append(ReportRow(("", f"Tổng cộng: {n_hh} hộ, {n_pp} nhân khẩu") + ("",) * (len(kinds) - 2), "total"))
    r.notes += ctx.source.notes
    return r


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
                    "Đạt" if t.achieved else ("Chậm tiến độ" if t.lagging else ""),
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
    households = register_households(ctx.db, ctx.period.end)

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
    r.notes.append("Phân loại hộ theo sổ hộ gia đình (quyết định mới nhất); hỗ trợ ghi nhận trong kỳ báo cáo.")
    return r


# --------------------------------------------------------------- registry ----
Builder = Callable[[Context], ReportData]
REPORTS: dict[str, tuple[str, Builder]] = {
    "bieu1": ("Biểu 1 – Kết quả rà soát hộ nghèo, hộ cận nghèo", bieu1),
    "bieu2": ("Biểu 2 – Diễn biến hộ nghèo", bieu2),
    "bieu3": ("Biểu 3 – Diễn biến hộ cận nghèo", bieu3),
    "bieu4": ("Biểu 4 – Thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo (số hộ)", bieu4),
    "bieu5": ("Biểu 5 – Thiếu hụt của hộ nghèo (tỷ lệ %)", bieu5),
    "bieu6": ("Biểu 6 – Thiếu hụt của hộ cận nghèo (số hộ)", bieu6),
    "bieu7": ("Biểu 7 – Thiếu hụt của hộ cận nghèo (tỷ lệ %)", bieu7),
    "bieu8": ("Biểu 8 – Theo nhóm đối tượng", bieu8),
    "bieu9": ("Biểu 9 – Theo dân tộc", bieu9),
    "bieu10": ("Biểu 10 – Theo nguyên nhân nghèo", bieu10),
    "bieu11": ("Biểu 11 – Thiếu hụt của trẻ em", bieu11),
    "bieu12": ("Biểu 12 – Kết quả rà soát hộ nghèo theo chuẩn đa chiều", bieu12),
    "bieu13": ("Biểu 13 – Kết quả rà soát hộ cận nghèo theo chuẩn đa chiều", bieu13),
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


def build_report(db: Database, *, kind: str, period: Period, context: Context | None = None) -> ReportData:
    db.require(Permission.VIEW)
    if kind not in REPORTS:
        raise ValidationFailed(
            [
                ValidationIssue(
                    "kind", f"Không có loại báo cáo «{kind}». Các loại: " + ", ".join(REPORTS) + ".", value=kind
                )
            ]
        )
    ctx = context or make_context(db, period)
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
) -> list[ReportData]:
    """Several reports sharing one loaded context (the data is read once)."""
    db.require(Permission.VIEW)
    ctx = make_context(db, period)
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
