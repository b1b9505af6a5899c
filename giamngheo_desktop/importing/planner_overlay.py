"""What each data row says of its member, a column per field, and that put over a member of the register."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from giamngheo_desktop.importing.preview import NewMembers, RowIssue
from giamngheo_desktop.services import register as reg

_MEMBER_INPUT_FIELDS = dataclasses.fields(reg.MemberInput)  # full_name first


_MEMBER_INPUT_NAMES = [f.name for f in _MEMBER_INPUT_FIELDS]


@dataclass
class _MemberColumns:
    """What each data row says of its member (see :meth:`_Planner._member_columns`)."""

    names: list[str]
    ids: list[str]  # '' where none
    rels: list[str | None]
    birth_iso: list[str | None]
    birth_year: list[int | None]
    sexes: list[str | None]
    ethnicities: list[str | None]
    hi_cards: list[str | None] | None  # None: the file has no such column
    hi_ends: list[str | None] | None
    listed: dict[str, list[str | None]]  # education_level, schooling, employment → code (None: empty or unknown)
    occupations: list[str | None] | None
    notes: list[str | None] | None
    values: dict[str, list[Any]]  # the row as a new member, a column per MemberInput field the file fills
    new: NewMembers  # the same columns: what the preview's new members are made of and written from
    before: dict[int, list[RowIssue]]  # the planner's problems with a row, named before matching the register
    after: dict[int, list[RowIssue]]  # … and after it
    skips: list[tuple[str, ...]]  # problems the register's checks would name again, already named

    def update(self, data: reg.MemberInput, i: int, *, has_rel: bool) -> reg.MemberInput:
        """``data`` (a member of the register) with what row ``i`` fills in (:meth:`update_columns`)."""
        f = reg.by_field([data], _MEMBER_INPUT_NAMES)
        self.update_columns(f, [i], has_rel=has_rel)
        return reg.MemberInput(*[column[0] for column in f.values()])

    def update_columns(self, f: dict[str, list[Any]], rows: list[int], *, has_rel: bool) -> None:
        """Members of the register (``f``: a column per ``MemberInput`` field) with what data rows ``rows``
        fill in, one row each: the columns the file fills are replaced (the lists given are not changed)."""
        if not rows:
            return
        pick = itemgetter(*rows) if len(rows) > 1 else lambda column: (column[rows[0]],)
        f["full_name"] = list(pick(self.names))
        if has_rel:
            f["relationship_code"] = _given(f["relationship_code"], pick(self.rels))
        isos, years = pick(self.birth_iso), pick(self.birth_year)
        if all(isos):  # a date on every row (the usual)
            f["birth_date"] = list(isos)
            f["birth_year"] = [None] * len(rows)
        elif any(isos) or any(years):  # a date, or a year alone
            f["birth_date"] = [
                iso if iso or year else old for iso, year, old in zip(isos, years, f["birth_date"], strict=True)
            ]
            f["birth_year"] = [
                (None if iso else year) if iso or year else old
                for iso, year, old in zip(isos, years, f["birth_year"], strict=True)
            ]
        f["sex"] = _filled_in(f["sex"], pick(self.sexes))
        f["id_number"] = _filled_in(f["id_number"], pick(self.ids))
        ethnicities = pick(self.ethnicities)
        if any(ethnicities):
            f["ethnicity_code"] = _filled_in(f["ethnicity_code"], ethnicities)
            f["ethnicity_system"] = [
                reg.DEFAULT_ETHNICITY_SYSTEM if code else old
                for code, old in zip(ethnicities, f["ethnicity_system"], strict=True)
            ]
        if self.hi_cards is not None:
            f["hi_card_number"] = _given(f["hi_card_number"], pick(self.hi_cards))
        if self.hi_ends is not None:
            f["hi_valid_to"] = _given(f["hi_valid_to"], pick(self.hi_ends))
        for key, found in self.listed.items():
            f[key] = _given(f[key], pick(found))
        if self.occupations is not None:
            f["occupation"] = _given(f["occupation"], [v if v is None else v or "" for v in pick(self.occupations)])
        if self.notes is not None:
            f["note"] = _given(f["note"], [v if v is None else v or "" for v in pick(self.notes)])


def _given(old: list[Any], new: Sequence[Any]) -> list[Any]:
    """``new``'s value where it is not None, else ``old``'s (one value per member)."""
    if None not in new:
        return list(new)
    return [o if n is None else n for o, n in zip(old, new, strict=True)]


def _filled_in(old: list[Any], new: Sequence[Any]) -> list[Any]:
    """``new``'s value where it is not empty ('' or None), else ``old``'s."""
    if all(new):
        return list(new)
    return [n if n else o for o, n in zip(old, new, strict=True)]
