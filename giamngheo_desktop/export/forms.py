"""Printed forms (A4 portrait PDFs): household assistance form, certificate, posting list,
village-meeting minutes; and a whole village's forms in one PDF.

The forms arrive as plain papers (``HouseholdPaper``, ``VillagePaper``) read by ``services.forms``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.documents import HouseholdPaper, VillagePaper
from giamngheo_desktop.domain.report import format_number
from giamngheo_desktop.export.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from giamngheo_desktop.export.pdf import build_pdf, esc, official_header
from giamngheo_desktop.text import fold

CLASS_LABELS = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "newly_escaped": "hộ mới thoát nghèo",
    "average": "hộ có mức sống trung bình",
    "not_poor": "hộ không nghèo",
}
FORM_KINDS = {
    "posting": "Danh sách niêm yết công khai",
    "minutes": "Biên bản họp thôn",
    "certificate": "Giấy chứng nhận hộ nghèo, hộ cận nghèo",
    "assistance": "Phiếu theo dõi hỗ trợ hộ",
}
WIDTH_MM = 180.0


@dataclass
class _Styles:
    base: Any
    bold: Any
    center: Any
    center_bold: Any
    italic_center: Any
    title: Any
    small: Any


def _styles() -> _Styles:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("fb", fontName=FONT, fontSize=10.5, leading=14.5)
    return _Styles(
        base=base,
        bold=ParagraphStyle("fbb", parent=base, fontName=FONT_BOLD),
        center=ParagraphStyle("fc", parent=base, alignment=TA_CENTER),
        center_bold=ParagraphStyle("fcb", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER),
        italic_center=ParagraphStyle("fic", parent=base, fontName=FONT_ITALIC, alignment=TA_CENTER),
        title=ParagraphStyle(
            "ft",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=13.5,
            leading=18,
            alignment=TA_CENTER,
            spaceBefore=8,
            spaceAfter=2,
        ),
        small=ParagraphStyle("fs", parent=base, fontSize=9, leading=11.5),
    )


def _width() -> float:
    from reportlab.lib.units import mm

    return WIDTH_MM * mm


def _place(commune: dict[str, Any]) -> str:
    name: str = commune["name"]
    for prefix in ("xã ", "phường ", "đặc khu "):
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def _date_line(commune: dict[str, Any]) -> str:
    d = clock.today()
    return f"{_place(commune)}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _grid(data: list[list[Any]], widths_mm: Sequence[float], header_rows: int = 1) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEF2F6")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _span_row(table: Any, row: int) -> None:
    from reportlab.platypus import TableStyle

    table.setStyle(TableStyle([("SPAN", (1, row), (-1, row))]))


def _signatures(
    s: _Styles,
    commune: dict[str, Any],
    left: tuple[str, str] | None,
    right: tuple[str, str],
    *,
    date_line: bool = True,
) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    w = _width()
    lt, ln = left or ("", "")
    return Table(
        [
            [Paragraph("", s.center), Paragraph(esc(_date_line(commune) if date_line else ""), s.italic_center)],
            [Paragraph(esc(lt), s.center_bold), Paragraph(esc(right[0]), s.center_bold)],
            [Spacer(1, 20 * mm), Spacer(1, 20 * mm)],
            [Paragraph(esc(ln), s.center_bold), Paragraph(esc(right[1]), s.center_bold)],
        ],
        colWidths=[w * 0.45, w * 0.55],
    )


def _head(h: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    return next((m for m in members if m["id"] == h["head_member_id"]), members[0] if members else {})


# ---------------------------------------------------------------- stories ----
def assistance_story(paper: HouseholdPaper, s: _Styles | None = None) -> list[Any]:
    """Phiếu theo dõi hỗ trợ hộ: household, members, every support recorded."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    s = s or _styles()
    commune, h, members = paper.commune, paper.household, paper.members
    head = _head(h, members)
    story: list[Any] = official_header(_width(), f"UBND {commune['name']}")
    story += [Paragraph("PHIẾU THEO DÕI HỖ TRỢ HỘ", s.title), Spacer(1, 2 * mm)]
    for label, value in (
        ("Họ và tên chủ hộ", head.get("full_name", "")),
        ("Mã hộ", h["code"]),
        ("Thôn", h["village_name"]),
        (
            "Phân loại hộ",
            CLASS_LABELS.get(h["poverty_class"], h["poverty_class"]).capitalize()
            + (f" (quyết định {h['class_decision']})" if h["class_decision"] else ""),
        ),
    ):
        story.append(Paragraph(f"<b>{esc(label)}:</b> {esc(value)}", s.base))
    story += [Spacer(1, 3 * mm), Paragraph("I. Thành viên hộ", s.bold), Spacer(1, 1 * mm)]
    rows: list[list[Any]] = [
        [
            Paragraph(t, s.center_bold)
            for t in ("TT", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Số định danh")
        ]
    ]
    for i, m in enumerate(members, start=1):
        rows.append(
            [
                Paragraph(str(i), s.center),
                Paragraph(esc(m["full_name"]), s.small),
                Paragraph(esc(m["birth_year"] or ""), s.center),
                Paragraph({"M": "Nam", "F": "Nữ"}.get(m["sex"] or "", ""), s.center),
                Paragraph(esc(m["relationship"]), s.small),
                Paragraph(esc(m["id_number"] or ""), s.small),
            ]
        )
    story.append(_grid(rows, [10, 55, 20, 20, 35, 40]))
    story += [Spacer(1, 3 * mm), Paragraph("II. Các khoản hỗ trợ đã nhận", s.bold), Spacer(1, 1 * mm)]
    sup = paper.supports
    rows = [
        [
            Paragraph(t, s.center_bold)
            for t in ("TT", "Ngày", "Nội dung hỗ trợ", "Người nhận", "Số lượng", "Số tiền (đồng)", "Nguồn")
        ]
    ]
    for i, r in enumerate(sup, start=1):
        d = r["support_date"]
        qty = f"{format_number(r['quantity'], 'int')} {r['unit']}".strip()
        rows.append(
            [
                Paragraph(str(i), s.center),
                Paragraph(f"{d[8:10]}/{d[5:7]}/{d[:4]}", s.small),
                Paragraph(esc(r["type_name"]), s.small),
                Paragraph(esc(r["person"]), s.small),
                Paragraph(esc(qty), s.small),
                Paragraph(format_number(r["amount"], "money"), s.small),
                Paragraph(esc(r["source"]), s.small),
            ]
        )
    if not sup:
        rows.append([Paragraph("", s.small), Paragraph("Chưa ghi nhận khoản hỗ trợ nào.", s.small)] + [""] * 5)
    total = sum(r["amount"] or 0 for r in sup)
    rows.append(
        [
            "",
            Paragraph("<b>Cộng</b>", s.small),
            "",
            "",
            "",
            Paragraph(f"<b>{format_number(total, 'money')}</b>", s.small),
            "",
        ]
    )
    table = _grid(rows, [9, 22, 43, 33, 20, 26, 27])
    if not sup:
        _span_row(table, 1)
    story.append(table)
    story += [
        Spacer(1, 5 * mm),
        _signatures(
            s,
            commune,
            ("ĐẠI DIỆN HỘ", head.get("full_name", "")),
            ("CÁN BỘ THEO DÕI", commune.get("preparer_name") or ""),
        ),
    ]
    return story


def residence_text(*parts: str | None) -> str:
    """Address, village, commune, province joined once each: a part already contained in the text
    (ignoring case, accents and a parenthesised remark such as "(dữ liệu mẫu)") is not repeated."""
    out: list[str] = []
    for part in parts:
        key = fold(re.sub(r"\s*\([^)]*\)", "", part or "")).strip()
        if key and key not in fold(", ".join(out)):
            out.append(part or "")
    return ", ".join(out)


def certificate_story(paper: HouseholdPaper, s: _Styles | None = None) -> list[Any]:
    """Giấy chứng nhận hộ nghèo, hộ cận nghèo (POVERTY_RULES §5.5)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    s = s or _styles()
    commune, h, members = paper.commune, paper.household, paper.members
    head = _head(h, members)
    number = paper.certificate_number
    if "GCN-HN.HCN" not in number:
        number = f"{number}/GCN-HN.HCN"
    story: list[Any] = official_header(_width(), f"UBND {commune['name']}", f"Số: {number}")
    story += [Paragraph(esc(_date_line(commune)), s.italic_center), Spacer(1, 2 * mm)]
    story += [Paragraph("GIẤY CHỨNG NHẬN<br/>HỘ NGHÈO, HỘ CẬN NGHÈO", s.title), Spacer(1, 3 * mm)]
    chairman_title = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {commune['name'].upper()}"
    for text in (
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ quy định chuẩn nghèo đa chiều "
        "giai đoạn 2021 - 2025 và các văn bản sửa đổi, bổ sung;",
        "Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm " + str(clock.today().year) + ",",
    ):
        story.append(Paragraph(f"<i>{esc(text)}</i>", s.base))
    story += [
        Spacer(1, 2 * mm),
        Paragraph(esc(chairman_title), s.center_bold),
        Paragraph("CHỨNG NHẬN:", s.center_bold),
        Spacer(1, 2 * mm),
    ]
    sex = "ông" if head.get("sex") == "M" else "bà" if head.get("sex") == "F" else "ông/bà"
    issue = head.get("id_issue_date") or ""
    issue_vn = f"{issue[8:10]}/{issue[5:7]}/{issue[:4]}" if len(issue) >= 10 else "……"
    residence = residence_text(h["address"], h["village_name"], commune["name"], commune["province"])
    gap = "&nbsp;" * 4
    lines = [
        f"Hộ {sex}: <b>{esc(head.get('full_name', ''))}</b>{gap}Dân tộc: {esc(head.get('ethnicity', ''))}",
        f"Số CCCD/CMND: {esc(head.get('id_number') or '……')}{gap}Ngày cấp: {esc(issue_vn)}",
        f"Nơi thường trú: {esc(residence)}",
        f"Thuộc: <b>{esc(CLASS_LABELS.get(h['poverty_class'], h['poverty_class']).upper())}</b>"
        + (f" theo quyết định số {esc(h['class_decision'])}" if h["class_decision"] else ""),
        "Danh sách thành viên hộ:",
    ]
    story += [Paragraph(t, s.base) for t in lines]
    rows: list[list[Any]] = [
        [Paragraph(t, s.center_bold) for t in ("TT", "Họ và tên", "Quan hệ với chủ hộ", "Số định danh cá nhân")]
    ]
    for i, m in enumerate(members, start=1):
        rows.append(
            [
                Paragraph(str(i), s.center),
                Paragraph(esc(m["full_name"]), s.small),
                Paragraph(esc(m["relationship"]), s.small),
                Paragraph(esc(m["id_number"] or ""), s.small),
            ]
        )
    story += [Spacer(1, 1 * mm), _grid(rows, [12, 70, 45, 50]), Spacer(1, 2 * mm)]
    story.append(
        Paragraph(
            "Giấy chứng nhận này là căn cứ để các thành viên trong hộ được hưởng các chính sách hỗ trợ theo quy định.",
            s.base,
        )
    )
    # the place and date are in the header (§5.5), not repeated above the signature
    story += [
        Spacer(1, 4 * mm),
        _signatures(s, commune, None, ("CHỦ TỊCH", commune.get("chairman_name") or ""), date_line=False),
    ]
    return story


def posting_story(paper: VillagePaper, s: _Styles | None = None) -> list[Any]:
    """Danh sách hộ nghèo, hộ cận nghèo niêm yết công khai tại thôn."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    s = s or _styles()
    commune, v, rnd = paper.commune, paper.village, paper.posting_round
    story: list[Any] = official_header(_width(), f"UBND {commune['name']}")
    story += [Paragraph(esc(f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NIÊM YẾT CÔNG KHAI — {v['name'].upper()}"), s.title)]
    if rnd:
        story.append(
            Paragraph(
                esc(f"Thời gian niêm yết: từ ngày {rnd['posting_from']} đến ngày {rnd['posting_to'] or '……'}"),
                s.italic_center,
            )
        )
    story.append(Spacer(1, 3 * mm))
    rows: list[list[Any]] = [
        [
            Paragraph(t, s.center_bold)
            for t in ("TT", "Họ và tên chủ hộ", "Mã hộ", "Số nhân khẩu", "Phân loại", "Ghi chú")
        ]
    ]
    hh = paper.households
    for i, h in enumerate(hh, start=1):
        rows.append(
            [
                Paragraph(str(i), s.center),
                Paragraph(esc(h["head_name"]), s.small),
                Paragraph(esc(h["code"]), s.small),
                Paragraph(str(h["persons"]), s.center),
                Paragraph(esc(CLASS_LABELS[h["poverty_class"]].capitalize()), s.small),
                "",
            ]
        )
    if not hh:
        rows.append(["", Paragraph("Thôn không có hộ nghèo, hộ cận nghèo.", s.small), "", "", "", ""])
    table = _grid(rows, [10, 58, 25, 22, 35, 30])
    if not hh:
        _span_row(table, 1)
    story.append(table)
    poor = sum(1 for h in hh if h["poverty_class"] == "poor")
    story += [
        Spacer(1, 2 * mm),
        Paragraph(esc(f"Tổng số: {poor} hộ nghèo, {len(hh) - poor} hộ cận nghèo."), s.bold),
        Paragraph("Ý kiến phản ánh xin gửi Trưởng thôn hoặc Ủy ban nhân dân xã trong thời gian niêm yết.", s.base),
        Spacer(1, 4 * mm),
        _signatures(s, commune, None, ("TRƯỞNG THÔN", v["head_name"] or "")),
    ]
    return story


def minutes_story(paper: VillagePaper, s: _Styles | None = None) -> list[Any]:
    """Biên bản họp thôn (bình xét hộ nghèo, hộ cận nghèo), filled from the meeting when recorded."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    s = s or _styles()
    commune, v, meeting, hh = paper.commune, paper.village, paper.meeting, paper.households
    poor = sum(1 for h in hh if h["poverty_class"] == "poor")
    story: list[Any] = official_header(_width(), f"UBND {commune['name']}", v["name"].upper())
    story += [Paragraph("BIÊN BẢN HỌP THÔN<br/>Bình xét hộ nghèo, hộ cận nghèo", s.title), Spacer(1, 3 * mm)]
    m = meeting or {}
    date_text = m.get("meeting_date") or "……/……/……"
    for text in (
        f"Thời gian: ngày {date_text}",
        f"Địa điểm: {v['name']}, {commune['name']}",
        f"Chủ trì: {m.get('chair') or v['head_name'] or '……………………'}",
        f"Thư ký: {m.get('secretary') or '……………………'}",
        f"Số người tham dự: {m.get('attendees', '……')}; số người đồng ý với kết quả: {m.get('agreed', '……')}",
        "Nội dung: bình xét, thống nhất danh sách hộ nghèo, hộ cận nghèo của thôn.",
    ):
        story.append(Paragraph(esc(text), s.base))
    if m.get("minutes"):
        story += [Spacer(1, 2 * mm), Paragraph(esc(m["minutes"]), s.base)]
    story += [
        Spacer(1, 2 * mm),
        Paragraph(
            esc(f"Kết quả: thống nhất {poor} hộ nghèo và {len(hh) - poor} hộ cận nghèo (danh sách kèm theo)."), s.base
        ),
    ]
    story.append(Paragraph("Biên bản kết thúc cùng ngày, đã đọc lại cho mọi người cùng nghe và nhất trí.", s.base))
    story += [
        Spacer(1, 5 * mm),
        _signatures(
            s, commune, ("THƯ KÝ", m.get("secretary") or ""), ("CHỦ TRÌ", m.get("chair") or v["head_name"] or "")
        ),
    ]
    return story


# ----------------------------------------------------------------- writers ----
def write_form(kind: str, paper: HouseholdPaper | VillagePaper, path: Path) -> Path:
    """One form: ``assistance`` / ``certificate`` (a household's paper) or ``posting`` / ``minutes`` (a village's)."""
    if isinstance(paper, HouseholdPaper):
        household_makers: dict[str, Callable[[HouseholdPaper], list[Any]]] = {
            "assistance": assistance_story,
            "certificate": certificate_story,
        }
        story = household_makers[kind](paper)
    else:
        village_makers: dict[str, Callable[[VillagePaper], list[Any]]] = {
            "posting": posting_story,
            "minutes": minutes_story,
        }
        story = village_makers[kind](paper)
    return build_pdf(path, story, landscape_page=False, title=FORM_KINDS[kind], author=paper.commune["name"])


def write_village_batch(
    village: VillagePaper,
    households: Sequence[HouseholdPaper],
    path: Path,
    *,
    kinds: Sequence[str] = ("posting", "minutes", "certificate", "assistance"),
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[Path, int]:
    """All forms of one village in one PDF (``services.forms.village_papers``): posting list, minutes,
    then per poor/near-poor household its certificate and assistance form. Returns (path, number of
    households)."""
    from reportlab.platypus import PageBreak

    s = _styles()
    story: list[Any] = []

    def add(part: list[Any]) -> None:
        if story:
            story.append(PageBreak())
        story.extend(part)

    if "posting" in kinds:
        add(posting_story(village, s))
    if "minutes" in kinds:
        add(minutes_story(village, s))
    for i, h in enumerate(households, start=1):
        if cancelled is not None and cancelled():
            break
        if "certificate" in kinds:
            add(certificate_story(h, s))
        if "assistance" in kinds:
            add(assistance_story(h, s))
        if progress is not None:
            progress(i, len(households))
    if not story:
        add(posting_story(village, s))
    build_pdf(
        path,
        story,
        landscape_page=False,
        title=f"Biểu mẫu {village.village['name']}",
        author=village.commune["name"],
    )
    return path, len(households)
