"""The commune's own settings and its villages (first run, settings dialog, ``init``)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import VILLAGE_KIND_LABELS, effective_class_sql, split_village_name
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc


@dataclass
class CommuneSettings:
    name: str
    code: str
    province: str
    area_type: str  # 'rural' | 'urban'
    kind: str = "xa"
    receiving_office: str = ""
    province_code: str = ""
    address: str = ""
    chairman_name: str = ""
    preparer_name: str = ""


@dataclass
class VillageInput:
    name: str
    kind: str = "thon"
    code: str = ""
    area_type: str | None = None
    head_name: str = ""


@dataclass
class Village:
    id: int
    code: str
    name: str
    kind: str
    area_type: str | None
    head_name: str
    sort_order: int
    household_count: int | None = None  # only when asked for (list_villages(with_counts=True))


@dataclass
class CommuneSetup:
    settings: CommuneSettings
    villages: list[VillageInput] = field(default_factory=list)


UNIT_WORDS = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}


def unit_name(name: str, kind: str) -> str:
    """The commune's name as papers print it after "ỦY BAN NHÂN DÂN": ``xã Tân Lập`` whether the officer
    typed "Tân Lập" (the kind is chosen beside the name) or "xã Tân Lập"; a name saying its unit is kept."""
    clean = nfc(name).strip()
    if not clean or clean.lower().startswith(tuple(f"{word} " for word in (*UNIT_WORDS.values(), "thị trấn"))):
        return clean
    return f"{UNIT_WORDS.get(kind, 'xã')} {clean}"


def validate_settings(settings: CommuneSettings) -> list[ValidationIssue]:
    issues = []
    if not nfc(settings.name):
        issues.append(ValidationIssue("Tên xã/phường", "không được để trống"))
    code = nfc(settings.code)
    if not (len(code) == 5 and code.isdigit()):
        issues.append(ValidationIssue("Mã xã", "phải gồm đúng 5 chữ số (theo danh mục đơn vị hành chính)", value=code))
    if not nfc(settings.province):
        issues.append(ValidationIssue("Tỉnh/thành phố", "không được để trống"))
    if settings.area_type not in ("rural", "urban"):
        issues.append(ValidationIssue("Khu vực", "phải là nông thôn hoặc thành thị", value=settings.area_type))
    if settings.kind not in ("xa", "phuong", "dac_khu"):
        issues.append(ValidationIssue("Loại đơn vị", "phải là xã, phường hoặc đặc khu", value=settings.kind))
    return issues


def validate_villages(villages: list[VillageInput]) -> list[ValidationIssue]:
    issues = []
    seen: dict[str, int] = {}
    for number, village in enumerate(villages, start=1):
        name = as_named(village).name
        label = f"Thôn/tổ thứ {number}"
        if not name:
            issues.append(ValidationIssue(label, "tên không được để trống"))
            continue
        key = fold(name)
        if key in seen:
            issues.append(ValidationIssue(label, f"trùng tên với thôn/tổ thứ {seen[key]}", value=name))
        seen.setdefault(key, number)
        if village.kind not in VILLAGE_KIND_LABELS:
            issues.append(ValidationIssue(label, "loại thôn/tổ không hợp lệ", value=village.kind))
    return issues


def has_commune(db: Database) -> bool:
    return bool(db.scalar("SELECT count(*) FROM commune") == 1)


def get_commune(db: Database) -> CommuneSettings:
    row = db.row("SELECT * FROM commune WHERE id = 1")
    if row is None:
        raise NotFound("Chưa khai báo thông tin xã. Hãy nhập thông tin xã trước.")
    return CommuneSettings(
        name=row["name"],
        code=row["code"],
        province=row["province"],
        area_type=row["area_type"],
        kind=row["kind"],
        receiving_office=row["receiving_office"],
        province_code=row["province_code"] or "",
        address=row["address"],
        chairman_name=row["chairman_name"],
        preparer_name=row["preparer_name"],
    )


def _clean_settings(settings: CommuneSettings) -> dict[str, Any]:
    return {
        "name": unit_name(settings.name, settings.kind),
        "code": nfc(settings.code),
        "province": nfc(settings.province),
        "area_type": settings.area_type,
        "kind": settings.kind,
        "receiving_office": nfc(settings.receiving_office),
        "province_code": nfc(settings.province_code) or None,
        "address": nfc(settings.address),
        "chairman_name": nfc(settings.chairman_name),
        "preparer_name": nfc(settings.preparer_name),
    }


# ------------------------------------------------------ code, name and kind over time ----
SINCE_START = "0001-01-01"  # valid_from of the entry in force before any recorded change


@dataclass(frozen=True)
class CommuneAt:
    """The commune's code, name and kind (xã/phường/đặc khu → rural/urban) in force from ``valid_from``."""

    valid_from: str
    code: str
    name: str
    kind: str
    area_type: str
    note: str = ""

    @property
    def from_start(self) -> bool:
        return self.valid_from == SINCE_START


def _at(row: dict[str, Any]) -> CommuneAt:
    return CommuneAt(
        valid_from=row["valid_from"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        area_type=row["area_type"],
        note=row.get("note") or "",
    )


def commune_history(db: Database) -> list[CommuneAt]:
    """Every entry, oldest first (the first one applies from the start)."""
    return [_at(r) for r in db.rows("SELECT * FROM commune_history ORDER BY valid_from")]


def commune_at(db: Database, on: str | _dt.date) -> CommuneAt:
    """The code, name and kind in force on ``on``: what classification (the rural/urban income
    line), report headers and packages of a period use for that date."""
    day = on.isoformat() if isinstance(on, _dt.date) else str(on)[:10]
    row = db.row(
        "SELECT * FROM commune_history WHERE valid_from <= ? ORDER BY valid_from DESC LIMIT 1", (day,)
    ) or db.row("SELECT * FROM commune_history ORDER BY valid_from LIMIT 1")
    if row is not None:
        return _at(row)
    current = db.row("SELECT code, name, kind, area_type FROM commune WHERE id = 1")
    if current is None:
        raise NotFound("Chưa khai báo thông tin xã. Hãy nhập thông tin xã trước.")
    return CommuneAt(SINCE_START, current["code"], current["name"], current["kind"], current["area_type"])


def _sync_current(db: Database) -> None:
    """The commune row carries the entry in force today (what screens without a date show)."""
    today = commune_at(db, clock.today())
    db.conn.execute(
        "UPDATE commune SET code = ?, name = ?, kind = ?, area_type = ?, updated_at = ? WHERE id = 1",
        (today.code, today.name, today.kind, today.area_type, clock.now_iso()),
    )


def change_identity(
    db: Database, *, valid_from: str, code: str, name: str, kind: str, area_type: str, note: str = ""
) -> Changes:
    """Record that from ``valid_from`` the commune has this code, name and kind (a merger, a renaming,
    a xã becoming a phường), in one transaction. An entry of the same date is replaced; dates before it
    keep what they had. ``valid_from`` = :data:`SINCE_START` corrects what applied from the start."""
    db.require(Permission.MANAGE_SETTINGS)
    if not has_commune(db):
        raise NotFound("Chưa khai báo thông tin xã. Hãy nhập thông tin xã trước.")
    probe = CommuneSettings(name=name, code=code, province="-", area_type=area_type, kind=kind)
    issues = validate_settings(probe)
    day = valid_from if valid_from == SINCE_START else None
    if day is None:
        try:
            day = _dt.date.fromisoformat(valid_from).isoformat()
        except (TypeError, ValueError):
            issues.append(ValidationIssue("Áp dụng từ ngày", "không phải ngày hợp lệ", value=str(valid_from)))
        else:
            if day > clock.today_iso():
                issues.append(
                    ValidationIssue("Áp dụng từ ngày", "không được sau hôm nay (ghi khi thay đổi đã có hiệu lực)")
                )
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO commune_history (valid_from, code, name, kind, area_type, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (valid_from) DO UPDATE SET code = excluded.code,"
            " name = excluded.name, kind = excluded.kind, area_type = excluded.area_type, note = excluded.note",
            (day, nfc(code), unit_name(name, kind), kind, area_type, nfc(note), clock.now_iso()),
        )
        _sync_current(db)
    return Changes(commune=True, households=True)


def remove_identity_change(db: Database, *, valid_from: str) -> Changes:
    """Take back a recorded change (not the entry in force from the start)."""
    db.require(Permission.MANAGE_SETTINGS)
    if valid_from == SINCE_START:
        raise ValidationFailed(ValidationIssue("Áp dụng từ ngày", "không xóa được thông tin ban đầu của xã"))
    with db.atomic() as conn:
        conn.execute("DELETE FROM commune_history WHERE valid_from = ?", (valid_from,))
        _sync_current(db)
    return Changes(commune=True, households=True)


def save_commune(db: Database, settings: CommuneSettings) -> Changes:
    """Create or update the commune's settings."""
    db.require(Permission.MANAGE_SETTINGS)
    issues = validate_settings(settings)
    if issues:
        raise ValidationFailed(issues)
    values = _clean_settings(settings)
    now = clock.now_iso()
    with db.atomic() as conn:
        if has_commune(db):
            assignments = ", ".join(f"{key} = :{key}" for key in values)
            conn.execute(f"UPDATE commune SET {assignments}, updated_at = :now WHERE id = 1", {**values, "now": now})
            # without a date, a changed code, name or kind corrects the entry in force today
            conn.execute(
                "UPDATE commune_history SET code = :code, name = :name, kind = :kind, area_type = :area_type"
                " WHERE valid_from = (SELECT max(valid_from) FROM commune_history WHERE valid_from <= :today)",
                {**values, "today": clock.today_iso()},
            )
        else:
            columns = ", ".join(values)
            marks = ", ".join(f":{key}" for key in values)
            conn.execute(
                f"INSERT INTO commune (id, {columns}, created_at, updated_at) VALUES (1, {marks}, :now, :now)",
                {**values, "now": now},
            )
        if not db.scalar("SELECT 1 FROM commune_history"):  # the entry in force from the start
            conn.execute(
                "INSERT INTO commune_history (valid_from, code, name, kind, area_type, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (SINCE_START, values["code"], values["name"], values["kind"], values["area_type"], now),
            )
    return Changes(commune=True)


def setup_commune(db: Database, setup: CommuneSetup) -> Changes:
    """First run: the commune and its villages, in one transaction."""
    db.require(Permission.MANAGE_SETTINGS)
    issues = validate_settings(setup.settings) + validate_villages(setup.villages)
    if not setup.villages:
        issues.append(ValidationIssue("Thôn/tổ dân phố", "cần ít nhất một thôn hoặc tổ dân phố"))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic():
        save_commune(db, setup.settings)
        for village in setup.villages:
            add_village(db, village)
    return Changes(commune=True, rows_added_or_removed=True)


IDENTITY = ("code", "name", "kind", "area_type")  # what changes with a date (commune_history)


def save_setup(db: Database, setup: CommuneSetup, *, identity_from: str | None = None) -> Changes:
    """The commune's settings and its new villages, all or nothing (first run: :func:`setup_commune`).

    ``identity_from``: a changed code, name or kind applies from that date (:func:`change_identity`);
    without it the change corrects the entry in force today.
    """
    db.require(Permission.MANAGE_SETTINGS)
    if not has_commune(db):
        return setup_commune(db, setup)
    settings = setup.settings
    current = get_commune(db)
    changed = any(getattr(settings, key) != getattr(current, key) for key in IDENTITY)
    with db.atomic():
        if changed and identity_from is not None:
            issues = validate_settings(settings)
            if issues:
                raise ValidationFailed(issues)
            kept = dataclasses.replace(settings, **{key: getattr(current, key) for key in IDENTITY})
            save_commune(db, kept)
            change_identity(
                db,
                valid_from=identity_from,
                code=settings.code,
                name=settings.name,
                kind=settings.kind,
                area_type=settings.area_type,
            )
        else:
            save_commune(db, settings)
        for village in setup.villages:
            add_village(db, village)
    return Changes(commune=True, households=True)


def list_villages(db: Database, *, with_counts: bool = False) -> list[Village]:
    """The live villages in their order; ``with_counts`` adds each one's household count.

    Counting reads every household (about 90 ms at 50,000), so the combos that only need
    names, five of them while the main window opens, don't ask for it.
    """
    count = (
        "(SELECT count(*) FROM household h WHERE h.village_id = v.id AND h.deleted_at IS NULL)"
        if with_counts
        else "NULL"
    )
    rows = db.rows(
        f"SELECT v.*, {count} AS household_count "
        "FROM village v WHERE v.deleted_at IS NULL ORDER BY v.sort_order, v.name"
    )
    return [
        Village(
            id=r["id"],
            code=r["code"],
            name=r["name"],
            kind=r["kind"],
            area_type=r["area_type"],
            head_name=r["head_name"],
            sort_order=r["sort_order"],
            household_count=r["household_count"],
        )
        for r in rows
    ]


def as_named(village: VillageInput) -> VillageInput:
    """One convention for a village typed (first run, Thôn, tổ dân phố…) or imported: the name
    without its kind's word, the kind from that word ("Thôn Đông Xá" → "Đông Xá", thôn); the papers
    put the word back (``vocab.village_title``)."""
    kind, name = split_village_name(nfc(village.name))
    return dataclasses.replace(village, name=name, kind=kind or village.kind)


def imported_village(text: str) -> VillageInput:
    """The village an import creates for a name its list gives ("Thôn Bãi Sậy" → "Bãi Sậy", a thôn;
    "Tổ 5" → "Tổ 5", a tổ dân phố): what the import's preview names and its commit creates."""
    kind = "to_dan_pho" if fold(text).startswith("to") else "thon"
    return as_named(VillageInput(name=text, kind=kind))


def _name_taken(db: Database, name: str, *, but: int | None = None) -> bool:
    """Whether a live village has this name, its kind's word aside ("Đông Xá" and "Thôn Đông Xá")."""
    key = fold(split_village_name(name)[1])
    return any(
        fold(split_village_name(r["name"])[1]) == key
        for r in db.rows("SELECT id, name FROM village WHERE deleted_at IS NULL")
        if r["id"] != but
    )


def add_village(db: Database, village: VillageInput) -> Changes:
    db.require(Permission.MANAGE_SETTINGS)
    issues = validate_villages([village])
    name = nfc(village.name)
    if not issues and _name_taken(db, name):
        issues.append(ValidationIssue("Tên thôn/tổ", "đã có thôn/tổ cùng tên", value=name))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        order = (db.scalar("SELECT max(sort_order) FROM village") or 0) + 1
        code = nfc(village.code) or f"{order:02d}"
        cur = conn.execute(
            "INSERT INTO village (code, name, name_fold, kind, area_type, head_name, sort_order) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, name, fold(name), village.kind, village.area_type, nfc(village.head_name), order),
        )
        return Changes(commune=True, id=int(cur.lastrowid or 0))


def info(db: Database) -> dict[str, Any]:
    """Counts for ``info --json`` and the status bar."""
    commune = db.row("SELECT name, code, province, area_type, kind FROM commune WHERE id = 1")
    by_class: dict[str, dict[str, int]] = {}
    for r in db.rows(
        f"""
        SELECT {effective_class_sql(clock.today())} AS poverty_class, count(DISTINCT h.id) AS households,
               count(m.id) AS members
        FROM household h
        LEFT JOIN member m ON m.household_id = h.id AND m.deleted_at IS NULL AND m.life_status = 'living'
        WHERE h.deleted_at IS NULL
        GROUP BY 1
        """
    ):  # a newly-escaped household counts as not poor once its 36 months have passed
        by_class[r["poverty_class"]] = {"households": r["households"], "members": r["members"]}
    return {
        "commune": commune,
        "villages": db.scalar("SELECT count(*) FROM village WHERE deleted_at IS NULL"),
        "households": db.scalar("SELECT count(*) FROM household WHERE deleted_at IS NULL"),
        "members": db.scalar(
            "SELECT count(*) FROM member m JOIN household h ON h.id = m.household_id "
            "WHERE m.deleted_at IS NULL AND h.deleted_at IS NULL AND m.life_status = 'living'"
        ),
        "by_class": by_class,
        "schema_version": db.scalar("PRAGMA user_version"),
    }


# ------------------------------------------------------- villages after the first run ----
def _live_village(db: Database, village_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM village WHERE id = ? AND deleted_at IS NULL", (village_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy thôn/tổ số {village_id} (có thể đã thôi dùng).")
    return row


def rename_village(db: Database, *, village_id: int, name: str) -> Changes:
    """Rename a village (its households, rounds and history keep pointing at it)."""
    db.require(Permission.MANAGE_SETTINGS)
    _live_village(db, village_id)
    name = nfc(name).strip()
    issues = []
    if not name:
        issues.append(ValidationIssue("Tên thôn/tổ", "không được để trống"))
    elif _name_taken(db, name, but=village_id):
        issues.append(ValidationIssue("Tên thôn/tổ", "đã có thôn/tổ cùng tên", value=name))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute("UPDATE village SET name = ?, name_fold = ? WHERE id = ?", (name, fold(name), village_id))
    return Changes(commune=True, households=True, id=village_id)


def merge_villages(db: Database, *, source_id: int, target_id: int) -> Changes:
    """Move every household of ``source_id`` into ``target_id`` and stop using ``source_id``, in one step.

    The households keep their codes and history (each move is in the change history); the old
    village stays in the file, so past rounds and reports still name it.
    """
    db.require(Permission.MANAGE_SETTINGS)
    if source_id == target_id:
        raise ValidationFailed(ValidationIssue("Thôn/tổ nhập vào", "phải khác thôn/tổ được nhập"))
    _live_village(db, source_id)
    _live_village(db, target_id)
    moved = [
        int(r["id"])
        for r in db.rows("SELECT id FROM household WHERE village_id = ? AND deleted_at IS NULL", (source_id,))
    ]
    now = clock.now_iso()
    with db.atomic() as conn:
        conn.execute(
            "UPDATE household SET village_id = ?, updated_at = ? WHERE village_id = ? AND deleted_at IS NULL",
            (target_id, now, source_id),
        )
        conn.execute("UPDATE village SET deleted_at = ? WHERE id = ?", (now, source_id))
    return Changes(
        commune=True,
        households=True,
        rows_added_or_removed=True,
        household_ids=frozenset(moved),
        id=target_id,
        count=len(moved),
    )


def restore_village(db: Database, *, village_id: int) -> Changes:
    """Use again a village that was retired (the way back of “Thôi dùng” and of a merge's first half)."""
    db.require(Permission.MANAGE_SETTINGS)
    row = db.row("SELECT * FROM village WHERE id = ?", (village_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy thôn/tổ số {village_id}.")
    if row["deleted_at"] is None:
        return Changes(commune=True, id=village_id)
    if db.scalar(
        "SELECT 1 FROM village WHERE name_fold = ? AND deleted_at IS NULL AND id != ?", (row["name_fold"], village_id)
    ):
        raise ValidationFailed(
            ValidationIssue("Tên thôn/tổ", "đã có thôn/tổ khác cùng tên đang dùng", value=row["name"])
        )
    with db.atomic() as conn:
        conn.execute("UPDATE village SET deleted_at = NULL WHERE id = ?", (village_id,))
    return Changes(commune=True, id=village_id)


def unmerge_villages(db: Database, *, source_id: int, target_id: int, household_ids: Sequence[int]) -> Changes:
    """The way back of :func:`merge_villages`: ``source_id`` is used again and the households that
    the merge moved (still in ``target_id``) go back to it, in one step."""
    db.require(Permission.MANAGE_SETTINGS)
    row = db.row("SELECT * FROM village WHERE id = ?", (source_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy thôn/tổ số {source_id}.")
    _live_village(db, target_id)
    if row["deleted_at"] is not None and db.scalar(
        "SELECT 1 FROM village WHERE name_fold = ? AND deleted_at IS NULL AND id != ?", (row["name_fold"], source_id)
    ):
        raise ValidationFailed(
            ValidationIssue("Tên thôn/tổ", "đã có thôn/tổ khác cùng tên đang dùng", value=row["name"])
        )
    ids = [int(i) for i in household_ids]
    now = clock.now_iso()
    with db.atomic() as conn:
        conn.execute("UPDATE village SET deleted_at = NULL WHERE id = ?", (source_id,))
        back = conn.executemany(
            "UPDATE household SET village_id = ?, updated_at = ?"
            " WHERE id = ? AND village_id = ? AND deleted_at IS NULL",
            [(source_id, now, hid, target_id) for hid in ids],
        ).rowcount
    return Changes(
        commune=True,
        households=True,
        rows_added_or_removed=True,
        household_ids=frozenset(ids),
        id=source_id,
        count=int(back or 0),
    )


def retire_village(db: Database, *, village_id: int) -> Changes:
    """Stop using a village that has no household left (merge it first otherwise)."""
    db.require(Permission.MANAGE_SETTINGS)
    row = _live_village(db, village_id)
    left = int(
        db.scalar("SELECT count(*) FROM household WHERE village_id = ? AND deleted_at IS NULL", (village_id,)) or 0
    )
    if left:
        raise ValidationFailed(
            ValidationIssue(
                "Thôn/tổ", f"còn {left} hộ: hãy nhập thôn/tổ này vào một thôn/tổ khác trước", value=row["name"]
            )
        )
    with db.atomic() as conn:
        conn.execute("UPDATE village SET deleted_at = ? WHERE id = ?", (clock.now_iso(), village_id))
    return Changes(commune=True, id=village_id)
