"""pytest-qt fixtures: offscreen Qt, a private data folder, settings in an INI file, a small register."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from giamngheo_desktop.services.session import open_session
from tests.sample_data import SAMPLE_HOUSEHOLDS, populate
from tests.ui.sync_tasks import SyncTaskRunner
from ui import errors
from ui.dialogs.import_dialog import ImportResultDialog
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


@pytest.fixture
def commune(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """xã Tân Lập with its three villages and no household yet, for importing lists; the import's result
    window closed at once."""
    monkeypatch.setattr(ImportResultDialog, "exec", lambda _self: 1)
    ws = Workspace.open(db_path, runner=SyncTaskRunner())
    yield ws
    ws.close()


@pytest.fixture(scope="session", autouse=True)
def app_fonts(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> QApplication:
    """The shipped fonts, as the real app uses them; default QSettings go to a temp INI, never ~/.config,
    and so do Qt's own (the file chooser keeps its columns, side bar and history in "QtProject", native
    format: a run that widened the columns made the next one open wider)."""
    from ui.fonts import use_app_font

    folder = str(tmp_path_factory.mktemp("qsettings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, folder)
    qapp.setOrganizationName("GiamNgheoDesktopTests")
    use_app_font(qapp)
    return qapp


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """The errors the app showed the officer (``errors.show_error``); other message boxes are answered
    at once: OK to information and warnings, Yes to questions."""
    seen: list[BaseException] = []

    def show_error(parent: object, exc: BaseException, **kw: object) -> None:
        seen.append(exc)

    monkeypatch.setattr(errors, "show_error", show_error)
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    return seen


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every message box the app opened with ``exec`` (its informative text on a second
    line), closed at once."""
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        shown.append("\n".join(t for t in (box.text(), box.informativeText()) if t))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


@pytest.fixture
def crash_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[errors.CrashDialog]:
    """The crash dialogs the app opened, closed at once."""
    seen: list[errors.CrashDialog] = []

    def record(dialog: errors.CrashDialog) -> int:
        seen.append(dialog)
        return 0

    monkeypatch.setattr(errors.CrashDialog, "exec", record)
    return seen
