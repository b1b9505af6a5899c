"""The one benchmark command: every speed figure against its raw floor, in the same run.

    .venv/bin/python benchmarks/run.py [--households 50000] [--only search_top,classify] [--json FILE]

The data is generated once and cached on disk (``--cache``, default ``~/.cache/giamngheo-bench``):
a demo commune of N households (``demo.generate``, seed 1: about 3.5 members and 1.5 support
records per household) and an import list of 4·N member rows. Each run copies the commune into
a temporary folder, upgrades it to the current schema there (not timed), and then measures each
figure as a pair of fresh processes, run one after the other: the app doing the work, and a floor
that bypasses the app's own machinery (raw sqlite3 on a plain file, raw python-calamine, raw
openpyxl write-only, raw reportlab canvas, a bare Qt window). Each process reports its time and
its peak resident memory (``ru_maxrss``: imports included, so a Qt process starts near 100 MB).

Prints one table (figure / app / floor / ratio / target / peak RSS), writes it as JSON and exits
with status 1 when a target is missed. The machine is shared and noisy: ratios are what count.
A figure's target is a ratio to its floor, a time or a memory ceiling, or none (``—``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

DATA_VERSION = 1  # bump when the generated data changes shape (the cache is keyed on it)
CLASSIFY_DATE = "2026-11-15"  # the demo's reference date
PERIOD = "2026"
FORMS = 1000
# a keystroke each, typed after the text without its last character was searched (as when typing):
# 1–2 characters and a digit (many hits), longer names, an ID fragment, no hit
SEARCHES = ["n", "ng", "0", "ngu", "nguyen van", "thi hoa", "0251", "qxz"]


# -- data ------------------------------------------------------------------------------------------
def cache_files(cache: Path, households: int) -> tuple[Path, Path]:
    return cache / f"commune-{households}-v{DATA_VERSION}.sqlite", cache / f"list-{households}-v{DATA_VERSION}.xlsx"


def ensure_data(cache: Path, households: int) -> tuple[Path, Path]:
    """Generate the commune and the import list unless cached (written under a temporary name first)."""
    from giamngheo_desktop.services import demo
    from giamngheo_desktop.storage.database import open_database

    cache.mkdir(parents=True, exist_ok=True)
    commune, listing = cache_files(cache, households)
    if not commune.exists():
        start = time.perf_counter()
        part = commune.with_suffix(".part")
        part.unlink(missing_ok=True)
        with open_database(part) as db:
            demo.generate(db, households=households, seed=1)
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        part.rename(commune)
        print(f"generated {commune} in {time.perf_counter() - start:.1f} s", flush=True)
    if not listing.exists():
        from bench_import import make_list

        start = time.perf_counter()
        part = listing.with_suffix(".part.xlsx")
        make_list(part, households)
        part.rename(listing)
        print(f"generated {listing} in {time.perf_counter() - start:.1f} s", flush=True)
    return commune, listing


@dataclass
class Work:
    """Paths a measuring process uses (passed on its command line)."""

    folder: Path
    commune: Path  # the upgraded working copy
    listing: Path
    households: int

    @property
    def imported(self) -> Path:
        return self.folder / "imported.sqlite"


# -- helpers used by the measuring processes -------------------------------------------------------
def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _raw(path: Path) -> Any:
    import sqlite3

    return sqlite3.connect(str(path))


def _app_db(path: Path) -> Any:
    from giamngheo_desktop.services.session import open_session

    return open_session(path)


def _report_cells(report: Any) -> list[list[Any]]:
    """The cells of a report as written: title lines, header grid, column numbers, rows."""
    rows: list[list[Any]] = [[report.authority], [report.title], [report.period_label]]
    grid = [[""] * report.column_count for _ in range(report.header_rows)]
    for cell in report.headers:
        grid[cell.row][cell.col] = cell.text
    rows += grid
    rows.append(list(report.column_numbers))
    rows += [list(r.values) for r in report.rows]
    rows += [[n] for n in report.notes]
    return rows


def _annual_reports(db: Any) -> list[Any]:
    from giamngheo_desktop.domain import periods
    from giamngheo_desktop.services import reporting

    return reporting.build_reports(db, kinds=reporting.ANNUAL_SET, period=periods.parse(PERIOD))


def _raw_workbook(reports_cells: list[list[list[Any]]], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for n, cells in enumerate(reports_cells):
        ws = wb.create_sheet(f"S{n}")
        for row in cells:
            ws.append(row)
    wb.save(str(path))


def _member_list(db: Any) -> Any:
    from giamngheo_desktop.domain import periods
    from giamngheo_desktop.services import reporting

    return reporting.build_report(db, kind="list_poor", period=periods.parse(PERIOD))


def _canvas_rows(path: Path, rows: list[list[str]], *, landscape_page: bool, per_page: int, widths: list[float]) -> int:
    """Raw reportlab: every cell a drawString, ``per_page`` rows a page. Returns pages."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from giamngheo_desktop.export.fonts import FONT, register_fonts

    register_fonts()
    page = landscape(A4) if landscape_page else A4
    canvas = Canvas(str(path), pagesize=page)
    total = sum(widths) or 1.0
    xs, x = [], 30.0
    for w in widths:
        xs.append(x)
        x += (page[0] - 60) * w / total
    pages = 0
    for start in range(0, len(rows), per_page):
        canvas.setFont(FONT, 8)
        y = page[1] - 40
        for row in rows[start : start + per_page]:
            for cx, value in zip(xs, row, strict=False):
                if value != "":
                    canvas.drawString(cx, y, value)
            y -= 12
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


def _story_strings(story: list[Any]) -> list[str]:
    """The text a story prints (paragraphs and table cells), in order."""
    out: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, list | tuple):
            for x in item:
                walk(x)
        elif hasattr(item, "printed"):  # a part drawn once per document (export.fastdraw.memo)
            walk(item.printed())
        elif hasattr(item, "getPlainText"):
            out.append(item.getPlainText())
        elif hasattr(item, "_cellvalues"):
            for row in item._cellvalues:
                walk(row)
        elif isinstance(item, str) and item:
            out.append(item)

    walk(story)
    return out


def _form_households(db: Any) -> list[int]:
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT id FROM household WHERE deleted_at IS NULL AND poverty_class IN ('poor', 'near_poor') "
            "ORDER BY id LIMIT ?",
            (FORMS,),
        )
    ]


class _Painted:
    """Time from a keystroke's start to the end of the last repaint of what it shows: the list
    (the table's cells and row numbers) and the count.

    Events are processed in a busy loop until neither has painted for ``QUIET_S``: work Qt
    defers to zero-time timers (the view's delayed layout, queued geometry updates, a relayout
    that repaints the whole window) is counted, and the next keystroke starts from a settled
    window. Paints elsewhere are not waited for: the search box's text is painted with the
    first pass, and its clear button's 160 ms fade-in (after the first character) and cursor
    blink are not what the officer waits for. The same for the app and the bare-window floor."""

    QUIET_S = 0.03

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication
        from shiboken6 import Shiboken

        paint = QEvent.Type.Paint
        watched: set[int] = set()
        painted = [0]

        class Count(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:
                if event.type() == paint and Shiboken.getCppPointer(obj)[0] in watched:
                    painted[0] += 1
                return False

        self._watched = watched
        self._painted = painted
        self._filter = Count()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self._filter)

    def watch(self, view: Any, count: Any) -> None:
        """The table (cells, row numbers, column titles) and the count label to wait for."""
        from PySide6.QtWidgets import QLabel
        from shiboken6 import Shiboken

        self._watched.clear()
        headers = (view.verticalHeader().viewport(), view.horizontalHeader().viewport())
        for widget in (view.viewport(), *headers, count, *count.findChildren(QLabel)):
            self._watched.add(Shiboken.getCppPointer(widget)[0])

    def until_painted(self, start: float) -> float:
        from PySide6.QtWidgets import QApplication

        last = time.perf_counter()  # nothing painted: the keystroke ends when its work is done
        quiet_since = last
        while time.perf_counter() - quiet_since < self.QUIET_S:
            before = self._painted[0]
            QApplication.processEvents()
            if self._painted[0] != before:
                last = quiet_since = time.perf_counter()
        return last - start


# -- the figures: each side returns {"seconds": …, optional "parts": {…}, "detail": "…"} ------------
def app_search(w: Work, bottom: bool) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["GIAMNGHEO_DATA_DIR"] = str(w.folder / "appdata")
    from PySide6.QtCore import QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import create_app
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.tabs.households_tab import HouseholdsTab
    from ui.workspace import Workspace

    app = QApplication.instance() or create_app(["bench"])
    settings = Settings(QSettings(str(w.folder / "ui.ini"), QSettings.Format.IniFormat))
    floor_keystroke = _bare_search(w)[0]  # the floor again, timed between the app's keystrokes
    painted = _Painted()

    def window() -> tuple[Any, HouseholdsTab]:
        main = MainWindow(Workspace.open(w.commune), settings=settings)
        main.resize(1366, 768)
        main.show()
        tab = main.findChild(HouseholdsTab)
        assert tab is not None
        main.tabs.setCurrentWidget(tab)  # the window opens on Tổng quan: a hidden tab paints nothing
        for _ in range(30):  # let the start's deferred work (timers, first paints) finish
            QApplication.processEvents()
            time.sleep(0.01)
        assert tab.view.isVisible()
        painted.watch(tab.view, tab.count_label)
        return main, tab

    def keystroke(tab: HouseholdsTab, text: str) -> float:
        gc.collect()  # a collection owed to earlier work (windows opened and closed) is not this keystroke's
        start = time.perf_counter()
        tab.search.setText(text)
        tab.apply_filters()  # what the typing pause (SEARCH_DELAY_MS) triggers
        return painted.until_painted(start)  # the count and the rows painted (what changed, as on screen)

    def close(main: Any) -> None:
        workspace = main.workspace
        main.close()
        main.deleteLater()
        # as the event loop would (processEvents leaves deferred deletes alone): without this every
        # window of the bottom case stayed, and the app's peak memory counted 41 windows
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
        workspace.close()

    parts: dict[str, float] = {}
    floor_parts: dict[str, float] = {}
    main, tab = window()
    for text in SEARCHES:
        times, floor_times = [], []
        for _ in range(5):
            # the floor's keystroke just before the app's: both see the same load (on a shared
            # machine the floor's own process, a minute earlier, could be 2× quicker or slower)
            floor_keystroke(text[:-1])
            floor_times.append(floor_keystroke(text))
            if bottom:  # the freeze came with the first search after scrolling down a fresh window
                close(main)
                main, tab = window()
                keystroke(tab, text[:-1])
                tab.view.scrollToBottom()
                painted.until_painted(time.perf_counter())  # the end of the list shown, settled
            else:
                keystroke(tab, text[:-1])  # typing: the search before this keystroke is shown
            times.append(keystroke(tab, text))
        parts[text] = statistics.median(times)
        floor_parts[text] = statistics.median(floor_times)
    close(main)
    del app
    return {"seconds": max(parts.values()), "parts": parts, "floor_parts": floor_parts}


def _bare_search(w: Work) -> tuple[Callable[[str], float], dict[str, float], bool]:
    """The floor's keystroke (and the times of its index query, and whether the file has the
    trigram index): the index query alone on a raw sqlite3 connection (FTS5 trigram for 3+ characters, the
    search column scan below that), its ids shown by a bare window: a QLineEdit taking the text,
    a QTableView (a minimal model, reset when the ids differ from those shown, as the app does)
    and a QLabel count, painted: what any keystroke must at least cost. The index query's own
    time is kept in the dict returned."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

    from giamngheo_desktop.text import fold

    class Bare(QAbstractTableModel):
        ids: list[int] = []

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return len(self.ids)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 7

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            return str(self.ids[index.row()]) if role == Qt.ItemDataRole.DisplayRole else None

    app = QApplication.instance() or QApplication(["floor"])
    widget, box, view, label, model = QWidget(), QLineEdit(), QTableView(), QLabel(), Bare()
    view.setModel(model)
    layout = QVBoxLayout(widget)
    layout.addWidget(box)
    layout.addWidget(view)
    layout.addWidget(label)
    widget.resize(1366, 700)
    widget.show()
    painted = _Painted()
    painted.watch(view, label)
    conn = _raw(w.commune)
    has_fts = bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'household_fts'").fetchone())
    index_only: dict[str, float] = {}

    def keystroke(text: str, _keep: Any = (app, widget)) -> float:  # the window lives as long as this
        q = fold(text)
        gc.collect()
        start = time.perf_counter()
        box.setText(text)
        if has_fts and len(q) >= 3:
            sql = "SELECT json_group_array(rowid) FROM household_fts WHERE household_fts MATCH ?"
            arg = '"' + q.replace('"', '""') + '"'
        else:  # the live households' search text (and ID numbers for digits, as the app), from its covering index
            sql = (
                "SELECT json_group_array(id) FROM household INDEXED BY household_search"
                " WHERE deleted_at IS NULL AND (instr(search_fold, ?1) > 0 OR (?2 AND instr(search_ids, ?1) > 0))"
            )
            arg = q
        digits = q.replace(" ", "").isdigit()
        args = (arg,) if has_fts and len(q) >= 3 else (arg, digits)
        ids = json.loads(conn.execute(sql, args).fetchone()[0])  # no text: every live household, as the app
        index_only[text] = min(index_only.get(text, 1e9), time.perf_counter() - start)
        if ids != model.ids:  # the same rows shown again need no reset (nor does the app reset)
            view.scrollToTop()
            model.beginResetModel()
            model.ids = ids
            model.endResetModel()
        label.setText(f"{len(ids)} hộ")
        return painted.until_painted(start)

    return keystroke, index_only, has_fts


def floor_search(w: Work) -> dict[str, Any]:
    """The floor in its own process (its peak memory; its keystrokes are timed again between the
    app's, in the app's process: ``floor_parts``, which the ratio uses)."""
    from PySide6.QtWidgets import QApplication

    keystroke, index_only, has_fts = _bare_search(w)
    app = QApplication.instance()
    parts: dict[str, float] = {}
    for text in SEARCHES:
        times = []
        for _ in range(5):
            keystroke(text[:-1])
            times.append(keystroke(text))
        parts[text] = statistics.median(times)
    del app
    detail = "FTS5" if has_fts else "scan"
    detail += "; index alone " + ", ".join(f"{k!r} {v * 1000:.1f}" for k, v in index_only.items() if k) + " ms"
    return {"seconds": max(parts.values()), "parts": parts, "index_only": index_only, "detail": detail}


def app_classify(w: Work) -> dict[str, Any]:
    from giamngheo_desktop.services import review

    db = _app_db(w.commune)
    seconds, results = _timed(lambda: review.classify_all(db, CLASSIFY_DATE))
    return {"seconds": seconds, "detail": f"{len(results):,} households"}


def floor_classify(w: Work) -> dict[str, Any]:
    conn = _raw(w.commune)

    def read() -> int:
        homes = conn.execute(
            "SELECT h.*, coalesce(h.area_type, v.area_type, c.area_type) AS area, v.name AS village_name"
            " FROM household h JOIN village v ON v.id = h.village_id, commune c WHERE h.deleted_at IS NULL"
        ).fetchall()
        members = conn.execute(
            "SELECT m.* FROM member m JOIN household h ON h.id = m.household_id WHERE h.deleted_at IS NULL"
            " AND m.deleted_at IS NULL AND m.life_status = 'living' ORDER BY m.household_id, m.sort_order, m.id"
        ).fetchall()
        return len(homes) + len(members)

    seconds, rows = _timed(read)
    return {"seconds": seconds, "detail": f"{rows:,} rows"}


def app_report_xlsx(w: Work) -> dict[str, Any]:
    from giamngheo_desktop.export.xlsx import write_xlsx

    db = _app_db(w.commune)
    reports = _annual_reports(db)
    cells = sum(sum(len(r) for r in _report_cells(rep)) for rep in reports)
    seconds, _ = _timed(lambda: write_xlsx(reports, w.folder / "app.xlsx"))
    return {"seconds": seconds, "detail": f"{len(reports)} sheets, {cells:,} cells"}


def floor_report_xlsx(w: Work) -> dict[str, Any]:
    db = _app_db(w.commune)
    cells = [_report_cells(rep) for rep in _annual_reports(db)]
    db.close()
    seconds, _ = _timed(lambda: _raw_workbook(cells, w.folder / "raw.xlsx"))
    return {"seconds": seconds, "detail": "openpyxl write-only"}


def app_list_pdf(w: Work) -> dict[str, Any]:
    from giamngheo_desktop.export.pdf import write_pdf

    db = _app_db(w.commune)
    report = _member_list(db)
    seconds, _ = _timed(lambda: write_pdf(report, w.folder / "app.pdf"))
    return {"seconds": seconds, "detail": f"{len(report.rows):,} rows"}


def floor_list_pdf(w: Work) -> dict[str, Any]:
    db = _app_db(w.commune)
    report = _member_list(db)
    db.close()
    rows = [["" if v is None else str(v) for v in r.values] for r in report.rows]
    widths = list(report.widths or [1.0] * report.column_count)
    seconds, pages = _timed(
        lambda: _canvas_rows(w.folder / "raw.pdf", rows, landscape_page=report.landscape, per_page=40, widths=widths)
    )
    return {"seconds": seconds, "detail": f"{pages} pages"}


def _forms_story(db: Any, ids: list[int]) -> list[Any]:
    from reportlab.platypus import PageBreak

    from giamngheo_desktop.export import forms
    from giamngheo_desktop.services.forms import household_paper

    story: list[Any] = []
    for hid in ids:  # as write_village_batch joins papers
        if story:
            story.append(PageBreak())
        story.extend(forms.assistance_story(household_paper(db, hid)))
    return story


def app_forms_pdf(w: Work) -> dict[str, Any]:
    from giamngheo_desktop.export import page

    db = _app_db(w.commune)
    ids = _form_households(db)

    def run() -> None:
        page.build(w.folder / "forms.pdf", _forms_story(db, ids), landscape_page=False, title="Phiếu", author="x")

    seconds, _ = _timed(run)
    return {"seconds": seconds, "detail": f"{len(ids)} forms"}


def floor_forms_pdf(w: Work) -> dict[str, Any]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from giamngheo_desktop.export import forms
    from giamngheo_desktop.export.fonts import FONT, register_fonts
    from giamngheo_desktop.services.forms import household_paper

    db = _app_db(w.commune)
    texts = [_story_strings(forms.assistance_story(household_paper(db, h))) for h in _form_households(db)]
    db.close()
    register_fonts()

    def draw() -> int:
        canvas = Canvas(str(w.folder / "raw-forms.pdf"), pagesize=A4)
        pages = 0
        for strings in texts:
            y = A4[1] - 40
            canvas.setFont(FONT, 10)
            for s in strings:
                if y < 40:
                    canvas.showPage()
                    canvas.setFont(FONT, 10)
                    pages += 1
                    y = A4[1] - 40
                canvas.drawString(40, y, s[:200])
                y -= 13
            canvas.showPage()
            pages += 1
        canvas.save()
        return pages

    seconds, pages = _timed(draw)
    return {"seconds": seconds, "detail": f"{pages} pages"}


def _import(db_path: Path, listing: Path) -> tuple[float, Any, str]:
    """Wall seconds, the preview's counts, and the CPU it took ("CPU 6.1 s, 4.9 s on the main thread"): the
    wall time of an import moves with the machine's load and its disk, its CPU time with the work done."""
    from giamngheo_desktop.importing import lists
    from giamngheo_desktop.services.session import open_session

    db = open_session(db_path)

    def run() -> Any:
        preview = lists.plan_import(db, listing)
        counts = preview.counts()
        lists.commit_import(db, preview)
        return counts

    cpu, main_cpu = time.process_time(), time.thread_time()
    seconds, counts = _timed(run)
    cpu, main_cpu = time.process_time() - cpu, time.thread_time() - main_cpu
    db.close()
    return seconds, counts, f"CPU {cpu:.2f} s, {main_cpu:.2f} s on the main thread"


def app_import(w: Work) -> dict[str, Any]:
    """First import of the list into a fresh commune; leaves the file for the re-import."""
    from bench_import import _fresh_database

    db = _fresh_database()
    fresh = Path(db.path)
    db.close()
    seconds, counts, cpu = _import(fresh, w.listing)
    with _raw(fresh) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(fresh, w.imported)
    shutil.rmtree(fresh.parent, ignore_errors=True)
    return {"seconds": seconds, "detail": f"{counts['members_create']:,} members; {cpu}"}


def floor_import(w: Work) -> dict[str, Any]:
    import python_calamine

    def read() -> int:
        book = python_calamine.CalamineWorkbook.from_path(str(w.listing))
        return sum(1 for _ in book.get_sheet_by_index(0).iter_rows())

    cpu = time.process_time()
    seconds, rows = _timed(read)
    return {"seconds": seconds, "detail": f"{rows:,} rows; CPU {time.process_time() - cpu:.2f} s"}


def app_reimport(w: Work) -> dict[str, Any]:
    seconds, counts, cpu = _import(w.imported, w.listing)
    return {"seconds": seconds, "detail": f"{counts['households_unchanged']:,} households unchanged; {cpu}"}


def floor_reimport(w: Work) -> dict[str, Any]:
    """The first import of the same list (measured again here, so both sides see the same load)."""
    return app_import(w)


def _process_start(w: Work, mode: str) -> dict[str, Any]:
    """A new process until the main window's first paint (open_window.py's child), best of three."""
    import open_window

    report = 'print(f"{time.time() - t0:.3f}", flush=True)'
    code = open_window._CHILD.replace(
        report, report + '; print("HWM", open("/proc/self/status").read().split("VmHWM:")[1].split()[0], flush=True)'
    )
    data = w.folder / "appdata"
    data.mkdir(exist_ok=True)
    env = {**os.environ, "GIAMNGHEO_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the installed app ships compiled bytecode
    runs = []
    for _ in range(3):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", code, repr(start), mode], env=env, capture_output=True, text=True, timeout=120
        )
        lines = out.stdout.split()
        if out.returncode != 0 or "HWM" not in lines:
            raise SystemExit(f"the app did not start: {out.stderr[-2000:]}")
        at = lines.index("HWM")
        runs.append((float(lines[at - 1]), int(lines[at + 1]) / 1024))
    seconds, rss = min(runs)
    return {"seconds": seconds, "rss_mb": rss}


def app_cold_start(w: Work) -> dict[str, Any]:
    return _process_start(w, str(w.commune))


def floor_cold_start(w: Work) -> dict[str, Any]:
    return _process_start(w, "floor")


def app_package(w: Work) -> dict[str, Any]:
    from giamngheo_desktop.domain import periods
    from giamngheo_desktop.export import package
    from giamngheo_desktop.services.package import make_package

    db = _app_db(w.commune)
    out = w.folder / "package"
    seconds, result = _timed(
        lambda: make_package(db, period=periods.parse(PERIOD), write=lambda c: package.write_package(c, out))
    )
    return {"seconds": seconds, "detail": f"{result.manifest['counts']['households']:,} households"}


def floor_package(w: Work) -> dict[str, Any]:
    """Composed: raw SELECT of households, members and supports, the report cells through openpyxl
    write-only, the data as JSON, all of it deflated into a zip."""
    import zipfile

    db = _app_db(w.commune)
    cells = [_report_cells(rep) for rep in _annual_reports(db)]
    db.close()
    conn = _raw(w.commune)

    def run() -> None:
        data = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("household", "member", "support_record")}
        book = w.folder / "raw-package.xlsx"
        _raw_workbook(cells, book)
        with zipfile.ZipFile(w.folder / "raw-package.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("data.json", json.dumps(data, ensure_ascii=False, default=str))
            zf.write(book, "bao-cao.xlsx")

    seconds, _ = _timed(run)
    return {"seconds": seconds}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    app: Callable[[Work], dict[str, Any]]
    floor: Callable[[Work], dict[str, Any]]
    max_ratio: float | None = None
    max_seconds: float | None = None
    max_rss_mb: float | None = None
    floor_rss_is_limit: bool = False  # the app may not use more memory than the floor (re-import)


FIGURES = [
    Figure(
        "search_top",
        "search keystroke → count repainted (top)",
        lambda w: app_search(w, bottom=False),
        floor_search,
        max_ratio=3.0,
        max_seconds=0.05,
    ),
    Figure(
        "search_bottom",
        "search keystroke after scrolling to the end",
        lambda w: app_search(w, bottom=True),
        floor_search,
        max_ratio=3.0,
        max_seconds=0.05,
    ),
    Figure("classify", "classify all households", app_classify, floor_classify, max_ratio=3.0, max_rss_mb=300),
    Figure("report_xlsx", "annual report workbooks", app_report_xlsx, floor_report_xlsx, max_ratio=2.0),
    Figure("list_pdf", "member-level list PDF", app_list_pdf, floor_list_pdf, max_ratio=2.0, max_rss_mb=300),
    Figure("forms_pdf", f"{FORMS:,} assistance forms PDF", app_forms_pdf, floor_forms_pdf, max_ratio=2.0),
    Figure("import", "import the list (4 rows a household)", app_import, floor_import, max_ratio=4.2),
    Figure(
        "reimport",
        "re-import the unchanged list (floor: first import)",
        app_reimport,
        floor_reimport,
        max_ratio=1.0,
        floor_rss_is_limit=True,
    ),
    Figure(
        "cold_start",
        "cold start → main window painted",
        app_cold_start,
        floor_cold_start,
        max_seconds=2.0,
    ),
    Figure("package", "export-package (annual)", app_package, floor_package),
]
BY_KEY = {f.key: f for f in FIGURES}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ``ru_maxrss`` would keep the parent's peak
    from before the exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the measuring process -------------------------------------------------------------------------
def child(figure: str, side: str, work: Work) -> None:
    fig = BY_KEY[figure]
    result = (fig.app if side == "app" else fig.floor)(work)
    result.setdefault("rss_mb", peak_rss_mb())
    print("RESULT " + json.dumps(result), flush=True)
    sys.stdout.flush()
    os._exit(0)  # skip teardown (Qt, big heaps): not part of any figure


def measure(figure: Figure, side: str, work: Work, households: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    args = [sys.executable, __file__, "--child", figure.key, side, "--households", str(households)]
    args += ["--work", str(work.folder), str(work.commune), str(work.listing)]
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1800)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"{figure.key} ({side}) failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
    return result


QUICK_PAIR_S = 12.0  # pairs quicker than this are measured three times; the median ratio's pair is kept
REPEATED = ("import", "reimport")  # measured three times whatever their length (about 25 s a pair)


def median_pair(figure: Figure, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> tuple[dict[str, Any], ...]:
    """The pair whose ratio is the median of the runs (the machine is shared: one run can be
    slowed by a neighbour); every run's ratio is kept in the app side's ``runs``."""
    rated = sorted(pairs, key=lambda pair: judge(figure, *pair)["ratio"])
    app, floor = rated[len(rated) // 2]
    app = {**app, "runs": [round(judge(figure, a, f)["ratio"], 2) for a, f in pairs]}
    return app, floor


def _floor_alongside(floor: dict[str, Any], parts: dict[str, float]) -> dict[str, Any]:
    """The floor's keystrokes as timed in the app's process, each just before the app's (the same
    load for both); the floor's own process keeps its memory, index times and, in the detail, its
    worst keystroke."""
    own = f"floor alone in its process: worst {floor['seconds'] * 1000:.0f} ms"
    detail = "; ".join(x for x in (floor.get("detail"), own) if x)
    return {**floor, "parts": parts, "seconds": max(parts.values()), "detail": detail}


def judge(figure: Figure, app: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    ratio = app["seconds"] / floor["seconds"] if floor["seconds"] else float("inf")
    if "parts" in app and "parts" in floor:  # per keystroke: the worst ratio
        ratio = max(app["parts"][k] / max(floor["parts"][k], 1e-6) for k in app["parts"])
    misses = []
    if figure.max_ratio is not None and ratio > figure.max_ratio:
        misses.append(f"ratio > {figure.max_ratio:g}×")
    if figure.max_seconds is not None and app["seconds"] > figure.max_seconds:
        misses.append(f"time > {_secs(figure.max_seconds)}")
    if figure.max_rss_mb is not None and app["rss_mb"] > figure.max_rss_mb:
        misses.append(f"RSS > {figure.max_rss_mb:g} MB")
    if figure.floor_rss_is_limit and app["rss_mb"] > floor["rss_mb"]:
        misses.append("RSS > floor's")
    return {"ratio": ratio, "misses": misses}


def target_text(figure: Figure) -> str:
    parts = []
    if figure.max_seconds is not None:
        parts.append(f"≤ {_secs(figure.max_seconds)}")
    if figure.max_ratio is not None:
        parts.append(f"≤ {figure.max_ratio:g}×")
    if figure.max_rss_mb is not None:
        parts.append(f"≤ {figure.max_rss_mb:g} MB")
    if figure.floor_rss_is_limit:
        parts.append("RSS ≤ floor")
    return ", ".join(parts) or "—"


def _secs(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def prepare(commune: Path, listing: Path, households: int) -> Work:
    """A working copy of the cached commune, upgraded to the current schema (not timed)."""
    from giamngheo_desktop.storage.database import open_database
    from giamngheo_desktop.storage.migrations import upgrade

    folder = Path(tempfile.mkdtemp(prefix="giamngheo-bench-"))
    copy = folder / "commune.sqlite"
    shutil.copyfile(commune, copy)
    start = time.perf_counter()
    with open_database(copy) as db:  # migrates a cache made by an older schema
        upgrade(db, backup_dir=folder / "backups")
        db.conn.execute("ANALYZE")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"working copy {copy} ready in {time.perf_counter() - start:.1f} s", flush=True)
    return Work(folder, copy, listing, households)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--only", help="comma-separated figures: " + ", ".join(BY_KEY))
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "giamngheo-bench")
    parser.add_argument("--json", type=Path, help="where to write the table (default: the cache folder)")
    parser.add_argument("--child", nargs=2, metavar=("FIGURE", "SIDE"), help=argparse.SUPPRESS)
    parser.add_argument("--work", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, commune, listing = (Path(p) for p in args.work)
        child(args.child[0], args.child[1], Work(folder, commune, listing, args.households))
        return 0
    wanted = [f for f in FIGURES if not args.only or f.key in args.only.split(",")]
    started = time.perf_counter()
    commune, listing = ensure_data(args.cache, args.households)
    work = prepare(commune, listing, args.households)
    rows = []
    try:
        for fig in wanted:
            floor = measure(fig, "floor", work, args.households)
            app = measure(fig, "app", work, args.households)
            if "floor_parts" in app:  # the floor timed between the app's keystrokes: the ratio's floor
                floor = _floor_alongside(floor, app.pop("floor_parts"))
            quick = fig.key not in ("import", "reimport", "search_top", "search_bottom")  # search repeats inside
            # import and re-import are run three times too: one run of either moves by 1.5× with the load
            if fig.key in REPEATED or (quick and app["seconds"] + floor["seconds"] < QUICK_PAIR_S):
                pairs = [(app, floor)]  # a quick pair is run three times (app first, then floor first)
                for order in (("app", "floor"), ("floor", "app")):
                    got = {side: measure(fig, side, work, args.households) for side in order}
                    pairs.append((got["app"], got["floor"]))
                app, floor = median_pair(fig, pairs)
            verdict = judge(fig, app, floor)
            rows.append({"figure": fig.key, "label": fig.label, "app": app, "floor": floor, **verdict,
                         "target": target_text(fig)})  # fmt: skip
            print(
                f"{fig.label:<52} app {_secs(app['seconds']):>9}  floor {_secs(floor['seconds']):>9}  "
                f"{verdict['ratio']:6.2f}×  RSS {app['rss_mb']:5.0f}/{floor['rss_mb']:4.0f} MB  "
                + ("MISSED: " + "; ".join(verdict["misses"]) if verdict["misses"] else "ok"),
                flush=True,
            )
    finally:
        shutil.rmtree(work.folder, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print()
    print(markdown_table(rows))
    report = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "households": args.households,
        "machine": machine(),
        "seconds": round(elapsed, 1),
        "figures": rows,
    }
    out = args.json or args.cache / f"run-{args.households}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    missed = [r["figure"] for r in rows if r["misses"]]
    print(f"\n{len(rows)} figures in {elapsed:.0f} s; JSON: {out}")
    if missed:
        print("targets missed: " + ", ".join(missed))
        return 1
    return 0


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| figure | app | floor | ratio | target | peak RSS app / floor | |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        app, floor = r["app"], r["floor"]
        detail = "; ".join(str(x) for x in (app.get("detail"), floor.get("detail")) if x)
        if app.get("runs"):
            detail += ("; " if detail else "") + "ratios of 3 runs " + ", ".join(f"{r:g}" for r in app["runs"])
        lines.append(
            f"| {r['label']}{f' ({detail})' if detail else ''} | {_secs(app['seconds'])} | {_secs(floor['seconds'])} "
            f"| {r['ratio']:.2f}× | {r['target']} | {app['rss_mb']:.0f} / {floor['rss_mb']:.0f} MB "
            f"| {'**missed**: ' + '; '.join(r['misses']) if r['misses'] else 'ok'} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, Python {platform.python_version()}, {platform.system()}"


if __name__ == "__main__":
    sys.exit(main())
