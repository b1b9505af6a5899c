"""The register's row numbers: wide enough for every number, measured without asking for each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.sample_data import populate
from ui.tabs.households_tab import HouseholdsTab
from ui.widgets.row_numbers import RowNumbers
from ui.workspace import Workspace


def test_the_row_numbers_fit_every_number_and_a_search_asks_for_few_labels(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt's own header asked for the first and last hundred labels (each for seven roles) after
    every search; the row numbers' width comes from the last number now, and no number is cut."""
    populate(workspace.db, 1000, seed=3)
    tab = HouseholdsTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    qtbot.waitExposed(tab)
    header = tab.view.verticalHeader()
    assert isinstance(header, RowNumbers)
    rows = tab.model.rowCount()
    assert rows > 1000
    every = max(header.sectionSizeFromContents(section).width() for section in range(rows))
    assert header.sizeHint().width() >= every  # the widest label whole (Qt's hint read 200 of them)
    assert header.width() >= every
    asked: list[int] = []
    original = tab.model.headerData

    def counting(section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Vertical:
            asked.append(section)
        return original(section, orientation, role)

    monkeypatch.setattr(tab.model, "headerData", counting)
    tab.search.setText("th")
    tab.apply_filters()
    QApplication.processEvents()
    assert 0 < tab.model.rowCount() < rows
    shown = tab.view.rowAt(tab.view.viewport().height() - 1) + 1
    # the labels painted and the last one (of the list before and after the search); Qt's read 200
    assert len(set(asked)) <= shown + 2, f"{len(set(asked))} row labels asked for {shown} rows shown"
    assert header.width() >= max(header.sectionSizeFromContents(s).width() for s in range(tab.model.rowCount()))
