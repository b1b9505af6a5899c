"""Household lists made the way commune officers really make them, by a tester who had not read the importer.

Independent of tests/list_shapes.py and tests/real_lists.py: one small register (:data:`HOUSES`: three
villages, five households, thirteen people, a 9-digit CMND, a Tày and a Mông family) written in the
habits of real commune files: the Sở's template with its title block and a class ticked under "Hộ nghèo" /
"Hộ cận nghèo", villages as group rows with "Cộng thôn …" subtotals and STT restarting per village,
members listed under the head with "-" bullets, heads in capitals, a "TT" numbering households only,
dates as "12.03.1980", "1985", "/1985" or "…/…/1985", ID numbers spaced, dotted or as Excel numbers, a
second table below the first, CSV saved by Vietnamese Excel, a "Chủ hộ" column ticked with x.
:func:`expected` is what the register must hold afterwards, keyed by the head's name (most of these
lists carry no household code).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet


@dataclass
class Person:
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
class House:
    code: str
    village: str  # the village's name as the commune declared it
    short: str  # as the lists write it in group rows and sheet names
    klass: str  # 'poor' | 'near_poor'
    people: list[Person] = field(default_factory=list)


D = dt.date
HOUSES: list[House] = [
    House(
        "DX01",
        "Thôn Đồng Xuân",
        "Đồng Xuân",
        "poor",
        [
            Person("Nguyễn Văn Hùng", "Chủ hộ", "01", "M", D(1980, 3, 12), 1980, "025080000101"),
            Person("Lê Thị Lan", "Vợ", "02", "F", None, 1982, "025182000102"),
            Person("Nguyễn Văn Minh", "Con", "04", "M", D(2008, 5, 1), 2008),
        ],
    ),
    House(
        "DX02",
        "Thôn Đồng Xuân",
        "Đồng Xuân",
        "near_poor",
        [
            Person("Trần Thị Bưởi", "Chủ hộ", "01", "F", None, 1950, "131234567"),
            Person("Trần Văn Cam", "Con", "04", "M", D(1975, 10, 20), 1975, "025075000203"),
        ],
    ),
    House(
        "TH01",
        "Thôn Tân Hòa",
        "Tân Hòa",
        "poor",
        [
            Person("Hoàng Văn Sáu", "Chủ hộ", "01", "M", None, 1965, "025065000301", "Tày", "02"),
            Person("Nông Thị Bích", "Vợ", "02", "F", None, 1968, "", "Tày", "02"),
            Person("Hoàng Thị Mai", "Con", "04", "F", D(2010, 1, 5), 2010, "", "Tày", "02"),
        ],
    ),
    House(
        "TH02",
        "Thôn Tân Hòa",
        "Tân Hòa",
        "poor",
        [
            Person("Đinh Văn Tư", "Chủ hộ", "01", "M", D(1990, 7, 7), 1990, "025090000401"),
            Person("Bùi Thị Năm", "Vợ", "02", "F", D(1992, 12, 31), 1992, "025192000402", "Mường", "04"),
        ],
    ),
    House(
        "BS01",
        "Thôn Bãi Sậy",
        "Bãi Sậy",
        "near_poor",
        [
            Person("Giàng A Páo", "Chủ hộ", "01", "M", None, 1975, "025075000501", "Mông", "08"),
            Person("Sùng Thị Mỷ", "Vợ", "02", "F", None, 1978, "", "Mông", "08"),
            Person("Giàng A Lử", "Con", "04", "M", D(2005, 2, 1), 2005, "025205000503", "Mông", "08"),
        ],
    ),
]

CLASS_WORDS = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
SEX_WORDS = {"M": "Nam", "F": "Nữ"}
CAPS_HEADS = {"so_template", "dash_members"}  # the shapes that write the heads' names in capitals


def expected(shape: str = "") -> dict[str, dict[str, Any]]:
    """head's name → village, class, members {name: (relationship, sex, birth date, year, ID, ethnicity)}; the
    heads' names in capitals where ``shape`` writes them so (a name is kept as written)."""
    caps = shape in CAPS_HEADS
    return {
        _head(h, caps): {
            "village": h.village,
            "class": h.klass,
            "members": {
                (_head(h, caps) if i == 0 else p.name): (
                    p.rel_code,
                    p.sex,
                    p.born.isoformat() if p.born else None,
                    p.year,
                    p.id_number,
                    p.eth_code,
                )
                for i, p in enumerate(h.people)
            },
        }
        for h in HOUSES
    }


def _head(h: House, caps: bool) -> str:
    return h.people[0].name.upper() if caps else h.people[0].name


def imported(db: Any) -> dict[str, dict[str, Any]]:
    """The register as :func:`expected` describes it (households by their head's name)."""
    result: dict[str, dict[str, Any]] = {}
    for h in db.rows(
        "SELECT h.id, h.poverty_class, v.name AS village, m.full_name AS head FROM household h "
        "JOIN village v ON v.id = h.village_id LEFT JOIN member m ON m.id = h.head_member_id "
        "WHERE h.deleted_at IS NULL"
    ):
        result[h["head"]] = {
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
                for m in db.rows("SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL", (h["id"],))
            },
        }
    return result


def codes(db: Any) -> dict[str, str]:
    """head's name → household code."""
    return {
        r["head"]: r["code"]
        for r in db.rows(
            "SELECT h.code, m.full_name AS head FROM household h JOIN member m ON m.id = h.head_member_id "
            "WHERE h.deleted_at IS NULL"
        )
    }


# ------------------------------------------------------------------------------------ how people type


def _born(p: Person, k: int) -> Any:
    """The birth as one officer or another types it: dd.mm.yyyy, d/m/yyyy, a date cell; a year alone as
    a number, "1985", "/1985", "…/…/1985", "  /  /1985"."""
    if p.born is None:
        return [p.year, str(p.year), f"/{p.year}", f"…/…/{p.year}", f"  /  /{p.year}", f"../../{p.year}"][k % 6]
    d = p.born
    return [
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        dt.datetime(d.year, d.month, d.day),
        f"{d.day:02d}/{d.month:02d}/{d.year}",
    ][k % 4]


def _id(p: Person, k: int) -> Any:
    """The ID number as it ends up in a cell: spaced, dotted, an Excel number (leading zero lost), text."""
    if not p.id_number:
        return ["", None, "Chưa có", "KCC"][k % 4] or None
    n = p.id_number
    groups = [n[i : i + 3] for i in range(0, len(n), 3)]
    return [" ".join(groups), ".".join(groups), int(n), n, f"'{n}", f" {n} "][k % 6]


def _people(houses: list[House] | None = None) -> list[tuple[House, int, Person, int]]:
    """(house, position in the house, person, running number) of every person."""
    out = []
    n = 0
    for h in houses or HOUSES:
        for i, p in enumerate(h.people):
            n += 1
            out.append((h, i, p, n))
    return out


def _title(ws: Worksheet, width: int, title: str) -> int:
    """The title block of an official list; the row under it."""
    ws.cell(1, 1, "UBND XÃ TÂN LẬP")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    ws.cell(1, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws.merge_cells(start_row=1, start_column=5, end_row=1, end_column=width)
    ws.cell(2, 1, "BAN CHỈ ĐẠO GIẢM NGHÈO")
    ws.cell(2, 5, "Độc lập - Tự do - Hạnh phúc")
    ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=width)
    ws.cell(4, 1, title)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    ws.cell(5, 1, "(Kèm theo Quyết định số 215/QĐ-UBND ngày 20/12/2025 của UBND xã Tân Lập)")
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    ws.cell(5, 1).alignment = Alignment(horizontal="center")
    return 7


def _footer(ws: Worksheet, row: int) -> None:
    ws.cell(row + 1, 6, "Tân Lập, ngày 25 tháng 12 năm 2025")
    ws.cell(row + 2, 2, "NGƯỜI LẬP BIỂU")
    ws.cell(row + 2, 6, "TM. ỦY BAN NHÂN DÂN")
    ws.cell(row + 3, 6, "CHỦ TỊCH")
    ws.cell(row + 6, 2, "Trần Thị Bình")
    ws.cell(row + 6, 6, "Nguyễn Văn An")


# ------------------------------------------------------------------------------------------- the shapes


def so_template(path: Path) -> Path:
    """The Sở's template "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025": a title block, a three-row merged
    header ("Họ và tên chủ hộ và các thành viên", "Năm sinh" › Nam | Nữ, "Phân loại hộ" › "Hộ nghèo" |
    "Hộ cận nghèo" ticked with x), a column-number row, a group row per village with STT restarting,
    "Cộng thôn …" subtotals, blank separator rows, a "Ghi chú" column of free text, the signature footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS HN HCN 2025"
    top = _title(ws, 11, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025")
    for col, text, span in (
        (1, "STT", None),
        (2, "Họ và tên chủ hộ và các thành viên", None),
        (3, "Quan hệ với chủ hộ", None),
        (4, "Năm sinh", (4, 5)),
        (6, "Dân tộc", None),
        (7, "Số CCCD/CMND", None),
        (8, "Phân loại hộ", (8, 9)),
        (10, "Ghi chú", None),
    ):
        ws.cell(top, col, text)
        if span is None:
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 2, end_column=col)
        else:
            ws.merge_cells(start_row=top, start_column=span[0], end_row=top + 1, end_column=span[1])
    for col, text in ((4, "Nam"), (5, "Nữ"), (8, "Hộ nghèo"), (9, "Hộ cận nghèo")):
        ws.cell(top + 2, col, text)
    for col in range(1, 11):
        ws.cell(top + 3, col, f"({col})")
    row = top + 4
    for village in ("Đồng Xuân", "Tân Hòa", "Bãi Sậy"):
        ws.cell(row, 1, f"Thôn {village}")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=10)
        row += 1
        houses = [h for h in HOUSES if h.short == village]
        for stt, h in enumerate(houses, 1):
            for i, p in enumerate(h.people):
                ws.cell(row, 1, stt if i == 0 else None)
                ws.cell(row, 2, p.name.upper() if i == 0 else p.name)
                ws.cell(row, 3, p.rel)
                ws.cell(row, 4 if p.sex == "M" else 5, p.born.strftime("%d/%m/%Y") if p.born else p.year)
                ws.cell(row, 6, p.ethnicity)
                ws.cell(row, 7, _id(p, row))
                if i == 0:
                    ws.cell(row, 8 if h.klass == "poor" else 9, "x")
                    ws.cell(row, 10, "Hộ có người khuyết tật; neo đơn" if h.code == "DX02" else None)
                row += 1
        members = sum(len(h.people) for h in houses)
        ws.cell(row, 1, f"Cộng thôn {village}")
        ws.cell(row, 2, f"{len(houses)} hộ, {members} khẩu")
        ws.cell(row, 8, sum(h.klass == "poor" for h in houses))
        ws.cell(row, 9, sum(h.klass == "near_poor" for h in houses))
        row += 2  # a blank separator row
    ws.cell(row, 1, "Tổng cộng toàn xã")
    ws.cell(row, 2, f"{len(HOUSES)} hộ")
    _footer(ws, row + 1)
    wb.save(path)
    return path


def dash_members(path: Path) -> Path:
    """The head on a numbered row in capitals, with the village and class; the members under it with a
    "-" bullet and no number; no household code column."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO XÃ TÂN LẬP"])
    ws.append([])
    ws.append(["TT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày tháng năm sinh", "Giới tính", "Dân tộc",
               "Số CMND/CCCD", "Thôn", "Phân loại"])  # fmt: skip
    n = 0
    for h, i, p, k in _people():
        bullet = ["- ", "-", "+ ", "• ", "– "][k % 5]
        if i == 0:
            n += 1
        ws.append([
            n if i == 0 else None,
            p.name.upper() if i == 0 else bullet + p.name,
            p.rel,
            _born(p, k),
            SEX_WORDS[p.sex],
            p.ethnicity,
            _id(p, k),
            h.village if i == 0 else None,
            (["HN", "Nghèo"] if h.klass == "poor" else ["HCN", "Cận nghèo"])[k % 2] if i == 0 else None,
        ])  # fmt: skip
    wb.save(path)
    return path


def dates_and_ids(path: Path) -> Path:
    """One plain table with a household number ("TT hộ") on the head's row only; birth dates and ID numbers
    in every form; sex as 1/2 under "Giới tính (1: Nam; 2: Nữ)"; ethnicity "kinh", "KINH", "Kinh (Việt)"."""
    wb = Workbook()
    ws = wb.active
    ws.append(["TT hộ", "TT người", "Họ và tên", "Giới tính (1: Nam; 2: Nữ)", "Ngày, tháng, năm sinh",
               "Số định danh cá nhân (CCCD)", "Dân tộc", "Quan hệ với chủ hộ", "Thôn, xóm",
               "Hộ nghèo/cận nghèo"])  # fmt: skip
    number = 0
    for h, i, p, k in _people():
        if i == 0:
            number += 1
        eth = p.ethnicity if p.ethnicity != "Kinh" else ["kinh", "KINH", "Kinh (Việt)", "Kinh ", "Việt"][k % 5]
        ws.append([
            number if i == 0 else None,
            i + 1,
            p.name,
            1 if p.sex == "M" else 2,
            _born(p, k),
            _id(p, k),
            eth,
            p.rel,
            h.village if i == 0 else None,
            CLASS_WORDS[h.klass] if i == 0 else None,
        ])  # fmt: skip
    wb.save(path)
    return path


def second_table(path: Path) -> Path:
    """Two lists on one sheet, each under its own title with its header again and a column-number row:
    "DANH SÁCH HỘ NGHÈO NĂM 2025" then, below the first one's "Tổng cộng", "DANH SÁCH HỘ CẬN NGHÈO NĂM
    2025"; no class column (each title names the class), the village on the head's row only."""
    wb = Workbook()
    ws = wb.active
    header = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Dân tộc", "Số CCCD", "Thôn"]
    row = 1
    ws.cell(row, 1, "UBND XÃ TÂN LẬP")
    row = 3
    for klass, title in (("poor", "DANH SÁCH HỘ NGHÈO NĂM 2025"), ("near_poor", "DANH SÁCH HỘ CẬN NGHÈO NĂM 2025")):
        ws.cell(row, 1, title)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(header))
        row += 2
        for c, text in enumerate(header, 1):
            ws.cell(row, c, text)
        row += 1
        for c in range(1, len(header) + 1):
            ws.cell(row, c, c)
        row += 1
        n = 0
        houses = [h for h in HOUSES if h.klass == klass]
        for h in houses:
            for i, p in enumerate(h.people):
                n += 1
                values = [n, p.name, p.rel, _born(p, n), SEX_WORDS[p.sex], p.ethnicity, _id(p, n + 3),
                          h.village if i == 0 else None]  # fmt: skip
                for c, v in enumerate(values, 1):
                    ws.cell(row, c, v)
                row += 1
        ws.cell(row, 1, "Tổng cộng")
        ws.cell(row, 3, f"{len(houses)} hộ, {n} khẩu")
        row += 3
    _footer(ws, row)
    wb.save(path)
    return path


def head_ticked(path: Path) -> Path:
    """A "Chủ hộ" column ticked with x on the head's row (the relationship cell left empty there), the
    household code on every row written with a space sometimes ("DX 01")."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Chủ hộ", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "CCCD", "Thôn",
               "Loại hộ", "Dân tộc"])  # fmt: skip
    for h, i, p, k in _people():
        code = h.code if k % 2 else f"{h.code[:2]} {h.code[2:]}"
        ws.append([code, p.name, "x" if i == 0 else None, None if i == 0 else p.rel, p.born or p.year,
                   SEX_WORDS[p.sex], _id(p, k), h.village, CLASS_WORDS[h.klass], p.ethnicity])  # fmt: skip
    for row in ws.iter_rows(min_row=2):
        row[6].number_format = "@"
    wb.save(path)
    return path


def address_only(path: Path) -> Path:
    """No village column: the household's address names it ("Thôn Đồng Xuân, xã Tân Lập", "xóm Tân Hòa")."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Số CCCD",
               "Dân tộc", "Địa chỉ", "Phân loại hộ"])  # fmt: skip
    forms = ["{v}, xã Tân Lập", "{v} - Tân Lập - Phú Thọ", "Xóm {s}, xã Tân Lập", "{s}"]
    for h, i, p, k in _people():
        address = forms[HOUSES.index(h) % len(forms)].format(v=h.village, s=h.short) if i == 0 else None
        ws.append([k, h.code, p.name, p.rel, p.year if p.born is None else p.born.strftime("%d/%m/%Y"),
                   SEX_WORDS[p.sex], _id(p, k), p.ethnicity, address,
                   CLASS_WORDS[h.klass] if i == 0 else None])  # fmt: skip
    wb.save(path)
    return path


def per_village(path: Path) -> Path:
    """One sheet per village named "Thôn Đồng Xuân", "T. Tân Hòa", "Bãi Sậy", after a summary sheet
    "TỔNG HỢP" with a count table; each village sheet with a title block, STT from 1, a "Cộng" row and a
    footer; an empty "Sheet3" left at the end."""
    wb = Workbook()
    summary = wb.active
    summary.title = "TỔNG HỢP"
    summary.append(["TỔNG HỢP HỘ NGHÈO, HỘ CẬN NGHÈO THEO THÔN"])
    summary.append(["STT", "Thôn", "Số hộ nghèo", "Số hộ cận nghèo", "Tổng số hộ", "Ghi chú"])
    for n, village in enumerate(("Đồng Xuân", "Tân Hòa", "Bãi Sậy"), 1):
        houses = [h for h in HOUSES if h.short == village]
        summary.append([n, village, sum(h.klass == "poor" for h in houses),
                        sum(h.klass == "near_poor" for h in houses), len(houses), None])  # fmt: skip
    summary.append(["Cộng", None, 3, 2, 5, None])
    for sheet, village in (("Thôn Đồng Xuân", "Đồng Xuân"), ("T. Tân Hòa", "Tân Hòa"), ("Bãi Sậy", "Bãi Sậy")):
        ws = wb.create_sheet(sheet)
        top = _title(ws, 9, f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO THÔN {village.upper()}")
        ws.append([])
        header = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Dân tộc", "Số CCCD",
                  "Phân loại hộ", "Ghi chú"]  # fmt: skip
        for c, text in enumerate(header, 1):
            ws.cell(top, c, text)
        row = top + 1
        n = 0
        for h in HOUSES:
            if h.short != village:
                continue
            for i, p in enumerate(h.people):
                n += 1
                values = [n, p.name, _born(p, n), SEX_WORDS[p.sex], p.rel, p.ethnicity, _id(p, n),
                          CLASS_WORDS[h.klass] if i == 0 else None, None]  # fmt: skip
                for c, v in enumerate(values, 1):
                    ws.cell(row, c, v)
                row += 1
        ws.cell(row, 1, "Cộng")
        ws.cell(row, 2, f"{n} người")
        _footer(ws, row + 1)
    wb.create_sheet("Sheet3")
    wb.save(path)
    return path


def merged_down(path: Path) -> Path:
    """Sorted by village, then class: the village written once in a cell merged down over all the village's
    households, the class once over each run of households of that class, the code over each household's rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Thôn", "Phân loại hộ", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính",
               "Dân tộc", "Số CCCD"])  # fmt: skip
    order = sorted(HOUSES, key=lambda h: (h.village, h.klass))
    runs: dict[tuple[int, Any], list[int]] = {}  # (column, value) of a run → its rows
    row, n = 2, 0
    for h in order:
        for p in h.people:
            n += 1
            ws.append([n, h.village, CLASS_WORDS[h.klass], h.code, p.name, p.rel, p.born or p.year,
                       SEX_WORDS[p.sex], p.ethnicity, p.id_number or None])  # fmt: skip
            for col, key in ((2, h.village), (3, (h.village, h.klass)), (4, h.code)):
                runs.setdefault((col, key), []).append(row)
            row += 1
    for (col, _key), rows in runs.items():
        if len(rows) > 1:
            ws.merge_cells(start_row=rows[0], start_column=col, end_row=rows[-1], end_column=col)
    wb.save(path)
    return path


def dashes(path: Path) -> Path:
    """Household columns filled on the head's row only, the members' rows holding "-", "nt", "\"" or "…" there;
    an ID cell "-" or a note where there is none, "CCCD: …" / "CMND …" before a number; class words as
    officers shorten them ("HN mới", "H.Nghèo", "Hộ CN", "Cận nghèo 2025")."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Thôn",
               "Phân loại hộ"])  # fmt: skip
    words = {"poor": ["HN mới", "H.Nghèo", "Hộ nghèo thiếu hụt đa chiều"], "near_poor": ["Hộ CN", "Cận nghèo 2025"]}
    for h, i, p, k in _people():
        if p.id_number:
            number: Any = [p.id_number, f"CCCD: {p.id_number}", f"CMND {p.id_number}"][k % 3]
        else:
            number = ["-", "Còn nhỏ", "…"][k % 3]
        filler = ["-", "nt", '"', "…"][k % 4]
        klass = words[h.klass][k % len(words[h.klass])] if i == 0 else "-"
        ws.append([h.code if i == 0 else "-", p.name, p.rel, _born(p, k), SEX_WORDS[p.sex], number, p.ethnicity,
                   h.village if i == 0 else filler, klass])  # fmt: skip
    wb.save(path)
    return path


def _csv_table() -> list[list[str]]:
    rows = [
        ["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025", "", "", "", "", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "", "", "", "", ""],
        ["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc",
         "Thôn", "Ghi chú", "Phân loại"],
    ]  # fmt: skip
    for h, i, p, k in _people():
        born = p.born.strftime("%d.%m.%Y") if p.born else [str(p.year), f"/{p.year}"][k % 2]
        note = 'Ốm đau thường xuyên; không có đất sản xuất, vay vốn "NHCSXH"' if i == 0 and h.code == "TH01" else ""
        rows.append([str(k), h.code, p.name, p.rel, born, SEX_WORDS[p.sex], p.id_number, p.ethnicity,
                     h.short, note, (["HN", "Hộ nghèo"] if h.klass == "poor" else ["HCN", "Cận nghèo"])[k % 2]
                     if i == 0 else ""])  # fmt: skip
    rows.append([""] * 11)
    rows.append(["Người lập biểu"] + [""] * 10)
    return rows


def csv_semicolon_cp1258(path: Path) -> Path:
    """CSV saved by a Vietnamese-locale Excel: Windows-1258, ';' between fields, a title line, a "Ghi chú"
    with ';' and quotes inside, the class on the head's row ("HN", "Cận nghèo"), a footer line."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(_csv_table())
    path.write_bytes(_cp1258(buf.getvalue()))
    return path


def csv_utf8_bom(path: Path) -> Path:
    """The same list as "CSV UTF-8" (BOM, ',')."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_csv_table())
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: a base letter and a combining tone mark where the
    code page has no precomposed letter."""
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


SHAPES: dict[str, Callable[[Path], Path]] = {
    "so_template": so_template,
    "dash_members": dash_members,
    "dates_and_ids": dates_and_ids,
    "second_table": second_table,
    "head_ticked": head_ticked,
    "address_only": address_only,
    "per_village": per_village,
    "merged_down": merged_down,
    "dashes": dashes,
    "csv_semicolon_cp1258": csv_semicolon_cp1258,
    "csv_utf8_bom": csv_utf8_bom,
}


def cli_import(db_path: Path, listing: Path) -> dict[str, Any]:
    """``python -m giamngheo_desktop import --db DB LIST --json`` in a fresh process, as an officer would run
    it (no ``--map``); its JSON answer. Fails the test when the command fails."""
    done = subprocess.run(
        [sys.executable, "-m", "giamngheo_desktop", "import", "--db", str(db_path), str(listing), "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result
