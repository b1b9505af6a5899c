"""pytest-qt fixtures: offscreen Qt, a private data folder, settings in an INI file, a small register."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from giamngheo_desktop.services.session import open_session
from tests.sample_data import SAMPLE_HOUSEHOLDS, populate
from tests.ui.sync_tasks import SyncTaskRunner
from ui.settings import Settings
from ui.workspace import Workspace


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Logs, demo file and default database of the app go to a private folder."""
    folder = tmp_path / "appdata"
    monkeypatch.setenv("GIAMNGHEO_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sample_path(db_path: Path) -> Path:
    """xã Tân Lập with three villages and 30 households; HGD-0001 is headed by Nguyễn Văn Đức."""
    db = open_session(db_path)
    try:
        populate(db, SAMPLE_HOUSEHOLDS)
    finally:
        db.close()
    return db_path


@pytest.fixture
def workspace(sample_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(sample_path, runner=SyncTaskRunner())
    yield ws
    ws.close()


@pytest.fixture(scope="session", autouse=True)
def app_fonts(qapp, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The shipped fonts, as the real app uses them; default QSettings go to a temp INI, never ~/.config."""
    from ui.fonts import use_app_font

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsettings")))
    qapp.setOrganizationName("GiamNgheoDesktopTests")
    use_app_font(qapp)
    return qapp
