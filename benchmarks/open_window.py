"""How long opening the main window on a large register takes, against raw SQLite baselines.

    .venv/bin/python benchmarks/open_window.py [--households 5000]

Builds a commune with N households (SQL, not the demo generator), then measures in the
same run: a raw ``SELECT id FROM household`` and a raw read of 100 rows (the floor), the
core's id query and one 100-row batch, and the whole MainWindow construction + first
paint offscreen. Prints times and ratios; asserts nothing (timings are noisy).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui")]

from sample_data import populate  # noqa: E402

from giamngheo_desktop.services import commune  # noqa: E402
from giamngheo_desktop.services.household_query import HouseholdQuery, find_household_ids, household_rows  # noqa: E402
from giamngheo_desktop.services.session import open_session  # noqa: E402


def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GIAMNGHEO_DATA_DIR"] = tmp
        path = Path(tmp) / "bench.sqlite"
        db = open_session(path)
        commune.setup_commune(
            db,
            commune.CommuneSetup(
                settings=commune.CommuneSettings(name="xã Thử", code="12345", province="Phú Thọ", area_type="rural"),
                villages=[commune.VillageInput(name=f"Thôn {i}") for i in range(1, 11)],
            ),
        )
        populate(db, args.households)
        ids = [r[0] for r in db.conn.execute("SELECT id FROM household")]
        raw_ids = timed(lambda: db.conn.execute("SELECT id FROM household ORDER BY code").fetchall())
        raw_rows = timed(
            lambda: db.conn.execute(f"SELECT * FROM household WHERE id IN ({','.join(map(str, ids[:100]))})").fetchall()
        )
        core_ids = timed(lambda: find_household_ids(db, HouseholdQuery()))
        core_rows = timed(lambda: household_rows(db, ids[:100]))
        core_search = timed(lambda: find_household_ids(db, HouseholdQuery(text="nguyen van")))
        db.close()

        from PySide6.QtWidgets import QApplication

        from ui.app import create_app
        from ui.main_window import MainWindow
        from ui.settings import Settings
        from ui.workspace import Workspace

        app = create_app(["bench"])

        def open_window() -> None:
            ws = Workspace.open(path)
            window = MainWindow(ws, settings=Settings())
            window.show()
            window.grab()  # forces layout and a first paint of the visible rows
            QApplication.processEvents()
            window.close()

        window_time = timed(open_window, repeat=3)
        app.quit()

    print(f"households: {args.households}")
    print(f"raw SELECT id ORDER BY code:      {raw_ids * 1000:8.1f} ms")
    print(f"core find_household_ids:          {core_ids * 1000:8.1f} ms  ({core_ids / raw_ids:.1f}× raw)")
    print(f"raw SELECT * of 100 rows:         {raw_rows * 1000:8.1f} ms")
    print(f"core household_rows(100):         {core_rows * 1000:8.1f} ms  ({core_rows / raw_rows:.1f}× raw)")
    print(f"core search 'nguyen van':         {core_search * 1000:8.1f} ms")
    print(f"open MainWindow + first paint:    {window_time * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
