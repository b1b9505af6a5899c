"""Movement of poor and near-poor households (and persons) between two snapshots (§4.5).

For the poor (Biểu 2) and likewise the near-poor (Biểu 3):
  1 start · 2 (poor) became near-poor / (near-poor) escaped near-poverty
  3 (poor) rose above the near-poor line / (near-poor) became poor · 4 other decrease
  5 (poor) near-poor became poor / (near-poor) poor became near-poor · 6 re-poor / re-near-poor
  7 newly arising · 8 other increase · 9 end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 (always holds).

"Other" = composition changes: a household present at one end only because it was
created by a split / moved in (other increase) or deleted, merged, died out (other
decrease); for persons also the members who came or went in a household that stayed in
the group, and a household that moved to another village (out of one, into the other).
Persons leaving count with their start size, persons entering with their end size. The
commune total is always the sum of the villages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

POOR, NEAR = "poor", "near_poor"
COLUMNS = ["start", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "end"]


@dataclass(frozen=True)
class State:
    poverty_class: str
    persons: int
    village_id: int | None = None


@dataclass
class Counts:
    households: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    persons: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))

    def rows(self) -> tuple[list[int], list[int]]:
        """Columns 1–9 of the households row and of the persons row."""
        return [self.households[k] for k in COLUMNS], [self.persons[k] for k in COLUMNS]


def identity_holds(columns: Sequence[int]) -> bool:
    """Column 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 (columns 1–9 of a Biểu 2/3 row)."""
    c = columns
    return c[8] == c[0] - c[1] - c[2] - c[3] + c[4] + c[5] + c[6] + c[7]


def movement(
    group: str,
    start: Mapping[int, State],
    end: Mapping[int, State],
    *,
    ever_in_group_before: Iterable[int] = (),
    composition_new: Iterable[int] = (),
) -> dict[int | None, Counts]:
    """Counts per village (key None = commune total) for ``group`` (POOR or NEAR).

    ``ever_in_group_before``: households that were in the group in an earlier snapshot
    (re-poor / re-near-poor). ``composition_new``: households created by a split or
    moved in during the period (other increase rather than newly arising).
    """
    other = NEAR if group == POOR else POOR
    before = set(ever_in_group_before)
    created = set(composition_new)
    result: dict[int | None, Counts] = {None: Counts()}

    def bump(keys: Iterable[int | None], column: str, households: int, persons: int) -> None:
        for key in set(keys):
            counts = result.setdefault(key, Counts())
            counts.households[column] += households
            counts.persons[column] += persons

    for hid in sorted(set(start) | set(end)):
        s, e = start.get(hid), end.get(hid)
        in_start = s is not None and s.poverty_class == group
        in_end = e is not None and e.poverty_class == group
        if s is not None and in_start:
            bump((None, s.village_id), "start", 1, s.persons)
        if e is not None and in_end:
            bump((None, e.village_id), "end", 1, e.persons)
        if s is not None and e is not None and in_start and in_end:
            if s.village_id != e.village_id:
                # moved between villages: out of one, into the other (also in the commune
                # total, so that the total stays the sum of the villages)
                bump((None, s.village_id), "c4", 1, s.persons)
                bump((None, e.village_id), "c8", 1, e.persons)
            else:
                diff = e.persons - s.persons
                if diff > 0:
                    bump((None, e.village_id), "c8", 0, diff)
                elif diff < 0:
                    bump((None, e.village_id), "c4", 0, -diff)
        elif s is not None and in_start:
            where = (None, s.village_id)
            if e is None:
                bump(where, "c4", 1, s.persons)
            elif e.poverty_class == other:
                bump(where, "c2" if group == POOR else "c3", 1, s.persons)
            else:
                bump(where, "c3" if group == POOR else "c2", 1, s.persons)
        elif e is not None and in_end:
            where = (None, e.village_id)
            if s is None and hid in created:
                bump(where, "c8", 1, e.persons)
            elif s is not None and s.poverty_class == other:
                bump(where, "c5", 1, e.persons)
            elif hid in before:
                bump(where, "c6", 1, e.persons)
            else:
                bump(where, "c7", 1, e.persons)
    return result
