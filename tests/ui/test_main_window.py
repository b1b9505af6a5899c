"""The main window on a database, the first-run dialog, the crash dialog and background tasks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from giamngheo_desktop.domain.errors import StorageUnavailable
from giamngheo_desktop.services import commune
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.session import open_session
from giamngheo_desktop.storage.connection import Database
from tests.sample_data import SAMPLE_HOUSEHOLDS
from tests.ui.widgets import cell, tab_of, type_text
from ui import errors
from ui.dialogs.first_run_dialog import FirstRunDialog
from ui.main_window import TABS, MainWindow, open_window
from ui.settings import WINDOW_GEOMETRY, Settings
from ui.tabs.households_tab import HouseholdsTab
from ui.tasks import Task, TaskContext, TaskRunner
from ui.workspace import Workspace


def test_main_window_shows_the_commune_and_its_households(
    qtbot: QtBot, workspace: Workspace, settings: Settings
) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Giảm nghèo Desktop — xã Tân Lập"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Tổng quan",
        "Hộ gia đình",
        "Rà soát",
        "Hỗ trợ",
        "Báo cáo",
    ]
    assert [a.text() for a in window.menuBar().actions()] == ["&Tệp", "&Dữ liệu", "&Báo cáo", "Trợ &giúp"]
    assert "Thông tin xã…" in [a.text() for a in window.menu_file.actions()]
    households = tab_of(window, HouseholdsTab)
    assert households.model.rowCount() == SAMPLE_HOUSEHOLDS
    assert households.model.index(0, 1).data() == "Nguyễn Văn Đức"
    assert window.commune_label.text() == f"Xã Tân Lập · {SAMPLE_HOUSEHOLDS} hộ"


def test_opening_another_file_leaves_nothing_of_the_first_in_memory(
    qtbot: QtBot, sample_path: Path, tmp_path: Path, settings: Settings
) -> None:
    """The window of the file left is deleted with its tabs and the register's lists: it stayed
    (its actions' slots and a lambda on the workspace's signal hold it from the C++ side, where
    Python's collector cannot see them), 13 MB at 50,000 households for each file opened."""
    import gc
    import shutil
    import weakref

    from PySide6.QtCore import QEvent

    other = tmp_path / "khac.sqlite"
    shutil.copyfile(sample_path, other)
    window = open_window(sample_path, settings=settings)
    assert isinstance(window, MainWindow)
    gone: list[weakref.ref[object]] = [
        weakref.ref(window),
        weakref.ref(tab_of(window, HouseholdsTab).model),
        weakref.ref(window.workspace),
    ]
    new = window.switch_to(other)
    assert isinstance(new, MainWindow) and new is not window
    qtbot.addWidget(new)
    del window
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what the event loop does next
    gc.collect()
    assert [ref() is None for ref in gone] == [True, True, True]
    assert tab_of(new, HouseholdsTab).model.rowCount() == SAMPLE_HOUSEHOLDS


def test_status_bar_follows_changes(qtbot: QtBot, workspace: Workspace, settings: Settings) -> None:
    from tests.sample_data import populate

    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    populate(workspace.db, 2000)
    workspace.broadcast(Changes(rows_added_or_removed=True))
    assert window.commune_label.text() == f"Xã Tân Lập · {SAMPLE_HOUSEHOLDS + 2000:,} hộ".replace(",", ".")
    assert tab_of(window, HouseholdsTab).model.rowCount() == SAMPLE_HOUSEHOLDS + 2000


def test_a_long_confirmation_is_read_whole_with_its_way_back(
    qtbot: QtBot, workspace: Workspace, settings: Settings
) -> None:
    """At 1366 px the file's path no longer covers the end of a confirmation ("— Hoàn tác (Ctrl+Z)")."""
    from ui.main_window import TITLE_BAR

    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    window.resize(1366, 728 - TITLE_BAR)
    window.show()
    qtbot.waitExposed(window)
    bar = window.statusBar()
    meeting = (
        "họp thôn Thôn Bãi Sậy ngày 07/12/2026: 0/1 người đồng ý = 0,0 % — CHƯA ĐẠT (cần ít nhất 50 %): "
        "hộ của thôn phải rà soát lại"
    )
    workspace.confirm(meeting)
    text = bar.currentMessage()
    assert text.endswith("— Hoàn tác (Ctrl+Z)"), text
    free = bar.width() - (window.file_label.width() if window.file_label.isVisible() else 0) - 24
    assert bar.fontMetrics().horizontalAdvance(text) <= free, (text, free)
    assert bar.toolTip().startswith("Đã ghi: họp thôn")
    workspace.confirm("x" * 400 + " cuối")  # wider than any screen: both ends are kept
    text = bar.currentMessage()
    assert text.startswith("Đã ghi: xxx") and "…" in text and text.endswith("Hoàn tác (Ctrl+Z)"), text
    bar.clearMessage()
    assert window.file_label.isVisible() and bar.toolTip() == ""  # the path is back once the message is gone


def test_window_geometry_is_kept(qtbot: QtBot, workspace: Workspace, settings: Settings) -> None:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    window.resize(700, 500)
    window.save_window()
    assert not settings.get(WINDOW_GEOMETRY).isEmpty()
    again = MainWindow(workspace, settings=settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)


def test_every_tab_takes_the_workspace_and_receives_changes(qtbot: QtBot, workspace: Workspace) -> None:
    tabs = []
    for _title, cls in TABS:
        tab = cls(workspace)
        qtbot.addWidget(tab)
        tabs.append(tab)
    changes = commune.add_village(workspace.db, commune.VillageInput(name="Thôn Mới Lập"))
    for tab in tabs:
        on_changes = getattr(tab, "on_changes", None)  # each tab of TABS refreshes itself
        assert on_changes is not None, type(tab).__name__
        on_changes(changes)
    households = next(t for t in tabs if isinstance(t, HouseholdsTab))
    combo = households.village_combo
    assert "Thôn Mới Lập" in [combo.itemText(i) for i in range(combo.count())]  # the new village is offered


def _fill(dialog: FirstRunDialog, code: str) -> None:
    type_text(dialog.name, "xã Hòa Bình")
    type_text(dialog.code, code)
    type_text(dialog.province, "Hà Tĩnh")
    type_text(dialog.receiving_office, "Sở Nông nghiệp và Môi trường")
    cell(dialog.villages, 0, 0).setText("Thôn Đông")
    dialog.add_village("Tổ dân phố 1", "to_dan_pho")


def test_first_run_refuses_a_four_digit_code(qtbot: QtBot, empty_db: Database) -> None:
    dialog = FirstRunDialog(empty_db, first_run=True)
    qtbot.addWidget(dialog)
    _fill(dialog, "1234")
    dialog.save()
    assert dialog.result() == 0
    assert dialog.errors["code"].isVisibleTo(dialog)
    assert "phải gồm đúng 5 chữ số" in dialog.errors["code"].text()
    assert not commune.has_commune(empty_db)


def test_first_run_lists_village_problems(qtbot: QtBot, empty_db: Database) -> None:
    dialog = FirstRunDialog(empty_db, first_run=True)
    qtbot.addWidget(dialog)
    _fill(dialog, "12345")
    dialog.add_village("thôn đông")
    dialog.save()
    assert "trùng tên" in dialog.village_errors.text()
    assert not commune.has_commune(empty_db)


def test_first_run_saves_a_valid_commune(qtbot: QtBot, empty_db: Database) -> None:
    dialog = FirstRunDialog(empty_db, first_run=True)
    qtbot.addWidget(dialog)
    _fill(dialog, "12345")
    dialog.save()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    saved = commune.get_commune(empty_db)
    assert (saved.name, saved.code, saved.province) == ("xã Hòa Bình", "12345", "Hà Tĩnh")
    assert [(v.name, v.kind) for v in commune.list_villages(empty_db)] == [
        ("Đông", "thon"),  # "Thôn Đông" typed: the kind's word is the kind
        ("Tổ dân phố 1", "to_dan_pho"),  # a number keeps its word
    ]


def test_settings_dialog_adds_villages_but_keeps_existing(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = FirstRunDialog(workspace.db, first_run=False)
    qtbot.addWidget(dialog)
    assert dialog.code.text() == "01234"
    dialog.villages.setCurrentCell(0, 0)
    assert not dialog.remove_button.isEnabled()
    dialog.add_village("Thôn Mới")
    dialog.save()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    assert [v.name for v in commune.list_villages(workspace.db)][-1] == "Mới"  # typed "Thôn Mới": kind thôn
    assert dialog.changes is not None and dialog.changes.commune


def test_commune_kind_and_code_change_from_a_date_in_the_settings_dialog(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QDate

    dialog = FirstRunDialog(workspace.db, first_run=False)
    qtbot.addWidget(dialog)
    assert dialog.history.rowCount() == 1 and cell(dialog.history, 0, 0).text() == "Từ đầu"
    assert cell(dialog.history, 0, 3).text() == "Xã, nông thôn"
    dialog.kind.setCurrentIndex(dialog.kind.findData("phuong"))  # a phường is urban: the area follows
    assert dialog.area_type.currentData() == "urban"
    dialog.name.setText("phường Tân Lập")
    dialog.code.setText("04321")
    dialog.identity_from.setDate(QDate(2025, 7, 1))
    dialog.save()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    assert commune.commune_at(workspace.db, "2025-06-30").kind == "xa"
    assert commune.commune_at(workspace.db, "2025-07-01").code == "04321"
    again = FirstRunDialog(workspace.db, first_run=False)
    qtbot.addWidget(again)
    rows = [[cell(again.history, r, c).text() for c in range(4)] for r in range(again.history.rowCount())]
    assert rows == [
        ["Từ đầu", "01234", "xã Tân Lập", "Xã, nông thôn"],
        ["01/07/2025", "04321", "phường Tân Lập", "Phường, thành thị"],
    ]
    assert again.name.text() == "phường Tân Lập" and again.area_type.currentData() == "urban"
    # the change was a mistake: take it back (not the first entry)
    again.history.selectRow(0)
    assert not again.remove_change_button.isEnabled()
    again.history.selectRow(1)
    assert again.remove_change_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    again.remove_change()
    assert again.history.rowCount() == 1 and again.name.text() == "xã Tân Lập"
    assert again.area_type.currentData() == "rural" and again.changes is not None
    assert commune.commune_at(workspace.db, "2025-07-01").code == "01234"


def test_cancel_on_first_run_opens_nothing(
    qtbot: QtBot, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FirstRunDialog, "exec", lambda self: 0)
    assert open_window(tmp_path / "new.sqlite", settings=settings) is None


def test_a_known_error_is_a_plain_message(qtbot: QtBot, message_boxes: list[str]) -> None:
    errors.show_error(None, StorageUnavailable("Tệp dữ liệu đang được một chương trình khác sử dụng."))
    assert message_boxes == ["Tệp dữ liệu đang được một chương trình khác sử dụng."]


def test_crash_dialog_shows_details_and_writes_a_log(
    qtbot: QtBot, data_dir: Path, crash_dialogs: list[errors.CrashDialog]
) -> None:
    errors.setup_logging(data_dir / "logs")
    try:
        raise ZeroDivisionError("chia cho 0")
    except ZeroDivisionError as exc:
        errors._excepthook(type(exc), exc, exc.__traceback__)
    assert len(crash_dialogs) == 1
    dialog = crash_dialogs[0]
    assert dialog.windowTitle() == "Đã xảy ra lỗi không mong muốn"
    assert "ZeroDivisionError: chia cho 0" in dialog.details
    assert not dialog.details_view.isVisibleTo(dialog)
    dialog.toggle_button.click()
    assert dialog.details_view.isVisibleTo(dialog)
    dialog.copy_button.click()
    assert "ZeroDivisionError" in QApplication.clipboard().text()
    logs = list((data_dir / "logs").glob("crash-*.log"))
    assert len(logs) == 1
    assert "ZeroDivisionError: chia cho 0" in logs[0].read_text(encoding="utf-8")
    assert str(logs[0]) in dialog.message.text()


def test_background_task_uses_its_own_connection_and_reports_progress(qtbot: QtBot, sample_path: Path) -> None:
    runner = TaskRunner()
    workspace = Workspace.open(sample_path, runner=runner)
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(ctx: TaskContext) -> int:
        seen["thread"] = threading.get_ident()
        seen["own connection"] = ctx.db is not workspace.db
        for step in range(3):
            ctx.progress(step + 1, 3)
        return ctx.db.scalar("SELECT count(*) FROM household")

    results: list[object] = []
    task = workspace.run_task(work, title="Đang đếm", on_done=results.append, writes=True)
    progress: list[tuple[int, int]] = []
    task.progress.connect(lambda d, t: progress.append((d, t)))
    assert workspace.busy
    qtbot.waitUntil(lambda: results != [], timeout=5000)
    assert results == [SAMPLE_HOUSEHOLDS]
    assert seen["thread"] != gui_thread and seen["own connection"] is True
    assert not workspace.busy
    workspace.close()


def test_cancel_sets_the_event_seen_by_the_task(qtbot: QtBot, sample_path: Path) -> None:
    from ui.tasks import Cancelled

    workspace = Workspace.open(sample_path, runner=TaskRunner())
    started = threading.Event()

    def work(ctx: TaskContext) -> None:
        started.set()
        while not ctx.cancelled():
            threading.Event().wait(0.01)
        raise Cancelled()

    failures: list[BaseException] = []
    task = workspace.run_task(work, title="Đang chờ", writes=False, on_failed=failures.append)
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert failures == []  # a cancel is not an error
    workspace.close()


@pytest.mark.parametrize("flag", ["--self-test"])
def test_self_test_exits_zero(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.app import run

    assert run(["main.py", flag]) == 0
    assert "SELF-TEST OK" in capsys.readouterr().out


def test_open_window_reports_a_file_that_is_not_ours(
    qtbot: QtBot, tmp_path: Path, settings: Settings, message_boxes: list[str]
) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    assert open_window(bad, settings=settings) is None
    assert message_boxes and "không phải là tệp dữ liệu" in message_boxes[0]


def test_opening_a_new_file_then_setting_up_the_commune(
    qtbot: QtBot, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def accept(self: FirstRunDialog) -> int:
        _fill(self, "54321")
        self.save()
        return self.result()

    monkeypatch.setattr(FirstRunDialog, "exec", accept)
    window = open_window(tmp_path / "moi.sqlite", settings=settings)
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    qtbot.addWidget(window)
    assert window.windowTitle() == "Giảm nghèo Desktop — xã Hòa Bình"
    assert (
        window.statusBar().currentMessage() == "Đã ghi: thông tin xã Hòa Bình và 2 thôn, tổ dân phố"
    )  # saved, and said
    window.close()
    db = open_session(tmp_path / "moi.sqlite")
    assert commune.get_commune(db).code == "54321"
    db.close()


def test_standard_buttons_read_vietnamese(qapp: QApplication) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.i18n import install_translations

    install_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons()] == ["OK", "Hủy"]


def _fake_generate(
    db: Database, *, households: int, seed: int, progress: Callable[[int, int], None] | None = None
) -> None:
    """Stands in for services.demo.generate (same published signature)."""
    from tests.sample_data import populate

    commune.setup_commune(
        db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(name="xã Mẫu", code="99999", province="Phú Thọ", area_type="rural"),
            villages=[commune.VillageInput(name="Thôn Một"), commune.VillageInput(name="Thôn Hai")],
        ),
    )
    for step in range(1, 5):
        if progress is not None:
            progress(step, 4)
    populate(db, 12)


def test_demo_is_generated_in_the_background_then_opened(
    qtbot: QtBot, data_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from giamngheo_desktop.paths import AppPaths
    from giamngheo_desktop.services import demo
    from tests.ui.sync_tasks import SyncTaskRunner
    from ui.main_window import ensure_demo

    calls: list[dict[str, int]] = []

    def generate(
        db: Database, *, households: int, seed: int, progress: Callable[[int, int], None] | None = None
    ) -> None:
        calls.append({"households": households, "seed": seed})
        _fake_generate(db, households=households, seed=seed, progress=progress)

    monkeypatch.setattr(demo, "generate", generate)
    path = AppPaths.default().demo_database
    opened: list[Path] = []
    ensure_demo(SyncTaskRunner(), path, parent=None, on_ready=opened.append)
    assert calls == [{"households": 2000, "seed": 1}]
    assert opened == [path] and path.exists()
    assert not path.with_name(path.name + ".part").exists()
    window = open_window(path, settings=settings)
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    qtbot.addWidget(window)
    assert window.windowTitle() == "Giảm nghèo Desktop — xã Mẫu"
    assert tab_of(window, HouseholdsTab).model.rowCount() == 12
    window.close()
    ensure_demo(SyncTaskRunner(), path, parent=None, on_ready=opened.append)
    assert len(calls) == 1  # an existing demo file is reused


def test_cancelling_the_demo_leaves_no_file(qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from giamngheo_desktop.paths import AppPaths
    from giamngheo_desktop.services import demo
    from tests.ui.sync_tasks import SyncTaskRunner
    from ui.main_window import ensure_demo
    from ui.tasks import Task

    monkeypatch.setattr(demo, "generate", _fake_generate)
    monkeypatch.setattr(Task, "__init__", _cancelled_task_init(Task.__init__))
    path = AppPaths.default().demo_database
    gave_up: list[bool] = []
    ensure_demo(SyncTaskRunner(), path, parent=None, on_ready=lambda p: None, on_gave_up=lambda: gave_up.append(True))
    assert gave_up == [True]
    assert not path.exists()
    assert list(path.parent.glob("demo.sqlite*")) == []


def _cancelled_task_init(
    original: Callable[[Task, str, QWidget | None], None],
) -> Callable[[Task, str, QWidget | None], None]:
    def init(self: Task, title: str, parent: QWidget | None) -> None:
        original(self, title, parent)
        self.cancel_event.set()  # as if the user pressed Hủy at once

    return init


def test_run_opens_the_given_file_in_a_window(qtbot: QtBot, sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from PySide6.QtWidgets import QApplication

    from ui import app as app_module
    from ui import main_window

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    shown: list[MainWindow] = []

    def fake_exec(*_args: Any) -> int:
        shown.extend(main_window._windows)
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app_module.run(["main.py", "--db", str(sample_path)]) == 0
    assert len(shown) == 1
    window = shown[0]
    qtbot.addWidget(window)
    assert window.workspace.path == sample_path
    assert sys.excepthook is errors._excepthook
    assert QApplication.font().family() == "Noto Sans"
    window.close()


def test_settings_are_typed_with_defaults(settings: Settings) -> None:
    from ui.settings import LAST_DATABASE, VERSION

    assert settings.get(LAST_DATABASE) == ""
    settings.set(LAST_DATABASE, "C:/Dữ liệu/xã.sqlite")
    assert settings.get(LAST_DATABASE) == "C:/Dữ liệu/xã.sqlite"
    assert settings.get(VERSION) >= 1


def test_main_window_on_a_generated_demo_commune(qtbot: QtBot, tmp_path: Path, settings: Settings) -> None:
    from giamngheo_desktop.services import demo

    path = tmp_path / "demo.sqlite"
    db = open_session(path)
    try:
        demo.generate(db, households=60, seed=1)
        first = db.row(
            "SELECT h.code, m.full_name FROM household h JOIN member m ON m.id = h.head_member_id "
            "WHERE h.deleted_at IS NULL ORDER BY h.code_fold, h.id LIMIT 1"
        )
        name = commune.get_commune(db).name
    finally:
        db.close()
    assert first is not None
    window = open_window(path, settings=settings)
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    qtbot.addWidget(window)
    model = tab_of(window, HouseholdsTab).model
    assert model.rowCount() == 60
    assert (model.index(0, 0).data(), model.index(0, 1).data()) == (first["code"], first["full_name"])
    assert window.windowTitle() == f"Giảm nghèo Desktop — {name}"
    window.close()
