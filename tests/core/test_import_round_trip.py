"""Every list the app writes imports back into an empty commune unchanged (a property test).

Generated registers are written through the register's services, exported as the register
export and as the detailed poor / near-poor lists (DS chi tiết), and imported into a fresh
commune with the same villages: the same households, members, codes, villages, classes and
ID numbers come back. The import template imports as it is (tests/core/test_import_lists.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.export.register_xlsx import write_register_xlsx
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.importing import lists
from giamngheo_desktop.services import household_query as hq
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services import reporting
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Lò", "Hà", "Đinh", "Vi"]
MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Ngọc", ""]
GIVEN = ["An", "Bình", "Đức", "Hằng", "Hoa", "Lan", "Sáng", "Tủa", "Én", "Yến", "Quý"]
RELATIVES = ["02", "03", "04", "04", "05", "07", "10", "21", "26", "28"]
CLASSES = ["poor", "near_poor", "not_poor", "newly_escaped", "average"]
ETHNICITIES = ["01", "03", "04", "10"]

person = st.fixed_dictionaries(
    {
        "name": st.tuples(st.sampled_from(FAMILY), st.sampled_from(MIDDLE), st.sampled_from(GIVEN)),
        "born": st.dates(dt.date(1930, 1, 1), dt.date(2024, 12, 31)),
        "sex": st.sampled_from(["M", "F"]),
        "has_id": st.booleans(),
        "ethnicity": st.sampled_from(ETHNICITIES),
        "rel": st.sampled_from(RELATIVES),
    }
)
household = st.fixed_dictionaries(
    {
        "code": st.from_regex(r"[A-Z]{0,3}-?[0-9]{1,5}", fullmatch=True),
        "village": st.integers(0, 2),
        "class": st.sampled_from(CLASSES),
        "people": st.lists(person, min_size=1, max_size=4),
    }
)
registers = st.lists(household, min_size=1, max_size=5, unique_by=lambda h: h["code"])


def _fresh(template: Path, target: Path) -> Database:
    shutil.copy(template, target)
    return open_database(target)


def _write(db: Database, houses: list[dict[str, Any]]) -> None:
    villages = [r["id"] for r in db.rows("SELECT id FROM village ORDER BY sort_order")]
    serial = 0
    for h in houses:
        members = []
        names: set[str] = set()
        for index, p in enumerate(h["people"]):
            name = " ".join(part for part in p["name"] if part)
            if name in names:
                name += f" {'ABCDEFGH'[index]}"
            names.add(name)
            serial += 1
            members.append(
                reg.MemberInput(
                    full_name=name,
                    relationship_code="01" if index == 0 else p["rel"],
                    birth_date=p["born"].isoformat(),
                    sex=p["sex"],
                    id_number=make_id_number("025", p["sex"], p["born"].year, serial) if p["has_id"] else None,
                    ethnicity_code=p["ethnicity"],
                )
            )
        reg.add_household(
            db,
            household=reg.HouseholdInput(code=h["code"], village_id=villages[h["village"]], poverty_class=h["class"]),
            members=members,
        )


def _register(db: Database, classes: tuple[str, ...] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for h in db.rows(
        "SELECT h.id, h.code, h.poverty_class, v.name AS village FROM household h JOIN village v ON v.id = h.village_id"
    ):
        if classes is not None and h["poverty_class"] not in classes:
            continue
        members = sorted(
            (m["full_name"], m["relationship_code"], m["sex"], m["birth_year"], m["ethnicity_code"], m["id_number"])
            for m in db.rows("SELECT * FROM member WHERE household_id = ?", (h["id"],))
        )
        result[h["code"]] = (h["village"], h["poverty_class"], members)
    return result


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(houses=registers)
def test_the_register_export_imports_back_unchanged(db_path: Path, tmp_path_factory: Any, houses: Any) -> None:
    work = tmp_path_factory.mktemp("rt")
    source = _fresh(db_path, work / "a.sqlite")
    _write(source, houses)
    out = work / "export.xlsx"
    ids = hq.find_household_ids(source, hq.HouseholdQuery())
    write_register_xlsx(out, reg.register_sheet(source, ids))
    target = _fresh(db_path, work / "b.sqlite")
    preview = lists.plan_import(target, out)
    assert not preview.errors, [i.text() for i in preview.errors]
    lists.commit_import(target, preview)
    assert _register(target) == _register(source)
    # the birth dates too (the export writes whole dates)
    dates = sorted(r["birth_date"] for r in source.rows("SELECT birth_date FROM member"))
    assert sorted(r["birth_date"] for r in target.rows("SELECT birth_date FROM member")) == dates
    source.close()
    target.close()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(houses=registers)
def test_the_detailed_lists_import_back_unchanged(db_path: Path, tmp_path_factory: Any, houses: Any) -> None:
    work = tmp_path_factory.mktemp("ds")
    source = _fresh(db_path, work / "a.sqlite")
    _write(source, houses)
    period = periods.year(dt.date.today().year)
    for kind, klass in (("list_poor", "poor"), ("list_near_poor", "near_poor")):
        out = write_xlsx(reporting.build_report(source, kind=kind, period=period), work / f"{kind}.xlsx")
        target = _fresh(db_path, work / f"{kind}.sqlite")
        expected = {
            code: (village, cls, [(*m[:5], None) for m in members])  # the detailed list has no ID numbers
            for code, (village, cls, members) in _register(source, (klass,)).items()
        }
        if not expected:
            continue
        preview = lists.plan_import(target, out)
        assert not preview.errors, [i.text() for i in preview.errors]
        lists.commit_import(target, preview)
        assert _register(target) == expected
        target.close()
    source.close()
