"""Register search speed with 50,000 households / 200,000 members.

Prints each keystroke's id query (``household_query.find_household_ids``) as a ratio to a
plain ``LIKE`` scan of the 200,000 folded member names measured in the same run; then what
the officer waits for: a keystroke in the register tab of the main window (query, model
reset, row count and rows repainted, offscreen), at the top of the list and after scrolling
to its end, each against the search index queried alone (``benchmarks/run.py``'s search
figures, on this file). No timed assertions.

    .venv/bin/python benchmarks/bench_register.py [--households 50000]
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.services import commune
from giamngheo_desktop.services.household_query import HouseholdQuery, find_household_ids
from giamngheo_desktop.storage.database import open_database
from giamngheo_desktop.text import fold

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Lò", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Quang", "Minh", "Thu", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hùng", "Long", "Nam", "Sơn", "Hằng", "Hoa", "Lan", "Mai", "Yến"]


def build(path: Path, households: int) -> None:
    rng = random.Random(1)
    db = open_database(path)
    commune.setup_commune(
        db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(name="xã Tân Lập", code="01234", province="Phú Thọ", area_type="rural"),
            villages=[commune.VillageInput(name=f"Thôn {n}") for n in range(1, 13)],
        ),
    )
    villages = [r["id"] for r in db.rows("SELECT id FROM village")]
    now = "2026-01-01T00:00:00"
    with db.atomic() as conn:
        serial = 0
        for number in range(1, households + 1):
            code = f"HGD-{number:05d}"
            cur = conn.execute(
                "INSERT INTO household (code, code_fold, village_id, poverty_class, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    code,
                    fold(code),
                    villages[number % len(villages)],
                    rng.choice(["poor", "near_poor", "not_poor"]),
                    now,
                    now,
                ),
            )
            hid = cur.lastrowid
            rows = []
            for order in range(4):
                serial += 1
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                year = rng.randint(1940, 2020)
                sex = rng.choice("MF")
                rows.append(
                    (
                        hid,
                        name,
                        fold(name),
                        year,
                        sex,
                        make_id_number("025", sex, year, serial),
                        "01" if order == 0 else "04",
                        order,
                        now,
                        now,
                    )
                )
            conn.executemany(
                "INSERT INTO member (household_id, full_name, name_fold, birth_year, sex, id_number, "
                "relationship_code, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        conn.execute(
            "UPDATE household SET head_member_id = (SELECT min(id) FROM member m WHERE m.household_id = household.id)"
        )
    db.conn.execute("ANALYZE")
    db.close()


T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int = 5) -> tuple[float, T]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-register-"))
    path = folder / "big.sqlite"
    start = time.perf_counter()
    build(path, args.households)
    print(f"built {args.households:,} households in {time.perf_counter() - start:.1f} s ({path})")
    db = open_database(path)
    members = db.scalar("SELECT count(*) FROM member")
    baseline, count = timed(lambda: db.scalar("SELECT count(*) FROM member WHERE name_fold LIKE '%van duc%'"))
    print(f"baseline: plain LIKE scan of {members:,} folded names: {baseline * 1000:.1f} ms ({count} hits)")
    print(f"{'keystrokes':<28}{'households':>11}{'ms':>9}{'× baseline':>12}")
    for text in ("n", "ng", "nguyen", "nguyen v", "nguyen van duc", "Nguyễn Văn Đức", "hgd-0420", "02510", "025"):
        seconds, ids = timed(functools.partial(find_household_ids, db, HouseholdQuery(text=text)))
        print(f"{text!r:<28}{len(ids):>11,}{seconds * 1000:>9.1f}{seconds / baseline:>12.1f}")
    seconds, ids = timed(lambda: find_household_ids(db, HouseholdQuery(text="van duc", poverty_class="poor")))
    print(f"{'van duc + class poor':<28}{len(ids):>11,}{seconds * 1000:>9.1f}{seconds / baseline:>12.1f}")
    seconds, ids = timed(lambda: find_household_ids(db, HouseholdQuery(sort="head")))
    print(f"{'(all, sorted by head)':<28}{len(ids):>11,}{seconds * 1000:>9.1f}{seconds / baseline:>12.1f}")
    db.close()

    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import SEARCHES, Work, app_search, floor_search

    work = Work(folder, path, path, args.households)
    floor = floor_search(work)["parts"]
    print(f"{'keystroke in the register tab':<28}{'top ms':>9}{'end ms':>9}{'index ms':>10}{'× index':>9}")
    top, end = app_search(work, bottom=False)["parts"], app_search(work, bottom=True)["parts"]
    for text in SEARCHES:
        worst = max(top[text], end[text])
        print(
            f"{text!r:<28}{top[text] * 1000:>9.1f}{end[text] * 1000:>9.1f}{floor[text] * 1000:>10.2f}"
            f"{worst / max(floor[text], 1e-6):>9.1f}"
        )


if __name__ == "__main__":
    main()
