"""File choosers open in Documents or the last folder used, never in the hidden app-data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from giamngheo_desktop.paths import AppPaths
from ui import files
from ui.settings import LAST_LIST_FOLDER
from ui.tabs.households_tab import HouseholdsTab
from ui.workspace import Workspace


def test_start_folder_is_documents_then_the_last_folder_but_never_app_data(tmp_path: Path, settings: Any) -> None:
    assert files.start_folder(settings=settings) == files.documents_folder()
    mine = tmp_path / "Danh sách"
    mine.mkdir()
    files.remember(mine / "ds-ho-ngheo.xlsx", settings=settings)
    assert files.start_folder(settings=settings) == mine
    app_data = AppPaths.default().database.parent
    app_data.mkdir(parents=True, exist_ok=True)
    files.remember(app_data / "x.xlsx", settings=settings)
    assert files.start_folder(settings=settings) == files.documents_folder()


def test_the_import_window_opens_outside_the_data_folder(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs import import_dialog

    seen: list[str] = []

    def record_folder(dialog: import_dialog.ImportDialog) -> int:
        seen.append(dialog.start_folder)
        return 0

    monkeypatch.setattr(import_dialog.ImportDialog, "exec", record_folder)
    tab = HouseholdsTab(workspace)
    qtbot.addWidget(tab)
    tab.import_list()
    assert seen and Path(seen[0]) != workspace.path.parent
    assert files.start_folder(LAST_LIST_FOLDER) == Path(seen[0])
