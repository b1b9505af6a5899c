"""Reading a list file into rows of cells, defensively.

xlsx/xlsm/xls/ods are read with python-calamine (about ten times faster than openpyxl's
read-only mode), every sheet, with its merged ranges (for the header); csv/txt decoded as
one encoding for the whole file (UTF-8 with or without BOM, UTF-16, then Windows-1258 and
cp1252 only when the file is not valid UTF-8) with delimiter sniffing. A file that is not a
spreadsheet, a damaged or truncated one, one whose sheets unpack to more than
``MAX_UNPACKED_BYTES``, or one with absurd sizes raises ``BadFile`` with a Vietnamese
sentence; nothing is written.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from giamngheo_desktop.domain.errors import BadFile, DomainError
from giamngheo_desktop.importing import html_table, ods_spans, xml_2003

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000  # rows with something in them
MAX_SCANNED_ROWS = 2_000_000  # rows looked through, empty ones too (Excel has 1,048,576)
MAX_COLUMNS = 200
_CHUNK_ROWS = 5_000  # rows read together (cancel and progress between)
MAX_EMPTY_RUN = 1_000  # a run of this many empty rows is reported (the rows after it are still read)
MAX_CELL_CHARS = 2_000
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # an xlsx whose parts unpack to more is refused before reading

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
    kind: str  # 'xlsx' | 'xls' | 'ods' | 'csv' | 'html' (a web page named .xls) | 'xml2003' (Excel 2003's XML)
    stopped_early: bool = False  # kept for callers: reading no longer stops at a run of empty rows
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), 0-based in rows
    encoding: str = ""  # csv: the encoding the whole file was decoded with
    index: int = 0  # the sheet's position in the workbook
    long_gap: int = 0  # the file row after the longest run (>= MAX_EMPTY_RUN) of empty rows, 0 when none
    col_offset: int = 0  # columns before the first column of rows (Excel column of rows[r][0] is col_offset + 1)
    hidden: bool = False  # the sheet is hidden in Excel (often a scratch or an old copy)
    spans: list[Any] = field(default_factory=list)  # every merged range as calamine gives it ((r0, c0), (r1, c1))


_WEB_PAGE = re.compile(rb"<(?:!doctype html|html|table|\?xml|workbook)\b")


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "ods" if suffix == ".ods" else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # a web page saved as Unicode (UTF-16) text
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods") and xml_2003.MARK in head:
        return "xml2003"  # "XML Spreadsheet 2003", as web programs also "export to Excel"
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods") and _WEB_PAGE.search(head.lower()):
        if _has_table(path):
            return "html"  # a web program's "export to Excel": read as Excel shows it
        raise BadFile(
            f"Tệp “{path.name}” là trang web (HTML) hay bảng XML chỉ mang đuôi Excel mà không có bảng danh sách nào "
            "(phần mềm xuất tệp có thể đã báo lỗi, như hết phiên đăng nhập): hãy mở tệp xem nội dung rồi xuất lại "
            "danh sách, hoặc mở bằng Excel, chọn Tệp → Lưu thành → “Excel Workbook (*.xlsx)” rồi nhập tệp .xlsx đó.",
            code="web_page",
        )
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


def _has_table(path: Path) -> bool:
    """Whether a web page holds a table (``<table``), looked for in its first megabytes as bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8 << 20)
    except OSError:
        return False
    if xml_2003.MARK in head:  # Excel 2003's XML: not a web page
        return False
    return (
        re.search(rb"<table\b", head, re.IGNORECASE) is not None
        or re.search(rb"<\x00t\x00a\x00b\x00l\x00e\x00", head, re.IGNORECASE) is not None
    )


def _check_sheets(path: Path, sheets: list[str] | None, names: list[str]) -> None:
    """Refuse a ``--sheet`` the workbook does not have, naming the sheets it has."""
    missing = [s for s in sheets or () if s not in names]
    if missing:
        raise BadFile(
            f"Tệp “{path.name}” không có trang “{missing[0]}”. Các trang: " + ", ".join(f"“{n}”" for n in names),
            code="no_sheet",
        )


def _check_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise BadFile(f"Không mở được tệp “{path.name}”: {exc.strerror or exc}.", code="unreadable") from exc
    if size == 0:
        raise BadFile(f"Tệp “{path.name}” trống.", code="empty")
    if size > MAX_FILE_BYTES:
        raise BadFile(
            f"Tệp “{path.name}” quá lớn ({size // (1024 * 1024)} MB, tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).",
            code="too_big",
        )
    return _kind(path, head)


def read_table(path: Path | str, *, progress: Progress | None = None, cancelled: Cancelled | None = None) -> RawTable:
    """The first sheet that has data, as rows of Python values (str, float, int, date, datetime, bool)."""
    return read_tables(path, progress=progress, cancelled=cancelled)[0]


def read_tables(
    path: Path | str,
    *,
    sheets: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[RawTable]:
    """Every sheet that has data (or only the sheets named in ``sheets``), in workbook order."""
    path = Path(path)
    kind = _check_file(path)
    if kind == "csv":
        return [_read_csv(path, progress=progress, cancelled=cancelled)]
    if kind == "html":
        return [_read_html(path, progress=progress, cancelled=cancelled)]
    if kind == "xml2003":
        return _read_xml_2003(path, sheets=sheets, progress=progress, cancelled=cancelled)
    if kind == "xlsx":
        _check_unpacked(path)
    return _read_workbook(path, kind, sheets=sheets, progress=progress, cancelled=cancelled)


def _check_unpacked(path: Path) -> None:
    """Refuse a zip whose parts would unpack to more than ``MAX_UNPACKED_BYTES`` (a "zip bomb")."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # calamine names the damage
    if total > MAX_UNPACKED_BYTES:
        raise BadFile(
            f"Tệp “{path.name}” khi giải nén lớn tới {total // (1024 * 1024)} MB (tối đa "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB): không phải danh sách bình thường, không đọc. "
            "Hãy mở bằng Excel, xóa các trang, dòng, cột thừa rồi lưu lại.",
            code="too_big_unpacked",
        )


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
    long_gap = 0
    rows_iter = iter(rows_iter)
    start = 0
    while chunk := list(itertools.islice(rows_iter, _CHUNK_ROWS)):
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None and total:
            progress(min(start, total), total)
        # rows with something in them count (a stray cell typed at Excel's last row leaves a million empty ones)
        if len(rows) + len(chunk) > MAX_ROWS and (len(rows) + sum(not _is_empty(r) for r in chunk) > MAX_ROWS):
            raise BadFile(f"Tệp có quá nhiều dòng (hơn {MAX_ROWS:,} dòng).".replace(",", "."), code="too_many_rows")
        if start + len(chunk) > MAX_SCANNED_ROWS:
            raise BadFile(
                f"Tệp có quá nhiều dòng (hơn {MAX_SCANNED_ROWS:,} dòng, kể cả dòng trống).".replace(",", "."),
                code="too_many_rows",
            )
        if empty_run < MAX_EMPTY_RUN and set(map(type, chunk)) == {list} and not any(map(_is_empty, chunk)):
            # no row empty (the usual): taken together
            rows += chunk if max(map(len, chunk)) <= MAX_COLUMNS else map(_clean_row, chunk)
            numbers += range(first_row_number + start, first_row_number + start + len(chunk))
            empty_run = 0
        else:
            for index, row in enumerate(chunk, start):
                if _is_empty(row):
                    empty_run += 1
                    continue
                if empty_run >= MAX_EMPTY_RUN and rows:
                    long_gap = first_row_number + index
                empty_run = 0
                rows.append(_clean_row(row if type(row) is list else list(row)))  # calamine and csv give fresh lists
                numbers.append(first_row_number + index)
        start += len(chunk)
    if progress is not None and total:
        progress(total, total)
    return RawTable(rows=rows, row_numbers=numbers, sheet=sheet, kind=kind, long_gap=long_gap)


def _read_workbook(
    path: Path, kind: str, *, sheets: list[str] | None, progress: Progress | None, cancelled: Cancelled | None
) -> list[RawTable]:
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
    tables: list[RawTable] = []
    try:
        names = list(workbook.sheet_names)
        _check_sheets(path, sheets, names)
        if sheets:
            names = [n for n in names if n in sheets]
        try:
            shown = {m.name: m.visible == python_calamine.SheetVisibleEnum.Visible for m in workbook.sheets_metadata}
        except Exception:  # no metadata: every sheet as shown
            shown = {}
        loaded = []
        for position, name in enumerate(workbook.sheet_names):
            if name not in names:
                continue
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
            loaded.append((position, name, sheet))
        # calamine gives no merged ranges of an .ods: read from its XML
        # (and reads a formula's error as an empty cell)
        ods_merged, ods_errors = (
            ods_spans.merged_ranges(path, MAX_UNPACKED_BYTES) if kind == "ods" and loaded else ({}, {})
        )
        grand = sum(sheet.height for _p, _n, sheet in loaded) or 1
        done = 0
        for position, name, sheet in loaded:

            def sheet_progress(value: int, total: int, *, _done: int = done) -> None:
                if progress is not None:
                    progress(_done + value, grand)

            # calamine gives rows from the sheet's first row, and columns from its first used column
            col_offset = sheet.start[1] if sheet.start else 0
            try:
                table = _collect(
                    sheet.iter_rows(),
                    1,
                    sheet=name,
                    kind=kind,
                    total=sheet.height,
                    progress=sheet_progress if progress is not None else None,
                    cancelled=cancelled,
                )
                merged = list(getattr(sheet, "merged_cell_ranges", None) or []) or ods_merged.get(name, [])
            except (BadFile, ImportCancelled):
                raise
            except Exception as exc:
                raise BadFile(
                    f"Trang “{name}” của tệp “{path.name}” bị hỏng, không đọc được ({type(exc).__name__}).",
                    code="damaged",
                ) from exc
            done += sheet.height
            if table.rows:
                table.index = position
                table.col_offset = col_offset
                table.hidden = not shown.get(name, True)
                table.merged = _merged_in_rows(merged, table.row_numbers, col_offset)
                table.spans = merged
                if name in ods_errors:
                    put_errors(table, ods_errors[name])
                tables.append(table)
    finally:
        try:
            workbook.close()
        except Exception:
            pass
    if not tables:
        raise BadFile(f"Tệp “{path.name}” không có dữ liệu.", code="empty")
    return tables


def put_errors(table: RawTable, errors: list[tuple[int, int, str]]) -> None:
    """Write Excel's error text ("#N/A") back into the cells calamine reads as empty (``errors``: row number as
    shown, column from 0, text), so that a column the list uses refuses them at their row and column instead of
    taking them for empty cells."""
    position = {number: i for i, number in enumerate(table.row_numbers)}
    for number, col, text in errors:
        i, c = position.get(number), col - table.col_offset
        if i is None or c < 0 or c >= MAX_COLUMNS:
            continue
        row = table.rows[i]
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
        if row[c] in (None, ""):
            row[c] = text


def _merged_in_rows(
    merged: list[Any], row_numbers: list[int], col_offset: int, *, within: int = 40
) -> list[tuple[int, int, int, int]]:
    """Merged ranges of the first rows, as (row0, col0, row1, col1) indexes into the kept rows
    (empty rows are not kept) and their columns."""
    position = {number: index for index, number in enumerate(row_numbers[:within])}
    result: list[tuple[int, int, int, int]] = []
    for item in merged[:10_000]:
        try:
            (r0, c0), (r1, c1) = item
        except (TypeError, ValueError):
            continue
        top = position.get(int(r0) + 1)
        if top is None:
            continue
        bottom = top
        for number in range(int(r0) + 1, int(r1) + 2):
            if number in position:
                bottom = position[number]
        result.append((top, int(c0) - col_offset, bottom, int(c1) - col_offset))
    return result


ENCODINGS = ("utf-8", "cp1258", "cp1252")
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (có BOM)",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "cp1258": "Windows-1258 (tiếng Việt)",
    "cp1252": "Windows-1252",
}


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes as ONE encoding for the whole file: BOMs first, then strict UTF-8, then
    Windows-1258 (Vietnamese) and cp1252 only when the file is not valid UTF-8. Raises
    ``UnicodeDecodeError`` when no encoding reads the whole file."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if len(data) > 4 and data[1:4:2] == b"\x00\x00" and data[0] != 0:  # utf-16-le without BOM
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    error: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    raise error


def sniff_delimiter(sample: str) -> str:
    """The delimiter used most on the busiest line (the header), among , ; tab |."""
    lines = [line for line in sample.splitlines()[:60] if line.strip()]
    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        score = max((line.count(candidate) for line in lines), default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


_CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def _read_html(path: Path, *, progress: Progress | None, cancelled: Cancelled | None) -> RawTable:
    """A web page named .xls (a web program's "export to Excel"): its tables as Excel shows them, one sheet named
    after the file as Excel names it, the merged cells (``colspan``/``rowspan``) as an .xlsx file's."""
    data = path.read_bytes()
    declared = _CHARSET.search(data[:4096])
    text = None
    if declared is not None and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        try:
            text = data.decode(declared.group(1).decode("ascii").lower())
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text, _encoding = decode_text(data)
        except UnicodeDecodeError as exc:
            raise BadFile(
                f"Tệp “{path.name}” là trang web (HTML) mà không đọc được chữ trong đó (byte lạ ở vị trí {exc.start}). "
                "Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → “Excel Workbook (*.xlsx)”, rồi nhập tệp .xlsx đó.",
                code="bad_encoding",
            ) from exc

    def step(done: int, total: int) -> None:  # the page read bit by bit: the window's bar moves, Cancel stops it
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None and total:
            progress(done * 9 // 10, total)

    try:
        rows, spans, _tables = html_table.read_html(text, max_rows=MAX_SCANNED_ROWS, max_columns=MAX_COLUMNS, step=step)
    except ValueError as exc:
        raise BadFile(
            f"Tệp “{path.name}” là trang web (HTML) bị hỏng, không đọc được bảng trong đó. Hãy mở tệp bằng Excel, chọn "
            "Tệp → Lưu thành → “Excel Workbook (*.xlsx)”, rồi nhập tệp .xlsx đó.",
            code="damaged",
        ) from exc
    table = _collect(rows, 1, sheet=path.stem[:31], kind="html", total=len(rows), progress=None, cancelled=cancelled)
    if progress is not None:
        progress(1, 1)
    if not table.rows:
        raise BadFile(f"Tệp “{path.name}” không có dữ liệu.", code="empty")
    table.merged = _merged_in_rows(spans, table.row_numbers, 0)
    table.spans = spans
    return table


def _read_xml_2003(
    path: Path, *, sheets: list[str] | None, progress: Progress | None, cancelled: Cancelled | None
) -> list[RawTable]:
    """A workbook saved as "XML Spreadsheet 2003" (often a web program's "export to Excel", named .xls): every
    sheet with data (or those of ``sheets``), its merged cells as an .xlsx file's."""
    try:
        found = xml_2003.read_xml_2003(path, max_rows=MAX_SCANNED_ROWS, max_columns=MAX_COLUMNS)
    except (ElementTree.ParseError, ValueError, OSError) as exc:
        raise BadFile(
            f"Tệp “{path.name}” (bảng XML của Excel 2003) bị hỏng, không đọc được ({type(exc).__name__}). "
            "Hãy mở bằng Excel, lưu lại dạng .xlsx rồi thử lại.",
            code="damaged",
        ) from exc
    _check_sheets(path, sheets, [sheet.name for sheet in found])
    tables: list[RawTable] = []
    for position, sheet in enumerate(found):
        if sheets and sheet.name not in sheets:
            continue
        total = max(sheet.rows, default=-1) + 1
        table = _collect(
            xml_2003.rows_of(sheet), 1, sheet=sheet.name, kind="xml2003", total=total, progress=progress,
            cancelled=cancelled,
        )  # fmt: skip
        if table.rows:
            table.index, table.hidden = position, sheet.hidden
            table.merged = _merged_in_rows(sheet.spans, table.row_numbers, 0)
            table.spans = sheet.spans
            tables.append(table)
    if not tables:
        raise BadFile(f"Tệp “{path.name}” không có dữ liệu.", code="empty")
    return tables


def _read_csv(path: Path, *, progress: Progress | None, cancelled: Cancelled | None) -> RawTable:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and data[1:2] != b"\x00":
        raise BadFile(f"Tệp “{path.name}” không phải tệp văn bản CSV.", code="binary")
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        raise BadFile(
            f"Tệp CSV “{path.name}” không đọc được bằng bảng mã nào (UTF-8, UTF-16, Windows-1258, Windows-1252): "
            f"byte lạ ở vị trí {exc.start}. Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8” hoặc .xlsx.",
            code="bad_encoding",
        ) from exc
    dialect: Any = csv.excel
    delimiter = sniff_delimiter(text[:65536])
    csv.field_size_limit(MAX_CELL_CHARS * 50)
    try:
        # lines ended by CR LF, LF or a lone CR (Excel for Mac's "CSV (Macintosh)"), each as the csv module reads them
        reader = csv.reader(io.StringIO(text, newline=""), dialect, delimiter=delimiter)
        total = (text.count("\n") or text.count("\r")) + 1
        table = _collect(reader, 1, sheet=path.stem, kind="csv", total=total, progress=progress, cancelled=cancelled)
    except csv.Error as exc:
        raise BadFile(
            f"Tệp CSV “{path.name}” sai định dạng ở dòng {reader.line_num}: có ô không đọc được (dấu ngoặc kép "
            "không đóng, ô quá dài hay ký tự lạ). Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.",
            code="bad_csv",
        ) from exc
    table.encoding = encoding
    return table
