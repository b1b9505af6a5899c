"""Report export on a large commune (default 50,000 households) against raw baselines measured
in the same run: a plain SELECT of every household and member, and a plain openpyxl write-only
dump of the same cells the workbook holds. Prints times and ratios (no timed assertions).
The whole suite with every figure: ``benchmarks/run.py``.

Run: ``.venv/bin/python benchmarks/bench_export.py [--households N] [--db EXISTING.sqlite]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo_desktop.domain import periods
from giamngheo_desktop.export import package
from giamngheo_desktop.export.pdf import write_pdf
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import demo, reporting
from giamngheo_desktop.services.package import make_package
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database

T = TypeVar("T")


def _timed(label: str, fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:8.2f} s")
    return result, elapsed


def _copy(db: Database, extra: int) -> None:
    """Append ``extra`` copies of every household with its members and supports (new codes)."""
    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    hcols = [r[1] for r in conn.execute("PRAGMA table_info(household)") if r[1] not in ("id",)]
    mcols = [r[1] for r in conn.execute("PRAGMA table_info(member)") if r[1] not in ("id", "household_id")]
    scols = [
        r[1]
        for r in conn.execute("PRAGMA table_info(support_record)")
        if r[1] not in ("id", "household_id", "member_id", "batch_id")
    ]
    with db.atomic():
        conn.execute("DROP TABLE IF EXISTS temp.hmap")
        conn.execute("CREATE TEMP TABLE hmap (old INTEGER, new INTEGER)")
        top = conn.execute("SELECT max(id) FROM household").fetchone()[0]
        originals = [r[0] for r in conn.execute("SELECT id FROM household ORDER BY id")]
        for k in range(1, extra + 1):
            conn.execute("DELETE FROM hmap")
            conn.executemany("INSERT INTO hmap VALUES (?, ?)", [(h, h + k * top) for h in originals])
            sel = ", ".join(
                f"h.{c}"
                if c not in ("code", "code_fold", "head_member_id")
                else (
                    "h.code || '-' || ?" if c == "code" else "h.code_fold || '-' || ?" if c == "code_fold" else "NULL"
                )
                for c in hcols
            )
            conn.execute(
                f"INSERT INTO household (id, {', '.join(hcols)}) SELECT m.new, {sel} FROM household h "
                "JOIN hmap m ON m.old = h.id",
                (k, k),
            )
            conn.execute(
                f"INSERT INTO member (household_id, {', '.join(mcols)}) SELECT m.new, "
                f"{', '.join('x.' + c for c in mcols)} FROM member x JOIN hmap m ON m.old = x.household_id"
            )
            conn.execute(
                f"INSERT INTO support_record (household_id, {', '.join(scols)}) SELECT m.new, "
                f"{', '.join('s.' + c for c in scols)} FROM support_record s JOIN hmap m ON m.old = s.household_id"
            )
    conn.execute("PRAGMA foreign_keys = ON")


def main() -> None:
    from run import _raw_workbook, _report_cells  # the same cells as run.py's floor

    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="use this database instead of generating a demo commune")
    parser.add_argument(
        "--copies",
        type=int,
        default=10,
        help="generate households/copies demo households, then copy them (the demo generator is "
        "slow for 50,000; copies keep classes, members and supports)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = args.db or tmp / "demo.sqlite"
        if args.db is None:
            with open_database(path) as db:
                base = max(1, args.households // max(1, args.copies))
                _timed(f"demo commune, {base} households", lambda: demo.generate(db, households=base, seed=1))
                _timed(f"copied to {base * max(1, args.copies)} households", lambda: _copy(db, args.copies - 1))
        with open_database(path) as db:
            households = db.scalar("SELECT count(*) FROM household")
            members = db.scalar("SELECT count(*) FROM member")
            print(f"{households} households, {members} members")
            year = periods.parse(str(db.scalar("SELECT max(substr(support_date, 1, 4)) FROM support_record") or 2026))

            def raw_select() -> int:
                return len(db.conn.execute("SELECT * FROM household").fetchall()) + len(
                    db.conn.execute("SELECT * FROM member").fetchall()
                )

            _, t_select = _timed("baseline: SELECT * households + members", raw_select)

            reports, t_build = _timed(
                "build the annual set (Biểu 1–13, lists, supports, plan)",
                lambda: reporting.build_reports(db, kinds=reporting.ANNUAL_SET, period=year),
            )
            cells = [_report_cells(r) for r in reports]  # the same cells the workbook holds
            _, t_xlsx = _timed(
                f"baseline: openpyxl write-only, the same {sum(len(c) for c in cells)} rows",
                lambda: _raw_workbook(cells, tmp / "raw.xlsx"),
            )
            rows = sum(len(r.rows) for r in reports)
            _, t_write = _timed(
                f"write the annual workbook ({rows} rows, official layout)",
                lambda: write_xlsx(reports, tmp / "bc.xlsx"),
            )
            big = reporting.build_report(db, kind="list_near_poor", period=year)
            _, t_pdf = _timed(
                f"PDF of the near-poor detailed list ({len(big.rows)} rows)", lambda: write_pdf(big, tmp / "ds.pdf")
            )
            _, t_pkg = _timed(
                "upload package for the year",
                lambda: make_package(db, period=year, write=lambda c: package.write_package(c, tmp / "goi")),
            )
        print()
        print(f"build ÷ raw select          {t_build / t_select:6.1f}×")
        print(f"workbook ÷ raw xlsx dump    {t_write / t_xlsx:6.2f}× (the same cells, {rows} report rows)")
        print(f"package ÷ raw select        {t_pkg / t_select:6.1f}×")
        print(f"PDF list                    {t_pdf:6.2f} s")


if __name__ == "__main__":
    main()
