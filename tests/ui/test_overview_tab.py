"""Tổng quan: the commune at a glance, each part a link to where it is dealt with."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import overview, review
from giamngheo_desktop.services.session import open_session
from tests.ui.sync_tasks import SyncTaskRunner
from tests.ui.widgets import tab_of
from ui.main_window import MainWindow
from ui.tabs.overview_tab import OverviewTab
from ui.tabs.review_tab import ReviewTab
from ui.workspace import Workspace


def test_counts_round_requests_and_links(
    qtbot: QtBot, workspace: Workspace, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    assert window.tabs.tabText(0) == "Tổng quan" and window.tabs.currentIndex() == 0
    tab = tab_of(window, OverviewTab)
    data = tab.data
    assert data is not None and data.households == 30
    assert sum(n for _label, n in data.by_class) == 30
    assert sum(v.households for v in data.villages) == 30 and data.villages[0].name == "Thôn Đồng Xuân"
    assert "Không có đợt rà soát nào đang mở" in tab.round_label.text()
    assert "Không có đơn" in tab.requests_label.text()

    hid = int(workspace.db.scalar("SELECT id FROM household ORDER BY id LIMIT 1"))
    review.record_request(workspace.db, household_id=hid, form="01", request_date="2026-03-02")
    from giamngheo_desktop.services.changes import Changes

    workspace.broadcast(Changes(review=True))
    assert "1 đơn đề nghị" in tab.requests_label.text()
    review.open_round(workspace.db, kind="annual", reference_date="2026-11-15")  # takes the request in
    workspace.broadcast(Changes(review=True))
    assert "Không có đơn" in tab.requests_label.text()
    assert "đang ở bước «Lập danh sách»" in tab.round_label.text() and "Việc tiếp theo" in tab.round_label.text()

    tab.open_place.emit("review")
    assert isinstance(window.tabs.currentWidget(), ReviewTab)
    opened: list[str] = []
    from ui.tabs.households_tab import HouseholdsTab

    monkeypatch.setattr(HouseholdsTab, "import_list", lambda self: opened.append("import"))
    tab.open_place.emit("import")
    assert opened == ["import"] and isinstance(window.tabs.currentWidget(), HouseholdsTab)


def test_an_empty_commune_says_what_to_do_first(qtbot: QtBot, db_path: Any) -> None:
    ws = Workspace(open_session(db_path), runner=SyncTaskRunner())
    try:
        tab = OverviewTab(ws)
        qtbot.addWidget(tab)
        tab.show()
        assert tab.empty.isVisible() and "Nhập danh sách từ Excel" in tab.empty.text()
        assert overview.overview(ws.db).households == 0
        assert "Chưa có kế hoạch" in tab.plan_label.text()
    finally:
        ws.close()
