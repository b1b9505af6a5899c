"""New households the planner has nothing to say about, planned a column at a time."""

from __future__ import annotations

import itertools
from typing import Any

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.importing.planner_households import _Households
from giamngheo_desktop.importing.preview import PlannedHousehold
from giamngheo_desktop.importing.values import _text
from giamngheo_desktop.services import register as reg


class _NewHouseholds(_Households):
    """New households planned together (:meth:`_quick` says which)."""

    def _quick(self, chunk: list[tuple[Any, list[int]]], values: dict[str, list[Any]], *, has_rel: bool) -> list[bool]:
        """Whether each household of ``chunk`` is new and :meth:`_plan_household` would name no problem
        of it: no member of the register named (by code or ID number), no problem with its rows, its own
        fields understood, one head."""
        m = self.m
        assert m is not None
        count = len(chunk)
        if self.ids_in_db:  # its members may be the register's: one at a time
            return [False] * count
        quick = [True] * count
        codes = values.get("household_code")
        if codes is not None and self.live_codes:
            for j, code in enumerate(codes):
                text = "" if code is None else _text(code)
                if text and (self.code_keys.get(text) or household_code.key(text)) in self.live_codes:
                    quick[j] = False
        if has_rel:  # one head (the register's checks then find no head missing nor two)
            rels = m.rels
            for j, (_key, rows) in enumerate(chunk):
                if quick[j] and list(map(rels.__getitem__, rows)).count(reg.HEAD) != 1:
                    quick[j] = False
        return self._plain(chunk, values, quick)

    def _plan_new(
        self, rows: list[list[int]], values: dict[str, list[Any]], *, has_rel: bool
    ) -> list[PlannedHousehold]:
        """New households whose rows and fields the planner has nothing to say about (:meth:`_quick`),
        planned as :meth:`_plan_household` plans them, a column at a time: data rows ``rows`` each."""
        m = self.m
        assert m is not None
        count = len(rows)
        flat = list(itertools.chain.from_iterable(rows))
        ends = list(itertools.accumulate(map(len, rows)))
        starts = [0, *ends[:-1]]
        spans = list(map(slice, starts, ends))
        numbers = list(map(self.numbers.__getitem__, flat))
        if not has_rel:  # the first row heads the household (in the members' column: what they are made of)
            firsts = {household[0] for household in rows}
            for i in flat:
                m.rels[i] = reg.HEAD if i in firsts else reg.OTHER_RELATIVE
        codes = list(map(_text, values["household_code"])) if "household_code" in values else [""] * count
        texts = list(map(_text, values.get("village") or [None] * count))
        found_villages = {text: self._village_found(text) for text in dict.fromkeys(texts)}  # each text once
        villages: list[tuple[int | None, str, str]] = list(map(found_villages.__getitem__, texts))  # type: ignore[arg-type]
        households = list(map(reg.HouseholdInput, codes, [village[0] or 0 for village in villages]))
        self._set_household_columns(households, values)
        # their members are made when asked for (the preview shows a few): written from the columns
        planned = list(
            map(
                PlannedHousehold,
                map(numbers.__getitem__, spans),
                itertools.repeat("create"),
                households,
                itertools.repeat(None),
                itertools.repeat(None),
                [village[1] for village in villages],
                [village[2] for village in villages],
                [not code for code in codes],
                itertools.repeat(True),
                itertools.repeat(None),
                itertools.repeat(True),
                rows,
                itertools.repeat(m.new),
            )
        )
        # nothing said of them: the register's checks of each go where the issues end now
        self.household_checks.extend(zip(itertools.repeat(len(self.issues)), planned, map(bool, codes)))
        base = len(self.pending)
        self.first_rows.update(zip([base + start for start in starts], planned, strict=True))
        self.unmade.extend(zip([base + start for start in starts], planned, strict=True))
        self.pending += itertools.repeat(None, len(flat))
        self.pending_rows += flat
        return planned
