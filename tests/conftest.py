"""Shared fixtures. Databases are built through the real open/migrate path."""

from __future__ import annotations

import datetime as _dt
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# one installation for the whole run: the audit key (storage/functions.py) outlives each test's data folder
os.environ.setdefault("GIAMNGHEO_KEY_DIR", tempfile.mkdtemp(prefix="giamngheo-test-keys-"))

from giamngheo_desktop import clock
from giamngheo_desktop.services import commune
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database

_ROOT = Path(__file__).resolve().parents[1]

_TEMPLATE: dict[str, Path] = {}


def _commune_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if "commune" not in _TEMPLATE:
        path = tmp_path_factory.mktemp("template") / "commune.sqlite"
        with open_database(path) as db:
            commune.setup_commune(
                db,
                commune.CommuneSetup(
                    settings=commune.CommuneSettings(
                        name="xã Tân Lập",
                        code="01234",
                        province="Phú Thọ",
                        area_type="rural",
                        receiving_office="Sở Nông nghiệp và Môi trường tỉnh Phú Thọ",
                        chairman_name="Nguyễn Văn An",
                        preparer_name="Trần Thị Bình",
                    ),
                    villages=[
                        commune.VillageInput(name="Thôn Đồng Xuân"),
                        commune.VillageInput(name="Thôn Tân Hòa"),
                        commune.VillageInput(name="Thôn Bãi Sậy"),
                    ],
                ),
            )
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE["commune"] = path
    return _TEMPLATE["commune"]


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh database file with a commune (xã Tân Lập, rural) and three villages."""
    target = tmp_path / "test.sqlite"
    shutil.copy(_commune_template(tmp_path_factory), target)
    return target


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh database with no commune yet."""
    database = open_database(tmp_path / "empty.sqlite")
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _private_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's data folder (signing keys, the receiving office's key register, logs) is per test."""
    monkeypatch.setenv("GIAMNGHEO_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))


@pytest.fixture(autouse=True)
def _nothing_left_frozen() -> Iterator[None]:
    """A preview left out of the collector's scans (``lists.plan_import``) is not carried into the next test."""
    yield
    gc.unfreeze()


@pytest.fixture
def pinned_clock(request: pytest.FixtureRequest) -> Iterator[_dt.datetime]:
    """The app's clock stopped at 15/06/2026 09:00, or at the moment of the test's
    ``@pytest.mark.clock("2026-06-01 09:00")``. A module pins it for all its tests with
    ``pytestmark = pytest.mark.usefixtures("pinned_clock")``."""
    marker = request.node.get_closest_marker("clock")
    moment = _dt.datetime.fromisoformat(marker.args[0]) if marker else _dt.datetime(2026, 6, 15, 9, 0)
    clock.set_fixed_now(moment)
    yield moment
    clock.set_fixed_now(None)


@pytest.fixture
def reg(db: Database) -> dict[str, int]:
    """The small register of ``support_builders.small_register`` (names → ids)."""
    from tests.support_builders import small_register

    return small_register(db)


@pytest.fixture
def held_by_window(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the file open in its window (killed when the test ends, if the test has not)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                sys.path.insert(0, {str(_ROOT)!r})
                from giamngheo_desktop.services.session import open_session
                db = open_session({str(db_path)!r}, exclusive=True)
                print("ready", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    yield holder
    holder.kill()
    holder.wait()
