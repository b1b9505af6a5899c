"""Movement between snapshots: the identity end = start − 2 − 3 − 4 + 5 + 6 + 7 + 8 always holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo_desktop.domain.movement import NEAR, POOR, State, identity_holds, movement

classes = st.sampled_from(["poor", "near_poor", "not_poor", "average", "newly_escaped"])
state = st.builds(State, classes, st.integers(min_value=1, max_value=9), st.sampled_from([1, 2, 3]))
snapshot = st.dictionaries(st.integers(min_value=1, max_value=40), state, max_size=40)


@settings(max_examples=200, deadline=None)
@given(snapshot, snapshot, st.sets(st.integers(1, 40)), st.sets(st.integers(1, 40)))
def test_identity_holds_for_households_and_persons_per_village(
    start: dict[int, State], end: dict[int, State], before: set[int], created: set[int]
) -> None:
    for group in (POOR, NEAR):
        result = movement(group, start, end, ever_in_group_before=before, composition_new=created)
        for counts in result.values():
            assert all(identity_holds(row) for row in counts.rows())
        total = result[None]
        villages = [c for k, c in result.items() if k is not None]
        for column in total.households:
            assert total.households[column] == sum(c.households[column] for c in villages)


def test_categories() -> None:
    start = {1: State("poor", 4, 1), 2: State("poor", 3, 1), 3: State("near_poor", 5, 1), 4: State("poor", 1, 2),
             5: State("not_poor", 2, 2), 6: State("not_poor", 3, 2)}  # fmt: skip
    end = {1: State("poor", 5, 1), 2: State("near_poor", 3, 1), 3: State("poor", 5, 1),
           5: State("poor", 2, 2), 6: State("poor", 3, 2), 7: State("poor", 2, 2)}  # fmt: skip
    poor = movement(POOR, start, end, ever_in_group_before={6}, composition_new={7})[None]
    assert poor.households == {"start": 3, "c2": 1, "c3": 0, "c4": 1, "c5": 1, "c6": 1, "c7": 1, "c8": 1, "end": 5}
    assert poor.persons["c8"] == 1 + 2  # a member joined household 1; household 7 split off
    assert all(identity_holds(row) for row in poor.rows())
