"""The upload package for the level above (see ``docs/package-format.md``).

``export_package`` writes one zip per period: the report workbook (``bao-cao.xlsx``), the data
file (``du-lieu.json``) and ``manifest.json`` (commune, period, sequence number, creation time,
app and schema versions, record counts, SHA-256 of every file). ``verify_package`` is what the
receiving office runs first: it refuses tampered files and hostile zips (path traversal, zip
bombs, too many entries) with a Vietnamese message; ``combine_packages`` puts several communes'
Biểu 1 into one workbook.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giamngheo_desktop import __version__, clock
from giamngheo_desktop.domain.errors import BadFile, StorageUnavailable
from giamngheo_desktop.domain.periods import Period
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.report import ReportData, ReportRow, build_headers, column_numbers
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import reporting
from giamngheo_desktop.storage.connection import Database

FORMAT = "giamngheo-goi-du-lieu"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
WORKBOOK = "bao-cao.xlsx"
DATA = "du-lieu.json"
CLASSES_SENT = ("poor", "near_poor", "newly_escaped")

# limits for reading a package (the receiving office opens files from many communes)
MAX_ENTRIES = 50
MAX_ENTRY_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class PackageResult:
    path: Path
    manifest: dict[str, Any]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _schema_version(db: Database) -> int:
    return int(db.scalar("PRAGMA user_version") or 0)


def package_data(db: Database, period: Period) -> dict[str, Any]:
    """The machine-readable data: households of the classes the office tracks, their members
    (name, birth year, sex, ID number, ethnicity, relationship), and the supports of the period."""
    commune = db.row("SELECT name, code, province, area_type FROM commune WHERE id = 1") or {}
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
        "format": FORMAT,
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


def export_package(
    db: Database,
    *,
    period: Period,
    out_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PackageResult:
    """Write the period's package into ``out_dir`` and record its sequence number."""
    db.require(Permission.EXPORT)
    period = reporting.resolve_period(db, period)
    out_dir.mkdir(parents=True, exist_ok=True)
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
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / WORKBOOK
        write_xlsx(reports, book)
        workbook_bytes = book.read_bytes()
    data = package_data(db, period)
    data_bytes = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    if progress:
        progress(steps - 1, steps)
    commune = db.row("SELECT name, code FROM commune WHERE id = 1") or {"name": "", "code": ""}
    sequence = int(
        db.scalar("SELECT COALESCE(max(sequence), 0) + 1 FROM report_package WHERE period = ?", (period.key,))
    )
    files = {WORKBOOK: workbook_bytes, DATA: data_bytes}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "commune": {"code": commune["code"], "name": commune["name"]},
        "period": data["period"],
        "sequence": sequence,
        "created_at": clock.now_iso(),
        "app_version": __version__,
        "schema_version": _schema_version(db),
        "counts": {
            "households": len(data["households"]),
            "members": sum(len(h["members"]) for h in data["households"]),
            "supports": len(data["supports"]),
            "reports": len(reports),
        },
        "reports": [r.kind for r in reports],
        "files": [{"name": n, "size": len(b), "sha256": sha256_bytes(b)} for n, b in files.items()],
    }
    name = f"goi-du-lieu-{commune['code']}-{period.file_key}-lan{sequence:02d}.zip"
    target = out_dir / name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for n, b in files.items():
            zf.writestr(n, b)
    payload = buffer.getvalue()
    try:
        partial = target.with_suffix(".zip.part")
        partial.write_bytes(payload)
        os.replace(partial, target)
    except OSError as exc:
        raise StorageUnavailable(f"Không ghi được tệp {target}: {exc.strerror or exc}.", code="write_failed") from exc
    with db.atomic():
        db.conn.execute(
            "INSERT INTO report_package (period, sequence, created_at, file_name, sha256) VALUES (?, ?, ?, ?, ?)",
            (period.key, sequence, manifest["created_at"], name, sha256_bytes(payload)),
        )
    if progress:
        progress(steps, steps)
    return PackageResult(target, manifest)


# ------------------------------------------------------------- receiving ----
def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                out += chunk
                if len(out) > MAX_ENTRY_BYTES or len(out) > max(info.compress_size, 1) * MAX_RATIO + 1_000_000:
                    raise BadFile(
                        f"Gói {label}: tệp «{info.filename}» giải nén ra quá lớn (nghi là bom nén); không mở gói này.",
                        code="zip_bomb",
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise BadFile(
            f"Gói {label}: tệp «{info.filename}» bên trong bị hỏng (không giải nén được); hãy chép lại gói từ nơi gửi.",
            code="damaged",
        ) from exc
    return bytes(out)


def read_package(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Check a package and return (manifest, files). Raises :class:`BadFile` with the reason."""
    label = path.name
    if not path.is_file():
        raise BadFile(f"Không tìm thấy tệp gói dữ liệu {path}.", code="missing")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:  # damaged headers too
        raise BadFile(f"Tệp {label} không phải gói dữ liệu hợp lệ (không đọc được tệp nén).", code="not_zip") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BadFile(
                f"Gói {label} có {len(infos)} tệp bên trong, nhiều bất thường; không mở gói này.", code="too_many"
            )
        total = 0
        for info in infos:
            if not _safe_name(info.filename):
                raise BadFile(
                    f"Gói {label} chứa đường dẫn không an toàn «{info.filename}» (ra ngoài thư mục); không mở gói này.",
                    code="path_traversal",
                )
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or ratio > MAX_RATIO:
                raise BadFile(
                    f"Gói {label}: tệp «{info.filename}» giải nén ra quá lớn (nghi là bom nén); không mở gói này.",
                    code="zip_bomb",
                )
        names = [i.filename for i in infos]
        if MANIFEST not in names:
            raise BadFile(f"Gói {label} thiếu tệp manifest.json.", code="no_manifest")
        try:
            manifest = json.loads(_read_limited(zf, zf.getinfo(MANIFEST), label).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadFile(f"Tệp manifest.json trong gói {label} bị hỏng.", code="bad_manifest") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BadFile(f"Tệp {label} không phải gói dữ liệu của phần mềm giảm nghèo.", code="bad_manifest")
        if int(manifest.get("format_version") or 0) > FORMAT_VERSION:
            raise BadFile(f"Gói {label} được tạo bởi phiên bản mới hơn; hãy cập nhật phần mềm.", code="too_new")
        listed = {f.get("name"): f for f in manifest.get("files") or [] if isinstance(f, dict)}
        extra = sorted(set(names) - set(listed) - {MANIFEST})
        if extra:
            raise BadFile(f"Gói {label} có tệp không ghi trong manifest: {', '.join(extra)}.", code="unlisted")
        files: dict[str, bytes] = {}
        for name, meta in listed.items():
            if name not in names:
                raise BadFile(f"Gói {label} thiếu tệp {name} ghi trong manifest.", code="missing_file")
            data = _read_limited(zf, zf.getinfo(name), label)
            if sha256_bytes(data) != meta.get("sha256"):
                raise BadFile(
                    f"Tệp {name} trong gói {label} đã bị thay đổi (mã SHA-256 không khớp manifest); "
                    "đề nghị xã gửi lại gói.",
                    code="tampered",
                )
            files[name] = data
    return manifest, files


def verify_package(path: Path) -> dict[str, Any]:
    manifest, _ = read_package(path)
    return manifest


def combine_packages(paths: Sequence[Path], out: Path) -> tuple[Path, ReportData]:
    """Several communes' packages → one workbook: Biểu 1 with one row per commune and the total."""
    if not paths:
        raise BadFile("Chưa chọn gói dữ liệu nào để tổng hợp.", code="empty")
    entries: list[tuple[dict[str, Any], list[int]]] = []
    for p in paths:
        manifest, files = read_package(Path(p))
        try:
            data = json.loads(files[DATA].decode("utf-8"))
            counts = [int(x) for x in data["summary"]["bieu1_counts"]]
        except (KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise BadFile(f"Tệp dữ liệu trong gói {Path(p).name} không đọc được.", code="bad_data") from exc
        code = manifest.get("commune", {}).get("code")
        if any(m["commune"]["code"] == code for m, _ in entries):
            raise BadFile(
                f"Có hai gói của cùng một xã (mã {code}); chỉ chọn gói mới nhất của mỗi xã.", code="duplicate"
            )
        entries.append((manifest, counts))
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
    write_xlsx(report, out)
    return out, report
