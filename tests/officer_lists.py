"""More commune lists, by a third tester who wrote them before reading the importer.

Independent of tests/list_shapes.py, tests/real_lists.py and tests/commune_lists.py: its own small register
(:data:`HOUSES`: three villages, five households, thirteen people: a leap-day birth, a 9-digit CMND and a
12-digit ID both starting with zeros, a one-person household, Thái, Mường, Tày and Dao members) written in
habits those files do not try: Roman-numbered village rows and "1.1" member numbers, village rows with their
counts, dates left as Excel serial numbers or typed as text in many ways, a workbook using Excel's 1904 date
system, full-width digits, zero-width spaces and soft hyphens pasted from Zalo or the web, headers and values
typed without accents, an Excel table with a filter, frozen panes and a hidden old column, a lone "Nữ"
column ticked x, ticks written "✓" or TRUE, one sheet per village named only in its title, CSV with old Mac
line endings or a line break inside a cell. :func:`expected` is what the register must hold afterwards,
keyed by the head's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet


@dataclass
class Man:
    name: str
    rel: str  # as written
    rel_code: str
    sex: str  # 'M' | 'F'
    born: dt.date | None  # the whole date when the list knows it
    year: int
    id_number: str = ""
    ethnicity: str = "Kinh"
    eth_code: str = "01"


@dataclass
class Home:
    village: str  # as the commune declared it
    short: str  # without "Thôn"
    bare: str  # without accents, as typed on a computer without Unikey
    klass: str  # 'poor' | 'near_poor'
    people: list[Man] = field(default_factory=list)


D = dt.date
HOUSES: list[Home] = [
    Home(
        "Thôn Đồng Xuân",
        "Đồng Xuân",
        "Dong Xuan",
        "poor",
        [
            Man("Phạm Văn Long", "Chủ hộ", "01", "M", D(1978, 4, 9), 1978, "025078001234"),
            Man("Vũ Thị Hoa", "Vợ", "02", "F", None, 1981, "025181004321"),
            Man("Phạm Thị Ngọc", "Con", "04", "F", D(2012, 11, 30), 2012),
            Man("Phạm Văn An", "Con", "04", "M", D(2016, 1, 2), 2016),
        ],
    ),
    Home(
        "Thôn Đồng Xuân",
        "Đồng Xuân",
        "Dong Xuan",
        "near_poor",
        [Man("Lò Thị Xuân", "Chủ hộ", "01", "F", None, 1947, "040123456", "Thái", "03")],
    ),
    Home(
        "Thôn Tân Hòa",
        "Tân Hòa",
        "Tan Hoa",
        "poor",
        [
            Man("Hà Văn Thắng", "Chủ hộ", "01", "M", D(1985, 12, 1), 1985, "025085009999", "Mường", "04"),
            Man("Đinh Thị Ánh", "Vợ", "02", "F", D(1988, 2, 29), 1988, "", "Mường", "04"),
            Man("Hà Văn Bình", "Con", "04", "M", None, 2010, "", "Mường", "04"),
            Man("Bùi Thị Thu", "Mẹ", "10", "F", None, 1950, "", "Mường", "04"),
        ],
    ),
    Home(
        "Thôn Bãi Sậy",
        "Bãi Sậy",
        "Bai Say",
        "near_poor",
        [
            Man("Ma Văn Sinh", "Chủ hộ", "01", "M", D(1992, 6, 15), 1992, "008092000111", "Tày", "02"),
            Man("Triệu Thị Mến", "Vợ", "02", "F", D(1995, 9, 9), 1995, "", "Dao", "09"),
        ],
    ),
    Home(
        "Thôn Bãi Sậy",
        "Bãi Sậy",
        "Bai Say",
        "poor",
        [
            Man("Đỗ Văn Lành", "Chủ hộ", "01", "M", None, 1939, "025039000777"),
            Man("Đỗ Thị Lụa", "Con", "04", "F", D(1970, 3, 8), 1970, "025170000778"),
        ],
    ),
]

CLASS = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
SEX = {"M": "Nam", "F": "Nữ"}


def expected() -> dict[str, dict[str, Any]]:
    """head's name → village, class, members {name: (relationship, sex, birth date, year, ID, ethnicity)}."""
    return {
        h.people[0].name: {
            "village": h.village,
            "class": h.klass,
            "members": {
                p.name: (p.rel_code, p.sex, p.born.isoformat() if p.born else None, p.year, p.id_number, p.eth_code)
                for p in h.people
            },
        }
        for h in HOUSES
    }


def everyone() -> list[tuple[Home, int, Man, int]]:
    """(household, place in it, person, running number from 1) of every person."""
    out, n = [], 0
    for h in HOUSES:
        for i, p in enumerate(h.people):
            n += 1
            out.append((h, i, p, n))
    return out


def bare(text: str) -> str:
    """``text`` without its accents, as typed without a Vietnamese keyboard."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c))


EXCEL_EPOCH = D(1899, 12, 30)


def _serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def _fill(ws: Worksheet, top: int, rows: list[list[Any]], left: int = 1) -> int:
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.cell(top + r, left + c, v)
    return top + len(rows)


def _title(ws: Worksheet, title: str, width: int) -> int:
    ws.cell(1, 1, "ỦY BAN NHÂN DÂN")
    ws.cell(2, 1, "XÃ TÂN LẬP")
    ws.cell(1, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws.cell(2, 5, "Độc lập - Tự do - Hạnh phúc")
    ws.cell(4, 1, title)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    return 6


def _sign(ws: Worksheet, row: int) -> None:
    ws.cell(row + 1, 5, "Tân Lập, ngày 15 tháng 01 năm 2026")
    ws.cell(row + 2, 1, "Người lập danh sách")
    ws.cell(row + 2, 5, "T/M UBND XÃ")
    ws.cell(row + 3, 5, "KT. CHỦ TỊCH")
    ws.cell(row + 4, 5, "PHÓ CHỦ TỊCH")
    ws.cell(row + 7, 1, "Lê Văn Tám")
    ws.cell(row + 7, 5, "Hoàng Minh Đức")


# ------------------------------------------------------------------------------------------------ the shapes


def roman_groups(path: Path) -> Path:
    """Villages as Roman-numbered group rows ("I" | "THÔN ĐỒNG XUÂN (2 hộ, 5 khẩu)"), households numbered
    1, 2 and their members 1.1, 1.2; the class once on the head's row; each village closed by "Cộng: 2 hộ";
    a "TỔNG CỘNG TOÀN XÃ" row, then the signatures."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS 2026"
    row = _title(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026", 9)
    header = [
        "STT",
        "Họ và tên",
        "Quan hệ với chủ hộ",
        "Ngày tháng năm sinh",
        "Giới tính",
        "Dân tộc",
        "Số định danh cá nhân",
        "Phân loại hộ",
        "Ghi chú",
    ]
    row = _fill(ws, row, [header, [f"({i})" for i in range(1, 10)]])
    villages: dict[str, list[Home]] = {}
    for h in HOUSES:
        villages.setdefault(h.village, []).append(h)
    for v, (name, homes) in enumerate(villages.items()):
        count = sum(len(h.people) for h in homes)
        ws.cell(row, 1, ["I", "II", "III"][v])
        ws.cell(row, 2, f"{name.upper()} ({len(homes)} hộ, {count} khẩu)")
        row += 1
        for k, h in enumerate(homes, 1):
            for i, p in enumerate(h.people):
                born: Any = p.born.strftime("%d/%m/%Y") if p.born else p.year
                cells = [
                    str(k) if i == 0 else f"{k}.{i}",
                    p.name,
                    p.rel,
                    born,
                    SEX[p.sex],
                    p.ethnicity,
                    p.id_number or None,
                    CLASS[h.klass] if i == 0 else None,
                    None,
                ]
                row = _fill(ws, row, [cells])
        row = _fill(ws, row, [[None, f"Cộng: {len(homes)} hộ", None, None, None, None, None, None, None]])
    ws.cell(row, 2, "TỔNG CỘNG TOÀN XÃ")
    ws.cell(row, 8, "5 hộ")
    _sign(ws, row + 1)
    wb.save(path)
    return path


def _typed_birth(p: Man, n: int) -> Any:
    """How a birth ends up in a cell of an old .xls copied about: an Excel serial number left in a General
    cell, a float serial, text day-first with dashes or a trailing space, "ngày … tháng … năm …"; a year alone
    as a float or as text."""
    if p.born is None:
        return [float(p.year), f"{p.year} ", f"Năm {p.year}"][n % 3]
    d = p.born
    return [
        _serial(d),
        float(_serial(d)),
        f"{d.day:02d}-{d.month:02d}-{d.year}",
        f"{d.day}/{d.month}/{d.year}\u00a0",
        f"ngày {d.day} tháng {d.month} năm {d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
    ][n % 6]


FLAT = [
    "TT",
    "Mã hộ",
    "Họ và tên",
    "Quan hệ với chủ hộ",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Thôn",
    "Hộ nghèo/cận nghèo",
]


def _flat_rows(birth: Callable[[Man, int], Any] = _typed_birth) -> list[list[Any]]:
    rows = []
    for h, _i, p, n in everyone():
        code = f"{bare(h.short).replace(' ', '')[:2].upper()}-{HOUSES.index(h) + 1:02d}"
        rows.append(
            [
                n,
                code,
                p.name,
                p.rel,
                birth(p, n),
                SEX[p.sex],
                p.ethnicity,
                p.id_number or None,
                h.village,
                CLASS[h.klass],
            ]
        )
    return rows


def serial_dates(path: Path) -> Path:
    """Dates as an old .xls leaves them: serial numbers in General cells, text in several day-first forms;
    years as floats or "Năm 1981"; IDs as text."""
    wb = Workbook()
    ws = wb.active
    _fill(ws, 1, [FLAT, *_flat_rows()])
    wb.save(path)
    return path


def mac_1904(path: Path) -> Path:
    """A workbook saved by Excel for Mac with the 1904 date system: every date a real date cell."""
    wb = Workbook()
    wb.epoch = dt.datetime(1904, 1, 1)  # openpyxl: CALENDAR_MAC_1904
    ws = wb.active

    def birth(p: Man, n: int) -> Any:
        return dt.datetime(p.born.year, p.born.month, p.born.day) if p.born else p.year

    _fill(ws, 1, [FLAT, *_flat_rows(birth)])
    for r in range(2, ws.max_row + 1):
        if isinstance(ws.cell(r, 5).value, dt.datetime):
            ws.cell(r, 5).number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


def _oddly(text: str, n: int) -> str:
    """Text pasted from Zalo, a web page or a PDF: a zero-width space, a soft hyphen, a BOM, doubled spaces,
    a narrow no-break space."""
    return [
        text + "\u200b",
        "\ufeff" + text,
        text.replace(" ", "  ", 1),
        text.replace(" ", "\u202f", 1),
        text[:2] + "\u00ad" + text[2:],
        "\u200b" + text.replace(" ", " \u200b", 1),
    ][n % 6]


FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def pasted_text(path: Path) -> Path:
    """Names, villages and relationships with invisible characters; IDs and years in full-width digits (a
    Japanese/Chinese input method) or grouped with no-break spaces."""
    wb = Workbook()
    ws = wb.active
    rows = []
    for h, _i, p, n in everyone():
        ident = p.id_number
        if ident:
            ident = (
                ident.translate(FULL) if n % 2 else " ".join([ident[:3], ident[3:6], ident[6:]]).replace(" ", "\u00a0")
            )
        year = str(p.year).translate(FULL) if n % 3 == 0 else p.year
        born = p.born.strftime("%d/%m/%Y").translate(FULL) if p.born and n % 2 else (p.born or year)
        if isinstance(born, dt.date):
            born = dt.datetime(born.year, born.month, born.day)
        rows.append(
            [
                n,
                _oddly(p.name, n),
                _oddly(p.rel, n + 1),
                born,
                _oddly(SEX[p.sex], n + 2),
                _oddly(p.ethnicity, n + 3),
                ident or None,
                _oddly(h.village, n + 4),
                _oddly(CLASS[h.klass], n + 5),
            ]
        )
    header = ["STT", "Họ và tên", "Quan hệ", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn", "Loại hộ"]
    _fill(ws, 1, [header, *rows])
    wb.save(path)
    return path


def unaccented(path: Path) -> Path:
    """Header and values typed without accents (a computer without Unikey); the names keep theirs (copied
    from the ID cards)."""
    wb = Workbook()
    ws = wb.active
    header = [
        "STT",
        "Ho va ten",
        "Quan he voi chu ho",
        "Nam sinh",
        "Gioi tinh",
        "Dan toc",
        "So CCCD",
        "Thon",
        "Loai ho",
    ]
    rows = []
    for h, _i, p, n in everyone():
        born = p.born.strftime("%d/%m/%Y") if p.born else p.year
        rows.append(
            [
                n,
                p.name,
                bare(p.rel),
                born,
                bare(SEX[p.sex]),
                bare(p.ethnicity),
                p.id_number or None,
                bare(h.village),
                bare(CLASS[h.klass]),
            ]
        )
    _fill(ws, 1, [header, *rows])
    wb.save(path)
    return path


def excel_table(path: Path) -> Path:
    """The list formatted as an Excel table (a filter on its header), frozen panes under the header, and a
    hidden column "Năm sinh (cũ)" left from last year's list before the real "Năm sinh" column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    header = [
        "STT",
        "Họ và tên",
        "Quan hệ với chủ hộ",
        "Năm sinh (cũ)",
        "Năm sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Thôn",
        "Phân loại",
    ]
    rows = []
    for h, _i, p, n in everyone():
        born = dt.datetime(p.born.year, p.born.month, p.born.day) if p.born else p.year
        rows.append(
            [
                n,
                p.name,
                p.rel,
                p.year - 1,
                born,
                SEX[p.sex],
                p.ethnicity,
                p.id_number or None,
                h.village,
                CLASS[h.klass],
            ]
        )
    _fill(ws, 1, [header, *rows])
    ws.column_dimensions["D"].hidden = True
    ws.freeze_panes = "C2"
    ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    table = Table(displayName="DanhSach", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    wb.save(path)
    return path


def ticks(path: Path) -> Path:
    """The head ticked TRUE (a checkbox column), the class ticked "✓" / "√" / "v" under "Nghèo" | "Cận nghèo",
    and a lone "Nữ" column ticked x for women (no sex column: an empty cell is a man)."""
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "STT",
            "Họ và tên",
            "Chủ hộ",
            "Quan hệ với chủ hộ",
            "Năm sinh",
            "Nữ",
            "Dân tộc",
            "CCCD",
            "Thôn",
            "Nghèo",
            "Cận nghèo",
        ]
    )
    marks = ["✓", "√", "v", "X", "✔"]
    for h, i, p, n in everyone():
        mark = marks[n % len(marks)] if i == 0 else None
        ws.append(
            [
                n,
                p.name,
                i == 0,
                None if i == 0 else p.rel,
                p.born.strftime("%d/%m/%Y") if p.born else p.year,
                "x" if p.sex == "F" else None,
                p.ethnicity,
                p.id_number or None,
                h.short,
                mark if h.klass == "poor" else None,
                mark if h.klass == "near_poor" else None,
            ]
        )
    wb.save(path)
    return path


def village_sheets(path: Path) -> Path:
    """One sheet per village named "Sheet1", "Sheet2", "Sheet3": the village only in the sheet's title
    ("DANH SÁCH HỘ NGHÈO, CẬN NGHÈO THÔN ĐỒNG XUÂN"); a village-free header; "Cộng" and signatures."""
    wb = Workbook()
    first = True
    villages: dict[str, list[Home]] = {}
    for h in HOUSES:
        villages.setdefault(h.village, []).append(h)
    for k, (name, homes) in enumerate(villages.items(), 1):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = f"Sheet{k}"
        row = _title(ws, f"DANH SÁCH HỘ NGHÈO, CẬN NGHÈO {name.upper()}", 8)
        ws.cell(5, 1, "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05/01/2026)")
        header = [
            "STT hộ",
            "Họ tên chủ hộ và thành viên",
            "Quan hệ",
            "Năm sinh",
            "Giới tính",
            "Dân tộc",
            "Số CCCD",
            "Nghèo/ Cận nghèo",
        ]
        row = _fill(ws, row, [header, ["A", "B", 1, 2, 3, 4, 5, 6]])
        for j, h in enumerate(homes, 1):
            for i, p in enumerate(h.people):
                cells = [
                    j if i == 0 else None,
                    p.name,
                    p.rel,
                    p.year if p.born is None else p.born.strftime("%d/%m/%Y"),
                    SEX[p.sex],
                    p.ethnicity,
                    p.id_number or None,
                    ("N" if h.klass == "poor" else "CN") if i == 0 else None,
                ]
                row = _fill(ws, row, [cells])
        ws.cell(row, 2, "Cộng")
        ws.cell(row, 8, len(homes))
        _sign(ws, row + 1)
    wb.save(path)
    return path


def _csv_rows() -> list[list[str]]:
    rows = [["STT", "Họ và tên", "Quan hệ", "Ngày sinh", "Giới tính", "Dân tộc", "CCCD", "Thôn", "Loại hộ"]]
    for h, _i, p, n in everyone():
        rows.append(
            [
                str(n),
                p.name,
                p.rel,
                p.born.strftime("%d/%m/%Y") if p.born else str(p.year),
                SEX[p.sex],
                p.ethnicity,
                p.id_number,
                h.village,
                CLASS[h.klass],
            ]
        )
    return rows


def csv_mac_lines(path: Path) -> Path:
    """CSV (Macintosh) from old Excel for Mac: lines ended by a carriage return alone, UTF-8."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r").writerows(_csv_rows())
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def csv_cell_breaks(path: Path) -> Path:
    """CSV with a line break typed inside cells (Alt+Enter): in the header ("Quan hệ\\nvới chủ hộ") and in a
    village ("Thôn\\nĐồng Xuân"), quoted as Excel writes them; CRLF lines, UTF-8 with a BOM."""
    rows = _csv_rows()
    rows[0][2] = "Quan hệ\nvới chủ hộ"
    for r in rows[1:]:
        r[7] = r[7].replace(" ", "\n", 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


PLAIN = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn", "Loại hộ"]


def plain_list(
    path: Path,
    last: str,
    cell: Callable[[Home, Man, int], Any],
    edit: Callable[[list[Any], int], None] | None = None,
) -> Path:
    """The register as one plain table (columns PLAIN) with one more column at the end, headed *last*: *cell*
    gives its value for each person (and the person's number, from 1); *edit* may then change a row's cells."""
    wb = Workbook()
    ws = wb.active
    ws.append([*PLAIN, last])
    for h, _i, p, n in everyone():
        row = [
            n,
            p.name,
            p.rel,
            p.born.strftime("%d/%m/%Y") if p.born else p.year,
            SEX[p.sex],
            p.ethnicity,
            p.id_number or None,
            h.village,
            CLASS[h.klass],
            cell(h, p, n),
        ]
        if edit:
            edit(row, n)
        ws.append(row)
    wb.save(path)
    return path


def notes_status(path: Path) -> Path:
    """A "Ghi chú" column saying what became of a member since the last review: "Đã chết", "Chết tháng 3/2025",
    "Chuyển đi nơi khác", "Đã chuyển khẩu"; others hold ordinary notes ("Khuyết tật", "Đi làm ăn xa")."""
    return plain_list(path, "Ghi chú", lambda _h, p, _n: NOTES.get(p.name))


NOTES = {
    "Bùi Thị Thu": "Đã chết",
    "Lò Thị Xuân": "Khuyết tật",
    "Hà Văn Bình": "Chuyển đi nơi khác",
    "Triệu Thị Mến": "Đi làm ăn xa",
    "Đỗ Thị Lụa": "Chết tháng 3/2025",
    "Phạm Văn An": "Đã chuyển khẩu",
}


def error_cells(path: Path) -> Path:
    """Excel's "#N/A" down a "Tra cứu" column the importer does not use (a VLOOKUP into a sheet that is gone): the list
    imports as if it were not there (errors in columns it uses: tests/core/test_import_officer_lists.py)."""
    return plain_list(path, "Tra cứu", lambda _h, _p, _n: "#N/A")


def html_xls(path: Path) -> Path:
    """A list exported by a web program as an HTML table named .xls (Excel opens it with a warning)."""
    cells = "".join(f"<td>{c}</td>" for c in _csv_rows()[0])
    body = [f"<tr>{cells}</tr>"]
    for row in _csv_rows()[1:]:
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    page = (
        '<html><head><meta charset="utf-8"></head><body><table border="1">' + "".join(body) + "</table></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path


def merged_names(path: Path) -> Path:
    """The name in a cell merged over two columns on every row (B:C, to print wide), the header likewise;
    the sex as "1"/"2" text (Mẫu 01), the relationship "Chủ hộ" written "CH", dates "1978-04-09" text."""
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "TT",
            "Họ và tên",
            None,
            "Quan hệ với chủ hộ",
            "Ngày sinh",
            "Giới tính (1: Nam; 2: Nữ)",
            "Dân tộc",
            "CCCD",
            "Thôn",
            "Hộ",
        ]
    )
    ws.merge_cells("B1:C1")
    for h, i, p, n in everyone():
        ws.append(
            [
                n,
                p.name,
                None,
                "CH" if i == 0 else p.rel,
                p.born.isoformat() if p.born else str(p.year),
                "1" if p.sex == "M" else "2",
                p.ethnicity,
                p.id_number or None,
                h.short,
                CLASS[h.klass].replace("Hộ ", ""),
            ]
        )
        ws.merge_cells(start_row=n + 1, start_column=2, end_row=n + 1, end_column=3)
    wb.save(path)
    return path


SHAPES: dict[str, Callable[[Path], Path]] = {
    "roman_groups": roman_groups,
    "serial_dates": serial_dates,
    "mac_1904": mac_1904,
    "pasted_text": pasted_text,
    "unaccented": unaccented,
    "excel_table": excel_table,
    "ticks": ticks,
    "village_sheets": village_sheets,
    "csv_mac_lines": csv_mac_lines,
    "csv_cell_breaks": csv_cell_breaks,
    "notes_status": notes_status,
    "error_cells": error_cells,
    "merged_names": merged_names,
}


def whole_and_villages(path: Path) -> Path:
    """A sheet "Toàn xã" listing every household, then a sheet per village ("Đồng Xuân", "Tân Hòa", "Bãi Sậy")
    repeating that village's households: the same people twice in one workbook."""
    wb = Workbook()
    head = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn", "Loại hộ"]

    def rows(homes: list[Home]) -> list[list[Any]]:
        people = [(h, p) for h in homes for p in h.people]
        return [
            [n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, SEX[p.sex], p.ethnicity,
             p.id_number or None, h.village, CLASS[h.klass]]
            for n, (h, p) in enumerate(people, 1)
        ]  # fmt: skip

    ws = wb.active
    ws.title = "Toàn xã"
    _fill(ws, 1, [["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO TOÀN XÃ NĂM 2026"], [], head, *rows(HOUSES)])
    for village in dict.fromkeys(h.village for h in HOUSES):
        sheet = wb.create_sheet(village.replace("Thôn ", ""))
        homes = [h for h in HOUSES if h.village == village]
        _fill(sheet, 1, [[f"DANH SÁCH HỘ NGHÈO, CẬN NGHÈO {village.upper()}"], [], head, *rows(homes)])
    wb.save(path)
    return path


def three_name_columns(path: Path) -> Path:
    """The name in three columns "Họ" | "Chữ đệm" | "Tên"; relationships, ethnicities, villages and classes in
    capitals or small letters; sexes "Nam giới", "Trai", "Gái"…"""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ", "Chữ đệm", "Tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Số CCCD",
               "Thôn", "Loại hộ"])  # fmt: skip
    sexes = {"M": ["Nam giới", "Trai", "nam", "NAM"], "F": ["Nữ giới", "Gái", "nữ", "NỮ"]}
    for h, _i, p, n in everyone():
        family, *middle, given = p.name.split(" ")
        ws.append([n, family, " ".join(middle), given, p.rel.upper() if n % 2 else p.rel.lower(),
                   p.born.strftime("%d/%m/%Y") if p.born else p.year, sexes[p.sex][n % 4], p.ethnicity.upper(),
                   p.id_number or None, h.village.upper() if n % 3 == 0 else h.short.lower(),
                   CLASS[h.klass].upper()])  # fmt: skip
    wb.save(path)
    return path


SHAPES["whole_and_villages"] = whole_and_villages
SHAPES["three_name_columns"] = three_name_columns


def blank_head_rows(path: Path) -> Path:
    """A code on each household's first row only, the head's own "Quan hệ" left empty (his relation to himself)
    and the class on his row only; years of the old written "khoảng 1947", "1950?", "~1939"; a head's cell
    holding his new ID number and his old CMND ("025078001234 / 131234567")."""
    about = {"Lò Thị Xuân": "khoảng 1947", "Bùi Thị Thu": "1950?", "Đỗ Văn Lành": "~1939"}
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD/CMND",
               "Thôn", "Loại hộ"])  # fmt: skip
    for k, h in enumerate(HOUSES, 1):
        for i, p in enumerate(h.people):
            ident = f"{p.id_number} / 131234567" if p.name == "Phạm Văn Long" else p.id_number
            ws.append([f"H{k:02d}" if i == 0 else None, p.name, None if i == 0 else p.rel,
                       p.born.strftime("%d/%m/%Y") if p.born else about.get(p.name, p.year), SEX[p.sex], p.ethnicity,
                       ident or None, h.village, CLASS[h.klass] if i == 0 else None])  # fmt: skip
    wb.save(path)
    return path


SHAPES["blank_head_rows"] = blank_head_rows


# ------------------------------------------------------------------------------- a fourth tester's shapes


def web_export(path: Path) -> Path:
    """A web program's "Xuất Excel": an HTML page named .xls (Excel opens it after a warning). A title in <h3>
    and <p> above the table, a two-row header ("Năm sinh" over "Nam" | "Nữ" with colspan, the others rowspan),
    the village and the class in a cell spanning the household's rows, members numbered "1.1", a <tfoot> total,
    the place and date and the signer under the table."""
    import html

    def td(value: Any, rows: int = 1) -> str:
        span = f' rowspan="{rows}"' if rows > 1 else ""
        return f"<td{span}>{'' if value is None else html.escape(str(value))}</td>"

    out = [
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<style>td {mso-number-format:"\\@";}</style></head><body>',
        "<h3>ỦY BAN NHÂN DÂN XÃ TÂN LẬP</h3>",
        "<p><b>DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026</b></p>",
        '<table border="1"><thead><tr><th rowspan="2">STT</th><th rowspan="2">Họ và tên</th>'
        '<th rowspan="2">Quan hệ<br/>với chủ hộ</th><th colspan="2">Năm sinh</th><th rowspan="2">Dân tộc</th>'
        '<th rowspan="2">Số CCCD</th><th rowspan="2">Thôn</th><th rowspan="2">Phân loại hộ</th></tr>'
        "<tr><th>Nam</th><th>Nữ</th></tr></thead><tbody>",
    ]
    for k, h in enumerate(HOUSES, 1):
        for i, p in enumerate(h.people):
            born = p.born.strftime("%d/%m/%Y") if p.born else p.year
            cells = [td(k if i == 0 else f"{k}.{i}"), td(p.name), td(p.rel), td(born if p.sex == "M" else None),
                     td(born if p.sex == "F" else None), td(p.ethnicity), td(p.id_number or None)]  # fmt: skip
            if i == 0:
                cells += [td(h.village, len(h.people)), td(CLASS[h.klass], len(h.people))]
            out.append("<tr>" + "".join(cells) + "</tr>")
    out.append('</tbody><tfoot><tr><td colspan="2">Tổng cộng</td><td colspan="7">5 hộ, 13 khẩu</td></tr></tfoot>')
    out.append("</table><p>Tân Lập, ngày 15 tháng 01 năm 2026</p><p>NGƯỜI LẬP BIỂU</p></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def checkbox_sex(path: Path) -> Path:
    """ "Giới tính" merged over "Nam" | "Nữ", each a checkbox column: TRUE where ticked, FALSE where not."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", None, "Dân tộc", "CCCD", "Thôn",
               "Loại hộ"])  # fmt: skip
    ws.append([None, None, None, None, "Nam", "Nữ"])
    ws.merge_cells("E1:F1")
    for letter in "ABCDGHIJ":
        ws.merge_cells(f"{letter}1:{letter}2")
    for h, _i, p, n in everyone():
        ws.append([n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, p.sex == "M", p.sex == "F",
                   p.ethnicity, p.id_number or None, h.village, CLASS[h.klass]])  # fmt: skip
    wb.save(path)
    return path


def lone_nu_numbers(path: Path) -> Path:
    """No sex column: a lone "Nữ" column beside "Năm sinh" marked 1 for a woman and 0 for a man."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Nữ", "Dân tộc", "CCCD", "Thôn", "Loại hộ"])
    for h, _i, p, n in everyone():
        ws.append([n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, int(p.sex == "F"),
                   p.ethnicity, p.id_number or None, h.village, CLASS[h.klass]])  # fmt: skip
    wb.save(path)
    return path


def _codes_again(ws: Worksheet, top: int, homes: list[Home], *, village_rows: bool) -> int:
    """The households of ``homes`` under the header at ``top``, numbered 01, 02… again in each village ("Mã hộ"
    on the head's row only); ``village_rows``: a row "Thôn …" above each village's households."""
    ws.append([])
    for c, label in enumerate(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc",
                               "Số CCCD", "Loại hộ"], 1):  # fmt: skip
        ws.cell(top, c, label)
    row = top + 1
    for village in dict.fromkeys(h.village for h in homes):
        if village_rows:
            ws.cell(row, 2, village.upper())
            row += 1
        for k, h in enumerate([h for h in homes if h.village == village], 1):
            for i, p in enumerate(h.people):
                cells = [f"{k:02d}" if i == 0 else None, p.name, p.rel,
                         p.born.strftime("%d/%m/%Y") if p.born else p.year, SEX[p.sex], p.ethnicity,
                         p.id_number or None, CLASS[h.klass] if i == 0 else None]  # fmt: skip
                for c, value in enumerate(cells, 1):
                    if value is not None:
                        ws.cell(row, c, value)
                row += 1
    return row


def codes_per_village_sheet(path: Path) -> Path:
    """A "Tổng hợp" sheet of counts, then a sheet per village (its name the village's, a title block, a footer),
    each numbering its households 01, 02… in a "Mã hộ" column: household 01 in every village."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    _fill(summary, 1, [["TỔNG HỢP HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026"], [],
                       ["STT", "Thôn", "Số hộ nghèo", "Số hộ cận nghèo"], [1, "Đồng Xuân", 1, 1],
                       [2, "Tân Hòa", 1, 0], [3, "Bãi Sậy", 1, 1], [None, "Cộng", 3, 2]])  # fmt: skip
    for village in dict.fromkeys(h.village for h in HOUSES):
        ws = wb.create_sheet(village.replace("Thôn ", ""))
        top = _title(ws, f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO {village.upper()}", 8)
        end = _codes_again(ws, top, [h for h in HOUSES if h.village == village], village_rows=False)
        _sign(ws, end + 1)
    wb.save(path)
    return path


def codes_per_village_rows(path: Path) -> Path:
    """One sheet, a row "THÔN …" above each village's households, "Mã hộ" 01, 02… again under each village."""
    wb = Workbook()
    ws = wb.active
    top = _title(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026", 8)
    _sign(ws, _codes_again(ws, top, HOUSES, village_rows=True) + 1)
    wb.save(path)
    return path


def numbers_on_every_row(path: Path) -> Path:
    """ "STT hộ" written on every member's row (1, 1, 1, 1, 2, 3, 3…), as a list whose merged cells were undone."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "CCCD", "Thôn",
               "Loại hộ"])  # fmt: skip
    for k, h in enumerate(HOUSES, 1):
        for p in h.people:
            ws.append([k, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, SEX[p.sex], p.ethnicity,
                       p.id_number or None, h.village, CLASS[h.klass]])  # fmt: skip
    wb.save(path)
    return path


def ids_as_numbers(path: Path) -> Path:
    """ID numbers as Excel keeps them in General cells: numbers without their zeros (008092000111 becomes
    8092000111: two zeros lost, Tuyên Quang's 008), as floats, as text ending ".0" copied from another program."""
    forms: list[Callable[[str], Any]] = [int, float, lambda t: t + ".0", lambda t: f"{int(t)}.0"]

    def edit(row: list[Any], n: int) -> None:
        if row[6]:
            row[6] = forms[(n + 2) % len(forms)](row[6])

    return plain_list(path, "Ghi chú", lambda _h, _p, _n: None, edit)


def mac_1904_years(path: Path) -> Path:
    """Excel for Mac's 1904 date system, the birth column formatted as dates, the years alone typed into it
    (Excel then shows 1950 as 05/05/1909), the whole dates as date cells."""
    wb = Workbook()
    wb.epoch = dt.datetime(1904, 1, 1)
    ws = wb.active
    epoch = dt.datetime(1904, 1, 1)

    def birth(p: Man, _n: int) -> Any:
        return dt.datetime(p.born.year, p.born.month, p.born.day) if p.born else epoch + dt.timedelta(days=p.year)

    _fill(ws, 1, [FLAT, *_flat_rows(birth)])
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 5).number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


SHAPES.update(
    {
        "web_export": web_export,
        "checkbox_sex": checkbox_sex,
        "lone_nu_numbers": lone_nu_numbers,
        "codes_per_village_sheet": codes_per_village_sheet,
        "codes_per_village_rows": codes_per_village_rows,
        "numbers_on_every_row": numbers_on_every_row,
        "ids_as_numbers": ids_as_numbers,
        "mac_1904_years": mac_1904_years,
    }
)


def xml_2003_export(path: Path) -> Path:
    """A web program's "Xuất Excel" as "XML Spreadsheet 2003" named .xls (Excel opens it after a warning): a title
    merged across the table, the village and the class merged down over each household's rows, IDs as text,
    years as numbers, whole dates as DateTime cells, an empty row left out with ss:Index, a second sheet of notes."""
    from xml.sax.saxutils import escape

    def cell(value: Any, extra: str = "") -> str:
        if value is None:
            return f"<Cell{extra}/>"
        if isinstance(value, dt.date):
            return f'<Cell{extra}><Data ss:Type="DateTime">{value.isoformat()}T00:00:00.000</Data></Cell>'
        kind = "Number" if isinstance(value, int) else "String"
        return f'<Cell{extra}><Data ss:Type="{kind}">{escape(str(value))}</Data></Cell>'

    rows = ["<Row>" + cell("DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026", ' ss:MergeAcross="8"') + "</Row>"]
    header = [
        "STT",
        "Họ và tên",
        "Quan hệ với chủ hộ",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Thôn",
        "Loại hộ",
    ]
    rows.append('<Row ss:Index="3">' + "".join(cell(h) for h in header) + "</Row>")
    n = 0
    for h in HOUSES:
        for i, p in enumerate(h.people):
            n += 1
            cells = [cell(n), cell(p.name), cell(p.rel), cell(p.born or p.year), cell(SEX[p.sex]), cell(p.ethnicity),
                     cell(p.id_number or None)]  # fmt: skip
            if i == 0:
                down = f' ss:MergeDown="{len(h.people) - 1}"' if len(h.people) > 1 else ""
                cells += [cell(h.village, down), cell(CLASS[h.klass], down)]
            rows.append("<Row>" + "".join(cells) + "</Row>")
    page = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="DanhSach"><Table>' + "".join(rows) + "</Table></Worksheet>"
        '<Worksheet ss:Name="GhiChu"><Table><Row><Cell><Data ss:Type="String">Xuất từ phần mềm ngày 15/01/2026</Data>'
        "</Cell></Row></Table></Worksheet></Workbook>"
    )
    path.write_text(page, encoding="utf-8")
    return path


SHAPES["xml_2003_export"] = xml_2003_export


# -------------------------------------------------------------------------------- a fifth tester's shapes

_TITLE_FORMS = [
    "Hộ ông {name} - {village} ({klass})",
    "Hộ bà {name} - {village} ({klass})",
    "HỘ ÔNG {NAME}, {VILLAGE} - {KLASS}",
    "Hộ anh {name} – {village} ({short})",
    "Chủ hộ: {name}; {village}; {klass}",
]
_SHORT_CLASS = {"poor": "nghèo", "near_poor": "cận nghèo"}


def household_titles(path: Path) -> Path:
    """A district-made list: no village and no class column; each household opened by a row of its own numbered in
    the STT column, its title merged across the others ("1 | Hộ ông Phạm Văn Long - Thôn Đồng Xuân (Hộ nghèo)",
    "HỘ ÔNG HÀ VĂN THẮNG, THÔN TÂN HÒA - HỘ NGHÈO", "Chủ hộ: Đỗ Văn Lành; Thôn Bãi Sậy; Hộ nghèo"), the household's
    people under it, the head among them, unnumbered; a title block above, signatures below."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    header = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Ghi chú"]
    row = _fill(ws, _title(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026", 8), [header])
    for k, h in enumerate(HOUSES, 1):
        head = h.people[0].name
        words = {"name": head, "village": h.village, "klass": CLASS[h.klass], "short": _SHORT_CLASS[h.klass]}
        title = _TITLE_FORMS[k - 1].format(**words, **{key.upper(): value.upper() for key, value in words.items()})
        ws.cell(row, 1, k)
        ws.cell(row, 2, title)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        row += 1
        for p in h.people:
            born: Any = p.born.strftime("%d/%m/%Y") if p.born else p.year
            row = _fill(ws, row, [[None, p.name, p.rel, born, SEX[p.sex], p.ethnicity, p.id_number or None]])
    ws.cell(row, 2, "Tổng cộng: 5 hộ, 13 khẩu")
    _sign(ws, row + 1)
    wb.save(path)
    return path


def class_sections(path: Path) -> Path:
    """Households grouped by class, then by village: "I. HỘ NGHÈO" / "II. HỘ CẬN NGHÈO" section rows (the Roman
    number in the STT column), "1. Thôn Đồng Xuân" under them, each household opened by a title row "Hộ ông Phạm
    Văn Long" (its number in the STT column, the title merged across), its people numbered 1, 2… under it."""
    wb = Workbook()
    ws = wb.active
    header = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Ghi chú"]
    row = _fill(ws, _title(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026", 8), [header])
    for roman, klass in (("I", "poor"), ("II", "near_poor")):
        row = _fill(ws, row, [[roman, CLASS[klass].upper()]])
        homes = [h for h in HOUSES if h.klass == klass]
        for v, village in enumerate(dict.fromkeys(h.village for h in homes), 1):
            row = _fill(ws, row, [[None, f"{v}. {village}"]])
            for k, h in enumerate([h for h in homes if h.village == village], 1):
                ws.cell(row, 1, k)
                ws.cell(row, 2, f"Hộ {'ông' if h.people[0].sex == 'M' else 'bà'} {h.people[0].name}")
                ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
                row += 1
                for n, p in enumerate(h.people, 1):
                    born: Any = p.born.strftime("%d/%m/%Y") if p.born else p.year
                    row = _fill(ws, row, [[n, p.name, p.rel, born, SEX[p.sex], p.ethnicity, p.id_number or None]])
    _sign(ws, row + 1)
    wb.save(path)
    return path


def mac_1904_serials(path: Path) -> Path:
    """Excel for Mac's 1904 date system, the births left as serial numbers in General cells (counted from
    01/01/1904, as that workbook counts them), the years alone as numbers."""
    wb = Workbook()
    wb.epoch = dt.datetime(1904, 1, 1)
    ws = wb.active

    def birth(p: Man, _n: int) -> Any:
        return (p.born - D(1904, 1, 1)).days if p.born else p.year

    _fill(ws, 1, [FLAT, *_flat_rows(birth)])
    wb.save(path)
    return path


SHAPES.update(
    {"household_titles": household_titles, "class_sections": class_sections, "mac_1904_serials": mac_1904_serials}
)


def titled_heads(path: Path) -> Path:
    """ "Ông Phạm Văn Long", "Bà Lò Thị Xuân": the head's name written with the title a letter gives him, in the one
    column of everyone's names (the members' names bare)."""

    def edit(row: list[Any], n: int) -> None:
        _home, place, person, _n = everyone()[n - 1]
        if place == 0:
            row[1] = ("Ông " if person.sex == "M" else "Bà ") + person.name

    return plain_list(path, "Ghi chú", lambda _h, _p, _n: None, edit)


def excel_month_first(path: Path) -> Path:
    """Typed day first into an Excel set to month first (an English-language Windows): "09/04/1978" became a date
    cell of 4 September 1978 (each day up to 12), "30/11/2012" stayed text (Excel could not read it)."""

    def edit(row: list[Any], n: int) -> None:
        born = everyone()[n - 1][2].born
        if born is not None and born.day <= 12:
            row[3] = dt.datetime(born.year, born.day, born.month)

    return plain_list(path, "Ghi chú", lambda _h, _p, _n: None, edit)


SHAPES["titled_heads"] = titled_heads


def _second_table(path: Path, *, titled: bool) -> Path:
    """The poor households' table, then further down the near-poor ones' under a header of their own whose columns
    are in another order (typed separately); ``titled``: a title "DANH SÁCH HỘ CẬN NGHÈO" above it and no class
    column (the titles say the class), else "TỔNG CỘNG" straight above it and a class column in both."""
    wb = Workbook()
    ws = wb.active
    head = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn", "Loại hộ"]
    width = 8 if titled else 9
    row = _title(ws, "DANH SÁCH HỘ NGHÈO NĂM 2026" if titled else "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026", width)
    orders = {"poor": list(range(width)), "near_poor": [0, 7, 1, 3, 2, 4, 5, 6, 8][:width]}
    for klass in ("poor", "near_poor"):
        if klass == "near_poor" and titled:
            row = _fill(ws, row + 1, [["DANH SÁCH HỘ CẬN NGHÈO NĂM 2026"], []])
        order = orders[klass]
        row = _fill(ws, row, [[head[j] for j in order]])
        people = [(h, p) for h in HOUSES if h.klass == klass for p in h.people]
        for n, (h, p) in enumerate(people, 1):
            cells = [n, p.name, p.rel, p.born.strftime("%d/%m/%Y") if p.born else p.year, SEX[p.sex], p.ethnicity,
                     p.id_number or None, h.village, CLASS[h.klass]]  # fmt: skip
            row = _fill(ws, row, [[cells[j] for j in order]])
        row = _fill(ws, row, [[None, f"Cộng: {len(people)} người" if titled else f"TỔNG CỘNG: {len(people)} người"]])
    _sign(ws, row + 1)
    wb.save(path)
    return path


SHAPES["second_table_titled"] = lambda path: _second_table(path, titled=True)
SHAPES["second_table_after_total"] = lambda path: _second_table(path, titled=False)


def utc_export(path: Path) -> Path:
    """:func:`xml_2003_export` of a web program that keeps its dates in UTC: each birth at Vietnam's midnight,
    17:00 of the day before ("1978-04-08T17:00:00")."""
    xml_2003_export(path)
    text = path.read_text("utf-8")
    for _h, _i, p, _n in everyone():
        if p.born:
            utc = dt.datetime(p.born.year, p.born.month, p.born.day) - dt.timedelta(hours=7)
            text = text.replace(f"{p.born.isoformat()}T00:00:00.000", f"{utc.isoformat()}.000")
    path.write_text(text, "utf-8")
    return path


SHAPES["utc_export"] = utc_export
