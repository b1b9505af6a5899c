"""Every row's member values and the planner's problems with them, a column at a time."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from giamngheo_desktop.importing.planner_overlay import _MemberColumns
from giamngheo_desktop.importing.planner_state import _NO_DATE, _filled, _PlannerState, _texts, _texts_or_none
from giamngheo_desktop.importing.preview import NewMembers, RowIssue
from giamngheo_desktop.importing.values import (
    ID_DIGITS_LOST,
    _text,
    day_first,
    life_notes,
    month_first,
    parse_date,
    parse_end_date,
    parse_id,
)
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.text import fold_key

_TEXT_OR_EMPTY = frozenset((str, type(None)))
_EMPTY_FOR_NONE: dict[Any, Any] = {None: ""}  # .get(cell, cell): '' for an empty cell, any other as it is
_NONE_FOR_EMPTY: dict[Any, Any] = {"": None}  # .get(text, text): None for '', any other as it is


def _only_text(cells: Iterable[Any]) -> bool:
    """Whether every cell is text or empty (None): then a column is mapped in C (a table of its distinct texts)."""
    return set(map(type, cells)) <= _TEXT_OR_EMPTY


def _plain_ids(cells: list[Any]) -> bool:
    """Whether every ID number cell is text of ASCII digits, none of 8, 10 or 11 (what :func:`parse_id` takes as
    it is, without a note): one scan of the joined texts instead of a call per cell."""
    if not _only_text(cells):
        return False
    texts = list(filter(None, cells))
    count = len(texts)
    joined = "|".join(texts)
    if len(joined) == 13 * count - 1 and joined.count("|") == count - 1 and joined[12::13] == "|" * (count - 1):
        digits = joined.replace("|", "")  # each 12 characters long (the usual): no length to look at
        return digits.isascii() and digits.isdigit()
    joined = "".join(texts)
    return joined.isascii() and joined.isdigit() and not {8, 10, 11} & set(map(len, texts))


class _Members(_PlannerState):
    """The members' values of every data row, a column at a time (:meth:`_member_columns`)."""

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
        plain_ids = id_cells is not empty and _plain_ids(id_cells)
        if plain_ids:  # the usual: each as it is, without a note
            ids = list(map(_EMPTY_FOR_NONE.get, id_cells, id_cells))
        for i in _filled(id_cells) if not plain_ids else ():
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
            # a checkbox's FALSE, a 0 or "Không" is no tick (Excel's TRUE/FALSE, LibreOffice's 1/0)
            unticked, flags = self._ticks(marked, filled)
            if unticked:
                filled = [i for i in filled if i not in unticked]
            ticked = [
                i
                for i in filled
                if mark_key.startswith("sex_") or flags or (type(marked[i]) is str and fold_key(marked[i]) in marks)
            ]
            if ticked and len(ticked) == len(filled):
                ticks_only.append((mark_key, sex))
            if (ticked or unticked) and mark_key.startswith("birth_"):
                marked = cols[mark_key] = list(marked)
                for i in unticked:
                    marked[i] = None
            elif unticked:
                cols[mark_key] = [None if i in unticked else v for i, v in enumerate(marked)]
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
            if problems.count(None) != total:
                for i, problem in enumerate(problems):
                    if problem:
                        bad_birth.add(i)
                        add(before, i, source, column[i], problem, "error")
                    elif problem is not None:  # read, and said (a two-digit year)
                        add(before, i, source, column[i], problem, "warning")
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
                elif problem is not None:  # read, and said (a two-digit year)
                    add(before, i, source, value, problem, "warning")
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
            if sexes.count(None) == total:  # no sex from a tick or a birth column: each cell's own
                sex_of: dict[str | None, str | None] = {None: None}
                sex_of.update(found_sex)
                sexes = list(map(sex_of.get, sex_cells))
            else:
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
        rel_cells = cols.get("relationship")
        rels: list[str | None] = (
            list(rel_codes)  # a code only where there is text
            if rel_cells is None or _only_text(rel_cells)
            else [code if text else None for code, text in zip(rel_codes, rel_texts, strict=True)]
        )
        unsexed: set[int] = set()  # "Vợ/chồng" on a row that gives no sex
        for i, (man, woman) in self.vocab.relation_pairs(rel_texts).items():
            rels[i] = man if sexes[i] == "M" else woman if sexes[i] == "F" else None
            if rels[i] is None:
                unsexed.add(i)
        missing_rel = [i for i, r in enumerate(rels) if r is None] if has_rel and None in rels else []
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
                iso, _y, problem = parse_end_date(end_cells[i])  # "31/12/27": 2027, not a birth's 1927
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
            ([skip_eth if v is not None else () for v in eth_cells] if None in eth_cells else [skip_eth] * total)
            if eth_cells
            else [()] * total
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
            "birth_year": (
                [None if iso else year for iso, year in zip(birth_iso, birth_year, strict=True)]
                if None in birth_iso or "" in birth_iso
                else [None] * total  # every date whole: no year of its own
            ),
            "sex": sexes,
            "id_number": list(map(_NONE_FOR_EMPTY.get, ids, ids)),
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

    def _ticks(self, marked: list[Any], filled: list[int]) -> tuple[set[int], bool]:
        """(the rows of ``filled`` left unticked: FALSE, 0 or a 'no' word ("Không"), whether the column holds
        nothing but ticks and such cells (TRUE, x, 1…: not years))."""
        values: set[tuple[type, Any]] = set()
        for i in filled:
            values.add((type(marked[i]), marked[i]))
            if len(values) > 8:  # years, not ticks
                return set(), False
        no, marks = self.vocab.yes_no, self.vocab.marks
        off = {v for t, v in values if v is False or (t is not bool and no.get(fold_key(_text(v))) is False)}
        flags = all(v is True or v in off or (t is not bool and fold_key(_text(v)) in marks) for t, v in values)
        if not off:
            return set(), flags
        return {i for i in filled if marked[i] is not True and marked[i] in off}, flags
