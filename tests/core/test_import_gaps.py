"""What real commune lists still tripped on: relationship words of every region, old-font (TCVN3/VNI) lists
converted, hidden rows and sheets told, two columns for one field told; and list shapes the other fixtures lack."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.values import Vocab
from giamngheo_desktop.services import commune
from giamngheo_desktop.storage.connection import Database
from tests import real_lists as real

HEAD: list[object] = ["Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Mã hộ"]


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS 2025"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _relations(db: Database) -> dict[str, str]:
    return {r["full_name"]: r["relationship_code"] for r in db.rows("SELECT * FROM member")}


def test_southern_and_short_relationship_words_are_understood(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEAD,
        ["Trần Văn Tư", "Bản thân", 1970, "Nam", "Thôn Tân Hòa", "TH20"],
        ["Trần Văn Sáu", "Ba", 1940, "Nam", "Thôn Tân Hòa", "TH20"],
        ["Lê Thị Bảy", "Má", 1945, "Nữ", "Thôn Tân Hòa", "TH20"],
        ["Trần Thị Tám", "Bà", 1920, "Nữ", "Thôn Tân Hòa", "TH20"],
        ["Võ Thị Chín", "Vợ/chồng", 1972, "Nữ", "Thôn Tân Hòa", "TH20"],
        ["Trần Văn Út", "Cháu nội/ngoại", 2015, "Nam", "Thôn Tân Hòa", "TH20"],
        ["Nguyễn Văn Mười", "C.Hộ", 1960, "Nam", "Thôn Bãi Sậy", "BS20"],
        ["Phạm Văn Một", "Vợ/chồng", 1962, "Nam", "Thôn Bãi Sậy", "BS20"],
        ["Nguyễn Văn Hai", "Con rể", 1985, "Nam", "Thôn Bãi Sậy", "BS20"],
        ["Nguyễn Thị Ba", "Con dâu", 1986, "Nữ", "Thôn Bãi Sậy", "BS20"],
        ["Nguyễn Văn Bốn", "Bố đẻ", 1935, "Nam", "Thôn Bãi Sậy", "BS20"],
        ["Nguyễn Thị Năm", "Mẹ đẻ", 1938, "Nữ", "Thôn Bãi Sậy", "BS20"],
        ["Nguyễn Văn Sáu", "Chú", 1950, "Nam", "Thôn Bãi Sậy", "BS20"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "r.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert _relations(db) == {
        "Trần Văn Tư": "01",
        "Trần Văn Sáu": "09",
        "Lê Thị Bảy": "10",
        "Trần Thị Tám": "18",  # "Bà" is a grandmother, "Ba" a father
        "Võ Thị Chín": "02",
        "Trần Văn Út": "21",
        "Nguyễn Văn Mười": "01",
        "Phạm Văn Một": "03",  # "Vợ/chồng" of a man: the husband
        "Nguyễn Văn Hai": "08",
        "Nguyễn Thị Ba": "07",
        "Nguyễn Văn Bốn": "09",
        "Nguyễn Thị Năm": "10",
        "Nguyễn Văn Sáu": "28",
    }


def test_a_relation_for_either_sex_without_a_sex_is_refused_at_its_row(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEAD,
        ["Trần Văn Tư", "Chủ hộ", 1970, "Nam", "Thôn Tân Hòa", "TH20"],
        ["Võ Thị Chín", "Vợ/chồng", 1972, None, "Thôn Tân Hòa", "TH20"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "r.xlsx", rows))
    assert [(e.line, e.column, e.letter, e.value) for e in preview.errors] == [
        (3, "Quan hệ với chủ hộ", "B", "Vợ/chồng")
    ]
    assert "Vợ hay Chồng" in preview.errors[0].reason


def test_no_relationship_alias_makes_an_uncle_the_head(db: Database) -> None:
    vocab = Vocab(db)
    for word in ("Chú", "CHÚ", "chú", "Chú họ", "Chú ruột"):
        assert vocab.code("relationship", word) == "28", word
    assert vocab.code("relationship", "Bà") == "18" and vocab.code("relationship", "Ba") == "09"
    for word in ("Chủ hộ", "CH", "Chu ho", "C.Hộ", "Bản thân", "chủ hộ"):
        assert vocab.code("relationship", word) == "01", word


@pytest.mark.parametrize("word", ["Chú", "Chú họ"])
def test_an_uncle_alone_is_not_a_head(db: Database, tmp_path: Path, word: str) -> None:
    rows: list[list[object]] = [HEAD, ["Vàng A Chớ", word, 1950, "Nam", "Thôn Bãi Sậy", "BS09"]]
    preview = lists.plan_import(db, _sheet(tmp_path / "u.xlsx", rows))
    assert any("chủ hộ" in e.reason for e in preview.errors)


# ----------------------------------------------------------------------------- old fonts

_TONE_MARKS = {"\u0300": 0, "\u0301": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}  # grave, acute, hook, tilde, dot


def vni(text: str) -> str:
    """``text`` as the VNI-Times fonts store it (made here, apart from the importer's table)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tone = next((_TONE_MARKS[m] for m in marks if m in _TONE_MARKS), None)
        big = base.isupper()
        low = base.lower()

        def up(s: str, big: bool = big) -> str:
            return s.upper() if big else s

        if low == "i" and tone is not None:
            out.append(up("ìíæóò"[tone]))
        elif low == "y" and tone == 4:
            out.append(up("î"))
        elif "\u031b" in marks:  # horn: ơ, ư
            out.append(up("ô" if low == "o" else "ö") + ("" if tone is None else up("øùûõï"[tone])))
        elif "\u0302" in marks:  # circumflex
            out.append(base + up("â" if tone is None else "àáåãä"[tone]))
        elif "\u0306" in marks:  # breve
            out.append(base + up("ê" if tone is None else "èéúüë"[tone]))
        elif tone is not None:
            out.append(base + up("øùûõï"[tone]))
        else:
            out.append(ch)
    return "".join(out)


def test_a_list_typed_in_vni_fonts_is_converted_exactly(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = vni("DANH SÁCH HỘ NGHÈO NĂM 2025")
    ws.append([])
    ws.append([vni(h) for h in real.HEADER])
    n = 0
    for h in real.HOUSES:
        for p in h.people:
            n += 1
            sex = "Nam" if p.sex == "M" else "Nữ"
            ws.append([n, vni(p.name), vni(p.rel), vni(sex), p.year, p.id_number, vni(p.ethnicity), vni(h.village)])
            ws.cell(ws.max_row, 9, h.code)
            ws.cell(ws.max_row, 10, vni(h.klass))
    wb.save(tmp_path / "vni.xlsx")
    preview = lists.plan_import(db, tmp_path / "vni.xlsx")
    assert not preview.errors, [e.text() for e in preview.errors]
    assert any("VNI" in note and "Unicode" in note for note in preview.notes)
    lists.commit_import(db, preview)
    assert real.imported(db) == real.expected(dates=False)


def test_unicode_rows_beside_old_font_rows_are_left_as_they_are(db: Database, tmp_path: Path) -> None:
    """Some rows retyped in Unicode (even "Võ Tú", whose letters all exist in the old fonts) keep their
    letters; only the cells in the old font are converted."""
    rows: list[list[object]] = [
        HEAD,
        ["Võ Văn Tú", "Chủ hộ", 1970, "Nam", "Thôn Tân Hòa", "TH30"],
        ["Võ Tú", "Con", 1995, "Nam", "Thôn Tân Hòa", "TH30"],
        [real.tcvn3("Lê Thị Lan"), real.tcvn3("Vợ"), 1972, real.tcvn3("Nữ"), "Thôn Tân Hòa", "TH30"],
        [real.tcvn3("Võ Thị Hằng"), real.tcvn3("Con gái"), 1998, real.tcvn3("Nữ"), "Thôn Tân Hòa", "TH30"],
        [real.tcvn3("Võ Văn Đức"), "Con", 2000, "Nam", "Thôn Tân Hòa", "TH30"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "mixed.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert _relations(db) == {
        "Võ Văn Tú": "01",
        "Võ Tú": "04",
        "Lê Thị Lan": "02",
        "Võ Thị Hằng": "04",
        "Võ Văn Đức": "04",
    }
    assert {r["sex"] for r in db.rows("SELECT sex FROM member WHERE full_name = 'Lê Thị Lan'")} == {"F"}


# ----------------------------------------------------------------------------- hidden rows and sheets

ROOT = Path(__file__).resolve().parents[2]


def _family(ws: Any, code: str, village: str, names: list[tuple[str, str, int, str]]) -> None:
    for name, rel, year, sex in names:
        ws.append([name, rel, year, sex, village, code])


def test_rows_hidden_by_a_filter_are_imported_and_the_preview_says_how_many(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    ws.append(HEAD)
    _family(ws, "TH40", "Thôn Tân Hòa", [("Lò Văn Một", "Chủ hộ", 1960, "Nam"), ("Lò Thị Hai", "Vợ", 1962, "Nữ")])
    _family(ws, "BS40", "Thôn Bãi Sậy", [("Vàng A Ba", "Chủ hộ", 1970, "Nam"), ("Vàng Thị Tư", "Vợ", 1971, "Nữ")])
    ws.auto_filter.ref = "A1:F5"
    for row in (4, 5):  # the filter shows Thôn Tân Hòa only
        ws.row_dimensions[row].hidden = True
    wb.save(tmp_path / "filtered.xlsx")
    preview = lists.plan_import(db, tmp_path / "filtered.xlsx")
    assert not preview.errors
    assert any("2 dòng" in n and "ẩn" in n and "dòng 4, 5" in n and "vẫn được nhập" in n for n in preview.notes)
    lists.commit_import(db, preview)
    assert set(_relations(db)) == {"Lò Văn Một", "Lò Thị Hai", "Vàng A Ba", "Vàng Thị Tư"}


def test_a_hidden_sheet_is_left_out_and_named_unless_asked_for(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS 2025"
    ws.append(HEAD)
    _family(ws, "TH41", "Thôn Tân Hòa", [("Lò Văn Một", "Chủ hộ", 1960, "Nam")])
    old = wb.create_sheet("DS 2023 (cũ)")
    old.append(HEAD)
    _family(old, "TH41", "Thôn Tân Hòa", [("Lò Văn Một", "Chủ hộ", 1960, "Nam"), ("Lò Thị Mất", "Vợ", 1930, "Nữ")])
    old.sheet_state = "hidden"
    wb.save(tmp_path / "two.xlsx")
    preview = lists.plan_import(db, tmp_path / "two.xlsx")
    assert [(s.name, s.read) for s in preview.sheets] == [("DS 2025", True), ("DS 2023 (cũ)", False)]
    assert "ẩn" in preview.sheets[1].reason
    assert any("DS 2023 (cũ)" in n and "ẩn" in n and "không đọc" in n for n in preview.notes)
    assert [m.data.full_name for h in preview.households for m in h.members] == ["Lò Văn Một"]
    asked = lists.plan_import(db, tmp_path / "two.xlsx", sheets=["DS 2023 (cũ)"])
    assert [m.data.full_name for h in asked.households for m in h.members] == ["Lò Văn Một", "Lò Thị Mất"]


# ----------------------------------------------------------------------------- two columns for one field


def _two_id_columns(path: Path) -> Path:
    return _sheet(
        path,
        [
            [*HEAD, "Số CMND", "Số CCCD"],
            ["Lò Văn Một", "Chủ hộ", 1960, "Nam", "Thôn Tân Hòa", "TH50", "090123456", "079060001234"],
        ],
    )


def test_two_columns_for_one_field_keep_the_first_and_say_so(db: Database, tmp_path: Path) -> None:
    preview = lists.plan_import(db, _two_id_columns(tmp_path / "ids.xlsx"))
    assert any("cột G “Số CMND”" in n and "cột H “Số CCCD”" in n and "không dùng" in n for n in preview.notes), (
        preview.notes
    )
    assert {c.label: c.field for c in preview.file_columns}["Số CCCD"] == ""
    assert preview.households[0].members[0].data.id_number == "090123456"
    chosen = lists.plan_import(db, tmp_path / "ids.xlsx", mapping={"Số CCCD": "id_number"})
    assert chosen.households[0].members[0].data.id_number == "079060001234"  # the officer's choice wins
    assert {c.label: c.field for c in chosen.file_columns}["Số CMND"] == ""


def test_the_command_line_warns_of_two_columns_for_one_field(db_path: Path, tmp_path: Path) -> None:
    path = _two_id_columns(tmp_path / "ids.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "giamngheo_desktop", "import", "--db", str(db_path), "--dry-run", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Lưu ý" in done.stdout and "“Số CMND”" in done.stdout and "“Số CCCD”" in done.stdout


# ----------------------------------------------------------------------------- shapes the other fixtures lack


def _village_book(path: Path) -> Path:
    """A village's own register as kept in Excel: a logo and title over frozen panes, the household code, village
    and class merged down each household's rows, a blank row between households, heads in capitals, dates as
    Excel serials kept as text and dd.mm.yyyy, IDs with spaces, dots, a leading apostrophe, or "Chưa có"/"KCC",
    villages written "Thôn 1", "thôn 01", "T1", "T.2"."""
    from openpyxl.drawing.image import Image

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ hộ thôn"
    ws.add_image(Image(str(ROOT / "resources" / "icons" / "app.png")), "A1")
    ws["C1"] = "UBND XÃ TÂN LẬP"
    ws["C2"] = "SỔ THEO DÕI HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"
    header = ["Mã hộ", "Thôn", "Phân loại", "STT", "Họ và tên", "Quan hệ", "Ngày sinh", "Giới tính", "CCCD"]
    for c, title in enumerate(header, 1):
        ws.cell(4, c, title)
    ws.freeze_panes = "E5"
    households: list[tuple[str, list[str], str, list[list[object]]]] = [
        (
            "T1-001",
            ["Thôn 1", "thôn 01", "T1"],
            "Hộ nghèo",
            [
                ["NGUYỄN VĂN HÙNG", "Chủ hộ", "29312", "Nam", "079 080 001 234"],
                ["Lê Thị Lan", "Vợ", "12.03.1982", "nữ", "001.182.004.321"],
                ["Nguyễn Văn Minh", "Con", "01.05.2008", "nam", "Chưa có"],
            ],
        ),
        (
            "T2-001",
            ["T.2", "Thôn 02"],
            "Cận nghèo",
            [
                ["HOÀNG VĂN SÁU", "C.Hộ", 1950, "NAM", "'090123456"],
                ["Nông Thị Bích", "Vợ", "1955", "NỮ", "KCC"],
            ],
        ),
    ]
    row = 5
    n = 0
    for code, villages, klass, people in households:
        top = row
        for i, person in enumerate(people):
            n += 1
            village = villages[i] if i < len(villages) else None
            values = [code if i == 0 else None, village, klass if i == 0 else None, n, *person]
            for c, value in enumerate(values, 1):
                ws.cell(row, c, value)
            row += 1
        ws.merge_cells(start_row=top, start_column=1, end_row=row - 1, end_column=1)
        ws.merge_cells(start_row=top, start_column=3, end_row=row - 1, end_column=3)
        row += 1  # a blank row between households
    wb.save(path)
    return path


def test_a_village_register_with_merged_households_and_every_quirk_imports_exactly(
    db: Database, tmp_path: Path
) -> None:
    for name in ("Thôn 1", "Thôn 2"):
        commune.add_village(db, commune.VillageInput(name=name))
    preview = lists.plan_import(db, _village_book(tmp_path / "book.xlsx"))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert _register(db) == {
        "T1-001": (
            "Thôn 1",
            "poor",
            {
                ("NGUYỄN VĂN HÙNG", "01", "M", "1980-04-01", 1980, "079080001234"),
                ("Lê Thị Lan", "02", "F", "1982-03-12", 1982, "001182004321"),
                ("Nguyễn Văn Minh", "04", "M", "2008-05-01", 2008, None),
            },
        ),
        "T2-001": (
            "Thôn 2",
            "near_poor",
            {
                ("HOÀNG VĂN SÁU", "01", "M", None, 1950, "090123456"),
                ("Nông Thị Bích", "02", "F", None, 1955, None),
            },
        ),
    }


def _register(db: Database) -> dict[str, tuple[str, str, set[tuple[object, ...]]]]:
    result: dict[str, tuple[str, str, set[tuple[object, ...]]]] = {}
    for h in db.rows(
        "SELECT h.id, h.code, h.poverty_class, v.name FROM household h JOIN village v ON v.id = h.village_id"
    ):
        members: set[tuple[object, ...]] = {
            (m["full_name"], m["relationship_code"], m["sex"], m["birth_date"], m["birth_year"], m["id_number"])
            for m in db.rows("SELECT * FROM member WHERE household_id = ?", (h["id"],))
        }
        result[h["code"]] = (h["name"], h["poverty_class"], members)
    return result


def test_a_list_saved_by_libreoffice_imports_exactly(db: Database) -> None:
    """real_lists.ids_and_dates saved again as .xlsx by LibreOffice Calc (shared strings, its own styles)."""
    preview = lists.plan_import(db, ROOT / "tests" / "core" / "fixtures" / "lists" / "real-ids-and-dates-lo.xlsx")
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert real.imported(db) == real.expected()


def test_a_hidden_sheet_holding_the_only_list_is_read(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active["A1"] = "Điền danh sách ở trang sau."
    data = wb.create_sheet("DS")
    data.append(HEAD)
    _family(data, "TH42", "Thôn Tân Hòa", [("Lò Văn Một", "Chủ hộ", 1960, "Nam")])
    data.sheet_state = "hidden"
    wb.save(tmp_path / "only.xlsx")
    preview = lists.plan_import(db, tmp_path / "only.xlsx")
    assert [m.data.full_name for h in preview.households for m in h.members] == ["Lò Văn Một"]


def test_ditto_marks_dates_with_a_time_and_phone_numbers_that_lost_their_zero(db: Database, tmp_path: Path) -> None:
    """ "nt", "〃", '"' (như trên) repeat the cell above; "12/03/1980 00:00:00" is a date copied as text; a phone
    number cell 912345678 is 0912345678."""
    rows: list[list[object]] = [
        ["Họ và tên", "Quan hệ", "Ngày sinh", "Giới tính", "Dân tộc", "Thôn", "Mã hộ", "Phân loại hộ", "Điện thoại"],
        [
            "Hoàng Văn Sáu",
            "Chủ hộ",
            "12/03/1980 00:00:00",
            "Nam",
            "Tày",
            "Thôn Tân Hòa",
            "TH60",
            "Cận nghèo",
            912345678,
        ],
        ["Nông Thị Bích", "Vợ", "1982", "Nữ", "nt", "nt", '"', "-nt-", None],
        ["Hoàng Văn Tú", "Con", "05/01/2008 0:00", "Nam", "〃", "như trên", "TH60", None, None],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "nt.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert _register(db) == {
        "TH60": (
            "Thôn Tân Hòa",
            "near_poor",
            {
                ("Hoàng Văn Sáu", "01", "M", "1980-03-12", 1980, None),
                ("Nông Thị Bích", "02", "F", None, 1982, None),
                ("Hoàng Văn Tú", "04", "M", "2008-01-05", 2008, None),
            },
        )
    }
    assert {r["ethnicity_code"] for r in db.rows("SELECT ethnicity_code FROM member")} == {"02"}
    assert db.scalar("SELECT phone FROM household") == "0912345678"


def test_in_a_big_sheet_hidden_rows_are_looked_for_only_under_a_filter(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading every row's flag of a 100 MB sheet would slow the import: only a sheet with a filter is read."""
    from giamngheo_desktop.importing import hidden

    monkeypatch.setattr(hidden, "SCAN_BYTES", 0)  # every sheet counts as big
    wb = Workbook()
    filtered = wb.active
    filtered.title = "Lọc"
    plain = wb.create_sheet("Ẩn tay")
    for ws in (filtered, plain):
        ws.append(HEAD)
        _family(ws, "TH43", "Thôn Tân Hòa", [("Lò Văn Một", "Chủ hộ", 1960, "Nam"), ("Lò Thị Hai", "Vợ", 1962, "Nữ")])
        ws.row_dimensions[3].hidden = True
    filtered.auto_filter.ref = "A1:F3"
    wb.save(tmp_path / "big.xlsx")
    assert hidden.start(tmp_path / "big.xlsx").result().rows == {"Lọc": [3]}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("DANH S¸CH Hé NGHÌO", "DANH SÁCH HỘ NGHÈO"),  # .VnTimeH: capitals typed with the lower-case codes
        ("Vî", "Vợ"),  # one capital: not a word in capitals
        ("N÷", "Nữ"),
        ("Hé NGUYÔN V¡N A", "HỘ NGUYỄN VĂN A"),
        ("NguyÔn V¨n Hïng", "Nguyễn Văn Hùng"),
    ],
)
def test_tcvn3_capitals(typed: str, meant: str) -> None:
    from giamngheo_desktop.importing import legacy

    assert legacy.convert(typed, "tcvn3") == meant


@pytest.mark.parametrize(
    "header",
    [
        ["Họ và chữ đệm", "Tên"],  # the name in two columns (as the population database writes it)
        ["Họ và tên", "Tên"],  # a "Tên" column beside the whole name, to sort by
    ],
)
def test_a_name_in_two_columns_is_one_name(db: Database, tmp_path: Path, header: list[str]) -> None:
    split = header[0] != "Họ và tên"
    rows: list[list[object]] = [
        [*header, "Năm sinh", "Giới tính", "Quan hệ", "Thôn", "Mã hộ"],
        ["Nguyễn Văn" if split else "Nguyễn Văn Hùng", "Hùng", 1980, "Nam", "Chủ hộ", "Thôn Tân Hòa", "TH70"],
        ["Lê Thị" if split else "Lê Thị Lan", "Lan", 1982, "Nữ", "Vợ", "Thôn Tân Hòa", "TH70"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "names.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert [m.data.full_name for h in preview.households for m in h.members] == ["Nguyễn Văn Hùng", "Lê Thị Lan"]


def test_a_list_whose_name_column_is_headed_ten_alone(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["TT", "Tên", "Năm sinh", "Giới tính", "Quan hệ", "Thôn", "Mã hộ"],
        [1, "Nguyễn Văn Hùng", 1980, "Nam", "Chủ hộ", "Thôn Tân Hòa", "TH71"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "ten.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    assert [m.data.full_name for h in preview.households for m in h.members] == ["Nguyễn Văn Hùng"]


def test_heads_written_with_their_title_lose_it_and_give_their_sex(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["TT", "Họ và tên chủ hộ", "Năm sinh", "Thôn", "Phân loại hộ"],
        [1, "Ông Nguyễn Văn Hùng", 1980, "Thôn Tân Hòa", "Nghèo"],
        [2, "Hộ bà Lê Thị Lan", 1982, "Thôn Tân Hòa", "Cận nghèo"],
        [3, "Bà Bàn Thị Mây", 1990, "Thôn Bãi Sậy", "Nghèo"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "heads.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    people = [(m.data.full_name, m.data.sex) for h in preview.households for m in h.members]
    assert people == [("Nguyễn Văn Hùng", "M"), ("Lê Thị Lan", "F"), ("Bàn Thị Mây", "F")]


def test_a_family_name_that_is_also_a_title_is_kept(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["TT", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Phân loại hộ"],
        [1, "Ông Văn Khiêm", 1980, "Nam", "Thôn Tân Hòa", "Nghèo"],
        [2, "Lê Thị Lan", 1982, "Nữ", "Thôn Tân Hòa", "Cận nghèo"],
        [3, "Bàn Thị Mây", 1990, "Nữ", "Thôn Bãi Sậy", "Nghèo"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "heads.xlsx", rows))
    names = [m.data.full_name for h in preview.households for m in h.members]
    assert names == ["Ông Văn Khiêm", "Lê Thị Lan", "Bàn Thị Mây"]


def test_ethnicity_written_with_its_kind_word_or_a_local_group(db: Database) -> None:
    from giamngheo_desktop.services import register

    vocab = Vocab(db)
    found = {
        t: vocab.code("ethnicity", t, register.DEFAULT_ETHNICITY_SYSTEM) for t in ("Dân tộc Kinh", "DT Tày", "Pa Cô")
    }
    assert found == {"Dân tộc Kinh": "01", "DT Tày": "02", "Pa Cô": "27"}


@pytest.mark.parametrize("name", ["hidden-lo.xlsx", "hidden-lo.xls"])
def test_hidden_sheets_and_rows_in_files_saved_by_libreoffice(db: Database, name: str) -> None:
    """A sheet "DS 2025" (row 3 hidden) and a hidden sheet "Cũ", saved by LibreOffice Calc as .xlsx and .xls
    (hidden rows are told for .xlsx only)."""
    for village in ("Thôn 1",):
        commune.add_village(db, commune.VillageInput(name=village))
    preview = lists.plan_import(db, ROOT / "tests" / "core" / "fixtures" / "lists" / name)
    assert [(s.name, s.read) for s in preview.sheets] == [("DS 2025", True), ("Cũ", False)]
    assert [m.data.full_name for h in preview.households for m in h.members] == ["Lò Văn Một", "Lò Thị Hai"]
    told = [n for n in preview.notes if "bị ẩn" in n and "dòng 3" in n]
    assert len(told) == (1 if name.endswith(".xlsx") else 0)


def test_short_headers_communes_write(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Họ tên", "QHVCH", "NS", "GT", "TDP", "Mã hộ", "Thuộc diện"],
        ["Lò Văn Một", "CH", 1960, "Nam", "Thôn Tân Hòa", "TH80", "HCN"],
        ["Lò Thị Hai", "Vợ", 1962, "Nữ", "Thôn Tân Hòa", "TH80", None],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "short.xlsx", rows))
    assert not preview.errors and not preview.ignored_columns, [e.text() for e in preview.errors]
    (house,) = preview.households
    assert (house.village_name, house.data.poverty_class) == ("Thôn Tân Hòa", "near_poor")
    assert [(m.data.relationship_code, m.data.sex, m.data.birth_year) for m in house.members] == [
        ("01", "M", 1960),
        ("02", "F", 1962),
    ]


def test_symbols_in_a_unicode_list_are_not_taken_for_an_old_font(db: Database, tmp_path: Path) -> None:
    """ "½" would read as "ẵ" in TCVN3: a symbol alone is not a word typed in an old font."""
    rows: list[list[object]] = [
        [*HEAD, "Diện tích đất (ha)"],
        ["Lò Văn Một", "Chủ hộ", 1960, "Nam", "Thôn Tân Hòa", "TH81", "½"],
        ["Lò Thị Hai", "Vợ", 1962, "Nữ", "Thôn Tân Hòa", "TH81", "½ ½"],
        ["Lò Văn Ba", "Con", 1990, "Nam", "Thôn Tân Hòa", "TH81", "1 ½"],
        ["Lò Văn Tư", "Con", 1992, "Nam", "Thôn Tân Hòa", "TH81", "2 ½"],
    ]
    path = _sheet(tmp_path / "notes.xlsx", rows)
    preview = lists.plan_import(db, path, mapping={"Diện tích đất (ha)": "note"})
    assert not any("bảng mã" in n for n in preview.notes)
    assert [m.data.note for h in preview.households for m in h.members] == [r[6] for r in rows[1:]]


def test_a_village_and_a_class_merged_down_over_several_households(db: Database, tmp_path: Path) -> None:
    """Sorted by village and class, each written once in a cell merged down over all its households: before,
    the households under the first took no village (refused) and no class ("không nghèo", silently)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Thôn", "Phân loại hộ", "Mã hộ", "Họ và tên", "Quan hệ", "Năm sinh", "Giới tính"])
    people = [
        ("Thôn Tân Hòa", "Hộ nghèo", "A1", "Nguyễn Văn Hùng", "Chủ hộ", 1980, "Nam"),
        ("Thôn Tân Hòa", "Hộ nghèo", None, "Lê Thị Lan", "Vợ", 1982, "Nữ"),
        ("Thôn Tân Hòa", "Hộ nghèo", "A2", "Trần Văn Ba", "Chủ hộ", 1970, "Nam"),
        ("Thôn Tân Hòa", "Hộ cận nghèo", "A3", "Phạm Văn Tư", "Chủ hộ", 1971, "Nam"),
        ("Thôn Bãi Sậy", "Hộ cận nghèo", "B1", "Đỗ Văn Năm", "Chủ hộ", 1960, "Nam"),
        ("Thôn Bãi Sậy", "Hộ cận nghèo", None, "Hà Thị Sáu", "Vợ", 1961, "Nữ"),
    ]
    for n, person in enumerate(people, 1):
        ws.append([n, *person])
    for cells in ("B2:B5", "B6:B7", "C2:C4", "C5:C7", "D2:D3", "D6:D7"):
        ws.merge_cells(cells)  # openpyxl empties the cells under the first, as Excel does
    wb.save(tmp_path / "merged.xlsx")
    preview = lists.plan_import(db, tmp_path / "merged.xlsx")
    assert not preview.errors, [e.text() for e in preview.errors]
    houses = [(h.code, h.village_name, h.data.poverty_class, len(h.members)) for h in preview.households]
    assert houses == [
        ("A1", "Thôn Tân Hòa", "poor", 2),
        ("A2", "Thôn Tân Hòa", "poor", 1),
        ("A3", "Thôn Tân Hòa", "near_poor", 1),
        ("B1", "Thôn Bãi Sậy", "near_poor", 2),
    ]


def test_a_birth_date_in_three_columns_under_one_title(db: Database, tmp_path: Path) -> None:
    """ "Ngày, tháng, năm sinh" over Ngày | Tháng | Năm: before, the header's second row was read as a member and
    the day as an Excel serial (12 → 11/01/1900); "Năm" (year) is not "Nam" (man)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, None, "Giới tính", "Quan hệ", "Thôn", "Mã hộ"])
    ws.append([None, None, "Ngày", "Tháng", "Năm", None, None, None, None])
    for c in "ABFGHI":
        ws.merge_cells(f"{c}1:{c}2")
    ws.merge_cells("C1:E1")
    ws.append([1, "Nguyễn Văn Hùng", 12, 3, 1980, "Nam", "Chủ hộ", "Thôn Tân Hòa", "TH90"])
    ws.append([2, "Lê Thị Lan", None, None, 1982, "Nữ", "Vợ", "Thôn Tân Hòa", "TH90"])
    ws.append([3, "Nguyễn Thị Hoa", "05", "09", "2010", "Nữ", "Con", "Thôn Tân Hòa", "TH90"])
    wb.save(tmp_path / "three.xlsx")
    preview = lists.plan_import(db, tmp_path / "three.xlsx")
    assert not preview.errors and not preview.notes, [e.text() for e in preview.errors] + preview.notes
    born = [(m.data.full_name, m.data.birth_date, m.data.birth_year, m.data.sex) for m in preview.households[0].members]
    assert born == [
        ("Nguyễn Văn Hùng", "1980-03-12", None, "M"),
        ("Lê Thị Lan", None, 1982, "F"),
        ("Nguyễn Thị Hoa", "2010-09-05", None, "F"),
    ]


def test_a_csv_with_dates_written_month_first_is_read_so_and_said(db: Database, tmp_path: Path) -> None:
    """An English-locale Excel saves default-format dates in a CSV as m/d/yyyy: "3/12/1980" is 12 March
    there, shown by "12/25/1990" and "1/31/2000" in the same column (before: 3 December, the others refused)."""
    lines = [
        "Họ và tên,Quan hệ,Ngày sinh,Giới tính,Thôn,Mã hộ",
        "Lò Văn Một,Chủ hộ,3/12/1980,Nam,Thôn Tân Hòa,TH95",
        "Lò Thị Hai,Vợ,12/25/1990,Nữ,Thôn Tân Hòa,TH95",
        "Lò Văn Ba,Con,1/31/2000,Nam,Thôn Tân Hòa,TH95",
        "Lò Văn Tư,Con,2005,Nam,Thôn Tân Hòa,TH95",
    ]
    path = tmp_path / "us.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    preview = lists.plan_import(db, path)
    assert not preview.errors, [e.text() for e in preview.errors]
    born = [(m.data.birth_date, m.data.birth_year) for m in preview.households[0].members]
    assert born == [("1980-03-12", None), ("1990-12-25", None), ("2000-01-31", None), (None, 2005)]
    assert any("tháng/ngày/năm" in n and "“Ngày sinh”" in n for n in preview.notes)


def test_day_first_dates_are_never_swapped(db: Database, tmp_path: Path) -> None:
    lines = [
        "Họ và tên,Quan hệ,Ngày sinh,Giới tính,Thôn,Mã hộ",
        "Lò Văn Một,Chủ hộ,3/12/1980,Nam,Thôn Tân Hòa,TH96",
        "Lò Thị Hai,Vợ,25/12/1990,Nữ,Thôn Tân Hòa,TH96",
    ]
    path = tmp_path / "vn.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    preview = lists.plan_import(db, path)
    assert [m.data.birth_date for m in preview.households[0].members] == ["1980-12-03", "1990-12-25"]
    assert not any("tháng/ngày/năm" in n for n in preview.notes)


def test_children_named_by_their_birth_order_are_children(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEAD,
        ["Hà Văn Đức", "Chủ hộ", 1970, "Nam", "Thôn Tân Hòa", "TH30"],
        ["Hà Văn Cường", "Con cả", 1995, "Nam", "Thôn Tân Hòa", "TH30"],
        ["Hà Thị Mai", "Con thứ", 1998, "Nữ", "Thôn Tân Hòa", "TH30"],
        ["Hà Văn Tí", "Con út", 2005, "Nam", "Thôn Tân Hòa", "TH30"],
    ]
    preview = lists.plan_import(db, _sheet(tmp_path / "con.xlsx", rows))
    assert not preview.errors, [e.text() for e in preview.errors]
    lists.commit_import(db, preview)
    assert _relations(db) == {"Hà Văn Đức": "01", "Hà Văn Cường": "04", "Hà Thị Mai": "04", "Hà Văn Tí": "04"}


def _codeless(path: Path, extra: list[list[object]] | None = None) -> Path:
    head: list[object] = ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Phân loại hộ"]
    rows: list[list[object]] = [
        head,
        [1, "Nguyễn Văn An", "Chủ hộ", 1970, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"],
        [2, "Lê Thị Bình", "Vợ", 1972, "Nữ", "Thôn Đồng Xuân", "Hộ nghèo"],
        [3, "Trần Văn Cường", "Chủ hộ", 1965, "Nam", "Thôn Tân Hòa", "Hộ cận nghèo"],
        [4, "Trần Thị Dung", "Con", 1995, "Nữ", "Thôn Tân Hòa", "Hộ cận nghèo"],
        *(extra or []),
    ]
    return _sheet(path, rows)


def test_a_list_without_codes_imported_again_is_not_written_twice(db: Database, tmp_path: Path) -> None:
    lists.commit_import(db, lists.plan_import(db, _codeless(tmp_path / "ds.xlsx")))
    codes = {
        r["full_name"]: r["code"]
        for r in db.rows("SELECT m.full_name, h.code FROM household h JOIN member m ON m.id = h.head_member_id")
    }
    again = _codeless(
        tmp_path / "ds-lan-2.xlsx",
        [
            [5, "Nguyễn Văn An", "Chủ hộ", 1991, "Nam", "Thôn Đồng Xuân", "Hộ nghèo"],  # a namesake, born later
            [6, "Trần Văn Cường", "Chủ hộ", 1965, "Nam", "Thôn Bãi Sậy", "Hộ nghèo"],  # the same name elsewhere
        ],
    )
    preview = lists.plan_import(db, again)
    errors = [i for i in preview.issues if i.severity == "error"]
    assert [(i.row, i.value) for i in errors] == [(2, "Nguyễn Văn An"), (4, "Trần Văn Cường")]
    assert codes["Nguyễn Văn An"] in errors[0].reason and "đã được nhập" in errors[0].reason
    with pytest.raises(ValidationFailed):
        lists.commit_import(db, preview)
    assert db.scalar("SELECT count(*) FROM household") == 2
    lists.commit_import(db, preview, valid_only=True)  # only the two households the register does not hold
    assert db.scalar("SELECT count(*) FROM household") == 4
    assert db.scalar("SELECT count(*) FROM member WHERE full_name = 'Nguyễn Văn An'") == 2
