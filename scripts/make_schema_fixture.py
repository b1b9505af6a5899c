"""Make the small data files that tests/core/test_schema_baseline.py upgrades.

    .venv/bin/python scripts/make_schema_fixture.py --release      (at each release: the file this version writes)
    .venv/bin/python scripts/make_schema_fixture.py --pre-release  (a file of every older schema version missing)

``--release`` writes ``tests/core/fixtures/schema/release-<app version>-v<schema>.sqlite``: a demo
commune of 6 households made by the app's own services, compacted (VACUUM, no WAL). Commit it
with the release and add the version to ``RELEASES`` in the test; every later version's test
suite must upgrade it. ``--pre-release`` writes ``schema-v<N>.sqlite`` for every schema version N
below the latest that has no file yet: ``db/schema.sql`` and the steps up to N, with a commune,
villages, households and members — run it when adding a migration step (before the step is in
``STEPS``, or it also writes the new version's predecessor only). Existing fixtures are never
rewritten: regenerating an older version's file with newer code would hide the upgrade.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from giamngheo_desktop import __version__  # noqa: E402
from giamngheo_desktop.storage import migrations  # noqa: E402
from giamngheo_desktop.storage.connection import Database, connect  # noqa: E402

FIXTURES = ROOT / "tests" / "core" / "fixtures" / "schema"

PEOPLE = [
    # (household code, village, member name, folded name, id number, head)
    ("HGD-001", 1, "Nguyễn Văn Đức", "nguyen van duc", "025090000001"),
    ("HGD-001", 1, "Trần Thị Hằng", "tran thi hang", "025190000002"),
    ("HGD-002", 2, "Lò Văn Páo", "lo van pao", "025085000003"),
    ("HGD-003", 2, "Đặng Thị Ngọc Ánh", "dang thi ngoc anh", ""),
]


def compact(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(source)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        conn.close()
    conn = sqlite3.connect(target)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    return target


def pre_release(schema_version: int, folder: Path) -> Path:
    path = folder / f"v{schema_version}.sqlite"
    conn = connect(path)
    migrations.upgrade(Database(conn, path), steps=migrations.STEPS[: schema_version - 1])
    with conn:
        conn.execute(
            "INSERT INTO commune (id, name, code, province, area_type, created_at, updated_at) "
            "VALUES (1, 'xã Tân Lập', '12345', 'tỉnh Thái Nguyên', 'rural', '2026-01-05T08:00:00', "
            "'2026-01-05T08:00:00')"
        )
        conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('01', 'Thôn Đồng Xuân', 'thon dong xuan')")
        conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('02', 'Bản Nà Pục', 'ban na puc')")
        households: dict[str, int] = {}
        for code, village, name, fold, id_number in PEOPLE:
            if code not in households:
                cur = conn.execute(
                    "INSERT INTO household (code, code_fold, village_id, created_at, updated_at) "
                    "VALUES (?, lower(?), ?, '2026-01-05T08:00:00', '2026-01-05T08:00:00')",
                    (code, code, village),
                )
                households[code] = int(cur.lastrowid or 0)
            conn.execute(
                "INSERT INTO member (household_id, full_name, name_fold, id_number, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, '2026-01-05T08:00:00', '2026-01-05T08:00:00')",
                (households[code], name, fold, id_number or None),
            )
    conn.close()
    return compact(path, FIXTURES / f"schema-v{schema_version}.sqlite")


def release(folder: Path) -> Path:
    """The file this version writes (a small demo commune)."""
    from giamngheo_desktop.services import demo
    from giamngheo_desktop.storage.database import open_database

    path = folder / "release.sqlite"
    with open_database(path) as db:
        demo.generate(db, households=6, seed=1)
        version = db.scalar("PRAGMA user_version")
    target = FIXTURES / f"release-{__version__}-v{version}.sqlite"
    if target.exists():
        raise SystemExit(f"{target.name} exists: a released version's file is never rewritten")
    return compact(path, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", action="store_true")
    parser.add_argument("--pre-release", action="store_true")
    args = parser.parse_args()
    if not (args.release or args.pre_release):
        parser.error("say --release or --pre-release")
    with tempfile.TemporaryDirectory() as tmp:
        made = []
        if args.pre_release:
            for version in range(1, migrations.LATEST):
                if not list(FIXTURES.glob(f"*-v{version}.sqlite")):
                    made.append(pre_release(version, Path(tmp)))
        if args.release:
            made.append(release(Path(tmp)))
    for path in made:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
