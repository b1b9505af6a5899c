"""Demo communes for trying the receiving office (``office demo``, tests and the benchmark).

:func:`demo_commune` fills a new commune file with the demo generator under its own code and
name, with two closed annual rounds (2025, 2026) so every report table has figures.
"""

from __future__ import annotations

import dataclasses

from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services import commune, demo
from giamngheo_desktop.storage.connection import Database

NAMES = [
    "Tân Lập", "Minh Hòa", "Đồng Xuân", "Phú Lộc", "Hương Sơn", "Thanh Ba", "Yên Lạc", "Đại Đồng", "Hợp Nhất",
    "Quang Trung", "Tiên Phong", "Hạ Hòa", "Vân Du", "Sơn Vi", "Cẩm Khê", "Tam Sơn", "Chí Đám", "Bằng Luân",
    "Thượng Long", "Xuân Viên", "Kim Thượng", "Long Cốc", "Văn Miếu", "Tứ Xã", "Đào Xá",
]  # fmt: skip


def demo_name(n: int) -> str:
    base = NAMES[n % len(NAMES)]
    return f"xã {base}" if n < len(NAMES) else f"xã {base} {n // len(NAMES) + 1}"


def demo_code(n: int) -> str:
    return f"{10000 + 7 * n:05d}"


def demo_commune(db: Database, *, n: int, households: int, rounds: bool = True) -> None:
    """Commune number ``n`` (its code ``demo_code(n)``, name ``demo_name(n)``), seed ``n + 1``."""
    db.require(Permission.EDIT_REGISTER)
    demo.generate(db, households=households, seed=n + 1)
    settings = commune.get_commune(db)
    commune.save_commune(db, dataclasses.replace(settings, name=demo_name(n), code=demo_code(n)))
    if rounds:
        demo.add_review_history(db)
