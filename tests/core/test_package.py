"""Upload package: contents, manifest and hashes, sequence numbers, hostile zips refused, combine."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from giamngheo_desktop.cli import main
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.documents import PackageResult
from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.domain.report import ReportData
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import commune
from giamngheo_desktop.services.package import combined_bieu1, make_package
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database
from tests.report_builders import small_commune, support


@pytest.fixture(autouse=True)
def registered_keys() -> signing.KeyRegister:
    """The receiving office (this test's data folder) knows the communes' public keys."""
    register = signing.KeyRegister()
    for code in ("01234", "09999"):
        register.register(signing.commune_key(code).public_text)
    return register


def _export(db: Database, out: Path, period: str = "2026") -> PackageResult:
    return make_package(db, period=periods.parse(period), write=lambda contents: package.write_package(contents, out))


def combine_packages(paths: list[Path], out: Path) -> tuple[Path, ReportData]:
    report = combined_bieu1(package.read_bieu1_counts(paths))
    return write_xlsx(report, out), report


def test_package_holds_workbook_data_and_a_manifest_with_hashes(db: Database, tmp_path: Path) -> None:
    ids = small_commune(db)
    support(db, ids["a"], "health_insurance", "2026-03-01", 800_000)
    result = _export(db, tmp_path)
    assert result.path.name == "goi-du-lieu-01234-2026-lan01.zip"
    manifest, files = package.read_package(result.path)
    assert manifest["commune"] == {"code": "01234", "name": "xã Tân Lập"}
    assert manifest["period"]["key"] == "2026" and manifest["sequence"] == 1
    assert manifest["counts"] == {"households": 4, "members": 10, "supports": 1, "reports": 18}
    assert set(files) == {package.WORKBOOK, package.DATA}
    data = json.loads(files[package.DATA])
    assert {h["class"] for h in data["households"]} == {"poor", "near_poor"}
    member = data["households"][0]["members"][0]
    assert set(member) == {"full_name", "birth_year", "sex", "id_number", "ethnicity_code", "relationship_code"}
    assert "phone" not in data["households"][0] and "address" not in data["households"][0]
    assert data["summary"]["bieu1_counts"][:3] == [6, 17, 3]
    book = tmp_path / "book.xlsx"
    book.write_bytes(files[package.WORKBOOK])
    assert "Mẫu số 7.1" in openpyxl.load_workbook(book, read_only=True).sheetnames


def test_sequence_grows_per_period_and_is_recorded(db: Database, tmp_path: Path) -> None:
    small_commune(db)
    first, second = _export(db, tmp_path), _export(db, tmp_path)
    other = _export(db, tmp_path, "2026-11")
    assert (first.manifest["sequence"], second.manifest["sequence"], other.manifest["sequence"]) == (1, 2, 1)
    rows = db.rows("SELECT period, sequence, file_name FROM report_package ORDER BY id")
    assert [(r["period"], r["sequence"]) for r in rows] == [("2026", 1), ("2026", 2), ("2026-11", 1)]
    assert rows[1]["file_name"] == "goi-du-lieu-01234-2026-lan02.zip"
    assert other.manifest["reports"] == ["monthly", "supports", "supports_by_source"]


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in change:
                if (data := change[info.filename]) is not None:
                    zout.writestr(info.filename, data)
            else:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, data in change.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)
    return dst


def test_tampered_missing_and_extra_files_are_refused(db: Database, tmp_path: Path) -> None:
    small_commune(db)
    good = _export(db, tmp_path).path
    tampered = _rewrite(good, tmp_path / "t.zip", {package.DATA: b'{"households": []}'})
    with pytest.raises(BadFile, match="đã bị thay đổi") as err:
        package.open_package(tampered)
    assert err.value.code == "tampered"
    with pytest.raises(BadFile, match=r"thiếu tệp du-lieu\.json"):
        package.open_package(_rewrite(good, tmp_path / "m.zip", {package.DATA: None}))
    with pytest.raises(BadFile, match="tệp lạ"):
        package.open_package(_rewrite(good, tmp_path / "e.zip", {"virus.exe": b"MZ"}))
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"not a zip at all")
    with pytest.raises(BadFile, match="không phải gói dữ liệu"):
        package.open_package(not_zip)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path.txt", "a/../../b", "C:\\x.txt", "a\\..\\b"])
def test_path_traversal_is_refused(tmp_path: Path, name: str) -> None:
    bad = tmp_path / "p.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": package.FORMAT, "files": []}))
        zf.writestr(name, b"x")
    with pytest.raises(BadFile, match="đường dẫn không an toàn"):
        package.open_package(bad)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = tmp_path / "b.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": package.FORMAT, "files": []}))
        zf.writestr("du-lieu.json", b"\0" * (20 * 1024 * 1024))  # compresses about 1000:1
    with pytest.raises(BadFile, match="bom nén") as err:
        package.open_package(bomb)
    assert err.value.code == "zip_bomb"


def test_combine_several_communes_into_one_biểu_1(db: Database, db_path: Path, tmp_path: Path) -> None:
    small_commune(db)
    a = _export(db, tmp_path / "a").path
    db.close()
    other_path = tmp_path / "other.sqlite"
    shutil.copy(db_path, other_path)
    with open_database(other_path) as other:
        settings = commune.get_commune(other)
        settings.code, settings.name = "09999", "xã Hòa Bình"
        commune.save_commune(other, settings)
        with other.atomic() as conn:
            conn.execute("UPDATE household SET poverty_class = 'poor'")
        b = _export(other, tmp_path / "b").path
    out, report = combine_packages([a, b], tmp_path / "tong.xlsx")
    total = report.total_row()
    assert total is not None and total.values[2:6] == (12, 34, 9, 75.0)
    ws = openpyxl.load_workbook(out)["Biểu 1"]
    names = [row[1] for row in ws.iter_rows(values_only=True) if row[1]]
    assert "xã Hòa Bình (09999)" in names and "xã Tân Lập (01234)" in names
    with pytest.raises(BadFile, match="cùng một xã"):
        combine_packages([a, a], tmp_path / "dup.xlsx")


def test_cli_report_package_verify_and_combine(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small_commune(db)
    db.close()
    out = tmp_path / "out"
    assert (
        main(
            [
                "report",
                "--db",
                str(db_path),
                "--kind",
                "bieu1",
                "--kind",
                "bieu2",
                "--period",
                "2026",
                "--format",
                "pdf",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert (out / "bieu1-2026.pdf").stat().st_size > 1000 and (out / "bieu2-2026.pdf").exists()
    assert (
        main(
            [
                "report",
                "--db",
                str(db_path),
                "--kind",
                "all",
                "--period",
                "2026-11",
                "--format",
                "xlsx",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert (out / "monthly-2026-11.xlsx").exists()
    assert main(["export-package", "--db", str(db_path), "--period", "2026-Q4", "--out", str(out)]) == 0
    zips = list(out.glob("*.zip"))
    assert len(zips) == 1
    capsys.readouterr()
    assert main(["import-package", str(zips[0])]) == 0
    assert "hợp lệ" in capsys.readouterr().out
    assert main(["report", "--db", str(db_path), "--kind", "bieu1", "--period", "2026-13", "--out", str(out)]) == 2
    assert "không hợp lệ" in capsys.readouterr().err


def test_a_period_in_a_file_name_reads_in_vietnamese() -> None:
    """A round's package was "goi-du-lieu-01234-round_2-lan01.zip": the program's word, not the officer's."""
    from giamngheo_desktop.domain import periods

    assert periods.review_round(2, "Rà soát thường xuyên tháng 12/2026").file_key == "dot-2"
    assert [periods.month(2026, 11).file_key, periods.quarter(2026, 4).file_key] == ["2026-11", "2026-Q4"]
