"""The register (the given households and their living members) as a sheet for ``export.register_xlsx``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from giamngheo_desktop.domain.documents import RegisterSheet
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.storage.connection import Database

_EXPORT_SQL = """
    SELECT h.id AS household_id, h.code, v.name AS village_name, h.address, h.phone, h.poverty_class,
           h.class_decision, h.class_date, h.waste_treatment,
           (SELECT group_concat(c.name, '; ') FROM household_cause hc
              JOIN code_list c ON c.list_name = 'poverty_cause' AND c.code = hc.cause_code
             WHERE hc.household_id = h.id) AS causes,
           m.full_name, m.birth_date, m.birth_year, m.sex, m.id_number, m.hi_card_number, m.hi_valid_to,
           m.occupation, m.note, m.sort_order,
           r.name AS relationship_name, e.name AS ethnicity_name, ed.name AS education_name,
           sc.name AS schooling_name, em.name AS employment_name
    FROM household h
    JOIN village v ON v.id = h.village_id
    JOIN member m ON m.household_id = h.id AND m.deleted_at IS NULL AND m.life_status = 'living'
    LEFT JOIN code_list r ON r.list_name = 'relationship' AND r.code = m.relationship_code
    LEFT JOIN code_list e ON e.list_name = 'ethnicity' AND e.code_system = m.ethnicity_system
         AND e.code = m.ethnicity_code
    LEFT JOIN code_list ed ON ed.list_name = 'education_level' AND ed.code = m.education_level
    LEFT JOIN code_list sc ON sc.list_name = 'schooling' AND sc.code = m.schooling
    LEFT JOIN code_list em ON em.list_name = 'employment' AND em.code = m.employment
    WHERE h.id IN ({marks})
"""


def register_sheet(db: Database, household_ids: list[int], *, subtitle: str = "") -> RegisterSheet:
    """The given households (in this order) with their living members, for ``export.register_xlsx``.

    The rows are read while the file is written, so the sheet is used on the thread that owns ``db``.
    """
    db.require(Permission.EXPORT)
    commune = db.row("SELECT name FROM commune WHERE id = 1") or {"name": ""}
    order = {hid: index for index, hid in enumerate(household_ids)}

    def batches() -> Iterable[list[dict[str, Any]]]:
        step = 500
        for start in range(0, len(household_ids), step):
            chunk = household_ids[start : start + step]
            rows = db.rows(_EXPORT_SQL.format(marks=",".join("?" * len(chunk))), chunk)
            rows.sort(key=lambda r: (order[r["household_id"]], r["relationship_name"] != "Chủ hộ", r["sort_order"]))
            yield rows

    return RegisterSheet(
        title=f"DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU — {str(commune['name']).upper()}",
        subtitle=subtitle or f"{len(household_ids)} hộ",
        total=len(household_ids),
        batches=batches(),
    )
