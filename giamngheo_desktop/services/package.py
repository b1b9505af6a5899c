"""The upload package's contents and its sequence numbers (see ``docs/package-format.md``).

:func:`make_package` works out what goes in a period's package (the report workbook's
tables, the data file, the manifest's facts), hands it to the writer it is given
(``export.package.write_package``) and records the package's sequence number once the
file is in place. :func:`combined_bieu1` turns several communes' packages into one Biểu 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from giamngheo_desktop import __version__, clock
from giamngheo_desktop.domain import office as office_rules
from giamngheo_desktop.domain.documents import PACKAGE_FORMAT, PackageContents, PackageResult
from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.domain.periods import Period
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.report import ReportData, ReportRow, build_headers, column_numbers
from giamngheo_desktop.services import reporting
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage import audit as audit_storage
from giamngheo_desktop.storage.connection import Database

CLASSES_SENT = ("poor", "near_poor", "newly_escaped")


def package_data(db: Database, period: Period) -> dict[str, Any]:
    """The machine-readable data: households of the classes the office tracks, their members
    (name, birth year, sex, ID number, ethnicity, relationship), and the supports of the period."""
    commune = db.row("SELECT name, code, province, area_type FROM commune WHERE id = 1") or {}
    if commune:
        commune = {**commune, **reporting.commune_identity(db, period)}  # in force at the period's end
    villages = {r["id"]: r for r in db.rows("SELECT id, code, name FROM village")}
    src = reporting.load_source(db, period)
    wanted = {h.id: h for h in src.households if h.cls in CLASSES_SENT}
    members: dict[int, list[dict[str, Any]]] = {}
    for m in db.rows(
        """SELECT household_id, full_name, birth_year, sex, id_number, ethnicity_code, relationship_code
           FROM member WHERE deleted_at IS NULL AND life_status = 'living' ORDER BY household_id, sort_order, id"""
    ):
        if m["household_id"] in wanted:
            hid = m.pop("household_id")
            members.setdefault(hid, []).append(m)
    decisions = {r["id"]: r for r in db.rows("SELECT id, class_date, class_decision FROM household")}
    households = []
    for hid, h in sorted(wanted.items(), key=lambda kv: kv[1].code):
        v = villages.get(h.village_id) or {"code": "", "name": ""}
        d = decisions.get(hid) or {}
        households.append(
            {
                "code": h.code,
                "village_code": v["code"],
                "village": v["name"],
                "class": h.cls,
                "class_date": d.get("class_date"),
                "decision": d.get("class_decision") or "",
                "persons": h.persons,
                "ethnic_minority": h.ethnic_minority,
                "local_indigenous": h.local_indigenous,
                "merit_person": h.merit,
                "no_labour_capacity": h.no_labour,
                "female_head": h.female_head,
                "members": members.get(hid, []),
            }
        )
    supports = db.rows(
        """SELECT h.code AS household_code, s.type_code, s.support_date, s.quantity, s.unit, s.amount,
                  s.funding_source, p.code AS programme_code
           FROM support_record s JOIN household h ON h.id = s.household_id
           LEFT JOIN programme p ON p.id = s.programme_id
           WHERE s.deleted_at IS NULL AND s.support_date BETWEEN ? AND ? ORDER BY s.support_date, s.id""",
        (period.start.isoformat(), period.end.isoformat()),
    )
    counts = reporting.bieu1_counts(src.households)
    return {
        "format": PACKAGE_FORMAT,
        "commune": {"code": commune.get("code"), "name": commune.get("name"), "province": commune.get("province")},
        "period": {
            "key": period.key,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "source": {"round_id": src.round_id, "round_name": src.round_name, "notes": src.notes},
        "summary": {"bieu1_counts": counts},
        "households": households,
        "supports": supports,
    }


def make_package(
    db: Database,
    *,
    period: Period,
    write: Callable[[PackageContents], PackageResult],
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PackageResult:
    """Work out the period's package, let ``write`` put it in a file, then record its sequence number."""
    db.require(Permission.EXPORT)
    period = reporting.resolve_period(db, period)
    if not db.read_only:
        audit_storage.seal(db, "package")  # the package's manifest carries this head as its anchor
    kinds = reporting.kinds_for(period)
    steps = len(kinds) + 2
    reports = reporting.build_reports(
        db,
        kinds=kinds,
        period=period,
        progress=(lambda d, _t: progress(d, steps)) if progress else None,
        cancelled=cancelled,
    )
    if cancelled is not None and cancelled():
        raise BadFile("Đã hủy tạo gói dữ liệu.", code="cancelled")
    data = package_data(db, period)
    data["reports"] = [office_rules.report_to_json(r) for r in reports]  # the tables, readable by the office
    if progress:
        progress(steps - 1, steps)
    commune = dict(data["commune"]) if data.get("commune") else {"name": "", "code": ""}
    contents = PackageContents(
        commune={"code": commune["code"], "name": commune["name"]},
        period=data["period"],
        file_key=period.file_key,
        sequence=int(
            db.scalar("SELECT COALESCE(max(sequence), 0) + 1 FROM report_package WHERE period = ?", (period.key,))
        ),
        created_at=clock.now_iso(),
        app_version=__version__,
        schema_version=int(db.scalar("PRAGMA user_version") or 0),
        reports=reports,
        data=data,
        audit_head=audit_storage.head(db.conn),
    )
    result = write(contents)
    record_package(db, contents, result)
    if progress:
        progress(steps, steps)
    return result


def record_package(db: Database, contents: PackageContents, result: PackageResult) -> Changes:
    """Remember that the package was made (the next one of the period gets the next number)."""
    db.require(Permission.EXPORT)
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO report_package (period, sequence, created_at, file_name, sha256) VALUES (?, ?, ?, ?, ?)",
            (contents.period["key"], contents.sequence, contents.created_at, result.path.name, result.sha256),
        )
    return Changes()


def combined_bieu1(entries: Sequence[tuple[dict[str, Any], list[int]]]) -> ReportData:
    """Several communes' packages (manifest, Biểu 1 counts) → Biểu 1 with one row per commune and the total."""
    periods_seen = sorted({m["period"]["label"] for m, _ in entries})
    cells, depth, count = build_headers(reporting.bieu1_specs("Xã, phường"))
    report = ReportData(
        kind="combined_bieu1",
        code="Biểu 1",
        title=reporting.BIEU1_TITLE,
        period_label="; ".join(periods_seen),
        authority="",
        unit_name="",
        place="",
        headers=cells,
        header_rows=depth,
        column_kinds=list(reporting.BIEU1_KINDS),
        column_numbers=column_numbers(count),
        widths=[0.6, 2.6] + [1.0] * (count - 2),
    )
    total = [0] * 8
    for n, (manifest, counts) in enumerate(sorted(entries, key=lambda e: e[0]["commune"]["code"]), start=1):
        total = [a + b for a, b in zip(total, counts, strict=True)]
        name = f"{manifest['commune']['name']} ({manifest['commune']['code']})"
        report.rows.append(ReportRow((n, name, *reporting.bieu1_values(counts)), "unit"))
    report.rows.append(ReportRow(("", "Tổng cộng", *reporting.bieu1_values(total)), "total"))
    report.notes.append(f"Tổng hợp từ {len(entries)} gói dữ liệu; mỗi gói đã kiểm tra mã SHA-256.")
    return report
