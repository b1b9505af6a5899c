"""Opening check cost on a big commune: ``PRAGMA quick_check`` at every open, and the
audit seal's per-table digests (``storage.audit.table_digests``) made at every close and backup.

Prints the quick check (what every open runs, within ``QUICK_CHECK_BUDGET_S``), the full
``integrity_check`` (on demand: ``check --full``) and the whole ``open_database`` as ratios to a
raw baseline measured in the same run: reading every page of the file once
(``SELECT count(*)`` over every table). No timed assertions.

    .venv/bin/python benchmarks/bench_open.py --db FILE        # e.g. a 50,000-household file
    .venv/bin/python benchmarks/bench_open.py --households 50000  # builds one with the demo first (slow)
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo_desktop.storage.connection import QUICK_CHECK_BUDGET_S, check_health, connect
from giamngheo_desktop.storage.database import open_database


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--households", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-open-") as tmp:
        path = Path(tmp) / "xa.sqlite"
        if args.db:
            shutil.copy(args.db, path)
        else:
            from giamngheo_desktop.services import demo

            with open_database(path) as db:
                demo.generate(db, households=args.households, seed=1)
        conn = connect(path)
        households = conn.execute("SELECT count(*) FROM household").fetchone()[0]

        base = timed(lambda: path.read_bytes())  # every byte of the file read once
        quick = timed(lambda: check_health(conn, budget_s=None))
        full = timed(lambda: check_health(conn, full=True, budget_s=None), repeat=1)
        conn.close()
        opening = timed(lambda: open_database(path).close())
        from giamngheo_desktop.storage import audit

        with open_database(path) as db:
            digests = timed(lambda: audit.table_digests(db.conn), repeat=1)
        size = path.stat().st_size / 1e6
        print(f"{households} households, {size:.0f} MB; reading the whole file {base * 1000:.0f} ms")
        budget = QUICK_CHECK_BUDGET_S
        print(f"quick_check          {quick * 1000:7.0f} ms  = {quick / base:5.1f} × raw  (budget {budget} s)")
        print(f"integrity_check      {full * 1000:7.0f} ms  = {full / base:5.1f} × raw  (on demand only)")
        print(f"open_database (all)  {opening * 1000:7.0f} ms  = {opening / base:5.1f} × raw")
        print(f"audit seal digests   {digests * 1000:7.0f} ms  = {digests / base:5.1f} × raw  (close, backup, package)")
        sqlite3.connect(":memory:").close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
