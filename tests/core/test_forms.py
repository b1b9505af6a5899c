"""Printed forms read back with pdftotext: the right households, numbers and Vietnamese text."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from report_builders import small_commune, support, villages

from giamngheo_desktop.export import forms
from giamngheo_desktop.services import forms as papers
from giamngheo_desktop.storage.connection import Database

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có")


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8"))


def _pages(path: Path) -> int:
    return _text(path).count("\f")


def test_village_batch_has_posting_minutes_and_two_forms_per_household(db: Database, tmp_path: Path) -> None:
    ids = small_commune(db)
    support(db, ids["a"], "health_insurance", "2026-03-01", 1_250_000)
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO certificate (household_id, number, poverty_class, issue_date) "
            "VALUES (?, '17/GCN-HN.HCN', 'poor', '2026-01-10')",
            (ids["a"],),
        )
    v1 = villages(db)[0]
    path, households = forms.write_village_batch(*papers.village_papers(db, v1), tmp_path / "thon.pdf")
    assert households == 3  # two poor, one near-poor in village 1
    text = _text(path)
    assert "NIÊM YẾT CÔNG KHAI" in text and "BIÊN BẢN HỌP THÔN" in text
    assert text.count("GIẤY CHỨNG NHẬN") == 3 and text.count("PHIẾU THEO DÕI HỖ TRỢ HỘ") == 3
    assert "Số: 17/GCN-HN.HCN" in text and "Số: ……/GCN-HN.HCN" in text
    assert "Tổng số: 2 hộ nghèo, 1 hộ cận nghèo." in text
    assert "1.250.000" in text and "Nguyễn Văn 01-001 1" in text
    assert "02-001" not in text  # another village's household
    assert "Nguyễn Văn An" in text  # the chairman signs the certificate


def test_single_forms(db: Database, tmp_path: Path) -> None:
    ids = small_commune(db)

    def form(kind: str, target: int) -> Path:
        return forms.write_form(kind, papers.form_paper(db, kind, target), tmp_path / f"{kind}.pdf")

    cert = form("certificate", ids["c"])
    text = _text(cert)
    assert "HỘ CẬN NGHÈO" in text and "Nguyễn Văn 01-003 1" in text and "Lê Thị 01-003 2" in text
    assert _pages(cert) == 1
    posting = _text(form("posting", villages(db)[2]))
    assert "Thôn không có hộ nghèo" in " ".join(posting.split())
    assistance = _text(
        forms.write_form("assistance", papers.form_paper(db, "assistance", ids["d"]), tmp_path / "a.pdf")
    )
    assert "Chưa ghi nhận khoản hỗ trợ nào." in assistance


def test_residence_names_each_place_once() -> None:
    from giamngheo_desktop.export.forms import residence_text

    assert (
        residence_text("Thôn Đồng Xuân, xã Tân Lập", "Thôn Đồng Xuân", "xã Tân Lập (dữ liệu mẫu)", "Phú Thọ")
        == "Thôn Đồng Xuân, xã Tân Lập, Phú Thọ"
    )
    assert residence_text("", "Thôn Gò Mít", "xã Tân Lập", "Phú Thọ") == "Thôn Gò Mít, xã Tân Lập, Phú Thọ"
