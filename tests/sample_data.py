"""A small register written straight in SQL (the demo generator is not needed by these tests).

``populate(db, count)`` adds households with a head and a few members to the villages of
the file; the first household is always ``HGD-0001`` headed by "Nguyễn Văn Đức".
"""

from __future__ import annotations

import random
from typing import Any

from giamngheo_desktop.text import fold

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà"]
MIDDLE_M = ["Văn", "Đức", "Hữu", "Quang", "Minh"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Long", "Nam", "Sơn", "Tuấn", "Việt"]
GIVEN_F = ["Hằng", "Hoa", "Lan", "Mai", "Ngân", "Phương", "Thảo", "Yến"]
SAMPLE_HOUSEHOLDS = 30  # households in the tests/ui "sample_path" fixture
CLASSES = ["poor"] * 4 + ["near_poor"] * 4 + ["newly_escaped"] * 2 + ["not_poor"] * 90


def populate(db: Any, count: int, *, seed: int = 7) -> list[int]:
    """Add ``count`` households; returns their ids (in code order)."""
    rng = random.Random(seed)
    villages = [r["id"] for r in db.rows("SELECT id FROM village WHERE deleted_at IS NULL ORDER BY sort_order")]
    now = "2026-01-15T08:00:00"
    start = int(db.scalar("SELECT count(*) FROM household") or 0)
    ids: list[int] = []
    with db.atomic() as conn:
        for number in range(start + 1, start + count + 1):
            code = f"HGD-{number:04d}"
            village = villages[(number - 1) % len(villages)]
            klass = "poor" if number == 1 else rng.choice(CLASSES)
            cur = conn.execute(
                "INSERT INTO household (code, code_fold, village_id, address, poverty_class, ethnic_minority, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    fold(code),
                    village,
                    f"Số {number}, xóm {number % 7 + 1}",
                    klass,
                    int(rng.random() < 0.1),
                    now,
                    now,
                ),
            )
            household_id = int(cur.lastrowid or 0)
            ids.append(household_id)
            family = rng.choice(FAMILY)
            head = "Nguyễn Văn Đức" if number == 1 else f"{family} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
            names = [head, f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"]
            names += [f"{family} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}" for _ in range(rng.randint(0, 3))]
            head_id = None
            for order, name in enumerate(names):
                member = conn.execute(
                    "INSERT INTO member (household_id, full_name, name_fold, birth_year, sex, relationship_code, "
                    "sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        household_id,
                        name,
                        fold(name),
                        1950 + rng.randint(0, 60),
                        "M" if order != 1 else "F",
                        "01" if order == 0 else "02" if order == 1 else "03",
                        order,
                        now,
                        now,
                    ),
                )
                if order == 0:
                    head_id = member.lastrowid
            conn.execute("UPDATE household SET head_member_id = ? WHERE id = ?", (head_id, household_id))
    return ids
