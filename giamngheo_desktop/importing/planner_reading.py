"""The sheets' data rows read into clean columns, one per field (see :meth:`_Reading._read_columns`)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any
from unicodedata import normalize

from giamngheo_desktop.importing.headers import NOT_FIELDS, synonyms_file
from giamngheo_desktop.importing.planner_state import _filled, _PlannerState
from giamngheo_desktop.importing.preview import ROW_BITS, Cancelled
from giamngheo_desktop.importing.reader import MAX_CELL_CHARS, ImportCancelled
from giamngheo_desktop.importing.values import (
    _BAD_CHARS,
    _HOSTILE,
    _TEXT_FIELDS,
    EXCEL_ERRORS,
    _screened,
    _text,
    already_screened,
    class_named,
    drop_blanks,
    fill_ditto,
    screened_texts,
    village_norm,
)
from giamngheo_desktop.text import fold_key

_SAMPLE = 2000  # the first cells of a column: mostly different ones (ID numbers) are cleaned one by one
_FEW = 100  # at most this many different words in the first cells: the column is likely to hold no other


def _clean_table(distinct: dict[Any, Any]) -> tuple[dict[Any, str | None], bool]:
    """Each distinct text cell → its clean text (one object for all its cells: the later passes over the column
    meet a few objects, not 200,000), None for ''; and whether some are over-long or a formula (``_HOSTILE``)."""
    texts = [v for v in distinct if type(v) is str and v]
    clean: dict[Any, str | None]
    if already_screened(texts):  # clean (the usual): as it is
        clean = dict(zip(texts, texts, strict=True))
        bad = False
    else:
        clean = {v: _screened(v) or None for v in texts}
        bad = _HOSTILE in clean.values()
    if "" in distinct:
        clean[""] = None
    return clean, bad


class _Reading(_PlannerState):
    """Every sheet's data rows, a column per field: cells cleaned once each, rows refused at the door,
    the village and class a group row, the sheet or ticks give."""

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
        width = min(map(len, rows)) if rows and len(wanted) > 1 else 0  # every row holds the first ``width`` cells
        if width > max(wanted, default=width) and width <= 2 * len(wanted):  # transposed in C, a few unread too
            whole = list(zip(*rows, strict=False))  # (a longer row's cells past ``width``: not read)
            cells: list[Any] = [whole[col] for col in wanted]
        elif width > max(wanted, default=width):  # transposed in C, the columns read only
            cells = list(zip(*map(itemgetter(*wanted), rows), strict=True))
        else:
            cells = [[r[col] if col < len(r) else None for r in rows] for col in wanted]
        for raw, (_col, key) in zip(cells, fields, strict=True):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            sample = raw[:_SAMPLE]
            first = dict.fromkeys(sample)  # the first rows' distinct cells, in order
            values: list[Any] | None = None
            bad = False
            distinct: Any = raw  # what fill_ditto and drop_blanks look through
            if len(first) > len(sample) // 2:  # mostly different (ID numbers): each cleaned, no table
                kinds = set(map(type, raw))
                if any(t is not str and issubclass(t, str) for t in kinds):  # a subclass of str: as text
                    raw = distinct = [str.__str__(v) if isinstance(v, str) else v for v in raw]
                    kinds = set(map(type, raw))
                if kinds == {str}:  # all clean text (the usual): as it is
                    values = screened_texts(raw)
                if values is None:
                    values = [(_screened(v) or None) if type(v) is str else v for v in raw]
                    bad = _HOSTILE in values
            else:  # the same few words down the list: each cleaned once, each cell made the one text of its kind
                if len(first) <= _FEW and set(map(type, first)) == {str}:
                    # the first rows hold every word of the column (the usual): mapped in one pass
                    clean, bad = _clean_table(first)
                    try:
                        values = list(map(clean.__getitem__, raw))
                        distinct = first
                    except KeyError:  # a word further down: the whole column's table
                        pass
                if values is None:
                    # the types of its distinct cells: a cell of a subclass of str equal to an earlier text is hidden
                    # behind that text, and is given that text's clean text
                    distinct = dict.fromkeys(raw)
                    if any(t is not str and issubclass(t, str) for t in set(map(type, distinct))):  # as text
                        raw = [str.__str__(v) if isinstance(v, str) else v for v in raw]
                        distinct = dict.fromkeys(raw)
                    clean, bad = _clean_table(distinct)
                    values = list(map(clean.get, raw, raw))  # any cell but text as it is
            if bad:
                hostile.update(i for i, v in enumerate(values) if v is _HOSTILE)
            values = fill_ditto(key, values, distinct)  # "nt", "\"": as the row above
            values = drop_blanks(key, values, distinct)  # "-", "…" alone: nothing written
            earlier = columns.get(key)
            if earlier is not None:  # two columns for one field: a later non-empty cell wins, as in cells()
                values = [v if v is not None else e for v, e in zip(values, earlier, strict=True)]
            columns[key] = values
        return columns, hostile

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
            if part.titled or part.title_conflicts or part.title_counts:  # rows against their household's title
                self._against_titles(part, index, columns, (position << ROW_BITS), numbers[base : base + len(index)])
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
            if part.starts and "household_no" not in columns:  # household title rows: a household under each
                starts = part.starts
                columns["household_no"] = [str(table.row_numbers[starts[i][0]]) if i in starts else None for i in index]
                for pos, i in enumerate(index):
                    if i in starts:
                        title, head = starts[i]
                        self.titles[base + pos] = ((position << ROW_BITS) | table.row_numbers[title], head)
            for i in part.empty_titles:
                self.issue(
                    (position << ROW_BITS) | table.row_numbers[i],
                    "full_name",
                    next((c for c in table.rows[i] if type(c) is str), ""),
                    "dòng tiêu đề hộ mà bên dưới không có dòng nào của hộ này: hãy thêm các dòng của hộ (ít nhất dòng "
                    "của chủ hộ) hoặc xóa dòng tiêu đề",
                )
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

    def _against_titles(
        self, part: Any, index: list[int], columns: dict[str, list[Any]], key_base: int, keys: list[int]
    ) -> None:
        """A row whose own village or class is not the one its household's title row names: refused at the row (a
        household lives in one village and has one class; which of the two is right the file does not say)."""
        for title, key, written, above in part.title_conflicts:  # the title against a group row above it
            self.issue(
                key_base | part.table.row_numbers[title],
                key,
                written,
                f"dòng tiêu đề hộ ghi {written} mà dòng nhóm phía trên ghi {above}: hãy sửa cho khớp",
            )
        for title, said, found in part.title_counts:
            self.issue(
                key_base | part.table.row_numbers[title],
                "full_name",
                f"{said} khẩu",
                f"dòng tiêu đề hộ ghi {said} khẩu mà bên dưới có {found} người: hãy xem lại hộ này (thiếu hay thừa "
                "dòng)",
                "warning",
            )
        own_villages, own_classes = columns.get("village"), columns.get("poverty_class")
        for pos, i in enumerate(index):
            said = part.titled.get(i)
            if said is None:
                continue
            title, village, klass = said
            where = f"dòng tiêu đề hộ ({self.where(key_base | part.table.row_numbers[title])})"
            own = own_villages[pos] if own_villages is not None else None
            if own is not None and village and village_norm(_text(own)) != village_norm(village):
                self.issue(keys[pos], "village", own, f"{where} ghi {village} mà dòng này ghi {_text(own)}")
            own = own_classes[pos] if own_classes is not None else None
            if own is not None and klass and (found := class_named(_text(own))) is not None and found != klass:
                words = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}
                self.issue(
                    keys[pos],
                    "poverty_class",
                    own,
                    f"{where} ghi {words.get(klass, klass)} mà dòng này ghi {_text(own)}",
                )

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
