"""Changes of who lives where: a new head, deaths and moves away, moving a member, splitting and
merging households.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.register_checks import _errors, _warnings, check_member_value, validate_household
from giamngheo_desktop.services.register_columns import _household_values
from giamngheo_desktop.services.register_history import _Recorder
from giamngheo_desktop.services.register_reading import (
    _live_household,
    _live_member,
    _living_members,
    _next_order,
    _refresh_derived,
)
from giamngheo_desktop.services.register_records import HEAD, OTHER_RELATIVE, CodeBook, HouseholdInput
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import nfc

_SPOUSE = {"02", "03"}


_CHILD = {"04", "05", "06"}


def _by_sex(sex: str | None, male: str, female: str, unknown: str = OTHER_RELATIVE) -> str:
    return male if sex == "M" else female if sex == "F" else unknown


def suggest_relationships(db: Database, household_id: int, new_head_id: int) -> dict[int, str]:
    """Suggested relationship codes of every living member once ``new_head_id`` becomes head.

    Covers the usual cases (the spouse or a child takes over); anything else becomes
    "Người thân khác" for the old head and is left unchanged for the others. The officer
    reviews the suggestion before saving.
    """
    db.require(Permission.VIEW)
    members = db.rows(
        "SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL ORDER BY sort_order, id", (household_id,)
    )
    by_id = {m["id"]: m for m in members}
    if new_head_id not in by_id:
        raise NotFound("Người được chọn làm chủ hộ không thuộc hộ này.")
    new_head = by_id[new_head_id]
    new_rel = new_head["relationship_code"]
    result: dict[int, str] = {new_head_id: HEAD}
    for m in members:
        if m["id"] == new_head_id or (m["life_status"] != "living" and m["relationship_code"] != HEAD):
            continue
        rel, sex = m["relationship_code"], m["sex"]
        suggestion = rel
        if new_rel in _SPOUSE:
            if rel == HEAD:
                suggestion = _by_sex(sex, "03", "02")
            elif rel in {"09", "10"}:
                suggestion = _by_sex(sex, "13", "14") if new_head["sex"] == "M" else _by_sex(sex, "15", "16")
        elif new_rel in _CHILD:
            if rel == HEAD or rel in _SPOUSE:
                suggestion = _by_sex(sex, "09", "10")
            elif rel in _CHILD:
                older = (
                    (m["birth_year"] or 0)
                    and (new_head["birth_year"] or 0)
                    and m["birth_year"] < new_head["birth_year"]
                )
                suggestion = _by_sex(sex, "24", "25") if older else "26"
            elif rel in {"09", "10"}:
                suggestion = _by_sex(sex, "17", "18")
            elif rel in {"21", "22"}:
                suggestion = "04" if (m["birth_year"] or 0) > (new_head["birth_year"] or 9999) else rel
        elif rel == HEAD:
            suggestion = OTHER_RELATIVE
        if suggestion != rel:
            result[m["id"]] = suggestion
    return result


def change_head(
    db: Database,
    household_id: int,
    *,
    new_head_id: int,
    relationships: dict[int, str] | None = None,
    event_type: str = "head_change",
) -> Changes:
    """Make ``new_head_id`` the head. ``relationships`` gives the new relationship of other
    members (at least the old head's if they stay living); missing ones come from
    :func:`suggest_relationships`."""
    db.require(Permission.EDIT_REGISTER)
    household = _live_household(db, household_id)
    new_head = _live_member(db, new_head_id)
    if new_head["household_id"] != household_id:
        raise ValidationFailed(ValidationIssue("Chủ hộ mới", "người được chọn không thuộc hộ này"))
    if new_head["life_status"] != "living":
        raise ValidationFailed(
            ValidationIssue("Chủ hộ mới", f"{new_head['full_name']} không còn sống tại hộ", value=new_head["full_name"])
        )
    rels = suggest_relationships(db, household_id, new_head_id)
    rels.update(relationships or {})
    rels[new_head_id] = HEAD
    codes = CodeBook(db)
    issues = []
    for code in rels.values():
        if not codes.has("relationship", code):
            issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=code))
    living_heads = [
        m
        for m in _living_members(db, household_id)
        if rels.get(m["id"], m["relationship_code"]) == HEAD and m["id"] != new_head_id
    ]
    for m in living_heads:
        issues.append(
            ValidationIssue(
                "relationship_code",
                f"cần chọn quan hệ mới với chủ hộ cho {m['full_name']} (chủ hộ cũ)",
                value=m["full_name"],
            )
        )
    if _errors(issues):
        raise ValidationFailed(issues)
    old_head_id = household["head_member_id"]
    rec = _Recorder(db, f"Đổi chủ hộ {household['code']}")
    with db.atomic() as conn:
        _apply_relationships(db, rec, household_id, rels)
        conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (new_head_id, household_id))
        _refresh_derived(db, household_id, codes)
        rec.event(
            household_id,
            event_type,
            member_id=new_head_id,
            details={"old_head_id": old_head_id, "new_head": new_head["full_name"], "relationships": rels},
        )
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({household_id}),
        snapshot=snapshot,
        household_id=household_id,
        member_id=new_head_id,
    )


def _apply_relationships(db: Database, rec: _Recorder, household_id: int, rels: dict[int, str]) -> None:
    rec.touch([household_id], rels.keys())
    now = clock.now_iso()
    db.conn.executemany(
        "UPDATE member SET relationship_code = ?, updated_at = ? WHERE id = ? AND household_id = ?",
        [(code, now, mid, household_id) for mid, code in rels.items()],
    )


def mark_member_status(
    db: Database,
    member_id: int,
    *,
    status: str,
    date: str,
    new_head_id: int | None = None,
    relationships: dict[int, str] | None = None,
    note: str = "",
) -> Changes:
    """Record that a member died (``deceased``) or moved away (``moved_away``) on ``date``;
    ``status='living'`` undoes a mistaken record. A head who leaves living members behind
    needs ``new_head_id``."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    hid = int(current["household_id"])
    household = _live_household(db, hid)
    issues = check_member_value(db, "life_status", status)  # the field table's rules
    if status != "living":
        if not date:
            issues.append(ValidationIssue("life_status_date", "không được để trống"))
        else:
            issues += check_member_value(db, "life_status_date", date)
    others = [m for m in _living_members(db, hid) if m["id"] != member_id]
    is_head = current["relationship_code"] == HEAD
    if status != "living" and is_head and others:
        if new_head_id is None:
            issues.append(
                ValidationIssue(
                    "Chủ hộ mới",
                    f"{current['full_name']} là chủ hộ: hãy chọn chủ hộ mới trong số nhân khẩu còn lại",
                )
            )
        elif new_head_id not in {m["id"] for m in others}:
            issues.append(ValidationIssue("Chủ hộ mới", "phải là một nhân khẩu khác còn sống tại hộ"))
    if _errors(issues):
        raise ValidationFailed(issues)
    event_type = {"deceased": "member_deceased", "moved_away": "member_moved_away", "living": "update"}[status]
    rec = _Recorder(db, f"{LIFE_STATUS_LABELS[status]}: {current['full_name']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([hid], [member_id])
        if status != "living" and is_head and others and new_head_id is not None:
            rels = suggest_relationships(db, hid, new_head_id)
            rels.update(relationships or {})
            rels[new_head_id] = HEAD
            if rels.get(member_id, HEAD) == HEAD:
                rels[member_id] = OTHER_RELATIVE
            _apply_relationships(db, rec, hid, rels)
            conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (new_head_id, hid))
            rec.event(
                hid, "head_change", member_id=new_head_id, details={"old_head_id": member_id, "relationships": rels}
            )
        conn.execute(
            "UPDATE member SET life_status = ?, life_status_date = ?, note = CASE WHEN ? = '' THEN note ELSE ? END, "
            "updated_at = ? WHERE id = ?",
            (status, date if status != "living" else None, nfc(note), nfc(note), now, member_id),
        )
        _refresh_derived(db, hid, CodeBook(db))
        rec.event(hid, event_type, member_id=member_id, details={"name": current["full_name"], "date": date}, date=date)
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({hid}),
        snapshot=snapshot,
        household_id=household["id"],
        member_id=member_id,
    )


def move_member(
    db: Database,
    member_id: int,
    *,
    to_household_id: int,
    relationship_code: str,
    new_head_id: int | None = None,
    date: str | None = None,
) -> Changes:
    """Move a member to another household with a new relationship to its head.
    Moving the head of a household that keeps living members needs ``new_head_id`` there."""
    db.require(Permission.EDIT_REGISTER)
    current = _live_member(db, member_id)
    source_id = int(current["household_id"])
    source = _live_household(db, source_id)
    target = _live_household(db, to_household_id)
    codes = CodeBook(db)
    issues: list[ValidationIssue] = []
    if to_household_id == source_id:
        issues.append(ValidationIssue("Hộ chuyển đến", "trùng với hộ hiện tại"))
    if not codes.has("relationship", relationship_code):
        issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=relationship_code))
    target_living = _living_members(db, to_household_id)
    if relationship_code == HEAD and any(m["relationship_code"] == HEAD for m in target_living):
        issues.append(ValidationIssue("relationship_code", f"hộ {target['code']} đã có chủ hộ", value="Chủ hộ"))
    if relationship_code != HEAD and not any(m["relationship_code"] == HEAD for m in target_living):
        issues.append(
            ValidationIssue(
                "relationship_code",
                f"hộ {target['code']} chưa có chủ hộ: người chuyển đến phải là chủ hộ",
            )
        )
    others = [m for m in _living_members(db, source_id) if m["id"] != member_id]
    head_leaves = current["relationship_code"] == HEAD and current["life_status"] == "living" and others
    if head_leaves and new_head_id not in {m["id"] for m in others}:
        issues.append(
            ValidationIssue("Chủ hộ mới", f"{current['full_name']} là chủ hộ {source['code']}: hãy chọn chủ hộ mới")
        )
    if _errors(issues):
        raise ValidationFailed(issues)
    rec = _Recorder(db, f"Chuyển {current['full_name']} sang hộ {target['code']}")
    with db.atomic() as conn:
        rec.touch([source_id, to_household_id], [member_id])
        if head_leaves and new_head_id is not None:
            rels = suggest_relationships(db, source_id, new_head_id)
            rels.pop(member_id, None)
            rels[new_head_id] = HEAD
            _apply_relationships(db, rec, source_id, rels)
            conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (new_head_id, source_id))
        conn.execute(
            _MOVE_SQL,
            (to_household_id, relationship_code, _next_order(db, to_household_id), clock.now_iso(), member_id),
        )
        if current["relationship_code"] == HEAD and not others:
            conn.execute("UPDATE household SET head_member_id = NULL WHERE id = ?", (source_id,))
        _refresh_derived(db, source_id, codes)
        _refresh_derived(db, to_household_id, codes)
        details = {"name": current["full_name"], "from": source["code"], "to": target["code"]}
        rec.event(
            source_id, "member_move_out", related=to_household_id, member_id=member_id, details=details, date=date
        )
        rec.event(to_household_id, "member_move_in", related=source_id, member_id=member_id, details=details, date=date)
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        household_ids=frozenset({source_id, to_household_id}),
        snapshot=snapshot,
        household_id=to_household_id,
        member_id=member_id,
    )


@dataclass
class SplitInput:
    """Tách hộ: chosen members leave ``household_id`` for a new household."""

    member_ids: list[int]
    new_code: str
    new_head_id: int
    village_id: int | None = None  # default: the original's
    address: str | None = None  # default: the original's
    phone: str = ""
    poverty_class: str | None = None  # default: copied (to be reviewed)
    relationships: dict[int, str] = field(default_factory=dict)  # new relationship codes, either household
    remaining_head_id: int | None = None  # needed when the head leaves
    date: str | None = None


_MOVE_SQL = "UPDATE member SET household_id = ?, relationship_code = ?, sort_order = ?, updated_at = ? WHERE id = ?"


def split_household(db: Database, household_id: int, *, split: SplitInput) -> Changes:
    """Split a household: the chosen members form a new household with a new code and head.
    Both keep their history (events ``split_to`` on the original, ``split_from`` on the new one)."""
    db.require(Permission.EDIT_REGISTER)
    source = _live_household(db, household_id)
    members = db.rows("SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL", (household_id,))
    by_id = {m["id"]: m for m in members}
    moving = list(dict.fromkeys(split.member_ids))
    issues: list[ValidationIssue] = []
    if not moving:
        issues.append(ValidationIssue("Nhân khẩu tách ra", "chưa chọn nhân khẩu nào"))
    for mid in moving:
        if mid not in by_id:
            issues.append(
                ValidationIssue("Nhân khẩu tách ra", f"nhân khẩu mã số {mid} không thuộc hộ {source['code']}")
            )
    staying_living = [m for m in members if m["id"] not in moving and m["life_status"] == "living"]
    if moving and not staying_living:
        issues.append(
            ValidationIssue(
                "Nhân khẩu tách ra", "phải còn ít nhất một nhân khẩu ở lại hộ cũ (nếu chuyển cả hộ, hãy sửa hộ)"
            )
        )
    if split.new_head_id not in moving:
        issues.append(ValidationIssue("Chủ hộ mới", "phải là một trong các nhân khẩu tách ra"))
    elif by_id[split.new_head_id]["life_status"] != "living":
        issues.append(ValidationIssue("Chủ hộ mới", "phải là người còn sống tại hộ"))
    head_leaves = source["head_member_id"] in moving or any(
        by_id[mid]["relationship_code"] == HEAD for mid in moving if mid in by_id
    )
    if head_leaves and staying_living and split.remaining_head_id not in {m["id"] for m in staying_living}:
        issues.append(
            ValidationIssue(
                "Chủ hộ ở lại", f"chủ hộ {source['code']} tách ra: hãy chọn chủ hộ mới cho những người ở lại"
            )
        )
    new = HouseholdInput(
        code=split.new_code,
        village_id=split.village_id or source["village_id"],
        address=source["address"] if split.address is None else split.address,
        phone=split.phone,
        area_type=source["area_type"],
        poverty_class=split.poverty_class or source["poverty_class"],
        escaped_date=source["escaped_date"],
    )
    codes = CodeBook(db)
    issues += validate_household(db, new, codes=codes)
    for code in split.relationships.values():
        if not codes.has("relationship", code):
            issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=code))
    if _errors(issues):
        raise ValidationFailed(_errors(issues))
    rec = _Recorder(db, f"Tách hộ {source['code']} → {nfc(split.new_code)}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([household_id], [m["id"] for m in members])
        values = _household_values(new)
        cur = conn.execute(
            f"INSERT INTO household ({', '.join(values)}, created_at, updated_at) "
            f"VALUES ({', '.join(':' + k for k in values)}, :now, :now)",
            {**values, "now": now},
        )
        new_id = int(cur.lastrowid or 0)
        rec.created([new_id])
        # relationships in the new household: the new head, then suggestions relative to him/her
        new_rels = {mid: code for mid, code in suggest_relationships(db, household_id, split.new_head_id).items()}
        for order, mid in enumerate(moving, start=1):
            code = split.relationships.get(mid) or new_rels.get(mid) or by_id[mid]["relationship_code"]
            if mid == split.new_head_id:
                code = HEAD
            elif code == HEAD:
                code = OTHER_RELATIVE
            conn.execute(
                _MOVE_SQL,
                (new_id, code, order, now, mid),
            )
        if head_leaves and split.remaining_head_id is not None:
            stay_rels = suggest_relationships(db, household_id, split.remaining_head_id)
            for mid in list(stay_rels):
                if mid in moving:
                    stay_rels.pop(mid)
            for mid, code in split.relationships.items():
                if mid not in moving:
                    stay_rels[mid] = code
            stay_rels[split.remaining_head_id] = HEAD
            _apply_relationships(db, rec, household_id, stay_rels)
            conn.execute(
                "UPDATE household SET head_member_id = ? WHERE id = ?", (split.remaining_head_id, household_id)
            )
        else:
            stay_rels = {mid: code for mid, code in split.relationships.items() if mid not in moving}
            if stay_rels:
                _apply_relationships(db, rec, household_id, stay_rels)
        _refresh_derived(db, household_id, codes)
        _refresh_derived(db, new_id, codes)
        names = [by_id[mid]["full_name"] for mid in moving]
        rec.event(
            household_id,
            "split_to",
            related=new_id,
            details={"new_code": values["code"], "members": names},
            date=split.date,
        )
        rec.event(
            new_id,
            "split_from",
            related=household_id,
            member_id=split.new_head_id,
            details={"from_code": source["code"], "members": names},
            date=split.date,
        )
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        rows_added_or_removed=True,
        household_ids=frozenset({household_id, new_id}),
        snapshot=snapshot,
        household_id=new_id,
        member_ids=tuple(moving),
        warnings=_warnings(issues),
    )


def merge_households(
    db: Database,
    *,
    target_id: int,
    source_id: int,
    relationships: dict[int, str] | None = None,
    date: str | None = None,
) -> Changes:
    """Nhập hộ: members of ``source_id`` join ``target_id`` and the source is soft-deleted.
    ``relationships`` gives their relationship to the target's head (default "Người thân khác")."""
    db.require(Permission.EDIT_REGISTER)
    target = _live_household(db, target_id)
    source = _live_household(db, source_id)
    issues: list[ValidationIssue] = []
    if target_id == source_id:
        issues.append(ValidationIssue("Hộ nhập vào", "phải khác hộ được nhập"))
    if not any(m["relationship_code"] == HEAD for m in _living_members(db, target_id)):
        issues.append(ValidationIssue("Chủ hộ", f"hộ {target['code']} chưa có chủ hộ"))
    codes = CodeBook(db)
    rels = dict(relationships or {})
    for code in rels.values():
        if code == HEAD:
            issues.append(ValidationIssue("relationship_code", "hộ nhập vào đã có chủ hộ", value="Chủ hộ"))
        elif not codes.has("relationship", code):
            issues.append(ValidationIssue("relationship_code", "không có trong danh mục", value=code))
    if _errors(issues):
        raise ValidationFailed(issues)
    joining = db.rows(
        "SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL ORDER BY sort_order, id", (source_id,)
    )
    rec = _Recorder(db, f"Nhập hộ {source['code']} vào hộ {target['code']}")
    now = clock.now_iso()
    with db.atomic() as conn:
        rec.touch([target_id, source_id], [m["id"] for m in joining])
        order = _next_order(db, target_id)
        for m in joining:
            code = rels.get(m["id"]) or OTHER_RELATIVE
            conn.execute(
                _MOVE_SQL,
                (target_id, code, order, now, m["id"]),
            )
            order += 1
        conn.execute(
            "UPDATE household SET deleted_at = ?, head_member_id = NULL, updated_at = ? WHERE id = ?",
            (now, now, source_id),
        )
        _refresh_derived(db, target_id, codes)
        names = [m["full_name"] for m in joining]
        rec.event(
            target_id,
            "merged_from",
            related=source_id,
            details={"from_code": source["code"], "members": names},
            date=date,
        )
        rec.event(
            source_id,
            "merge_into",
            related=target_id,
            details={"into_code": target["code"], "members": names},
            date=date,
        )
        snapshot = rec.snapshot()
    return Changes(
        households=True,
        members=True,
        rows_added_or_removed=True,
        household_ids=frozenset({target_id, source_id}),
        snapshot=snapshot,
        household_id=target_id,
        member_ids=tuple([m["id"] for m in joining]),
    )
