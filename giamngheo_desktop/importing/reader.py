"""Reading a list file into rows of cells, defensively.

xlsx/xlsm/xls/ods are read with python-calamine (about ten times faster than openpyxl's
read-only mode); csv/txt with encoding detection (utf-8-sig, utf-16, utf-8, cp1258) and
delimiter sniffing. A file that is not a spreadsheet, a damaged or truncated one, or one
with absurd sizes raises ``BadFile`` with a Vietnamese sentence; nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import BadFile, DomainError

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 200
MAX_EMPTY_RUN = 1_000  # stop after this many empty rows in a row
MAX_CELL_CHARS = 2_000

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ImportCancelled(DomainError):
    """The officer cancelled; nothing was written."""

    code = "cancelled"

    def __init__(self) -> None:
        super().__init__("Đã hủy nhập danh sách; chưa ghi gì vào sổ.")


@dataclass
class RawTable:
    rows: list[list[Any]]
    row_numbers: list[int]  # 1-based row number in the file of each row
    sheet: str
    kind: str  # 'xlsx' | 'xls' | 'ods' | 'csv'
    stopped_early: bool = False  # a long run of empty rows ended the reading


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "ods" if suffix == ".ods" else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise BadFile(
            f"Tệp “{path.name}” không phải là tệp Excel hợp lệ (có thể tệp bị hỏng hoặc chỉ được đổi đuôi). "
            "Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.",
            code="not_spreadsheet",
        )
    raise BadFile(
        f"Không đọc được tệp “{path.name}”: chỉ nhận tệp Excel (.xlsx, .xls) hoặc CSV (.csv).",
        code="unsupported",
    )


def read_table(path: Path | str, *, progress: Progress | None = None, cancelled: Cancelled | None = None) -> RawTable:
    """The first sheet that has data, as rows of Python values (str, float, int, date, datetime, bool)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise BadFile(f"Không mở được tệp “{path.name}”: {exc.strerror or exc}.", code="unreadable") from exc
    if size == 0:
        raise BadFile(f"Tệp “{path.name}” trống.", code="empty")
    if size > MAX_FILE_BYTES:
        raise BadFile(
            f"Tệp “{path.name}” quá lớn ({size // (1024 * 1024)} MB, tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).",
            code="too_big",
        )
    kind = _kind(path, head)
    if kind == "csv":
        return _read_csv(path, progress=progress, cancelled=cancelled)
    return _read_workbook(path, kind, progress=progress, cancelled=cancelled)


def _clean_row(row: list[Any]) -> list[Any]:
    if len(row) > MAX_COLUMNS:
        row = row[:MAX_COLUMNS]
    return row


def _is_empty(row: list[Any]) -> bool:
    for cell in row:  # a loop, not all(<generator>): called for every row of big files
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        return False
    return True


def _collect(
    rows_iter: Any,
    first_row_number: int,
    *,
    sheet: str,
    kind: str,
    total: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> RawTable:
    rows: list[list[Any]] = []
    numbers: list[int] = []
    empty_run = 0
    stopped = False
    for index, row in enumerate(rows_iter):
        if index % 5000 == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None and total:
                progress(min(index, total), total)
        if index >= MAX_ROWS:
            raise BadFile(f"Tệp có quá nhiều dòng (hơn {MAX_ROWS:,} dòng).".replace(",", "."), code="too_many_rows")
        if _is_empty(row):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN and rows:
                stopped = True
                break
            continue
        empty_run = 0
        rows.append(_clean_row(row if type(row) is list else list(row)))  # calamine and csv give fresh lists
        numbers.append(first_row_number + index)
    if progress is not None and total:
        progress(total, total)
    return RawTable(rows=rows, row_numbers=numbers, sheet=sheet, kind=kind, stopped_early=stopped)


def _read_workbook(path: Path, kind: str, *, progress: Progress | None, cancelled: Cancelled | None) -> RawTable:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise BadFile(f"Tệp “{path.name}” có mật khẩu: hãy bỏ mật khẩu rồi nhập lại.", code="password") from exc
    except Exception as exc:  # calamine raises several types for damaged files
        raise BadFile(
            f"Tệp “{path.name}” bị hỏng hoặc không phải tệp Excel (không đọc được: {type(exc).__name__}). "
            "Hãy mở bằng Excel, lưu lại rồi thử lại.",
            code="damaged",
        ) from exc
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
            except Exception as exc:
                raise BadFile(
                    f"Trang “{name}” của tệp “{path.name}” bị hỏng, không đọc được ({type(exc).__name__}).",
                    code="damaged",
                ) from exc
            if sheet.height == 0 or sheet.width == 0:
                continue
            if sheet.width > 16_384:
                raise BadFile(f"Trang “{name}” có quá nhiều cột.", code="too_many_columns")
            start_row = sheet.start[0] if sheet.start else 0
            try:
                table = _collect(
                    sheet.iter_rows(),
                    start_row + 1,
                    sheet=name,
                    kind=kind,
                    total=sheet.height,
                    progress=progress,
                    cancelled=cancelled,
                )
            except (BadFile, ImportCancelled):
                raise
            except Exception as exc:
                raise BadFile(
                    f"Trang “{name}” của tệp “{path.name}” bị hỏng, không đọc được ({type(exc).__name__}).",
                    code="damaged",
                ) from exc
            if table.rows:
                return table
    finally:
        try:
            workbook.close()
        except Exception:
            pass
    raise BadFile(f"Tệp “{path.name}” không có dữ liệu.", code="empty")


ENCODINGS = ("utf-8", "cp1258")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then Windows-1258 (Vietnamese)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if len(data) > 4 and data[1:4:2] == b"\x00\x00" and data[0] != 0:  # utf-16-le without BOM
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("cp1258", errors="replace"), "cp1258"


def sniff_delimiter(sample: str) -> str:
    """The delimiter used most on the busiest line (the header), among , ; tab |."""
    lines = [line for line in sample.splitlines()[:60] if line.strip()]
    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        score = max((line.count(candidate) for line in lines), default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(path: Path, *, progress: Progress | None, cancelled: Cancelled | None) -> RawTable:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and data[1:2] != b"\x00":
        raise BadFile(f"Tệp “{path.name}” không phải tệp văn bản CSV.", code="binary")
    text, _encoding = decode_text(data)
    dialect: Any = csv.excel
    delimiter = sniff_delimiter(text[:65536])
    csv.field_size_limit(MAX_CELL_CHARS * 50)
    try:
        reader = csv.reader(io.StringIO(text), dialect, delimiter=delimiter)
        total = text.count("\n") + 1
        return _collect(reader, 1, sheet=path.stem, kind="csv", total=total, progress=progress, cancelled=cancelled)
    except csv.Error as exc:
        raise BadFile(f"Tệp CSV “{path.name}” sai định dạng: {exc}.", code="bad_csv") from exc
