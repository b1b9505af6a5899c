"""The register's checks of every planned household and member, IDs given twice, a household pasted twice, and which
rows are valid.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from giamngheo_desktop.domain.errors import ValidationIssue
from giamngheo_desktop.importing.planner_state import _PlannerState
from giamngheo_desktop.importing.preview import PlannedHousehold, PlannedMember, RowIssue
from giamngheo_desktop.importing.values import _KEY_TO_FIELD
from giamngheo_desktop.services import field_checks
from giamngheo_desktop.services import register as reg


def _first_person(household: PlannedHousehold) -> tuple[str, str | None]:
    """The name and ID number of a household's first member (from the file's columns when its members are not
    made)."""
    new = household.new_members
    if household.made_members is None and new is not None:
        i = household.member_rows[0]
        return new.value("full_name", i), new.value("id_number", i)
    data = household.members[0].data
    return data.full_name, data.id_number


CHECKED_TOGETHER = 50_000  # members of matched runs checked at once (their columns joined for it: _check_matched)


class _Checks(_PlannerState):
    """The planned households and members checked together once all are planned."""

    def _check_matched(self) -> None:
        """The register's checks of the members planned a run at a time not checked yet (``unchecked``), on their
        columns (as :meth:`_validate_members` checks the others), several runs at once: each distinct date, code
        and ID number's first digits is checked once per call."""
        runs, self.unchecked = self.unchecked, []
        if not runs:
            return
        columns = {
            key: list(itertools.chain.from_iterable(run.values(key, 0, len(run.rows)) for _base, run in runs))
            for key in field_checks.READ["member"]
        }
        starts = list(itertools.accumulate((len(run.rows) for _base, run in runs), initial=0))
        if self.matched_context is None:  # one for every call: each distinct date checked once
            self.matched_context = field_checks.Context(self.vocab.codes, self.today, self.memo)
        checked = reg.validate_member_columns(self.db, columns, starts[-1], context=self.matched_context)
        for at, issues in checked.items():
            place = bisect.bisect_right(starts, at) - 1
            self.prechecked[runs[place][0] + at - starts[place]] = issues

    def _copied_households(self, households: list[PlannedHousehold]) -> None:
        """A new household the list holds twice (pasted twice: the same village, and the same people with the
        same births, none with an ID number, which would be refused as repeated anyway): the copy is refused at
        its first row, naming the row of the first."""
        # a first look, cheap: the first person's name, of the households whose first person has no ID number
        # (read from the file's columns where the household's members are not made)
        creates = [
            h
            for h in households
            if h.action == "create" and (h.member_rows if h.made_members is None else h.made_members)
        ]
        first_ids = self._first_values(creates, "id_number")
        if all(first_ids):  # every first person has an ID number (the usual): no household is a copy
            return
        firsts = list(zip(creates, zip(self._first_values(creates, "full_name"), first_ids, strict=True), strict=True))
        names: set[str] = set()
        again: set[str] = set()
        for _h, (name, id_number) in firsts:
            if not id_number:
                if name in names:
                    again.add(name)
                else:
                    names.add(name)
        if not again:
            return
        alike: dict[str, list[PlannedHousehold]] = {}
        for h, (name, _id_number) in firsts:
            if name in again:
                alike.setdefault(name, []).append(h)
        for group in alike.values():
            seen: dict[tuple[Any, ...], int] = {}
            for h in group:
                if any(m.data.id_number for m in h.members):
                    continue
                # a date and a year are compared as text (two people of one name, one with each, sort)
                people = tuple(
                    sorted((m.data.full_name, str(m.data.birth_date or m.data.birth_year)) for m in h.members)
                )
                first = seen.setdefault((h.data.village_id, h.new_village, people), h.rows[0])
                if first != h.rows[0]:
                    head = next((m for m in h.members if m.data.relationship_code == reg.HEAD), h.members[0])
                    self.issue(
                        h.rows[0],
                        "full_name",
                        head.data.full_name,
                        f"hộ này giống hệt hộ ở {self.where(first)} (cùng thôn, cùng những người và năm sinh): có lẽ "
                        "đã chép hai lần; hãy xóa một bản trong tệp",
                    )

    def _created_again(self, households: list[PlannedHousehold]) -> None:
        """A new household the file gives no code whose head the register already holds in the same village (the
        same name; the same birth year and ID number where both give one): the list was most likely imported
        before, and without codes or ID numbers it would be written a second time beside the register's households.
        Refused at the head's row, naming the register's household (a list exported from the register carries the
        codes that match)."""
        fresh = [h for h in households if h.action == "create" and h.generate_code and h.data.village_id]
        if not fresh:
            return
        heads = reg.household_heads(self.db)
        if not heads:
            return
        fold = self.memo.fold
        for h in fresh:
            new = h.new_members
            if h.made_members is None and new is not None:
                people = [
                    (
                        row,
                        new.value("relationship_code", i),
                        new.value("full_name", i),
                        new.value("birth_year", i),
                        new.value("id_number", i),
                    )
                    for row, i in zip(h.rows, h.member_rows, strict=True)
                ]
            else:
                people = [
                    (m.row, m.data.relationship_code, m.data.full_name, m.data.birth_year, m.data.id_number)
                    for m in h.members
                ]
            head = next((p for p in people if p[1] == reg.HEAD), None)
            if head is None or not head[2]:
                continue
            row, _relationship, name, year, number = head
            for held_year, held_number, code in heads.get((h.data.village_id, fold(name)), ()):
                if (year is None or held_year is None or year == held_year) and (
                    not number or not held_number or number == held_number
                ):
                    self.issue(
                        row,
                        "full_name",
                        name,
                        f"sổ đã có hộ {code} cùng thôn, chủ hộ cùng họ tên"
                        + (f", cùng năm sinh {year}" if year is not None and held_year is not None else "")
                        + ": danh sách này có thể đã được nhập; tệp không có mã hộ để biết là cùng một hộ nên hộ sẽ "
                        "bị ghi thêm lần nữa. Hãy thêm cột “Mã hộ” (có trong danh sách xuất từ sổ) rồi nhập lại, "
                        "hoặc bỏ hộ này khỏi tệp",
                    )
                    break

    def _first_values(self, households: list[PlannedHousehold], name: str) -> list[Any]:
        """The name ("full_name") or ID number ("id_number") :func:`_first_person` gives of each household (with
        members): of those planned a column at a time, read from the file's columns in C (50,000 households)."""
        new = self.m.new if self.m is not None else None
        if new is None or not all(h.made_members is None and h.new_members is new for h in households):
            return [_first_person(h)[name == "id_number"] for h in households]
        column = new.columns.get(name)
        if column is None:
            return [new.value(name, 0)] * len(households)
        return [column[h.member_rows[0]] for h in households]

    def _from_validation(self, row: int, issue: ValidationIssue, into: list[RowIssue] | None = None) -> None:
        field_key = _KEY_TO_FIELD.get(issue.field, "")
        column = self.col(field_key) if field_key else issue.field
        (self.issues if into is None else into).append(
            self.row_issue(row, column, issue.value or "", issue.message, issue.severity)
        )

    def _validate_households(self) -> None:
        """Validate every planned household at once (the register's checks,
        :func:`register.validate_households`); each one's problems are put where planning it
        would have listed them, and an error makes it invalid."""
        pending = self.household_checks
        found = reg.validate_households(
            self.db,
            [planned.data for _at, planned, _code in pending],
            household_ids=[planned.household_id for _at, planned, _code in pending],
            codes=self.vocab.codes,
            check_village=False,
            live_codes=self.live_codes,
            today=self.today,
        )
        if not any(found):
            return
        slots: list[tuple[int, list[RowIssue]]] = []
        for (at, planned, has_code), issues in zip(pending, found, strict=True):
            items: list[RowIssue] = []
            for issue in issues:
                if issue.field == "code" and not has_code:
                    continue  # generated at commit
                self._from_validation(planned.rows[0], issue, items)
                if issue.severity == "error":
                    planned.valid = False
            if items:
                slots.append((at, items))
        joined: list[RowIssue] = []
        start = 0
        for at, items in slots:
            joined += self.issues[start:at]
            joined += items
            start = at
        self.issues = joined + self.issues[start:]

    def _pending_column(self, key: str) -> list[Any] | None:
        """A member field's value of every planned member (in ``pending``'s order) from the file's columns,
        when every planned member is new (their inputs were made of those columns); else None."""
        m = self.m
        assert m is not None
        if self.updates:
            return None
        column = m.values.get(key)
        if column is None:
            return None
        rows = self.pending_rows
        if self.in_order is None:  # every row planned, in order (asked once: the same for every column)
            self.in_order = len(rows) == len(column) and rows == list(range(len(column)))
        if self.in_order:
            return column
        return list(map(column.__getitem__, rows))

    def _made_pending(self, wanted: Sequence[int]) -> list[PlannedMember]:
        """The planned members (``pending``), the members of households planned a column at a time made where
        one of them is at a place ``wanted`` (sorted)."""
        pending = self.pending
        left: list[tuple[int, PlannedHousehold]] = []
        for start, household in self.unmade:
            at = bisect.bisect_left(wanted, start)
            if at < len(wanted) and wanted[at] < start + household.member_count:
                members = household.members
                pending[start : start + len(members)] = members
            else:
                left.append((start, household))
        self.unmade = left
        return pending  # type: ignore[return-value]  # those wanted not None

    def _pending_values(self, name: str) -> list[Any]:
        """Field ``name`` of every planned member (in ``pending``'s order), read from the columns where the
        members are not made."""
        values = [None if member is None else getattr(member.data, name) for member in self.pending]
        for start, household in self.unmade:
            found = household.member_values(name)
            values[start : start + len(found)] = found
        return values

    def _validate_members(self) -> None:
        """Validate every planned member at once (the register's checks, :func:`register.validate_members`)."""
        m = self.m
        assert m is not None
        found: Mapping[int, Sequence[ValidationIssue]]
        columns = {key: self._pending_column(key) for key in m.values}
        count = len(self.pending)
        if any(column is None for column in columns.values()):  # members of the register among them
            self._check_matched()
            self.matched_context = None
            rest: Sequence[int] = range(count)
            if self.prechecked_spans:  # those planned a run at a time are checked already
                done = bytearray(count)
                for start, end in self.prechecked_spans:
                    done[start:end] = b"\x01" * (end - start)
                rest = list(itertools.compress(rest, map(operator.not_, done)))
            pending = self._made_pending(rest)
            checked = reg.validate_members(
                self.db,
                [pending[at].data for at in rest],
                member_ids=[pending[at].member_id for at in rest],
                codes=self.vocab.codes,
                check_duplicate_id=False,
                today=self.today,
                memo=self.memo,
            )
            found = {rest[k]: issues for k, issues in enumerate(checked) if issues}
            found.update(self.prechecked)
        else:  # every member new: their values are the file's columns
            found = reg.validate_member_columns(
                self.db,
                {key: column for key, column in columns.items() if column is not None},
                count,
                codes=self.vocab.codes,
                today=self.today,
                memo=self.memo,
            )
        rows, skips, first_rows, numbers = self.pending_rows, m.skips, self.first_rows, self.numbers
        for at in sorted(found):
            row, skip, household = numbers[rows[at]], skips[rows[at]], first_rows.get(at)
            for issue in found[at]:
                if issue.field in skip:
                    continue
                self._from_validation(row, issue, self.checked)
                if household is not None and issue.severity == "error":
                    household.valid = False

    def _mark_validity(self, households: list[PlannedHousehold]) -> None:
        """Rows with errors are invalid; a household is invalid when its head row is."""
        numbers = self._pending_column("id_number")  # of every planned member, household by household
        if numbers is None:
            numbers = self._pending_values("id_number")
        given = list(filter(None, numbers))
        if len(set(given)) < len(given):  # an ID number given twice in the file
            at = map(self.numbers.__getitem__, self.pending_rows)
            given_at = [(number, row) for number, row in zip(numbers, at, strict=True) if number]
            seen: dict[str | None, int] = {}
            for number, row in given_at:
                first = seen.setdefault(number, row)
                if first != row:
                    self.repeated.append(
                        self.row_issue(
                            row, self.col("id_number"), number or "", f"trùng số với {self.where(first)} trong tệp"
                        )
                    )
        error_rows = {
            i.row
            for found in (self.issues, self.checked, self.heads, self.repeated)
            for i in found
            if i.severity == "error"
        }
        if not error_rows:  # then every household has its head and every row is valid
            return
        for h in households:
            if h.made_members is None and error_rows.isdisjoint(h.rows):  # planned a column at a time: one head
                continue
            for m in h.members:
                m.valid = m.row not in error_rows
            head_rows = [m.row for m in h.members if m.data.relationship_code == reg.HEAD]
            if not h.valid or any(r in error_rows for r in head_rows) or (not head_rows and h.action == "create"):
                h.valid = False
            if h.valid and h.action == "create" and not any(m.valid for m in h.members):
                h.valid = False
