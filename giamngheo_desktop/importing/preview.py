"""What an import would do and did: planned households and members, problems by sheet and row, the
file's sheets and columns.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from giamngheo_desktop.services import commune
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services.changes import Changes

Progress = Callable[[int, int], None]


Cancelled = Callable[[], bool]


ROW_BITS = 20  # a row of the n-th sheet read is known as (n << ROW_BITS) | its row number in the sheet


_ROW_MASK = (1 << ROW_BITS) - 1


def sheet_row(key: int) -> int:
    """The row number in its sheet (as Excel shows it) of a row key."""
    return key & _ROW_MASK


@dataclass
class RowIssue:
    row: int  # the row's key: its row number in the sheet, plus the sheet's position (ROW_BITS) after the first
    column: str
    value: str
    reason: str
    severity: str = "error"  # 'error' | 'warning'
    sheet: str = ""  # named when the file has several sheets read
    letter: str = ""  # the column as Excel names it ("D"), when the file has that column

    @property
    def line(self) -> int:
        """The row number as Excel shows it."""
        return self.row & _ROW_MASK

    def where(self) -> str:
        return (f"trang “{self.sheet}”, " if self.sheet else "") + f"dòng {self.line}"

    def text(self) -> str:
        value = f" “{self.value}”" if self.value else ""
        kind = "Lỗi" if self.severity == "error" else "Lưu ý"
        letter = f" ({self.letter})" if self.letter else ""
        return f"{kind} — {self.where()}, cột “{self.column}”{letter}{value}: {self.reason}"


_MEMBER_DEFAULTS: tuple[tuple[str, Any], ...] = tuple(
    (f.name, f.default) for f in dataclasses.fields(reg.MemberInput)
)  # full_name first


_MEMBER_DEFAULT = dict(_MEMBER_DEFAULTS)


@dataclass(slots=True)
class NewMembers:
    """What each data row of the file gives its member as a new member: a column per ``MemberInput``
    field, a value per data row (the planner's columns; a field the file does not fill is absent:
    its default on every row).

    An import's new members are written from these columns (:func:`commit.commit_import`) and made
    into objects only when asked for (the preview shows a few hundred of 200,000)."""

    columns: dict[str, list[Any]] = field(default_factory=dict)

    def input(self, i: int) -> reg.MemberInput:
        """Data row ``i`` as a new member."""
        columns = self.columns
        return reg.MemberInput(
            *[default if (column := columns.get(name)) is None else column[i] for name, default in _MEMBER_DEFAULTS]
        )

    def value(self, name: str, i: int) -> Any:
        """Field ``name`` of data row ``i``."""
        column = self.columns.get(name)
        return _MEMBER_DEFAULT[name] if column is None else column[i]

    def fields(self, rows: list[int]) -> dict[str, list[Any]]:
        """Every ``MemberInput`` field of data rows ``rows``, a column each (the columns themselves when
        ``rows`` are every data row in order: a list imported whole)."""
        count = len(rows)
        pick = _picker(rows, len(next(iter(self.columns.values()), ())))
        return {
            name: [default] * count if (column := self.columns.get(name)) is None else pick(column)
            for name, default in _MEMBER_DEFAULTS
        }


def _picker(rows: list[int], length: int) -> Callable[[list[Any]], list[Any]]:
    """A function giving the values of a column at ``rows``: the column itself when ``rows`` is every row in
    order, slices of it for a few runs of consecutive rows, else each value picked (in C)."""
    count = len(rows)
    if not count:
        return lambda _column: []
    if count == length and rows[0] == 0 and rows[-1] == count - 1 and rows == list(range(count)):
        return lambda column: column  # every row in order (a list imported whole): one comparison in C
    breaks = list(itertools.compress(range(1, count), map((1).__ne__, map(operator.sub, rows[1:], rows[:-1]))))
    if not breaks and rows[0] == 0 and count == length:
        return lambda column: column
    if len(breaks) < 64:
        runs = [(rows[a], rows[b - 1] + 1) for a, b in zip([0, *breaks], [*breaks, count], strict=True)]
        if len(runs) == 1:
            first, end = runs[0]
            return lambda column: column[first:end]
        return lambda column: list(itertools.chain.from_iterable(column[a:b] for a, b in runs))
    if count == 1:
        return lambda column: [column[rows[0]]]
    getter = operator.itemgetter(*rows)
    return lambda column: list(getter(column))


@dataclass(slots=True)
class PlannedMember:
    row: int
    action: str  # 'create' | 'update'
    data: reg.MemberInput
    member_id: int | None = None
    valid: bool = True
    # the register's row it updates (a tuple of the member's columns), until compared (planner._mark_unchanged)
    before: tuple[Any, ...] | dict[str, Any] | None = field(default=None, repr=False)
    changed: bool = True  # False: an update that would write the values the register already holds
    index: int = -1  # a new member: its data row (its values written are those of NewMembers, not data's)

    def kind(self) -> str:
        """'create', 'update', or 'unchanged' (matched, nothing to write)."""
        return "unchanged" if self.action == "update" and not self.changed else self.action


@dataclass(slots=True)
class UpdatedMembers:
    """Members of the register a run of matched households updates, as they would be written (the register's
    values with the file's put over them), a column per ``MemberInput`` field in its order, with their rows and
    member ids: the members of a household whose every member would write what the register holds are made
    into objects (unchanged, valid) only when asked for (a list imported again updates 200,000)."""

    fields: dict[str, list[Any] | None]  # None: the field is empty (None) for every member (most are)
    rows: list[int]  # of each member: its row key
    member_ids: list[int]

    def __post_init__(self) -> None:
        for name, column in self.fields.items():
            if column and column[0] is None and column.count(None) == len(column):
                self.fields[name] = None  # held once, not once per member

    def values(self, name: str, start: int, end: int) -> list[Any]:
        """Field ``name`` of members ``start`` to ``end``."""
        column = self.fields[name]
        return [None] * (end - start) if column is None else column[start:end]

    def made(self, start: int, end: int) -> list[PlannedMember]:
        """Members ``start`` to ``end`` of the run, unchanged and valid."""
        count = end - start
        inputs = map(reg.MemberInput, *[self.values(name, start, end) for name in self.fields])
        return list(
            map(
                PlannedMember,
                self.rows[start:end],
                itertools.repeat("update", count),
                inputs,
                self.member_ids[start:end],
                itertools.repeat(True),
                itertools.repeat(None),
                itertools.repeat(False),
            )
        )


@dataclass(slots=True)
class PlannedHousehold:
    rows: list[int]
    action: str  # 'create' | 'update'
    data: reg.HouseholdInput
    # its members (``members``); None until they are asked for, for a household planned a column at a time whose
    # members are all new and valid (their values in ``new_members`` at ``member_rows``) or all of the register,
    # unchanged and valid (``updated`` from ``updated_at``)
    made_members: list[PlannedMember] | None
    household_id: int | None = None
    village_name: str = ""
    new_village: str = ""  # to be created (create_villages)
    generate_code: bool = False
    valid: bool = True  # False: the whole household is skipped
    # the register's row it updates (a tuple, its causes last), until compared (planner._mark_unchanged)
    before: tuple[Any, ...] | dict[str, Any] | None = field(default=None, repr=False)
    changed: bool = True  # False: the household's own fields and causes are as in the register
    member_rows: list[int] = field(default_factory=list, repr=False)  # its members' data rows, in order
    new_members: NewMembers | None = field(default=None, repr=False, compare=False)
    updated: UpdatedMembers | None = field(default=None, repr=False, compare=False)
    updated_at: int = field(default=0, repr=False)  # where its members start in ``updated``

    @property
    def members(self) -> list[PlannedMember]:
        made = self.made_members
        if made is None and self.updated is not None:
            made = self.made_members = self.updated.made(self.updated_at, self.updated_at + len(self.member_rows))
        elif made is None:
            assert self.new_members is not None
            rows = self.member_rows
            made = self.made_members = list(
                map(
                    PlannedMember,
                    self.rows,
                    itertools.repeat("create"),
                    map(self.new_members.input, rows),
                    itertools.repeat(None),
                    itertools.repeat(True),
                    itertools.repeat(None),
                    itertools.repeat(True),
                    rows,
                )
            )
        return made

    @property
    def member_count(self) -> int:
        return len(self.member_rows) if self.made_members is None else len(self.made_members)

    def member_values(self, name: str) -> list[Any]:
        """Field ``name`` of each of its members (read from the columns when they are not made)."""
        made = self.made_members
        if made is not None:
            return [getattr(m.data, name) for m in made]
        if self.updated is not None:
            return self.updated.values(name, self.updated_at, self.updated_at + len(self.member_rows))
        assert self.new_members is not None
        return [self.new_members.value(name, i) for i in self.member_rows]

    def kind(self, *, valid_only: bool = False) -> str:
        """'create', 'update', or 'unchanged': matched, and neither it nor a member it would write differs."""
        if self.action == "update" and not self.changed:
            if self.made_members is None:  # its members not made: every one unchanged and valid
                return "unchanged"
            members = [m for m in self.members if m.valid or not valid_only]
            if all(m.kind() == "unchanged" for m in members):
                return "unchanged"
        return self.action

    @property
    def code(self) -> str:
        return self.data.code

    @property
    def head_name(self) -> str:
        if self.made_members is None and self.updated is not None:
            heads = self.member_values("relationship_code")
            if reg.HEAD in heads:
                return str(self.member_values("full_name")[heads.index(reg.HEAD)])
            return ""
        if self.made_members is None and self.new_members is not None:
            relationships = self.new_members.columns.get("relationship_code")
            names = self.new_members.columns["full_name"]
            if relationships is not None:
                for i in self.member_rows:
                    if relationships[i] == reg.HEAD:
                        return str(names[i])
            return ""
        for m in self.members:
            if m.data.relationship_code == reg.HEAD:
                return m.data.full_name
        return ""


@dataclass
class ImportPreview:
    path: str
    sheet: str
    header_row: int
    columns: dict[str, str]  # field key → header text in the file
    households: list[PlannedHousehold]
    issues: list[RowIssue]
    new_villages: list[str]
    ignored_columns: list[str]
    stopped_early: bool = False
    # the preview's folded names, parsed dates and ID checks, reused when writing
    memo: reg.MemberMemo = field(default_factory=reg.MemberMemo, repr=False, compare=False)
    sheets: list[SheetSummary] = field(default_factory=list)  # every sheet of the file: read or not, and why
    notes: list[str] = field(default_factory=list)  # where lists ended early, long gaps of empty rows, …
    encoding: str = ""  # a CSV's encoding, as the officer would name it
    file_columns: list[FileColumn] = field(default_factory=list)  # every column with a header, and its field
    mapping: dict[str, str] = field(default_factory=dict)  # header text → field chosen by the officer (or remembered)
    layout: str = ""  # the layout's key (header texts), under which a confirmed mapping is remembered
    part_sheets: list[str] = field(default_factory=list)  # the sheets read, in the order of row keys
    # the file's members as new members, a column per field (written from these: PlannedMember.index)
    new_members: NewMembers = field(default_factory=NewMembers, repr=False, compare=False)

    def created_villages(self) -> list[str]:
        """The villages the import will create, named as they will be ("Bãi Sậy" for a list's "Thôn Bãi Sậy")."""
        return [commune.imported_village(name).name for name in self.new_villages]

    def rows_text(self, keys: list[int], *, limit: int = 30) -> str:
        """Row keys grouped by sheet: "12, 14, 15" or "trang “A”: 12, 14; trang “B”: 3"."""
        by_part: dict[int, list[int]] = {}
        for key in keys[:limit]:
            by_part.setdefault(key >> ROW_BITS, []).append(key & _ROW_MASK)
        more = f" và {len(keys) - limit} dòng khác" if len(keys) > limit else ""
        if len(self.part_sheets) <= 1:
            return ", ".join(str(r) for rows in by_part.values() for r in rows) + more
        return (
            "; ".join(
                f"trang “{self.part_sheets[p] if p < len(self.part_sheets) else p}”: " + ", ".join(map(str, rows))
                for p, rows in by_part.items()
            )
            + more
        )

    def issue_groups(self) -> list[IssueGroup]:
        """The problems, the same problem of many rows told once ("40 dòng: …"), in the order first met."""
        groups: dict[tuple[str, str, str], IssueGroup] = {}
        for issue in self.issues:
            key = (issue.severity, issue.column, issue.reason)
            group = groups.get(key)
            if group is None:
                groups[key] = IssueGroup(issue.severity, issue.column, issue.reason, [issue])
            else:
                group.issues.append(issue)
        return list(groups.values())

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def counts(self, *, valid_only: bool = False) -> dict[str, int]:
        kinds = ("create", "update", "unchanged")
        result = dict.fromkeys([f"households_{k}" for k in kinds] + [f"members_{k}" for k in kinds], 0)
        households = [h for h in self.households if h.valid] if valid_only else self.households
        for h in households:
            result[f"households_{h.kind(valid_only=valid_only)}"] += 1
        # households planned a column at a time, their members not made: every one new and valid, or (matched)
        # every one unchanged and valid
        members = [m for h in households if h.made_members is not None for m in h.members if m.valid or not valid_only]
        actions = Counter(map(attrgetter("action"), members))  # 200,000 members: counted in C
        unmade: Counter[str] = Counter()
        for h in households:
            if h.made_members is None:
                unmade[h.action] += len(h.member_rows)
        actions["create"] += unmade["create"]
        if actions["update"]:
            unchanged = sum(1 for m in members if m.action == "update" and not m.changed)
            actions["update"] -= unchanged
            actions["unchanged"] += unchanged
        actions["unchanged"] += unmade["update"]
        for kind in kinds:
            result[f"members_{kind}"] += actions[kind]
        result["rows_skipped"] = len(self.skipped_rows()) if valid_only else 0
        result["errors"] = len(self.errors)
        result["warnings"] = len(self.issues) - len(self.errors)
        return result

    def skipped_rows(self) -> list[int]:
        rows: set[int] = set()
        for h in self.households:
            if not h.valid:
                rows.update(h.rows)
            elif h.made_members is not None:  # (members not made: every one valid)
                rows.update(m.row for m in h.members if not m.valid)
        rows.update(i.row for i in self.errors if i.row not in self._planned_rows())
        return sorted(rows)

    def _planned_rows(self) -> set[int]:
        return {r for h in self.households for r in h.rows}

    def to_json(self, *, valid_only: bool = False) -> dict[str, Any]:
        return {
            "file": self.path,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "counts": self.counts(valid_only=valid_only),
            "new_villages": self.created_villages(),
            "households": [
                {
                    "code": h.code or "(tự sinh)",
                    "action": h.kind(valid_only=valid_only),
                    "village": h.village_name or h.new_village,
                    "head": h.head_name,
                    "rows": [sheet_row(r) for r in h.rows],
                    "members": h.member_count,
                    "valid": h.valid,
                }
                for h in self.households
            ],
            "issues": [
                {
                    "row": i.line,
                    "sheet": i.sheet,
                    "column": i.column,
                    "value": i.value,
                    "reason": i.reason,
                    "severity": i.severity,
                }
                for i in self.issues
            ],
            "skipped_rows": self.skipped_rows() if valid_only else [],
            "sheets": [dataclasses.asdict(s) for s in self.sheets],
            "notes": self.notes,
            "encoding": self.encoding,
            "file_columns": [
                {"sheet": c.sheet, "column": c.letter, "header": c.label, "field": c.field} for c in self.file_columns
            ],
        }


@dataclass
class SheetSummary:
    name: str
    read: bool
    reason: str = ""  # why a sheet was not read; what it gave its rows when read
    rows: int = 0  # data rows read
    header_row: int = 0


@dataclass
class FileColumn:
    sheet: str
    index: int  # 0-based column in the sheet's rows
    letter: str  # the column as Excel names it ("D")
    label: str  # the header text (stacked header rows joined with " › ")
    field: str  # the field it is mapped to, '' when not used
    samples: list[str] = dataclasses.field(default_factory=list)


@dataclass
class IssueGroup:
    severity: str
    column: str
    reason: str
    issues: list[RowIssue]

    def text(self, preview: ImportPreview) -> str:
        kind = "Lỗi" if self.severity == "error" else "Lưu ý"
        if len(self.issues) == 1:
            return self.issues[0].text()
        rows = preview.rows_text([i.row for i in self.issues], limit=12)
        return f"{kind} — {len(self.issues)} dòng, cột “{self.column}”: {self.reason} (dòng {rows})"


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class ImportResult:
    changes: Changes
    households_created: int
    households_updated: int
    members_created: int
    members_updated: int
    skipped_rows: list[int]
    household_ids: list[int]
    households_unchanged: int = 0  # matched and already as in the file: nothing written, no history entry
    members_unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "households_created": self.households_created,
            "households_updated": self.households_updated,
            "households_unchanged": self.households_unchanged,
            "members_created": self.members_created,
            "members_updated": self.members_updated,
            "members_unchanged": self.members_unchanged,
            "skipped_rows": self.skipped_rows,
        }
