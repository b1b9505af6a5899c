"""The register's households and members an import matches: loaded a batch at a time, matched with the file's rows,
compared with what the file says.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from giamngheo_desktop.importing.planner_state import _PlannerState
from giamngheo_desktop.importing.preview import PlannedHousehold
from giamngheo_desktop.services import register as reg


def _mark_unchanged(
    households: list[PlannedHousehold],
    memo: reg.MemberMemo,
    member_index: dict[str, int] | None = None,
    household_index: dict[str, int] | None = None,
) -> None:
    """Find the updates that would write what the register already holds (a list imported again).

    They are shown as unchanged and not written: no history entry, no audit entry. The register's
    rows they were compared with (``before``: tuples whose columns ``member_index`` and
    ``household_index`` name, or dicts) are let go.
    """
    # (a new household's members are all new; those of the register not made are compared already)
    members = [
        m
        for h in households
        if h.action == "update" and h.made_members is not None
        for m in h.members
        if m.action == "update" and m.before is not None
    ]
    if members:
        rows = [m.before for m in members]
        changed = _differ(reg.member_columns([m.data for m in members], memo), rows, member_index)
        for m, differs in zip(members, changed, strict=True):
            m.changed = differs
            m.before = None
    matched = [h for h in households if h.action == "update" and h.before is not None]
    if matched:
        befores: list[Any] = [h.before for h in matched]
        changed = _differ(reg.household_columns([h.data for h in matched]), befores, household_index)
        for h, before, differs in zip(matched, befores, changed, strict=True):
            causes = before.get("causes") if household_index is None else before[household_index["causes"]]
            h.changed = _household_changed(h, differs, causes)
            h.before = None


def _household_changed(household: PlannedHousehold, differs: bool, causes: list[str] | None) -> bool:
    """Whether a matched household would write anything of its own: a column that ``differs``, a village to
    create, causes other than the register's (``causes``)."""
    return differs or bool(household.new_village) or sorted(set(household.data.causes)) != sorted(set(causes or []))


def _differ(columns: dict[str, list[Any]], rows: list[Any], named: dict[str, int] | None = None) -> list[bool]:
    """For each row of the register (a dict, or a tuple whose columns ``named`` names), whether a
    column's value differs from it (a column at a time: a list imported again mostly holds what the
    register holds, and a whole column is compared at once)."""
    if named is None:
        held = {name: [row.get(name) for row in rows] for name in columns}
    else:
        held = {name: list(map(itemgetter(named[name]), rows)) for name in columns if name in named}
    return _differ_columns(columns, held, len(rows))


def _differ_columns(columns: dict[str, list[Any]], register: dict[str, list[Any]], count: int) -> list[bool]:
    """:func:`_differ` of ``count`` rows of the register given a column each (``register``; a column it
    lacks holds None)."""
    changed = [False] * count
    for name, values in columns.items():
        held = register[name] if name in register else [None] * count
        if held != values:
            for index, (old, new) in enumerate(zip(held, values, strict=True)):
                if old != new:
                    changed[index] = True
    return changed


class _Register(_PlannerState):
    """The register's rows the file's households and members match."""

    def _register_ids(self, numbers: list[str]) -> dict[str, tuple[int, int]]:
        """The file's ID numbers the register holds (live members of live households): number →
        (household, member); empty when it holds none of them. Read aside while the file was
        (:class:`register.ReadAside`), every number the register holds is kept (a list imported
        again holds them all; picking the file's out of 200,000 cost as much as reading them); else
        only the file's. Kept for the whole planning."""
        if self.aside is not None:
            self.read_aside = self.aside.result()
            self.aside = None
        if self.read_aside is not None:
            holders, self.read_aside.ids = self.read_aside.ids, {}
            holders.pop("", None)  # (the file's rows without a number)
            return holders if holders and any(map(holders.__contains__, numbers)) else {}
        in_file = dict(zip(numbers, numbers, strict=True))
        in_file.pop("", None)
        if not in_file:
            return {}
        return reg.id_holders(self.db, in_file)

    def _candidates(self, groups: list[tuple[Any, list[int]]]) -> set[int]:
        """The register's households these groups may update (by household code, by a member's ID number)."""
        candidates: set[int] = set()
        for key, _rows in groups:
            if key[0] == "code" and key[1] in self.live_codes:
                candidates.add(self.live_codes[key[1]])
        if self.ids_in_db:
            rows = itertools.chain.from_iterable(rows for _key, rows in groups)
            candidates.update(hit[0] for hit in map(self.held.__getitem__, rows) if hit)
        return candidates

    def _load_existing(self, candidates: set[int]) -> None:
        """The register's households ``candidates`` (and their members, a column each: ``member_table``), in a few
        queries instead of two per household; their members read ahead where ``ahead`` reads them (a batch each
        call, in order)."""
        self.existing, self.existing_members = {}, {}
        read = self.ahead.table() if self.ahead is not None else None
        self.member_table = reg.MemberTable()
        if candidates:
            self.existing = self._household_rows(candidates)
            self.member_table = read if read is not None else reg.member_table(self.db, candidates)
            self._member_columns_named(list(self.member_table.columns))

    def _household_rows(self, household_ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
        """:func:`register.household_rows` (their columns in ``household_index``), those read aside taken
        from there."""
        aside = self.read_aside
        if aside is not None and aside.households:
            found: dict[int, tuple[Any, ...]] = {}
            rest: list[int] = []
            for hid in household_ids:
                row = aside.households.pop(hid, None)
                if row is None:
                    rest.append(hid)
                else:
                    found[hid] = row
            columns = aside.household_columns
            if rest:
                columns, more = reg.household_rows(self.db, rest)
                found.update(more)
        else:
            columns, found = reg.household_rows(self.db, household_ids)
        if columns and not self.household_index:
            self.household_names = columns
            self.household_index = {name: i for i, name in enumerate(columns)}
            self.household_input = reg.household_input_reader(columns)
        return found

    def _member_columns_named(self, columns: list[str]) -> None:
        """``member_index`` and the readers of the register's member rows, once their columns are known."""
        if columns and not self.member_index:
            self.member_names = columns
            self.member_index = {name: i for i, name in enumerate(columns)}
            self.member_input = reg.member_input_reader(columns)

    def _members_of(self, household_id: int) -> list[tuple[Any, ...]]:
        """The register's members of a household as :func:`register.member_rows` gives them (their columns in
        ``member_index``): the batch's made of ``member_table`` (once), another's read."""
        rows = self.existing_members.get(household_id)
        if rows is None:
            if household_id in self.member_table.spans:
                rows = self.member_table.rows(household_id)
            else:
                columns, found = reg.member_rows(self.db, [household_id])
                self._member_columns_named(columns)
                rows = found[household_id]
            self.existing_members[household_id] = rows
        return rows

    def _match(
        self, i: int, row: int, household_id: int | None, existing_members: list[tuple[Any, ...]]
    ) -> tuple[Any, ...] | None:
        """The register's member that data row ``i`` updates: same ID number, else same name and
        birth year, in the matched household (an ID held in another household is a problem)."""
        m = self.m
        assert m is not None
        id_number = m.ids[i]
        col = self.member_index
        match: tuple[Any, ...] | None = None
        if id_number and id_number in self.ids_in_db:
            hid, mid = self.ids_in_db[id_number]
            if household_id is not None and hid == household_id:
                key = col["id"]
                match = next((e for e in existing_members if e[key] == mid), None)
            else:
                code = self.db.scalar("SELECT code FROM household WHERE id = ?", (hid,))
                other_name = self.db.scalar("SELECT full_name FROM member WHERE id = ?", (mid,))
                self.issue(
                    row,
                    "id_number",
                    id_number,
                    f"số này đã có trong sổ: {other_name}, hộ {code} (không nhập trùng; nếu người này chuyển hộ, "
                    "hãy dùng “Chuyển hộ” trong ứng dụng)",
                )
        if match is None and household_id is not None:
            return self._by_name(i, existing_members)
        return match

    def _by_name(self, i: int, existing_members: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
        """The first of the household's members of the register with data row ``i``'s name and birth year."""
        m = self.m
        assert m is not None
        col = self.member_index
        folded = self.memo.fold(m.names[i])
        birth_year = m.birth_year[i]
        fold_at, year_at = col["name_fold"], col["birth_year"]
        for e in existing_members:
            if e[fold_at] == folded and (not birth_year or not e[year_at] or int(e[year_at]) == birth_year):
                return e
        return None
