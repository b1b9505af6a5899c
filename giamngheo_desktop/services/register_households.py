"""Adding, changing, removing and restoring households and members: one transaction each, undoable."""

from __future__ import annotations

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.idnumber import normalize_id
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.register_checks import _errors, _warnings, validate_household, validate_member
from giamngheo_desktop.services.register_columns import _household_values, _member_values
from giamngheo_desktop.services.register_history import _Recorder
from giamngheo_desktop.services.register_reading import (
    _insert_member,
    _live_household,
    _live_member,
    _living_members,
    _next_order,
    _refresh_derived,
)
from giamngheo_desktop.services.register_records import HEAD, CodeBook, HouseholdInput, MemberInput
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import nfc


def add_household(db: Database, *, household: HouseholdInput, members: list[MemberInput]) -> Changes:
    """Create a household with its members; exactly one living member must be the head (Chủ hộ)."""
    db.require(Permission.EDIT_REGISTER)
    codes = CodeBook(db)
    issues = validate_household(db, household, codes=codes)
    for number, member in enumerate(members, start=1):
        who = f"Nhân khẩu {number} ({nfc(member.full_name) or 'chưa có tên'})"
        issues += validate_member(db, member, codes=codes, who=who)
    issues += _head_issues(members)
    issues += _duplicate_ids_within(members)
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    rec = _Recorder(db, f"Thêm hộ {nfc(household.code)}")
    now = clock.now_iso()
    values = _household_values(household)
    with db.atomic() as conn:
        cur = conn.execute(
            f"INSERT INTO household ({', '.join(values)}, created_at, updated_at) "
            f"VALUES ({', '.join(':' + k for k in values)}, :now, :now)",
            {**values, "now": now},
        )
        hid = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO household_cause (household_id, cause_code) VALUES (?, ?)",
            [(hid, c) for c in dict.fromkeys(household.causes)],
        )
        member_ids = [_insert_member(db, hid, _member_values(m), n) for n, m in enumerate(members, start=1)]
        rec.created([hid], member_ids)
        _refresh_derived(db, hid, codes)
        rec.event(hid, "create", details={"code": values["code"], "members": len(member_ids)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        rows_added_or_removed=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_ids=tuple(member_ids),
        warnings=_warnings(issues),
    )


def _head_issues(members: list[MemberInput], row: int | None = None) -> list[ValidationIssue]:
    living = [m for m in members if m.life_status == "living"]
    heads = [m for m in living if m.relationship_code == HEAD]
    if not members:
        return [ValidationIssue("Nhân khẩu", "hộ phải có ít nhất một nhân khẩu (chủ hộ)", row=row)]
    if not heads and living:
        return [ValidationIssue("Chủ hộ", "hộ chưa có chủ hộ: một nhân khẩu phải có quan hệ “Chủ hộ”", row=row)]
    if len(heads) > 1:
        names = ", ".join(nfc(m.full_name) for m in heads)
        return [ValidationIssue("Chủ hộ", f"hộ chỉ được có một chủ hộ (đang có {len(heads)}: {names})", row=row)]
    return []


def _duplicate_ids_within(members: list[MemberInput]) -> list[ValidationIssue]:
    seen: dict[str, str] = {}
    issues = []
    for m in members:
        number = normalize_id(m.id_number)
        if not number:
            continue
        if number in seen:
            issues.append(ValidationIssue("id_number", f"{nfc(m.full_name)} trùng số với {seen[number]}", value=number))
        seen.setdefault(number, nfc(m.full_name))
    return issues


def update_household(db: Database, household_id: int, *, household: HouseholdInput) -> Changes:
    """Change a household's own fields and causes (members are edited one by one)."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_household(db, household_id)
    codes = CodeBook(db)
    issues = validate_household(db, household, household_id=household_id, codes=codes)
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    values = _household_values(household)
    rec = _Recorder(db, f"Sửa hộ {values['code']}")
    with db.atomic() as conn:
        rec.touch([household_id])
        changed = [k for k, v in values.items() if current.get(k) != v and k != "code_fold"]
        conn.execute(
            f"UPDATE household SET {', '.join(f'{k} = :{k}' for k in values)}, updated_at = :now WHERE id = :id",
            {**values, "now": clock.now_iso(), "id": household_id},
        )
        conn.execute("DELETE FROM household_cause WHERE household_id = ?", (household_id,))
        conn.executemany(
            "INSERT INTO household_cause (household_id, cause_code) VALUES (?, ?)",
            [(household_id, c) for c in dict.fromkeys(household.causes)],
        )
        _refresh_derived(db, household_id, codes)
        rec.event(household_id, "update", details={"fields": changed})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
        warnings=_warnings(issues),
    )


def remove_household(db: Database, household_id: int, *, reason: str = "") -> Changes:
    """Soft-delete a household (its members stay attached to it and come back on restore)."""
    db.require(Permission.EDIT_REGISTER)
    row = _live_household(db, household_id)
    rec = _Recorder(db, f"Xóa hộ {row['code']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([household_id])
        conn.execute("UPDATE household SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, household_id))
        rec.event(household_id, "delete", details={"reason": nfc(reason)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        rows_added_or_removed=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
    )


def add_member(db: Database, household_id: int, *, member: MemberInput) -> Changes:
    """Add a member to a household. A second head is refused: use :func:`change_head`."""
    db.require(Permission.EDIT_REGISTER)
    _live_household(db, household_id)
    codes = CodeBook(db)
    issues = validate_member(db, member, codes=codes)
    living = _living_members(db, household_id)
    has_head = any(m["relationship_code"] == HEAD for m in living)
    if member.relationship_code == HEAD and member.life_status == "living" and has_head:
        issues.append(
            ValidationIssue(
                "relationship_code",
                "hộ đã có chủ hộ; muốn thay chủ hộ hãy dùng chức năng “Đổi chủ hộ”",
                value="Chủ hộ",
            )
        )
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    rec = _Recorder(db, f"Thêm nhân khẩu {nfc(member.full_name)}")
    with db.atomic():
        rec.touch([household_id])
        mid = _insert_member(db, household_id, _member_values(member), _next_order(db, household_id))
        rec.created(members=[mid])
        _refresh_derived(db, household_id, codes)
        rec.event(household_id, "member_add", member_id=mid, details={"name": nfc(member.full_name)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
        member_id=mid,
        warnings=_warnings(issues),
    )


def update_member(db: Database, member_id: int, *, member: MemberInput) -> Changes:
    """Edit a member. Making a member head, or the head not head, goes through :func:`change_head`;
    deaths and departures through :func:`mark_member_status`."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    hid = int(current["household_id"])
    codes = CodeBook(db)
    issues = validate_member(db, member, member_id=member_id, codes=codes)
    was_head = current["relationship_code"] == HEAD
    if member.relationship_code != current["relationship_code"] and (was_head or member.relationship_code == HEAD):
        others = [m for m in _living_members(db, hid) if m["id"] != member_id]
        if (was_head and others) or member.relationship_code == HEAD:
            issues.append(
                ValidationIssue(
                    "relationship_code",
                    "muốn thay chủ hộ hãy dùng chức năng “Đổi chủ hộ” để cập nhật quan hệ của cả hộ",
                    value=codes.name("relationship", member.relationship_code),
                )
            )
    if member.life_status != current["life_status"]:
        issues.append(
            ValidationIssue(
                "life_status",
                "ghi nhận chết hoặc chuyển đi bằng chức năng “Báo chết / chuyển đi”",
                value=LIFE_STATUS_LABELS.get(member.life_status, member.life_status),
            )
        )
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    values = _member_values(member)
    rec = _Recorder(db, f"Sửa nhân khẩu {values['full_name']}")
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        changed = [k for k, v in values.items() if current.get(k) != v and k != "name_fold"]
        conn.execute(
            f"UPDATE member SET {', '.join(f'{k} = :{k}' for k in values)}, updated_at = :now WHERE id = :id",
            {**values, "now": clock.now_iso(), "id": member_id},
        )
        _refresh_derived(db, hid, codes)
        rec.event(hid, "update", member_id=member_id, details={"fields": changed})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_id=member_id,
        warnings=_warnings(issues),
    )


def remove_member(db: Database, member_id: int, *, reason: str = "") -> Changes:
    """Soft-delete a member entered by mistake (a head with other living members must be replaced first)."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    hid = int(current["household_id"])
    if current["relationship_code"] == HEAD and current["life_status"] == "living":
        others = [m for m in _living_members(db, hid) if m["id"] != member_id]
        if others:
            raise ValidationFailed(
                ValidationIssue(
                    "Chủ hộ",
                    f"{current['full_name']} đang là chủ hộ: hãy đổi chủ hộ trước khi xóa",
                    value=current["full_name"],
                )
            )
    rec = _Recorder(db, f"Xóa nhân khẩu {current['full_name']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        conn.execute("UPDATE member SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, member_id))
        rec.event(hid, "member_remove", member_id=member_id, details={"reason": nfc(reason)})
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=hid,
        member_id=member_id,
    )
