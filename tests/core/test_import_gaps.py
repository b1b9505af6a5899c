"""What issue 14 left: relationship words of every region, old-font (TCVN3/VNI) lists converted, hidden rows
and sheets told, two columns for one field told; and list shapes the other fixtures do not cover."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.values import Vocab
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
