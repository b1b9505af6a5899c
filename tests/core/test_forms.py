"""Printed papers read back with pdftotext: every paper of a round comes from that round (its classes,
counts, dates, standard) at each step; the four forms of Decision 24/2021 print blank and filled;
every page is laid out on the Decree 30/2020 page."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.export import forms
from giamngheo_desktop.services import demo, review
from giamngheo_desktop.services import forms as papers
from giamngheo_desktop.storage.connection import Database
from tests.report_builders import small_commune, villages

pytestmark = [
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) không có"),
    pytest.mark.clock("2026-12-20 09:00"),  # for the tests that ask for pinned_clock
]


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8"))


def _flat(path: Path) -> str:
    return " ".join(_text(path).split())


def _pages(path: Path) -> int:
    return _text(path).count("\f")


def _fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def _print(db: Database, kind: str, path: Path, **target: int) -> str:
    forms.write_form(kind, papers.form_paper(db, kind, **target), path)
    return _flat(path)


def _listed(text: str, codes: list[str]) -> set[str]:
    return {c for c in codes if re.search(rf"\b{re.escape(c)}\b", text)}


def test_each_paper_at_each_step_shows_the_rounds_classes(db: Database, tmp_path: Path, pinned_clock: None) -> None:
    """A round opened on a demo commune: from the meeting step on, posting list, minutes, decision and
    certificates carry the round's computed (then final) classes and counts — not the register's."""
    demo.generate(db, households=160, seed=5)
    # two well-off households the register wrongly holds as poor: the round finds them not poor
    wrong = [
        r["id"]
        for r in db.rows(
            "SELECT id FROM household WHERE poverty_class = 'not_poor' AND village_id = ? ORDER BY id LIMIT 2",
            (villages(db)[0],),
        )
    ]
    with db.atomic() as conn:
        conn.executemany("UPDATE household SET poverty_class = 'poor' WHERE id = ?", [(i,) for i in wrong])
    rid = review.open_round(db, kind="annual", reference_date="2026-11-15").written_id
    with pytest.raises(DomainError, match="chưa có kết quả phân loại"):
        papers.form_paper(db, "posting", round_id=rid, village_id=villages(db)[0])
    review.compute_round(db, rid)
    vid = villages(db)[0]
    wrong_codes = [db.scalar("SELECT code FROM household WHERE id = ?", (i,)) for i in wrong]
    steps = [
        ("meeting", lambda: None),
        (
            "posting",
            lambda: review.advance(db, rid, to_step="posting", posting_from="2026-11-20", posting_to="2026-11-23"),
        ),
        (
            "decision",
            lambda: review.advance(
                db, rid, to_step="decision", decision_number="99/QĐ-UBND", decision_date="2026-12-01"
            ),
        ),
        ("certificates", lambda: review.issue_certificates(db, rid)),
        ("closed", lambda: review.close_round(db, rid)),
    ]
    for village in {r.village for r in review.round_rows(db, rid)}:
        village_id = db.scalar("SELECT id FROM village WHERE name = ?", (village,))
        review.record_meeting(db, rid, village_id=village_id, meeting_date="2026-11-18", attendees=30, agreed=21)
    changed_somewhere = False
    for step, go in steps:
        go()
        rows = review.round_rows(db, rid)
        cls = {r.code: (r.final_class or r.computed_class) for r in rows}
        before = {r.code: r.class_before for r in rows}
        changed_somewhere |= any(cls[c] != "poor" for c in wrong_codes)
        mine = [r for r in rows if r.village == db.scalar("SELECT name FROM village WHERE id = ?", (vid,))]
        poor = [r.code for r in mine if cls[r.code] == "poor"]
        near = [r.code for r in mine if cls[r.code] == "near_poor"]
        others = [r.code for r in mine if cls[r.code] not in ("poor", "near_poor")]
        escaped = [c for c in others if before[c] in ("poor", "near_poor")] + [c for c in near if before[c] == "poor"]
        # posting list and minutes of the village: the round's poor / near-poor / escaped, counted
        for kind in ("posting", "minutes"):
            text = _print(db, kind, tmp_path / f"{step}-{kind}.pdf", round_id=rid, village_id=vid)
            assert _listed(text, poor + near) == set(poor + near), (step, kind)
            assert _listed(text, others) == set(escaped) - set(near), (step, kind)  # non-poor only when escaped
            assert f"{len(poor)} hộ nghèo" in text and f"{len(near)} hộ cận nghèo" in text
            for c in wrong_codes:  # the register says poor; the paper says what the round found
                if cls[c] not in ("poor", "near_poor"):
                    assert re.search(rf"{re.escape(c)} \d+ Thoát nghèo", text), (step, kind, c)
        minutes = _flat(tmp_path / f"{step}-minutes.pdf")
        assert "ngày 18 tháng 11 năm 2026" in minutes and "30" in minutes and "(70,0 %)" in minutes
        # decision (Mẫu 02): every list of the whole round
        decision = _print(db, "decision", tmp_path / f"{step}-decision.pdf", round_id=rid)
        all_poor = sum(1 for k in cls.values() if k == "poor")
        all_near = sum(1 for k in cls.values() if k == "near_poor")
        assert f"Công nhận {all_poor} hộ nghèo, {all_near} hộ cận nghèo" in decision, step
        if step in ("decision", "certificates", "closed"):
            assert "Số: 99/QĐ-UBND" in decision and "ngày 01 tháng 12 năm 2026" in decision
        else:
            assert "Số: ……/QĐ-UBND" in decision
        # certificate: the round's class for a poor / near-poor household; refused for the others
        code = (poor + near)[0]
        hid = db.scalar("SELECT id FROM household WHERE code = ?", (code,))
        cert_path = tmp_path / f"{step}-cert.pdf"
        cert = _print(db, "certificate", cert_path, round_id=rid, household_id=hid)
        word = "HỘ NGHÈO" if cls[code] == "poor" else "HỘ CẬN NGHÈO"
        assert f"Là {word} theo chuẩn nghèo giai đoạn 2022 - 2025" in cert, step
        assert "kết quả rà soát hộ nghèo, hộ cận nghèo năm 2026" in cert
        assert "Nghị định số 351/2025/NĐ-CP" in cert  # 2026 keeps the 2022–2025 standard by Decree 351
        assert _pages(cert_path) == 1 and not re.search(r"^\s*1\s*$", _text(cert_path), re.M)  # no page number
        if others:
            other = db.scalar("SELECT id FROM household WHERE code = ?", (others[0],))
            with pytest.raises(DomainError, match="không cấp giấy chứng nhận"):
                papers.form_paper(db, "certificate", round_id=rid, household_id=other)
        if step in ("certificates", "closed"):
            assert re.search(r"Số: \d+/GCN-HN\.HCN", cert)
    assert changed_somewhere  # the round did change classes: the papers above could not come from the register


def test_monthly_round_papers_carry_the_monthly_rounds_figures(
    db: Database, tmp_path: Path, pinned_clock: None
) -> None:
    demo.generate(db, households=160, seed=5)
    annual = review.run_complete_round(
        db, reference_date="2026-11-15", decision_number="98/QĐ-UBND", decision_date="2026-12-01"
    ).written_id
    hid = db.scalar("SELECT id FROM household WHERE poverty_class = 'not_poor' ORDER BY id LIMIT 1")
    review.record_request(db, household_id=hid, form="01", request_date="2026-12-15", content="Mất mùa")
    monthly = review.open_round(db, kind="monthly", reference_date="2026-12-15").written_id
    review.compute_round(db, monthly)
    vid = db.scalar("SELECT village_id FROM household WHERE id = ?", (hid,))
    review.record_meeting(db, monthly, village_id=vid, meeting_date="2026-12-16", attendees=12, agreed=10)
    monthly_text = _print(db, "minutes", tmp_path / "m.pdf", round_id=monthly, village_id=vid)
    annual_text = _print(db, "minutes", tmp_path / "a.pdf", round_id=annual, village_id=vid)
    assert "Số người tham dự: 12" in monthly_text and "ngày 16 tháng 12 năm 2026" in monthly_text
    assert "Số người tham dự: 40" in annual_text
    assert monthly_text != annual_text
    choices = dict(papers.round_choices(db))
    assert next(iter(choices)) == monthly  # the open round is offered first
    request = _print(db, "request01", tmp_path / "r.pdf", household_id=hid)
    assert "Lý do đề nghị: Mất mùa" in request


def test_the_four_decision_24_forms_print_blank_and_filled(db: Database, tmp_path: Path) -> None:
    ids = small_commune(db)
    blank01 = _print(db, "request01", tmp_path / "b01.pdf")
    assert "Mẫu số 01" in blank01 and "GIẤY ĐỀ NGHỊ" in blank01 and "Rà soát hộ nghèo, hộ cận nghèo" in blank01
    assert "Giới tính (1: Nam; 2: Nữ): ……" in blank01 and "Tình trạng" in blank01
    assert "Họ và tên: ……" in blank01 and "Nguyễn" not in blank01
    filled01 = _print(db, "request01", tmp_path / "f01.pdf", household_id=ids["c"])
    assert "Họ và tên: Nguyễn Văn 01-003 1" in filled01 and "Lê Thị 01-003 2" in filled01
    blank04 = _print(db, "request04", tmp_path / "b04.pdf")
    assert "Mẫu số 04" in blank04 and "Công nhận hộ thoát nghèo, hộ thoát cận nghèo" in blank04
    assert "Nam □, Nữ □" in blank04
    filled04 = _print(db, "request04", tmp_path / "f04.pdf", household_id=ids["a"])
    assert "Nam ■, Nữ □" in filled04 and "hộ nghèo" in filled04


def test_decision_and_certificate_of_a_closed_round(db: Database, tmp_path: Path, pinned_clock: None) -> None:
    demo.generate(db, households=160, seed=5)
    rid = review.run_complete_round(
        db, reference_date="2026-11-15", decision_number="12/QĐ-UBND", decision_date="2026-11-30"
    ).written_id
    decision = _print(db, "decision", tmp_path / "d.pdf", round_id=rid)
    assert "Mẫu số 02" in decision and "QUYẾT ĐỊNH" in decision and "Số: 12/QĐ-UBND" in decision
    assert "(Kèm theo Quyết định số 12/QĐ-UBND ngày 30 tháng 11 năm 2026" in decision
    cert_id = papers.certificate_households(db, rid, villages(db)[0])[0]
    cert = _print(db, "certificate", tmp_path / "c.pdf", round_id=rid, household_id=cert_id)
    assert "Mẫu số 03" in cert and re.search(r"Số: \d+/GCN-HN\.HCN", cert)
    assert "Quyết định số 12/QĐ-UBND ngày 30/11/2026" in cert and "đến hết ngày 31/12/2026" in cert


def test_village_batch_of_a_round(db: Database, tmp_path: Path, pinned_clock: None) -> None:
    demo.generate(db, households=160, seed=5)
    rid = review.run_complete_round(
        db, reference_date="2026-11-15", decision_number="12/QĐ-UBND", decision_date="2026-11-30"
    ).written_id
    v1 = villages(db)[0]
    path, households = forms.write_village_batch(*papers.village_papers(db, rid, v1), tmp_path / "thon.pdf")
    text = _text(path)
    certificates = papers.certificate_households(db, rid, v1)
    assert households == len(certificates)
    assert "NIÊM YẾT CÔNG KHAI" in text and "BIÊN BẢN HỌP THÔN" in text
    assert text.count("GIẤY CHỨNG NHẬN") == households and text.count("PHIẾU THEO DÕI HỖ TRỢ HỘ") == households
    other = db.scalar("SELECT code FROM household WHERE village_id != ? AND poverty_class = 'poor' LIMIT 1", (v1,))
    assert other not in text  # another village's household


def test_every_paper_is_on_the_decree_30_page(db: Database, tmp_path: Path, pinned_clock: None) -> None:
    """Liberation Serif (Times New Roman's metric twin) embedded; header block with Quốc hiệu, Tiêu ngữ and
    the italic date; no page number on page 1; dates as dd/mm/yyyy or in words, never ISO."""
    demo.generate(db, households=160, seed=5)
    ids = {
        "a": db.scalar("SELECT id FROM household WHERE poverty_class = 'poor' ORDER BY id LIMIT 1"),
        "d": db.scalar("SELECT household_id FROM support_record ORDER BY id LIMIT 1"),
    }
    rid = review.run_complete_round(
        db, reference_date="2026-11-15", decision_number="12/QĐ-UBND", decision_date="2026-11-30"
    ).written_id
    v1 = villages(db)[0]
    for kind, target in (
        ("posting", {"round_id": rid, "village_id": v1}),
        ("decision", {"round_id": rid}),
        ("request04", {"household_id": ids["a"]}),
        ("assistance", {"household_id": ids["d"]}),
    ):
        path = tmp_path / f"{kind}.pdf"
        text = _print(db, kind, path, **target)
        fonts = _fonts(path)
        assert "LiberationSerif" in fonts and "Noto" not in fonts, kind
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), kind
        first = _text(path).split("\f")[0]
        assert not re.search(r"^\s*(Trang )?1\s*$", first, re.M), kind


def test_residence_names_each_place_once() -> None:
    assert (
        papers.residence_text("Thôn Đồng Xuân, xã Tân Lập", "Thôn Đồng Xuân", "xã Tân Lập (dữ liệu mẫu)", "Phú Thọ")
        == "Thôn Đồng Xuân, xã Tân Lập, Phú Thọ"
    )
    assert papers.residence_text("", "Thôn Gò Mít", "xã Tân Lập", "Phú Thọ") == "Thôn Gò Mít, xã Tân Lập, Phú Thọ"
