"""Working an import out a column at a time (see :class:`_Planner`)."""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any
from unicodedata import normalize

from giamngheo_desktop import clock
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import NotFound, ValidationIssue
from giamngheo_desktop.importing import layout
from giamngheo_desktop.importing.headers import (
    NOT_FIELDS,
    field_labels,
    synonyms_file,
)
from giamngheo_desktop.importing.preview import (
    _ROW_MASK,
    ROW_BITS,
    Cancelled,
    ImportPreview,
    NewMembers,
    PlannedHousehold,
    PlannedMember,
    Progress,
    RowIssue,
    column_letter,
)
from giamngheo_desktop.importing.reader import (
    MAX_CELL_CHARS,
    ImportCancelled,
)
from giamngheo_desktop.importing.values import (
    _BAD_CHARS,
    _HOSTILE,
    _KEY_TO_FIELD,
    _SUMMARY,
    _TEXT_FIELDS,
    EXCEL_ERRORS,
    ID_DIGITS_LOST,
    LEGACY_FONT_HELP,
    LEGACY_FONT_REASON,
    Vocab,
    _screened,
    _text,
    already_screened,
    cell_text,
    class_named,
    day_first,
    drop_blanks,
    drop_bullets,
    drop_titles,
    fill_ditto,
    join_given,
    legacy_font,
    life_notes,
    month_first,
    parse_date,
    parse_id,
    phone_text,
    split_name_notes,
    village_key,
)
from giamngheo_desktop.services import commune
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, fold_key

_HOUSEHOLD_KEYS = (
    "waste_treatment",
    "household_code",
    "village",
    "poverty_class",
    "address",
    "phone",
    "causes",
    "class_decision",
    "class_date",
)


_filled = reg.filled


_NO_DATE: tuple[str | None, int | None, str | None] = (None, None, None)  # parse_date of an empty cell


_SAMPLE = 2000  # the first cells of a column: mostly different ones (ID numbers) are cleaned one by one

# the import window's tick box (and the CLI's --create-villages): named the same in the refusal below
CREATE_VILLAGES_LABEL = "Tạo thôn/tổ mới khi tên trong tệp chưa có"
_MATCH_BATCH = 2000  # households planned together (their register rows loaded at once, then let go)


_MEMBER_INPUT_FIELDS = dataclasses.fields(reg.MemberInput)  # full_name first


_MEMBER_INPUT_NAMES = [f.name for f in _MEMBER_INPUT_FIELDS]


_ID_NUMBER = attrgetter("data.id_number")  # of a planned member


_TEXT_OR_EMPTY = frozenset((str, type(None)))
_NO_TEXT: dict[Any, Any] = {"": None}  # .get(text, text): None for '', any other as it is


def _only_text(cells: Iterable[Any]) -> bool:
    """Whether every cell is text or empty (None): then a column is mapped in C (a table of its distinct texts)."""
    return set(map(type, cells)) <= _TEXT_OR_EMPTY


def _texts(cells: list[Any]) -> list[str]:
    """:func:`_text` of each cleaned cell ('' where empty)."""
    return [v if type(v) is str else ("" if v is None else cell_text(v)) for v in cells]


def _texts_or_none(cells: list[Any] | None) -> list[str | None] | None:
    """:func:`_text` of each cleaned cell, None where empty (and None without the column)."""
    if cells is None:
        return None
    return [v if type(v) is str else (None if v is None else cell_text(v)) for v in cells]


def _by_code(codes: list[str], keys: dict[str, str], relationships: list[str | None]) -> dict[Any, list[int]] | None:
    """The data rows grouped into households as the row-by-row reading of a list that names every row and
    gives each household's code on its first row groups them (a row without a code belongs to the
    household above), when no row without a code is a head's (the row-by-row reading then starts a
    household of its own or names a problem); else None."""
    if not codes or not codes[0]:
        return None
    heads = itertools.compress(range(len(codes)), map(operator.eq, relationships, itertools.repeat(reg.HEAD)))
    if not all(map(codes.__getitem__, heads)):
        return None
    starts = list(itertools.compress(range(len(codes)), codes))
    groups: dict[Any, list[int]] = {}
    for start, end in zip(starts, [*starts[1:], len(codes)], strict=True):
        key = ("code", keys[codes[start]])  # household_code.key: "DX 01" and "DX01" are one household
        group = groups.get(key)
        if group is None:
            groups[key] = list(range(start, end))
        else:  # the same code further down: one household, as the row-by-row reading makes it
            group.extend(range(start, end))
    return groups


def _plain_ids(cells: list[Any]) -> bool:
    """Whether every ID number cell is text of ASCII digits, none of 8 or 11 (what :func:`parse_id` takes as
    it is, without a note): one scan of the joined texts instead of a call per cell."""
    if not _only_text(cells):
        return False
    texts = list(filter(None, cells))
    joined = "".join(texts)
    return joined.isascii() and joined.isdigit() and not {8, 11} & set(map(len, texts))


@dataclass
class _MemberColumns:
    """What each data row says of its member (see :meth:`_Planner._member_columns`)."""

    names: list[str]
    ids: list[str]  # '' where none
    rels: list[str | None]
    birth_iso: list[str | None]
    birth_year: list[int | None]
    sexes: list[str | None]
    ethnicities: list[str | None]
    hi_cards: list[str | None] | None  # None: the file has no such column
    hi_ends: list[str | None] | None
    listed: dict[str, list[str | None]]  # education_level, schooling, employment → code (None: empty or unknown)
    occupations: list[str | None] | None
    notes: list[str | None] | None
    values: dict[str, list[Any]]  # the row as a new member, a column per MemberInput field the file fills
    new: NewMembers  # the same columns: what the preview's new members are made of and written from
    before: dict[int, list[RowIssue]]  # the planner's problems with a row, named before matching the register
    after: dict[int, list[RowIssue]]  # … and after it
    skips: list[tuple[str, ...]]  # problems the register's checks would name again, already named

    def update(self, data: reg.MemberInput, i: int, *, has_rel: bool) -> reg.MemberInput:
        """``data`` (a member of the register) with what row ``i`` fills in (:meth:`update_columns`)."""
        f = reg.by_field([data], _MEMBER_INPUT_NAMES)
        self.update_columns(f, [i], has_rel=has_rel)
        return reg.MemberInput(*[column[0] for column in f.values()])

    def update_columns(self, f: dict[str, list[Any]], rows: list[int], *, has_rel: bool) -> None:
        """Members of the register (``f``: a column per ``MemberInput`` field) with what data rows ``rows``
        fill in, one row each: the columns the file fills are replaced (the lists given are not changed)."""
        if not rows:
            return
        pick = itemgetter(*rows) if len(rows) > 1 else lambda column: (column[rows[0]],)
        f["full_name"] = list(pick(self.names))
        if has_rel:
            f["relationship_code"] = _given(f["relationship_code"], pick(self.rels))
        isos, years = pick(self.birth_iso), pick(self.birth_year)
        if any(isos) or any(years):  # a date, or a year alone
            f["birth_date"] = [
                iso if iso or year else old for iso, year, old in zip(isos, years, f["birth_date"], strict=True)
            ]
            f["birth_year"] = [
                (None if iso else year) if iso or year else old
                for iso, year, old in zip(isos, years, f["birth_year"], strict=True)
            ]
        f["sex"] = _filled_in(f["sex"], pick(self.sexes))
        f["id_number"] = _filled_in(f["id_number"], pick(self.ids))
        ethnicities = pick(self.ethnicities)
        if any(ethnicities):
            f["ethnicity_code"] = _filled_in(f["ethnicity_code"], ethnicities)
            f["ethnicity_system"] = [
                reg.DEFAULT_ETHNICITY_SYSTEM if code else old
                for code, old in zip(ethnicities, f["ethnicity_system"], strict=True)
            ]
        if self.hi_cards is not None:
            f["hi_card_number"] = _given(f["hi_card_number"], pick(self.hi_cards))
        if self.hi_ends is not None:
            f["hi_valid_to"] = _given(f["hi_valid_to"], pick(self.hi_ends))
        for key, found in self.listed.items():
            f[key] = _given(f[key], pick(found))
        if self.occupations is not None:
            f["occupation"] = _given(f["occupation"], [v if v is None else v or "" for v in pick(self.occupations)])
        if self.notes is not None:
            f["note"] = _given(f["note"], [v if v is None else v or "" for v in pick(self.notes)])


def _given(old: list[Any], new: Sequence[Any]) -> list[Any]:
    """``new``'s value where it is not None, else ``old``'s (one value per member)."""
    if None not in new:
        return list(new)
    return [o if n is None else n for o, n in zip(old, new, strict=True)]


def _filled_in(old: list[Any], new: Sequence[Any]) -> list[Any]:
    """``new``'s value where it is not empty ('' or None), else ``old``'s."""
    if all(new):
        return list(new)
    return [n if n else o for o, n in zip(old, new, strict=True)]


# a household of the register the file updates: its id, its row, its members each data row updates
_Matched = tuple[int, tuple[Any, ...], list[tuple[Any, ...]]]


class _Planner:
    """Works out an import a column at a time.

    A list has as many rows as people (200,000 in a big commune): each mapped column is read
    and cleaned once, each distinct text is read once, and the members' values and problems
    are found a column at a time (:meth:`_member_columns`). The rows are then grouped into
    households and each household is planned from those columns. Problems are listed in the
    order a row-by-row reading would find them: by row, and within a row, the household's, then
    the member's, then the register's checks (:meth:`_validate_members`).
    """

    def __init__(self, db: Database, parts: list[layout.SheetPart], *, create_villages: bool) -> None:
        self.db = db
        self.parts = parts
        self.create_villages = create_villages
        self.legacy_font = False  # some names typed in an old 8-bit font (the preview says how to convert)
        self.month_first: list[str] = []  # date columns written m/d/yyyy, read so
        self.notes: list[str] = []  # what the planner tells besides the sheets' notes
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
        self.code_keys: dict[str, str] = {}  # the file's household codes → household_code.key
        # plain tuples, not dicts: a re-import reads every household and member number here
        # by household_code.key: "DX 01" in the file is the register's "DX01"
        self.live_codes = dict(
            db.conn.execute(f"SELECT {household_code.key_sql()}, id FROM household WHERE deleted_at IS NULL")
        )
        # ID number in the file → household and member of the register holding it (see _register_ids)
        self.ids_in_db: dict[str, tuple[int, int]] = {}
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
        # the register's checks of members planned a run at a time (_plan_matched), by place in pending
        self.prechecked: dict[int, Sequence[ValidationIssue]] = {}
        self.prechecked_spans: list[tuple[int, int]] = []
        # households of the register the file matches, loaded together before planning a batch of them;
        # their members as plain tuples (columns named by member_index)
        self.existing: dict[int, tuple[Any, ...]] = {}  # household rows, columns named by household_index
        self.household_index: dict[str, int] = {}
        self.household_names: list[str] = []
        self.household_input: Callable[[Any], reg.HouseholdInput] | None = None
        self.existing_members: dict[int, list[tuple[Any, ...]]] = {}
        self.member_index: dict[str, int] = {}
        self.member_names: list[str] = []
        self.member_input: Callable[[Any], reg.MemberInput] = reg.member_input_from_row
        # the data rows a column at a time (see _read_columns, _member_columns)
        self.numbers: list[int] = []
        self.cols: dict[str, list[Any]] = {}
        self.household_cols: list[tuple[str, list[Any]]] = []  # the household fields' columns the file has
        self.m: _MemberColumns | None = None

    # -- helpers ----------------------------------------------------------------
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

    @staticmethod
    def cells(raw: list[Any], fields: list[tuple[int, str]]) -> dict[str, Any]:
        """The row's non-empty cells by field, text stripped (not yet in NFC): a row that has an
        over-long cell, a formula or a control character, left to :meth:`_hostile_ok`."""
        values: dict[str, Any] = {}
        width = len(raw)
        for col, key in fields:
            if col < width:
                value = raw[col]
                if value is None:
                    continue
                if isinstance(value, str):
                    value = value.strip()
                    if not value:
                        continue
                elif value == "":
                    continue
                values[key] = value
        return values

    def _read_columns(
        self, rows: list[list[Any]], fields: list[tuple[int, str]], cancelled: Cancelled | None
    ) -> tuple[dict[str, list[Any]], set[int]]:
        """Each mapped field's cells down the rows: text stripped and in NFC, None where empty.

        Each distinct text is cleaned once (cleaned cell by cell where most cells differ, as ID
        numbers do: a lookup table would cost more). Also gives the rows that have an over-long
        cell or a formula (their cells are read again by :meth:`cells`).
        """
        columns: dict[str, list[Any]] = {}
        hostile: set[int] = set()
        wanted = [col for col, _key in fields]
        if rows and len(wanted) > 1 and min(map(len, rows)) > max(wanted):  # transposed in C
            cells: list[Any] = list(zip(*map(itemgetter(*wanted), rows), strict=True))
        else:
            cells = [[r[col] if col < len(r) else None for r in rows] for col in wanted]
        for raw, (_col, key) in zip(cells, fields, strict=True):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if any(t is not str and issubclass(t, str) for t in set(map(type, raw))):  # a subclass of str: as text
                raw = [str.__str__(v) if isinstance(v, str) else v for v in raw]
            sample = raw[:_SAMPLE]
            if len(set(sample)) > len(sample) // 2:  # mostly different (ID numbers): each cleaned, no table
                values = [(_screened(v) or None) if type(v) is str else v for v in raw]
                bad = _HOSTILE in values
                distinct: Any = raw  # what fill_ditto looks through
            else:
                distinct = dict.fromkeys(raw)
                if already_screened([v for v in distinct if type(v) is str and v]):  # clean (the usual): as it is
                    values = list(map(_NO_TEXT.get, raw, raw)) if "" in distinct else list(raw)
                    bad = False
                else:  # the same few words down the list: each cleaned once
                    clean = {v: _screened(v) or None for v in distinct if type(v) is str}
                    values = list(map(clean.get, raw, raw))  # a text cell → its clean text, any other as it is
                    bad = _HOSTILE in clean.values()
            if bad:
                hostile.update(i for i, v in enumerate(values) if v is _HOSTILE)
            values = fill_ditto(key, values, distinct)  # "nt", "\"": as the row above
            values = drop_blanks(key, values, distinct)  # "-", "…" alone: nothing written
            earlier = columns.get(key)
            if earlier is not None:  # two columns for one field: a later non-empty cell wins, as in cells()
                values = [v if v is not None else e for v, e in zip(values, earlier, strict=True)]
            columns[key] = values
        return columns, hostile

    # -- the pass ---------------------------------------------------------------
    def _gather(self, cancelled: Cancelled | None) -> tuple[list[list[Any]], dict[str, list[Any]], set[int]]:
        """Every sheet's data rows, a column per field (see :meth:`_read_columns`); sets ``numbers``.

        Rows are known by their row key (:data:`ROW_BITS`); a group row's or the sheet's
        village and class fill the rows that do not give their own. Also gives the rows
        refused at the door (an over-long cell, a formula, a control character)."""
        pieces: list[tuple[int, dict[str, list[Any]]]] = []
        all_rows: list[list[Any]] = []
        numbers: list[int] = []
        skipped: set[int] = set()
        class_words = {code: names[0] for code, names in synonyms_file()["classes"].items()}
        for position, part in enumerate(self.parts):
            table = part.table
            if part.skipped:
                index = [i for i in range(part.start, part.end) if i not in part.skipped]
                rows = [table.rows[i] for i in index]
                row_numbers = [table.row_numbers[i] for i in index]
            else:
                index = list(range(part.start, part.end))
                rows = table.rows[part.start : part.end]
                row_numbers = table.row_numbers[part.start : part.end]
            base = len(numbers)
            numbers.extend(row_numbers if position == 0 else [(position << ROW_BITS) | n for n in row_numbers])
            fields = [(col, key) for col, key in part.header.columns.items() if key not in NOT_FIELDS]
            if not fields:
                continue
            columns, hostile = self._read_columns(rows, fields, cancelled)
            for i in sorted(hostile):
                values = self.cells(rows[i], fields)
                if self._hostile_ok(numbers[base + i], values):
                    for name, column in columns.items():
                        column[i] = values.get(name)
                else:
                    skipped.add(base + i)
            if part.village or part.groups:
                given = [part.groups.get(i, {}).get("village") or part.village for i in index]
                if any(given):
                    own = columns.get("village") or [None] * len(rows)
                    columns["village"] = [v if v is not None else g for v, g in zip(own, given, strict=True)]
            if part.klass or part.groups:
                given_class = [part.groups.get(i, {}).get("class") or part.klass for i in index]
                if any(given_class):
                    own = columns.get("poverty_class") or [None] * len(rows)
                    columns["poverty_class"] = [
                        v if v is not None else (class_words.get(g) if g else None)
                        for v, g in zip(own, given_class, strict=True)
                    ]
            pieces.append((base, columns))
            all_rows.extend(rows)
        self.numbers = numbers
        if len(pieces) == 1 and pieces[0][0] == 0:
            return all_rows, pieces[0][1], skipped
        total = len(numbers)
        merged: dict[str, list[Any]] = {}
        for base, piece in pieces:
            for name, cells in piece.items():
                whole = merged.get(name)
                if whole is None:
                    whole = merged[name] = [None] * total
                whole[base : base + len(cells)] = cells
        return all_rows, merged, skipped

    def run(self, *, progress: Progress | None, cancelled: Cancelled | None) -> ImportPreview:
        rows, columns, skipped = self._gather(cancelled)
        numbers = self.numbers
        total = len(numbers)
        self._class_marks(columns, total)
        for given in ("village", "poverty_class"):  # given by group rows, the sheet's name or its title
            if given in columns and given not in self.columns:
                self.columns[given] = self.labels.get(given, given)
        has_code = "household_code" in columns
        has_full = "full_name" in columns
        has_head_col = "head_name" in columns
        has_rel = "relationship" in columns
        has_number = "household_no" in columns
        if has_head_col and has_full and self._head_ticked(columns, total):  # a "Chủ hộ" column ticked with x
            has_head_col, has_rel = False, True
        if has_head_col and has_full and self._counts_not_names(columns):  # "Nhân khẩu": how many, not who
            has_full = False
        plain = list(columns.values())  # as in the file: the empty-row test below
        given_names = columns.pop("given_name", None)  # "Họ và chữ đệm" | "Tên": one name; "Tên" alone: the name
        middle_names = columns.pop("middle_name", None)  # "Họ" | "Chữ đệm" | "Tên"
        if middle_names is not None and has_full:
            columns["full_name"] = join_given(columns["full_name"], middle_names)
        if given_names is not None:
            columns["full_name"] = join_given(columns["full_name"], given_names) if has_full else given_names
            has_full = True
        if has_head_col:  # "Ông Nguyễn Văn Hùng", "Bà Lê Thị Lan": the name, and the sex when the list has none
            columns["head_name"], titled = drop_titles(columns["head_name"])
            if titled is not None and not {"sex", "birth_male", "birth_female"} & columns.keys():
                columns["sex"] = titled
        if not has_full:  # one row per household, the head only
            columns["full_name"] = columns.pop("head_name")
            columns["relationship"] = [v or "Chủ hộ" for v in columns.get("relationship") or [None] * total]
            has_head_col = False
        elif (
            has_head_col
        ):  # the head's name in its own column, on the head's row only (the members' column empty there)
            fulls, heads_col = columns["full_name"], columns["head_name"]
            rel_col = columns.get("relationship")
            for i in _filled(heads_col):
                if fulls[i] is None:
                    fulls[i] = heads_col[i]
                    if rel_col is not None and rel_col[i] is None:
                        rel_col[i] = "Chủ hộ"
        self.cols = columns
        self.household_cols = [(k, columns[k]) for k in _HOUSEHOLD_KEYS if k in columns]
        empty: list[Any] = [None] * total
        names, bulleted = drop_bullets(_texts(columns["full_name"]))  # "- Lê Thị Lan" under the head: "Lê Thị Lan"
        names = self._name_notes(names, columns, total)  # "Lê Thị Lan (đã chết)": the note to "Ghi chú"
        for i in legacy_font(names):
            self.issue(numbers[i], "full_name" if has_full else "head_name", names[i], LEGACY_FONT_REASON)
            self.legacy_font = True
        if has_rel and (has_code or has_number) and not bulleted:
            self._blank_heads(columns, names)  # the head's own relationship left empty ("Quan hệ" to himself)
        rel_codes = self._codes("relationship", columns.get("relationship") or empty)
        code_texts = _texts(columns.get("household_code") or empty)
        code_keys = self.code_keys = household_code.keys(code_texts)  # "DX 01" and "DX01" are one household
        head_cells = columns.get("head_name") if has_head_col else None
        number_cells = columns.get("household_no") if has_number else None
        village_cells = columns.get("village") or empty
        content = [columns[k] for k in ("id_number", "birth_date", "household_code") if k in columns]
        self.m = self._member_columns(total, names, rel_codes, has_rel=has_rel)
        self.ids_in_db = self._register_ids(self.m.ids)
        self.held = list(map(self.ids_in_db.get, self.m.ids)) if self.ids_in_db else [None] * total
        groups: dict[Any, list[int]] = {}
        group_head: dict[Any, bool] = {}  # the group has a head row
        current: Any = None
        by_code = (
            _by_code(code_texts, code_keys, rel_codes)
            if has_code
            and not skipped
            and number_cells is None
            and head_cells is None
            and (has_rel or not bulleted)  # the heads are the rows whose relationship says so
            and all(names)
            else None
        )
        if by_code is not None:  # the usual list: a code on each household's first row, every row named
            groups = by_code
        for i in range(0 if by_code is not None else total):
            if i % 2000 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(60 + i * 20 // max(total, 1), 100)
            if skipped and i in skipped:
                continue
            if not names[i]:
                if all(column[i] is None for column in plain):
                    continue
                raw = rows[i]
                first = fold(cell_text(next((c for c in raw if c not in (None, "")), "")))
                if _SUMMARY.match(first) or all(column[i] is None for column in content):
                    continue
                self.issue(numbers[i], "full_name" if has_full else "head_name", "", "thiếu họ và tên")
                continue
            # without a relationship column, a name without the bullet its members have is a head
            is_head = rel_codes[i] == reg.HEAD if has_rel or not bulleted else i not in bulleted
            code = code_texts[i]
            if code:
                key: Any = ("code", code_keys[code])
            elif number_cells is not None and number_cells[i] is not None:  # "TT hộ": a household starts here
                key = ("number", i)
            elif head_cells is not None and head_cells[i]:
                village = village_cells[i]
                key = ("head", fold(_text(head_cells[i])), village_key("" if village is None else _text(village)))
            elif current is not None and (
                (number_cells is not None or head_cells is not None)
                or (not (is_head and group_head[current]) if has_code else not is_head)
            ):  # a row without a household code belongs to the household above it
                key = current
            elif is_head or not has_rel or not has_full:
                key = ("row", numbers[i])
            else:
                self.issue(
                    numbers[i],
                    "household_code" if has_code else "relationship",
                    code,
                    "không biết nhân khẩu này thuộc hộ nào (chưa có dòng chủ hộ hoặc mã hộ phía trên)",
                )
                continue
            group = groups.get(key)
            if group is None:
                groups[key] = [i]
                group_head[key] = is_head
            else:
                group.append(i)
                if is_head:
                    group_head[key] = True
            current = key
        households: list[PlannedHousehold] = []
        count = len(groups)
        # A batch of households at a time: the register's rows the batch matches are loaded, the
        # batch planned, its updates compared with those rows (_mark_unchanged) and the rows let go.
        # A list imported again matches every household: loading them all at once held 250,000 rows.
        items = list(groups.items())
        for start in range(0, count, _MATCH_BATCH):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(80 + start * 20 // max(count, 1), 100)
            chunk = items[start : start + _MATCH_BATCH]
            self._load_existing(chunk)
            batch = self._plan_batch(chunk, has_rel=has_rel)
            _mark_unchanged(batch, self.memo, self.member_index, self.household_index)
            households += batch
        self._copied_households(households)
        # what matching needed goes before validating: a list imported again matched every household
        self.existing, self.existing_members, self.ids_in_db, self.live_codes = {}, {}, {}, {}
        self.held = []
        self._validate_households()
        self._validate_members()
        self._mark_validity(households)
        if progress is not None:
            progress(100, 100)
        ignored: list[str] = []
        for p in self.parts:
            for col, label in p.header.labels.items():
                if col not in p.header.columns and label not in ignored:
                    ignored.append(label)
        issues = self.issues + self.checked + self.heads + self.repeated
        issues.sort(key=lambda i: (i.row, i.severity != "error"))
        first_part = self.parts[0]
        notes = [note for p in self.parts for note in p.notes] + self.notes
        if self.legacy_font:
            notes.append(f"Có họ tên {LEGACY_FONT_HELP}.")
        for column in dict.fromkeys(self.month_first):
            notes.append(
                f"Cột “{column}” ghi ngày theo kiểu tháng/ngày/năm (như Excel tiếng Anh lưu tệp CSV): đã đọc theo "
                "kiểu đó; hãy xem lại ngày sinh trong thẻ “Hộ sẽ ghi”."
            )
        assert self.m is not None
        return ImportPreview(
            path="",
            sheet=", ".join(p.table.sheet for p in self.parts),
            header_row=first_part.table.row_numbers[first_part.header.row],
            columns={k: self.col(k) for k in self.columns if k not in NOT_FIELDS},
            households=households,
            issues=issues,
            new_villages=sorted(set(self.new_villages.values())),
            ignored_columns=ignored,
            memo=self.memo,
            notes=notes,
            part_sheets=[p.table.sheet for p in self.parts],
            new_members=self.m.new,
        )

    def _name_notes(self, names: list[str], columns: dict[str, list[Any]], total: int) -> list[str]:
        """Names written with a note in brackets ("Lê Thị Lan (đã chết)"): the name alone, the note put in the
        member's note (after what its "Ghi chú" holds), and a warning at the row to look at it."""
        plain, notes = split_name_notes(names)
        if not notes:
            return names
        note_cells = list(columns.get("note") or [None] * total)
        self.name_noted = set(notes)
        for i, note in notes.items():
            note_cells[i] = note if note_cells[i] is None else f"{_text(note_cells[i])}; {note}"
            self.issue(
                self.numbers[i],
                "full_name",
                names[i],
                f"ghi chú “{note}” trong ô họ tên: đã tách ra phần ghi chú của người này, hãy xem lại (người đã "
                "chết hay chuyển đi thì cập nhật trong sổ sau khi nhập)",
                "warning",
            )
        columns["note"] = note_cells
        self.columns.setdefault("note", self.labels.get("note", "note"))
        return plain

    def _copied_households(self, households: list[PlannedHousehold]) -> None:
        """A new household the list holds twice (pasted twice: the same village, and the same people with the
        same births, none with an ID number, which would be refused as repeated anyway): the copy is refused at
        its first row, naming the row of the first."""
        # a first look, cheap: the first person's name, of the households whose first person has no ID number
        # (read from the file's columns where the household's members are not made)
        firsts = [(h, _first_person(h)) for h in households if h.action == "create" and h.member_count]
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

    def _blank_heads(self, columns: dict[str, list[Any]], names: list[str]) -> None:
        """A household (rows under one code, or from one "TT hộ" to the next) none of whose rows says "Chủ hộ",
        whose first row leaves the relationship empty and whose other rows fill it: that row is the head (a
        head's relation to himself is often left blank), and so is a person alone with an empty relationship
        in such a file; a note says which rows. In a file with no such household, an empty relationship is
        refused as before (nothing says who the person is)."""
        rels = columns["relationship"]
        if None not in rels:
            return
        codes, numbers = columns.get("household_code"), columns.get("household_no")
        code_texts = _texts(codes) if codes is not None else None
        keys = household_code.keys(code_texts) if code_texts is not None else {}
        groups: dict[Any, list[int]] = {}
        current: Any = None
        for i, name in enumerate(names):
            if not name:
                continue
            if numbers is not None and numbers[i] is not None:
                current = ("number", i)
            elif code_texts is not None and code_texts[i]:
                current = ("code", keys[code_texts[i]])
            if current is not None:
                groups.setdefault(current, []).append(i)
        head = reg.HEAD
        blank = [
            rows
            for rows in groups.values()
            if rels[rows[0]] is None
            and not any(rels[i] is not None and self.vocab.code("relationship", _text(rels[i])) == head for i in rows)
        ]
        # the file's way when another row of such a household says how it is related to him; then a person
        # alone whose relationship is empty is the head of his own household too
        if not any(any(rels[i] is not None for i in rows[1:]) for rows in blank):
            return
        firsts = [rows[0] for rows in blank if len(rows) == 1 or any(rels[i] is not None for i in rows[1:])]
        if not firsts:
            return
        rels = columns["relationship"] = list(rels)
        for i in firsts:
            rels[i] = "Chủ hộ"
        shown = ", ".join(self.where(self.numbers[i]) for i in firsts[:12]) + (" …" if len(firsts) > 12 else "")
        self.notes.append(
            f"{len(firsts)} hộ không ghi quan hệ ở dòng đầu và không dòng nào ghi “Chủ hộ”: người ở dòng đầu mỗi hộ "
            f"được ghi là chủ hộ ({shown}); hãy xem lại trong thẻ “Hộ sẽ ghi”."
        )

    def _counts_not_names(self, columns: dict[str, list[Any]]) -> bool:
        """A column taken for the members' names ("Nhân khẩu") beside the heads' names that holds only numbers:
        how many people each household has, not a name. It is left out (one row per household, the head)."""
        cells = columns["full_name"]
        filled = [cells[i] for i in _filled(cells)]
        if not filled or not all(type(v) in (int, float) or (type(v) is str and v.isdigit()) for v in filled):
            return False
        self.notes.append(
            f"Cột “{self.col('full_name')}” ghi số người của mỗi hộ, không phải họ tên: không dùng (mỗi dòng là "
            "một hộ, chỉ nhập chủ hộ)."
        )
        self.columns.pop("full_name", None)
        del columns["full_name"]
        return True

    def _head_ticked(self, columns: dict[str, list[Any]], total: int) -> bool:
        """A "Chủ hộ" column beside the names holding only ticks (x): the ticked rows are the heads (their
        relationship "Chủ hộ"), and the column is no name column."""
        ticks = columns["head_name"]
        # a 'no' word ("0", "Không": a checkbox left empty, as LibreOffice saves it) is no tick
        ticks = [None if t is not None and self.vocab.yes_no.get(fold_key(_text(t))) is False else t for t in ticks]
        filled = {_text(ticks[i]) for i in _filled(ticks)}
        if not filled or len(filled) > 5 or not all(fold_key(t) in self.vocab.marks for t in filled):
            return False
        relations = columns.get("relationship") or [None] * total
        columns["relationship"] = [
            "Chủ hộ" if tick is not None and rel is None else rel for rel, tick in zip(relations, ticks, strict=True)
        ]
        self.columns.setdefault("relationship", self.col("head_name"))
        del columns["head_name"]
        return True

    def _class_marks(self, columns: dict[str, list[Any]], total: int) -> None:
        """Classes ticked under "Hộ nghèo" | "Hộ cận nghèo" as the class column ("class_marks" in
        ``resources/templates/header-synonyms.json``); a tick comes before a class a title or a group row gives."""
        marks = synonyms_file().get("class_marks", {}).get("fields", {})
        if not marks.keys() & columns.keys():
            return
        words = {code: names[0] for code, names in synonyms_file()["classes"].items()}
        own = columns.get("poverty_class") or [None] * total
        for key, code in marks.items():
            ticked = columns.pop(key, None)
            if ticked is None:
                continue
            self.columns.setdefault("poverty_class", self.col(key))
            for i in _filled(ticked):
                value = ticked[i]
                if self.vocab.yes_no.get(fold_key(_text(value))) is not False:  # the tick before a title's class
                    own[i] = words[code]
        columns["poverty_class"] = own

    def _codes(self, list_name: str, cells: list[Any], system: str | None = None) -> list[str | None]:
        """The code of each cell's text in ``list_name`` (None where empty or not in the list)."""
        code = self.vocab.code
        found: dict[str, str | None] = {}
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

    def _member_columns(
        self, total: int, names: list[str], rel_codes: list[str | None], *, has_rel: bool
    ) -> _MemberColumns:
        """Every row's member values and the planner's own problems with them, a column at a time.

        A row's problems are kept in the order :meth:`_plan_household` lists them; those named
        before matching the register (``before``) and after it (``after``).
        """
        cols = self.cols
        empty: list[Any] = [None] * total
        before: dict[int, list[RowIssue]] = {}
        after: dict[int, list[RowIssue]] = {}
        numbers = self.numbers

        def add(into: dict[int, list[RowIssue]], i: int, key: str, value: Any, reason: str, severity: str) -> None:
            self.issue(numbers[i], key, value, reason, severity, into=into.setdefault(i, []))

        # ID numbers (a number cell that lost its leading zero is mended, with a note)
        id_cells = cols.get("id_number") or empty
        ids: list[str] = [""] * total
        parsed: dict[str, tuple[str, str | None]] = {}
        if id_cells is not empty and _plain_ids(id_cells):  # the usual: each as it is, without a note
            ids = [v if v is not None else "" for v in id_cells]
            id_cells = empty
        for i in _filled(id_cells):
            value = id_cells[i]
            if type(value) is str:
                result = parsed.get(value)
                if result is None:
                    result = parsed[value] = parse_id(value)
            else:
                result = parse_id(value)
            ids[i] = result[0]
            if result[1]:
                add(before, i, "id_number", value, result[1], "error" if result[1] is ID_DIGITS_LOST else "warning")
        # birth: a date column, or one column for men and one for women (which also gives the sex)
        birth_iso: list[str | None] = [None] * total
        birth_year: list[int | None] = [None] * total
        sexes: list[str | None] = [None] * total
        bad_birth: set[int] = set()
        # sex ticked with an x under "Nam" or "Nữ" (under "Giới tính", or under "Năm sinh" without a year)
        marks = self.vocab.marks
        ticks_only: list[tuple[str, str]] = []  # (column, sex) of a sex column holding nothing but ticks
        for mark_key, sex in (("sex_male", "M"), ("sex_female", "F"), ("birth_male", "M"), ("birth_female", "F")):
            marked = cols.get(mark_key)
            if marked is None:
                continue
            filled = _filled(marked)
            ticked = [
                i
                for i in filled
                if mark_key.startswith("sex_") or (type(marked[i]) is str and fold_key(marked[i]) in marks)
            ]
            if ticked and len(ticked) == len(filled):
                ticks_only.append((mark_key, sex))
            if ticked and mark_key.startswith("birth_"):
                marked = cols[mark_key] = list(marked)
            for i in ticked:
                sexes[i] = sex
                if mark_key.startswith("birth_"):
                    marked[i] = None
        male, female, dates = cols.get("birth_male"), cols.get("birth_female"), cols.get("birth_date")
        sources: list[tuple[str, list[Any], str | None]] = []
        if male is not None or female is not None:
            sources = [(k, c, s) for k, c, s in (("birth_male", male, "M"), ("birth_female", female, "F")) if c]
            if dates is not None:  # read only where neither is filled
                dates = [d if all(c[i] is None for _k, c, _s in sources) else None for i, d in enumerate(dates)]
        if dates is not None:
            sources.append(("birth_date", dates, None))
        done: set[int] = set()  # a row with both: the men's column is read
        if len(sources) == 1 and sources[0][2] is None and total and not month_first(sources[0][1]):
            # a date column alone, day first (the usual): a column at a time
            source, column, _sex = sources.pop()
            parsed_column = self.parse_dates(column)
            birth_iso, birth_year = list(map(itemgetter(0), parsed_column)), list(map(itemgetter(1), parsed_column))
            problems = list(map(itemgetter(2), parsed_column))
            if any(problems):
                for i, problem in enumerate(problems):
                    if problem:
                        bad_birth.add(i)
                        add(before, i, source, column[i], problem, "error")
        for source, column, birth_sex in sources:
            if month_first(column):  # m/d/yyyy (an English-locale Excel's CSV): read month first
                self.month_first.append(self.col(source))
                parsed_dates = [_NO_DATE if v is None else parse_date(day_first(v)) for v in column]
            else:
                parsed_dates = self.parse_dates(column)
            for i in _filled(column):
                if len(sources) > 1:
                    if i in done:
                        continue
                    done.add(i)
                value = column[i]
                birth_iso[i], birth_year[i], problem = parsed_dates[i]
                if birth_sex:
                    sexes[i] = birth_sex
                if problem:
                    bad_birth.add(i)
                    add(before, i, source, value, problem, "error")
        sex_keys = {"sex", "sex_male", "sex_female", "birth_male", "birth_female"} & cols.keys()
        if len(sex_keys) == 1 and len(ticks_only) == 1:  # a lone "Nữ" column ticked x: the others are men
            lone, sex = ticks_only[0]
            other = "M" if sex == "F" else "F"
            for i in range(total):
                if sexes[i] is None and names[i]:
                    sexes[i] = other
            self.notes.append(
                f"Cột “{self.col(lone)}” chỉ đánh dấu người {'nữ' if sex == 'F' else 'nam'}: người không đánh dấu được "
                f"ghi là {'nam' if other == 'M' else 'nữ'}."
            )
        sex_cells = cols.get("sex")
        distinct_sexes = dict.fromkeys(sex_cells) if sex_cells is not None else {}
        if sex_cells is not None and all(type(v) is str or v is None for v in distinct_sexes):
            # text (the usual): each distinct text read once, the column mapped in one pass
            known = self.vocab.sexes
            found_sex: dict[str, str | None] = {}
            for value in distinct_sexes:
                if value:
                    if value not in self.sexes:
                        self.sexes[value] = known.get(fold_key(value))
                    found_sex[value] = self.sexes[value]
            sexes = [found_sex[v] if v else s for v, s in zip(sex_cells, sexes, strict=True)]
            if None in found_sex.values():
                for i in _filled(sex_cells):
                    if found_sex[sex_cells[i]] is None:
                        add(before, i, "sex", sex_cells[i], "ghi “Nam” hoặc “Nữ”", "error")
        elif sex_cells is not None:
            known = self.vocab.sexes
            for i in _filled(sex_cells):
                text = _text(sex_cells[i])
                if text not in self.sexes:
                    self.sexes[text] = known.get(fold_key(text))
                sexes[i] = self.sexes[text]
                if sexes[i] is None:
                    add(before, i, "sex", text, "ghi “Nam” hoặc “Nữ”", "error")
        rel_texts = _texts(cols.get("relationship") or empty)
        rels: list[str | None] = [code if text else None for code, text in zip(rel_codes, rel_texts, strict=True)]
        unsexed: set[int] = set()  # "Vợ/chồng" on a row that gives no sex
        for i, (man, woman) in self.vocab.relation_pairs(rel_texts).items():
            rels[i] = man if sexes[i] == "M" else woman if sexes[i] == "F" else None
            if rels[i] is None:
                unsexed.add(i)
        missing_rel = [i for i, r in enumerate(rels) if r is None] if has_rel else []
        if has_rel:
            for i in missing_rel:
                if i in unsexed:
                    reason = "không rõ là nam hay nữ: ghi rõ quan hệ (Vợ hay Chồng, Bố hay Mẹ…) hoặc ghi giới tính"
                    add(before, i, "relationship", rel_texts[i], reason, "error")
                elif rel_texts[i]:
                    add(before, i, "relationship", rel_texts[i], "không có trong danh mục quan hệ với chủ hộ", "error")
                else:
                    add(before, i, "relationship", "", "chưa ghi quan hệ với chủ hộ", "error")
        eth_cells = cols.get("ethnicity")
        ethnicities: list[str | None] = [None] * total
        if eth_cells is not None:
            ethnicities = self._codes("ethnicity", eth_cells, reg.DEFAULT_ETHNICITY_SYSTEM)
            # an empty cell has no code: more cells without one than empty cells means some are not in the list
            unknown_eth = ethnicities.count(None) > eth_cells.count(None) + eth_cells.count("")
            for i in _filled(eth_cells) if unknown_eth else ():
                if ethnicities[i] is None:  # a foreigner, "Tày Nùng", or unknown: said so
                    text = _text(eth_cells[i])
                    add(before, i, "ethnicity", text, *self.vocab.ethnicity_problem(text, reg.DEFAULT_ETHNICITY_SYSTEM))
        # what is named after matching the register
        hi_cards = _texts_or_none(cols.get("hi_card_number"))
        hi_ends: list[str | None] | None = None
        end_cells = cols.get("hi_valid_to")
        if end_cells is not None:
            hi_ends = [None] * total
            for i in _filled(end_cells):
                iso, _y, problem = self.date(end_cells[i])
                if problem or iso is None:
                    add(after, i, "hi_valid_to", end_cells[i], problem or "cần ghi đủ ngày/tháng/năm", "error")
                else:
                    hi_ends[i] = iso
        listed: dict[str, list[str | None]] = {}
        for key in ("education_level", "schooling", "employment"):
            cells = cols.get(key)
            if cells is None:
                continue
            listed[key] = self._codes(key, cells)
        status_cells = cols.get("work_status")  # Mẫu 01's "Tình trạng": có việc làm / không có việc làm / đang đi học
        if status_cells is not None:
            statuses = self.vocab.work_statuses
            work = listed.get("employment") or [None] * total
            for i in _filled(status_cells):
                status = statuses.get(fold_key(_text(status_cells[i])))
                if status is None:
                    add(
                        after,
                        i,
                        "work_status",
                        _text(status_cells[i]),
                        "không rõ tình trạng (ghi Có việc làm, Không có việc làm hoặc Đang đi học); đã bỏ qua",
                        "warning",
                    )
                elif work[i] is None:
                    work[i] = status.get("employment")
            if any(w is not None for w in work):
                listed["employment"] = work
        unknown = {i for key, found in listed.items() if key in cols for i in _filled(cols[key]) if found[i] is None}
        for i in sorted(unknown):
            for key, found in listed.items():
                if key in cols and cols[key][i] is not None and found[i] is None:
                    text = _text(cols[key][i])
                    add(after, i, key, text, "không có trong danh mục; đã bỏ qua giá trị này", "warning")
        # the problems the register's checks would name again, already named in the file's own words
        skip_rel = ("relationship_code",)
        skip_eth = ("ethnicity_code",)
        skip_birth = ("birth_date",)
        skips: list[tuple[str, ...]] = (
            [skip_eth if v is not None else () for v in eth_cells] if eth_cells else [()] * total
        )
        for i in missing_rel:
            skips[i] = skip_rel + skips[i]
        for i in bad_birth:
            skips[i] = skips[i] + skip_birth
        occupations = _texts_or_none(cols.get("occupation"))
        notes = _texts_or_none(cols.get("note"))
        for i in life_notes(notes) if notes is not None else ():  # "Đã chết", "Chuyển đi nơi khác"
            if i in self.name_noted:
                continue
            add(
                after,
                i,
                "note",
                cols["note"][i],
                "ghi chú nói người này đã chết hay chuyển đi: vẫn được nhập như đang sống tại hộ; sau khi nhập, hãy "
                "ghi lại trong sổ bằng “Báo chết / chuyển đi” (thẻ Hộ gia đình)",
                "warning",
            )
        values = {
            "full_name": names,
            "relationship_code": rels,
            "birth_date": birth_iso,
            "birth_year": [None if iso else year for iso, year in zip(birth_iso, birth_year, strict=True)],
            "sex": sexes,
            "id_number": [n or None for n in ids],
            "ethnicity_code": ethnicities,
            "hi_card_number": hi_cards,
            "hi_valid_to": hi_ends,
            "occupation": [v or "" for v in occupations] if occupations is not None else None,
            "note": [v or "" for v in notes] if notes is not None else None,
            **listed,
        }
        given = {key: column for key, column in values.items() if column is not None}
        return _MemberColumns(
            names=names,
            ids=ids,
            rels=rels,
            birth_iso=birth_iso,
            birth_year=birth_year,
            sexes=sexes,
            ethnicities=ethnicities,
            hi_cards=hi_cards,
            hi_ends=hi_ends,
            listed=listed,
            occupations=occupations,
            notes=notes,
            values=given,
            new=NewMembers(given),
            before=before,
            after=after,
            skips=skips,
        )

    def _register_ids(self, numbers: list[str]) -> dict[str, tuple[int, int]]:
        """The file's ID numbers the register holds (live members of live households): number →
        (household, member). Only the file's numbers are kept, under the file's own text: a list
        imported again holds every number of the register, kept for the whole planning."""
        in_file = dict(zip(numbers, numbers, strict=True))
        in_file.pop("", None)
        if not in_file:
            return {}
        found: dict[str, tuple[int, int]] = {}
        cursor = self.db.conn.cursor()
        cursor.row_factory = None  # plain tuples
        for member_id, household_id, number in cursor.execute(
            "SELECT m.id, m.household_id, m.id_number FROM member m JOIN household h ON h.id = m.household_id "
            "WHERE m.id_number IS NOT NULL AND m.deleted_at IS NULL AND h.deleted_at IS NULL"
        ):
            text = in_file.get(number)
            if text is not None:
                found[text] = (household_id, member_id)
        return found

    def _load_existing(self, groups: list[tuple[Any, list[int]]]) -> None:
        """Households (and their members) these groups may update, in a few queries instead of two per household."""
        candidates: set[int] = set()
        self.existing, self.existing_members = {}, {}
        for key, _rows in groups:
            if key[0] == "code" and key[1] in self.live_codes:
                candidates.add(self.live_codes[key[1]])
        if self.ids_in_db:
            rows = itertools.chain.from_iterable(rows for _key, rows in groups)
            candidates.update(hit[0] for hit in map(self.held.__getitem__, rows) if hit)
        if candidates:
            self.existing = self._household_rows(candidates)
            self.existing_members = self._member_rows(candidates)

    def _household_rows(self, household_ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
        """:func:`register.household_rows` (their columns in ``household_index``)."""
        columns, found = reg.household_rows(self.db, household_ids)
        if columns and not self.household_index:
            self.household_names = columns
            self.household_index = {name: i for i, name in enumerate(columns)}
            self.household_input = reg.household_input_reader(columns)
        return found

    def _member_rows(self, household_ids: Iterable[int]) -> dict[int, list[tuple[Any, ...]]]:
        """:func:`register.member_rows` (their columns in ``member_index``)."""
        columns, found = reg.member_rows(self.db, household_ids)
        if columns and not self.member_index:
            self.member_names = columns
            self.member_index = {name: i for i, name in enumerate(columns)}
            self.member_input = reg.member_input_reader(columns)
        return found

    def _hostile_ok(self, number: int, values: dict[str, Any]) -> bool:
        """Refuse over-long cells and formulas; the text of a row kept is put in NFC once here
        (so :func:`_text` of it is the text itself)."""
        ok = True
        for key, value in values.items():
            if isinstance(value, str):
                if len(value) > MAX_CELL_CHARS:
                    self.issue(number, key, value[:40] + "…", f"ô quá dài ({len(value)} ký tự)")
                    ok = False
                elif value in EXCEL_ERRORS:
                    reason = (
                        "ô báo lỗi công thức của Excel: sửa công thức hoặc ghi giá trị vào ô trong Excel rồi nhập lại"
                    )
                    self.issue(number, key, value, reason)
                    ok = False
                elif key in _TEXT_FIELDS and value[:1] in ("=",) and len(value) > 1:
                    self.issue(number, key, value, "ô chứa công thức, không nhận")
                    ok = False
                elif _BAD_CHARS.search(value):
                    bad = _BAD_CHARS.search(value)
                    assert bad is not None
                    shown = _BAD_CHARS.sub("\ufffd", value)
                    self.issue(
                        number,
                        key,
                        shown,
                        f"ô chứa ký tự điều khiển không in được (mã U+{ord(bad.group()):04X}), sẽ làm hỏng các tệp "
                        "xuất ra sau này; hãy xóa ký tự này trong Excel (thường do dán từ nơi khác) rồi nhập lại",
                    )
                    ok = False
                elif ok:
                    values[key] = normalize("NFC", value)  # already stripped; NFC adds no outer space
        return ok

    # -- households --------------------------------------------------------------
    def _plan_batch(self, chunk: list[tuple[Any, list[int]]], *, has_rel: bool) -> list[PlannedHousehold]:
        """The households of ``chunk``, in order: each run of new households the planner has nothing to
        say about planned together (:meth:`_plan_new`), the others one at a time (:meth:`_plan_household`)."""
        values = self._household_values(chunk)
        quick = self._quick(chunk, values, has_rel=has_rel)
        matched = self._matched(chunk, values, has_rel=has_rel)
        planned: list[PlannedHousehold] = []
        start, count = 0, len(chunk)
        while start < count:
            if not quick[start] and matched[start] is None:
                key, rows = chunk[start]
                planned.append(self._plan_household(key, rows, has_rel=has_rel))
                start += 1
                continue
            end = start + 1
            if quick[start]:
                while end < count and quick[end]:
                    end += 1
                run = {key: column[start:end] for key, column in values.items()}
                planned += self._plan_new([rows for _key, rows in chunk[start:end]], run, has_rel=has_rel)
            else:
                while end < count and matched[end] is not None:
                    end += 1
                run = {key: column[start:end] for key, column in values.items()}
                found = [match for match in matched[start:end] if match is not None]
                planned += self._plan_matched(chunk[start:end], found, run, has_rel=has_rel)
            start = end
        return planned

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
        ids_of, rel_of, life_of = itemgetter(id_at), itemgetter(rel_at), itemgetter(life_at)
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
            members = self.existing_members.get(existing_id)
            if existing is None or not members:
                continue
            if None not in hits and len(hits) == len(members) and list(map(second, hits)) == list(map(ids_of, members)):
                pairs = members  # each row the member at its place, by ID number (the usual)
                kept = False
            else:
                paired = self._pairs(rows, existing_id, members)
                if paired is None:
                    continue
                pairs = paired
                updated = set(map(ids_of, pairs))
                kept = any(
                    e[id_at] not in updated and e[rel_at] == reg.HEAD and e[life_at] == "living" for e in members
                )
            given = list(map(rels.__getitem__, rows)) if has_rel else [None] * len(rows)
            if None in given:
                given = [rel_of(e) if r is None else r for r, e in zip(given, pairs, strict=True)]
            heads = list(zip(given, map(life_of, pairs), strict=True)).count((reg.HEAD, "living"))
            if (heads == 1 and not kept) or (heads == 0 and kept):  # no head missing, none twice
                found[j] = (existing_id, existing, pairs)
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
        befores = list(itertools.chain.from_iterable(pairs for _hid, _row, pairs in matched))
        table = dict(zip(self.member_names, map(list, zip(*befores, strict=True)), strict=True))  # a column each
        fields = reg.member_input_columns(table, len(befores))
        m.update_columns(fields, flat, has_rel=has_rel)
        inputs = list(map(reg.MemberInput, *fields.values()))
        base = len(self.pending)
        checked = reg.validate_member_columns(
            self.db, fields, len(flat), codes=self.vocab.codes, today=self.today, memo=self.memo
        )  # the register's checks of these members, on their columns (see _validate_members)
        self.prechecked.update({base + at: issues for at, issues in checked.items()})
        self.prechecked_spans.append((base, base + len(flat)))
        changed = _differ_columns(reg.member_columns_of(fields, self.memo), table, len(befores))
        numbers = list(map(self.numbers.__getitem__, flat))
        members = list(
            map(
                PlannedMember,
                numbers,
                itertools.repeat("update"),
                inputs,
                table["id"],
                itertools.repeat(True),
                itertools.repeat(None),
                changed,
            )
        )
        existing_rows = [row for _hid, row, _pairs in matched]
        held = dict(zip(self.household_names, map(list, zip(*existing_rows, strict=True)), strict=True))
        inputs_of = reg.household_input_columns(held, len(matched))
        planned: list[PlannedHousehold] = []
        check_at, start = len(self.issues), 0
        keys = list(values)
        given = zip(*values.values(), strict=True) if keys else itertools.repeat(())
        villages: dict[str, tuple[int | None, str, str]] = {}  # by text: each found once
        for j, ((_key, rows), (household_id, existing, _pairs), cells) in enumerate(
            zip(chunk, matched, given, strict=False)
        ):
            hvals = {key: value for key, value in zip(keys, cells, strict=True) if value is not None}
            first_row = self.numbers[rows[0]]
            code = _text(hvals.get("household_code", ""))
            code_key = (self.code_keys.get(code) or household_code.key(code)) if code else ""
            text = _text(hvals.get("village", ""))
            village = villages.get(text)
            if village is None:
                village = villages[text] = self._village(first_row, text)  # known (_matched): nothing to say
            village_id, village_name, new_village = village
            data = self._household_data(first_row, code, code_key, existing, village_id, hvals, inputs_of[j])
            end = start + len(rows)
            household = PlannedHousehold(
                rows=numbers[start:end],
                action="update",
                data=data,
                made_members=members[start:end],
                household_id=household_id,
                village_name=village_name,
                new_village=new_village,
                member_rows=rows,
            )
            self.household_checks.append((check_at, household, bool(code)))
            self.first_rows[base + start] = household
            planned.append(household)
            start = end
        differ = _differ_columns(reg.household_columns([h.data for h in planned]), held, len(planned))
        for household, differs, causes in zip(planned, differ, held["causes"], strict=True):
            household.changed = _household_changed(household, differs, causes)
        self.pending += members
        self.pending_rows += flat
        self.updates += len(flat)
        return planned

    def _household_values(self, chunk: list[tuple[Any, list[int]]]) -> dict[str, list[Any]]:
        """Each household field of the file, of each household of ``chunk``: the first of its rows that
        has one (usually the head's row), None where none has; a column at a time."""
        firsts = [rows[0] for _key, rows in chunk]
        found: dict[str, list[Any]] = {}
        for key, column in self.household_cols:
            values = list(map(column.__getitem__, firsts))
            if None in values:
                for j in [j for j, v in enumerate(values) if v is None]:
                    values[j] = next((column[i] for i in chunk[j][1] if column[i] is not None), None)
            found[key] = values
        return found

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

    def _plain(self, chunk: list[tuple[Any, list[int]]], values: dict[str, list[Any]], plain: list[bool]) -> list[bool]:
        """``plain``, made False for each household of ``chunk`` whose rows have a problem named already or
        whose own fields :meth:`_plan_household` would say something of (a village it does not know, a
        class, date, answer or cause it does not understand)."""
        m = self.m
        assert m is not None
        count = len(chunk)
        problems = m.before.keys() | m.after.keys()
        if problems:
            row_lists = [rows for _key, rows in chunk]
            at = dict(  # data row → its household's place in the chunk
                zip(
                    itertools.chain.from_iterable(row_lists),
                    itertools.chain.from_iterable(map(itertools.repeat, range(count), map(len, row_lists))),
                    strict=True,
                )
            )
            for i in problems:
                place = at.get(i)
                if place is not None:
                    plain[place] = False
        understood: dict[str, Callable[[Any], bool]] = {
            "village": lambda v: self._village_known(_text(v)),
            "poverty_class": lambda v: self._class(_text(v)) is not None,
            "waste_treatment": lambda v: fold_key(_text(v)) in self.vocab.yes_no,
            "class_date": lambda v: (found := self.date(v))[2] is None and found[0] is not None,
            "causes": lambda v: self.vocab.causes(_text(v))[1],
        }
        for key, ok in understood.items():
            column = values.get(key)
            if column is None:
                if key == "village" and not self._village_known(""):
                    return [False] * count
                continue
            known: dict[tuple[type, Any], bool] = {}  # each distinct value once (1 and True apart)
            for j, value in enumerate(column):
                if plain[j] and (value is not None or key == "village"):
                    good = known.get((type(value), value))
                    if good is None:
                        good = known[(type(value), value)] = ok("" if value is None else value)
                    if not good:
                        plain[j] = False
        return plain

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
        setters: dict[str, Callable[[reg.HouseholdInput, Any], None]] = {
            "address": lambda data, v: setattr(data, "address", _text(v)),
            "phone": lambda data, v: setattr(data, "phone", phone_text(v)),
            "class_decision": lambda data, v: setattr(data, "class_decision", _text(v)),
            "waste_treatment": lambda data, v: setattr(data, "waste_treatment", self.vocab.yes_no[fold_key(_text(v))]),
            "class_date": lambda data, v: setattr(data, "class_date", self.date(v)[0]),
            "poverty_class": lambda data, v: setattr(data, "poverty_class", self._class(_text(v))),
            "causes": lambda data, v: setattr(data, "causes", self.vocab.causes(_text(v))[0]),
        }
        for key, column in values.items():
            setter = setters.get(key)
            if setter is not None:
                for data, value in zip(households, column, strict=True):
                    if value is not None:
                        setter(data, value)
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

    # -- one household ------------------------------------------------------------
    def _plan_household(self, key: Any, rows: list[int], *, has_rel: bool) -> PlannedHousehold:
        numbers = list(map(self.numbers.__getitem__, rows))
        first_row = numbers[0]
        # household-level values: the first row that has each (usually the head's row)
        hvals: dict[str, Any] = {}
        for k, column in self.household_cols:
            for i in rows:
                if column[i] is not None:
                    hvals[k] = column[i]
                    break
        code = _text(hvals.get("household_code", ""))
        issues_before = len(self.issues)
        # village
        village_id, village_name, new_village = self._village(first_row, _text(hvals.get("village", "")))
        # existing household
        code_key = (self.code_keys.get(code) or household_code.key(code)) if code else ""
        existing_id: int | None = self.live_codes.get(code_key) if code else None
        id_matches: set[int] = set()
        assert self.m is not None
        ids = self.m.ids
        if self.ids_in_db:
            for i in rows:
                number = ids[i]
                found = self.ids_in_db.get(number) if number else None
                if found:
                    id_matches.add(found[0])
        if existing_id is None and len(id_matches) == 1:
            existing_id = next(iter(id_matches))
        elif existing_id is not None and id_matches - {existing_id}:
            pass  # reported per member below (ID belongs to another household)
        elif len(id_matches) > 1:
            self.issue(
                first_row,
                "id_number",
                "",
                "các nhân khẩu của hộ này đang thuộc nhiều hộ khác nhau trong sổ; hãy kiểm tra lại",
            )
        existing: tuple[Any, ...] | None = None
        if existing_id is not None:
            existing = self.existing.get(existing_id) or self._household_rows([existing_id]).get(existing_id)
            if existing is None:
                raise NotFound(f"Không tìm thấy hộ có mã số {existing_id}.")
        data = self._household_data(first_row, code, code_key, existing, village_id, hvals)
        check_at = len(self.issues)  # the register's checks of the household go here (_validate_households)
        # members
        existing_members: list[tuple[Any, ...]] = []
        if existing_id is not None:
            if existing_id not in self.existing_members:
                self.existing_members.update(self._member_rows([existing_id]))
            existing_members = self.existing_members[existing_id]
        first_pending = len(self.pending)
        planned_members = self._plan_members(rows, numbers, existing_id, existing_members, has_rel=has_rel)
        # exactly one living head, counting members already in the register
        heads = [m for m in planned_members if m.data.relationship_code == reg.HEAD and m.data.life_status == "living"]
        col = self.member_index
        kept_heads: list[tuple[Any, ...]] = []
        if existing_members:
            updated_ids = {m.member_id for m in planned_members if m.member_id}
            kept_heads = [
                m
                for m in existing_members
                if m[col["id"]] not in updated_ids
                and m[col["relationship_code"]] == reg.HEAD
                and m[col["life_status"]] == "living"
            ]
        heads_before = len(self.heads)
        if kept_heads and heads:
            self.issue(
                heads[0].row,
                "relationship",
                "Chủ hộ",
                f"hộ {data.code} trong sổ đã có chủ hộ {kept_heads[0][col['full_name']]}; muốn thay chủ hộ hãy dùng "
                "“Đổi chủ hộ” trong ứng dụng",
                into=self.heads,
            )
        elif not heads and not kept_heads:
            self.issue(
                first_row, "relationship", "", "hộ chưa có chủ hộ (không dòng nào ghi “Chủ hộ”)", into=self.heads
            )
        elif len(heads) > 1:
            for m in heads[1:]:
                self.issue(
                    m.row,
                    "relationship",
                    "Chủ hộ",
                    f"hộ đã có chủ hộ {heads[0].data.full_name} ở {self.where(heads[0].row)}",
                    into=self.heads,
                )
        household_error = (len(self.issues) > issues_before or len(self.heads) > heads_before) and any(
            i.severity == "error" and i.row == first_row
            for found in (self.issues[issues_before:], self.heads[heads_before:])
            for i in found
        )
        planned = PlannedHousehold(
            rows=numbers,
            action="update" if existing_id is not None else "create",
            data=data,
            made_members=planned_members,
            household_id=existing_id,
            village_name=village_name,
            new_village=new_village,
            generate_code=not code and existing_id is None,
            valid=not household_error,
            before=existing,
            member_rows=rows,
        )
        self.household_checks.append((check_at, planned, bool(code)))
        # an error in the first row's member data makes the household invalid too (see _validate_members)
        if first_pending < len(self.pending):
            self.first_rows[first_pending] = planned
        return planned

    def _household_data(
        self,
        first_row: int,
        code: str,
        code_key: str,
        existing: tuple[Any, ...] | None,
        village_id: int | None,
        hvals: dict[str, Any],
        read: reg.HouseholdInput | None = None,
    ) -> reg.HouseholdInput:
        """The household's fields: the register's (``existing``; ``read``: its input, when made already) or a
        new household's, with what the file gives (``hvals``: the first value of each household field down its
        rows), problems named at its first row."""
        if existing is not None:
            assert self.household_input is not None
            data = read if read is not None else self.household_input(existing)
            if village_id is not None and "village" in hvals:
                data.village_id = village_id
        else:
            data = reg.HouseholdInput(code=code, village_id=village_id or 0)
        if code and (existing is None or (data.code != code and household_code.key(data.code) != code_key)):
            data.code = code  # the register's "DX01" stays as it is for a file's "DX 01"
        if "address" in hvals:
            data.address = _text(hvals["address"])
        if "phone" in hvals:
            data.phone = phone_text(hvals["phone"])
        if "class_decision" in hvals:
            data.class_decision = _text(hvals["class_decision"])
        if "waste_treatment" in hvals:
            answer = self.vocab.yes_no.get(fold_key(_text(hvals["waste_treatment"])))
            if answer is None:
                self.issue(
                    first_row,
                    "waste_treatment",
                    hvals["waste_treatment"],
                    "ghi “Có” hoặc “Không”; đã bỏ qua",
                    "warning",
                )
            else:
                data.waste_treatment = answer
        if "class_date" in hvals:
            iso, _year, problem = parse_date(hvals["class_date"])
            if problem or iso is None:
                self.issue(first_row, "class_date", hvals["class_date"], problem or "cần ghi đủ ngày/tháng/năm")
            else:
                data.class_date = iso
        if "poverty_class" in hvals:
            text = _text(hvals["poverty_class"])
            cls = self._class(text)
            if cls is None:
                self.issue(first_row, "poverty_class", text, "không rõ loại hộ (ghi Hộ nghèo, Hộ cận nghèo, …)")
            else:
                data.poverty_class = cls
        elif existing is None and "poverty_class" in self.columns:
            data.poverty_class = "not_poor"
        if "causes" in hvals:
            causes, understood = self.vocab.causes(_text(hvals["causes"]))
            if not understood:
                self.issue(
                    first_row,
                    "causes",
                    hvals["causes"],
                    "có nguyên nhân không có trong danh mục (8 nguyên nhân theo quy định); đã bỏ qua phần không rõ",
                    "warning",
                )
            data.causes = causes
        return data

    def _class(self, text: str) -> str | None:
        """The poverty class a text names (None: not understood)."""
        if text not in self.classes:
            self.classes[text] = class_named(text)
        return self.classes[text]

    def _village_key(self, text: str) -> str:
        key = self.village_keys.get(text)
        if key is None:
            key = self.village_keys[text] = village_key(text)
            if key not in self.villages:  # "Thôn Bãi Sậy, xã Tân Lập": the part that is a village
                parts = [village_key(p) for p in re.split(r"\s*[,;–]\s*|\s+-\s+", text) if p.strip()]
                key = self.village_keys[text] = next((k for k in parts if k in self.villages), key)
        return key

    def _village_known(self, text: str) -> bool:
        """Whether :meth:`_village_found` finds a village for ``text`` (without taking a new one in)."""
        if not text:
            return len(self.villages) == 1
        return self.create_villages or self._village_key(text) in self.villages

    def _village_found(self, text: str) -> tuple[int | None, str, str] | None:
        """The village a household's text names: (id, name, the name of a village to create), or None
        where it names none the import may use (:meth:`_village` says why)."""
        if not text:
            if len(self.villages) == 1:
                village = next(iter(self.villages.values()))
                return int(village["id"]), str(village["name"]), ""
            return None
        key = self._village_key(text)
        found = self.villages.get(key)
        if found is not None:
            return int(found["id"]), str(found["name"]), ""
        if self.create_villages:
            self.new_villages.setdefault(key, text)
            # named as it will be created ("Thôn Bãi Sậy" → "Bãi Sậy")
            return None, commune.imported_village(self.new_villages[key]).name, self.new_villages[key]
        return None

    def _village(self, row: int, text: str) -> tuple[int | None, str, str]:
        found = self._village_found(text)
        if found is not None:
            return found
        if not text:
            if "village" not in self.columns:
                self.issue(row, "village", "", "tệp không có cột Thôn/Tổ dân phố mà xã có nhiều thôn")
            else:
                self.issue(row, "village", "", "chưa ghi thôn/tổ dân phố")
            return None, "", ""
        self.issue(
            row,
            "village",
            text,
            f"không có thôn/tổ này trong danh sách của xã (đánh dấu “{CREATE_VILLAGES_LABEL}”"
            " — dòng lệnh: --create-villages — để thêm, hoặc sửa tên trong tệp)",
        )
        return None, "", ""

    def _from_validation(self, row: int, issue: ValidationIssue, into: list[RowIssue] | None = None) -> None:
        field_key = _KEY_TO_FIELD.get(issue.field, "")
        column = self.col(field_key) if field_key else issue.field
        (self.issues if into is None else into).append(
            self.row_issue(row, column, issue.value or "", issue.message, issue.severity)
        )

    def parse_dates(self, cells: list[Any]) -> list[tuple[str | None, int | None, str | None]]:
        """:meth:`date` of each cell (``_NO_DATE`` where empty); each distinct text is read once."""
        dates = self.dates
        for value in set(cells):
            if type(value) is str and value not in dates:
                dates[value] = parse_date(value)
        return [dates[v] if type(v) is str else (_NO_DATE if v is None else parse_date(v)) for v in cells]

    def date(self, value: Any) -> tuple[str | None, int | None, str | None]:
        """:func:`parse_date`, remembered for text cells (the same dates recur down a long list)."""
        if type(value) is not str:
            return parse_date(value)
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = parse_date(value)
        return found

    def _plan_members(
        self,
        rows: list[int],
        numbers: list[int],
        household_id: int | None,
        existing_members: list[tuple[Any, ...]],
        *,
        has_rel: bool,
    ) -> list[PlannedMember]:
        """The members of data rows ``rows``: from :meth:`_member_columns`, matched with the register."""
        m = self.m
        assert m is not None
        issues, before, after, new = self.issues, m.before, m.after, m.new
        pending, pending_rows = self.pending, self.pending_rows
        matching = household_id is not None or bool(self.ids_in_db)  # else every member is new
        planned: list[PlannedMember] = []
        for index, i in enumerate(rows):
            if i in before:
                issues.extend(before[i])
            match = self._match(i, numbers[index], household_id, existing_members) if matching else None
            if match is None:
                if not has_rel:  # the first row heads the household (in the members' column: what it is made of)
                    m.rels[i] = reg.HEAD if index == 0 else reg.OTHER_RELATIVE
                member = PlannedMember(numbers[index], "create", new.input(i), index=i)
            else:
                data = m.update(self.member_input(match), i, has_rel=has_rel)
                member = PlannedMember(numbers[index], "update", data, match[self.member_index["id"]], before=match)
                self.updates += 1
            if i in after:
                issues.extend(after[i])
            planned.append(member)
            pending.append(member)
            pending_rows.append(i)
        return planned

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

    def _made_pending(self) -> list[PlannedMember]:
        """Every planned member (``pending``), the members of households planned a column at a time made."""
        pending = self.pending
        for start, household in self.unmade:
            members = household.members
            pending[start : start + len(members)] = members
        self.unmade = []
        return pending  # type: ignore[return-value]  # none left None

    def _validate_members(self) -> None:
        """Validate every planned member at once (the register's checks, :func:`register.validate_members`)."""
        m = self.m
        assert m is not None
        found: Mapping[int, Sequence[ValidationIssue]]
        columns = {key: self._pending_column(key) for key in m.values}
        count = len(self.pending)
        if any(column is None for column in columns.values()):  # members of the register among them
            pending = self._made_pending()
            rest: Sequence[int] = range(len(pending))
            if self.prechecked_spans:  # those planned a run at a time are checked already
                done = bytearray(len(pending))
                for start, end in self.prechecked_spans:
                    done[start:end] = b"\x01" * (end - start)
                rest = list(itertools.compress(rest, map(operator.not_, done)))
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
        given = list(filter(None, map(_ID_NUMBER, self._made_pending()) if numbers is None else numbers))
        if len(set(given)) < len(given):  # an ID number given twice in the file
            if numbers is None:
                given_at = [(m.data.id_number, m.row) for m in self._made_pending() if m.data.id_number]
            else:
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


def _first_person(household: PlannedHousehold) -> tuple[str, str | None]:
    """The name and ID number of a household's first member (from the file's columns when its members are not
    made)."""
    new = household.new_members
    if household.made_members is None and new is not None:
        i = household.member_rows[0]
        return new.value("full_name", i), new.value("id_number", i)
    data = household.members[0].data
    return data.full_name, data.id_number


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
    # (a new household's members are all new)
    members = [
        m
        for h in households
        if h.action == "update"
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
