"""Household lists typed the way commune officers type them (independent of tests/list_shapes.py).

One small register (:data:`HOUSES`: three villages, four households, fifteen people) written in
each shape an officer's Excel file really takes: ID numbers mangled by Excel, dates typed every
which way, codes merged over the members' rows, title blocks, two tables on one sheet, Mac text,
CSV saved by Vietnamese Excel. :func:`expected` is what the register must hold afterwards.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet


@dataclass
class Man:
    name: str
    rel: str  # as the officer writes it
    rel_code: str  # what the register holds
    sex: str  # 'M' | 'F'
    date: dt.date | None  # full date when the list knows it
    year: int
    id_number: str = ""
    ethnicity: str = "Kinh"
    eth_code: str = "01"


@dataclass
class House:
    code: str
    village: str
    klass: str  # the word on the list
    class_code: str
    people: list[Man]


D = dt.date
HOUSES: list[House] = [
    House(
        "DX01",
        "Thôn Đồng Xuân",
        "Hộ nghèo",
        "poor",
        [
            Man("Nguyễn Văn Hùng", "Chủ hộ", "01", "M", D(1980, 3, 12), 1980, "079080001234"),
            Man("Lê Thị Lan", "Vợ", "02", "F", None, 1982, "001182004321"),
            Man("Nguyễn Văn Minh", "Con", "04", "M", D(2008, 5, 1), 2008, ""),
        ],
    ),
    House(
        "TH01",
        "Thôn Tân Hòa",
        "CN",
        "near_poor",
        [
            Man("Hoàng Văn Sáu", "CH", "01", "M", None, 1950, "090123456", "Tày", "02"),
            Man("Nông Thị Bích", "Vợ", "02", "F", None, 1955, "", "Tày", "02"),
            Man("Hoàng Văn Tú", "Con", "04", "M", D(1988, 1, 5), 1988, "019088000555", "Tày", "02"),
            Man("Hoàng Thị Mai", "Con dâu", "07", "F", D(1990, 11, 20), 1990, "", "Tày", "02"),
        ],
    ),
    House(
        "BS01",
        "Thôn Bãi Sậy",
        "Hộ nghèo DTTS",
        "poor",
        [
            Man("Giàng A Páo", "chủ hộ", "01", "M", None, 1975, "012075000111", "H'Mông", "08"),
            Man("Sùng Thị Mỷ", "Vợ", "02", "F", None, 1978, "", "Mông", "08"),
            Man("Giàng A Lử", "Con đẻ", "04", "M", D(2005, 1, 2), 2005, "", "HMông", "08"),
            Man("Giàng Thị Dua", "Cháu", "23", "F", None, 2015, "", "Mông", "08"),
        ],
    ),
    House(
        "DX02",
        "Thôn Đồng Xuân",
        "Thoát nghèo",
        "newly_escaped",
        [
            Man("Trần Văn Bốn", "Chủ hộ", "01", "M", None, 1948, "", "Kinh (Việt)"),
            Man("Phạm Thị Gái", "Vợ", "02", "F", None, 1950, ""),
            Man("Trần Văn Năm", "Con", "04", "M", D(1975, 6, 30), 1975, "038075009999"),
            Man("Đỗ Thị Hạnh", "Con dâu", "07", "F", D(1977, 2, 14), 1977, "038177001111"),
            Man("Trần Thị Ngọc", "Cháu", "23", "F", D(2001, 9, 9), 2001, ""),
        ],
    ),
]
VILLAGES = ["Thôn Đồng Xuân", "Thôn Tân Hòa", "Thôn Bãi Sậy"]


def expected(houses: list[House] | None = None, *, dates: bool = True) -> dict[str, dict[str, Any]]:
    """code → village, class, members {name: (relationship, sex, birth date, year, ID, ethnicity)}."""
    result: dict[str, dict[str, Any]] = {}
    for h in houses or HOUSES:
        result[h.code] = {
            "village": h.village,
            "class": h.class_code,
            "members": {
                p.name: (
                    p.rel_code,
                    p.sex,
                    p.date.isoformat() if p.date and dates else None,
                    p.year,
                    p.id_number,
                    p.eth_code,
                )
                for p in h.people
            },
        }
    return result


def imported(db: Any) -> dict[str, dict[str, Any]]:
    """The register as :func:`expected` describes it."""
    result: dict[str, dict[str, Any]] = {}
    for h in db.rows(
        "SELECT h.id, h.code, h.poverty_class, v.name AS village FROM household h "
        "JOIN village v ON v.id = h.village_id WHERE h.deleted_at IS NULL"
    ):
        result[h["code"]] = {
            "village": h["village"],
            "class": h["poverty_class"],
            "members": {
                m["full_name"]: (
                    m["relationship_code"],
                    m["sex"],
                    m["birth_date"],
                    m["birth_year"],
                    m["id_number"] or "",
                    m["ethnicity_code"],
                )
                for m in db.rows("SELECT * FROM member WHERE household_id = ?", (h["id"],))
            },
        }
    return result


# ----------------------------------------------------------------------------- the ways people type


def _sex(p: Man) -> str:
    return "Nam" if p.sex == "M" else "Nữ"


def _date_typed(p: Man, i: int) -> Any:
    """The birth date as one officer or another types it (cycling through the usual forms)."""
    if p.date is None:
        return [p.year, str(p.year)][i % 2]  # year only, a number or text
    d = p.date
    forms: list[Any] = [
        dt.datetime(d.year, d.month, d.day),  # a real Excel date
        f"{d.day}/{d.month}/{d.year}",  # 12/3/1980
        f"{d.day:02d}-{d.month:02d}-{d.year}",  # 12-03-1980
        (d - D(1899, 12, 30)).days,  # a serial number (the format lost)
        f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",  # two-digit year
        f"{d.day:02d}.{d.month:02d}.{d.year}",
    ]
    return forms[i % len(forms)]


def _id_typed(ws: Worksheet, row: int, col: int, p: Man, i: int) -> None:
    """The ID number as Excel leaves it: a number (leading 0 lost, shown 1.23E+11), text, spaced, dotted."""
    cell = ws.cell(row, col)
    if not p.id_number:
        return
    form = i % 5
    if form == 0:
        cell.value = int(p.id_number)  # a number: the leading zero is gone
        cell.number_format = "0.00E+00"
    elif form == 1:
        cell.value = p.id_number
        cell.quotePrefix = True  # typed with a leading apostrophe
    elif form == 2:
        cell.value = " ".join(p.id_number[k : k + 3] for k in range(0, len(p.id_number), 3))
    elif form == 3:
        cell.value = ".".join(p.id_number[k : k + 3] for k in range(0, len(p.id_number), 3))
    else:
        cell.value = int(p.id_number)
        cell.number_format = "General"


HEADER = [
    "STT",
    "Họ và tên",
    "Quan hệ với chủ hộ",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Dân tộc",
    "Thôn",
    "Mã hộ",
    "Phân loại hộ",
]


def _plain_rows(ws: Worksheet, top: int, houses: list[House], *, left: int = 1) -> int:
    row = top
    n = 0
    for h in houses:
        for p in h.people:
            n += 1
            values = [n, p.name, p.rel, _sex(p), _date_typed(p, n), None, p.ethnicity, h.village, h.code, h.klass]
            for c, v in enumerate(values, left):
                ws.cell(row, c, v)
            _id_typed(ws, row, left + 5, p, n)
            row += 1
    return row


def ids_and_dates(path: Path) -> Path:
    """One plain table; IDs and dates in every form Excel and people leave them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for c, title in enumerate(HEADER, 1):
        ws.cell(1, c, title)
    _plain_rows(ws, 2, HOUSES)
    wb.save(path)
    return path


def years_only(path: Path) -> Path:
    """A "Năm sinh" column holding years only (numbers)."""
    wb = Workbook()
    ws = wb.active
    header = [
        "TT",
        "Họ và tên",
        "Năm sinh",
        "Giới tính",
        "Quan hệ",
        "Số CMND/CCCD",
        "Dân tộc",
        "Thôn",
        "Mã hộ",
        "Phân loại",
    ]
    for c, title in enumerate(header, 1):
        ws.cell(1, c, title)
    row = 2
    for h in HOUSES:
        for p in h.people:
            for c, v in enumerate(
                [row - 1, p.name, p.year, _sex(p), p.rel, p.id_number, p.ethnicity, h.village, h.code, h.klass], 1
            ):
                ws.cell(row, c, v)
            row += 1
    wb.save(path)
    return path


def birth_by_sex(path: Path) -> Path:
    """Old household-register style: "Ngày sinh Nam" / "Ngày sinh Nữ", the date under the column of the sex."""
    wb = Workbook()
    ws = wb.active
    header = [
        "STT",
        "Họ và tên",
        "Quan hệ với chủ hộ",
        "Ngày sinh Nam",
        "Ngày sinh Nữ",
        "CCCD",
        "Dân tộc",
        "Thôn",
        "Mã hộ",
        "Loại hộ",
    ]
    for c, title in enumerate(header, 1):
        ws.cell(1, c, title)
    row, n = 2, 0
    for h in HOUSES:
        for p in h.people:
            n += 1
            born = p.date.strftime("%d/%m/%Y") if p.date else p.year
            ws.cell(row, 1, n)
            ws.cell(row, 2, p.name)
            ws.cell(row, 3, p.rel)
            ws.cell(row, 4 if p.sex == "M" else 5, born)
            ws.cell(row, 6, p.id_number)
            ws.cell(row, 7, p.ethnicity)
            ws.cell(row, 8, h.village)
            ws.cell(row, 9, h.code)
            ws.cell(row, 10, h.klass)
            row += 1
    wb.save(path)
    return path


def _grouped(ws: Worksheet, top: int, *, merge: bool, per_house_stt: bool = True, left: int = 1) -> int:
    """Household code, village, class written once per household (merged down over the members' rows or
    on the head's row only); STT counts the members 1..n in each household."""
    header = [
        "Mã hộ",
        "Thôn",
        "Phân loại hộ",
        "STT",
        "Họ và tên",
        "Quan hệ với chủ hộ",
        "Giới tính",
        "Ngày sinh",
        "Số CCCD/ Định danh",
        "Dân tộc",
        "Ghi chú",
    ]
    for c, v in enumerate(header, left):
        ws.cell(top, c, v)
    row = top + 1
    n = 0
    for h in HOUSES:
        first = row
        for k, p in enumerate(h.people, 1):
            n += 1
            ws.cell(row, left + 3, k if per_house_stt else n)
            ws.cell(row, left + 4, p.name)
            ws.cell(row, left + 5, p.rel)
            ws.cell(row, left + 6, _sex(p))
            ws.cell(row, left + 7, _date_typed(p, n))
            _id_typed(ws, row, left + 8, p, n)
            ws.cell(row, left + 9, p.ethnicity)
            row += 1
        for c, v in ((left, h.code), (left + 1, h.village), (left + 2, h.klass)):
            ws.cell(first, c, v)
            if merge and row - 1 > first:
                ws.merge_cells(start_row=first, start_column=c, end_row=row - 1, end_column=c)
                ws.cell(first, c).alignment = Alignment(vertical="center")
        ws.cell(first, left + 10, "Hộ có người khuyết tật" if h.code == "TH01" else None)
    return row


def merged_codes(path: Path) -> Path:
    """Code, village and class merged vertically over each household's rows."""
    wb = Workbook()
    _grouped(wb.active, 1, merge=True)
    wb.save(path)
    return path


def head_row_only(path: Path) -> Path:
    """Code, village and class on the head's row only; the members' rows blank there."""
    wb = Workbook()
    _grouped(wb.active, 1, merge=False)
    wb.save(path)
    return path


def title_block(path: Path) -> Path:
    """Two title rows, a right-aligned "Biểu số" note, the list title, header on row 8; frozen panes,
    a hidden column, an autofilter, a leading empty column A, a "Ghi chú" column, STT restarting per
    household, a footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS hộ nghèo 2025"
    ws["B1"] = "UBND XÃ TÂN LẬP"
    ws["G1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["G2"] = "Độc lập - Tự do - Hạnh phúc"
    ws["L3"] = "Biểu số 01"
    ws["L3"].alignment = Alignment(horizontal="right")
    ws["B5"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"
    ws.merge_cells("B5:L5")
    ws["B6"] = "(Kèm theo Quyết định số 125/QĐ-UBND ngày 15/12/2025 của UBND xã)"
    ws.merge_cells("B6:L6")
    end = _grouped(ws, 8, merge=True, left=2)
    ws.freeze_panes = "D9"
    ws.auto_filter.ref = f"B8:L{end - 1}"
    ws.column_dimensions["L"].hidden = True
    ws.cell(end + 1, 8, "Tân Lập, ngày 20 tháng 12 năm 2025")
    ws.cell(end + 2, 3, "Người lập biểu")
    ws.cell(end + 2, 8, "CHỦ TỊCH")
    ws.cell(end + 5, 3, "Trần Thị Bình")
    ws.cell(end + 5, 8, "Nguyễn Văn An")
    wb.save(path)
    return path


def two_tables(path: Path) -> Path:
    """I. HỘ NGHÈO … / II. HỘ CẬN NGHÈO … / III. HỘ MỚI THOÁT NGHÈO on one sheet, the header row copied
    again above each table, no class column."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "DANH SÁCH HỘ NGHÈO, CẬN NGHÈO, MỚI THOÁT NGHÈO XÃ TÂN LẬP NĂM 2025"
    header = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Giới tính", "Ngày sinh", "Số CCCD", "Dân tộc", "Thôn", "Mã hộ"]
    row = 3
    for title, klass in (
        ("I. HỘ NGHÈO", "poor"),
        ("II. HỘ CẬN NGHÈO", "near_poor"),
        ("III. HỘ MỚI THOÁT NGHÈO", "newly_escaped"),
    ):
        ws.cell(row, 1, title)
        row += 1
        for c, title in enumerate(header, 1):
            ws.cell(row, c, title)
        row += 1
        n = 0
        for h in HOUSES:
            if h.class_code != klass:
                continue
            for p in h.people:
                n += 1
                for c, v in enumerate(
                    [n, p.name, p.rel, _sex(p), _date_typed(p, n), None, p.ethnicity, h.village, h.code], 1
                ):
                    ws.cell(row, c, v)
                _id_typed(ws, row, 6, p, n)
                row += 1
        ws.cell(row, 1, "Cộng")
        ws.cell(row, 2, f"{n} người")
        row += 2
    wb.save(path)
    return path


def _messy(name: str, k: int) -> str:
    form = k % 4
    if form == 0:
        return unicodedata.normalize("NFD", name)  # typed on a Mac
    if form == 1:
        return name.replace(" ", "\u00a0") + " "  # non-breaking spaces (copied from the web), a trailing space
    if form == 2:
        return "  " + unicodedata.normalize("NFD", name) + "\u00a0"
    return name + "  "


def mac_text(path: Path) -> Path:
    """Every text cell decomposed (NFD, from a Mac) or with non-breaking and trailing spaces."""
    wb = Workbook()
    ws = wb.active
    for c, v in enumerate(HEADER, 1):
        ws.cell(1, c, unicodedata.normalize("NFD", v))
    row, n = 2, 0
    for h in HOUSES:
        for p in h.people:
            n += 1
            values = [
                n,
                _messy(p.name, n),
                _messy(p.rel, n + 1),
                _messy(_sex(p), n),
                _date_typed(p, n),
                p.id_number,
                _messy(p.ethnicity, n),
                _messy(h.village, n + 2),
                h.code + " ",
                _messy(h.klass, n),
            ]
            for c, v in enumerate(values, 1):
                ws.cell(row, c, v)
            row += 1
    wb.save(path)
    return path


def all_caps(path: Path) -> Path:
    """Names in capitals (as many officers type heads of household)."""
    wb = Workbook()
    ws = wb.active
    for c, v in enumerate(HEADER, 1):
        ws.cell(1, c, v.upper())
    row, n = 2, 0
    for h in HOUSES:
        for p in h.people:
            n += 1
            values = [
                n,
                p.name.upper(),
                p.rel.upper(),
                _sex(p).upper(),
                _date_typed(p, n),
                p.id_number,
                p.ethnicity.upper(),
                h.village.upper(),
                h.code,
                h.klass.upper(),
            ]
            for c, v in enumerate(values, 1):
                ws.cell(row, c, v)
            row += 1
    wb.save(path)
    return path


# TCVN3 (ABC, .VnTime fonts): the letters as the old fonts store them (capitals with tones: .VnTimeH, not here)
_TCVN3 = {
    "ễ": "Ô",
    "ù": "ï",
    "ă": "¨",
    "ò": "ß",
    "à": "µ",
    "ị": "Þ",
    "ơ": "¬",
    "á": "¸",
    "ậ": "Ë",
    "ạ": "¹",
    "ã": "·",
    "ố": "è",
    "ọ": "ä",
    "ấ": "Ê",
    "ầ": "Ç",
    "ệ": "Ö",
    "ủ": "ñ",
    "đ": "®",
    "Đ": "§",
    "ê": "ª",
    "â": "©",
    "ô": "«",
    "ồ": "å",
    "ó": "ã",
    "ề": "Ò",
    "ỷ": "û",
    "ử": "ö",
    "ỳ": "ú",
    "ú": "ó",
    "ì": "×",
    "í": "Ý",
    "ộ": "é",
    "ả": "¶",
    "ớ": "í",
    "ự": "ù",
    "ợ": "î",
    "ờ": "ê",
    "ổ": "æ",
    "ĩ": "Ü",
    "ỉ": "Ø",
    "ẽ": "Ï",
    "ẹ": "Ñ",
    "ở": "ë",
    "é": "Ð",
    "è": "Ì",
    "ụ": "ô",
    "ằ": "»",
    "ắ": "¾",
    "ẩ": "È",
    "ẳ": "¼",
    "ẵ": "½",
    "ặ": "Æ",
    "ẫ": "É",
    "ẻ": "Î",
    "ế": "Õ",
    "ể": "Ó",
    "ỏ": "á",
    "õ": "â",
    "ỗ": "ç",
    "ỡ": "ì",
    "ũ": "ò",
    "ư": "\u00ad",
    "ừ": "õ",
    "ứ": "ø",
    "ữ": "÷",
    "ý": "ý",
    "ỹ": "ü",
    "ỵ": "þ",
    "Ă": "¡",
    "Â": "¢",
    "Ê": "£",
    "Ô": "¤",
    "Ơ": "¥",
    "Ư": "¦",
}


def tcvn3(text: str) -> str:
    return "".join(_TCVN3.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def legacy_font(path: Path) -> Path:
    """The whole list typed in a .VnTime font (TCVN3): "Hä vµ tªn", "NguyÔn V¨n Hïng"."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = tcvn3("DANH SÁCH HỘ NGHÈO")
    for c, title in enumerate(HEADER, 1):
        ws.cell(3, c, tcvn3(title))
    row, n = 4, 0
    for h in HOUSES:
        for p in h.people:
            n += 1
            for c, v in enumerate(
                [
                    n,
                    tcvn3(p.name),
                    tcvn3(p.rel),
                    tcvn3(_sex(p)),
                    p.year,
                    p.id_number,
                    tcvn3(p.ethnicity),
                    tcvn3(h.village),
                    h.code,
                    tcvn3(h.klass),
                ],
                1,
            ):
                ws.cell(row, c, v)
            row += 1
    wb.save(path)
    return path


def legacy_names(path: Path) -> Path:
    """Unicode headers (the template) but names pasted from an old TCVN3 file."""
    wb = Workbook()
    ws = wb.active
    for c, title in enumerate(HEADER, 1):
        ws.cell(1, c, title)
    row, n = 2, 0
    for h in HOUSES:
        for p in h.people:
            n += 1
            for c, v in enumerate(
                [n, tcvn3(p.name), p.rel, _sex(p), p.year, p.id_number, p.ethnicity, h.village, h.code, h.klass], 1
            ):
                ws.cell(row, c, v)
            row += 1
    wb.save(path)
    return path


def _csv_rows() -> list[list[str]]:
    rows = [HEADER]
    n = 0
    for h in HOUSES:
        for p in h.people:
            n += 1
            born = p.date.strftime("%d/%m/%Y") if p.date else str(p.year)
            # what Excel writes for an ID cell held as a number: the digits without the leading zero
            id_text = p.id_number.lstrip("0") if p.id_number and n % 2 else p.id_number
            rows.append([str(n), p.name, p.rel, _sex(p), born, id_text, p.ethnicity, h.village, h.code, h.klass])
    return rows


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: base letters precomposed where the code page has
    them (â, ê, ô, ă, ơ, ư, đ), tone marks as combining characters."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def csv_windows(path: Path) -> Path:
    """CSV saved by Excel on a Vietnamese-locale Windows: cp1258, ';' between fields, CRLF."""
    lines = [";".join(r) for r in _csv_rows()]
    path.write_bytes(b"\r\n".join(_cp1258(line) for line in lines) + b"\r\n")
    return path


def csv_utf8(path: Path) -> Path:
    """CSV UTF-8 (Excel's "CSV UTF-8"): BOM, ',' between fields, quoted where needed."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_csv_rows())
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


SHAPES: dict[str, Callable[[Path], Path]] = {
    "ids_and_dates": ids_and_dates,
    "years_only": years_only,
    "birth_by_sex": birth_by_sex,
    "merged_codes": merged_codes,
    "head_row_only": head_row_only,
    "title_block": title_block,
    "two_tables": two_tables,
    "mac_text": mac_text,
    "all_caps": all_caps,
}
