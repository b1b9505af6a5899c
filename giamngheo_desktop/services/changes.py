"""What an operation changed, so the window refreshes only that (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    households: bool = False  # household rows (content or membership of the list)
    members: bool = False
    rows_added_or_removed: bool = False  # the household list must be re-queried
    commune: bool = False  # commune settings or villages
    support: bool = False
    review: bool = False
    plans: bool = False
    users: bool = False
    household_ids: frozenset[int] = field(default_factory=frozenset)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            households=self.households or other.households,
            members=self.members or other.members,
            rows_added_or_removed=self.rows_added_or_removed or other.rows_added_or_removed,
            commune=self.commune or other.commune,
            support=self.support or other.support,
            review=self.review or other.review,
            plans=self.plans or other.plans,
            users=self.users or other.users,
            household_ids=self.household_ids | other.household_ids,
        )


EVERYTHING = Changes(
    households=True,
    members=True,
    rows_added_or_removed=True,
    commune=True,
    support=True,
    review=True,
    plans=True,
    users=True,
)
