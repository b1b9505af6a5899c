"""The Vietnamese user guide: covers what an officer does, its pictures exist, it builds to a PDF that reads back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import guide
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs" / "huong-dan-su-dung.md"

# What the issue asks the guide to explain, as the section titles an officer looks for.
TOPICS = [
    "Cài đặt và lần chạy đầu tiên",
    "Nhập danh sách hộ từ Excel",
    "Sổ hộ gia đình",
    "Rà soát hộ nghèo, hộ cận nghèo",
    "Đơn đề nghị của hộ",
    "Hỗ trợ, vốn vay, kế hoạch",
    "Báo cáo, in ấn và gói dữ liệu gửi cấp trên",
    "Sao lưu và khôi phục",
    "Người dùng và mật khẩu",
    "Khi phần mềm báo tệp dữ liệu bị hỏng",
    "Phím tắt",
]


def test_the_guide_covers_every_topic_and_its_pictures_exist() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    for topic in TOPICS:
        assert topic in text, topic
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(pictures) >= 8
    for picture in pictures:
        path = SOURCE.parent / picture
        assert path.exists(), f"{picture}: run scripts/guide_screenshots.py"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert guide.missing_glyphs(text) == []


def test_the_guide_builds_to_a_pdf_whose_text_reads_back(tmp_path: Path) -> None:
    out = guide.build_pdf(out=tmp_path / "guide.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for topic in TOPICS:
        assert " ".join(topic.split()) in " ".join(text.split()), topic
    assert "**" not in text, "a Markdown mark was printed as is"


def test_a_character_the_font_cannot_print_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "g.md"
    source.write_text("# Tệp → Mở\n", encoding="utf-8")
    assert guide.missing_glyphs(source.read_text(encoding="utf-8")) == ["→"]
    with pytest.raises(ValueError, match="→"):
        guide.build_pdf(source, tmp_path / "g.pdf")


def test_a_missing_picture_is_named(tmp_path: Path) -> None:
    source = tmp_path / "g.md"
    source.write_text("# Hướng dẫn\n\n![Cửa sổ](images/khong-co.png)\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"khong-co\.png"):
        guide.build_pdf(source, tmp_path / "g.pdf")


@pytest.mark.packaging
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb not installed")
def test_the_screenshots_are_taken_from_the_real_app_at_1366x768(tmp_path: Path) -> None:
    display = os.environ.get("GIAMNGHEO_TEST_DISPLAY", ":118")
    script = ROOT / "scripts" / "guide_screenshots.py"
    result = subprocess.run(
        [sys.executable, str(script), "--display", display, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    shots = sorted(tmp_path.glob("*.png"))
    referenced = set(re.findall(r"images/([\w-]+\.png)", SOURCE.read_text(encoding="utf-8")))
    assert {p.name for p in shots} == referenced
    from PIL import Image

    sizes = {p.name: Image.open(p).size for p in shots}
    assert sizes["02-so-ho.png"] == (1366, 768)
    assert all(w <= 1366 and h <= 768 for w, h in sizes.values())
