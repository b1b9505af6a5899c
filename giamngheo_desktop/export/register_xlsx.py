"""The register (as filtered) to .xlsx: one row per living member with the household's columns.

The columns are the import template's (``resources/templates/header-synonyms.json``), so an
exported file can be imported again. openpyxl in write-only mode (constant memory); user
text is always written as text, never as a formula, even when it starts with = + - @.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields
from giamngheo_desktop.domain.documents import RegisterSheet
from giamngheo_desktop.domain.errors import DomainError, StorageUnavailable
from giamngheo_desktop.domain.vocab import SEX_LABELS, class_label
from giamngheo_desktop.export.xlsx import document_font

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

COLUMNS: list[tuple[str, int]] = [("STT", 6), *((f.export, f.width) for f in fields.EXPORTED)]


class ExportCancelled(DomainError):
    code = "cancelled"

    def __init__(self) -> None:
        super().__init__("Đã hủy xuất danh sách.")


def _date(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def write_register_xlsx(
    path: Path | str,
    sheet: RegisterSheet,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Write ``sheet`` (from ``services.register.register_sheet``) to ``path``; returns the number of member rows."""
    title, subtitle, batches, total = sheet.title, sheet.subtitle, sheet.batches, sheet.total
    path = Path(path)
    wb = document_font(Workbook(write_only=True))
    ws = wb.create_sheet("Danh sách")
    for index, (_name, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "E6"

    def text_cell(value: Any, *, bold: bool = False, fill: PatternFill | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=None)
        if value not in (None, ""):
            cell.value = str(value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
        if bold:
            cell.font = Font(bold=True)
        if fill is not None:
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        return cell

    def date_cell(value: str | None, year: int | None = None) -> WriteOnlyCell:
        date = _date(value)
        if date is not None:
            cell = WriteOnlyCell(ws, value=date)
            cell.number_format = "DD/MM/YYYY"
            return cell
        return WriteOnlyCell(ws, value=year)

    def cell_of(f: fields.Field, r: dict[str, Any]) -> WriteOnlyCell:
        """The export cell of one field (domain.fields says which column of the row and how)."""
        value = r[f.source or f.key]
        if f.kind == "date":
            return date_cell(value, r["birth_year"] if f.key == "birth_date" else None)
        if f.kind == "sex":
            return text_cell(SEX_LABELS.get(value or "", ""))
        if f.kind == "class":
            return text_cell(class_label(value))
        if f.kind == "bool":
            return text_cell("" if value is None else ("Có" if value else "Không"))
        return text_cell(value)

    ws.append([text_cell(title, bold=True)])
    ws.append([text_cell(subtitle)])
    ws.append([text_cell(f"Ngày xuất: {clock.today().strftime('%d/%m/%Y')}")])
    ws.append([])
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append([text_cell(name, bold=True, fill=fill) for name, _w in COLUMNS])
    number = 0
    done = 0
    for batch in batches:
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        for r in batch:
            number += 1
            ws.append([WriteOnlyCell(ws, value=number), *(cell_of(f, r) for f in fields.EXPORTED)])
        done += len({r["household_id"] for r in batch})
        if progress is not None:
            progress(min(done, total), total)
    try:
        wb.save(path)
    except OSError as exc:
        raise StorageUnavailable(
            f"Không ghi được tệp {path}: {exc.strerror or exc}. Tệp có đang mở trong Excel không?", code="write_failed"
        ) from exc
    return number
