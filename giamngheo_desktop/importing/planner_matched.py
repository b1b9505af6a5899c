"""Households of the register the file updates and the planner has nothing to say about, planned a column at a time."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.importing.planner_checks import CHECKED_TOGETHER, _Checks
from giamngheo_desktop.importing.planner_households import _Households
from giamngheo_desktop.importing.planner_register import _differ_columns, _Register
from giamngheo_desktop.importing.preview import PlannedHousehold, PlannedMember, UpdatedMembers, _picker
from giamngheo_desktop.importing.values import _text
from giamngheo_desktop.services import register as reg

# a household of the register the file updates: its id, its row, where the members each data row updates (each
# a different one) are in the batch's member_table
_Matched = tuple[int, tuple[Any, ...], Sequence[int]]


class _MatchedHouseholds(_Households, _Register, _Checks):
    """Matched households planned together (:meth:`_matched` says which)."""

    def _matched(
        self, chunk: list[tuple[Any, list[int]]], values: dict[str, list[Any]], *, has_rel: bool
    ) -> list[_Matched | None]:
        """Of each household of ``chunk`` the register's household and members it updates (each data row
        one member, a different one), when :meth:`_plan_household` would name no problem of it: no problem
        with its rows, its own fields understood, no ID number of another household, one living head; else
        None (it is planned one at a time)."""
        m = self.m
        assert m is not None
        count = len(chunk)
        found: list[_Matched | None] = [None] * count
        if not self.existing:
            return found
        plain = self._plain(chunk, values, [True] * count)
        codes = values.get("household_code")
        held_by = self.held
        rels = m.rels
        col = self.member_index
        id_at, rel_at, life_at = col["id"], col["relationship_code"], col["life_status"]
        ids_of = itemgetter(id_at)
        table = self.member_table
        spans = table.spans
        member_ids, member_rels, member_lives = (table.columns[k] for k in ("id", "relationship_code", "life_status"))
        first: Callable[[Any], Any] = itemgetter(0)
        second: Callable[[Any], Any] = itemgetter(1)
        for j, (_key, rows) in enumerate(chunk):
            if not plain[j]:
                continue
            code = "" if codes is None or codes[j] is None else _text(codes[j])
            existing_id = self.live_codes.get(self.code_keys.get(code) or household_code.key(code)) if code else None
            hits = list(map(held_by.__getitem__, rows))
            held = set(map(first, filter(None, hits)))
            if existing_id is None and len(held) == 1:
                existing_id = next(iter(held))
            if existing_id is None or held - {existing_id}:
                continue
            existing = self.existing.get(existing_id)
            start, end = spans.get(existing_id, (0, 0))
            if existing is None or start == end:
                continue
            at: Sequence[int]
            if None not in hits and len(hits) == end - start and list(map(second, hits)) == member_ids[start:end]:
                at = range(start, end)  # each row the member at its place, by ID number (the usual)
                lives = member_lives[start:end]
                kept = False
            else:
                members = self._members_of(existing_id)
                pairs = self._pairs(rows, existing_id, members)
                if pairs is None:
                    continue
                place = {row[id_at]: start + k for k, row in enumerate(members)}
                at = [place[e[id_at]] for e in pairs]
                lives = list(map(member_lives.__getitem__, at))
                updated = set(map(ids_of, pairs))
                kept = any(
                    e[id_at] not in updated and e[rel_at] == reg.HEAD and e[life_at] == "living" for e in members
                )
            given = list(map(rels.__getitem__, rows)) if has_rel else [None] * len(rows)
            if None in given:
                given = [member_rels[k] if r is None else r for r, k in zip(given, at, strict=True)]
            heads = list(zip(given, lives, strict=True)).count((reg.HEAD, "living"))
            if (heads == 1 and not kept) or (heads == 0 and kept):  # no head missing, none twice
                found[j] = (existing_id, existing, at)
        return found

    def _pairs(
        self, rows: list[int], household_id: int, members: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]] | None:
        """The register's member each data row updates (as :meth:`_match` finds it), when each row updates one
        and no two rows the same one; else None."""
        m = self.m
        assert m is not None
        held = self.held
        id_at = self.member_index["id"]
        by_id: dict[int, tuple[Any, ...]] | None = None
        pairs: list[tuple[Any, ...]] = []
        for index, i in enumerate(rows):
            hit = held[i]
            e: tuple[Any, ...] | None = None
            if hit is not None and hit[0] == household_id:
                if index < len(members) and members[index][id_at] == hit[1]:  # the register's order (the usual)
                    e = members[index]
                else:
                    if by_id is None:
                        by_id = {row[id_at]: row for row in members}
                    e = by_id.get(hit[1])
            if e is None:
                e = self._by_name(i, members)
                if e is None:
                    return None
            pairs.append(e)
        if len({e[id_at] for e in pairs}) < len(pairs):
            return None
        return pairs

    def _plan_matched(
        self,
        chunk: list[tuple[Any, list[int]]],
        matched: list[_Matched],
        values: dict[str, list[Any]],
        *,
        has_rel: bool,
    ) -> list[PlannedHousehold]:
        """Households of the register the file updates and the planner has nothing to say about
        (:meth:`_matched`), planned as :meth:`_plan_household` plans them, their members a column at a
        time: the register's values with the file's put over them (:meth:`_MemberColumns.update_columns`),
        compared with the register's a column at a time (as :func:`_mark_unchanged` compares them)."""
        m = self.m
        assert m is not None
        flat = list(itertools.chain.from_iterable(rows for _key, rows in chunk))
        places = list(itertools.chain.from_iterable(at for _hid, _row, at in matched))
        count = len(places)
        batch = self.member_table.columns
        pick = _picker(places, len(batch["id"]))  # (the usual: households in the register's order, one slice)
        table = {name: pick(column) for name, column in batch.items()}  # the members updated, a column each
        fields = reg.member_input_columns(table, count)
        m.update_columns(fields, flat, has_rel=has_rel)
        base = len(self.pending)
        self.prechecked_spans.append((base, base + len(flat)))  # checked by _check_matched
        changed = _differ_columns(reg.member_columns_of(fields, self.memo), table, count)
        numbers = list(map(self.numbers.__getitem__, flat))
        # the members of a household one of whose members would write something are made now; the others'
        # (every one unchanged) when asked for (the preview shows a few)
        updated = UpdatedMembers(dict(fields), numbers, table["id"])
        self.unchecked.append((base, updated))
        if sum(len(run.rows) for _base, run in self.unchecked) >= CHECKED_TOGETHER:
            self._check_matched()
        pending: list[PlannedMember | None] = [None] * len(flat)
        count = len(matched)  # (households from here on)
        rows_held = [row for _hid, row, _at in matched]
        held = dict(zip(self.household_names, map(list, zip(*rows_held, strict=True)), strict=True))
        households = reg.household_input_columns(held, count)
        # the file's fields put over the register's a field at a time, as _household_data puts them one household at
        # a time (the planner has nothing to say of these households: _matched)
        codes = list(map(_text, values["household_code"])) if "household_code" in values else [""] * count
        for data, code in zip(households, codes, strict=True):
            if (
                code
                and data.code != code
                and household_code.key(data.code) != (self.code_keys.get(code) or household_code.key(code))
            ):
                data.code = code  # the register's "DX01" stays as it is for a file's "DX 01"
        village_cells = values.get("village") or [None] * count
        texts = list(map(_text, village_cells))
        found: dict[str, tuple[int | None, str, str]] = {}  # by text: each found once
        for text, (_key, rows) in zip(texts, chunk, strict=True):
            if text not in found:
                found[text] = self._village(self.numbers[rows[0]], text)  # known (_matched): nothing to say
        villages = list(map(found.__getitem__, texts))
        for data, cell, (village_id, _name, _new) in zip(households, village_cells, villages, strict=True):
            if village_id is not None and cell is not None:
                data.village_id = village_id
        self._set_household_columns(households, values)
        new_villages = [village[2] for village in villages]
        differ = _differ_columns(reg.household_columns(households), held, count)
        if "causes" in values:  # else each household's causes are the register's (household_input_columns)
            differ = [
                differs or sorted(set(data.causes)) != sorted(set(causes or []))
                for differs, data, causes in zip(differ, households, held["causes"], strict=True)
            ]
        ends = list(itertools.accumulate(len(rows) for _key, rows in chunk))
        starts = [0, *ends[:-1]]
        made_members: list[list[PlannedMember] | None] = [None] * count
        if True in changed:  # the members of a household one of whose members would write something: made now
            for j, (start, end) in enumerate(zip(starts, ends, strict=True)):
                if True in changed[start:end]:
                    made = made_members[j] = updated.made(start, end)
                    for member, differs in zip(made, changed[start:end], strict=True):
                        member.changed = differs
                    pending[start:end] = made
        planned = list(
            map(
                PlannedHousehold,
                map(numbers.__getitem__, map(slice, starts, ends)),
                itertools.repeat("update"),
                households,
                made_members,
                [household_id for household_id, _row, _at in matched],
                [village[1] for village in villages],
                new_villages,
                itertools.repeat(False),
                itertools.repeat(True),
                itertools.repeat(None),
                [differs or bool(new) for differs, new in zip(differ, new_villages, strict=True)],  # _household_changed
                [rows for _key, rows in chunk],
                itertools.repeat(None),
                itertools.repeat(updated),
                starts,
            )
        )
        firsts = [base + start for start in starts]
        self.unmade.extend((at, h) for at, h, made in zip(firsts, planned, made_members, strict=True) if made is None)
        self.household_checks.extend(zip(itertools.repeat(len(self.issues)), planned, map(bool, codes)))
        self.first_rows.update(zip(firsts, planned, strict=True))
        self.pending += pending
        self.pending_rows += flat
        self.updates += len(flat)
        return planned
