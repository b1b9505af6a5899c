"""The main window: tabs, menus, status bar; opening files and the demo commune.

Tabs come from :data:`TABS` — (title, class) pairs; each class takes
``(workspace, parent=None)`` and has ``on_changes(changes)``. Other features add
actions to the menus exposed as ``menu_file``, ``menu_data``, ``menu_reports``,
``menu_help``.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import APP_NAME
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.paths import AppPaths
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.services import backup, commune, commune_state
from giamngheo_desktop.services import office as office_service
from giamngheo_desktop.services.changes import EVERYTHING, Changes
from giamngheo_desktop.services.household_query import count_households
from giamngheo_desktop.services.session import FileHealth, check_file, open_session
from ui import errors, keyboard
from ui.dialogs.about_dialog import AboutDialog
from ui.dialogs.first_run_dialog import FirstRunDialog
from ui.dialogs.restore_dialog import file_label, when
from ui.settings import LAST_DATABASE, LAST_OPEN_FOLDER, WINDOW_GEOMETRY, WINDOW_STATE, Settings
from ui.tabs.households_tab import HouseholdsTab, _number
from ui.tabs.overview_tab import OverviewTab
from ui.tabs.reports_tab import ReportsTab
from ui.tabs.review_tab import ReviewTab
from ui.tabs.support_tab import SupportTab
from ui.tasks import Cancelled, TaskContext, TaskRunner
from ui.undo import record_write
from ui.widgets.tabs import TabWidget
from ui.workspace import Workspace

TABS: list[tuple[str, Callable[..., QWidget]]] = [
    ("Tổng quan", OverviewTab),
    ("Hộ gia đình", HouseholdsTab),
    ("Rà soát", ReviewTab),
    ("Hỗ trợ", SupportTab),
    ("Báo cáo", ReportsTab),
]

DEMO_HOUSEHOLDS = 2000
DEMO_SEED = 1
FILE_FILTER = "Tệp dữ liệu Giảm nghèo (*.sqlite *.db);;Tất cả các tệp (*)"

STATUS_MS = 15000  # how long a confirmation stays in the status bar
TITLE_BAR = 40  # room left for the window's title bar and frame (Windows 10/11 at 100 %)
DEFAULT_SIZE = (1280, 680)  # fits a 1366×768 laptop with a 40-pixel taskbar, title bar included

_windows: list[MainWindow] = []  # open windows stay alive until closed


def default_size(available: QSize) -> tuple[int, int]:
    """The first-start window size: DEFAULT_SIZE, smaller on a smaller screen (the frame included)."""
    width = min(DEFAULT_SIZE[0], max(available.width() - 16, 640))
    height = min(DEFAULT_SIZE[1], max(available.height() - TITLE_BAR, 480))
    return width, height


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "app.png")))


class MainWindow(QMainWindow):
    def __init__(
        self,
        workspace: Workspace,
        *,
        settings: Settings | None = None,
        paths: AppPaths | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.settings = settings if settings is not None else Settings()
        self.paths = paths if paths is not None else AppPaths.default()
        self.setWindowIcon(app_icon())

        self.tabs = TabWidget()  # repaints itself only when its layout changes (not per keystroke)
        self.tabs.setDocumentMode(True)
        self.tab_widgets: list[QWidget] = []
        for title, cls in TABS:
            widget = self._make_tab(cls, title)
            self.tab_widgets.append(widget)
            if isinstance(widget, OverviewTab):
                widget.open_place.connect(self.open_place)
            self.tabs.addTab(widget, title)
        self.damaged_banner: DamagedBanner | None = None
        if workspace.db.damaged:
            self.damaged_banner = DamagedBanner(self)
            central = QWidget()
            column = QVBoxLayout(central)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self.damaged_banner)
            column.addWidget(self.tabs, 1)
            self.setCentralWidget(central)
        else:
            self.setCentralWidget(self.tabs)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            keyboard.install(app)
        for view in self.findChildren(QAbstractItemView):
            keyboard.leave_on_tab(view)

        self._build_menus()
        for widget in self.tab_widgets:  # tabs may add their own items to **Dữ liệu**
            add_data_actions = getattr(widget, "add_data_menu_actions", None)
            if add_data_actions is not None:
                add_data_actions(self.menu_data)
        self.commune_label = QLabel()
        self.file_label = QLabel()
        self.file_label.setEnabled(False)
        self.statusBar().addWidget(self.commune_label, 1)
        self.statusBar().addPermanentWidget(self.file_label)
        self.statusBar().messageChanged.connect(self._message_changed)

        workspace.changed.connect(self.on_changes)
        workspace.notice.connect(self.show_notice)  # a bound method: see switch_to
        workspace.busy_changed.connect(self._on_busy)
        self.refresh_status()
        self._restore_window()
        self.settings.set(LAST_DATABASE, str(workspace.path))

    def _make_tab(self, cls: Callable[..., QWidget], title: str) -> QWidget:
        """A tab; on a damaged file a tab whose data SQLite cannot read says so instead of crashing."""
        if not self.workspace.db.damaged:
            return cls(self.workspace, self)
        try:
            return cls(self.workspace, self)
        except Exception as exc:  # the damaged page can be anywhere
            known = errors.known_error(exc)
            if known is exc:
                raise
            label = QLabel(
                f"Không đọc được dữ liệu của thẻ «{title}» vì tệp dữ liệu bị hỏng ({known}).\n"
                "Hãy khôi phục bản sao lưu tốt gần nhất (dải cảnh báo phía trên)."
            )
            label.setWordWrap(True)
            return label

    # -- menus -------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("&Tệp")
        self.menu_data = bar.addMenu("&Dữ liệu")
        self.menu_reports = bar.addMenu("&Báo cáo")
        self.menu_help = bar.addMenu("Trợ &giúp")

        self.action_open = self._action(
            self.menu_file, "Mở tệp dữ liệu…", self.choose_file, QKeySequence.StandardKey.Open
        )
        self.action_open_demo = self._action(self.menu_file, "Mở xã mẫu", self.open_demo)
        self.action_open_office = self._action(self.menu_file, "Mở tệp cơ quan tiếp nhận…", self.open_office)
        self.menu_file.addSeparator()
        self.action_commune = self._action(self.menu_file, "Thông tin xã…", self.edit_commune)
        self.action_villages = self._action(self.menu_file, "Thôn, tổ dân phố…", self.edit_villages)
        self.action_users = self._action(self.menu_file, "Người dùng…", self.show_users)
        self.menu_file.addSeparator()
        self.action_backup = self._action(self.menu_file, "Sao lưu ra USB…", self.show_backup)
        self.action_restore = self._action(self.menu_file, "Khôi phục từ bản sao lưu…", lambda: self.show_restore())
        self.menu_file.addSeparator()
        self.action_quit = self._action(self.menu_file, "Thoát", self.close, QKeySequence.StandardKey.Quit)

        self.action_undo = self.workspace.undo_stack.createUndoAction(self, "Hoàn tác")
        self.action_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.action_redo = self.workspace.undo_stack.createRedoAction(self, "Làm lại")
        # Ctrl+Y as the status bar says, on every system (Qt's Redo is Ctrl+Shift+Z on Linux); both work
        self.action_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.menu_data.addAction(self.action_undo)
        self.menu_data.addAction(self.action_redo)
        self.menu_data.addSeparator()
        self.action_data_folder = self._action(self.menu_data, "Mở thư mục chứa tệp dữ liệu", self.open_data_folder)
        self.action_audit = self._action(self.menu_data, "Nhật ký thay đổi…", self.show_audit)
        self.action_undo_import = self._action(
            self.menu_data, "Hoàn tác lần nhập danh sách gần nhất…", self.undo_last_import
        )
        self.action_check_file = self._action(
            self.menu_data, "Kiểm tra toàn bộ tệp dữ liệu (cấu trúc SQLite)", self.check_file
        )
        self.action_refresh = self._action(
            self.menu_data, "Làm mới", self.refresh_all, QKeySequence.StandardKey.Refresh
        )

        self.action_print = self._action(self.menu_reports, "In báo cáo đang xem…", self.print_report, "Ctrl+P")
        self.action_exports_folder = self._action(
            self.menu_reports, "Mở thư mục báo cáo đã xuất", lambda: self._open_folder(self.paths.exports)
        )

        self.action_guide = self._action(
            self.menu_help, "Hướng dẫn sử dụng", self.show_guide, QKeySequence.StandardKey.HelpContents
        )
        self.action_shortcuts = self._action(self.menu_help, "Phím tắt", self.show_shortcuts)
        self.menu_help.addSeparator()
        self.action_logs = self._action(
            self.menu_help, "Mở thư mục nhật ký lỗi", lambda: self._open_folder(self.paths.logs)
        )
        self.action_about = self._action(self.menu_help, "Giới thiệu", self.show_about)

    def _action(self, menu: Any, text: str, slot: Callable[[], Any], shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -- status ------------------------------------------------------------
    def refresh_status(self) -> None:
        db = self.workspace.db
        name = commune.get_commune(db).name if commune.has_commune(db) else "(chưa khai báo xã)"
        count = count_households(db)
        actor = self.workspace.actor
        user = f" — {actor.full_name or actor.username}" if actor.user_id is not None else ""
        state = " (chỉ xem — tệp hỏng)" if db.damaged else " (chỉ xem)" if db.read_only else ""
        self.setWindowTitle(f"{APP_NAME} — {name}{user}{state}")
        self.commune_label.setText(f"{name[:1].upper()}{name[1:]} · {_number(count)} hộ")
        self.file_label.setText(str(self.workspace.path))

    def show_notice(self, text: str) -> None:
        """A confirmation in the status bar, read whole: the file's path steps aside while it shows.

        A text still wider than the bar keeps its start and its end (the way back, "Hoàn tác
        (Ctrl+Z)") around "…"; the whole text is the bar's tooltip.
        """
        bar = self.statusBar()
        self.file_label.hide()
        room = bar.contentsRect().width() - 24  # the message's margin and the size grip
        metrics = bar.fontMetrics()
        if bar.isVisible() and room > 0 and metrics.horizontalAdvance(text) > room:
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, room)
        else:
            shown = text
        bar.setToolTip(text)
        bar.showMessage(shown, STATUS_MS)

    def _message_changed(self, text: str) -> None:
        self.file_label.setVisible(not text)
        if not text:
            self.statusBar().setToolTip("")

    def on_changes(self, changes: Changes) -> None:
        for widget in self.tab_widgets:
            handler = getattr(widget, "on_changes", None)
            if handler is not None:
                handler(changes)
        if changes.commune or changes.rows_added_or_removed or changes.households:
            self.refresh_status()

    def _on_busy(self, busy: bool) -> None:
        for action in (self.action_open, self.action_open_demo, self.action_commune, self.action_villages):
            action.setEnabled(not busy)

    # -- actions -------------------------------------------------------------
    def choose_file(self) -> None:
        folder = self.settings.get(LAST_OPEN_FOLDER) or str(self.workspace.path.parent)
        name, _ = QFileDialog.getOpenFileName(self, "Mở tệp dữ liệu", folder, FILE_FILTER)
        if not name:
            return
        self.settings.set(LAST_OPEN_FOLDER, str(Path(name).parent))
        self.switch_to(Path(name))

    def open_office(self) -> None:
        """Open (or create) a receiving office's file in its own window."""
        from ui.office.office_window import open_office_window

        folder = self.settings.get(LAST_OPEN_FOLDER) or str(self.workspace.path.parent)
        name, _ = QFileDialog.getSaveFileName(
            self, "Mở hoặc tạo tệp cơ quan tiếp nhận", str(Path(folder) / "noi-nhan.sqlite"), FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if name:
            open_office_window(Path(name), self, new=True)

    def switch_to(self, path: Path) -> QMainWindow | None:
        """Open ``path`` in a new window and close this one (a window shows one file)."""
        if path.resolve() == self.workspace.path.resolve():
            return self
        window = open_window(path, settings=self.settings, paths=self.paths, parent_for_errors=self)
        if window is not None and self.close():
            # freed by Qt at a safe point: closed, this window stayed with its file's lists (13 MB at
            # 50,000 households) as its actions' slots hold it from the C++ side. Slots on the
            # workspace's signals are bound methods: a lambda naming the window, held there where
            # Python's collector cannot see it, kept the deleted window's tabs and lists
            self.deleteLater()
        return window

    def open_demo(self) -> None:
        def ready(path: Path) -> None:
            self.switch_to(path)

        ensure_demo(self.workspace.runner, self.paths.demo_database, parent=self, on_ready=ready)

    def edit_commune(self) -> None:
        """Thông tin xã; what it saved (or a dated change it took back) is undone with Ctrl+Z."""
        db = self.workspace.db
        before = commune_state.capture(db)
        dialog = FirstRunDialog(db, first_run=False, parent=self)
        dialog.exec()
        if dialog.changes is None:  # neither saved nor a dated change taken back before “Hủy”
            return
        after = commune_state.capture(db)
        added = len({v["id"] for v in after.villages} - {v["id"] for v in before.villages})
        record_write(
            self.workspace,
            "sửa thông tin xã" + (f", thêm {added} thôn/tổ" if added else ""),
            dialog.changes,
            undo=lambda: commune_state.restore(db, before),
            redo=lambda: commune_state.restore(db, after),
        )

    def edit_villages(self) -> None:
        from ui.dialogs.villages_dialog import VillagesDialog

        VillagesDialog(self.workspace, self).exec()

    def show_users(self) -> None:
        from ui.dialogs.users_dialog import UsersDialog

        dialog = UsersDialog(self.workspace.db, self)
        dialog.exec()
        if dialog.changes is not None:
            self.workspace.broadcast(dialog.changes)

    def show_backup(self) -> None:
        from ui.dialogs.backup_dialog import BackupDialog

        dialog = BackupDialog(self.workspace, self)
        dialog.copied.connect(lambda _copy: self.overview().refresh())  # the home tab's "Sao lưu" box
        dialog.exec()

    def overview(self) -> OverviewTab:
        return next(tab for tab in self.tab_widgets if isinstance(tab, OverviewTab))

    def show_restore(self, preselect: Path | None = None) -> QMainWindow | None:
        """The whole flow from the menu: dialog, close this file, restore, reopen in a new window."""
        from ui.dialogs.restore_dialog import RestoreDialog

        window, workspace = self, self.workspace
        try:
            workspace.db.require(Permission.RESTORE)
        except DomainError as exc:
            errors.show_error(window, exc)
            return None
        if workspace.busy:
            QMessageBox.information(window, "Đang xử lý", "Hãy đợi thao tác đang chạy xong rồi khôi phục.")
            return None
        dialog = RestoreDialog(workspace.path, window, preselect=preselect)
        if not dialog.exec() or dialog.chosen is None:
            return None
        path, actor, chosen = workspace.path, workspace.actor, dialog.chosen
        window.save_window()
        workspace.close()  # no automatic copy: restore keeps its own safety copy
        safety: Path | None = None
        failure: BaseException | None = None
        try:
            safety = backup.restore(chosen, path, actor=actor)
        except Exception as exc:  # the file is untouched; reopen it either way
            failure = exc
        new = open_window(path, settings=window.settings, paths=window.paths, parent_for_errors=window)
        if window in _windows:
            _windows.remove(window)
        window.hide()
        window.deleteLater()
        parent = new if new is not None else None
        if failure is not None:
            errors.show_error(parent, failure, title="Chưa khôi phục được")
        else:
            where = f"\n\nBản an toàn của dữ liệu trước khi khôi phục:\n{safety}" if safety else ""
            if isinstance(new, MainWindow):  # said where every write is confirmed; the way back is the safety copy
                back = " — muốn quay lại: Tệp › Khôi phục, bản “trước khi khôi phục”" if safety else ""
                new.workspace.confirm(f"khôi phục dữ liệu từ bản sao lưu {file_label(chosen)}{back}", undoable=False)
            QMessageBox.information(parent, "Đã khôi phục", f"Đã khôi phục dữ liệu từ “{chosen.name}”.{where}")
        return new

    def check_file(self) -> None:
        """SQLite's full check of the open file, in the background; the verdict in plain words."""
        path = self.workspace.path

        def work(ctx: TaskContext) -> FileHealth:
            return check_file(path, full=True)

        def done(health: FileHealth) -> None:
            if health.ok:
                QMessageBox.information(
                    self,
                    "Tệp dữ liệu nguyên vẹn",
                    f"SQLite đã kiểm tra toàn bộ tệp {path.name} trong {health.seconds:.1f} giây: không có chỗ hỏng.",
                )
            else:
                QMessageBox.warning(
                    self,
                    "Tệp dữ liệu bị hỏng",
                    f"SQLite tìm thấy chỗ hỏng trong tệp {path.name}. Đừng ghi thêm vào tệp; hãy lưu một bản của "
                    "tệp hỏng và khôi phục từ bản sao lưu tốt gần nhất (Tệp → Khôi phục từ bản sao lưu…).\n\n"
                    f"Chi tiết kỹ thuật: {health.detail[:300]}",
                )

        self.workspace.run_task(work, title="Kiểm tra tệp dữ liệu", writes=False, parent=self, on_done=done)

    def last_import_backup(self) -> Path | None:
        """The automatic copy made just before the last list import (None if there is none)."""
        from giamngheo_desktop.paths import backups_dir_for

        copies = backup.list_backups(backups_dir_for(self.workspace.path), self.workspace.path.stem)
        return next((c for c in copies if "-import-" in c.name), None)

    def undo_last_import(self) -> QMainWindow | None:
        """Restore the copy made before the last import, after the restore window shows what it replaces."""
        made = self.last_import_backup()
        if made is None:
            QMessageBox.information(
                self, "Hoàn tác lần nhập", "Chưa có lần nhập danh sách nào có bản sao lưu trước khi nhập."
            )
            return None
        return self.show_restore(preselect=made)

    def show_audit(self) -> None:
        from ui.dialogs.audit_dialog import AuditDialog

        AuditDialog(self.workspace.db, self).exec()

    def show_guide(self) -> None:
        from ui.help import open_guide

        open_guide(self)

    def shortcuts_dialog(self) -> QDialog:
        from ui.help import ShortcutsDialog, shortcut_rows

        return ShortcutsDialog(shortcut_rows(self.findChildren(QAction)), self)

    def show_shortcuts(self) -> None:
        self.shortcuts_dialog().exec()

    def show_about(self) -> None:
        AboutDialog(self.workspace, self).exec()

    def open_place(self, place: str) -> None:
        """A link of the Tổng quan tab: show the tab where that part is dealt with, and start there."""
        if place == "backup":
            self.show_backup()
            return
        title = {
            "register": "Hộ gia đình",
            "import": "Hộ gia đình",
            "checks": "Hộ gia đình",
            "review": "Rà soát",
            "requests": "Rà soát",
            "plan": "Hỗ trợ",
            "reports": "Báo cáo",
        }.get(place)
        index = next((i for i in range(self.tabs.count()) if self.tabs.tabText(i) == title), -1)
        if index < 0:
            return
        self.tabs.setCurrentIndex(index)
        widget: Any = self.tab_widgets[index]  # the tab named by ``place``
        if place == "import":
            widget.import_list()
        elif place == "checks":
            widget.show_checks()
        elif place == "requests" and hasattr(widget, "show_requests"):
            widget.show_requests()
        elif place == "plan" and hasattr(widget, "side"):
            widget.side.setCurrentRow(len(widget.pages) - 1)

    def refresh_all(self) -> None:
        """F5: every tab reads the file again (another officer may have changed it from the CLI)."""
        self.workspace.broadcast(EVERYTHING)
        self.show_notice("Đã làm mới dữ liệu từ tệp.")

    def print_report(self) -> None:
        """Ctrl+P: print the report shown on the Báo cáo tab (or say how to get one)."""
        reports = next((w for w in self.tab_widgets if isinstance(w, ReportsTab)), None)
        if reports is None:
            return
        self.tabs.setCurrentWidget(reports)
        if reports.model.report is None:
            self.show_notice("Chọn biểu và kỳ rồi bấm «Lập báo cáo» trước khi in.")
            reports.build_button.setFocus()
            return
        reports.print_report()

    def open_data_folder(self) -> None:
        self._open_folder(self.workspace.path.parent)

    def _open_folder(self, folder: Path) -> None:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- window state ----------------------------------------------------------
    def _restore_window(self) -> None:
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(*default_size(self.screen().availableGeometry().size()))
        else:  # a window saved on a bigger screen must still fit this one
            room = self.screen().availableGeometry()
            if self.width() > room.width() or self.height() > room.height() - TITLE_BAR:
                self.resize(*default_size(room.size()))
        state = self.settings.get(WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)

    def save_window(self) -> None:
        self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(WINDOW_STATE, self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.workspace.busy:
            answer = QMessageBox.question(
                self,
                "Đang xử lý",
                "Một thao tác ghi dữ liệu đang chạy. Đợi thao tác đó xong rồi đóng cửa sổ?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_window()
        self.workspace.close(backup=True)
        if self in _windows:
            _windows.remove(self)
        super().closeEvent(event)


class DamagedBanner(QFrame):
    """Shown over the tabs when the file failed SQLite's check at open: it is read-only, and the
    newest good backup (named, dated, with what it holds) is offered, as is keeping the damaged file."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        db = window.workspace.db
        self.setObjectName("damagedBanner")
        self.setStyleSheet("#damagedBanner { background: #fdecea; border-bottom: 2px solid #b00020; }")
        self.newest = backup.newest_good_backup(db.path)
        detail = db.health.detail if db.health is not None else ""
        text = (
            f"<b>Tệp dữ liệu {db.path.name} bị hỏng</b>: SQLite tìm thấy chỗ hỏng trong cấu trúc tệp. "
            "Tệp chỉ được mở để xem; mọi thay đổi đều bị từ chối để không làm hỏng thêm. "
        )
        self.setToolTip(f"Chi tiết kỹ thuật (SQLite): {detail[:400]}")
        if self.newest is not None:
            n = self.newest
            text += (
                f"<br>Bản sao lưu tốt gần nhất: <b>{html.escape(n.path.name)}</b> — tệp lúc "
                f"{when(n.modified)}, thay đổi mới nhất {when(n.newest_change)}; "
                f"{_number(n.counts.get('household', 0))} hộ, {_number(n.counts.get('member', 0))} nhân khẩu."
            )
        else:
            text += "<br>Không tìm thấy bản sao lưu tốt nào bên cạnh tệp; hãy tìm bản trên USB."
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.save_button = QPushButton("Lưu một bản của tệp hỏng…")
        self.save_button.clicked.connect(self.save_copy)
        self.restore_button = QPushButton(
            "Khôi phục bản sao lưu này…" if self.newest is not None else "Khôi phục từ bản sao lưu…"
        )
        self.restore_button.clicked.connect(self.restore)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.restore_button)

    def save_copy(self) -> None:
        path = self.window_.workspace.path
        folder = QFileDialog.getExistingDirectory(self, "Chọn nơi lưu bản của tệp hỏng", str(path.parent))
        if not folder:
            return
        try:
            saved = backup.save_file_copy(path, Path(folder))
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        QMessageBox.information(self, "Đã lưu", f"Đã lưu nguyên trạng tệp hỏng vào:\n{saved}")

    def restore(self) -> None:
        self.window_.show_restore(preselect=self.newest.path if self.newest is not None else None)


# -- opening files ---------------------------------------------------------------
def first_run(workspace: Workspace, parent: QWidget | None = None) -> str:
    """'commune' (the file has a commune), 'office' (the officer chose "Cơ quan tiếp nhận") or '' (quit)."""
    if commune.has_commune(workspace.db):
        return "commune"
    dialog = FirstRunDialog(workspace.db, first_run=True, parent=parent)
    accepted = bool(dialog.exec())
    if getattr(dialog, "office_chosen", False):
        return "office"
    return "commune" if accepted else ""


def open_window(
    path: Path,
    *,
    settings: Settings | None = None,
    paths: AppPaths | None = None,
    runner: TaskRunner | None = None,
    parent_for_errors: QWidget | None = None,
) -> QMainWindow | None:
    """Open ``path`` (first-run dialog if needed) in a new, shown window; None if refused or failed.

    A receiving office's file opens in the office's window (``ui/office``), as does a new file
    for which the officer chose "Cơ quan tiếp nhận" at first run.
    """
    from ui.office.office_window import open_office_window

    try:
        kind = office_service.file_kind(path)
    except Exception:  # opening says what is wrong with it
        kind = "commune"
    if kind == "office":
        return open_office_window(path, parent_for_errors)
    try:
        workspace = Workspace.open(path, runner=runner)
    except Exception as exc:
        errors.show_error(parent_for_errors, exc, title="Không mở được tệp dữ liệu")
        return None
    set_up_now = not commune.has_commune(workspace.db)
    use = first_run(workspace, parent_for_errors)
    if use == "office":
        workspace.close()
        try:
            office_service.make_office_of_new_file(path)
        except Exception as exc:
            errors.show_error(parent_for_errors, exc, title="Không tạo được tệp cơ quan tiếp nhận")
            return None
        return open_office_window(path, parent_for_errors)
    if not use:
        workspace.close()
        return None
    from ui.dialogs.login_dialog import ensure_login

    name = commune.get_commune(workspace.db).name if commune.has_commune(workspace.db) else ""
    if not ensure_login(workspace.db, commune_name=name, parent=parent_for_errors):
        workspace.close()
        return None
    import getpass

    from giamngheo_desktop.services import users

    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no login name on this computer
        os_user = ""
    actor = users.start_actor(workspace.db, os_user=os_user)
    if actor is not None:  # login off: the history names the computer's user, not "he-thong"
        workspace.db.set_actor(actor)
    window = MainWindow(workspace, settings=settings, paths=paths)
    _windows.append(window)
    window.show()
    if set_up_now:  # the first-run form was just saved: say so where every write is confirmed
        villages = commune.list_villages(workspace.db)
        workspace.confirm(f"thông tin {name} và {len(villages)} thôn, tổ dân phố", undoable=False)
    return window


def _build_demo(ctx: TaskContext, path: Path) -> Path:
    """Worker: generate the demo commune into ``<path>.part``, then move it into place."""
    from giamngheo_desktop.services import demo

    part = path.with_name(path.name + ".part")
    leftovers = (part, part.with_name(part.name + "-wal"), part.with_name(part.name + "-shm"))

    def clean() -> None:
        for leftover in leftovers:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()

    def progress(done: int, total: int) -> None:
        ctx.progress(done, total)
        if ctx.cancelled():
            raise Cancelled()

    clean()
    db = open_session(part)
    try:
        demo.generate(db, households=DEMO_HOUSEHOLDS, seed=DEMO_SEED, progress=progress)
        try:  # closed 2025 and 2026 rounds, so the reports have movement to show
            demo.add_review_history(db)
        except DomainError as exc:  # the demo still opens without its history
            logging.getLogger(__name__).warning("demo review history not added: %s", exc)
    except BaseException:
        db.close()
        clean()  # a cancelled or failed generation leaves nothing behind
        raise
    db.close()
    os.replace(part, path)
    return path


def ensure_demo(
    runner: TaskRunner,
    path: Path,
    *,
    parent: QWidget | None,
    on_ready: Callable[[Path], None],
    on_gave_up: Callable[[], None] | None = None,
) -> None:
    """Call ``on_ready(path)`` once the demo commune exists, generating it in the background if missing.

    ``on_gave_up()`` runs after a cancel or a failure (once the message was shown).
    """
    if path.exists():
        on_ready(path)
        return

    def failed(exc: BaseException) -> None:
        if isinstance(exc, NotImplementedError):
            QMessageBox.information(parent, "Xã mẫu", "Phiên bản này chưa có bộ tạo xã mẫu.")
        elif not isinstance(exc, Cancelled):
            errors.show_error(parent, exc, title="Không tạo được xã mẫu")
        if on_gave_up is not None:
            on_gave_up()

    path.parent.mkdir(parents=True, exist_ok=True)
    runner.start(
        lambda ctx: _build_demo(ctx, path),
        title=f"Đang tạo xã mẫu ({_number(DEMO_HOUSEHOLDS)} hộ)…",
        db_path=None,
        writes=True,
        on_done=on_ready,
        on_failed=failed,
        parent=parent,
    )
