"""Column headers of the lists communes keep, and finding the header row below title rows.

Synonyms are data: ``resources/templates/header-synonyms.json``. Matching ignores case,
diacritics, spaces and punctuation (:func:`giamngheo_desktop.text.fold_key`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.text import fold_key


@functools.lru_cache(maxsize=1)
def synonyms_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("templates", "header-synonyms.json").read_text(encoding="utf-8"))
    return data


@functools.lru_cache(maxsize=1)
def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for item in synonyms_file()["fields"]:
        for name in item["synonyms"]:
            index.setdefault(fold_key(name), item["key"])
    return index


def field_levels() -> dict[str, str]:
    return {item["key"]: item["level"] for item in synonyms_file()["fields"]}


def field_labels() -> dict[str, str]:
    """The Vietnamese name of each field (the template header, else the first synonym)."""
    return {item["key"]: item["template"] or item["synonyms"][0] for item in synonyms_file()["fields"]}


TEMPLATE_COLUMNS: list[str] = [item["template"] for item in synonyms_file()["fields"] if item["template"]]


def match_header(text: Any) -> str | None:
    """The field key a header cell stands for, or None."""
    if text is None:
        return None
    key = fold_key(str(text))
    if not key:
        return None
    index = _header_index()
    if key in index:
        return index[key]
    # headers often carry a note: "Họ và tên (ghi đầy đủ)", "Số CCCD (12 số)"
    stripped = fold_key(re.sub(r"\(.*?\)", "", str(text)))
    return index.get(stripped)


@dataclass
class HeaderMatch:
    row: int  # 0-based index of the header row
    data_start: int  # 0-based index of the first data row
    columns: dict[int, str]  # column index → field key
    texts: dict[str, str]  # field key → header text as written

    def column_of(self, key: str) -> int | None:
        for col, k in self.columns.items():
            if k == key:
                return col
        return None


_NUMBER_ROW = re.compile(r"^\(?\d{1,2}\)?$")


def find_header(rows: list[list[Any]], *, scan: int = 30) -> HeaderMatch | None:
    """The row (among the first ``scan``) that matches most known headers and names a person."""
    best: tuple[int, int, dict[int, str]] | None = None
    for index, row in enumerate(rows[:scan]):
        columns: dict[int, str] = {}
        seen: set[str] = set()
        for col, cell in enumerate(row):
            key = match_header(cell)
            if key and key not in seen and key not in ("birth_male", "birth_female"):
                columns[col] = key
                seen.add(key)
        if not ({"full_name", "head_name"} & seen) or len(seen) < 2:
            continue
        if best is None or len(seen) > best[1]:
            best = (index, len(seen), columns)
    if best is None:
        return None
    index, _count, columns = best
    data_start = index + 1
    texts = {key: str(rows[index][col]).strip() for col, key in columns.items()}
    # a second header row: "Ngày sinh" split into "Nam" / "Nữ" columns
    if data_start < len(rows):
        sub = rows[data_start]
        sub_keys = {col: fold_key(str(cell)) for col, cell in enumerate(sub) if cell not in (None, "")}
        if "nam" in sub_keys.values() and "nu" in sub_keys.values():
            for col, key in sub_keys.items():
                if key in ("nam", "nu"):
                    if columns.get(col) == "birth_date":
                        texts.pop("birth_date", None)
                    field = "birth_male" if key == "nam" else "birth_female"
                    columns[col] = field
                    texts[field] = "Năm sinh (Nam)" if key == "nam" else "Năm sinh (Nữ)"
                elif col not in columns:
                    sub_field = match_header(sub[col])
                    if sub_field and sub_field not in columns.values():
                        columns[col] = sub_field
                        texts[sub_field] = str(sub[col]).strip()
            data_start += 1
    # a row of column numbers "(1) (2) (3)" under the header
    if data_start < len(rows):
        cells = [str(c).strip() for c in rows[data_start] if c not in (None, "")]
        if cells and all(_NUMBER_ROW.match(c) or c.replace(".0", "").isdigit() for c in cells) and len(cells) >= 3:
            data_start += 1
    return HeaderMatch(row=index, data_start=data_start, columns=columns, texts=texts)
