"""What the printed forms show, read from the register (``export/forms.py`` lays them out).

A household's certificate and assistance form need its members, supports and certificate
number; a village's posting list and meeting minutes need its poor and near-poor households,
the latest posting period and the village's latest meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from giamngheo_desktop.domain.documents import HouseholdPaper, VillagePaper
from giamngheo_desktop.domain.errors import NotFound
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import CLASS_LABELS
from giamngheo_desktop.storage.connection import Database

HOUSEHOLD_FORMS = ("assistance", "certificate")
VILLAGE_FORMS = ("posting", "minutes")
LISTED_CLASSES = ("poor", "near_poor")


def _commune(db: Database) -> dict[str, Any]:
    row = db.row("SELECT * FROM commune WHERE id = 1")
    if row is None:
        raise NotFound("Chưa khai báo thông tin xã: vào Cài đặt → Thông tin xã trước khi in.")
    return row


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


def _certificate_number(db: Database, household_id: int) -> str:
    row = db.row(
        "SELECT number, issue_date FROM certificate WHERE household_id = ? AND revoked_at IS NULL "
        "ORDER BY issue_date DESC, id DESC LIMIT 1",
        (household_id,),
    )
    if row:
        return str(row["number"])
    num = db.scalar(
        "SELECT certificate_number FROM round_household WHERE household_id = ? AND certificate_number "
        "IS NOT NULL ORDER BY round_id DESC LIMIT 1",
        (household_id,),
    )
    return str(num or "……/GCN-HN.HCN")


def _village(db: Database, village_id: int) -> dict[str, Any]:
    v = db.row("SELECT * FROM village WHERE id = ?", (village_id,))
    if v is None:
        raise NotFound(f"Không có thôn số {village_id}.")
    return v


def _village_households(db: Database, village_id: int, classes: Sequence[str]) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(classes))
    return db.rows(
        f"""SELECT h.id, h.code, h.poverty_class, h.address,
                   COALESCE(hm.full_name, (SELECT full_name FROM member m WHERE m.household_id = h.id
                        AND m.deleted_at IS NULL ORDER BY sort_order, id LIMIT 1), '') AS head_name,
                   (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.deleted_at IS NULL
                        AND m.life_status = 'living') AS persons
            FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id
            WHERE h.village_id = ? AND h.deleted_at IS NULL AND h.poverty_class IN ({marks})
            ORDER BY h.poverty_class, h.code""",
        (village_id, *classes),
    )


def household_paper(db: Database, household_id: int) -> HouseholdPaper:
    """A household's certificate and assistance form."""
    db.require(Permission.EXPORT)
    return HouseholdPaper(
        commune=_commune(db),
        household=_household(db, household_id),
        members=_members(db, household_id),
        supports=_supports(db, household_id),
        certificate_number=_certificate_number(db, household_id),
    )


def village_paper(db: Database, village_id: int) -> VillagePaper:
    """A village's posting list and meeting minutes."""
    db.require(Permission.EXPORT)
    return VillagePaper(
        commune=_commune(db),
        village=_village(db, village_id),
        posting_round=db.row("SELECT * FROM review_round WHERE posting_from IS NOT NULL ORDER BY id DESC LIMIT 1"),
        meeting=db.row(
            "SELECT * FROM village_meeting WHERE village_id = ? ORDER BY meeting_date DESC, id DESC LIMIT 1",
            (village_id,),
        ),
        households=_village_households(db, village_id, LISTED_CLASSES),
    )


def form_paper(db: Database, kind: str, target_id: int) -> HouseholdPaper | VillagePaper:
    """The paper of one form: ``assistance``/``certificate`` (household id), ``posting``/``minutes`` (village id)."""
    return household_paper(db, target_id) if kind in HOUSEHOLD_FORMS else village_paper(db, target_id)


def village_papers(db: Database, village_id: int) -> tuple[VillagePaper, list[HouseholdPaper]]:
    """A whole village's forms: the village's paper and one per poor or near-poor household."""
    village = village_paper(db, village_id)
    return village, [household_paper(db, h["id"]) for h in village.households]


def household_choices(db: Database, village_id: int) -> list[tuple[int, str]]:
    """(id, "code — head name (class)") of the poor and near-poor households of a village, for the UI."""
    return [
        (h["id"], f"{h['code']} — {h['head_name']} ({CLASS_LABELS[h['poverty_class']].lower()})")
        for h in _village_households(db, village_id, LISTED_CLASSES)
    ]
