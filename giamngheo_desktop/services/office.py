"""Receiving-office mode: the office, its communes, packages taken in, the status
board, combined reports and checks across communes. Works on an office file
(``storage.office_db.open_office``), never on a commune's register.

* The office and its communes: :func:`setup_office`, :func:`save_commune`,
  :func:`import_communes` (rows of an administrative-unit list), :func:`register_key`.
* :func:`receive_packages` takes in many packages at once. The caller hands it ``opener``
  (``export.package`` opens and verifies the zip: structure, checksums, signature); this module
  checks what only the office knows — the commune is on its list, the key it registered, the
  period, the sequence number against what was received — and stores what the package holds,
  one transaction per package. A package received already changes nothing; a newer sending
  replaces the older one as the current one (both kept); a refused package stores nothing.
* :func:`status_board` — sent / late / missing per commune against the reporting calendar.
* :func:`combined_report` / :func:`combined_reports` — every table the communes sent, communes
  as rows and the office total; :func:`commune_report` — one commune's own table.
* :func:`cross_checks` — the same ID number in two communes, data disagreeing with the
  package's own totals, start-of-year figures differing from the previous end-of-year ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import office as rules
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import DomainError, NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor, Permission
from giamngheo_desktop.domain.report import INT, TEXT, ReportData, ReportRow, build_headers, column_numbers
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage import audit, office_db
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, fold_key, nfc

CLASSES = ("poor", "near_poor", "newly_escaped")


# ------------------------------------------------------------------ office ----
@dataclass
class OfficeSettings:
    name: str
    level: str = "province"  # 'province' (Sở) or 'commune' (Phòng Kinh tế of a commune)
    province: str = ""
    province_code: str = ""
    preparer_name: str = ""
    head_name: str = ""


def has_office(db: Database) -> bool:
    return bool(db.scalar("SELECT count(*) FROM office"))


def get_office(db: Database) -> OfficeSettings:
    row = db.row("SELECT * FROM office WHERE id = 1")
    if row is None:
        raise NotFound("Tệp này chưa khai báo cơ quan tiếp nhận (lệnh `office init`).")
    return OfficeSettings(
        row["name"], row["level"], row["province"], row["province_code"], row["preparer_name"], row["head_name"]
    )


def setup_office(db: Database, settings: OfficeSettings) -> Changes:
    db.require(Permission.MANAGE_SETTINGS)
    name = nfc(settings.name)
    issues = []
    if not name:
        issues.append(ValidationIssue("name", "Chưa nhập tên cơ quan tiếp nhận."))
    if settings.level not in rules.LEVELS:
        issues.append(ValidationIssue("level", "Cấp của cơ quan phải là «province» (tỉnh) hoặc «commune» (xã)."))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute(
            """INSERT INTO office (id, name, level, province, province_code, preparer_name, head_name, created_at)
               VALUES (1, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level,
                 province = excluded.province, province_code = excluded.province_code,
                 preparer_name = excluded.preparer_name, head_name = excluded.head_name""",
            (
                name,
                settings.level,
                nfc(settings.province),
                nfc(settings.province_code),
                nfc(settings.preparer_name),
                nfc(settings.head_name),
                clock.now_iso(),
            ),
        )
        audit.record(db, action="office_setup", entity="office", entity_id=1, new={"name": name})
    return Changes(commune=True)


# ---------------------------------------------------------------- communes ----
@dataclass
class CommuneEntry:
    code: str
    name: str
    unit_type: str = "xa"
    public_key: str = ""
    key_id: str = ""
    active: bool = True
    note: str = ""
    id: int | None = None
    key_registered_at: str | None = None

    @property
    def type_label(self) -> str:
        return rules.UNIT_TYPES.get(self.unit_type, self.unit_type)


def _entry(r: dict[str, Any]) -> CommuneEntry:
    return CommuneEntry(
        r["code"],
        r["name"],
        r["unit_type"],
        r["public_key"],
        r["key_id"],
        bool(r["active"]),
        r["note"],
        r["id"],
        r["key_registered_at"],
    )


def list_communes(db: Database, *, active_only: bool = False) -> list[CommuneEntry]:
    where = "WHERE active = 1" if active_only else ""
    return [_entry(r) for r in db.rows(f"SELECT * FROM office_commune {where} ORDER BY code")]


def find_commune(db: Database, code: str) -> CommuneEntry | None:
    row = db.row("SELECT * FROM office_commune WHERE code = ?", (code,))
    return _entry(row) if row else None


def type_from_name(name: str) -> str:
    f = fold(name)
    if f.startswith("phuong"):
        return "phuong"
    if f.startswith("dac khu"):
        return "dac_khu"
    return "xa"


def _clean_type(value: str, name: str) -> str | None:
    f = fold_key(value)
    if not f:
        return type_from_name(name)
    for key, label in rules.UNIT_TYPES.items():
        if f in (key.replace("_", ""), fold_key(label)):
            return key
    if f in ("thitran",):  # towns of the old three tiers are communes of the list now
        return "xa"
    return None


def validate_commune(entry: CommuneEntry, row: int | None = None) -> tuple[CommuneEntry, list[ValidationIssue]]:
    code = nfc(entry.code).replace(" ", "")
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)  # Excel drops the leading zeros of "00004"
    name = nfc(entry.name)
    issues = []
    if not re.fullmatch(r"[0-9]{5}", code):
        issues.append(ValidationIssue("code", "Mã xã phải gồm 5 chữ số (mã đơn vị hành chính).", row=row, value=code))
    if not name or len(name) > 120:
        issues.append(ValidationIssue("name", "Tên xã phải có từ 1 đến 120 ký tự.", row=row, value=name))
    unit_type = _clean_type(entry.unit_type, name)
    if unit_type is None:
        issues.append(
            ValidationIssue("unit_type", "Loại đơn vị phải là Xã, Phường hoặc Đặc khu.", row=row, value=entry.unit_type)
        )
    cleaned = CommuneEntry(
        code, name, unit_type or "xa", entry.public_key, entry.key_id, entry.active, nfc(entry.note), entry.id
    )
    return cleaned, issues


def save_commune(db: Database, entry: CommuneEntry) -> Changes:
    """Add a commune (``entry.id`` None) or save one; its key is registered with :func:`register_key`."""
    db.require(Permission.MANAGE_SETTINGS)
    cleaned, issues = validate_commune(entry)
    other = db.scalar("SELECT id FROM office_commune WHERE code = ?", (cleaned.code,))
    if other is not None and other != entry.id:
        issues.append(ValidationIssue("code", f"Mã xã {cleaned.code} đã có trong danh sách.", value=cleaned.code))
    if issues:
        raise ValidationFailed(issues)
    now = clock.now_iso()
    with db.atomic() as conn:
        if entry.id is None:
            cur = conn.execute(
                """INSERT INTO office_commune (code, name, name_fold, unit_type, active, note, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (cleaned.code, cleaned.name, fold(cleaned.name), cleaned.unit_type, int(cleaned.active),
                 cleaned.note, now, now),
            )  # fmt: skip
            new_id = int(cur.lastrowid or 0)
        else:
            before = db.row("SELECT code FROM office_commune WHERE id = ?", (entry.id,))
            if before is None:
                raise NotFound("Không tìm thấy xã này trong danh sách.")
            if before["code"] != cleaned.code and db.scalar(
                "SELECT count(*) FROM office_sending WHERE commune_id = ?", (entry.id,)
            ):
                raise ValidationFailed(
                    [ValidationIssue("code", "Xã đã gửi gói dữ liệu nên không đổi được mã; hãy thêm xã mới.")]
                )
            conn.execute(
                """UPDATE office_commune SET code = ?, name = ?, name_fold = ?, unit_type = ?, active = ?, note = ?,
                   updated_at = ? WHERE id = ?""",
                (cleaned.code, cleaned.name, fold(cleaned.name), cleaned.unit_type, int(cleaned.active),
                 cleaned.note, now, entry.id),
            )  # fmt: skip
            new_id = entry.id
        audit.record(
            db, action="office_commune_save", entity="office_commune", entity_id=new_id,
            new={"code": cleaned.code, "name": cleaned.name, "unit_type": cleaned.unit_type, "active": cleaned.active},
        )  # fmt: skip
    return Changes(commune=True, id=new_id)


def register_key(db: Database, line: str, *, replace: bool = False) -> Changes:
    """Record the public key line a commune gave (``keys show`` at the commune) against its code."""
    db.require(Permission.MANAGE_SETTINGS)
    try:
        code, raw = rules.parse_key_line(line)
    except ValueError as exc:
        raise ValidationFailed([ValidationIssue("public_key", str(exc))]) from exc
    row = db.row("SELECT id, public_key, key_id FROM office_commune WHERE code = ?", (code,))
    if row is None:
        raise ValidationFailed(
            [ValidationIssue("public_key", f"Xã mã {code} chưa có trong danh sách xã; hãy thêm xã trước.", value=code)]
        )
    kid = rules.key_id(raw)
    if row["key_id"] and row["key_id"] != kid and not replace:
        raise ValidationFailed(
            [
                ValidationIssue(
                    "public_key",
                    f"Xã {code} đã có khóa khác (mã khóa {row['key_id']}). Chỉ thay khi đã gọi điện xác nhận "
                    "với xã rằng họ đổi khóa.",
                    code="key_conflict",
                )
            ]
        )
    with db.atomic() as conn:
        conn.execute(
            "UPDATE office_commune SET public_key = ?, key_id = ?, key_registered_at = ?, updated_at = ? WHERE id = ?",
            (line.strip(), kid, clock.now_iso(), clock.now_iso(), row["id"]),
        )
        audit.record(
            db, action="office_key", entity="office_commune", entity_id=row["id"],
            old={"key_id": row["key_id"]}, new={"key_id": kid},
        )  # fmt: skip
    return Changes(commune=True, id=row["id"])


# the official administrative-unit list (danhmuchanhchinh.gso.gov.vn and the 2025 lists): header words
_CODE_HEADERS = ("mapx", "maxa", "maphuongxa", "madonvi", "madvhc", "ma", "maso", "code")
_NAME_HEADERS = ("tenphuongxa", "tenpx", "tenxa", "tendonvi", "tendvhc", "ten", "name", "donvihanhchinh")
_TYPE_HEADERS = ("cap", "loai", "loaidonvi", "capdonvi", "type")
_PROVINCE_HEADERS = ("tentinhthanhpho", "tentinh", "tinhthanhpho", "tinh", "province")


@dataclass
class CommuneListResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_other_province: int = 0
    issues: list[ValidationIssue] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def _find_header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]]:
    for r, row in enumerate(rows[:30]):
        keys = [fold_key(str(v)) if v is not None else "" for v in row]
        found: dict[str, int] = {}
        for what, names in (
            ("code", _CODE_HEADERS),
            ("name", _NAME_HEADERS),
            ("type", _TYPE_HEADERS),
            ("province", _PROVINCE_HEADERS),
        ):
            for name in names:  # the most specific header word first
                if name in keys and keys.index(name) not in found.values():
                    found[what] = keys.index(name)
                    break
        if "code" in found and "name" in found:
            return r, found
    raise ValidationFailed(
        [
            ValidationIssue(
                "file",
                "Không tìm thấy dòng tiêu đề của danh mục đơn vị hành chính: cần cột «Mã» (hoặc «Mã PX») và "
                "cột «Tên» (hoặc «Tên Phường Xã»); cột «Cấp» là loại đơn vị (Xã, Phường, Đặc khu).",
            )
        ]
    )


def import_communes(
    db: Database,
    rows: Sequence[Sequence[Any]],
    *,
    row_numbers: Sequence[int] | None = None,
    province: str = "",
    dry_run: bool = False,
) -> CommuneListResult:
    """Add or update communes from an administrative-unit list (rows of cells, header found by its words).

    ``province`` keeps only the rows of that province when the list has a province column (the
    national list). Errors name the row; with any error nothing is written.
    """
    db.require(Permission.MANAGE_SETTINGS)
    start, cols = _find_header(rows)
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    result = CommuneListResult()
    wanted_province = fold(province)
    seen: dict[str, int] = {}
    entries: list[CommuneEntry] = []

    def cell(row: Sequence[Any], what: str) -> str:
        i = cols.get(what)
        if i is None or i >= len(row) or row[i] is None:
            return ""
        v = row[i]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return nfc(str(v))

    for idx in range(start + 1, len(rows)):
        row = rows[idx]
        line = numbers[idx]
        code, name = cell(row, "code"), cell(row, "name")
        if not code and not name:
            continue
        if (
            wanted_province
            and "province" in cols
            and fold(cell(row, "province")).replace("tinh ", "").replace("thanh pho ", "")
            != wanted_province.replace("tinh ", "").replace("thanh pho ", "")
        ):
            result.skipped_other_province += 1
            continue
        entry, issues = validate_commune(CommuneEntry(code, name, cell(row, "type")), row=line)
        if entry.code in seen and not issues:
            issues.append(
                ValidationIssue("code", f"Mã xã {entry.code} lặp lại (đã có ở dòng {seen[entry.code]}).", row=line)
            )
        seen.setdefault(entry.code, line)
        result.issues += issues
        if not issues:
            entries.append(entry)
    if result.issues or dry_run:
        return result
    known = {c.code: c for c in list_communes(db)}
    now = clock.now_iso()
    with db.atomic() as conn:
        for e in entries:
            old = known.get(e.code)
            if old is None:
                conn.execute(
                    """INSERT INTO office_commune (code, name, name_fold, unit_type, created_at, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    (e.code, e.name, fold(e.name), e.unit_type, now, now),
                )
                result.added += 1
            elif (old.name, old.unit_type) != (e.name, e.unit_type):
                conn.execute(
                    "UPDATE office_commune SET name = ?, name_fold = ?, unit_type = ?, updated_at = ? WHERE id = ?",
                    (e.name, fold(e.name), e.unit_type, now, old.id),
                )
                result.updated += 1
            else:
                result.unchanged += 1
        audit.record(
            db, action="office_commune_import", entity="office_commune",
            new={"added": result.added, "updated": result.updated, "unchanged": result.unchanged},
        )  # fmt: skip
    result.changes = Changes(commune=True, count=result.added + result.updated)
    return result


# ------------------------------------------------------------ taking in ----
Opener = Callable[[Path], rules.OpenedPackage]


@dataclass
class Received:
    file: str
    commune_code: str
    commune_name: str
    period_key: str
    period_label: str
    sequence: int
    replaced: int | None = None  # the sequence number it replaced as the current sending
    notes: list[str] = field(default_factory=list)


@dataclass
class Refused:
    file: str
    reason: str
    code: str = "refused"


@dataclass
class ReceiveSummary:
    received: list[Received] = field(default_factory=list)
    unchanged: list[Received] = field(default_factory=list)  # received before: nothing changed
    refused: list[Refused] = field(default_factory=list)
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        def one(r: Received) -> dict[str, Any]:
            return {
                "file": r.file,
                "commune": r.commune_code,
                "name": r.commune_name,
                "period": r.period_key,
                "sequence": r.sequence,
                "replaced": r.replaced,
                "notes": r.notes,
            }

        return {
            "received": [one(r) for r in self.received],
            "unchanged": [one(r) for r in self.unchanged],
            "refused": [{"file": r.file, "reason": r.reason, "code": r.code} for r in self.refused],
            "cancelled": self.cancelled,
        }


class _Refuse(DomainError):
    code = "refused"


@dataclass
class _Candidate:
    path: Path
    commune_id: int
    commune: CommuneEntry
    opened: rules.OpenedPackage
    period: periods.Period
    households: list[dict[str, Any]]
    reports: list[ReportData]
    notes: list[str]

    @property
    def sequence(self) -> int:
        return int(self.opened.manifest["sequence"])


def _str(value: Any, where: str, limit: int = 200) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise _Refuse(f"trường «{where}» không phải chữ hợp lệ")
    return value


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _households(data: dict[str, Any]) -> list[dict[str, Any]]:
    raw = data.get("households")
    if not isinstance(raw, list):
        raise _Refuse("du-lieu.json: «households» phải là danh sách hộ")
    out = []
    for n, h in enumerate(raw):
        where = f"households[{n}]"
        if not isinstance(h, dict):
            raise _Refuse(f"du-lieu.json: «{where}» không phải một hộ")
        cls = h.get("class")
        if cls not in CLASSES:
            raise _Refuse(f"du-lieu.json: «{where}.class» là «{cls}», không phải nghèo, cận nghèo hay mới thoát nghèo")
        persons = h.get("persons")
        if persons is not None and not _whole(persons, 0, 99):
            raise _Refuse(f"du-lieu.json: «{where}.persons» không phải số người hợp lệ")
        members = h.get("members")
        if not isinstance(members, list):
            raise _Refuse(f"du-lieu.json: «{where}.members» phải là danh sách")
        clean_members = []
        for k, m in enumerate(members):
            mw = f"{where}.members[{k}]"
            if not isinstance(m, dict):
                raise _Refuse(f"du-lieu.json: «{mw}» không phải một nhân khẩu")
            id_number = _str(m.get("id_number"), f"{mw}.id_number", 12)
            if id_number and not id_number.isdigit():
                raise _Refuse(f"du-lieu.json: «{mw}.id_number» không phải số định danh")
            birth = m.get("birth_year")
            if birth is not None and not _whole(birth, 1880, 2200):
                raise _Refuse(f"du-lieu.json: «{mw}.birth_year» không phải năm sinh hợp lệ")
            sex = m.get("sex")
            if sex not in (None, "M", "F"):
                raise _Refuse(f"du-lieu.json: «{mw}.sex» phải là M hoặc F")
            clean_members.append(
                {"full_name": nfc(_str(m.get("full_name"), f"{mw}.full_name")), "birth_year": birth, "sex": sex,
                 "id_number": id_number}
            )  # fmt: skip
        out.append(
            {
                "code": nfc(_str(h.get("code"), f"{where}.code", 40)),
                "village": nfc(_str(h.get("village"), f"{where}.village")),
                "class": cls,
                "persons": persons,
                "data": {k: v for k, v in h.items() if k != "members"},
                "members": clean_members,
            }
        )
    return out


def _reports(data: dict[str, Any]) -> list[ReportData]:
    raw = data.get("reports")
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 200:
        raise _Refuse("du-lieu.json: «reports» phải là danh sách bảng")
    out = []
    for n, r in enumerate(raw):
        try:
            out.append(rules.report_from_json(r))
        except ValueError as exc:
            raise _Refuse(f"du-lieu.json: bảng báo cáo thứ {n + 1} không đọc được ({exc})") from exc
    kinds = [r.kind for r in out]
    if len(set(kinds)) != len(kinds):
        raise _Refuse("du-lieu.json: có hai bảng báo cáo cùng loại")
    return out


def _period(manifest: dict[str, Any]) -> periods.Period:
    p = manifest.get("period")
    if not isinstance(p, dict):
        raise _Refuse("manifest: thiếu kỳ báo cáo")
    try:
        parsed = periods.parse(str(p.get("key")))
        start, end = date.fromisoformat(str(p.get("start"))), date.fromisoformat(str(p.get("end")))
    except (ValidationFailed, ValueError) as exc:
        raise _Refuse(f"kỳ báo cáo «{p.get('key')}» không hợp lệ") from exc
    if parsed.kind != "round" and (parsed.start, parsed.end) != (start, end):
        raise _Refuse(f"kỳ «{parsed.key}» ghi ngày {start}..{end}, không khớp với kỳ")
    label = p.get("label") if isinstance(p.get("label"), str) else parsed.label
    return periods.Period(parsed.kind, start, end, parsed.key, label or parsed.label, parsed.round_id)


def _candidate(db: Database, path: Path, opened: rules.OpenedPackage, today: date) -> _Candidate:
    m = opened.manifest
    commune: dict[str, Any] = m["commune"] if isinstance(m.get("commune"), dict) else {}
    code = str(commune.get("code") or "")
    entry = find_commune(db, code)
    if entry is None or entry.id is None:
        raise _Refuse(
            f"xã {commune.get('name') or ''} (mã {code}) không có trong danh sách xã của cơ quan; "
            "nếu đúng là xã thuộc địa bàn, hãy thêm xã vào danh sách rồi nhận lại gói",
            code="unknown_commune",
        )
    if not entry.active:
        raise _Refuse(f"xã {entry.name} (mã {code}) đang bị tạm ngừng trong danh sách xã", code="inactive_commune")
    signer: dict[str, Any] | None = m["signer"] if isinstance(m.get("signer"), dict) else None
    if entry.key_id:
        if not opened.signature_checked or signer is None:
            raise _Refuse(f"gói không có chữ ký hợp lệ của xã {entry.name} (xã đã đăng ký khóa)", code="unsigned")
        if signer.get("key_id") != entry.key_id:
            raise _Refuse(
                f"gói được ký bằng khóa khác với khóa xã {entry.name} đã đăng ký; nếu xã đổi khóa, hãy gọi điện "
                "xác nhận rồi đăng ký khóa mới",
                code="bad_signature",
            )
    notes = list(opened.notes)
    if not entry.key_id:
        notes.append("xã chưa đăng ký khóa công khai: chưa xác thực được người gửi")
    period = _period(m)
    if period.kind != "round" and period.start > today:
        raise _Refuse(f"kỳ báo cáo {period.label} chưa bắt đầu (gói ghi kỳ trong tương lai)", code="future_period")
    created = str(m.get("created_at") or "")
    try:
        created_day = date.fromisoformat(created[:10])
    except ValueError as exc:
        raise _Refuse("ngày tạo gói không đọc được") from exc
    if (created_day - today).days > 1:
        raise _Refuse(f"ngày tạo gói ({created_day:%d/%m/%Y}) ở tương lai; kiểm tra đồng hồ máy của xã", code="future")
    seq = m.get("sequence")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 9999:
        raise _Refuse("số lần gửi trong manifest không hợp lệ")
    data = opened.data
    if not isinstance(data, dict):
        raise _Refuse("du-lieu.json không phải một nhóm trường")
    dcommune: dict[str, Any] = data["commune"] if isinstance(data.get("commune"), dict) else {}
    if dcommune.get("code") != code:
        raise _Refuse("mã xã trong du-lieu.json khác mã xã trong manifest", code="bad_data")
    households = _households(data)
    reports = _reports(data)
    if not reports:
        notes.append("gói không có bảng số liệu dạng đọc được (gói của phiên bản cũ): chỉ có số tóm tắt Biểu 1")
    return _Candidate(path, entry.id, entry, opened, period, households, reports, notes)


def receive_packages(
    db: Database,
    paths: Sequence[Path],
    opener: Opener,
    *,
    peek: Callable[[Path], rules.Peek | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: date | None = None,
) -> ReceiveSummary:
    """Take in many packages. Each is verified by ``opener`` and by the office's own checks;
    the accepted ones are stored in order of commune, period and sending number, one
    transaction each. A refused package is named with its reason and stores nothing.

    With ``peek`` (what each package says of itself, unverified) the order is worked out first
    and each package is then opened, checked and stored on its own (one package in memory at a
    time); a file whose SHA-256 is that of a current sending is not opened again (nothing changes).
    """
    db.require(Permission.EDIT_REGISTER)
    today = today or clock.today()
    summary = ReceiveSummary()
    total = len(paths)
    if peek is not None:
        peeked = [(Path(p), peek(Path(p))) for p in paths]
        peeked.sort(key=lambda pp: (pp[1].code, pp[1].period_key, pp[1].sequence) if pp[1] else ("", "", 0))
        for i, (path, seen) in enumerate(peeked):
            if cancelled is not None and cancelled():
                summary.cancelled = True
                break
            if seen is not None and (known := _current_by_sha(db, seen.sha256)) is not None:
                summary.unchanged.append(
                    Received(path.name, known["code"], known["name"], known["period_key"], known["period_label"],
                             known["sequence"])
                )  # fmt: skip
            else:
                _take_one(db, path, opener, today, summary)
            if progress:
                progress(i + 1, total)
        return summary
    candidates: list[_Candidate] = []
    for i, path in enumerate(paths):
        if cancelled is not None and cancelled():
            summary.cancelled = True
            return summary
        try:
            candidates.append(_candidate(db, Path(path), opener(Path(path)), today))
        except DomainError as exc:
            summary.refused.append(_refusal(Path(path), exc))
        if progress:
            progress(i + 1, total * 2)
    candidates.sort(key=lambda c: (c.commune.code, c.period.key, c.sequence))
    for j, c in enumerate(candidates):
        if cancelled is not None and cancelled():
            summary.cancelled = True
            break
        try:
            _store(db, c, summary)
        except _Refuse as exc:
            summary.refused.append(_refusal(c.path, exc))
        if progress:
            progress(total + (j + 1) * total // max(len(candidates), 1), total * 2)
    if progress:
        progress(total * 2, total * 2)
    return summary


def _refusal(path: Path, exc: DomainError) -> Refused:
    message = f"Gói {path.name}: {exc}." if isinstance(exc, _Refuse) else str(exc)
    return Refused(path.name, message, exc.code)


def _take_one(db: Database, path: Path, opener: Opener, today: date, summary: ReceiveSummary) -> None:
    try:
        _store(db, _candidate(db, path, opener(path), today), summary)
    except DomainError as exc:
        summary.refused.append(_refusal(path, exc))


def _current_by_sha(db: Database, sha256: str) -> dict[str, Any] | None:
    return db.row(
        """SELECT c.code, c.name, s.period_key, s.period_label, s.sequence FROM office_sending s
           JOIN office_commune c ON c.id = s.commune_id WHERE s.sha256 = ? AND s.current = 1""",
        (sha256,),
    )


def _store(db: Database, c: _Candidate, summary: ReceiveSummary) -> None:
    m = c.opened.manifest
    info = Received(
        c.path.name, c.commune.code, c.commune.name, c.period.key, c.period.label, c.sequence, notes=c.notes
    )
    known = db.row("SELECT current, sequence, received_at FROM office_sending WHERE sha256 = ?", (c.opened.sha256,))
    if known is not None and known["current"]:
        summary.unchanged.append(info)  # the same package again: nothing changes
        return
    if known is not None:
        newer = db.scalar(
            "SELECT max(sequence) FROM office_sending WHERE commune_id = ? AND period_key = ?",
            (c.commune_id, c.period.key),
        )
        raise _Refuse(
            f"là lần gửi thứ {c.sequence} của {c.commune.name}, kỳ {c.period.label}, đã nhận ngày "
            f"{vn_datetime(known['received_at'])} và đã được thay bằng lần thứ {newer}; gói cũ gửi lại "
            "không được nhận (không thay đổi gì)",
            code="replay",
        )
    last = db.row(
        "SELECT max(sequence) AS seq FROM office_sending WHERE commune_id = ? AND period_key = ?",
        (c.commune_id, c.period.key),
    )
    last_seq = int(last["seq"]) if last and last["seq"] is not None else 0
    if c.sequence <= last_seq:
        raise _Refuse(
            f"là lần gửi thứ {c.sequence} của {c.commune.name}, kỳ {c.period.label}, nhưng đã nhận lần thứ "
            f"{last_seq} (gói cũ gửi lại hoặc bị phát lại); không nhận",
            code="replay",
        )
    if c.sequence > last_seq + 1:
        missing = ", ".join(str(n) for n in range(last_seq + 1, c.sequence))
        info.notes.append(f"chưa nhận lần gửi thứ {missing} của kỳ này")
    counts: dict[str, Any] = m["counts"] if isinstance(m.get("counts"), dict) else {}
    bieu1 = (c.opened.data.get("summary") or {}).get("bieu1_counts") or []
    now = clock.now_iso()
    with db.atomic() as conn:
        conn.execute(
            "UPDATE office_sending SET current = 0, replaced_at = ? WHERE commune_id = ? AND period_key = ? "
            "AND current = 1",
            (now, c.commune_id, c.period.key),
        )
        cur = conn.execute(
            """INSERT INTO office_sending (commune_id, period_key, period_kind, period_label, period_start, period_end,
                 sequence, created_at, received_at, source_file, sha256, manifest, households, members, supports,
                 bieu1_counts, notes, current)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
            (c.commune_id, c.period.key, c.period.kind, c.period.label, c.period.start.isoformat(),
             c.period.end.isoformat(), c.sequence, str(m.get("created_at")), now, c.path.name, c.opened.sha256,
             json.dumps(m, ensure_ascii=False), len(c.households), sum(len(h["members"]) for h in c.households),
             int(counts.get("supports") or 0), json.dumps(bieu1), json.dumps(info.notes, ensure_ascii=False)),
        )  # fmt: skip
        sending_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO office_report (sending_id, kind, position, data) VALUES (?, ?, ?, ?)",
            [
                (sending_id, r.kind, n, json.dumps(rules.report_to_json(r), ensure_ascii=False))
                for n, r in enumerate(c.reports)
            ],
        )
        for h in c.households:
            hcur = conn.execute(
                "INSERT INTO office_household (sending_id, code, village, class, persons, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (sending_id, h["code"], h["village"], h["class"], h["persons"],
                 json.dumps(h["data"], ensure_ascii=False, default=str)),
            )  # fmt: skip
            hid = hcur.lastrowid
            conn.executemany(
                "INSERT INTO office_member (household_id, full_name, birth_year, sex, id_number)"
                " VALUES (?, ?, ?, ?, ?)",
                [(hid, mm["full_name"], mm["birth_year"], mm["sex"], mm["id_number"]) for mm in h["members"]],
            )
        audit.record(
            db, action="office_receive", entity="office_sending", entity_id=sending_id,
            new={"commune": c.commune.code, "period": c.period.key, "sequence": c.sequence, "sha256": c.opened.sha256,
                 "file": c.path.name},
        )  # fmt: skip
    if last_seq:
        info.replaced = last_seq
    summary.received.append(info)


class OfficeKeys:
    """The office's registered keys and receipts, shaped like ``export.signing.KeyRegister``
    (``public_key``, ``check_receipt``) so the package reader checks signatures against this
    file; sequence numbers are checked by :func:`receive_packages` itself."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def public_key(self, code: str) -> bytes | None:
        line = self.db.scalar("SELECT public_key FROM office_commune WHERE code = ?", (code,))
        if not line:
            return None
        return rules.parse_key_line(str(line))[1]

    def check_receipt(self, manifest: dict[str, Any], sha256: str) -> Any:
        @dataclass(frozen=True)
        class _Receipt:
            problems: list[str]
            notes: list[str]

            @property
            def ok(self) -> bool:
                return True

        return _Receipt([], [])


# ------------------------------------------------------------ status board ----
@dataclass
class StatusRow:
    code: str
    name: str
    unit_type: str
    status: str
    due: date | None
    first_received: str | None
    received_at: str | None  # the current sending's
    sequence: int | None
    sendings: int
    households: int | None

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]


def periods_received(db: Database) -> list[tuple[str, str]]:
    """(key, label) of the periods any package was received for, newest first."""
    return [
        (r["period_key"], r["period_label"])
        for r in db.rows(
            "SELECT period_key, max(period_label) AS period_label, max(period_end) AS e FROM office_sending "
            "GROUP BY period_key ORDER BY e DESC, period_key DESC"
        )
    ]


def _period_of(db: Database, key: str) -> periods.Period:
    row = db.row(
        "SELECT period_kind, period_start, period_end, period_label FROM office_sending WHERE period_key = ? LIMIT 1",
        (key,),
    )
    if row is not None:
        return periods.Period(
            row["period_kind"],
            date.fromisoformat(row["period_start"]),
            date.fromisoformat(row["period_end"]),
            key,
            row["period_label"],
        )
    return periods.parse(key)


def status_board(
    db: Database, period_key: str, *, today: date | None = None, status: Sequence[str] | None = None
) -> tuple[periods.Period, list[StatusRow]]:
    """Every commune with its status for the period (sent / late / missing / not due), the date received
    and the sending number of its current package; ``status`` keeps only those statuses."""
    db.require(Permission.VIEW)
    today = today or clock.today()
    period = _period_of(db, period_key)
    due = rules.due_date(period.kind, period.start, period.end)
    sent = {
        r["commune_id"]: r
        for r in db.rows(
            """SELECT commune_id, count(*) AS n, min(received_at) AS first,
                      max(CASE WHEN current = 1 THEN received_at END) AS received_at,
                      max(CASE WHEN current = 1 THEN sequence END) AS sequence,
                      max(CASE WHEN current = 1 THEN households END) AS households
               FROM office_sending WHERE period_key = ? GROUP BY commune_id""",
            (period.key,),
        )
    }
    out = []
    for c in db.rows("SELECT * FROM office_commune ORDER BY code"):
        s = sent.get(c["id"])
        if s is None and not c["active"]:
            continue
        first = s["first"] if s else None
        st = rules.status_of(date.fromisoformat(first[:10]) if first else None, due, today)
        out.append(
            StatusRow(
                c["code"], c["name"], c["unit_type"], st, due, first,
                s["received_at"] if s else None, s["sequence"] if s else None, s["n"] if s else 0,
                s["households"] if s else None,
            )
        )  # fmt: skip
    if status:
        out = [r for r in out if r.status in status]
    return period, out


def status_report(db: Database, period_key: str, *, today: date | None = None,
                  status: Sequence[str] | None = None) -> ReportData:  # fmt: skip
    """The status board as a table (xlsx/PDF through the report writers)."""
    period, rows = status_board(db, period_key, today=today, status=status)
    office = get_office(db)
    cells, depth, count = build_headers(
        ["TT", "Xã, phường", "Mã", "Loại", "Tình trạng", "Hạn gửi", "Ngày nhận", "Lần gửi", "Số lần gửi", "Số hộ"]
    )
    report = ReportData(
        kind="office_status", code="", title="TÌNH HÌNH NHẬN GÓI DỮ LIỆU CỦA CÁC XÃ, PHƯỜNG",
        period_label=period.label, authority=office.name.upper(), unit_name=office.name, place="",
        headers=cells, header_rows=depth, column_kinds=[TEXT] * 8 + [INT, INT], column_numbers=column_numbers(count),
        widths=[0.5, 2.6, 0.9, 0.8, 1.8, 1.0, 1.4, 0.7, 0.7, 0.9], signer_title="NGƯỜI LẬP",
    )  # fmt: skip
    for n, r in enumerate(rows, start=1):
        report.rows.append(
            ReportRow(
                (n, r.name, r.code, rules.UNIT_TYPES.get(r.unit_type, ""), r.status_label,
                 r.due.strftime("%d/%m/%Y") if r.due else "", vn_datetime(r.received_at),
                 r.sequence or "", r.sendings, r.households),
                "unit",
            )
        )  # fmt: skip
    counts = {s: sum(1 for r in rows if r.status == s) for s in rules.STATUS_LABELS}
    report.notes.append(
        "; ".join(f"{rules.STATUS_LABELS[s]}: {n}" for s, n in counts.items() if n) or "Không có xã nào."
    )
    cal = rules.default_calendar().get(period.kind) or {}
    if cal.get("basis"):
        report.notes.append(f"Hạn gửi: {cal['basis']}.")
    return report


def vn_datetime(value: str | None) -> str:
    if not value:
        return ""
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d:%d/%m/%Y} {value[11:16]}".strip()


# ------------------------------------------------------------ combined ----
def _current(db: Database, period_key: str) -> list[dict[str, Any]]:
    return db.rows(
        """SELECT s.id, s.sequence, s.received_at, s.bieu1_counts, s.households, c.code, c.name
           FROM office_sending s JOIN office_commune c ON c.id = s.commune_id
           WHERE s.period_key = ? AND s.current = 1 ORDER BY c.code""",
        (period_key,),
    )


def report_kinds(db: Database, period_key: str) -> list[tuple[str, str, str]]:
    """(kind, code, title) of every table the communes sent for the period, in the packages' order."""
    db.require(Permission.VIEW)
    seen: dict[str, tuple[int, str, str]] = {}
    for r in db.rows(
        """SELECT r.kind, min(r.position) AS pos, max(r.data) AS data FROM office_report r
           JOIN office_sending s ON s.id = r.sending_id WHERE s.period_key = ? AND s.current = 1
           GROUP BY r.kind""",
        (period_key,),
    ):
        d = json.loads(r["data"])
        seen[r["kind"]] = (r["pos"], d.get("code", ""), d.get("title", ""))
    return [(k, v[1], v[2]) for k, v in sorted(seen.items(), key=lambda kv: kv[1][0])]


def commune_report(db: Database, code: str, period_key: str, kind: str) -> ReportData:
    """One commune's own table from its current sending (the drill-down)."""
    db.require(Permission.VIEW)
    row = db.row(
        """SELECT r.data FROM office_report r JOIN office_sending s ON s.id = r.sending_id
           JOIN office_commune c ON c.id = s.commune_id
           WHERE c.code = ? AND s.period_key = ? AND s.current = 1 AND r.kind = ?""",
        (code, period_key, kind),
    )
    if row is None:
        raise NotFound(f"Xã mã {code} chưa gửi bảng «{kind}» của kỳ {period_key}.")
    return rules.report_from_json(json.loads(row["data"]))


def combined_report(db: Database, period_key: str, kind: str) -> rules.Combined:
    """Communes as rows (their own total rows) and the office total, for one kind of table."""
    db.require(Permission.VIEW)
    period = _period_of(db, period_key)
    tables = [
        rules.CommuneTable(r["code"], r["name"], rules.report_from_json(json.loads(r["data"])))
        for r in db.rows(
            """SELECT c.code, c.name, r.data FROM office_report r JOIN office_sending s ON s.id = r.sending_id
               JOIN office_commune c ON c.id = s.commune_id
               WHERE s.period_key = ? AND s.current = 1 AND r.kind = ? ORDER BY c.code""",
            (period_key, kind),
        )
    ]
    if not tables:
        raise NotFound(f"Chưa có xã nào gửi bảng «{kind}» của kỳ {period.label}.")
    office = get_office(db)
    combined = rules.combine_reports(tables, office_name=office.name, period_label=period.label)
    combined.report.preparer = office.preparer_name
    combined.report.place = office.province
    combined.report.chairman = office.head_name
    combined.report.date_text = f"ngày {clock.today().day} tháng {clock.today().month} năm {clock.today().year}"
    return combined


def combined_reports(
    db: Database, period_key: str, kinds: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ReportData]:  # fmt: skip
    wanted = list(kinds) if kinds else [k for k, _, _ in report_kinds(db, period_key)]
    if not wanted:
        raise NotFound(f"Chưa nhận bảng báo cáo nào của kỳ {_period_of(db, period_key).label}.")
    out = []
    for i, kind in enumerate(wanted):
        out.append(combined_report(db, period_key, kind).report)
        if progress:
            progress(i + 1, len(wanted))
    return out


# ------------------------------------------------------------ checks ----
@dataclass
class CheckFinding:
    check: str  # 'same_id' | 'data_vs_report' | 'start_vs_previous_end'
    message: str
    communes: list[str]
    households: list[str] = field(default_factory=list)  # "<commune code>/<household code>"


CHECK_LABELS = {
    "same_id": "Cùng số định danh ở hai xã",
    "data_vs_report": "Dữ liệu hộ không khớp số tổng của chính gói",
    "start_vs_previous_end": "Số đầu năm khác số cuối năm trước",
}


def cross_checks(db: Database, period_key: str) -> list[CheckFinding]:
    db.require(Permission.VIEW)
    findings: list[CheckFinding] = []
    # 1. the same ID number in two communes' lists
    rows = db.rows(
        """WITH cur AS (
             SELECT m.id_number, m.full_name, h.code AS hh, c.code AS commune, c.name AS cname
             FROM office_member m JOIN office_household h ON h.id = m.household_id
             JOIN office_sending s ON s.id = h.sending_id AND s.current = 1 AND s.period_key = ?
             JOIN office_commune c ON c.id = s.commune_id WHERE m.id_number <> '')
           SELECT * FROM cur WHERE id_number IN
             (SELECT id_number FROM cur GROUP BY id_number HAVING count(DISTINCT commune) > 1)
           ORDER BY id_number, commune, hh""",
        (period_key,),
    )
    by_id: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_id.setdefault(r["id_number"], []).append(r)
    for id_number, rs in by_id.items():
        where = "; ".join(f"{r['full_name']} — hộ {r['hh']}, {r['cname']} ({r['commune']})" for r in rs)
        findings.append(
            CheckFinding(
                "same_id", f"Số định danh {id_number} có ở {len({r['commune'] for r in rs})} xã: {where}.",
                sorted({r["commune"] for r in rs}), [f"{r['commune']}/{r['hh']}" for r in rs],
            )
        )  # fmt: skip
    # 2. household data disagreeing with the package's own totals
    for s in _current(db, period_key):
        counts = json.loads(s["bieu1_counts"] or "[]")
        got = (
            db.row(
                """SELECT sum(class = 'poor') AS poor, sum(class = 'near_poor') AS near,
                      sum(CASE WHEN class = 'poor' THEN persons END) AS poor_p,
                      sum(CASE WHEN class = 'near_poor' THEN persons END) AS near_p
               FROM office_household WHERE sending_id = ?""",
                (s["id"],),
            )
            or {}
        )
        problems = []
        if len(counts) == 8:
            for label, have, want in (
                ("hộ nghèo", got.get("poor") or 0, counts[2]),
                ("hộ cận nghèo", got.get("near") or 0, counts[3]),
                ("nhân khẩu hộ nghèo", got.get("poor_p") or 0, counts[5]),
                ("nhân khẩu hộ cận nghèo", got.get("near_p") or 0, counts[6]),
            ):
                if have != want:
                    problems.append(f"danh sách có {have} {label}, số tổng của gói ghi {want}")
        table = db.row("SELECT data FROM office_report WHERE sending_id = ? AND kind = 'bieu1'", (s["id"],))
        if table is not None and len(counts) == 8:
            rep = rules.report_from_json(json.loads(table["data"]))
            tot = rep.total_row()
            if tot is not None:
                for label, col, want in (("hộ nghèo", 4, counts[2]), ("hộ cận nghèo", 8, counts[3])):
                    if col < len(tot.values) and tot.values[col] != want:
                        problems.append(f"Mẫu 7.1 ghi {tot.values[col]} {label}, số tổng của gói ghi {want}")
        if problems:
            findings.append(
                CheckFinding(
                    "data_vs_report",
                    f"{s['name']} ({s['code']}), lần gửi {s['sequence']}: " + "; ".join(problems) + ".",
                    [s["code"]],
                )
            )  # fmt: skip
    # 3. start-of-year figures against the previous year's end-of-year figures (Mẫu 7.2, 7.3)
    period = _period_of(db, period_key)
    if period.kind == "year":
        previous = str(period.start.year - 1)
        for kind, label in (("bieu2", "hộ nghèo"), ("bieu3", "hộ cận nghèo")):
            now_rows = _totals_by_commune(db, period.key, kind)
            before = _totals_by_commune(db, previous, kind)
            for code, (name, row) in now_rows.items():
                if code not in before:
                    continue
                start_now = row[3] if len(row) > 3 else None
                end_before = before[code][1][-1]
                if start_now != end_before:
                    findings.append(
                        CheckFinding(
                            "start_vs_previous_end",
                            f"{name} ({code}): số {label} đầu năm {period.start.year} là {start_now}, "
                            f"nhưng cuối năm {previous} xã báo {end_before}.",
                            [code],
                        )
                    )
    return findings


def _totals_by_commune(db: Database, period_key: str, kind: str) -> dict[str, tuple[str, tuple[Any, ...]]]:
    out = {}
    for r in db.rows(
        """SELECT c.code, c.name, r.data FROM office_report r JOIN office_sending s ON s.id = r.sending_id
           JOIN office_commune c ON c.id = s.commune_id WHERE s.period_key = ? AND s.current = 1 AND r.kind = ?""",
        (period_key, kind),
    ):
        tot = rules.report_from_json(json.loads(r["data"])).total_row()
        if tot is not None:
            out[r["code"]] = (r["name"], tot.values)
    return out


def sendings(db: Database, *, code: str | None = None, period_key: str | None = None) -> list[dict[str, Any]]:
    """Every sending received (current and replaced), newest first."""
    db.require(Permission.VIEW)
    where, params = [], []
    if code:
        where.append("c.code = ?")
        params.append(code)
    if period_key:
        where.append("s.period_key = ?")
        params.append(period_key)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return db.rows(
        f"""SELECT c.code, c.name, s.period_key, s.period_label, s.sequence, s.created_at, s.received_at,
                   s.source_file, s.sha256, s.households, s.members, s.current, s.replaced_at, s.notes
            FROM office_sending s JOIN office_commune c ON c.id = s.commune_id {clause}
            ORDER BY s.received_at DESC, s.id DESC""",
        params,
    )


# ------------------------------------------------------------ files (for the window) ----
def file_kind(path: Path | str) -> str:
    """'commune', 'office', 'empty' or 'foreign' — read without changing the file."""
    return office_db.file_kind(path)


def open_office_file(
    path: Path | str, *, actor: Actor = SYSTEM_ACTOR, create: bool = True, holder: str | None = None
) -> Database:
    """Open (or create) an office file for the window or one of its background tasks."""
    return office_db.open_office(path, actor=actor, create=create, holder=holder)


def make_office_of_new_file(path: Path | str) -> None:
    """At first run the officer chose "Cơ quan tiếp nhận": the commune file just created at ``path``
    (no commune, no household, no user — nothing to lose) is replaced by an empty office file.
    A file holding anything is refused and left as it is."""
    from giamngheo_desktop.storage.database import open_database

    path = Path(path)
    with open_database(path, write=False, check=False) as db:
        held = sum(int(db.scalar(f"SELECT count(*) FROM {t}") or 0) for t in ("commune", "household", "app_user"))
    if held:
        raise DomainError(
            f"Tệp {path.name} đã có dữ liệu của một xã nên không dùng làm tệp cơ quan tiếp nhận được; "
            "hãy tạo tệp mới (Tệp → Mở tệp cơ quan tiếp nhận…)."
        )
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    office_db.open_office(path).close()
