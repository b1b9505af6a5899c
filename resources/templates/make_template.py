"""Builds ``mau-danh-sach-ho.xlsx``, the import template offered by “Tải mẫu”.

Run from the repository root: ``.venv/bin/python resources/templates/make_template.py``.
The columns are the ones the importer knows (giamngheo_desktop/importing/headers.py)
and the ones the register export writes, so an export can be imported again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from giamngheo_desktop.importing.headers import TEMPLATE_COLUMNS  # noqa: E402

EXAMPLES = [
    {
        "Mã hộ": "DX-0001",
        "Thôn/Tổ": "Thôn Đồng Xuân",
        "Họ và tên": "Nguyễn Văn Đức",
        "Quan hệ với chủ hộ": "Chủ hộ",
        "Ngày sinh": "04/03/1968",
        "Giới tính": "Nam",
        "Số định danh cá nhân": "025068000123",
        "Dân tộc": "Kinh",
        "Phân loại hộ": "Hộ nghèo",
        "Địa chỉ": "Xóm Giữa",
        "Điện thoại": "0912345678",
        "Nguyên nhân nghèo": "Thiếu vốn; Ốm đau, tai nạn",
        "Hạn thẻ BHYT": "31/12/2026",
        "Trình độ học vấn": "Tốt nghiệp THCS",
        "Việc làm": "Tự làm (nông nghiệp, kinh doanh)",
        "Nghề nghiệp": "Làm ruộng",
        "Xử lý rác thải": "Có",
    },
    {
        "Mã hộ": "",
        "Thôn/Tổ": "Thôn Đồng Xuân",
        "Họ và tên": "Trần Thị Hoa",
        "Quan hệ với chủ hộ": "Vợ",
        "Ngày sinh": "1970",
        "Giới tính": "Nữ",
        "Số định danh cá nhân": "025170000456",
        "Dân tộc": "Kinh",
        "Hạn thẻ BHYT": "31/12/2026",
        "Trình độ học vấn": "Tốt nghiệp tiểu học",
        "Việc làm": "Tự làm (nông nghiệp, kinh doanh)",
        "Ghi chú": "Mã hộ chỉ cần ghi ở dòng chủ hộ",
    },
]


def build(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    width = len(TEMPLATE_COLUMNS)
    titles = [
        "UỶ BAN NHÂN DÂN XÃ ………………",
        "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU",
        "(Mỗi dòng là một nhân khẩu; mã hộ và phân loại hộ ghi ở dòng chủ hộ; ngày ghi dạng ngày/tháng/năm)",
    ]
    for number, text in enumerate(titles, start=1):
        ws.cell(row=number, column=1, value=text).font = Font(bold=number < 3, italic=number == 3)
        ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        ws.cell(row=number, column=1).alignment = Alignment(horizontal="center")
    header_row = 5
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, name in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(32, len(name) + 6))
    for number, example in enumerate(EXAMPLES, start=1):
        row = header_row + number
        for col, name in enumerate(TEMPLATE_COLUMNS, start=1):
            value = number if name == "STT" else example.get(name, "")
            cell = ws.cell(row=row, column=col, value=value)
            cell.number_format = "@" if name != "STT" else "General"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    wb.save(path)


if __name__ == "__main__":
    build(HERE / "mau-danh-sach-ho.xlsx")
    print(HERE / "mau-danh-sach-ho.xlsx")
