"""What the printed papers show, read from the database as plain values (``export/forms.py`` lays
them out on the Decree 30/2020 page).

Papers of a review round come from that round (POVERTY_RULES §4.2): the posting list, the village
meeting minutes, the recognition decision (Mẫu 02 of Decision 24/2021) with its lists and the
certificates (Mẫu 03) read the round's computed or final classes, its meeting, its dates and its
standard — never the register's current class — so what is posted is what the meeting decided.
The requests (Mẫu 01, Mẫu 04) and the assistance form are filled from the register; the requests
also print blank.
"""

from __future__ import annotations

import json
import re
from typing import Any

from giamngheo_desktop import formats
from giamngheo_desktop.domain.documents import (
    CertificatePaper,
    DecisionPaper,
    HouseholdLine,
    HouseholdPaper,
    Issuer,
    PersonLine,
    RequestPaper,
    RoundFacts,
    RoundVillagePaper,
)
from giamngheo_desktop.domain.errors import DomainError, NotFound
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import CLASS_LABELS, PovertyClass, village_title
from giamngheo_desktop.services.commune import commune_at
from giamngheo_desktop.services.reporting import indicators_of
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold

ROUND_FORMS = ("posting", "minutes", "decision", "certificate")
HOUSEHOLD_FORMS = ("certificate", "assistance", "request01", "request04")
LISTED_CLASSES = ("poor", "near_poor")
STEP_WORDS = {
    "list": "lập danh sách",
    "collect": "thu thập thông tin",
    "meeting": "họp thôn",
    "posting": "niêm yết",
    "decision": "quyết định",
    "certificates": "cấp giấy chứng nhận",
    "closed": "đã kết thúc",
}


def class_label(code: str | None) -> str:
    if code is None:
        return "chưa phân loại"
    try:
        return CLASS_LABELS[PovertyClass(code)].lower()
    except ValueError:
        return code


# ----------------------------------------------------------------- commune ----
def _commune(db: Database) -> dict[str, Any]:
    row = db.row("SELECT * FROM commune WHERE id = 1")
    if row is None:
        raise NotFound("Chưa khai báo thông tin xã: vào Cài đặt → Thông tin xã trước khi in.")
    return row


def issuer(db: Database, on: str | None = None) -> Issuer:
    """Who issues the papers; ``on`` (a round's decision or reference date): the commune's name in force
    that day (communes were merged and renamed in 2025–2026)."""
    row = _commune(db)
    name: str = commune_at(db, on).name if on else row["name"]
    place = name
    for prefix in ("xã ", "phường ", "đặc khu "):
        if name.lower().startswith(prefix):
            place = name[len(prefix) :]
    return Issuer(
        name=name,
        province=row["province"],
        place=place,
        body=f"ỦY BAN NHÂN DÂN {name}".upper(),
        chairman=row["chairman_name"] or "",
        preparer=row["preparer_name"] or "",
    )


# ------------------------------------------------------------------- round ----
def _standard(db: Database, standard_id: str, year: int) -> tuple[tuple[str, ...], str]:
    row = db.row("SELECT definition, valid_from, valid_to FROM poverty_standard WHERE id = ?", (standard_id,))
    try:
        definition = json.loads(row["definition"]) if row and row["definition"] else {}
    except ValueError:
        definition = {}
    lines = definition.get("paper_basis") or {}
    if isinstance(lines, dict):  # {"2026": [...], "default": [...]}
        lines = lines.get(str(year)) or lines.get("default") or []
    if not lines:
        lines = [str(b) for b in definition.get("legal_basis") or []]
    period = str(definition.get("paper_period") or "")
    if not period and row is not None:
        start, end = str(row["valid_from"] or "")[:4], str(row["valid_to"] or "")[:4]
        period = f"giai đoạn {start} - {end}" if start and end else ""
    return tuple(str(line) for line in lines), period


def round_facts(db: Database, round_id: int) -> RoundFacts:
    r = db.row(
        "SELECT r.*, COALESCE(s.name, r.standard_id) AS standard_name FROM review_round r"
        " LEFT JOIN poverty_standard s ON s.id = r.standard_id WHERE r.id = ?",
        (round_id,),
    )
    if r is None:
        raise NotFound(f"Không có đợt rà soát số {round_id}.")
    basis, period = _standard(db, r["standard_id"], r["year"])
    return RoundFacts(
        id=r["id"],
        name=r["name"],
        kind=r["kind"],
        year=r["year"],
        step=r["step"],
        reference_date=r["reference_date"],
        posting_from=r["posting_from"],
        posting_to=r["posting_to"],
        decision_number=r["decision_number"] or "",
        decision_date=r["decision_date"],
        certificates_date=r["certificates_date"],
        standard_id=r["standard_id"],
        standard_name=r["standard_name"],
        basis=basis,
        period=period,
    )


def round_choices(db: Database) -> list[tuple[int, str]]:
    """(id, label) of every round, the open ones first then the latest, for choosing whose papers to print."""
    return [
        (
            r["id"],
            f"{r['name']} — {STEP_WORDS.get(r['step'], r['step'])} (tham chiếu {formats.dmy(r['reference_date'])})",
        )
        for r in db.rows(
            "SELECT id, name, step, reference_date FROM review_round"
            " ORDER BY step = 'closed', reference_date DESC, id DESC"
        )
    ]


def _require_computed(rnd: RoundFacts, paper: str) -> None:
    if rnd.step in ("list", "collect"):
        raise DomainError(
            f"Đợt “{rnd.name}” đang ở bước {STEP_WORDS[rnd.step]}, chưa có kết quả phân loại: chưa in được {paper}. "
            "Tính chỉ số và phân loại của đợt ở thẻ Rà soát trước."
        )


# -------------------------------------------------------------- households ----
def _codes(db: Database, list_name: str) -> dict[str, tuple[str, dict[str, Any]]]:
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for row in db.rows("SELECT code, name, extra FROM code_list WHERE list_name = ? ORDER BY sort_order", (list_name,)):
        try:
            extra = json.loads(row["extra"] or "{}")
        except ValueError:
            extra = {}
        out.setdefault(row["code"], (row["name"], extra))
    return out


def residence_text(*parts: str | None) -> str:
    """Address, village, commune, province joined once each: a part already contained in the text
    (ignoring case, accents and a parenthesised remark such as "(dữ liệu mẫu)") is not repeated."""
    out: list[str] = []
    for part in parts:
        key = fold(re.sub(r"\s*\([^)]*\)", "", part or "")).strip()
        if key and key not in fold(", ".join(out)):
            out.append(part or "")
    return ", ".join(out)


class _Reader:
    """The register's households with their members and code names, read for a batch of papers."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.commune = _commune(db)
        self.rel = {c: n for c, (n, _) in _codes(db, "relationship").items()}
        self.eth = {c: n for c, (n, _) in _codes(db, "ethnicity").items()}
        self.employment = _codes(db, "employment")
        self.schooling = _codes(db, "schooling")

    def _status(self, m: dict[str, Any]) -> str:
        if m["schooling"] and self.schooling.get(m["schooling"], ("", {}))[1].get("in_school"):
            return "Đang đi học"
        if m["employment"]:
            employed = self.employment.get(m["employment"], ("", {}))[1].get("employed")
            return "Có việc làm" if employed else "Không có việc làm"
        return ""

    def person(self, m: dict[str, Any]) -> PersonLine:
        return PersonLine(
            name=m["full_name"],
            sex=m["sex"],
            birth_date=m["birth_date"],
            birth_year=m["birth_year"],
            relationship=self.rel.get(m["relationship_code"] or "", ""),
            ethnicity=self.eth.get(m["ethnicity_code"] or "", m["ethnicity_code"] or ""),
            id_number=m["id_number"] or "",
            id_issue_date=m["id_issue_date"],
            status=self._status(m),
        )

    def households(self, ids: list[int], rounds: dict[int, dict[str, Any]] | None = None) -> list[HouseholdLine]:
        """The households ``ids`` in that order; ``rounds`` gives each one's round values (cls,
        class_before, member_count, certificate…), else the register's class is printed."""
        if not ids:
            return []
        out: list[HouseholdLine] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            hs = {
                h["id"]: h
                for h in self.db.rows(
                    "SELECT h.*, v.name AS village_name, v.kind AS village_kind FROM household h"
                    f" JOIN village v ON v.id = h.village_id WHERE h.id IN ({marks})",
                    chunk,
                )
            }
            members: dict[int, list[dict[str, Any]]] = {}
            for m in self.db.rows(
                f"SELECT * FROM member WHERE household_id IN ({marks}) AND deleted_at IS NULL"
                " AND life_status = 'living' ORDER BY household_id, sort_order, id",
                chunk,
            ):
                members.setdefault(m["household_id"], []).append(m)
            for hid in chunk:
                h = hs.get(hid)
                if h is None:
                    continue
                ms = members.get(hid, [])
                head = next((m for m in ms if m["id"] == h["head_member_id"]), ms[0] if ms else None)
                if head is not None:
                    ms = [head] + [m for m in ms if m["id"] != head["id"]]
                rc = (rounds or {}).get(hid, {})
                out.append(
                    HouseholdLine(
                        id=hid,
                        code=h["code"],
                        village=h["village_name"],
                        head=self.person(head) if head else PersonLine("", None, None, None, "", "", "", None, ""),
                        residence=residence_text(
                            h["address"],
                            village_title(h["village_name"], h["village_kind"]),
                            self.commune["name"],
                            self.commune["province"],
                        ),
                        persons=rc.get("member_count") or len(ms),
                        cls=rc.get("cls") or h["poverty_class"],
                        class_before=rc.get("class_before"),
                        members=tuple(self.person(m) for m in ms),
                        deprived=tuple(rc.get("deprived") or ()),
                        certificate_number=rc.get("certificate_number") or "",
                        certificate_date=rc.get("issue_date"),
                        valid_until=rc.get("valid_until"),
                        class_decision=h["class_decision"] or "",
                    )
                )
        return out


def _round_rows(db: Database, round_id: int, village_id: int | None = None) -> dict[int, dict[str, Any]]:
    """{household_id: values} of the round's households (computed or final class), village and code order."""
    sql = """SELECT rh.household_id, COALESCE(rh.final_class, rh.computed_class) AS cls, rh.class_before,
                    rh.member_count, rh.certificate_number, c.issue_date, c.valid_until
             FROM round_household rh JOIN household h ON h.id = rh.household_id
             JOIN village v ON v.id = COALESCE(rh.village_id, h.village_id)
             LEFT JOIN certificate c ON c.round_id = rh.round_id AND c.household_id = rh.household_id
                  AND c.revoked_at IS NULL
             WHERE rh.round_id = ? AND rh.status != 'rejected'"""
    params: list[Any] = [round_id]
    if village_id is not None:
        sql += " AND COALESCE(rh.village_id, h.village_id) = ?"
        params.append(village_id)
    sql += " GROUP BY rh.household_id ORDER BY v.sort_order, h.code"
    return {r["household_id"]: r for r in db.rows(sql, params)}


def escaped_poverty(h: HouseholdLine) -> bool:
    """Poor when the round opened, not poor now (near-poor or above: "thoát nghèo")."""
    return h.class_before == "poor" and h.cls != "poor"


def escaped_near_poverty(h: HouseholdLine) -> bool:
    """Near-poor when the round opened, neither poor nor near-poor now ("thoát cận nghèo")."""
    return h.class_before == "near_poor" and h.cls not in LISTED_CLASSES


def _escaped(h: HouseholdLine) -> bool:
    return escaped_poverty(h) or escaped_near_poverty(h)


# ------------------------------------------------------------------ papers ----
def village_paper(
    db: Database, round_id: int, village_id: int, *, paper: str = "danh sách niêm yết"
) -> RoundVillagePaper:
    """A village's posting list or minutes: the round's results for its households and its latest
    meeting of the round."""
    db.require(Permission.EXPORT)
    rnd = round_facts(db, round_id)
    _require_computed(rnd, paper)
    v = db.row("SELECT * FROM village WHERE id = ?", (village_id,))
    if v is None:
        raise NotFound(f"Không có thôn số {village_id}.")
    reader = _Reader(db)
    rows = _round_rows(db, round_id, village_id)
    hs = reader.households(list(rows), rows)
    meeting = db.row(
        "SELECT * FROM village_meeting WHERE round_id = ? AND village_id = ? ORDER BY meeting_date DESC, id DESC"
        " LIMIT 1",
        (round_id, village_id),
    )
    return RoundVillagePaper(
        issuer(db, rnd.decision_date or rnd.reference_date),
        rnd,
        village_title(v["name"], v["kind"]),  # "Thôn Đông Xá": the posting list's title, the minutes' place
        v["head_name"] or "",
        poor=tuple(h for h in hs if h.cls == "poor"),
        near_poor=tuple(h for h in hs if h.cls == "near_poor"),
        escaped=tuple(h for h in hs if _escaped(h)),
        meeting=meeting,
    )


def decision_paper(db: Database, round_id: int) -> DecisionPaper:
    """Mẫu 02 with its lists: poor, near-poor, escaped poverty, escaped near-poverty."""
    db.require(Permission.EXPORT)
    rnd = round_facts(db, round_id)
    _require_computed(rnd, "quyết định công nhận")
    rows = _round_rows(db, round_id)
    hs = _Reader(db).households(list(rows), rows)
    return DecisionPaper(
        issuer(db, rnd.decision_date or rnd.reference_date),
        rnd,
        poor=tuple(h for h in hs if h.cls == "poor"),
        near_poor=tuple(h for h in hs if h.cls == "near_poor"),
        escaped_poor=tuple(h for h in hs if escaped_poverty(h)),
        escaped_near=tuple(h for h in hs if escaped_near_poverty(h)),
    )


def certificate_papers(db: Database, round_id: int, household_ids: list[int]) -> list[CertificatePaper]:
    """Mẫu 03 of poor or near-poor households of the round (their class, number, dates, standard)."""
    db.require(Permission.EXPORT)
    rnd = round_facts(db, round_id)
    _require_computed(rnd, "giấy chứng nhận")
    rows = _round_rows(db, round_id)
    order = [code for code, _ in indicators_of(db, rnd.standard_id, round_id)]  # the standard's numbering
    values: dict[int, dict[str, Any]] = {}
    for hid in household_ids:
        row = rows.get(hid)
        code = db.scalar("SELECT code FROM household WHERE id = ?", (hid,)) or str(hid)
        if row is None:
            raise NotFound(f"Hộ {code} không có trong đợt “{rnd.name}”: không cấp giấy chứng nhận theo đợt này.")
        if row["cls"] not in LISTED_CLASSES:
            raise DomainError(
                f"Hộ {code} là {class_label(row['cls'])} theo kết quả đợt “{rnd.name}”: không cấp giấy chứng nhận "
                "hộ nghèo, hộ cận nghèo."
            )
        lacking = {
            r["indicator_code"]
            for r in db.rows(
                "SELECT indicator_code FROM round_indicator WHERE round_id = ? AND household_id = ? AND deprived = 1",
                (round_id, hid),
            )
        }
        values[hid] = {**row, "deprived": [i for i, c in enumerate(order, start=1) if c in lacking]}
    who = issuer(db, rnd.certificates_date or rnd.decision_date or rnd.reference_date)
    return [CertificatePaper(who, rnd, h) for h in _Reader(db).households(household_ids, values)]


def certificate_paper(db: Database, round_id: int, household_id: int) -> CertificatePaper:
    return certificate_papers(db, round_id, [household_id])[0]


def certificate_households(db: Database, round_id: int, village_id: int) -> list[int]:
    """The poor and near-poor households of a village in the round, in code order."""
    return [hid for hid, r in _round_rows(db, round_id, village_id).items() if r["cls"] in LISTED_CLASSES]


def request_paper(db: Database, form: str, household_id: int | None = None) -> RequestPaper:
    """Mẫu 01 or Mẫu 04 filled from the register and the household's latest request of that form;
    blank (to hand out) without a household."""
    db.require(Permission.EXPORT)
    if form not in ("01", "04"):
        raise DomainError(f"Không có mẫu giấy đề nghị số {form} (chỉ có Mẫu số 01 và Mẫu số 04).")
    if household_id is None:
        return RequestPaper(form, issuer(db))
    found = _Reader(db).households([household_id])
    if not found:
        raise NotFound(f"Không có hộ số {household_id} trong sổ hộ.")
    req = db.row(
        "SELECT request_date, content FROM household_request WHERE household_id = ? AND form = ?"
        " ORDER BY request_date DESC, id DESC LIMIT 1",
        (household_id, form),
    )
    return RequestPaper(
        form,
        issuer(db),
        found[0],
        request_date=req["request_date"] if req else None,
        reason=req["content"] if req else "",
    )


# -------------------------------------------------------------- assistance ----
def _household(db: Database, household_id: int) -> dict[str, Any]:
    h = db.row(
        """SELECT h.*, v.name AS village_name FROM household h JOIN village v ON v.id = h.village_id
           WHERE h.id = ? AND h.deleted_at IS NULL""",
        (household_id,),
    )
    if h is None:
        raise NotFound(f"Không có hộ số {household_id} trong sổ hộ.")
    return h


def _members(db: Database, household_id: int) -> list[dict[str, Any]]:
    return db.rows(
        """SELECT m.*, COALESCE(r.name, '') AS relationship, COALESCE(e.name, m.ethnicity_code, '') AS ethnicity
           FROM member m
           LEFT JOIN code_list r ON r.list_name = 'relationship' AND r.code = m.relationship_code
           LEFT JOIN code_list e ON e.list_name = 'ethnicity' AND e.code = m.ethnicity_code
                AND e.code_system = COALESCE(m.ethnicity_system, e.code_system)
           WHERE m.household_id = ? AND m.deleted_at IS NULL AND m.life_status = 'living'
           GROUP BY m.id ORDER BY m.sort_order, m.id""",
        (household_id,),
    )


def _supports(db: Database, household_id: int) -> list[dict[str, Any]]:
    return db.rows(
        """SELECT s.support_date, COALESCE(t.name, s.type_code) AS type_name, s.quantity, s.unit, s.amount,
                  COALESCE(f.name, '') AS source, COALESCE(m.full_name, '') AS person
           FROM support_record s
           LEFT JOIN code_list t ON t.list_name = 'support_type' AND t.code = s.type_code
           LEFT JOIN code_list f ON f.list_name = 'funding_source' AND f.code = s.funding_source
           LEFT JOIN member m ON m.id = s.member_id
           WHERE s.household_id = ? AND s.deleted_at IS NULL GROUP BY s.id ORDER BY s.support_date, s.id""",
        (household_id,),
    )


def household_paper(db: Database, household_id: int) -> HouseholdPaper:
    """A household's assistance form (the register: members, every support recorded)."""
    db.require(Permission.EXPORT)
    return HouseholdPaper(
        commune=_commune(db),
        household=_household(db, household_id),
        members=_members(db, household_id),
        supports=_supports(db, household_id),
        certificate_number="",
    )


def village_household_ids(db: Database, village_id: int, *, listed_only: bool = False) -> list[int]:
    """The village's households in code order (``listed_only``: the register's poor and near-poor)."""
    sql = "SELECT id FROM household WHERE village_id = ? AND deleted_at IS NULL"
    if listed_only:
        sql += " AND poverty_class IN ('poor', 'near_poor')"
    return [r["id"] for r in db.rows(sql + " ORDER BY code", (village_id,))]


def village_form_papers(db: Database, kind: str, *, village_id: int, round_id: int | None = None) -> list[Paper]:
    """One paper of ``kind`` for each household of a village: certificates of the round's poor and
    near-poor, Mẫu 01 for every household, Mẫu 04 for the poor and near-poor, assistance forms for
    the poor and near-poor."""
    if kind == "certificate":
        if round_id is None:
            raise DomainError("Chọn đợt rà soát cần in giấy chứng nhận.")
        return list(certificate_papers(db, round_id, certificate_households(db, round_id, village_id)))
    if kind in ("request01", "request04"):
        ids = village_household_ids(db, village_id, listed_only=kind == "request04")
        return [request_paper(db, kind[-2:], hid) for hid in ids]
    if kind == "assistance":
        return [household_paper(db, hid) for hid in village_household_ids(db, village_id, listed_only=True)]
    raise DomainError(f"Không in được «{kind}» cho cả thôn.")


# --------------------------------------------------------------- dispatch ----
Paper = RoundVillagePaper | DecisionPaper | CertificatePaper | RequestPaper | HouseholdPaper


def form_paper(
    db: Database,
    kind: str,
    *,
    round_id: int | None = None,
    village_id: int | None = None,
    household_id: int | None = None,
) -> Paper:
    """The paper of one form. Round papers (posting, minutes, decision, certificate) need ``round_id``;
    requests print blank without ``household_id``."""
    if kind in ROUND_FORMS and round_id is None:
        raise DomainError(
            "Chọn đợt rà soát cần in giấy tờ (danh sách niêm yết, biên bản, quyết định, giấy chứng nhận)."
        )
    if kind in ("posting", "minutes"):
        if village_id is None:
            raise DomainError("Chọn thôn cần in.")
        return village_paper(
            db, round_id or 0, village_id, paper="danh sách niêm yết" if kind == "posting" else "biên bản họp thôn"
        )
    if kind == "decision":
        return decision_paper(db, round_id or 0)
    if kind in ("request01", "request04"):
        return request_paper(db, kind[-2:], household_id)
    if household_id is None:
        raise DomainError("Chọn hộ cần in.")
    if kind == "certificate":
        return certificate_paper(db, round_id or 0, household_id)
    if kind == "assistance":
        return household_paper(db, household_id)
    raise DomainError(f"Không có loại giấy tờ «{kind}».")


def village_papers(
    db: Database, round_id: int, village_id: int
) -> tuple[RoundVillagePaper, list[CertificatePaper], list[HouseholdPaper]]:
    """A whole village's papers of a round: posting list and minutes, then for each of the round's poor
    and near-poor households its certificate and assistance form."""
    village = village_paper(db, round_id, village_id)
    ids = certificate_households(db, round_id, village_id)
    return village, certificate_papers(db, round_id, ids), [household_paper(db, hid) for hid in ids]


def household_choices(db: Database, village_id: int, round_id: int | None = None) -> list[tuple[int, str]]:
    """(id, "code — head (class)") of a village's households for the print dialogs: the round's class
    when the household is in the round, else the register's; the poor and near-poor first."""
    rows = _round_rows(db, round_id, village_id) if round_id is not None else {}
    heads = db.rows(
        """SELECT h.id, h.code, h.poverty_class, COALESCE(hm.full_name, (SELECT full_name FROM member m
                  WHERE m.household_id = h.id AND m.deleted_at IS NULL ORDER BY sort_order, id LIMIT 1), '') AS head
           FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id
           WHERE h.village_id = ? AND h.deleted_at IS NULL ORDER BY h.code""",
        (village_id,),
    )

    def cls(h: dict[str, Any]) -> str:
        r = rows.get(h["id"])
        return str((r["cls"] if r else None) or h["poverty_class"])

    ordered = sorted(heads, key=lambda h: (cls(h) not in LISTED_CLASSES, h["code"]))
    return [(h["id"], f"{h['code']} — {h['head']} ({class_label(cls(h))})") for h in ordered]
