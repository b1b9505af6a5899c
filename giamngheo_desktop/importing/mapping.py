"""The file's columns and sheets as the preview lists them, the commune's villages as files name them,
and the officer's column mapping, remembered by the header texts.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field

from giamngheo_desktop import formats
from giamngheo_desktop.importing import layout
from giamngheo_desktop.importing.headers import (
    NOT_FIELDS,
    find_header,
    layout_key,
)
from giamngheo_desktop.importing.preview import FileColumn, ImportPreview, column_letter
from giamngheo_desktop.importing.reader import (
    RawTable,
)
from giamngheo_desktop.importing.values import (
    _VILLAGE_PREFIX,
    cell_text,
    numbered_village,
    numbered_villages,
    village_key,
    village_numbers,
)
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold

_CLASS_NAMES = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "newly_escaped": "hộ mới thoát nghèo",
    "average": "hộ có mức sống trung bình",
    "not_poor": "hộ không nghèo",
}


def _why_not_read(table: RawTable) -> str:
    texts = " ".join(fold(c) for r in table.rows[:12] for c in r if isinstance(c, str))
    if re.search(r"\b(tong hop|tong cong|bieu tong)\b", texts + " " + fold(table.sheet)):
        return "trang tổng hợp số liệu, không phải danh sách hộ"
    return "không có dòng tiêu đề cột của danh sách hộ (cần cột “Họ và tên”)"


def _file_columns(part: layout.SheetPart) -> list[FileColumn]:
    header = part.header
    rows = part.table.rows[part.start : min(part.end, part.start + 60)]
    result = []
    for col, label in sorted(header.labels.items()):
        samples: list[str] = []
        for row in rows:
            if col < len(row) and row[col] not in (None, ""):
                cell = row[col]  # a date cell as the officer reads it (dd/mm/yyyy)
                text = (formats.dmy(cell) if isinstance(cell, _dt.date) else cell_text(cell))[:40]
                if text and text not in samples:
                    samples.append(text)
            if len(samples) >= 3:
                break
        key = header.columns.get(col, "")
        result.append(
            FileColumn(
                sheet=part.table.sheet,
                index=col,
                letter=column_letter(col + part.table.col_offset),
                label=label,
                field="" if key in NOT_FIELDS else key,
                samples=samples,
            )
        )
    return result


@dataclass
class _Villages:
    """The commune's villages, found by what people write of them."""

    by_key: dict[str, str]  # village_key → name
    folded: list[tuple[str, str]]  # (folded name without its kind word, name), the longest first
    own_forms: frozenset[str] = frozenset()  # numbered_villages of the commune's villages
    own_numbers: dict[str, str] = field(default_factory=dict)  # village_numbers of them

    def of(self, text: str) -> str | None:
        if not text:
            return None
        found = self.by_key.get(village_key(text))
        if found is None:  # "Thôn II" for the commune's "Thôn 2"
            found = numbered_village(text, self.own_numbers, self.own_forms)
        return found

    def mentioned(self, text: str) -> str | None:
        """The village a title names ("DANH SÁCH HỘ NGHÈO THÔN ĐỒNG XUÂN")."""
        folded = " " + fold(text) + " "
        for bare, name in self.folded:
            if f" {fold(name)} " in folded or (
                len(bare) > 3 and re.search(rf"\b(thon|xom|to|ban|ap) {re.escape(bare)}\b", folded)
            ):
                return name
        return None


def _village_names(db: Database) -> _Villages:
    names = [r["name"] for r in db.rows("SELECT name FROM village WHERE deleted_at IS NULL ORDER BY sort_order")]
    return _Villages(
        by_key={village_key(n): n for n in names},
        folded=sorted(((_VILLAGE_PREFIX.sub("", fold(n)), n) for n in names), key=lambda x: -len(x[0])),
        own_forms=numbered_villages(names),
        own_numbers=village_numbers(names),
    )


_MAPPING_KEY = "import_mapping:"


def remembered_mapping(db: Database, tables: list[RawTable]) -> dict[str, str] | None:
    """The mapping confirmed last time for the layout of one of these sheets, if any: a stored
    mapping applies when the header it finds has the same texts as when it was confirmed."""
    stored = db.rows("SELECT key, value FROM app_setting WHERE key LIKE ? ORDER BY rowid DESC", (_MAPPING_KEY + "%",))
    for row in stored[:50]:
        try:
            found = json.loads(row["value"])
        except ValueError:
            continue
        if not isinstance(found, dict):
            continue
        mapping = {str(k): str(v) for k, v in found.items()}
        for table in tables:
            header = find_header(table.rows, merged=table.merged, mapping=mapping)
            if header is not None and _MAPPING_KEY + layout_key(header.labels) == row["key"]:
                return mapping
    return None


def remember_mapping(db: Database, preview: ImportPreview) -> None:
    """Keep the preview's mapping for its layout (inside the caller's transaction)."""
    if not preview.layout:
        return
    if preview.mapping:
        db.conn.execute(
            "INSERT INTO app_setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_MAPPING_KEY + preview.layout, json.dumps(preview.mapping, ensure_ascii=False)),
        )
