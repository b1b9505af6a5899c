"""Helpers for the corpus of broken and hostile files, generated into tmp folders (no committed binaries)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.importing.lists import ImportPreview, import_list, plan_import
from giamngheo_desktop.importing.reader import read_table
from giamngheo_desktop.storage.connection import Database

HEADER = ["Mã hộ", "Thôn/Tổ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số định danh cá nhân"]
GOOD_ROW = ["01-0001", "Thôn 1", "Nguyễn Văn Đức", "Chủ hộ", "12/03/1980", "Nam", ""]
WATCHED = ("household", "member", "village", "household_event", "audit_log", "code_list")


def table_counts(db: Database) -> dict[str, int]:
    return {t: int(db.scalar(f'SELECT count(*) FROM "{t}"')) for t in WATCHED}


def xlsx_bytes(rows: Sequence[Sequence[object]], *, sheet: str = "Danh sách") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], **kw: Any) -> Path:
    path.write_bytes(xlsx_bytes(rows, **kw))
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def raw_xlsx(path: Path, sheet_xml: str, *, sheet_name: str = "Sheet1", target: str = "worksheets/sheet1.xml") -> Path:
    """A minimal xlsx written part by part (for what openpyxl would refuse to write)."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="{target}"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, dimension: str = "A1:G2") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


Outcome = ImportPreview | DomainError


def check_safe(db: Database, path: Path, *, commit: bool = True) -> list[Outcome]:
    """Run the reader, the planner and the import on ``path``: each either raises a DomainError
    with a Vietnamese message or returns a preview; a file that fails writes nothing."""
    before = table_counts(db)
    outcomes: list[Outcome] = []
    steps: list[Callable[[], Any]] = [lambda: read_table(path), lambda: plan_import(db, path)]
    if commit:
        steps.append(lambda: import_list(db, path, valid_only=False))
    for step in steps:
        try:
            result = step()
        except DomainError as exc:
            assert str(exc).strip(), "an error without a message"
            assert any(ch in str(exc) for ch in "ăâđêôơưàáảãạệếềốồớờứừ"), f"not Vietnamese: {exc}"
            outcomes.append(exc)
            assert table_counts(db) == before, f"{path.name}: written although refused"
            continue
        if isinstance(result, tuple):
            result = result[0]
        outcomes.append(result)
    return outcomes
