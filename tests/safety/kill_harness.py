"""Crash-safety harness: kill the process (SIGKILL) at random moments during long writes.

For each run a child process opens a copy of a prepared commune and runs one operation —
importing a household list, a batch support, generating a demo commune, closing a review
round, or checkpointing a file whose committed work is still in its ``-wal`` file (a power
cut during a checkpoint) — while the parent kills it with SIGKILL after a random
delay. The parent then checks, in this order:

* the app's own verdict on the file (``storage.database.file_verdict``: the header check and
  ``PRAGMA quick_check`` through SQLite, WAL included) is not "damaged" — a false "damaged"
  would send the officer to an old backup; the old header check (``immutable=1``, which ignores
  the WAL) is counted alongside for comparison;
* ``PRAGMA integrity_check`` is ok;
* the operation is either fully applied or not at all (the row counts of the affected tables
  equal the "before" or the "after" counts of an uninterrupted run); for a checkpoint the work
  was committed before the kill, so anything but "after" is a lost write.

    python tests/safety/kill_harness.py --runs 300       # the full harness (at least 300 runs)
    python tests/safety/kill_harness.py --runs 300 --ops checkpoint   # checkpoint kills only
    pytest tests/safety                                   # a few runs in CI
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHECKPOINT = r"""
import sys, time
sys.path.insert(0, {root!r})
from giamngheo_desktop.storage.database import open_database
db = open_database({db!r})
print("checkpointing", flush=True)
start = time.perf_counter()
db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
print("took", time.perf_counter() - start, flush=True)
print("done", flush=True)
"""

TABLES = ["household", "member", "support_record", "support_batch", "household_event", "audit_log", "village"]

CHILD = r"""
import sys
sys.path.insert(0, {root!r})
from giamngheo_desktop.storage.database import open_database
db = open_database({db!r})
op = {op!r}
if op == "import":
    from giamngheo_desktop.importing.lists import commit_import, plan_import
    commit_import(db, plan_import(db, {xlsx!r}, create_villages=True))
elif op == "batch":
    from giamngheo_desktop.services import support
    support.apply_batch(
        db,
        support=support.SupportInput(
            household_id=0, type_code="tet_emergency", support_date="2026-12-20", amount=500000
        ),
        target=support.BatchTarget(kind="members_of_class", classes=("poor", "near_poor", "not_poor")),
        description="Quà Tết (thử tắt đột ngột)",
    )
elif op == "demo":
    from giamngheo_desktop.services import demo
    db.close()
    db = open_database({fresh!r})
    demo.generate(db, households=1500, seed=9)
elif op == "round_close":
    from giamngheo_desktop.services import review
    review.close_round(db, db.scalar("SELECT id FROM review_round WHERE step <> 'closed' ORDER BY id DESC"))
print("done", flush=True)
"""


@dataclass
class Fixture:
    base: Path  # a prepared commune
    empty: Path  # the same villages, no households (the import target)
    xlsx: Path  # a list to import
    decided: Path | None = None  # the base with a review round at the decision step (ready to close)
    walled: Path | None = None  # a file whose last big commit is only in its -wal file (not checkpointed)

    def start(self, op: str) -> Path:
        if op == "round_close" and self.decided is not None:
            return self.decided
        if op == "checkpoint" and self.walled is not None:
            return self.walled
        return self.empty if op == "import" else self.base


def copy_db(source: Path, target: Path) -> None:
    """Copy a database file with its -wal file (as a power cut would leave them)."""
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(source, target)
    if Path(str(source) + "-wal").exists():
        shutil.copy(str(source) + "-wal", str(target) + "-wal")


def verdicts(path: Path) -> tuple[str, str]:
    """(the app's verdict, the old immutable header check's verdict), read without changing the file."""
    from giamngheo_desktop.domain.errors import StorageUnavailable
    from giamngheo_desktop.storage.database import file_verdict

    try:
        app = file_verdict(path).verdict
    except StorageUnavailable as exc:
        app = exc.code
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            old = "ok" if conn.execute("PRAGMA quick_check").fetchone()[0] == "ok" else "damaged"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        old = "damaged"
    return app, old


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # no checkpoint on close
    try:
        existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if t in existing}
        if "audit_log" in out:  # a seal (made by the backup before the work, its own commit) is not the work
            out["audit_log"] = conn.execute(
                "SELECT count(*) FROM audit_log WHERE action <> 'seal'"
                " AND NOT (entity = 'app_setting' AND entity_id = 'audit.file_id')"
            ).fetchone()[0]
        if "review_round" in existing:  # closing a round changes rows, not their number
            out["closed_rounds"] = conn.execute("SELECT count(*) FROM review_round WHERE step = 'closed'").fetchone()[0]
            out["frozen"] = conn.execute("SELECT count(*) FROM round_household WHERE frozen = 1").fetchone()[0]
            out["classified"] = conn.execute("SELECT count(*) FROM household WHERE class_decision <> ''").fetchone()[0]
        return out
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def prepare(folder: Path) -> Fixture:
    from giamngheo_desktop.export.register_xlsx import write_register_xlsx
    from giamngheo_desktop.services import commune, demo, register
    from giamngheo_desktop.storage.database import open_database

    base = folder / "base.sqlite"
    with open_database(base) as db:
        demo.generate(db, households=400, seed=3)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = folder / "empty.sqlite"
    with open_database(empty) as db:
        commune.setup_commune(
            db,
            commune.CommuneSetup(
                settings=commune.CommuneSettings(name="xã Thử", code="07966", province="Phú Thọ", area_type="rural"),
                villages=[commune.VillageInput(name=name) for name in demo.VILLAGES],
            ),
        )
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    source = folder / "source.sqlite"
    with open_database(source) as db:
        demo.generate(db, households=1200, seed=11)
        xlsx = folder / "danh-sach.xlsx"
        ids = [r["id"] for r in db.rows("SELECT id FROM household ORDER BY id")]
        write_register_xlsx(xlsx, register.register_sheet(db, ids))
    decided = _decided_round(folder, base)
    return Fixture(base, empty, xlsx, decided, _walled(folder, empty))


def _walled(folder: Path, empty: Path) -> Path:
    """A demo commune of 1,500 households committed into the -wal file and never checkpointed."""
    from giamngheo_desktop.services import demo
    from giamngheo_desktop.storage.database import open_database

    work, walled = folder / "walled-work.sqlite", folder / "walled.sqlite"
    shutil.copy(empty, work)
    db = open_database(work)
    try:
        db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        demo.generate(db, households=1500, seed=5)
        copy_db(work, walled)  # what a power cut now would leave: the commit is in the -wal only
    finally:
        db.close()
    return walled


def _decided_round(folder: Path, base: Path) -> Path | None:
    """A copy of the base with an annual review round taken to the decision step (ready to close)."""
    try:
        from giamngheo_desktop.services import review
    except ImportError:
        return None
    from giamngheo_desktop.storage.database import open_database

    decided = folder / "decided.sqlite"
    shutil.copy(base, decided)
    day = "2026-11-15"
    with open_database(decided) as db:
        round_id = review.open_round(db, kind="annual", reference_date=day).written_id
        review.compute_round(db, round_id)
        for village in {r.village for r in review.round_rows(db, round_id)}:
            vid = db.scalar("SELECT id FROM village WHERE name = ?", (village,))
            review.record_meeting(db, round_id, village_id=vid, meeting_date=day, attendees=20, agreed=12)
        review.advance(db, round_id, to_step="posting", posting_from=day, posting_to=day)
        review.advance(db, round_id, to_step="decision", decision_number="12/QĐ-UBND", decision_date="2026-12-01")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return decided


def _checkpoint_seconds(fixture: Fixture, folder: Path) -> float:
    db = folder / "ref-ckpt-time.sqlite"
    copy_db(fixture.start("checkpoint"), db)
    code = CHECKPOINT.format(root=str(ROOT), db=str(db))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True).stdout
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("took")))


def available_ops() -> list[str]:
    return ["batch", "demo", "checkpoint", "import", "round_close"]


def run_child(op: str, db: Path, fresh: Path, fixture: Fixture, kill_after: float | None) -> bool:
    if op == "checkpoint":
        code = CHECKPOINT.format(root=str(ROOT), db=str(db))
    else:
        code = CHILD.format(root=str(ROOT), db=str(db), op=op, xlsx=str(fixture.xlsx), fresh=str(fresh))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is None:
        out, err = child.communicate(timeout=300)
        if child.returncode != 0 or "done" not in out:
            raise RuntimeError(f"{op} failed without being killed:\n{err}")
        return True
    if op == "checkpoint":  # the delay counts from the start of the checkpoint, not of Python
        assert child.stdout is not None
        if child.stdout.readline().strip() != "checkpointing":
            child.kill()
            child.communicate()
            return False
    time.sleep(kill_after)
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    out, _ = child.communicate()
    return "done" in out


def harness(runs: int, seed: int, folder: Path, ops: list[str] | None = None, verbose: bool = True) -> list[str]:
    """Run the harness; return a list of failures (empty = all good)."""
    rng = random.Random(seed)
    fixture = prepare(folder)
    ops = ops or available_ops()
    expected: dict[str, tuple[dict[str, int], dict[str, int], float]] = {}
    for op in ops:
        db, fresh = folder / f"ref-{op}.sqlite", folder / f"ref-{op}-fresh.sqlite"
        copy_db(fixture.start(op), db)
        before = counts(db) if op != "demo" else {}
        start = time.perf_counter()
        run_child(op, db, fresh, fixture, None)
        took = time.perf_counter() - start
        after = counts(fresh if op == "demo" else db)
        if op == "checkpoint":  # the window to hit is the checkpoint itself: measure it alone
            took = max(_checkpoint_seconds(fixture, folder), 0.01)
            if before != after:
                raise RuntimeError(f"checkpoint changed the data: {before} → {after}")
        expected[op] = (before, after, took)
    failures: list[str] = []
    tally = {"applied": 0, "not_applied": 0, "false_damaged": 0, "old_check_damaged": 0, "lost_writes": 0}
    for n in range(runs):
        op = ops[n % len(ops)]
        before, after, took = expected[op]
        db, fresh = folder / f"run-{n}.sqlite", folder / f"run-{n}-fresh.sqlite"
        copy_db(fixture.start(op), db)
        # a checkpoint's delay counts from its start; for the others python start-up takes the first ~third
        delay = rng.uniform(0.0, took * 1.3) if op == "checkpoint" else rng.uniform(took * 0.35, took * 1.15)
        finished = run_child(op, db, fresh, fixture, delay)
        target = fresh if op == "demo" else db
        if op == "demo" and not target.exists():
            tally["not_applied"] += 1
            continue
        app_verdict, old_verdict = verdicts(target)  # before anything opens it for writing
        tally["old_check_damaged"] += old_verdict != "ok"
        check = integrity(target)
        if app_verdict not in ("ok", "unchecked") and check == "ok":
            tally["false_damaged"] += 1
            failures.append(f"run {n} ({op}, killed after {delay:.2f}s): the app says {app_verdict}, SQLite says ok")
        got = counts(target)
        if check != "ok":
            failures.append(f"run {n} ({op}, killed after {delay:.2f}s): integrity_check = {check}")
        elif got == after:
            tally["applied"] += 1
        elif op == "checkpoint":
            tally["lost_writes"] += 1
            failures.append(f"run {n} (checkpoint, killed after {delay:.2f}s): committed work lost: {got} ≠ {after}")
        elif got == before or (op == "demo" and got.get("household", 0) == 0):
            tally["not_applied"] += 1
        else:
            failures.append(
                f"run {n} ({op}, killed after {delay:.2f}s): half applied: {got} (before {before}, after {after})"
            )
        if finished and got != after:
            failures.append(f"run {n} ({op}): finished but not fully applied")
        for path in (db, fresh):
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    if verbose:
        print(f"{runs} runs over {', '.join(ops)}: {tally['applied']} fully applied, "
              f"{tally['not_applied']} not applied, {len(failures)} failures; "
              f"false 'damaged' verdicts {tally['false_damaged']}, lost writes {tally['lost_writes']} "
              f"(the old immutable header check: 'damaged' {tally['old_check_damaged']} times)")  # fmt: skip
        for failure in failures:
            print("  " + failure)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ops", nargs="*", help="operations (default: all available)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kill-harness-") as folder:
        # the children's audit key and anchors go to this run's folder, not the user's data folder
        os.environ.setdefault("GIAMNGHEO_DATA_DIR", str(Path(folder) / "appdata"))
        failures = harness(args.runs, args.seed, Path(folder), args.ops)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
