"""Small hand-built registers for the support, coverage and plan tests.

Rows are written with plain SQL so these tests do not depend on the register
service; every text goes through nfc/fold as the services would.
"""

from __future__ import annotations

from typing import Any

from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc

NOW = "2026-01-01T08:00:00"


def village_ids(db: Database) -> list[int]:
    return [r["id"] for r in db.rows("SELECT id FROM village WHERE deleted_at IS NULL ORDER BY sort_order, id")]


def add_household(db: Database, code: str, village_id: int, poverty_class: str = "poor", **columns: Any) -> int:
    values = {
        "code": code,
        "code_fold": fold(code),
        "village_id": village_id,
        "poverty_class": poverty_class,
        "created_at": NOW,
        "updated_at": NOW,
        **columns,
    }
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    with db.atomic() as conn:
        cur = conn.execute(f"INSERT INTO household ({names}) VALUES ({marks})", list(values.values()))
    assert cur.lastrowid is not None
    return cur.lastrowid


def add_member(db: Database, household_id: int, full_name: str, *, head: bool = False, **columns: Any) -> int:
    name = nfc(full_name)
    values = {
        "household_id": household_id,
        "full_name": name,
        "name_fold": fold(name),
        "relationship_code": "01" if head else "03",
        "created_at": NOW,
        "updated_at": NOW,
        **columns,
    }
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    with db.atomic() as conn:
        cur = conn.execute(f"INSERT INTO member ({names}) VALUES ({marks})", list(values.values()))
        assert cur.lastrowid is not None
        member_id = cur.lastrowid
        if head:
            conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (member_id, household_id))
    return member_id


def set_class(db: Database, household_id: int, poverty_class: str) -> None:
    with db.atomic() as conn:
        conn.execute("UPDATE household SET poverty_class = ? WHERE id = ?", (poverty_class, household_id))


def small_register(db: Database) -> dict[str, int]:
    """Four households in two villages; returns ids by a short name.

    * A (poor, Đồng Xuân): head Nguyễn Văn Đức (card valid to 2026-12-31), wife Lò Thị Hằng
      (no card), son Nguyễn Văn Bình born 2016 not in school; walls and roof of bamboo
      (non-durable), water from an unprotected well, latrine none, no internet.
    * B (near-poor, Tân Hòa): head Trần Thị Mai (card expired 2025-12-31), daughter born 2012
      in lower secondary; durable house, hygienic water and latrine, internet.
    * C (not poor, Đồng Xuân): head Phạm Văn Long, no card — never in any gap list.
    * D (poor, Tân Hòa): head Hoàng Văn Sáng (no card), solid house, water unknown.
    """
    v1, v2 = village_ids(db)[:2]
    a = add_household(
        db,
        "DX-001",
        v1,
        "poor",
        wall_material=_material(db, durable=False),
        roof_material=_material(db, durable=False),
        column_material=_material(db, durable=True),
        water_source=_hygienic(db, "water_source", False),
        latrine_type=_hygienic(db, "latrine_type", False),
        internet_use=0,
    )
    duc = add_member(
        db, a, "Nguyễn Văn Đức", head=True, birth_year=1980, hi_valid_from="2026-01-01", hi_valid_to="2026-12-31"
    )
    hang = add_member(db, a, "Lò Thị Hằng", birth_year=1985)
    binh = add_member(db, a, "Nguyễn Văn Bình", birth_date="2016-05-10", birth_year=2016, schooling="not_in_school")
    b = add_household(
        db,
        "TH-002",
        v2,
        "near_poor",
        wall_material=_material(db, durable=True),
        roof_material=_material(db, durable=True),
        column_material=_material(db, durable=True),
        water_source=_hygienic(db, "water_source", True),
        latrine_type=_hygienic(db, "latrine_type", True),
        internet_use=1,
    )
    mai = add_member(
        db, b, "Trần Thị Mai", head=True, birth_year=1975, hi_valid_from="2025-01-01", hi_valid_to="2025-12-31"
    )
    lan = add_member(
        db,
        b,
        "Trần Thị Lan",
        birth_date="2012-09-01",
        birth_year=2012,
        schooling="lower_secondary",
        hi_valid_from="2026-01-01",
        hi_valid_to="2026-12-31",
    )
    c = add_household(db, "DX-003", v1, "not_poor")
    long_ = add_member(db, c, "Phạm Văn Long", head=True, birth_year=1970)
    d = add_household(
        db,
        "TH-004",
        v2,
        "poor",
        wall_material=_material(db, durable=True),
        roof_material=_material(db, durable=True),
        column_material=_material(db, durable=False),
        latrine_type=_hygienic(db, "latrine_type", True),
        internet_use=1,
    )
    sang = add_member(db, d, "Hoàng Văn Sáng", head=True, birth_year=1990)
    return {
        "A": a,
        "B": b,
        "C": c,
        "D": d,
        "duc": duc,
        "hang": hang,
        "binh": binh,
        "mai": mai,
        "lan": lan,
        "long": long_,
        "sang": sang,
        "v1": v1,
        "v2": v2,
    }


def _material(db: Database, *, durable: bool) -> str:
    import json

    for r in db.rows("SELECT code, extra FROM code_list WHERE list_name = 'housing_material' ORDER BY sort_order"):
        if json.loads(r["extra"]).get("durable", False) == durable:
            return r["code"]
    raise AssertionError("no material")


def _hygienic(db: Database, list_name: str, hygienic: bool) -> str:
    import json

    for r in db.rows("SELECT code, extra FROM code_list WHERE list_name = ? ORDER BY sort_order", (list_name,)):
        if bool(json.loads(r["extra"]).get("hygienic", False)) == hygienic:
            return r["code"]
    raise AssertionError("no code")
