"""The register's columns fit their panes at 1366×768: nothing the officer reads sits behind a scroll bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QTableView, QToolTip
from pytestqt.qtbot import QtBot

from tests.ui.test_fit_1366 import SCREEN, demo_workspace, window  # noqa: F401  (fixtures)
from tests.ui.widgets import tab_of
from ui.main_window import MainWindow, default_size
from ui.models.households_model import FOUND_COLUMN
from ui.models.members_model import COLUMNS as MEMBER_COLUMNS
from ui.tabs.households_tab import HouseholdsTab
from ui.widgets.columns import ElidedTips


def _cut_columns(view: QTableView) -> list[str]:
    """Columns (but the stretched last one) that reach past the view's right edge."""
    header = view.horizontalHeader()
    room = view.viewport().width()
    model = view.model()
    last = header.logicalIndex(header.count() - 1)
    out = []
    for column in range(header.count()):
        if header.isSectionHidden(column) or column == last:
            continue
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        if right > room:
            out.append(f"{model.headerData(column, header.orientation())!r} ends at {right} px, the view has {room}")
    return out


def test_the_register_list_shows_every_column_but_the_address_whole(qtbot: QtBot, window: MainWindow) -> None:  # noqa: F811
    window.resize(QSize(*default_size(SCREEN)))
    tab = tab_of(window, HouseholdsTab)
    window.tabs.setCurrentWidget(tab)
    QApplication.processEvents()
    view = tab.view
    assert _cut_columns(view) == []
    assert view.horizontalScrollBar().maximum() == 0
    tab.search.setText("thị")  # searching: the member found shows beside the head, the rest still fits
    tab.apply_filters()
    QApplication.processEvents()
    assert not view.isColumnHidden(FOUND_COLUMN)
    assert _cut_columns(view) == []


def test_a_members_status_stays_whole_beside_a_long_name_and_id(qtbot: QtBot, window: MainWindow) -> None:  # noqa: F811
    window.resize(QSize(*default_size(SCREEN)))
    tab = tab_of(window, HouseholdsTab)
    window.tabs.setCurrentWidget(tab)
    db = window.workspace.db
    household = db.scalar(
        "SELECT household_id FROM member WHERE deleted_at IS NULL GROUP BY household_id ORDER BY count(*) DESC LIMIT 1"
    )
    member = db.scalar("SELECT id FROM member WHERE household_id = ? ORDER BY id LIMIT 1", (household,))
    db.conn.execute(
        "UPDATE member SET full_name = 'Nguyễn Thị Phương Thảo Hoàng Mai Anh', id_number = '001198015838' WHERE id = ?",
        (member,),
    )
    assert tab.select_household(int(household))
    QApplication.processEvents()
    view = tab.members_view
    status = view.model().columnCount() - 1
    assert view.horizontalHeader().sectionSize(status) >= view.sizeHintForColumn(status)  # "Đang sống tại hộ" whole
    id_column = [key for key, _ in MEMBER_COLUMNS].index("id_number")
    assert view.horizontalHeader().sectionSize(id_column) >= view.sizeHintForColumn(id_column)  # an ID is never cut
    assert _cut_columns(view) == []
    assert view.horizontalScrollBar().maximum() == 0
    # the name is cut short: its whole text is the cell's tooltip
    delegate = view.itemDelegate()
    assert isinstance(delegate, ElidedTips)
    name = next(
        view.model().index(r, 0)
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data().startswith("Nguyễn Thị Phương Thảo Hoàng")
    )
    rect = view.visualRect(name)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center()))
    option = QStyleOptionViewItem()
    option.rect = rect
    assert delegate.helpEvent(event, view, option, name)
    assert QToolTip.text() == "Nguyễn Thị Phương Thảo Hoàng Mai Anh"
