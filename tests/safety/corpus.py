"""Helpers for the corpus of broken and hostile files, generated into tmp folders (no committed binaries)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from giamngheo_desktop.domain.errors import BadFile, DomainError, ValidationFailed
from giamngheo_desktop.importing.lists import ImportPreview, commit_import, plan_import
from giamngheo_desktop.importing.reader import RawTable, read_table
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


Outcome = RawTable | ImportPreview | DomainError


def check_safe(db: Database, path: Path, *, commit: bool = True) -> list[Outcome]:
    """Run the reader, the planner and the import on ``path`` as the officer would: each either
    refuses with a Vietnamese message (no traceback, nothing written) naming the file, or the row
    when a row is refused, or returns what it read; any other exception is a crash and fails the
    test. The officer's file is never changed."""
    before = table_counts(db)
    original = path.read_bytes() if path.is_file() else None
    outcomes: list[Outcome] = []
    steps: list[Callable[[], Any]] = [lambda: read_table(path), lambda: plan_import(db, path)]
    if commit:
        steps.append(lambda: commit_import(db, plan_import(db, path), valid_only=False))
    for step in steps:
        try:
            result = step()
        except DomainError as exc:
            message = str(exc)
            assert message.strip(), "an error without a message"
            assert any(ch in message for ch in "ăâđêôơưàáảãạệếềốồớờứừ"), f"not Vietnamese: {message}"
            assert "Traceback" not in message and 'File "' not in message, message
            if isinstance(exc, BadFile):
                assert path.name in message, f"the message does not name the file: {message}"
            if isinstance(exc, ValidationFailed):
                assert "Dòng " in message, f"the message does not name the row: {message}"
            outcomes.append(exc)
            assert table_counts(db) == before, f"{path.name}: written although refused"
            continue
        if isinstance(result, tuple):
            result = result[0]
        outcomes.append(result)
    assert (path.read_bytes() if path.is_file() else None) == original, f"{path.name} was changed"
    return outcomes


def answered(outcome: Outcome, path: Path) -> bool:
    """What the officer must get from a file: a refusal in Vietnamese naming it, the table read, or a
    preview whose every row issue says what is wrong."""
    if isinstance(outcome, DomainError):
        return path.name in str(outcome) and any(ch in str(outcome) for ch in "ăâđêôơưàáảãạệếềốồớờứừ")
    if isinstance(outcome, RawTable):
        return True
    return all(issue.text() for issue in outcome.issues)
