"""The printed papers (A4 portrait, the Decree 30/2020 page of ``export.page``), from plain values
read by ``services.forms``:

- a round's papers: posting list and village-meeting minutes (one village), the recognition decision
  (Mẫu 02 of Decision 24/2021) with its attached lists, the certificate (Mẫu 03);
- a household's requests: Mẫu 01 (review) and Mẫu 04 (recognition as escaped), filled or blank;
- the household assistance form; and a whole village's papers of a round in one PDF.

Every paper starts with ``page.paper_start()`` so its page numbers start again (none on its first page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock, formats
from giamngheo_desktop.domain.documents import (
    CertificatePaper,
    DecisionPaper,
    HouseholdLine,
    HouseholdPaper,
    PersonLine,
    RequestPaper,
    RoundFacts,
    RoundVillagePaper,
)
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.report import format_number
from giamngheo_desktop.export import fastdraw, page
from giamngheo_desktop.export.page import MM, Letterhead, Signer, esc

CLASS_WORDS = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "newly_escaped": "Hộ mới thoát nghèo",
    "average": "Hộ có mức sống trung bình",
    "not_poor": "Hộ không nghèo",
}
FORM_KINDS = {
    "posting": "Danh sách niêm yết công khai",
    "minutes": "Biên bản họp thôn",
    "decision": "Quyết định công nhận (Mẫu số 02)",
    "certificate": "Giấy chứng nhận hộ nghèo, hộ cận nghèo (Mẫu số 03)",
    "request01": "Giấy đề nghị rà soát (Mẫu số 01)",
    "request04": "Giấy đề nghị công nhận thoát nghèo (Mẫu số 04)",
    "assistance": "Phiếu theo dõi hỗ trợ hộ",
}
LOCAL_GOVERNMENT_LAW = "Luật Tổ chức chính quyền địa phương"
DECISION_24 = (
    "Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021 của Thủ tướng Chính phủ quy định quy trình rà soát "
    "hộ nghèo, hộ cận nghèo hằng năm và quy trình xác định hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp và diêm "
    "nghiệp có mức sống trung bình giai đoạn 2022 - 2025"
)
DOTS = "……………………"
TICK, BOX = "■", "□"


def _width() -> float:
    return page.text_width(False)


GRID_PADDING = 6.0  # reportlab's default left and right cell padding, which _grid keeps


def _grid(data: list[list[Any]], widths_mm: Sequence[float], header_rows: int = 1, spans: Sequence[int] = ()) -> Any:
    """A bordered table (header shaded, repeated on each page); ``spans``: rows whose cells 1… merge."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    scale = _width() / (sum(widths_mm) * MM)
    col_widths = [w * MM * scale for w in widths_mm]
    data, cell_styles = page.plain_cells(data, col_widths, GRID_PADDING, spans)  # one-line cells: plain text
    table = fastdraw.table_class()(data, colWidths=col_widths, repeatRows=header_rows, cellStyles=cell_styles)
    style: list[tuple[Any, ...]] = [  # valign and paddings are in the cells' styles
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEF2F6")),
    ]
    style += [("SPAN", (1, r), (-1, r)) for r in spans]
    style += [("NOSPLIT", (0, r), (-1, min(r + 1, len(data) - 1))) for r in spans]  # a heading keeps its first row
    table.setStyle(TableStyle(style))
    return table


def _p(text: str, style: Any) -> Any:
    """A paragraph (``fastdraw.paragraph``: laid out and drawn once per document for the same text
    and style, the headings and labels every form repeats)."""
    return fastdraw.paragraph(text, style)


def _c(text: str, style: Any) -> page.Cell:
    """A table cell: drawn as plain text by the table when it fits on one line (``page.plain_cells``)."""
    return page.Cell(text, style)


def _birth(m: PersonLine) -> str:
    return formats.dmy(m.birth_date, str(m.birth_year or ""))


def _round_line(rnd: RoundFacts) -> str:
    return f"{rnd.name} (ngày tham chiếu {formats.dmy(rnd.reference_date)})"


# ------------------------------------------------------------ round lists ----
def _household_table(
    sections: Sequence[tuple[str, Sequence[HouseholdLine], bool]], *, village: bool, note: bool
) -> Any:
    """TT | Họ và tên chủ hộ | Mã hộ | (Thôn) | Số nhân khẩu | Kết quả rà soát | (Ghi chú), with a
    section row per list ("I. Hộ nghèo (n hộ)")."""
    s = page.styles()
    heads = ["TT", "Họ và tên chủ hộ", "Mã hộ"] + (["Thôn"] if village else []) + ["Số nhân khẩu", "Kết quả rà soát"]
    widths = [10, 50, 22] + ([28] if village else []) + [18, 40]
    if note:
        heads.append("Ghi chú")
        widths.append(28)
    data: list[list[Any]] = [[_p(esc(h), s.small_center_bold) for h in heads]]
    spans: list[int] = []
    romans = ["I", "II", "III", "IV"]
    for i, (label, hs, escaped) in enumerate(sections):
        spans.append(len(data))
        data.append(
            [_p(f"<b>{romans[i]}</b>", s.small_center), _p(f"<b>{esc(label)} ({len(hs)} hộ)</b>", s.small)]
            + [""] * (len(heads) - 2)
        )
        for n, h in enumerate(hs, start=1):
            result = CLASS_WORDS.get(h.cls, h.cls)
            if escaped:
                result = "Thoát nghèo" if h.class_before == "poor" else "Thoát cận nghèo"
                if h.cls == "near_poor":
                    result += " (trở thành hộ cận nghèo)"
            row = [
                _p(str(n), s.small_center),
                _p(esc(h.head.name), s.small),
                _p(esc(h.code), s.small_center),
            ]
            if village:
                row.append(_p(esc(h.village), s.small))
            row += [_p(str(h.persons), s.small_center), _p(esc(result), s.small)]
            if note:
                text = ""
                if not escaped and h.class_before not in (h.cls, None):
                    text = {"poor": "Từ hộ nghèo", "near_poor": "Từ hộ cận nghèo"}.get(h.class_before or "", "Mới")
                row.append(_p(text, s.small_center))
            data.append(row)
        if not hs:
            spans.append(len(data))
            data.append(["", _p("<i>Không có hộ nào.</i>", s.small)] + [""] * (len(heads) - 2))
    return _grid(data, widths, spans=spans)


def _village_table(paper: RoundVillagePaper) -> Any:
    """The village's lists of the round: poor, near-poor, escaped (posting list and minutes)."""
    return _household_table(
        [
            ("Hộ nghèo", paper.poor, False),
            ("Hộ cận nghèo", paper.near_poor, False),
            ("Hộ thoát nghèo, thoát cận nghèo", paper.escaped, True),
        ],
        village=False,
        note=True,
    )


def _counts_line(paper: RoundVillagePaper) -> str:
    return (
        f"Tổng số: {len(paper.poor)} hộ nghèo, {len(paper.near_poor)} hộ cận nghèo, "
        f"{len(paper.escaped)} hộ thoát nghèo, thoát cận nghèo."
    )


def posting_story(paper: RoundVillagePaper) -> list[Any]:
    """Danh sách niêm yết công khai kết quả rà soát của một thôn (the round's classes)."""
    from reportlab.platypus import KeepTogether, Spacer

    s = page.styles()
    rnd = paper.round
    story: list[Any] = [page.paper_start()]
    story += page.header(Letterhead(body=paper.issuer.body, place=paper.issuer.place, day=rnd.posting_from), _width())
    story += [
        Spacer(1, 4 * MM),
        _p("DANH SÁCH NIÊM YẾT CÔNG KHAI", s.title),
        _p(
            esc(f"Kết quả rà soát hộ nghèo, hộ cận nghèo — {paper.village}"),
            s.subtitle,
        ),
        _p(esc(_round_line(rnd)), s.center_italic),
        _p(
            esc(f"Thời gian niêm yết: từ ngày {formats.dmy(rnd.posting_from)} đến ngày {formats.dmy(rnd.posting_to)}"),
            s.center_italic,
        ),
        Spacer(1, 3 * MM),
        _village_table(paper),
        Spacer(1, 2 * MM),
        KeepTogether(
            [
                _p(esc(_counts_line(paper)), s.bold),
                _p(
                    "Ý kiến phản ánh xin gửi Trưởng thôn hoặc Ủy ban nhân dân xã trong thời gian niêm yết.",
                    s.justify,
                ),
                Spacer(1, 3 * MM),
                page.signature(
                    _width(),
                    Signer(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], paper.issuer.chairman, "(Ký tên, đóng dấu)"),
                    Signer(["TRƯỞNG THÔN"], paper.village_head),
                ),
            ]
        ),
    ]
    return story


def minutes_story(paper: RoundVillagePaper) -> list[Any]:
    """Biên bản họp thôn: the round's meeting in this village (or blanks) and the results it agreed."""
    from reportlab.platypus import KeepTogether, Spacer

    s = page.styles()
    rnd, m = paper.round, paper.meeting or {}
    story: list[Any] = [page.paper_start()]
    story += page.header(
        Letterhead(
            body=paper.village.upper(),
            parent=paper.issuer.body,
            place=paper.issuer.place,
            day=m.get("meeting_date"),
        ),
        _width(),
    )
    attendees, agreed = m.get("attendees"), m.get("agreed")
    share = f" ({formats.percent(100 * agreed / attendees)})" if attendees and agreed is not None else ""
    passed = ""
    if attendees:
        passed = (
            " — đạt yêu cầu (từ 50 % trở lên)."
            if agreed is not None and agreed * 2 >= attendees
            else " — chưa đạt 50 %: rà soát lại và họp lại."
        )
    lines = [
        f"Hôm nay, {formats.in_words(m.get('meeting_date'))}, tại {paper.village}, {paper.issuer.name}, "
        f"họp dân bình xét, thống nhất kết quả rà soát hộ nghèo, hộ cận nghèo theo {_round_line(rnd)}.",
        f"Chủ trì: {m.get('chair') or paper.village_head or DOTS}, Trưởng thôn.",
        f"Thư ký: {m.get('secretary') or DOTS}.",
        f"Số người tham dự: {attendees if attendees is not None else '……'}; "
        f"số người đồng ý với kết quả: {agreed if agreed is not None else '……'}{share}{passed}",
    ]
    story += [Spacer(1, 4 * MM), _p("BIÊN BẢN HỌP THÔN", s.title)]
    story.append(_p("Bình xét, thống nhất kết quả rà soát hộ nghèo, hộ cận nghèo", s.subtitle))
    story.append(Spacer(1, 3 * MM))
    story += [_p(esc(t), s.justify) for t in lines]
    if m.get("minutes"):
        story.append(_p(esc(m["minutes"]), s.justify))
    story.append(
        _p(
            esc(
                f"Kết quả: thống nhất {len(paper.poor)} hộ nghèo, {len(paper.near_poor)} hộ cận nghèo; "
                f"{len(paper.escaped)} hộ thoát nghèo, thoát cận nghèo (danh sách dưới đây)."
            ),
            s.justify,
        )
    )
    story += [
        Spacer(1, 2 * MM),
        _village_table(paper),
        Spacer(1, 2 * MM),
        KeepTogether(
            [
                _p(
                    "Biên bản lập thành 02 bản, kết thúc cùng ngày, đã đọc lại cho mọi người cùng nghe và nhất trí.",
                    s.justify,
                ),
                Spacer(1, 3 * MM),
                page.signature(
                    _width(),
                    Signer(["CHỦ TRÌ"], m.get("chair") or paper.village_head),
                    Signer(["THƯ KÝ"], m.get("secretary") or ""),
                ),
            ]
        ),
    ]
    return story


# ----------------------------------------------------------------- Mẫu 02 ----
def decision_story(paper: DecisionPaper) -> list[Any]:
    """Mẫu 02: the decision recognising the round's lists, then the attached lists."""
    from reportlab.platypus import KeepTogether, PageBreak, Spacer

    s = page.styles()
    rnd, who = paper.round, paper.issuer
    number = rnd.decision_number or "……/QĐ-UBND"
    story: list[Any] = [page.paper_start()]
    story += page.header(
        Letterhead(body=who.body, number=f"Số: {number}", place=who.place, day=rnd.decision_date, form="Mẫu số 02"),
        _width(),
    )
    year = rnd.year
    subject = (
        f"Về việc công nhận danh sách hộ nghèo, hộ cận nghèo; hộ thoát nghèo, hộ thoát cận nghèo năm {year}"
        if rnd.kind == "annual"
        else f"Về việc công nhận hộ nghèo, hộ cận nghèo; hộ thoát nghèo, hộ thoát cận nghèo ({rnd.name})"
    )
    story += [
        Spacer(1, 4 * MM),
        _p("QUYẾT ĐỊNH", s.title),
        _p(esc(subject), s.subtitle),
        page.rule(40 * MM),
        Spacer(1, 3 * MM),
        _p(esc(f"CHỦ TỊCH ỦY BAN NHÂN DÂN {who.name.upper()}"), s.center_bold),
        Spacer(1, 2 * MM),
    ]
    basis = [LOCAL_GOVERNMENT_LAW, *rnd.basis, DECISION_24]
    story += [_p(f"<i>Căn cứ {esc(b)};</i>", s.justify) for b in basis]
    story.append(
        _p(
            esc(
                f"Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo ({_round_line(rnd)}), biên bản họp thôn và kết quả "
                "niêm yết công khai;"
            ).join(("<i>", "</i>")),
            s.justify,
        )
    )
    story.append(_p("<i>Theo đề nghị của Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo xã.</i>", s.justify))
    story += [Spacer(1, 2 * MM), _p("QUYẾT ĐỊNH:", s.center_bold), Spacer(1, 1 * MM)]
    articles: list[Any] = []
    counts = (
        f"{len(paper.poor)} hộ nghèo, {len(paper.near_poor)} hộ cận nghèo, {len(paper.escaped_poor)} hộ thoát nghèo "
        f"và {len(paper.escaped_near)} hộ thoát cận nghèo"
    )
    for art in (
        f"<b>Điều 1.</b> Công nhận {esc(counts)} trên địa bàn {esc(who.name)} theo chuẩn nghèo {esc(rnd.period)} "
        "(có danh sách kèm theo).",
        "<b>Điều 2.</b> Các hộ có tên trong danh sách hộ nghèo, hộ cận nghèo được hưởng các chính sách hỗ trợ "
        "theo quy định; các hộ thoát nghèo, thoát cận nghèo được hưởng chính sách theo quy định đối với hộ mới "
        "thoát nghèo, thoát cận nghèo.",
        "<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký. Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, "
        "công chức phụ trách công tác giảm nghèo, Trưởng các thôn và các hộ gia đình có tên tại Điều 1 chịu "
        "trách nhiệm thi hành Quyết định này.",
    ):
        articles.append(_p(art, s.justify))
    story += [
        *articles[:-1],
        KeepTogether(
            [
                articles[-1],
                Spacer(1, 4 * MM),
                page.signature(
                    _width(),
                    Signer(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], who.chairman, "(Ký tên, đóng dấu)"),
                    recipients=["Như Điều 3", "Sở Nông nghiệp và Môi trường (để báo cáo)", "Lưu: VT"],
                ),
            ]
        ),
        PageBreak(),
        _p(
            "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO; HỘ THOÁT NGHÈO, HỘ THOÁT CẬN NGHÈO",
            s.title,
        ),
        _p(
            esc(
                f"(Kèm theo Quyết định số {number} {formats.in_words(rnd.decision_date)} "
                f"của Chủ tịch Ủy ban nhân dân {who.name})"
            ),
            s.center_italic,
        ),
        Spacer(1, 3 * MM),
        _household_table(
            [
                ("Hộ nghèo", paper.poor, False),
                ("Hộ cận nghèo", paper.near_poor, False),
                ("Hộ thoát nghèo", paper.escaped_poor, True),
                ("Hộ thoát cận nghèo", paper.escaped_near, True),
            ],
            village=True,
            note=False,
        ),
    ]
    return story


# ----------------------------------------------------------------- Mẫu 03 ----
def certificate_story(paper: CertificatePaper) -> list[Any]:
    """Mẫu 03: Giấy chứng nhận hộ nghèo, hộ cận nghèo (POVERTY_RULES §5.5), from the round."""
    from reportlab.platypus import KeepTogether, Spacer

    s = page.styles(13.0, compact=True)
    rnd, who, h = paper.round, paper.issuer, paper.household
    number = h.certificate_number or "……"
    if "GCN-HN.HCN" not in number:
        number = f"{number}/GCN-HN.HCN"
    issued = h.certificate_date or rnd.certificates_date or rnd.decision_date
    story: list[Any] = [page.paper_start()]
    story += page.header(
        Letterhead(body=who.body, number=f"Số: {number}", place=who.place, day=issued, form="Mẫu số 03"), _width()
    )
    story += [Spacer(1, 1 * MM), _p("GIẤY CHỨNG NHẬN<br/>HỘ NGHÈO, HỘ CẬN NGHÈO", s.title), Spacer(1, 1 * MM)]
    story.append(_p(esc(f"CHỦ TỊCH ỦY BAN NHÂN DÂN {who.name.upper()}"), s.center_bold))
    result_line = f"kết quả rà soát hộ nghèo, hộ cận nghèo năm {rnd.year}"
    if rnd.decision_number:
        result_line += (
            f" và Quyết định số {rnd.decision_number} ngày {formats.dmy(rnd.decision_date)} của Chủ tịch Ủy ban "
            "nhân dân xã công nhận danh sách hộ nghèo, hộ cận nghèo"
        )
    basis = [LOCAL_GOVERNMENT_LAW, *rnd.basis, result_line]
    story += [_p(f"<i>Căn cứ {esc(b)};</i>", s.justify) for b in basis]
    story += [Spacer(1, 1 * MM), _p("CHỨNG NHẬN:", s.center_bold), Spacer(1, 1 * MM)]
    head = h.head
    title = "ông" if head.sex == "M" else "bà" if head.sex == "F" else "ông/bà"
    gap = "&nbsp;" * 4
    story += [
        _p(f"Hộ {title}: <b>{esc(head.name)}</b>{gap}Dân tộc: {esc(head.ethnicity or '……')}", s.body),
        _p(
            f"Số CCCD/CMND: {esc(head.id_number or DOTS)}{gap}Ngày cấp: {esc(formats.dmy(head.id_issue_date))}",
            s.body,
        ),
        _p(f"Nơi thường trú: {esc(h.residence)}", s.body),
        _p(
            f"Là <b>{esc(CLASS_WORDS.get(h.cls, h.cls).upper())}</b> theo chuẩn nghèo {esc(rnd.period)}.",
            s.body,
        ),
        Spacer(1, 1 * MM),
        _p("<b>I. Thành viên hộ gia đình</b>", s.body),
    ]
    rows: list[list[Any]] = [
        [_p(t, s.small_center_bold) for t in ("TT", "Họ và tên", "Dân tộc", "Quan hệ với chủ hộ")]
        + [_p("Năm sinh", s.small_center_bold), "", _p("Ghi chú", s.small_center_bold)],
        ["", "", "", "", _p("Nam", s.small_center_bold), _p("Nữ", s.small_center_bold), ""],
    ]
    for i, m in enumerate(h.members, start=1):
        year = str(m.birth_year or "")
        rows.append(
            [
                _p(str(i), s.small_center),
                _p(esc(m.name), s.small),
                _p(esc(m.ethnicity), s.small),
                _p(esc(m.relationship), s.small),
                _p(year if m.sex == "M" else "", s.small_center),
                _p(year if m.sex == "F" else "", s.small_center),
                "",
            ]
        )
    members = _grid(rows, [11, 55, 22, 30, 15, 15, 28], header_rows=2)
    from reportlab.platypus import TableStyle

    members.setStyle(
        TableStyle(
            [
                ("SPAN", (4, 0), (5, 0)),
                *[("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 6)],
            ]
        )
    )
    story.append(members)
    story.append(Spacer(1, 1 * MM))
    marks = {"poor": "N", "near_poor": "CN"}
    deprived = ", ".join(str(i) for i in h.deprived) or "—"
    result = [
        [_p(t, s.small_center_bold) for t in ("Năm", "Phân loại", "Chỉ số thiếu hụt", "Xác nhận của UBND xã")],
        [
            _p(str(rnd.year), s.small_center),
            _p(marks.get(h.cls, ""), s.small_center),
            _p(esc(deprived), s.small_center),
            _p("", s.small),
        ],
    ]
    valid = h.valid_until or f"{rnd.year}-12-31"
    closing = [
        _p(f"<b>II. Kết quả phân loại hộ gia đình {esc(rnd.period)}</b>", s.body),
        _grid(result, [20, 35, 60, 55]),
        Spacer(1, 1 * MM),
        _p(
            esc(
                "N: hộ nghèo; CN: hộ cận nghèo; chỉ số thiếu hụt: số thứ tự theo chuẩn nghèo. Giấy có giá trị "
                f"đến hết ngày {formats.dmy(valid)}, là căn cứ để thành viên trong hộ hưởng chính sách theo quy định."
            ),
            s.small,
        ),
        Spacer(1, 2 * MM),
        page.signature(_width(), Signer(["CHỦ TỊCH"], who.chairman, "(Ký, ghi rõ họ tên, đóng dấu)"), gap_mm=16),
    ]
    story.append(KeepTogether(closing))  # the signer never stands alone on a page
    return story


# ------------------------------------------------------------ Mẫu 01 / 04 ----
def _member_table(members: Sequence[PersonLine], blank_rows: int) -> Any:
    s = page.styles()
    heads = [
        "TT",
        "Họ và tên",
        "Giới tính (1: Nam; 2: Nữ)",
        "Ngày, tháng, năm sinh",
        "Quan hệ với chủ hộ (Chủ hộ/vợ/chồng/bố/mẹ/con…)",
        "Tình trạng (Có việc làm/ Không có việc làm/ Đang đi học)",
    ]
    data: list[list[Any]] = [[_p(esc(h), s.small_center_bold) for h in heads]]
    for i, m in enumerate(members, start=1):
        data.append(
            [
                _p(str(i), s.small_center),
                _p(esc(m.name), s.small),
                _p({"M": "1", "F": "2"}.get(m.sex or "", ""), s.small_center),
                _p(esc(_birth(m)), s.small_center),
                _p(esc(m.relationship), s.small),
                _p(esc(m.status), s.small),
            ]
        )
    for i in range(len(members) + 1, len(members) + 1 + blank_rows):
        data.append([_p(str(i), s.small_center), _p("&nbsp;", s.small), "", "", "", ""])
    return _grid(data, [11, 48, 20, 25, 32, 36])


def request_story(paper: RequestPaper) -> list[Any]:
    """Mẫu 01 (Giấy đề nghị rà soát …) or Mẫu 04 (Giấy đề nghị công nhận hộ thoát nghèo …)."""
    from reportlab.platypus import Spacer

    s = page.styles()
    who, h = paper.issuer, paper.household
    head = h.head if h else None
    story: list[Any] = [page.paper_start()]
    story += page.header(
        Letterhead(body="", place=who.place if h else "", day=paper.request_date, form=f"Mẫu số {paper.form}"),
        _width(),
    )

    def value(text: str | None) -> str:
        return esc(text) if text else DOTS

    story.append(Spacer(1, 4 * MM))
    if paper.form == "01":
        story += [
            _p("GIẤY ĐỀ NGHỊ<super>(1)</super>", s.title),
            _p("Rà soát hộ nghèo, hộ cận nghèo", s.subtitle),
        ]
    else:
        story += [_p("GIẤY ĐỀ NGHỊ", s.title), _p("Công nhận hộ thoát nghèo, hộ thoát cận nghèo", s.subtitle)]
    story += [
        Spacer(1, 3 * MM),
        _p(f"Kính gửi: Chủ tịch Ủy ban nhân dân {esc(who.name)}", s.center),
        Spacer(1, 2 * MM),
    ]
    gap = "&nbsp;" * 4
    if paper.form == "01":
        sex = {"M": "1", "F": "2"}.get(head.sex or "", "……") if head else "……"
        story += [
            _p(f"Họ và tên: {value(head.name if head else None)}{gap}Giới tính (1: Nam; 2: Nữ): {sex}", s.body),
            _p(
                f"Ngày, tháng, năm sinh: {value(_birth(head) if head else None)}{gap}"
                f"Dân tộc: {value(head.ethnicity if head else None)}",
                s.body,
            ),
        ]
    else:
        male = TICK if head and head.sex == "M" else BOX
        female = TICK if head and head.sex == "F" else BOX
        story += [
            _p(f"Họ và tên: {value(head.name if head else None)}{gap}Giới tính: Nam {male}, Nữ {female}", s.body),
            _p(
                f"Ngày, tháng, năm sinh: {value(_birth(head) if head else None)}{gap}"
                f"Dân tộc: {value(head.ethnicity if head else None)}",
                s.body,
            ),
        ]
    story += [
        _p(
            f"Số CCCD/CMND: {value(head.id_number if head else None)}{gap}"
            f"Ngày cấp: {esc(formats.dmy(head.id_issue_date if head else None))}"
            + (f"{gap}Nơi cấp: {DOTS}" if paper.form == "04" else ""),
            s.body,
        ),
        _p(f"Nơi đăng ký thường trú: {value(h.residence if h else None)}", s.body),
        _p(f"Nơi ở hiện tại: {value(h.residence if h else None)}", s.body),
    ]
    if paper.form == "01":
        story += [
            Spacer(1, 1 * MM),
            _p("<b>Thông tin các thành viên của hộ:</b>", s.body),
            _member_table(h.members if h else (), 2 if h else 6),
            Spacer(1, 2 * MM),
            _p(f"Lý do đề nghị: {esc(paper.reason) if paper.reason else DOTS * 3}", s.body),
        ]
        if not paper.reason:
            story.append(_p(DOTS * 4, s.body))
    else:
        current = CLASS_WORDS.get(h.cls, "").lower() if h else ""
        decision = f" theo Quyết định số {esc(h.class_decision)}" if h and h.class_decision else ""
        story += [
            _p(
                f"Hộ gia đình tôi hiện là {esc(current) if current else 'hộ nghèo/hộ cận nghèo'}{decision}. "
                "Qua thực tế đời sống và thu nhập, tôi tự nhận thấy hộ gia đình đã thoát nghèo/thoát cận nghèo; "
                f"đề nghị Ủy ban nhân dân {esc(who.name)} xem xét, công nhận hộ gia đình tôi thoát nghèo, "
                "thoát cận nghèo.",
                s.justify,
            ),
            _p(f"Lý do: {esc(paper.reason) if paper.reason else DOTS * 3}", s.body),
        ]
    story += [
        _p("Tôi xin cam đoan những thông tin trên là đúng sự thật; nếu sai tôi xin chịu trách nhiệm.", s.justify),
        Spacer(1, 3 * MM),
        page.signature(
            _width(), Signer(["NGƯỜI VIẾT ĐƠN"], head.name if head else "", "(Ký, ghi rõ họ tên hoặc điểm chỉ)")
        ),
    ]
    if paper.form == "01":
        story += [
            Spacer(1, 3 * MM),
            page.rule(40 * MM, left=True),
            _p(
                "<super>(1)</super> Dùng để đề nghị rà soát hộ nghèo, hộ cận nghèo hoặc đề nghị xác định hộ làm "
                "nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống trung bình; ghi rõ nội dung đề nghị.",
                s.small,
            ),
        ]
    return story


# ------------------------------------------------------------- assistance ----
def assistance_story(paper: HouseholdPaper) -> list[Any]:
    """Phiếu theo dõi hỗ trợ hộ: household, members, every support recorded."""
    from reportlab.platypus import Spacer

    s = page.styles()
    commune, h, members = paper.commune, paper.household, paper.members
    head = next((m for m in members if m["id"] == h["head_member_id"]), members[0] if members else {})
    place = commune["name"].split(" ", 1)[-1] if commune["name"].lower().startswith(("xã ", "phường ")) else ""
    story: list[Any] = [page.paper_start()]
    story += page.header_once(  # the same on every form of a batch: drawn once per document
        Letterhead(body=f"ỦY BAN NHÂN DÂN {commune['name']}", place=place, day=clock.today()), _width()
    )
    story += [Spacer(1, 3 * MM), _p("PHIẾU THEO DÕI HỖ TRỢ HỘ", s.title), Spacer(1, 2 * MM)]
    cls = CLASS_WORDS.get(h["poverty_class"], h["poverty_class"])
    for label, text in (
        ("Họ và tên chủ hộ", head.get("full_name", "")),
        ("Mã hộ", h["code"]),
        ("Thôn", h["village_name"]),
        ("Phân loại hộ", cls + (f" (quyết định {h['class_decision']})" if h["class_decision"] else "")),
    ):
        story.append(_p(f"<b>{esc(label)}:</b> {esc(text)}", s.body))
    story += [Spacer(1, 2 * MM), _p("<b>I. Thành viên hộ</b>", s.body)]
    rows: list[list[Any]] = [
        [
            _c(t, s.small_center_bold)
            for t in ("TT", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ với chủ hộ", "Số định danh")
        ]
    ]
    for i, m in enumerate(members, start=1):
        rows.append(
            [
                _c(str(i), s.small_center),
                _c(esc(m["full_name"]), s.small),
                _c(esc(formats.dmy(m.get("birth_date"), str(m["birth_year"] or ""))), s.small_center),
                _c({"M": "Nam", "F": "Nữ"}.get(m["sex"] or "", ""), s.small_center),
                _c(esc(m["relationship"]), s.small),
                _c(esc(m["id_number"] or ""), s.small),
            ]
        )
    story.append(_grid(rows, [10, 50, 22, 16, 32, 34]))
    story += [Spacer(1, 2 * MM), _p("<b>II. Các khoản hỗ trợ đã nhận</b>", s.body)]
    sup = paper.supports
    rows = [
        [
            _c(t, s.small_center_bold)
            for t in ("TT", "Ngày", "Nội dung hỗ trợ", "Người nhận", "Số lượng", "Số tiền (đồng)", "Nguồn")
        ]
    ]
    for i, r in enumerate(sup, start=1):
        qty = f"{format_number(r['quantity'], 'int')} {r['unit']}".strip()
        rows.append(
            [
                _c(str(i), s.small_center),
                _c(esc(formats.dmy(r["support_date"])), s.small_center),
                _c(esc(r["type_name"]), s.small),
                _c(esc(r["person"]), s.small),
                _c(esc(qty), s.small),
                _c(formats.integer(r["amount"]), s.small),
                _c(esc(r["source"]), s.small),
            ]
        )
    spans: list[int] = []
    if not sup:
        spans.append(len(rows))
        rows.append([_c("", s.small), _c("Chưa ghi nhận khoản hỗ trợ nào.", s.small)] + [""] * 5)
    total = sum(r["amount"] or 0 for r in sup)
    rows.append(["", _p("<b>Cộng</b>", s.small), "", "", "", _p(f"<b>{formats.integer(total)}</b>", s.small), ""])
    story.append(_grid(rows, [10, 26, 38, 32, 17, 24, 27], spans=spans))
    story += [
        Spacer(1, 4 * MM),
        page.signature(
            _width(),
            Signer(["CÁN BỘ THEO DÕI"], commune.get("preparer_name") or ""),
            Signer(["ĐẠI DIỆN HỘ"], head.get("full_name", "")),
        ),
    ]
    return story


# ----------------------------------------------------------------- writers ----
Paper = RoundVillagePaper | DecisionPaper | CertificatePaper | RequestPaper | HouseholdPaper


def story_of(kind: str, paper: Paper) -> list[Any]:
    """The story of one paper of ``kind`` (posting, minutes, decision, certificate, request01/04, assistance)."""
    makers: dict[str, Callable[[Any], list[Any]]] = {
        "posting": posting_story,
        "minutes": minutes_story,
        "decision": decision_story,
        "certificate": certificate_story,
        "request01": request_story,
        "request04": request_story,
        "assistance": assistance_story,
    }
    return makers[kind](paper)


def _author(paper: Paper) -> str:
    if isinstance(paper, HouseholdPaper):
        return str(paper.commune["name"])
    return paper.issuer.name


def write_form(kind: str, paper: Paper, path: Path) -> Path:
    """One paper as an A4 PDF."""
    return page.build(path, story_of(kind, paper), landscape_page=False, title=FORM_KINDS[kind], author=_author(paper))


def write_forms(kind: str, papers: Sequence[Paper], path: Path) -> Path:
    """Several papers of one kind (a whole village's certificates or requests) in one PDF, each paper
    numbering its own pages."""
    from reportlab.platypus import PageBreak

    story: list[Any] = []
    for i, paper in enumerate(papers):
        if i:
            story.append(PageBreak())
        story += story_of(kind, paper)
    if not story:
        raise DomainError("Thôn không có hộ nào cần in loại giấy tờ này.")
    author = _author(papers[0])
    return page.build(path, story, landscape_page=False, title=FORM_KINDS[kind], author=author)


def write_village_batch(
    village: RoundVillagePaper,
    certificates: Sequence[CertificatePaper],
    households: Sequence[HouseholdPaper],
    path: Path,
    *,
    kinds: Sequence[str] = ("posting", "minutes", "certificate", "assistance"),
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[Path, int]:
    """A village's papers of a round in one PDF (``services.forms.village_papers``): posting list,
    minutes, then per poor / near-poor household its certificate and assistance form. Returns (path,
    number of households)."""
    from reportlab.platypus import PageBreak

    story: list[Any] = []

    def add(part: list[Any]) -> None:
        if story:
            story.append(PageBreak())
        story.extend(part)

    if "posting" in kinds:
        add(posting_story(village))
    if "minutes" in kinds:
        add(minutes_story(village))
    total = max(len(certificates), len(households))
    for i in range(total):
        if cancelled is not None and cancelled():
            break
        if "certificate" in kinds and i < len(certificates):
            add(certificate_story(certificates[i]))
        if "assistance" in kinds and i < len(households):
            add(assistance_story(households[i]))
        if progress is not None:
            progress(i + 1, total)
    if not story:
        add(posting_story(village))
    page.build(path, story, landscape_page=False, title=f"Giấy tờ {village.village}", author=village.issuer.name)
    return path, total
