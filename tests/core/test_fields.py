"""One household/member field table drives the export, the template, the import mapping and the checks."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook, load_workbook

from giamngheo_desktop.domain import fields
from giamngheo_desktop.export.register_xlsx import COLUMNS, write_register_xlsx
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.headers import TEMPLATE_COLUMNS, match_header
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import household_query as hq
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.storage.connection import Database


def test_every_exported_column_is_a_template_column_and_imports_into_its_field() -> None:
    headers = [name for name, _width in COLUMNS]
    assert headers == TEMPLATE_COLUMNS == ["STT", *(f.export for f in fields.EXPORTED)]
    template = load_workbook(resource_path("templates", "mau-danh-sach-ho.xlsx")).active
    assert [c.value for c in template[5]] == headers
    for f in fields.EXPORTED:
        assert match_header(f.export) == f.import_key, f.key
    # every field of the inputs is described
    described = {(f.level, f.key) for f in fields.FIELDS}
    assert {("household", n) for n in reg.HouseholdInput.__dataclass_fields__} <= described
    assert {("member", n) for n in reg.MemberInput.__dataclass_fields__} <= described


def test_a_validation_issue_names_its_field_by_key_and_shows_its_label(db: Database) -> None:
    village = db.scalar("SELECT id FROM village LIMIT 1")
    found = reg.validate_household(db, reg.HouseholdInput(code="", village_id=village, floor_area=-3))
    assert {i.field for i in found} == {"code", "floor_area"}
    assert any("trường “Mã hộ”" in i.text() for i in found)
    member = reg.validate_members(db, [reg.MemberInput(full_name="", relationship_code="01")], whos=["Chủ hộ"])[0]
    assert member[0].field == "full_name" and "trường “Chủ hộ — Họ và tên”" in member[0].text()


def test_household_codes_are_made_in_one_place(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Thôn", "Họ và tên", "Quan hệ với chủ hộ"])
    ws.append(["Thôn Đồng Xuân", "Hà Văn Một", "Chủ hộ"])
    ws.append(["Thôn Tân Hòa", "Hà Văn Hai", "Chủ hộ"])
    wb.save(tmp_path / "no-codes.xlsx")
    suggested = reg.next_household_code(db, db.scalar("SELECT id FROM village WHERE name = 'Thôn Đồng Xuân'"))
    lists.commit_import(db, lists.plan_import(db, tmp_path / "no-codes.xlsx"))
    made = [r[0] for r in db.conn.execute("SELECT code FROM household ORDER BY id")]
    shape = re.compile(r"^([^-]+-)?\d{4}$")
    assert shape.match(suggested) and all(shape.match(code) for code in made)
    assert made[0] == suggested  # the import's first code is the one the dialog would have offered


def test_waste_treatment_is_entered_imported_and_exported(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Xử lý rác thải sinh hoạt"])
    ws.append(["RT-1", "Thôn Đồng Xuân", "Hà Văn Một", "Chủ hộ", "Có"])
    ws.append(["RT-2", "Thôn Đồng Xuân", "Hà Văn Hai", "Chủ hộ", "Không"])
    ws.append(["RT-3", "Thôn Đồng Xuân", "Hà Văn Ba", "Chủ hộ", None])
    wb.save(tmp_path / "rac.xlsx")
    lists.commit_import(db, lists.plan_import(db, tmp_path / "rac.xlsx"))
    held = dict(db.conn.execute("SELECT code, waste_treatment FROM household"))
    assert held == {"RT-1": 1, "RT-2": 0, "RT-3": None}
    out = tmp_path / "export.xlsx"
    write_register_xlsx(out, reg.register_sheet(db, hq.find_household_ids(db, hq.HouseholdQuery())))
    sheet = load_workbook(out).active
    column = [c.value for c in sheet[5]].index("Xử lý rác thải")
    assert sorted(str(row[column].value) for row in sheet.iter_rows(min_row=6)) == ["Có", "Không", "None"]
