"""Working an import out a column at a time (see :class:`_Planner`).

:class:`_Planner` runs the steps in order; each of its parts is one concern, a class it inherits:
``planner_state`` (what the planner keeps, how it names a problem), ``planner_reading`` (the sheets' rows
into clean columns), ``planner_heads`` (who each row is), ``planner_members`` (the members' values a column
at a time; ``planner_overlay`` holds them and puts them over the register's), ``planner_groups`` (rows into
households), ``planner_households`` (a household's own fields), ``planner_register`` (the register's rows:
loaded, matched, compared), ``planner_new`` and ``planner_matched`` (new and matched households a column
at a time), ``planner_single`` (one household at a time), ``planner_checks`` (the register's checks, validity).
It also gives, under its own name (imported ``X as X``), what ``lists`` and the tests take from its parts.
"""

from __future__ import annotations

from typing import Any

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.importing.headers import NOT_FIELDS
from giamngheo_desktop.importing.planner_checks import _Checks
from giamngheo_desktop.importing.planner_groups import _by_code as _by_code
from giamngheo_desktop.importing.planner_groups import _Groups
from giamngheo_desktop.importing.planner_heads import _Heads
from giamngheo_desktop.importing.planner_households import CREATE_VILLAGES_LABEL as CREATE_VILLAGES_LABEL
from giamngheo_desktop.importing.planner_matched import _MatchedHouseholds
from giamngheo_desktop.importing.planner_members import _Members
from giamngheo_desktop.importing.planner_members import _plain_ids as _plain_ids
from giamngheo_desktop.importing.planner_new import _NewHouseholds
from giamngheo_desktop.importing.planner_overlay import _MEMBER_INPUT_FIELDS as _MEMBER_INPUT_FIELDS
from giamngheo_desktop.importing.planner_overlay import _MemberColumns as _MemberColumns
from giamngheo_desktop.importing.planner_reading import _Reading
from giamngheo_desktop.importing.planner_register import _differ as _differ
from giamngheo_desktop.importing.planner_register import _mark_unchanged as _mark_unchanged
from giamngheo_desktop.importing.planner_single import _OneHousehold
from giamngheo_desktop.importing.planner_state import _NO_DATE as _NO_DATE
from giamngheo_desktop.importing.planner_state import _filled as _filled
from giamngheo_desktop.importing.planner_state import _texts as _texts
from giamngheo_desktop.importing.planner_state import _texts_or_none as _texts_or_none
from giamngheo_desktop.importing.preview import Cancelled, ImportPreview, PlannedHousehold, Progress
from giamngheo_desktop.importing.reader import ImportCancelled
from giamngheo_desktop.importing.values import (
    LEGACY_FONT_HELP,
    LEGACY_FONT_REASON,
    drop_bullets,
    drop_titles,
    join_given,
    legacy_font,
)
from giamngheo_desktop.services import register as reg

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


_MATCH_BATCH = 2000  # households planned together (their register rows loaded at once, then let go)


class _Planner(_Reading, _Heads, _Groups, _Members, _NewHouseholds, _MatchedHouseholds, _OneHousehold, _Checks):
    """Works out an import a column at a time.

    A list has as many rows as people (200,000 in a big commune): each mapped column is read
    and cleaned once, each distinct text is read once, and the members' values and problems
    are found a column at a time (:meth:`_member_columns`). The rows are then grouped into
    households and each household is planned from those columns. Problems are listed in the
    order a row-by-row reading would find them: by row, and within a row, the household's, then
    the member's, then the register's checks (:meth:`_validate_members`).
    """

    def run(self, *, progress: Progress | None, cancelled: Cancelled | None) -> ImportPreview:
        rows, columns, skipped = self._gather(cancelled)
        numbers = self.numbers
        total = len(numbers)
        self._class_marks(columns, total)
        for given in ("village", "poverty_class", "household_no"):  # given by group rows, the sheet's name or title
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
            if not any("chỉ nhập chủ hộ" in note for note in self.notes):
                self.notes.append(
                    f"Tệp chỉ có cột “{self.col('head_name')}”, không có họ tên các thành viên: mỗi hộ được ghi với "
                    "một người là chủ hộ; các thành viên khác cần thêm vào sổ sau (hoặc nhập danh sách có đủ thành "
                    "viên)."
                )
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
        if has_full:  # "Ông Phạm Văn Long", "Bà Lò Thị Xuân" on the heads' rows: the names without the title
            names = self._name_titles(names)
        for i in legacy_font(names):
            self.issue(numbers[i], "full_name" if has_full else "head_name", names[i], LEGACY_FONT_REASON)
            self.legacy_font = True
        if self.titles:  # households opened by a title row naming the head ("Hộ ông Phạm Văn Long")
            self._title_heads(columns, names, total)
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
        repeated: list[Any] = []  # household codes written again further down the list
        by_code = (
            _by_code(code_texts, code_keys, rel_codes, repeated)
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
        else:
            groups = self._group_rows(
                rows,
                plain,
                content,
                skipped,
                names,
                bulleted,
                rel_codes,
                code_texts,
                code_keys,
                number_cells,
                head_cells,
                village_cells,
                has_code=has_code,
                has_rel=has_rel,
                has_full=has_full,
                progress=progress,
                cancelled=cancelled,
                repeated=repeated,
            )
        if repeated:
            self._one_village(groups, repeated, village_cells, code_texts)
        if has_code and self.live_codes:  # "1" in the file, "001" in the register: Excel dropped the zeros
            self._codes_lost_zeros(groups, code_texts)
        households: list[PlannedHousehold] = []
        count = len(groups)
        # A batch of households at a time: the register's rows the batch matches are loaded, the
        # batch planned, its updates compared with those rows (_mark_unchanged) and the rows let go.
        # A list imported again matches every household: loading them all at once held 250,000 rows.
        items = list(groups.items())
        chunks = [items[start : start + _MATCH_BATCH] for start in range(0, count, _MATCH_BATCH)]
        wanted = list(map(self._candidates, chunks))
        # the next batch's members are read (in a helper thread) while a batch is planned
        self.ahead = reg.members_ahead(self.db, list(map(sorted, wanted))) if any(wanted) else None
        try:
            for at, (chunk, candidates) in enumerate(zip(chunks, wanted, strict=True)):
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(80 + at * _MATCH_BATCH * 20 // max(count, 1), 100)
                self._load_existing(candidates)
                batch = self._plan_batch(chunk, has_rel=has_rel)
                _mark_unchanged(batch, self.memo, self.member_index, self.household_index)
                households += batch
        finally:
            if self.ahead is not None:
                self.ahead.close()
                self.ahead = None
        self._copied_households(households)
        if self.live_codes:  # a list without codes imported again: its households would be written twice
            self._created_again(households)
        # what matching needed goes before validating: a list imported again matched every household
        self.existing, self.existing_members, self.ids_in_db, self.live_codes = {}, {}, {}, {}
        self.member_table = reg.MemberTable()
        self.read_aside = None  # (what was read aside and not asked for)
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
            sheet=", ".join(dict.fromkeys(p.table.sheet for p in self.parts)),
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
