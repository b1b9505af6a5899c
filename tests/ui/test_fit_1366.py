"""Every tab and dialog fits a 1366×768 laptop with a 40-pixel taskbar, with no text cut.

The window is opened at 1366×728 less the title bar on a demo commune (villages, closed
rounds, supports, loans, a plan); each tab, page and dialog is shown at its own size and
checked by ``fit.cut_texts``: labels, buttons, tab titles and column headers narrower than
their text fail the test. Keyboard rules are checked on the same screens: Tab leaves every
table, and Enter presses the dialog's main button.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import commune, register, support
from giamngheo_desktop.services.session import open_session
from tests.ui.fit import cut_texts
from tests.ui.sync_tasks import SyncTaskRunner
from tests.ui.widgets import tab_of
from ui.main_window import TITLE_BAR, MainWindow, default_size
from ui.settings import Settings
from ui.tabs.households_tab import HouseholdsTab
from ui.workspace import Workspace

SCREEN = QSize(1366, 728)  # 768 less a 40-pixel taskbar
ROOM = QSize(SCREEN.width(), SCREEN.height() - TITLE_BAR)  # what a window's client area may use

_DEMO: dict[str, Path] = {}


def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if "demo" not in _DEMO:
        from giamngheo_desktop.services import demo

        path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
        db = open_session(path)
        try:
            demo.generate(db, households=150, seed=3)
            demo.add_review_history(db)
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        _DEMO["demo"] = path
    return _DEMO["demo"]


@pytest.fixture
def demo_workspace(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    target = tmp_path / "demo.sqlite"
    shutil.copy(_demo_template(tmp_path_factory), target)
    ws = Workspace.open(target, runner=SyncTaskRunner())
    yield ws
    ws.close()


@pytest.fixture
def window(qtbot: QtBot, demo_workspace: Workspace, settings: Settings) -> MainWindow:
    win = MainWindow(demo_workspace, settings=settings)
    qtbot.addWidget(win)
    win.resize(ROOM)
    win.show()
    qtbot.waitExposed(win)
    return win


def _as_on_the_laptop(dialog: QWidget) -> None:
    """Give ``dialog`` the size Qt would on a 1366×728 screen (the test screen has another size)."""
    if dialog.testAttribute(Qt.WidgetAttribute.WA_Resized):
        size = dialog.size().boundedTo(ROOM)
    else:  # a window that sets no size opens at most 2/3 of the screen (QWidget::adjustSize)
        size = dialog.sizeHint().boundedTo(QSize(SCREEN.width() * 2 // 3, (SCREEN.height() + 40) * 2 // 3))
    # the window's minimum (its layout's, unless a fixed minimum width was set: then only that holds)
    size = size.expandedTo(dialog.minimumSize())
    dialog.resize(size)


def _fits(widget: QWidget, where: str) -> list[str]:
    QApplication.processEvents()
    problems = [f"{where}: {p}" for p in cut_texts(widget)]
    size = widget.size()
    if size.width() > ROOM.width() or size.height() > ROOM.height():
        problems.append(f"{where}: {size.width()}×{size.height()} does not fit {ROOM.width()}×{ROOM.height()}")
    return problems


def _tab_traps(widget: QWidget, where: str) -> list[str]:
    """Views where Tab would move from cell to cell once the officer is in them."""
    widget.activateWindow()
    QApplication.processEvents()
    found = []
    for view in widget.findChildren(QAbstractItemView):
        if not view.isVisible() or not view.isEnabled() or view.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        view.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        if view.tabKeyNavigation():
            found.append(f"{where}: Tab is trapped in {type(view).__name__} {view.objectName() or ''}".rstrip())
    return found


def test_first_start_size_fits_a_laptop_screen_with_a_taskbar() -> None:
    width, height = default_size(QSize(1366, 728))
    assert width <= 1366 and height + TITLE_BAR <= 728
    assert default_size(QSize(1024, 600)) == (1008, 560)


def test_main_window_restored_from_a_bigger_screen_is_made_to_fit(
    qtbot: QtBot, demo_workspace: Workspace, settings: Settings
) -> None:
    from ui.settings import WINDOW_GEOMETRY

    big = MainWindow(demo_workspace, settings=settings)
    qtbot.addWidget(big)
    big.resize(3000, 2000)
    big.save_window()
    assert not settings.get(WINDOW_GEOMETRY).isEmpty()
    again = MainWindow(demo_workspace, settings=settings)
    qtbot.addWidget(again)
    room = again.screen().availableGeometry()
    assert again.width() <= room.width() and again.height() <= room.height() - TITLE_BAR


def test_every_tab_and_page_fits_without_cut_text(window: MainWindow) -> None:
    assert window.minimumSizeHint().width() <= ROOM.width()
    assert window.minimumSizeHint().height() <= ROOM.height()
    problems: list[str] = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        name = window.tabs.tabText(i)
        problems += _fits(window, name)
        problems += _tab_traps(window, name)
        tab = window.tab_widgets[i]
        side = getattr(tab, "side", None)
        for row in range(len(getattr(tab, "pages", []))):
            assert side is not None, f"{name}: pages without a side list"
            side.setCurrentRow(row)
            problems += _fits(window, f"{name} / {side.item(row).text()}")
            problems += _tab_traps(window, f"{name} / {side.item(row).text()}")
        detail = getattr(tab, "detail_tabs", None)
        if detail is not None:
            assert isinstance(tab, HouseholdsTab)
            tab.select_household(tab.model.ids[0])
            for k in range(detail.count()):
                detail.setCurrentIndex(k)
                problems += _fits(window, f"{name} / {detail.tabText(k)}")
        kind = getattr(tab, "period_kind", None)
        if kind is not None:
            for k in range(kind.count()):
                kind.setCurrentIndex(k)
                problems += _fits(window, f"{name} / kỳ {kind.itemText(k)}")
    assert problems == [], "\n".join(problems)


def _first_household(ws: Workspace) -> int:
    from giamngheo_desktop.services.household_query import HouseholdQuery, find_household_ids

    return find_household_ids(ws.db, HouseholdQuery())[0]


def _first_member(ws: Workspace) -> int:
    return int(register.list_members(ws.db, _first_household(ws))[0]["id"])


def _dialogs(ws: Workspace) -> list[tuple[str, Callable[[QWidget], QDialog]]]:
    from ui.dialogs.about_dialog import AboutDialog
    from ui.dialogs.audit_dialog import AuditDialog
    from ui.dialogs.backup_dialog import BackupDialog
    from ui.dialogs.batch_support_dialog import BatchListDialog, BatchSupportDialog
    from ui.dialogs.class_dialog import ClassDialog, StaffListDialog, StaffTrainingDialog
    from ui.dialogs.first_run_dialog import FirstRunDialog
    from ui.dialogs.household_dialog import HouseholdDialog
    from ui.dialogs.import_dialog import ImportDialog, ImportResultDialog
    from ui.dialogs.loan_dialog import LoanDialog, RepaymentDialog
    from ui.dialogs.login_dialog import LoginDialog
    from ui.dialogs.member_dialog import MemberDialog
    from ui.dialogs.member_ops_dialog import ChangeHeadDialog, MergeDialog, MoveMemberDialog, StatusDialog
    from ui.dialogs.model_dialog import ModelDialog
    from ui.dialogs.request_dialog import PendingRequestsDialog, RequestDialog
    from ui.dialogs.restore_dialog import RestoreDialog
    from ui.dialogs.split_dialog import SplitDialog
    from ui.dialogs.support_dialog import SupportDialog
    from ui.dialogs.users_dialog import UserFormDialog, UsersDialog
    from ui.dialogs.villages_dialog import VillagesDialog
    from ui.tabs.checks_panel import ChecksPanel

    hid = _first_household(ws)
    mid = _first_member(ws)
    loans = support.list_loans(ws.db)
    return [
        ("Giới thiệu", lambda p: AboutDialog(ws, p)),
        ("Nhật ký thay đổi", lambda p: AuditDialog(ws.db, p)),
        ("Sao lưu", lambda p: BackupDialog(ws, p)),
        ("Khôi phục", lambda p: RestoreDialog(ws.path, p)),
        ("Hỗ trợ theo lô", lambda p: BatchSupportDialog(ws, p)),
        ("Các lô hỗ trợ", lambda p: BatchListDialog(ws, p)),
        ("Lớp nghề", lambda p: ClassDialog(ws, parent=p)),
        ("Tập huấn cán bộ", lambda p: StaffTrainingDialog(ws, p)),
        ("Danh sách tập huấn", lambda p: StaffListDialog(ws, p)),
        ("Thông tin xã", lambda p: FirstRunDialog(ws.db, first_run=False, parent=p)),
        ("Thêm hộ", lambda p: HouseholdDialog(ws, parent=p)),
        ("Sửa hộ", lambda p: HouseholdDialog(ws, household_id=hid, parent=p)),
        ("Nhập danh sách", lambda p: ImportDialog(ws, p)),
        (
            "Kết quả nhập danh sách",
            lambda p: ImportResultDialog(
                "Đã nhập: 120 hộ mới, 3 hộ cập nhật; 410 nhân khẩu mới, 7 nhân khẩu cập nhật.", ws.path, p
            ),
        ),
        ("Vay vốn", lambda p: LoanDialog(ws, household_id=hid, parent=p)),
        *([("Thu nợ", lambda p: RepaymentDialog(ws, loans[0], p))] if loans else []),
        ("Đăng nhập", lambda p: LoginDialog(ws.db, commune_name=commune.get_commune(ws.db).name, parent=p)),
        ("Thêm nhân khẩu", lambda p: MemberDialog(ws, household_id=hid, parent=p)),
        ("Sửa nhân khẩu", lambda p: MemberDialog(ws, member_id=mid, parent=p)),
        ("Đổi chủ hộ", lambda p: ChangeHeadDialog(ws, hid, p)),
        ("Nhập hộ", lambda p: MergeDialog(ws, hid, p)),
        ("Chuyển hộ", lambda p: MoveMemberDialog(ws, mid, p)),
        ("Báo chết / chuyển đi", lambda p: StatusDialog(ws, mid, p)),
        ("Mô hình", lambda p: ModelDialog(ws, parent=p)),
        ("Tách hộ", lambda p: SplitDialog(ws, hid, p)),
        ("Ghi nhận hỗ trợ", lambda p: SupportDialog(ws, household_id=hid, parent=p)),
        ("Người dùng", lambda p: UsersDialog(ws.db, p)),
        ("Thêm người dùng", lambda p: UserFormDialog(p)),
        ("Kiểm tra dữ liệu", lambda p: ChecksPanel(ws, p)),
        ("Đơn đề nghị", lambda p: RequestDialog(ws, p)),
        ("Đơn chờ xử lý", lambda p: PendingRequestsDialog(ws, p)),
        ("Thôn, tổ dân phố", lambda p: VillagesDialog(ws, p)),
    ]


def _main_button(dialog: QDialog) -> QPushButton | None:
    """The button Enter presses: the default one, else the first auto-default one Qt would pick."""
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
    return next((b for b in buttons if b.isDefault()), None)


def test_every_dialog_fits_without_cut_text_and_enter_presses_its_main_button(window: MainWindow) -> None:
    problems: list[str] = []
    for name, make in _dialogs(window.workspace):
        dialog = make(window)
        dialog.show()
        _as_on_the_laptop(dialog)
        QApplication.processEvents()
        problems += _fits(dialog, name)
        problems += _tab_traps(dialog, name)
        box = next(iter(dialog.findChildren(QDialogButtonBox)), None)
        default = _main_button(dialog)
        if box is not None:
            accept = [
                b
                for b in box.buttons()
                if box.buttonRole(b) in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)
                and b.isVisible()
            ]
            if accept and default not in accept:
                shown = default.text() if default is not None else "không nút nào"
                problems.append(f"{name}: Enter bấm «{shown}», không phải «{accept[0].text()}»")
        dialog.reject()
        dialog.deleteLater()
    assert problems == [], "\n".join(problems)


def test_tab_leaves_the_register_table(qtbot: QtBot, window: MainWindow) -> None:
    tab = tab_of(window, HouseholdsTab)
    window.activateWindow()
    tab.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.view)
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not tab.view
