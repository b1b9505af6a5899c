"""Coverage gaps: who should have a support and has none.

Each gap has a population (who it is about) and a test of being covered, from the
register and the support ledger:

* ``health_insurance`` — living members of poor and near-poor households; covered when
  the member's card is valid on the date (hi_valid_from ≤ date ≤ hi_valid_to) or a
  health-insurance support was recorded for the member within ``valid_months``
  (support_type extra, 12) before the date.
* ``school`` — children aged **3 to 15** on the date (3 to under 16: the age band of
  the school-attendance indicator, POVERTY_RULES §2.3 indicator 6) living in poor and
  near-poor households; covered when their ``schooling`` code has extra.in_school.
* ``housing`` — poor households; covered when at least two of wall/column/roof are
  durable (housing_material extra.durable), or the household received a housing support
  (support_type extra.covers = "housing").
* ``water`` / ``latrine`` — poor and near-poor households; covered when the register
  says hygienic (water_source / latrine_type extra.hygienic) or a support that covers
  it was recorded.
* ``internet`` — poor and near-poor households where a member uses internet.
* ``information`` — poor and near-poor households with an information device or the
  loudspeaker in reach, or an information support.

Unknown register values count as **not covered**: the household appears in the list
with the reason "chưa có thông tin …" so the officer goes and asks. Gap lists and
the plan's coverage percentages use the same test (:func:`evaluate`).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.documents import GapListDoc
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.storage.connection import Database

POOR_AND_NEAR = ("poor", "near_poor")
SCHOOL_AGE = (3, 15)


@dataclass(frozen=True)
class GapRow:
    gap: str
    village_id: int | None
    village_name: str
    household_id: int
    household_code: str
    head_name: str
    poverty_class: str
    member_id: int | None
    member_name: str
    reason: str

    @property
    def class_label(self) -> str:
        return class_label(self.poverty_class)


@dataclass(frozen=True)
class GapResult:
    population: int
    rows: list[GapRow]

    @property
    def covered(self) -> int:
        return self.population - len({(r.household_id, r.member_id) for r in self.rows})

    @property
    def percent(self) -> float | None:
        return None if self.population == 0 else round(100.0 * self.covered / self.population, 2)


@dataclass(frozen=True)
class GapKind:
    code: str
    title: str
    member_level: bool
    evaluate: Callable[..., GapResult]


def _extra_codes(db: Database, list_name: str, key: str) -> set[str]:
    """Codes of a list whose extra[key] is true."""
    return {
        r["code"]
        for r in db.rows("SELECT code, extra FROM code_list WHERE list_name = ?", (list_name,))
        if json.loads(r["extra"] or "{}").get(key)
    }


def _codes_with(db: Database, list_name: str, key: str, value: Any) -> set[str]:
    return {
        r["code"]
        for r in db.rows("SELECT code, extra FROM code_list WHERE list_name = ?", (list_name,))
        if json.loads(r["extra"] or "{}").get(key) == value
    }


def _households(
    db: Database, classes: Sequence[str], village_id: int | None, columns: str = ""
) -> list[dict[str, Any]]:
    params: list[Any] = list(classes)
    sql = (
        "SELECT h.id AS household_id, h.code AS household_code, h.village_id, COALESCE(v.name, '') AS village_name,"
        " COALESCE(hm.full_name, '') AS head_name, h.poverty_class" + columns + " FROM household h"
        " LEFT JOIN village v ON v.id = h.village_id LEFT JOIN member hm ON hm.id = h.head_member_id"
        f" WHERE h.deleted_at IS NULL AND h.poverty_class IN ({','.join('?' * len(classes))})"
    )
    if village_id:
        sql += " AND h.village_id = ?"
        params.append(village_id)
    sql += " ORDER BY v.sort_order, v.name, h.code"
    return db.rows(sql, params)


def _members(db: Database, classes: Sequence[str], village_id: int | None, columns: str) -> list[dict[str, Any]]:
    params: list[Any] = list(classes)
    sql = (
        "SELECT h.id AS household_id, h.code AS household_code, h.village_id, COALESCE(v.name, '') AS village_name,"
        " COALESCE(hm.full_name, '') AS head_name, h.poverty_class, m.id AS member_id, m.full_name AS member_name"
        + columns
        + " FROM member m JOIN household h ON h.id = m.household_id"
        " LEFT JOIN village v ON v.id = h.village_id LEFT JOIN member hm ON hm.id = h.head_member_id"
        " WHERE m.deleted_at IS NULL AND m.life_status = 'living' AND h.deleted_at IS NULL"
        f" AND h.poverty_class IN ({','.join('?' * len(classes))})"
    )
    if village_id:
        sql += " AND h.village_id = ?"
        params.append(village_id)
    sql += " ORDER BY v.sort_order, v.name, h.code, m.sort_order, m.id"
    return db.rows(sql, params)


def _supported(db: Database, covers: str, on_date: str, *, member: bool, since: str | None = None) -> set[int]:
    """Household (or member) ids that received a live support covering ``covers`` up to ``on_date``."""
    types = sorted(_codes_with(db, "support_type", "covers", covers))
    if not types:
        return set()
    column = "member_id" if member else "household_id"
    sql = (
        f"SELECT DISTINCT {column} AS id FROM support_record WHERE deleted_at IS NULL AND {column} IS NOT NULL"
        f" AND type_code IN ({','.join('?' * len(types))}) AND support_date <= ?"
    )
    params: list[Any] = [*types, on_date]
    if since:
        sql += " AND support_date > ?"
        params.append(since)
    return {r["id"] for r in db.rows(sql, params)}


def _row(gap: str, r: dict[str, Any], reason: str, *, member: bool = False) -> GapRow:
    return GapRow(
        gap=gap,
        village_id=r["village_id"],
        village_name=r["village_name"],
        household_id=r["household_id"],
        household_code=r["household_code"],
        head_name=r["head_name"],
        poverty_class=r["poverty_class"],
        member_id=r["member_id"] if member else None,
        member_name=r["member_name"] if member else "",
        reason=reason,
    )


def _months_before(on_date: str, months: int) -> str:
    d = _dt.date.fromisoformat(on_date)
    month = d.month - 1 - months
    year = d.year + month // 12
    month = month % 12 + 1
    day = min(d.day, 28)
    return _dt.date(year, month, day).isoformat()


def hi_valid_months(db: Database) -> int:
    raw = db.scalar("SELECT extra FROM code_list WHERE list_name = 'support_type' AND code = 'health_insurance'")
    return int(json.loads(raw or "{}").get("valid_months", 12))


def evaluate_hi(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> GapResult:
    members = _members(db, classes, village_id, ", m.hi_card_number, m.hi_valid_from, m.hi_valid_to")
    supported = _supported(
        db, "health_insurance", on_date, member=True, since=_months_before(on_date, hi_valid_months(db))
    )
    rows = []
    for r in members:
        valid_card = r["hi_valid_to"] and r["hi_valid_to"] >= on_date and (r["hi_valid_from"] or "") <= on_date
        if valid_card or r["member_id"] in supported:
            continue
        if r["hi_valid_to"]:
            reason = (
                f"Thẻ BHYT hết hạn ngày {_vn_date(r['hi_valid_to'])}"
                if r["hi_valid_to"] < on_date
                else (f"Thẻ BHYT có hiệu lực từ ngày {_vn_date(r['hi_valid_from'])}")
            )
        else:
            reason = "Chưa có thẻ BHYT"
        rows.append(_row("health_insurance", r, reason, member=True))
    return GapResult(len(members), rows)


def hi_gaps(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> list[GapRow]:
    """Living members of households of ``classes`` without a valid health-insurance card on ``on_date``."""
    db.require(Permission.VIEW)
    return evaluate_hi(db, on_date=on_date, village_id=village_id, classes=classes).rows


def age_on(birth_date: str | None, birth_year: int | None, on_date: str) -> int | None:
    """Age in whole years on a date (from the year alone when the full date is unknown)."""
    d = _dt.date.fromisoformat(on_date)
    if birth_date and len(birth_date) == 10:
        try:
            b = _dt.date.fromisoformat(birth_date)
        except ValueError:
            b = None
        if b:
            return d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    if birth_year:
        return d.year - int(birth_year)
    if birth_date and birth_date[:4].isdigit():
        return d.year - int(birth_date[:4])
    return None


def evaluate_school(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> GapResult:
    in_school = _extra_codes(db, "schooling", "in_school")
    names = {r["code"]: r["name"] for r in db.rows("SELECT code, name FROM code_list WHERE list_name = 'schooling'")}
    children = []
    for r in _members(db, classes, village_id, ", m.birth_date, m.birth_year, m.schooling"):
        age = age_on(r["birth_date"], r["birth_year"], on_date)
        if age is not None and SCHOOL_AGE[0] <= age <= SCHOOL_AGE[1]:
            children.append((age, r))
    rows = []
    for age, r in children:
        if r["schooling"] in in_school:
            continue
        if r["schooling"]:
            reason = f"{age} tuổi, {names.get(r['schooling'], r['schooling']).lower()}"
        else:
            reason = f"{age} tuổi, chưa có thông tin đi học"
        rows.append(_row("school", r, reason, member=True))
    return GapResult(len(children), rows)


def evaluate_housing(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = ("poor",)
) -> GapResult:
    durable = _codes_with(db, "housing_material", "durable", True)
    fragile = _codes_with(db, "housing_material", "durable", False)
    households = _households(db, classes, village_id, ", h.wall_material, h.column_material, h.roof_material")
    supported = _supported(db, "housing", on_date, member=False)
    rows = []
    for r in households:
        parts = (r["wall_material"], r["column_material"], r["roof_material"])
        n_durable = sum(1 for p in parts if p in durable)
        n_fragile = sum(1 for p in parts if p in fragile)
        if n_durable >= 2 or r["household_id"] in supported:
            continue
        labels = [name for name, p in zip(("tường", "cột", "mái"), parts, strict=True) if p in fragile]
        if n_fragile >= 2:
            reason = "Nhà không bền chắc (" + ", ".join(labels) + "), chưa được hỗ trợ nhà ở"
        else:
            reason = "Chưa đủ thông tin vật liệu nhà (tường, cột, mái), chưa được hỗ trợ nhà ở"
        rows.append(_row("housing", r, reason))
    return GapResult(len(households), rows)


def _evaluate_flag(
    db: Database,
    gap: str,
    *,
    on_date: str,
    village_id: int | None,
    classes: Sequence[str],
    column: str,
    list_name: str,
    no_reason: str,
    unknown_reason: str,
) -> GapResult:
    good = _extra_codes(db, list_name, "hygienic")
    households = _households(db, classes, village_id, f", h.{column} AS value")
    supported = _supported(db, gap, on_date, member=False)
    rows = []
    for r in households:
        if r["value"] in good or r["household_id"] in supported:
            continue
        rows.append(_row(gap, r, no_reason if r["value"] else unknown_reason))
    return GapResult(len(households), rows)


def evaluate_water(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> GapResult:
    return _evaluate_flag(
        db,
        "water",
        on_date=on_date,
        village_id=village_id,
        classes=classes,
        column="water_source",
        list_name="water_source",
        no_reason="Chưa có nước sinh hoạt hợp vệ sinh",
        unknown_reason="Chưa có thông tin nguồn nước",
    )


def evaluate_latrine(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> GapResult:
    return _evaluate_flag(
        db,
        "latrine",
        on_date=on_date,
        village_id=village_id,
        classes=classes,
        column="latrine_type",
        list_name="latrine_type",
        no_reason="Chưa có nhà tiêu hợp vệ sinh",
        unknown_reason="Chưa có thông tin nhà tiêu",
    )


def evaluate_internet(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> GapResult:
    households = _households(db, classes, village_id, ", h.internet_use")
    rows = []
    for r in households:
        if r["internet_use"] == 1:
            continue
        reason = (
            "Không có thành viên sử dụng internet" if r["internet_use"] == 0 else "Chưa có thông tin sử dụng internet"
        )
        rows.append(_row("internet", r, reason))
    return GapResult(len(households), rows)


def evaluate_information(
    db: Database, *, on_date: str, village_id: int | None = None, classes: Sequence[str] = POOR_AND_NEAR
) -> GapResult:
    households = _households(db, classes, village_id, ", h.info_devices, h.loudspeaker_reach")
    supported = _supported(db, "information", on_date, member=False)
    rows = []
    for r in households:
        if (r["info_devices"] or "").strip() or r["loudspeaker_reach"] == 1 or r["household_id"] in supported:
            continue
        rows.append(_row("information", r, "Không có phương tiện tiếp cận thông tin, không nghe được loa truyền thanh"))
    return GapResult(len(households), rows)


GAPS: dict[str, GapKind] = {
    g.code: g
    for g in (
        GapKind("health_insurance", "Thành viên hộ nghèo, cận nghèo chưa có thẻ BHYT còn hạn", True, evaluate_hi),
        GapKind("school", "Trẻ em 3–15 tuổi thuộc hộ nghèo, cận nghèo không đi học", True, evaluate_school),
        GapKind("housing", "Hộ nghèo ở nhà không bền chắc chưa được hỗ trợ nhà ở", False, evaluate_housing),
        GapKind("water", "Hộ nghèo, cận nghèo chưa có nước sinh hoạt hợp vệ sinh", False, evaluate_water),
        GapKind("latrine", "Hộ nghèo, cận nghèo chưa có nhà tiêu hợp vệ sinh", False, evaluate_latrine),
        GapKind("internet", "Hộ nghèo, cận nghèo không sử dụng internet", False, evaluate_internet),
        GapKind("information", "Hộ nghèo, cận nghèo chưa tiếp cận thông tin", False, evaluate_information),
    )
}


def evaluate(db: Database, gap: str, *, on_date: str | None = None, village_id: int | None = None) -> GapResult:
    """Population and uncovered rows of one gap on a date (default today)."""
    db.require(Permission.VIEW)
    kind = GAPS.get(gap)
    if kind is None:
        raise ValidationFailed(ValidationIssue("Danh sách", "không có loại thiếu hụt này.", value=gap))
    return kind.evaluate(db, on_date=on_date or clock.today_iso(), village_id=village_id)


def list_gaps(db: Database, gap: str, *, on_date: str | None = None, village_id: int | None = None) -> list[GapRow]:
    """The rows of one gap list (village, household, head, member, reason), filterable by village."""
    return evaluate(db, gap, on_date=on_date, village_id=village_id).rows


def _vn_date(value: str | None) -> str:
    if not value or len(value) != 10:
        return value or ""
    return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"


# ------------------------------------------------------ the printable list ----
def gap_document(db: Database, gap: str, *, on_date: str | None = None, village_id: int | None = None) -> GapListDoc:
    """The gap list to write to a file (``export.coverage_pdf.write_gap_list``): the rows the screen shows."""
    db.require(Permission.EXPORT)
    on_date = on_date or clock.today_iso()
    kind = GAPS.get(gap)
    if kind is None:
        raise ValidationFailed(ValidationIssue("Danh sách", "không có loại thiếu hụt này.", value=gap))
    rows = list_gaps(db, gap, on_date=on_date, village_id=village_id)
    commune = db.row("SELECT name, chairman_name, preparer_name FROM commune WHERE id = 1") or {}
    village = (
        db.scalar("SELECT name FROM village WHERE id = ?", (village_id,)) if village_id else None
    ) or "Tất cả các thôn"
    name = commune.get("name") or "xã"
    place = name.split(" ", 1)[1] if " " in name else name
    if kind.member_level:
        columns = ["Thôn", "Mã hộ", "Chủ hộ", "Thành viên", "Phân loại", "Lý do"]
        widths = [1.3, 0.9, 1.6, 1.6, 1.1, 2.6]
        data = [[r.village_name, r.household_code, r.head_name, r.member_name, r.class_label, r.reason] for r in rows]
    else:
        columns = ["Thôn", "Mã hộ", "Chủ hộ", "Phân loại", "Lý do"]
        widths = [1.4, 1.0, 1.8, 1.2, 3.4]
        data = [[r.village_name, r.household_code, r.head_name, r.class_label, r.reason] for r in rows]
    return GapListDoc(
        commune_header=f"UBND {name}",
        title=kind.title,
        village=village,
        on_date=_vn_date(on_date),
        columns=columns,
        rows=data,
        widths=widths,
        preparer=commune.get("preparer_name") or "",
        chairman=commune.get("chairman_name") or "",
        place=place,
    )
