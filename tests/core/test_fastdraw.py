"""The papers' quick drawing (``export.fastdraw``) writes the PDF reportlab itself writes, to the byte:
the layout of the official papers cannot move by it. Each test draws the same thing both ways with
reportlab's ``invariant`` mode (no dates or random ids in the file) and compares the files."""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.report import ReportData
from giamngheo_desktop.export import fastdraw, page, pdf
from giamngheo_desktop.export.fonts import FONT, FONT_BOLD, register_fonts
from giamngheo_desktop.services import demo, reporting
from giamngheo_desktop.storage.connection import Database

TEXTS = [
    "Nguyễn Thị Hồng Nhung",
    "Đặng Văn Đức (con)",
    r"a\b (c) [d] % 100",  # PDF string escapes
    "Hộ nghèo",
    "0251234567",
    "",
    "ỳ ỷ ỹ ỵ Ỳ Ỷ Ỹ Ỵ ơ ớ ờ ở ỡ ợ ư ứ ừ ử ữ ự",
]


def _same(value: Any) -> Any:
    return value


@pytest.fixture
def invariant() -> Iterator[None]:
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = before


def _canvas_pdf(path: Path, draw: Callable[[Any], None]) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    canv = Canvas(str(path))
    for _ in range(3):  # the caches live across pages of one document
        draw(canv)
        canv.showPage()
    canv.save()
    return path.read_bytes()


def test_strings_and_lines_are_the_canvas_own(tmp_path: Path, invariant: None) -> None:
    # many different letters: the font runs over more than one subset of 256 glyphs
    letters = "".join(chr(c) for c in range(0x41, 0x5B)) + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
    texts = [*TEXTS, letters, letters[::-1]]

    def reportlab(canv: Any) -> None:
        for n, text in enumerate(texts):
            canv.setFont(FONT_BOLD if n % 2 else FONT, 9.5, 11.875)
            canv.drawString(40.25, 700 - 20 * n, text)
            canv.drawCentredString(300.5, 700 - 20 * n, text)
            canv.drawRightString(555.125, 700 - 20 * n, text)
            canv.line(30, 695.3 - 20 * n, 560.7, 695.3 - 20 * n)

    def quick(canv: Any) -> None:
        ink = fastdraw.ink(canv)
        for n, text in enumerate(texts):
            canv.setFont(FONT_BOLD if n % 2 else FONT, 9.5, 11.875)
            ink.draw(40.25, 700 - 20 * n, text)
            ink.draw(300.5, 700 - 20 * n, text, "CENTER")
            ink.draw(555.125, 700 - 20 * n, text, "RIGHT")
            ink.line(30, 695.3 - 20 * n, 560.7, 695.3 - 20 * n)

    assert _canvas_pdf(tmp_path / "a.pdf", reportlab) == _canvas_pdf(tmp_path / "b.pdf", quick)


def _story(make_paragraph: Callable[[str, Any], Any], memo: bool) -> list[Any]:
    """Three short 'forms' with the same header block, title and headings, each on its own page."""
    from reportlab.platypus import PageBreak, Paragraph

    s = page.styles()
    story: list[Any] = []
    for n in range(3):
        if story:
            story.append(PageBreak())
        story.append(page.paper_start())
        letterhead = page.Letterhead(body="ỦY BAN NHÂN DÂN XÃ TÂN LẬP", place="Tân Lập", day=None)
        head = page.header(letterhead, page.text_width(False))
        if memo:
            story += [fastdraw.memo(("head", i), functools.partial(_same, f)) for i, f in enumerate(head)]
            story.append(
                fastdraw.memo(
                    "title",
                    lambda: Paragraph("PHIẾU THEO DÕI", s.title),
                    space=(s.title.spaceBefore, s.title.spaceAfter),
                )
            )
        else:
            story += [*head, Paragraph("PHIẾU THEO DÕI", s.title)]
        story += [make_paragraph(f"<b>Họ và tên chủ hộ:</b> Người thứ {n}", s.body) for _ in range(2)]
        story.append(make_paragraph("<b>I. Thành viên hộ</b>", s.body))
    return story


def test_paragraphs_and_fixed_parts_drawn_again_are_the_same_file(tmp_path: Path, invariant: None) -> None:
    from reportlab.platypus import Paragraph

    plain = page.build(tmp_path / "a.pdf", _story(Paragraph, False), landscape_page=False, title="x")
    quick = page.build(tmp_path / "b.pdf", _story(fastdraw.stable_paragraph, True), landscape_page=False, title="x")
    assert plain.read_bytes() == quick.read_bytes()


@pytest.fixture
def long_list(db: Database) -> ReportData:
    demo.generate(db, households=1800, seed=3)
    report = reporting.build_report(db, kind="list_poor", period=periods.parse("2026"))
    assert len(report.rows) > 2 * pdf.PAGED_TABLE_ROWS  # laid out page by page
    return report


def _reportlab_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every quick path off: reportlab's Table measures and draws each page (as before them)."""
    from reportlab.platypus import Table

    table = pdf._table_class()

    def draw_cell(self: Any, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        if cellval.__class__ is str and not cellval:
            return
        Table._drawCell(self, cellval, cellstyle, pos, size)

    monkeypatch.setattr(table, "_drawCell", draw_cell)
    monkeypatch.setattr(table, "_drawLines", Table._drawLines)
    monkeypatch.setattr(fastdraw, "replay_draw", lambda canv, key, draw: draw())
    monkeypatch.setattr(fastdraw, "draw_recorded", lambda canv, key, x, y: False)
    monkeypatch.setattr(pdf, "_exact_heights", lambda *args: [])


def test_a_long_list_is_the_file_reportlab_draws(
    long_list: ReportData, tmp_path: Path, invariant: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = pdf.write_pdf(long_list, tmp_path / "quick.pdf").read_bytes()
    _reportlab_only(monkeypatch)
    assert pdf.write_pdf(long_list, tmp_path / "slow.pdf").read_bytes() == quick


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có trên máy này")
def test_every_member_of_a_long_list_is_printed_once_under_the_headers(long_list: ReportData, tmp_path: Path) -> None:
    path = pdf.write_pdf(long_list, tmp_path / "list.pdf")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    pages = [p for p in unicodedata.normalize("NFC", out.decode("utf-8")).split("\f") if p.strip()]
    assert len(pages) > 3
    text = "\n".join(pages)
    name_col = next(i for i, h in enumerate(long_list.headers) if h.text.startswith("Họ và tên"))
    col = long_list.headers[name_col].col
    names = [str(r.values[col]) for r in long_list.rows if r.values[col]]
    assert len(names) > 300
    for name in set(names):
        assert text.count(name) >= names.count(name), name
    numbers = " ".join(str(c) for c in long_list.column_numbers[:3])
    assert all(" ".join(p.split()).count(numbers) == 1 for p in pages)  # the column-number row on every page
    assert "NGƯỜI LẬP BIỂU" in pages[-1] and all("NGƯỜI LẬP BIỂU" not in p for p in pages[:-1])


def _forms(db: Database) -> list[Any]:
    from giamngheo_desktop.services import forms as papers

    demo.generate(db, households=300, seed=4)
    ids = [
        r[0]
        for r in db.conn.execute(
            "SELECT id FROM household WHERE poverty_class IN ('poor', 'near_poor') AND deleted_at IS NULL ORDER BY id"
        )
    ]
    return [papers.household_paper(db, hid) for hid in ids[:40]]


def _write_forms(households: list[Any], path: Path) -> Path:
    from giamngheo_desktop.export import forms

    return forms.write_forms("assistance", households, path)


@pytest.mark.usefixtures("pinned_clock")
def test_assistance_forms_are_the_file_reportlab_draws(
    db: Database, tmp_path: Path, invariant: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forms' header blocks, headings, grid cells and signatures drawn again from the first drawing
    make the same file as every one drawn by reportlab."""
    from reportlab.platypus import Table

    households = _forms(db)
    quick = _write_forms(households, tmp_path / "quick.pdf").read_bytes()
    table = fastdraw.table_class()
    monkeypatch.setattr(table, "_drawCell", Table._drawCell)
    monkeypatch.setattr(table, "_drawLines", Table._drawLines)
    monkeypatch.setattr(fastdraw, "replay_draw", lambda canv, key, draw: draw())
    monkeypatch.setattr(fastdraw, "draw_recorded", lambda canv, key, x, y: False)
    assert _write_forms(households, tmp_path / "slow.pdf").read_bytes() == quick


@pytest.mark.usefixtures("pinned_clock")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có trên máy này")
def test_each_assistance_form_prints_its_household(db: Database, tmp_path: Path) -> None:
    households = _forms(db)
    path = _write_forms(households, tmp_path / "forms.pdf")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    text = " ".join(unicodedata.normalize("NFC", out.decode("utf-8")).split())
    assert text.count("PHIẾU THEO DÕI HỖ TRỢ HỘ") == len(households)
    assert text.count("CÁN BỘ THEO DÕI") == len(households) and text.count("ĐẠI DIỆN HỘ") == len(households)
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == len(households)
    supports = 0
    for paper in households:
        assert f"Mã hộ: {paper.household['code']}" in text
        for member in paper.members:
            assert member["full_name"] in text
        for row in paper.supports:
            supports += 1
            assert " ".join(row["type_name"].split()[:2]) in text  # a long kind wraps in its cell
    assert supports > 40
