"""The register's checks of households and members: the field table's rules (``field_checks``, the one
validator) against this register (its villages, the codes and ID numbers it already holds), over many
records a column at a time (one record is the one-row case).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import ValidationIssue
from giamngheo_desktop.domain.idnumber import normalize_id
from giamngheo_desktop.services import field_checks
from giamngheo_desktop.services.register_records import CodeBook, HouseholdInput, MemberInput, MemberMemo
from giamngheo_desktop.storage.connection import Database


def _collector(
    count: int, rows: Sequence[int | None] | None, whos: Sequence[str] | None
) -> tuple[dict[int, list[ValidationIssue]], field_checks.Add]:
    """Where a check's problems go: only records with a problem (most have none), as issues."""
    found: dict[int, list[ValidationIssue]] = {}
    who = list(whos) if whos and any(whos) else None

    def add(i: int, key: str, message: str, value: str | None, severity: str) -> None:
        issue = ValidationIssue(
            key, message, row=rows[i] if rows else None, value=value, severity=severity, who=who[i] if who else ""
        )
        found.setdefault(i, []).append(issue)

    return found, add


def _villages(db: Database) -> Callable[[], set[int]]:
    def load() -> set[int]:
        return {r[0] for r in db.conn.execute("SELECT id FROM village WHERE deleted_at IS NULL")}

    return load


def validate_household(
    db: Database,
    data: HouseholdInput,
    *,
    household_id: int | None = None,
    codes: CodeBook | None = None,
    row: int | None = None,
    check_village: bool = True,
    live_codes: dict[str, int] | None = None,
) -> list[ValidationIssue]:
    """Problems with a household's own fields (not its members)."""
    [issues] = validate_households(
        db,
        [data],
        household_ids=[household_id],
        codes=codes,
        rows=[row],
        check_village=check_village,
        live_codes=live_codes,
    )
    return list(issues)


def validate_households(
    db: Database,
    households: Sequence[HouseholdInput],
    *,
    household_ids: Sequence[int | None] | None = None,
    codes: CodeBook | None = None,
    rows: Sequence[int | None] | None = None,
    check_village: bool = True,
    live_codes: dict[str, int] | None = None,
    today: _dt.date | None = None,
) -> list[Sequence[ValidationIssue]]:
    """:func:`validate_household` of many households at once: each one's problems, in the same order.

    ``live_codes`` (:func:`household_code.key` of the code → id of every household not deleted, e.g. an
    import's) replaces the query per household that checks its code is free. Codes are compared by that
    key: "DX 01" is taken when "DX01" is.
    """
    count = len(households)
    if not count:
        return []
    found, add = _collector(count, rows, None)

    def taken(key: str, i: int, code: Any) -> tuple[str, str] | None:
        own = household_ids[i] if household_ids else None
        code_key = household_code.key(str(code))
        if live_codes is not None and live_codes.get(code_key, own) == own:
            return None
        other = db.row(
            "SELECT h.id, v.name AS village FROM household h JOIN village v ON v.id = h.village_id "
            f"WHERE {household_code.key_sql('h')} = ? AND h.deleted_at IS NULL AND h.id IS NOT ?",
            (code_key, own),
        )
        return (f"đã có hộ khác mang mã này ({other['village']})", code) if other else None

    ctx = field_checks.Context(
        codes or CodeBook(db),
        today or clock.today(),
        taken=None if live_codes is not None and not live_codes else taken,  # none taken: no call per household
        villages=_villages(db) if check_village else None,
    )
    field_checks.check_records("household", households, add, ctx)
    none: tuple[ValidationIssue, ...] = ()
    return [found.get(i, none) for i in range(count)] if found else [none] * count


def validate_member(
    db: Database,
    data: MemberInput,
    *,
    member_id: int | None = None,
    codes: CodeBook | None = None,
    row: int | None = None,
    who: str = "",
    check_duplicate_id: bool = True,
    today: _dt.date | None = None,
) -> list[ValidationIssue]:
    """Problems with one member's fields. ``who`` prefixes field names (e.g. the member's name)."""
    [issues] = validate_members(
        db,
        [data],
        member_ids=[member_id],
        codes=codes,
        rows=[row],
        whos=[who],
        check_duplicate_id=check_duplicate_id,
        today=today,
    )
    return list(issues)


def validate_members(
    db: Database,
    members: Sequence[MemberInput],
    *,
    member_ids: Sequence[int | None] | None = None,
    codes: CodeBook | None = None,
    rows: Sequence[int | None] | None = None,
    whos: Sequence[str] | None = None,
    check_duplicate_id: bool = True,
    today: _dt.date | None = None,
    memo: MemberMemo | None = None,
) -> list[Sequence[ValidationIssue]]:
    """:func:`validate_member` of many members at once: each member's problems, in the same order.

    An import validates 200,000 members: the field table's rules run a field at a time over
    all of them (:mod:`field_checks`); names and dates go through ``memo``.
    """
    count = len(members)
    if not count:
        return []
    found, add = _collector(count, rows, whos)

    def taken(key: str, i: int, number: Any) -> tuple[str, str] | None:
        normalized = normalize_id(number)
        other = db.row(
            "SELECT m.full_name, h.code FROM member m JOIN household h ON h.id = m.household_id "
            "WHERE m.id_number = ? AND m.deleted_at IS NULL AND h.deleted_at IS NULL AND m.id IS NOT ?",
            (normalized, member_ids[i] if member_ids else None),
        )
        return (f"trùng với nhân khẩu {other['full_name']} (hộ {other['code']})", normalized) if other else None

    ctx = field_checks.Context(
        codes or CodeBook(db),
        today or clock.today(),
        memo or MemberMemo(),
        taken=taken if check_duplicate_id else None,
    )
    field_checks.check_records("member", members, add, ctx)
    none: tuple[ValidationIssue, ...] = ()
    return [found.get(i, none) for i in range(count)] if found else [none] * count


_MEMBER_DEFAULTS = {f.name: f.default for f in fields(MemberInput)}


def validate_member_columns(
    db: Database,
    columns: dict[str, list[Any]],
    count: int,
    *,
    codes: CodeBook | None = None,
    today: _dt.date | None = None,
    memo: MemberMemo | None = None,
    context: field_checks.Context | None = None,
) -> dict[int, list[ValidationIssue]]:
    """:func:`validate_members` of ``count`` members given a column per field, without looking up ID
    numbers in the register: the problems of the members that have any, by index. ``context``: one a caller
    checking the members of one pass in several calls gives each (what it has checked is not checked again;
    ``codes``, ``today`` and ``memo`` are then its own).

    ``columns`` holds each field's value of every member (a field it lacks holds
    :class:`MemberInput`'s default); the lists are read, not changed. An import has its members'
    values as columns already: taking them from 200,000 ``MemberInput`` objects again cost as much
    as checking them.
    """
    found, add = _collector(count, None, None)
    if not count:
        return found
    filled: dict[tuple[type, Any], list[Any]] = {}  # a column of one default, made once for the fields holding it

    def default_column(key: str) -> list[Any]:
        value = _MEMBER_DEFAULTS[key]
        made = filled.get((type(value), value))
        if made is None:
            made = filled[(type(value), value)] = [value] * count
        return made

    given = {key: columns[key] if key in columns else default_column(key) for key in field_checks.READ["member"]}
    ctx = context or field_checks.Context(codes or CodeBook(db), today or clock.today(), memo or MemberMemo())
    field_checks.check_columns("member", given, add, ctx)
    return found


def check_member_value(db: Database, key: str, value: Any) -> list[ValidationIssue]:
    """The problems of one member field's value by the field table's rules (a date typed in a small dialog)."""
    ctx = field_checks.Context(CodeBook(db), clock.today())
    return [
        ValidationIssue(key, message, value=None if value is None else str(value), severity=severity)
        for message, severity in field_checks.check_value("member", key, value, ctx)
    ]


def _errors(issues: Iterable[ValidationIssue]) -> list[ValidationIssue]:
    return [i for i in issues if i.severity == "error"]


def _warnings(issues: Iterable[ValidationIssue]) -> tuple[ValidationIssue, ...]:
    return tuple(i for i in issues if i.severity != "error")
