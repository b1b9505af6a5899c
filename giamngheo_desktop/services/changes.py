"""What an operation changed: the one value every service that writes returns.

The flags say which parts of the window to refresh (``workspace.broadcast``, as Anki's
OpChanges); the other fields say what was written, so the caller can select or undo it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop.domain.errors import ValidationIssue


@dataclass
class State:
    """Full rows of the register records an operation touched (``None`` for "did not exist")."""

    households: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    members: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    causes: dict[int, list[str]] = field(default_factory=dict)
    events: dict[int, dict[str, Any] | None] = field(default_factory=dict)


@dataclass
class Snapshot:
    """The rows before and after a register operation: undo writes ``before`` back, redo ``after``."""

    before: State
    after: State
    label: str = ""


@dataclass(frozen=True)
class Changes:
    """What a service wrote, and which parts of the window show it.

    ``id`` is the row it created or saved (a village, support, loan, round, plan, model, class,
    user, batch…); ``household_id``/``member_id``/``member_ids`` the register rows an operation
    is about; ``count`` how many rows a batch wrote; ``warnings`` what was saved but needs a
    second look; ``snapshot`` (register operations) the rows before and after, for undo.
    """

    households: bool = False  # household rows (content or membership of the list)
    members: bool = False
    rows_added_or_removed: bool = False  # the household list must be re-queried
    commune: bool = False  # commune settings or villages
    support: bool = False
    review: bool = False
    plans: bool = False
    users: bool = False
    household_ids: frozenset[int] = field(default_factory=frozenset)
    id: int | None = None
    household_id: int | None = None
    member_id: int | None = None
    member_ids: tuple[int, ...] = ()
    count: int = 0
    warnings: tuple[ValidationIssue, ...] = ()
    snapshot: Snapshot | None = None

    @property
    def written_id(self) -> int:
        """``id`` of an operation that always writes one row (a programming error if it did not)."""
        if self.id is None:
            raise ValueError("this operation did not write a row")
        return self.id

    def __or__(self, other: Changes) -> Changes:
        """Both operations' refresh flags and households (what to refresh; not what was written)."""
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
