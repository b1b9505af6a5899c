"""Household lists in the shapes communes really keep, written the way Excel and people write them.

Every shape carries the same small register (:data:`HOUSEHOLDS`: three villages, codes such as
"DX0001", poor and near-poor households, ID numbers) so a test can import any of them and
compare the register it leaves with :func:`expected`.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


@dataclass
class Person:
    name: str
    rel: str
    born: dt.date
    sex: str  # 'M' | 'F'
    id_number: str = ""
    ethnicity: str = "Kinh"
    status: str = ""  # Mẫu 01 "Tình trạng"


@dataclass
class House:
    code: str
    village: str  # as the commune names it
    klass: str  # 'poor' | 'near_poor'
    cause: str  # the official wording
    people: list[Person]


HOUSEHOLDS: list[House] = [
    House(
        "DX0001",
        "Thôn Đồng Xuân",
        "poor",
        "Không có đất sản xuất",
        [
            Person("Nguyễn Văn Đức", "Chủ hộ", dt.date(1960, 3, 4), "M", "025060000011", status="Có việc làm"),
            Person("Trần Thị Hoa", "Vợ", dt.date(1962, 5, 6), "F", "025162000022", status="Không có việc làm"),
            Person("Nguyễn Văn Nam", "Con", dt.date(2008, 7, 1), "M", "", status="Đang đi học"),
        ],
    ),
    House(
        "DX0002",
        "Thôn Đồng Xuân",
        "near_poor",
        "Có người ốm đau, bệnh nặng, tai nạn",
        [
            Person("Lê Thị Mai", "Chủ hộ", dt.date(1955, 1, 20), "F", "025155000033"),
            Person("Lê Văn Tâm", "Con", dt.date(1985, 11, 2), "M", "025085000044"),
        ],
    ),
    House(
        "TH0001",
        "Thôn Tân Hòa",
        "poor",
        "Không có vốn sản xuất, kinh doanh",
        [
            Person("Lò Văn Sáng", "Chủ hộ", dt.date(1970, 2, 2), "M", "014070000055", "Thái"),
            Person("Lò Thị Xuân", "Vợ", dt.date(1972, 9, 9), "F", "014172000066", "Thái"),
            Person("Lò Văn Tủa", "Con", dt.date(2005, 8, 12), "M", "014205000077", "Thái"),
            Person("Lò Thị Én", "Con", dt.date(2012, 4, 30), "F", "", "Thái"),
        ],
    ),
    House(
        "BS0001",
        "Thôn Bãi Sậy",
        "near_poor",
        "Không có lao động",
        [Person("Phạm Văn Hùng", "Chủ hộ", dt.date(1948, 12, 31), "M", "025048000088")],
    ),
]

CLASS_WORDS = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
SHORT_CLASS = {"poor": "HN", "near_poor": "HCN"}
SEX_WORDS = {"M": "Nam", "F": "Nữ"}


def expected() -> dict[str, dict[str, Any]]:
    """code → {village, class, members: {name: id_number or None}} of :data:`HOUSEHOLDS`."""
    return {
        h.code: {
            "village": h.village,
            "class": h.klass,
            "members": {p.name: p.id_number or None for p in h.people},
            "head": h.people[0].name,
        }
        for h in HOUSEHOLDS
    }


def short_village(name: str) -> str:
    return name.replace("Thôn ", "")


def dmy(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


def title_block(ws: Worksheet, title: str, width: int) -> None:
    ws.append(["UBND XÃ TÂN LẬP", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append([None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    ws.append([title])
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    ws.append([])


def signature_footer(ws: Worksheet, name_col: int = 2, right_col: int = 9) -> None:
    """The footer every official list ends with: date line, who prepared it, the chairman."""
    ws.append([])
    row: list[str | None] = [None] * right_col
    row[right_col - 1] = "Tân Lập, ngày 15 tháng 12 năm 2025"
    ws.append(row)
    row = [None] * right_col
    row[name_col - 1] = "Người lập biểu"
    row[right_col - 1] = "CHỦ TỊCH UBND XÃ"
    ws.append(row)
    row = [None] * right_col
    row[name_col - 1] = "(Ký, ghi rõ họ tên)"
    row[right_col - 1] = "(Ký tên, đóng dấu)"
    ws.append(row)
    ws.append([])
    row = [None] * right_col
    row[name_col - 1] = "Trần Thị Bình"
    row[right_col - 1] = "Nguyễn Văn An"
    ws.append(row)


# ------------------------------------------------------------------ shapes ----


def footer_list(path: Path) -> Path:
    """One sheet, code on every row, a totals row and a signature footer under the data."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    header = ["STT", "Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD",
              "Dân tộc", "Phân loại hộ", "Nguyên nhân nghèo"]  # fmt: skip
    title_block(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025", len(header))
    ws.append(header)
    n = 0
    for h in HOUSEHOLDS:
        for p in h.people:
            n += 1
            ws.append([n, h.code, h.village, p.name, p.rel, dmy(p.born), SEX_WORDS[p.sex], p.id_number or None,
                       p.ethnicity, CLASS_WORDS[h.klass], h.cause])  # fmt: skip
    ws.append([None, "Tổng cộng: 4 hộ, 10 nhân khẩu"])
    signature_footer(ws, name_col=4, right_col=9)
    wb.save(path)
    return path


def cccd_header_list(path: Path) -> Path:
    """The ID column headed "Số CCCD/ Định danh"; ID numbers as Excel leaves them (numbers, 1.2E+10 text)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ"])
    ws.append(["TT", "Mã hộ", "Thôn, xóm", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính",
               "Số CCCD/ Định danh", "Dân tộc", "Phân loại hộ"])  # fmt: skip
    n = 0
    for h in HOUSEHOLDS:
        for index, p in enumerate(h.people):
            n += 1
            number: Any = p.id_number or None
            if number and n % 3 == 0:
                number = int(number)  # a number cell: the leading zero is lost
            elif number and n % 3 == 1:
                number = float(int(number))  # a float, as a pasted number becomes
            klass = CLASS_WORDS[h.klass] if index == 0 else None
            ws.append([n, h.code if index == 0 else None, short_village(h.village), p.name, p.rel, p.born.year,
                       SEX_WORDS[p.sex], number, p.ethnicity, klass])  # fmt: skip
    wb.save(path)
    return path


def merged_two_row_list(path: Path) -> Path:
    """A two-row merged header: "Thông tin nhân khẩu" over six columns; "Mã hộ", "Thôn, xóm",
    "Phân loại hộ" merged down two rows; the column-number row "A B 1 2 3 …" under it."""
    wb = Workbook()
    ws = wb.active
    title_block(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO", 10)
    top = 5
    ws.append(["STT", "Mã hộ", "Thôn, xóm", "Thông tin nhân khẩu", None, None, None, None, None, "Phân loại hộ"])
    ws.append([None, None, None, "Họ và tên", "Quan hệ với chủ hộ", "Ngày, tháng, năm sinh", "Giới tính",
               "Số CCCD (12 số)", "Dân tộc", None])  # fmt: skip
    for col in (1, 2, 3, 10):
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    ws.merge_cells(start_row=top, start_column=4, end_row=top, end_column=9)
    ws.append(["A", "B", "1", "2", "3", "4", "5", "6", "7", "8"])
    n = 0
    for h in HOUSEHOLDS:
        for index, p in enumerate(h.people):
            n += 1
            ws.append([n, h.code if index == 0 else None, short_village(h.village) if index == 0 else None, p.name,
                       p.rel, p.born, SEX_WORDS[p.sex], p.id_number or None, p.ethnicity,
                       CLASS_WORDS[h.klass] if index == 0 else None])  # fmt: skip
    signature_footer(ws, name_col=4, right_col=9)
    wb.save(path)
    return path


def per_village_workbook(path: Path) -> Path:
    """One sheet per village, a totals sheet first; no village column (the sheet names it); each
    sheet ends with a totals row and a signature footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append(["BẢNG TỔNG HỢP HỘ NGHÈO, HỘ CẬN NGHÈO"])
    ws.append(["TT", "Thôn", "Số hộ nghèo", "Số hộ cận nghèo", "Tổng số hộ"])
    villages = list(dict.fromkeys(h.village for h in HOUSEHOLDS))
    for number, village in enumerate(villages, start=1):
        hs = [h for h in HOUSEHOLDS if h.village == village]
        poor = sum(1 for h in hs if h.klass == "poor")
        ws.append([number, village, poor, len(hs) - poor, len(hs)])
    ws.append([None, "Tổng cộng", 2, 2, 4])
    for village in villages:
        sheet = wb.create_sheet(short_village(village))
        sheet.append([f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO {village.upper()}"])
        sheet.append([])
        sheet.append(["TT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD",
                      "Dân tộc", "Phân loại hộ"])  # fmt: skip
        n = 0
        for h in (h for h in HOUSEHOLDS if h.village == village):
            for index, p in enumerate(h.people):
                n += 1
                klass = SHORT_CLASS[h.klass] if index == 0 else None
                sheet.append([n, h.code if index == 0 else None, p.name, p.rel, dmy(p.born), SEX_WORDS[p.sex],
                              p.id_number or None, p.ethnicity, klass])  # fmt: skip
        sheet.append([None, "Cộng", None, None, None, None, None, None, None])
        signature_footer(sheet, name_col=3, right_col=8)
    wb.save(path)
    return path


def head_member_columns_list(path: Path) -> Path:
    """The province layout: "Họ và tên chủ hộ" on the head's row, "Họ và tên thành viên" on the
    members' rows; code, class and "TT hộ" only on the head's row; sex as x under "Nam"/"Nữ"
    under "Giới tính"; the official cause wordings."""
    wb = Workbook()
    ws = wb.active
    title_block(ws, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO SAU RÀ SOÁT", 12)
    top = 5
    ws.append(["TT hộ", "Mã hộ", "Thôn", "Họ và tên chủ hộ", "Họ và tên thành viên", "Quan hệ với chủ hộ",
               "Năm sinh", "Giới tính", None, "Số định danh cá nhân", "Phân loại hộ", "Nguyên nhân nghèo"])  # fmt: skip
    ws.append([None, None, None, None, None, None, None, "Nam", "Nữ", None, None, None])
    for col in (1, 2, 3, 4, 5, 6, 7, 10, 11, 12):
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    ws.merge_cells(start_row=top, start_column=8, end_row=top, end_column=9)
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)"])
    for number, h in enumerate(HOUSEHOLDS, start=1):
        for index, p in enumerate(h.people):
            head = index == 0
            ws.append([number if head else None, h.code if head else None, h.village if head else None,
                       p.name if head else None, None if head else p.name, None if head else p.rel, p.born.year,
                       "x" if p.sex == "M" else None, "x" if p.sex == "F" else None, p.id_number or None,
                       SHORT_CLASS[h.klass].replace("HN", "Nghèo").replace("HCN", "Cận nghèo") if head else None,
                       h.cause if head else None])  # fmt: skip
    signature_footer(ws, name_col=5, right_col=10)
    wb.save(path)
    return path


def mau01_list(path: Path) -> Path:
    """Mẫu 01's member table (sex "1"/"2", "Tình trạng"), with household columns before it."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Thôn", "Phân loại hộ", "TT", "Họ và tên", "Giới tính (1: Nam; 2: Nữ)",
               "Ngày, tháng, năm sinh", "Quan hệ với chủ hộ (Chủ hộ/vợ/chồng/bố/mẹ/con…)",
               "Tình trạng (Có việc làm/ Không có việc làm/ Đang đi học)", "CCCD/Mã định danh"])  # fmt: skip
    ws.append([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    for h in HOUSEHOLDS:
        for index, p in enumerate(h.people):
            ws.append([h.code, short_village(h.village), SHORT_CLASS[h.klass] if index == 0 else None, index + 1,
                       p.name, 1 if p.sex == "M" else 2, dmy(p.born), p.rel, p.status or None,
                       p.id_number or None])  # fmt: skip
    wb.save(path)
    return path


def csv_bytes(encoding: str, *, bom: bool = False) -> bytes:
    """The register as a CSV file in ``encoding`` ("utf-8", "utf-16", "cp1258", …)."""
    lines = ["Mã hộ;Thôn;Họ và tên;Quan hệ với chủ hộ;Ngày sinh;Giới tính;Số CCCD;Phân loại hộ"]
    for h in HOUSEHOLDS:
        for index, p in enumerate(h.people):
            lines.append(";".join([h.code, h.village, p.name, p.rel, dmy(p.born), SEX_WORDS[p.sex], p.id_number,
                                   CLASS_WORDS[h.klass] if index == 0 else ""]))  # fmt: skip
    text = "\r\n".join(lines) + "\r\n"
    if encoding == "cp1258":
        return to_cp1258(text)
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter plus a combining tone mark."""
    import unicodedata

    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = [c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323"]
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


def control_character_list(path: Path) -> Path:
    """A name with a BEL character pasted into it, stored as Excel stores it ("_x0007_")."""
    source = path.with_name("control-source.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Ghi chú"])
    ws.append(["DX0001", "Thôn Đồng Xuân", "Nguyễn Văn Đức", "Chủ hộ", "dán từ web"])
    ws.append(["DX0002", "Thôn Đồng Xuân", "Lê Thị§ Mai", "Chủ hộ", None])
    wb.save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item, original.read(item.filename).replace("§".encode(), b"_x0007_"))
    return path


def control_character_csv() -> bytes:
    return "Mã hộ,Thôn,Họ và tên,Quan hệ với chủ hộ\nDX0001,Thôn Đồng Xuân,Nguyễn\x1b Văn Đức,Chủ hộ\n".encode()


def zip_bomb(path: Path, unpacked_mb: int = 310) -> Path:
    """An xlsx of a few hundred KB whose sheet unpacks to ``unpacked_mb`` MB of blank XML."""
    source = footer_list(path.with_name("bomb-source.xlsx"))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                with out.open(item.filename, "w", force_zip64=True) as handle:
                    head, tail = data.split(b"</sheetData>", 1)
                    handle.write(head)
                    chunk = b" " * (1024 * 1024)
                    for _ in range(unpacked_mb):
                        handle.write(chunk)
                    handle.write(b"</sheetData>" + tail)
            else:
                out.writestr(item, data)
    return path


SHAPES = {
    "footer": footer_list,
    "cccd_header": cccd_header_list,
    "merged_two_row": merged_two_row_list,
    "per_village": per_village_workbook,
    "head_member_columns": head_member_columns_list,
    "mau01": mau01_list,
}
