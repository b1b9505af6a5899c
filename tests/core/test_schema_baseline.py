"""The v1 schema is frozen; every later change is a migration step; files of every version upgrade.

``db/schema.sql`` is what a version-1 file was created with. Editing it after the first release
would make new files differ from upgraded ones (it already once produced a "v3" file missing
columns), so its checksum is pinned here: a schema change goes into a new ``Step`` in
``storage/migrations.py``. ``tests/core/fixtures/schema/`` keeps small files made by each
released version (``release-<version>-v<N>.sqlite``, ``scripts/make_schema_fixture.py --release``;
none yet: 0.1.0 is unreleased), a file of every older schema version (``schema-v<N>.sqlite``,
``--pre-release``) and a demo commune made at schema v3 (``demo-v3.sqlite``); each must open,
upgrade with a backup first, keep its data, and end with exactly the schema of a new file.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from giamngheo_desktop import __version__
from giamngheo_desktop.services import household_query
from giamngheo_desktop.storage import migrations
from giamngheo_desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "schema"

# sha256 of db/schema.sql with line endings normalised to LF. Do NOT update this to make the test
# pass: put the change in a new migrations.Step instead (see the module docstring).
V1_SCHEMA_SHA256 = "b179c0be7635954e452bd173f706cbb0f2666afe5dbf3f712727b6547169a21c"

# Released versions and the schema version their files have; add a line (and the fixture) at each
# release: scripts/make_schema_fixture.py --release. None yet (CHANGELOG: 0.1.0 is unreleased).
RELEASES: dict[str, int] = {}


def normalized_schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return [(t, n, " ".join((s or "").split())) for t, n, s in rows]


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        skip = {"sqlite_stat1", "code_list", "audit_log", "sqlite_sequence"}  # reference data is re-synced
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t not in skip}
    finally:
        conn.close()


def test_the_v1_schema_is_frozen() -> None:
    text = (ROOT / "db" / "schema.sql").read_bytes().replace(b"\r\n", b"\n")
    assert hashlib.sha256(text).hexdigest() == V1_SCHEMA_SHA256, (
        "db/schema.sql is the frozen version-1 baseline: do not edit it; add a numbered Step to "
        "giamngheo_desktop/storage/migrations.py instead (fresh files run schema.sql and then every step)"
    )


def test_steps_are_numbered_one_after_another_and_say_why() -> None:
    assert [s.target for s in migrations.STEPS] == list(range(2, migrations.LATEST + 1))
    assert all(len(s.why) > 20 for s in migrations.STEPS)


def fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.sqlite"))


def test_every_release_and_every_older_schema_version_has_a_fixture() -> None:
    names = {p.name for p in fixtures()}
    for version, schema in RELEASES.items():
        assert f"release-{version}-v{schema}.sqlite" in names, f"fixture of release {version} missing"
    versions = {int(m.group(1)) for n in names if (m := re.search(r"-v(\d+)\.sqlite$", n))}
    missing = set(range(1, migrations.LATEST)) - versions
    assert not missing, (
        f"no fixture file of schema version(s) {sorted(missing)}: run scripts/make_schema_fixture.py --pre-release"
    )
    assert all(p.stat().st_size < 1_000_000 for p in fixtures()), "keep fixtures small"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.stem)
def test_a_file_of_an_older_version_upgrades_keeping_its_data(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    numbered = re.search(r"-v(\d+)\.sqlite$", fixture.name)
    assert numbered is not None, fixture.name
    version = int(numbered.group(1))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.close()
    before = counts(path)
    assert before["household"] >= 3 and before["member"] >= 4

    with open_database(path, backup_dir=tmp_path / "backups") as db:
        assert db.scalar("PRAGMA user_version") == migrations.LATEST
        assert db.scalar("PRAGMA integrity_check") == "ok"
        assert db.scalar("PRAGMA foreign_key_check") is None
        # the register still finds people by their name typed without marks (step 2's search text)
        assert household_query.count_households(db) == before["household"]
        name = db.scalar("SELECT full_name FROM member ORDER BY id LIMIT 1")
        words = name.split()
        plain = " ".join(words[-2:]).lower()
        found = household_query.find_household_ids(db, household_query.HouseholdQuery(text=_unmark(plain)))
        assert found, f"searching {_unmark(plain)!r} finds nobody after the upgrade"

    after = counts(path)
    assert {t: n for t, n in after.items() if t in before} == before, "rows lost or added by the upgrade"
    backups = list((tmp_path / "backups").glob(f"{path.stem}-v{version}-*.sqlite"))
    assert bool(backups) == (version < migrations.LATEST), "a backup copy is made before each upgrade"

    fresh = tmp_path / "fresh.sqlite"
    open_database(fresh).close()
    assert normalized_schema(path) == normalized_schema(fresh)


def _unmark(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
