"""Broken and hostile files given to the list import: a clear Vietnamese message or a preview
with row issues, never a crash, nothing written when refused."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.importing.lists import ImportPreview
from giamngheo_desktop.storage.connection import Database
from tests.safety.corpus import (
    GOOD_ROW,
    HEADER,
    check_safe,
    inline_row,
    raw_xlsx,
    sheet_xml,
    table_counts,
    write_xlsx,
    xlsx_bytes,
)


def refused(db: Database, path: Path) -> str:
    outcomes = check_safe(db, path)
    assert all(isinstance(o, BadFile) for o in outcomes), outcomes
    return str(outcomes[0])


def test_truncated_xlsx(db: Database, tmp_path: Path) -> None:
    data = xlsx_bytes([HEADER, GOOD_ROW])
    for cut in (len(data) // 3, len(data) - 30):
        path = tmp_path / f"cut-{cut}.xlsx"
        path.write_bytes(data[:cut])
        message = refused(db, path)
        assert "hỏng" in message or "không" in message.lower()


def test_truncated_zip_of_another_kind(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ban-sao.zip.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "không phải bảng tính " * 200)
    assert "không phải tệp Excel" in refused(db, path)


def test_text_file_renamed_xlsx(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.xlsx"
    path.write_text("Họ và tên;Thôn\nNguyễn Văn A;Thôn 1\n", encoding="utf-8")
    assert "không phải là tệp Excel" in refused(db, path)


def test_empty_file_and_directory(db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "trong.xlsx"
    empty.write_bytes(b"")
    assert "trống" in refused(db, empty)
    folder = tmp_path / "thu-muc.xlsx"
    folder.mkdir()
    refused(db, folder)
    refused(db, tmp_path / "khong-co.csv")


def test_a_million_empty_rows_is_cheap(db: Database, tmp_path: Path) -> None:
    rows = inline_row(1, HEADER) + inline_row(2, GOOD_ROW)
    rows += "".join(f'<row r="{n}"/>' for n in range(3, 1_000_003))
    path = raw_xlsx(tmp_path / "trieu-dong.xlsx", sheet_xml(rows, "A1:XFD1048576"))
    start = time.monotonic()
    outcomes = check_safe(db, path, commit=False)
    assert time.monotonic() - start < 30
    preview = outcomes[-1]
    assert isinstance(preview, ImportPreview) and len(preview.households) == 1


def test_huge_cells(db: Database, tmp_path: Path) -> None:
    big = "Nguyễn " * 150_000  # ≈ 1 MB
    path = raw_xlsx(tmp_path / "o-lon.xlsx", sheet_xml(inline_row(1, HEADER) + inline_row(2, [*GOOD_ROW[:2], big])))
    outcomes = check_safe(db, path)
    assert not any(isinstance(o, ImportPreview) and o.households and not o.issues for o in outcomes[1:])
    csv = tmp_path / "o-lon.csv"
    csv.write_text(";".join(HEADER) + "\n" + ";".join([*GOOD_ROW[:2], big, *GOOD_ROW[3:]]) + "\n", encoding="utf-8")
    check_safe(db, csv)
    stored = db.scalar("SELECT max(length(full_name)) FROM member")
    assert stored is None or stored <= 2_000


def test_wrong_types_give_row_issues(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*HEADER],
        ["01-0001", "Thôn 1", 12345, "Chủ hộ", "ngày 35/13/abc", "Nam", ""],
        ["01-0002", "Thôn 1", "Lê Văn Tám", "Chủ hộ", True, 3.5, "12ab"],
        ["01-0003", 7, "Phạm Thị Hoa", 42, "31/02/1990", "Nữ", 1e20],
    ]
    path = write_xlsx(tmp_path / "sai-kieu.xlsx", rows)
    before = table_counts(db)
    outcomes = check_safe(db, path)
    preview = outcomes[1]
    assert isinstance(preview, ImportPreview)
    issue_rows = {issue.row for issue in preview.errors}
    assert {2, 3, 4} <= issue_rows, [i.text() for i in preview.issues]
    assert table_counts(db) == before  # errors: the import refuses to commit everything


def test_formula_strings_are_plain_text(db: Database, tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x.invalid","bấm")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-2+3"]
    rows = [HEADER] + [
        [f"01-000{i}", "Thôn 1", text, "Chủ hộ", "01/01/1980", "Nam", ""] for i, text in enumerate(hostile)
    ]
    for name, data in (("cong-thuc.xlsx", xlsx_bytes(rows)),):
        path = tmp_path / name
        path.write_bytes(data)
        outcomes = check_safe(db, path, commit=False)
        assert isinstance(outcomes[1], ImportPreview)
    csv = tmp_path / "cong-thuc.csv"
    csv.write_text("\n".join(";".join(str(c) for c in row) for row in rows), encoding="utf-8")
    outcomes = check_safe(db, csv, commit=False)
    preview = outcomes[1]
    assert isinstance(preview, ImportPreview)
    names = {m.row: m.data.full_name for h in preview.households for m in h.members}
    issue_rows = {i.row for i in preview.issues}
    for row, text in enumerate(hostile, start=2):  # kept verbatim as text, or flagged — never evaluated
        assert names.get(row) == text or row in issue_rows, (row, names.get(row))


@pytest.mark.parametrize("sheet", ["../../etc/passwd", "..\\..\\Windows\\system32", "<script>"])
def test_sheet_names_with_path_traversal(db: Database, tmp_path: Path, sheet: str) -> None:
    from xml.sax.saxutils import quoteattr

    name = quoteattr(sheet)[1:-1]
    rows = inline_row(1, HEADER) + inline_row(2, GOOD_ROW)
    path = raw_xlsx(tmp_path / "ten-trang.xlsx", sheet_xml(rows), sheet_name=name)
    check_safe(db, path)
    assert not (tmp_path.parent / "etc").exists()


def test_sheet_part_pointing_outside_the_zip(db: Database, tmp_path: Path) -> None:
    rows = inline_row(1, HEADER) + inline_row(2, GOOD_ROW)
    path = raw_xlsx(tmp_path / "tro-ra-ngoai.xlsx", sheet_xml(rows), target="../../../../../../etc/passwd")
    message = refused(db, path)
    assert "bị hỏng" in message and "root" not in message  # nothing of the file outside is read


def test_file_names_with_traversal(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "..\\..\\etc\\passwd.xlsx"
    write_xlsx(path, [HEADER, GOOD_ROW])
    outcomes = check_safe(db, path, commit=False)
    assert isinstance(outcomes[1], ImportPreview)
    odd = tmp_path / "..csv"
    odd.write_text("x", encoding="utf-8")
    assert "Không tìm thấy dòng tiêu đề cột" in str(check_safe(db, odd)[-1])


@pytest.mark.parametrize(
    ("encoding", "extra", "expected"),
    [
        ("cp1258", b"", "Không tìm thấy dòng tiêu đề cột"),  # the header's letters lost to "?"
        ("utf-16", b"", "01-0001"),
        ("utf-16", b"\n", "không đọc được bằng bảng mã nào"),  # an odd number of bytes
        ("latin-1", b"\xff\xfe\x00\x81\x8d", "không phải tệp văn bản CSV"),
        ("utf-8", b"\xc3\x28\xa0\xa1\xf0\x28", "không đọc được bằng bảng mã nào"),
    ],
)
def test_csv_in_other_encodings_with_broken_bytes(
    db: Database, tmp_path: Path, encoding: str, extra: bytes, expected: str
) -> None:
    text = ";".join(HEADER) + "\n" + ";".join(GOOD_ROW) + "\n"
    data = (text + ";x\n").encode(encoding, errors="replace") + extra
    path = tmp_path / f"ds-{encoding}.csv"
    path.write_bytes(data)
    preview = check_safe(db, path, commit=False)[1]
    if isinstance(preview, ImportPreview):  # read: the household of the good row, nothing more
        assert [h.code for h in preview.households] == [expected]
    else:
        assert expected in str(preview)
