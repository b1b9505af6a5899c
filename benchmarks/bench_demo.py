"""Demo generation speed: 5,000 households against a raw SQLite baseline measured in the same run.

Goal: 5,000 households in under 30 s. Prints the time and its ratio to a plain
``executemany`` of the same number of member rows into a plain sqlite3 file holding only the
member table (no triggers, indexes or foreign keys: the app's machinery is not in the floor).
The whole suite with every figure: ``benchmarks/run.py``.
Run: ``.venv/bin/python benchmarks/bench_demo.py [--households N]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo_desktop.services import demo
from giamngheo_desktop.storage.database import open_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        with open_database(Path(folder) / "demo.sqlite") as db:
            start = time.perf_counter()
            demo.generate(db, households=args.households, seed=1)
            elapsed = time.perf_counter() - start
            members = db.scalar("SELECT count(*) FROM member")
        # the floor: raw sqlite3 on a plain file holding only the member table's definition (no
        # triggers, no indexes, no foreign keys): the app's machinery is what the ratio measures
        with open_database(Path(folder) / "demo.sqlite") as db:
            member_sql = db.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'member'")
        raw = sqlite3.connect(str(Path(folder) / "raw.sqlite"))
        raw.execute(member_sql)
        rows = [(1, f"Nguyễn Văn {i}", f"nguyen van {i}", "2000-01-01", 2000, "M", "", "") for i in range(members)]
        start = time.perf_counter()
        with raw:
            raw.executemany(
                "INSERT INTO member (household_id, full_name, name_fold, birth_date, birth_year, sex,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        baseline = time.perf_counter() - start
        raw.close()
    print(f"demo: {args.households} households, {members} members in {elapsed:.2f} s (goal < 30 s)")
    print(f"raw baseline: {members} member rows in one executemany into a plain table: {baseline:.3f} s")
    print(f"ratio demo / raw: {elapsed / baseline:.1f}×")


if __name__ == "__main__":
    main()
