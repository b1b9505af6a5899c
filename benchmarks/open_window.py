"""How long opening the main window on a large register takes, against raw SQLite baselines.

    .venv/bin/python benchmarks/open_window.py [--households 5000]

Builds a commune with N households (SQL, not the demo generator), then measures in the
same run: a raw ``SELECT id FROM household`` and a raw read of 100 rows (the floor), the
core's id query and one 100-row batch, and the whole MainWindow construction + first
paint offscreen. Prints times and ratios; asserts nothing (timings are noisy).

Then the whole start as the officer sees it: a new process running ``main.py --db FILE``
until the main window's first paint (interpreter, imports, schema check, session, window),
against a new process that only starts Qt and paints an empty QMainWindow (the floor).
The issue's goal is 2 s at 50,000 households: ``--households 50000``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from giamngheo_desktop.services import commune  # noqa: E402
from giamngheo_desktop.services.household_query import HouseholdQuery, find_household_ids, household_rows  # noqa: E402
from giamngheo_desktop.services.session import open_session  # noqa: E402
from tests.sample_data import populate  # noqa: E402


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# Child process: quit at the first paint of the main window and print seconds since the parent's start.
_CHILD = r"""
import sys, time
t0 = float(sys.argv[1]); mode = sys.argv[2]
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and isinstance(obj.window(), QMainWindow):
            print(f"{time.time() - t0:.3f}", flush=True)
            QApplication.instance().exit(0)
        return False

first = FirstPaint()
if mode == "floor":
    app = QApplication(["floor"])
    app.installEventFilter(first)
    window = QMainWindow(); window.resize(1200, 760); window.show()
    sys.exit(app.exec())
import ui.app
make = ui.app.create_app
def create_app(argv):
    app = make(argv)
    app.installEventFilter(first)
    return app
ui.app.create_app = create_app
sys.exit(ui.app.run(["main.py", "--db", mode]))
"""


def process_start(mode: str, data_dir: str) -> float:
    env = {**os.environ, "GIAMNGHEO_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the installed app ships compiled bytecode
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, repr(start), mode], env=env, capture_output=True, text=True, timeout=60
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"the app did not start: {out.stderr[-2000:]}")
    return float(lines[-1])


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
        from giamngheo_desktop.storage import audit

        with db.atomic(), audit.bulk(db, action="benchmark", entity="household", summary={}):
            populate(db, args.households)  # one audit entry, not one per row
        ids = [r[0] for r in db.conn.execute("SELECT id FROM household")]
        raw_ids = timed(lambda: db.conn.execute("SELECT id FROM household ORDER BY code").fetchall())
        raw_rows = timed(
            lambda: db.conn.execute(f"SELECT * FROM household WHERE id IN ({','.join(map(str, ids[:100]))})").fetchall()
        )
        core_ids = timed(lambda: find_household_ids(db, HouseholdQuery()))
        core_rows = timed(lambda: household_rows(db, ids[:100]))
        core_search = timed(lambda: find_household_ids(db, HouseholdQuery(text="nguyen van")))
        db.close()
        # before this process opens the file (its window keeps the file lock)
        floor = min(process_start("floor", tmp) for _ in range(3))
        whole = min(process_start(str(path), tmp) for _ in range(3))

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
    print(f"new process, empty Qt window:     {floor * 1000:8.1f} ms  (floor)")
    print(f"new process, main.py --db FILE:   {whole * 1000:8.1f} ms  ({whole / floor:.1f}× floor; goal 2 s)")


if __name__ == "__main__":
    main()
