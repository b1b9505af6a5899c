"""Importing the household lists communes keep in Excel/CSV: preview, then commit all or nothing.

The lists have one row per member; the household code is on every row or only on the
head's row; the class is on the head's row; title rows sit above the header. The
preview (:func:`plan_import`) says what will be created and updated (households matched by
household code or a member's ID number — never duplicated) and lists every problem by
row, column, value and reason. :func:`commit_import` writes everything in one transaction,
or refuses when there is any error unless ``valid_only`` (then the invalid rows — and the
whole household when its head row or household data is invalid — are skipped and listed).

This module reads the file and gathers the import's parts (callers use ``lists.X``):

- ``preview``: what an import would do and did (planned households, problems, sheets, columns)
- ``values``: reading cells (text, dates, ID numbers) and the words people write (Vocab)
- ``mapping``: the commune's villages as files name them; the officer's column mapping, remembered
- ``planner``: working an import out a column at a time
- ``memory``: keeping the garbage collector off hundreds of thousands of planned objects
- ``commit``: writing a preview in one transaction
"""

# ruff: noqa: F401  (a facade: it re-exports its parts and what callers used through it)

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import gc
import itertools
import json
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any
from unicodedata import normalize

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import BadFile, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.idnumber import normalize_id
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.importing import hidden, layout, legacy
from giamngheo_desktop.importing.commit import (
    _CHUNK,
    BULK_AUDIT_FROM,
    _audit_mode,
    _commit,
    _commit_preview,
    _last_orders,
    _search_text,
    commit_import,
)
from giamngheo_desktop.importing.headers import (
    NOT_FIELDS,
    HeaderMatch,
    field_labels,
    find_header,
    layout_key,
    synonyms_file,
)
from giamngheo_desktop.importing.mapping import (
    _CLASS_NAMES,
    _MAPPING_KEY,
    _file_columns,
    _village_names,
    _Villages,
    _why_not_read,
    remember_mapping,
    remembered_mapping,
)
from giamngheo_desktop.importing.memory import (
    _keep_out_of_scans,
    release_preview,
)
from giamngheo_desktop.importing.planner import (
    _HOUSEHOLD_KEYS,
    _NO_DATE,
    CREATE_VILLAGES_LABEL,
    _differ,
    _filled,
    _mark_unchanged,
    _MemberColumns,
    _Planner,
    _texts,
    _texts_or_none,
)
from giamngheo_desktop.importing.preview import (
    _ROW_MASK,
    ROW_BITS,
    Cancelled,
    FileColumn,
    ImportPreview,
    ImportResult,
    IssueGroup,
    PlannedHousehold,
    PlannedMember,
    Progress,
    RowIssue,
    SheetSummary,
    column_letter,
    sheet_row,
)
from giamngheo_desktop.importing.reader import (
    ENCODING_NAMES,
    MAX_CELL_CHARS,
    ImportCancelled,
    RawTable,
    put_errors,
    read_table,
    read_tables,
)
from giamngheo_desktop.importing.values import (
    _BAD_CHARS,
    _DMY,
    _EXCEL_EPOCH,
    _HOSTILE,
    _KEY_TO_FIELD,
    _MY,
    _SUMMARY,
    _TEXT_FIELDS,
    _VILLAGE_PREFIX,
    _YMD,
    LEGACY_FONT_CHARS,
    LEGACY_FONT_HELP,
    Vocab,
    _lookup_names,
    _parse_text_date,
    _read_id,
    _screened,
    _text,
    cell_text,
    ditto_fields,
    parse_date,
    parse_id,
    village_key,
)
from giamngheo_desktop.memory import gc_paused
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage import bulk
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, fold_key, nfc


def plan_import(
    db: Database,
    path: Path | str,
    *,
    create_villages: bool = False,
    mapping: dict[str, str] | None = None,
    sheets: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportPreview:
    """Read ``path`` and work out what importing it would do; writes nothing.

    ``mapping``: header text → field key ('' = not used), the officer's choice for columns the
    header detection got wrong or missed (without it, the mapping last confirmed for the same
    layout is used); ``sheets``: read only these sheets (default: every sheet with a header).
    """
    db.require(Permission.EDIT_REGISTER)
    path = Path(path)

    def read_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(done * 60 // max(total, 1), 100)

    # Hundreds of thousands of row lists, then of planned members: no collections while they
    # pile up (each would scan every one of them), nor between reading and planning.
    with gc_paused():
        # the rows hidden in Excel, read from the sheets' XML while calamine reads the cells
        hidden_scan = hidden.start(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None
        aside = reg.read_aside(db)  # the register's rows a list imported again asks for, read meanwhile
        try:
            tables = read_tables(path, sheets=sheets, progress=read_progress, cancelled=cancelled)
        finally:
            if aside is not None:
                aside.stop()
        found_hidden = hidden_scan.result() if hidden_scan is not None else hidden.Hidden()
        if tables[0].kind == "xls":
            found_hidden = hidden.xls_hidden(path)
        hidden_rows, hidden_cols = found_hidden.rows, found_hidden.columns
        if tables[0].kind == "ods":
            hidden_cols = hidden.ods_hidden_columns(path)
            found_hidden.date1904 = hidden.ods_date1904(path)
        for table in tables:
            if table.sheet in found_hidden.errors:
                put_errors(table, found_hidden.errors[table.sheet])
        encoding = tables[0].encoding
        converted = {table.sheet: found for table in tables if (found := legacy.convert_table(table)) is not None}
        villages = _village_names(db)
        chosen = dict(mapping) if mapping is not None else None
        if chosen is None:
            chosen = remembered_mapping(db, tables)
        parts: list[layout.SheetPart] = []
        summaries: list[SheetSummary] = []
        file_columns: list[FileColumn] = []
        layouts: list[str] = []
        left_out: list[str] = []  # notes of the hidden sheets not read
        # a hidden sheet is left out when a sheet shown has a list (else it may hold the only one)
        shown = any(t.hidden for t in tables) and any(
            not t.hidden and find_header(t.rows, merged=t.merged, mapping=chosen or None) for t in tables
        )
        for table in tables:
            if table.hidden and not sheets and shown:
                summaries.append(SheetSummary(table.sheet, False, hidden.HIDDEN_SHEET))
                left_out.append(f"Trang “{table.sheet}” {hidden.HIDDEN_SHEET_NOTE}.")
                continue
            hidden_here = frozenset(c - table.col_offset for c in hidden_cols.get(table.sheet, ()))
            header = find_header(table.rows, merged=table.merged, mapping=chosen or None, hidden=hidden_here)
            if header is None:
                summaries.append(SheetSummary(table.sheet, False, _why_not_read(table)))
                continue
            top = 0

            def header_at(
                index: int, table: RawTable = table, hidden_here: frozenset[int] = hidden_here
            ) -> HeaderMatch | None:
                return _header_at(table, index, chosen or None, hidden_here)

            while header is not None:  # a sheet may hold a second table with its own header further down
                side = layout.drop_side_table(table, header) if not chosen else None
                by_values = layout.class_by_values(table, header) if not chosen else None
                part = layout.cut(table, header, villages.of, villages.mentioned, top=top, header_at=header_at)
                if by_values is not None:
                    part.notes.append(
                        f"Trang “{table.sheet}”: cột “{by_values}” chỉ ghi loại hộ (hộ nghèo, cận nghèo…): đã đọc là "
                        "cột “Phân loại hộ”."
                    )
                if side is not None:
                    part.notes.append(side)
                if found_hidden.date1904:  # Excel for Mac's dates: its serial numbers too
                    layout.serials_1904(part)
                layout.drop_examples(part)
                layout.fill_merged(part, ditto_fields())
                layout.join_birth_parts(part)
                parts.append(part)
                layouts.append(layout_key(header.labels))
                told = []
                if part.village:
                    told.append(
                        f"thôn {part.village}"
                        if not fold(part.village).startswith(("thon", "to", "xom"))
                        else part.village
                    )
                if part.klass:
                    told.append(_CLASS_NAMES.get(part.klass, part.klass))
                if top:  # a second table of the sheet: its rows and the columns of its own the sheet's
                    part.notes.append(
                        f"Trang “{table.sheet}”: từ dòng {table.row_numbers[header.row]} là một bảng khác có dòng tiêu "
                        "đề cột riêng (các cột xếp khác bảng trên): các dòng của nó được đọc theo tiêu đề đó."
                    )
                    summaries[-1].rows += part.end - part.start - len(part.skipped)
                    listed = {c.label for c in file_columns if c.sheet == table.sheet}
                    file_columns.extend(c for c in _file_columns(part) if c.label not in listed)
                else:
                    summaries.append(
                        SheetSummary(
                            table.sheet,
                            True,
                            ("các dòng thuộc " + ", ".join(told)) if told else "",
                            rows=part.end - part.start - len(part.skipped),
                            header_row=table.row_numbers[header.row],
                        )
                    )
                    file_columns.extend(_file_columns(part))
                if table.sheet in converted:
                    part.notes.insert(0, _converted_note(table, header.labels, converted[table.sheet]))
                part.notes.extend(
                    _duplicate_note(table, header, *twice, hidden_here)
                    for twice in header.duplicates
                    if not _one_merged_cell(table, header, twice[1], twice[2])
                )
                if hidden_read := [
                    f"{column_letter(c + table.col_offset)} “{header.labels[c]}”"
                    for c in sorted(hidden_here & header.columns.keys())
                    if header.columns[c] not in NOT_FIELDS
                ]:
                    part.notes.append(hidden.hidden_columns_note(table.sheet, hidden_read))
                if table.sheet in hidden_rows:
                    kept = {table.row_numbers[i] for i in range(part.start, part.end) if i not in part.skipped}
                    inside = [r for r in hidden_rows[table.sheet] if r in kept]
                    if inside:
                        part.notes.append(hidden.hidden_note(table.sheet, inside))
                header, top = part.next_header, part.next_top
        if not parts:
            names = ", ".join(f"“{t.sheet}”" for t in tables)
            old_font = [
                str(c)
                for t in tables
                for r in t.rows[:30]
                for c in r
                if isinstance(c, str) and LEGACY_FONT_CHARS.search(c)
            ]
            if len(old_font) >= 2:
                raise BadFile(
                    f"Không đọc được tệp “{path.name}” (trang {names}): {LEGACY_FONT_HELP}. "
                    f"Ví dụ ô “{old_font[0][:40]}”.",
                    code="legacy_font",
                )
            raise BadFile(
                f"Không tìm thấy dòng tiêu đề cột trong tệp “{path.name}” (trang {names}): cần ít nhất cột "
                "“Họ và tên” (hoặc “Họ và tên chủ hộ”) và một cột khác như “Mã hộ”, “Thôn”, “Quan hệ với chủ hộ”. "
                "Hãy dùng tệp mẫu (Tải mẫu).",
                code="no_header",
            )
        parts, copies = layout.drop_copies(parts)
        left_out += copies
        if not chosen:  # "Mã hộ" 01, 02… again in each village: the household's number in its village
            for sheet, col in layout.numbers_not_codes(parts) + layout.numbered_heads(parts):
                for column in file_columns:
                    if column.sheet == sheet and column.index == col:
                        column.field = "household_no"
        for summary in summaries:
            if summary.read and summary.name not in {p.table.sheet for p in parts}:
                summary.read, summary.reason, summary.rows = False, "chép lại các trang khác", 0
        planner = _Planner(db, parts, create_villages=create_villages, aside=aside)
        del aside  # (what it read goes once the planner has used it)
        preview = planner.run(progress=progress, cancelled=cancelled)
        del planner, tables, parts  # the file's rows go now
        _keep_out_of_scans()
    preview.path = str(path)
    preview.notes[:0] = left_out
    preview.sheets = summaries
    preview.file_columns = file_columns
    preview.mapping = dict(chosen or {})
    preview.layout = layouts[0] if layouts else ""
    preview.encoding = ENCODING_NAMES.get(encoding, encoding)
    return preview


def _header_at(
    table: RawTable, index: int, mapping: dict[str, str] | None, hidden_columns: frozenset[int]
) -> HeaderMatch | None:
    """A header of a list starting at row ``index`` of the table (a second table further down a sheet), in the
    table's row indexes; None when none starts there."""
    merged = [(r0 - index, c0, r1 - index, c1) for r0, c0, r1, c1 in table.merged if r0 >= index]
    found = find_header(table.rows[index : index + 8], scan=1, merged=merged, mapping=mapping, hidden=hidden_columns)
    if found is None:
        return None
    found.row += index
    found.data_start += index
    return found


def _converted_note(table: RawTable, labels: dict[int, str], found: legacy.Conversion) -> str:
    columns = ", ".join(
        f"{column_letter(c + table.col_offset)}" + (f" “{labels[c]}”" if c in labels else "")
        for c in sorted(found.columns)
    )
    return (
        f"Trang “{table.sheet}” gõ bằng bảng mã cũ {found.name}: đã chuyển {found.cells} ô sang Unicode "
        f"(cột {columns}). Hãy xem lại họ tên, thôn trong thẻ “Hộ sẽ ghi” trước khi nhập."
    )


def _one_merged_cell(table: RawTable, header: HeaderMatch, kept: int, unused: int) -> bool:
    """Two columns under one header cell merged across them ("Họ và tên" over B:C, the names merged likewise):
    one column, not two for one field."""
    top, bottom = header.row, header.row + header.depth - 1
    low, high = min(kept, unused), max(kept, unused)
    return any(r0 <= bottom and r1 >= top and c0 <= low and c1 >= high for r0, c0, r1, c1 in table.merged)


def _duplicate_note(
    table: RawTable, header: HeaderMatch, key: str, kept: int, unused: int, hidden: frozenset[int] = frozenset()
) -> str:
    def column(col: int) -> str:
        shown = " (đang ẩn trong Excel)" if col in hidden else ""
        return f"cột {column_letter(col + table.col_offset)} “{header.labels.get(col, '')}”{shown}"

    return (
        f"Lưu ý — trang “{table.sheet}”: {column(kept)} và {column(unused)} cùng là “{field_labels().get(key, key)}”: "
        f"dùng {column(kept)}, {column(unused)} để “không dùng” (muốn dùng cột kia thì đổi ở thẻ “Cột trong tệp”, "
        "hoặc --map ở dòng lệnh)."
    )
