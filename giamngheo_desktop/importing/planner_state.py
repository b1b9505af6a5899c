"""What the import planner keeps while it works (see :class:`_PlannerState`), and cells read as text."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import ValidationIssue
from giamngheo_desktop.importing import layout
from giamngheo_desktop.importing.headers import field_labels
from giamngheo_desktop.importing.planner_overlay import _MemberColumns
from giamngheo_desktop.importing.preview import (
    _ROW_MASK,
    ROW_BITS,
    PlannedHousehold,
    PlannedMember,
    RowIssue,
    UpdatedMembers,
    column_letter,
)
from giamngheo_desktop.importing.values import (
    MONTH_DAY_SWAPPED,
    Vocab,
    cell_text,
    month_day_swapped,
    parse_date,
    swap_month_day,
    utc_midnights,
    village_key,
)
from giamngheo_desktop.services import field_checks
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database

_filled = reg.filled


_NO_DATE: tuple[str | None, int | None, str | None] = (None, None, None)  # parse_date of an empty cell


def _texts(cells: list[Any]) -> list[str]:
    """:func:`_text` of each cleaned cell ('' where empty)."""
    return [v if type(v) is str else ("" if v is None else cell_text(v)) for v in cells]


def _texts_or_none(cells: list[Any] | None) -> list[str | None] | None:
    """:func:`_text` of each cleaned cell, None where empty (and None without the column)."""
    if cells is None:
        return None
    return [v if type(v) is str else (None if v is None else cell_text(v)) for v in cells]


class _PlannerState:
    """What the planner keeps while it works out an import, and how it names a problem: its row, the
    column as the file heads it, the sheet and the Excel column letter. The planner's parts
    (``planner_*``) each add the methods of one concern; :class:`planner._Planner` joins them."""

    def __init__(
        self,
        db: Database,
        parts: list[layout.SheetPart],
        *,
        create_villages: bool,
        aside: reg.ReadAside | None = None,
    ) -> None:
        self.db = db
        self.parts = parts
        self.create_villages = create_villages
        self.legacy_font = False  # some names typed in an old 8-bit font (the preview says how to convert)
        self.month_first: list[str] = []  # date columns written m/d/yyyy, read so
        self.notes: list[str] = []  # what the planner tells besides the sheets' notes
        # the first data row of each household a title row opens → (the title's row key, the head's name it gives)
        self.titles: dict[int, tuple[int, str]] = {}
        self.name_noted: set[int] = set()  # rows whose name held a note in brackets (warned of already)
        self.vocab = Vocab(db)
        self.labels = field_labels()
        self.issues: list[RowIssue] = []
        self.columns: dict[str, str] = {}  # field key → header text in the file (the first sheet's that has it)
        for part in parts:
            for key in part.header.columns.values():
                self.columns.setdefault(key, part.header.texts.get(key, self.labels.get(key, key)))
        self.sheet_names = [part.table.sheet for part in parts] if len(parts) > 1 else []
        # each sheet's Excel column letter of each column as problems name it (the header text)
        self.letters: list[dict[str, str]] = [
            {
                self.columns.get(key, key): column_letter(col + part.table.col_offset)
                for col, key in part.header.columns.items()
            }
            for part in parts
        ]
        self.villages = {
            village_key(v["name"]): v
            for v in db.rows("SELECT id, name, code FROM village WHERE deleted_at IS NULL ORDER BY sort_order")
        }
        self.new_villages: dict[str, str] = {}
        self.own_forms: frozenset[str] | None = None  # numbered_villages of the commune's (once needed)
        self.own_numbers: dict[str, str] = {}  # village_numbers of the commune's (likewise)
        self.code_keys: dict[str, str] = {}  # the file's household codes → household_code.key
        # plain tuples, not dicts: a re-import reads every household and member number here
        # by household_code.key: "DX 01" in the file is the register's "DX01"
        self.live_codes = dict(
            db.conn.execute(f"SELECT {household_code.key_sql()}, id FROM household WHERE deleted_at IS NULL")
        )
        # ID number in the file → household and member of the register holding it (see _register_ids)
        self.ids_in_db: dict[str, tuple[int, int]] = {}
        # the register's rows being read aside while the file was (register.ReadAside), then what was read
        self.aside = aside
        self.read_aside: reg.RegisterAside | None = None
        self.ahead: reg.MembersAhead | None = None  # the batches' members, read ahead (register.members_ahead)
        self.held: list[tuple[int, int] | None] = []  # of each data row: ids_in_db of its ID number
        self.sexes: dict[str, str | None] = {}
        self.classes: dict[str, str | None] = {}
        self.village_keys: dict[str, str] = {}
        self.today = clock.today()
        self.dates: dict[str, tuple[str | None, int | None, str | None]] = {}  # text cell → parse_date
        self.memo = reg.MemberMemo()  # folded names, parsed dates, ID checks: once each for validating and writing
        # Problems are kept in four lists, joined in this order and then sorted by row (a stable
        # sort), so within a row they read as a row-by-row check would list them: the planner's
        # own (issues), the register's checks of each member (checked: members are validated
        # together once all are planned), who heads each household (heads), an ID number given
        # twice in the file (repeated).
        self.checked: list[RowIssue] = []
        self.heads: list[RowIssue] = []
        self.repeated: list[RowIssue] = []
        # (where in issues its problems go, the household, whether the file gave its code): checked together
        self.household_checks: list[tuple[int, PlannedHousehold, bool]] = []
        # every planned member in planning order, and its data row (members are validated together once
        # all are planned); the household of each one on its household's first row (by place in pending).
        # The members of households planned a column at a time are not made (None here; unmade: where each
        # such household's members start in pending), unless a check needs them (_made_pending).
        self.pending: list[PlannedMember | None] = []
        self.pending_rows: list[int] = []
        self.first_rows: dict[int, PlannedHousehold] = {}
        self.unmade: list[tuple[int, PlannedHousehold]] = []
        self.in_order: bool | None = None  # pending_rows are every data row in order (_pending_column)
        self.updates = 0  # members planned as updates (their values are not the file's columns)
        # the register's checks of members planned a run at a time (_plan_matched), by place in pending; the runs
        # not checked yet (where each starts in pending: checked several runs at a time, _check_matched)
        self.prechecked: dict[int, Sequence[ValidationIssue]] = {}
        self.prechecked_spans: list[tuple[int, int]] = []
        self.unchecked: list[tuple[int, UpdatedMembers]] = []
        self.matched_context: field_checks.Context | None = None  # what _check_matched's calls have checked
        # households of the register the file matches, loaded together before planning a batch of them;
        # their members as plain tuples (columns named by member_index)
        self.existing: dict[int, tuple[Any, ...]] = {}  # household rows, columns named by household_index
        self.household_index: dict[str, int] = {}
        self.household_names: list[str] = []
        self.household_input: Callable[[Any], reg.HouseholdInput] | None = None
        self.member_table = reg.MemberTable()  # the batch's members, a column each (register.member_table)
        self.existing_members: dict[int, list[tuple[Any, ...]]] = {}  # made of it when asked (_members_of)
        self.member_index: dict[str, int] = {}
        self.member_names: list[str] = []
        self.member_input: Callable[[Any], reg.MemberInput] = reg.member_input_from_row
        # the data rows a column at a time (see _read_columns, _member_columns)
        self.numbers: list[int] = []
        self.cols: dict[str, list[Any]] = {}
        self.household_cols: list[tuple[str, list[Any]]] = []  # the household fields' columns the file has
        self.m: _MemberColumns | None = None

    def col(self, key: str) -> str:
        return self.columns.get(key, self.labels.get(key, key))

    def issue(
        self,
        row: int,
        key: str,
        value: Any,
        reason: str,
        severity: str = "error",
        *,
        into: list[RowIssue] | None = None,
    ) -> None:
        issue = self.row_issue(row, self.col(key), cell_text(value)[:80], reason, severity)
        (self.issues if into is None else into).append(issue)

    def row_issue(self, row: int, column: str, value: str, reason: str, severity: str = "error") -> RowIssue:
        part = row >> ROW_BITS
        sheet = self.sheet_names[part] if self.sheet_names else ""
        letter = self.letters[part].get(column, "") if part < len(self.letters) else ""
        return RowIssue(row, column, value, reason, severity, sheet, letter)

    def where(self, row: int) -> str:
        """A row key as the officer finds it ("dòng 12", "dòng 12 trang “Thôn A”")."""
        if self.sheet_names:
            return f"dòng {row & _ROW_MASK} trang “{self.sheet_names[row >> ROW_BITS]}”"
        return f"dòng {row}"

    def _codes(self, list_name: str, cells: list[Any], system: str | None = None) -> list[str | None]:
        """The code of each cell's text in ``list_name`` (None where empty or not in the list)."""
        code = self.vocab.code
        distinct = dict.fromkeys(cells)
        if all(type(v) is str or v is None for v in distinct):  # text (the usual): each read once, mapped in C
            found: dict[str | None, str | None] = {v: code(list_name, v, system) for v in distinct if v is not None}
            found[None] = None
            return list(map(found.__getitem__, cells))
        found = {}
        result: list[str | None] = []
        for value in cells:
            if value is None:
                result.append(None)
            elif type(value) is str:
                if value not in found:
                    found[value] = code(list_name, value, system)
                result.append(found[value])
            else:
                result.append(code(list_name, cell_text(value), system))
        return result

    def parse_dates(self, cells: list[Any]) -> list[tuple[str | None, int | None, str | None]]:
        """:meth:`date` of each cell (``_NO_DATE`` where empty); each distinct text is read once."""
        dates = self.dates
        distinct = set(cells)
        for value in distinct:
            if type(value) is str and value not in dates:
                dates[value] = parse_date(value)
        if all(type(v) is str or v is None for v in distinct):  # text (the usual): the column mapped in C
            found = {v: dates[v] for v in distinct if v is not None}
            found[None] = _NO_DATE
            return list(map(found.__getitem__, cells))
        swapped = month_day_swapped(distinct)
        if swapped is not None:  # date cells Excel made month first from what was typed day first
            return self._swapped_dates(cells, swapped)
        if utc_midnights(distinct):  # a web program's dates kept at Vietnam's midnight in UTC (17:00 the day before)
            cells = [v + _dt.timedelta(hours=7) if isinstance(v, _dt.datetime) else v for v in cells]
            self.notes.append(
                "Các ô ngày sinh đều ghi giờ 17:00 (nửa đêm giờ Việt Nam tính theo giờ quốc tế, như phần mềm trên mạng "
                "xuất ra): đã đọc là ngày hôm sau (ô 08/04/1978 17:00 là ngày 09/04/1978)."
            )
        return [dates[v] if type(v) is str else (_NO_DATE if v is None else parse_date(v)) for v in cells]

    def _swapped_dates(self, cells: list[Any], sure: bool) -> list[tuple[str | None, int | None, str | None]]:
        """:meth:`parse_dates` of a column whose date cells Excel swapped (:func:`month_day_swapped`): read day first
        as typed, with a note, when ``sure``; else each such cell read as it is, with a warning at its row."""
        dates = self.dates
        parsed: list[tuple[str | None, int | None, str | None]] = []
        count = 0
        for value in cells:
            if type(value) is str:
                parsed.append(dates[value])
            elif value is None:
                parsed.append(_NO_DATE)
            elif swap_month_day(value) is value or value.day == value.month:
                parsed.append(parse_date(value))
            else:
                count += 1
                if sure:
                    parsed.append(parse_date(swap_month_day(value)))
                else:  # read as it is, and said at its row
                    iso, year, _problem = parse_date(value)
                    parsed.append((iso, year, MONTH_DAY_SWAPPED))
        if sure:
            self.notes.append(
                f"{count} ô ngày sinh Excel đã tự đổi theo kiểu tháng/ngày (máy đặt kiểu Mỹ; các ngày trên 12 của "
                "cột vẫn là chữ) được đọc lại theo ngày/tháng như đã gõ (ô 09/04/1978 là ngày 9 tháng 4); hãy xem lại "
                "vài người."
            )
        return parsed

    def date(self, value: Any) -> tuple[str | None, int | None, str | None]:
        """:func:`parse_date`, remembered for text cells (the same dates recur down a long list)."""
        if type(value) is not str:
            return parse_date(value)
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = parse_date(value)
        return found
