"""Login, users, audit history, backup to USB and restore, as the officer uses them."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.domain.permissions import Role
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.services import backup, users
from tests.ui.sync_tasks import SyncTaskRunner
from ui import errors
from ui.dialogs import restore_dialog
from ui.dialogs.audit_dialog import AuditDialog
from ui.dialogs.backup_dialog import BackupDialog
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.restore_dialog import RestoreDialog
from ui.dialogs.users_dialog import UserFormDialog, UsersDialog
from ui.main_window import MainWindow, open_window
from ui.settings import Settings
from ui.widgets.household_history import HouseholdHistory
from ui.workspace import Workspace


def _admin(workspace: Workspace, *, login: bool = True) -> users.User:
    users.add_user(workspace.db, username="lan", full_name="Trần Thị Lan", role=Role.ADMIN.value, password="matkhau-1")
    if login:
        users.set_login_required(workspace.db, True)
    return users.get_user(workspace.db, "lan")


def test_login_success_sets_the_acting_user(qtbot: QtBot, workspace: Workspace) -> None:
    _admin(workspace)
    dialog = LoginDialog(workspace.db, commune_name="xã Tân Lập")
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("lan")
    dialog.password_edit.setText("matkhau-1")
    dialog.submit()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert workspace.actor.username == "lan" and workspace.actor.full_name == "Trần Thị Lan"


def test_wrong_password_then_lockout_message(qtbot: QtBot, workspace: Workspace) -> None:
    _admin(workspace)
    dialog = LoginDialog(workspace.db)
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("lan")
    dialog.password_edit.setText("sai")
    dialog.submit()
    assert "không đúng" in dialog.message.text() and "còn 4 lần" in dialog.message.text()
    assert dialog.password_edit.text() == ""
    for _ in range(4):
        dialog.password_edit.setText("sai")
        dialog.submit()
    assert "bị khóa" in dialog.message.text()
    dialog.password_edit.setText("matkhau-1")  # even the right password waits for the lock
    dialog.submit()
    assert "đang bị khóa" in dialog.message.text()
    assert dialog.result() != LoginDialog.DialogCode.Accepted


def test_reset_password_asks_for_a_new_one_at_login(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _admin(workspace)
    users.reset_password(workspace.db, user.id, new_password="tam-123456")
    from ui.dialogs import login_dialog

    def change(self: Any) -> int:
        self.new_edit.setText("moi-45678")
        self.again_edit.setText("moi-45678")
        self.submit()
        return int(self.result())

    monkeypatch.setattr(login_dialog.ChangePasswordDialog, "exec", change)
    dialog = LoginDialog(workspace.db)
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("lan")
    dialog.password_edit.setText("tam-123456")
    dialog.submit()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert users.authenticate(workspace.db, "lan", "moi-45678").must_change_password is False


def test_users_dialog_adds_a_user_and_switches_the_login(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    workspace: Workspace,
    shown_errors: list[BaseException],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = UsersDialog(workspace.db)
    qtbot.addWidget(dialog)

    def fill(self: Any) -> int:
        self.username_edit.setText("hoa")
        self.full_name_edit.setText("Lê Thị Hoa")
        self.password_edit.setText("bimat-99")
        return 1

    monkeypatch.setattr(UserFormDialog, "exec", fill)
    dialog.add_user()
    assert [(u.username, u.role_label) for u in dialog.model.users] == [("hoa", "Cán bộ nhập liệu")]
    qtmodeltester.check(dialog.model)
    dialog.login_check.setChecked(True)  # no administrator with a password yet: refused, box unticked
    assert shown_errors and "quản trị viên" in str(shown_errors[0])
    assert not dialog.login_check.isChecked() and not users.login_required(workspace.db)
    dialog.view.selectRow(0)
    dialog.role_box.setCurrentIndex(dialog.role_box.findData(Role.ADMIN.value))
    dialog.change_role()
    dialog.login_check.setChecked(True)
    assert users.login_required(workspace.db)


def test_adding_a_user_shows_it_is_busy_then_the_new_user_chosen(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(workspace.db, username="an", full_name="Nguyễn Văn An", role=Role.ADMIN.value, password="x123456-an")
    dialog = UsersDialog(workspace.db)
    qtbot.addWidget(dialog)
    dialog.show()

    def fill(self: Any) -> int:
        self.username_edit.setText("hoa")
        self.full_name_edit.setText("Lê Thị Hoa")
        self.password_edit.setText("bimat-99")
        return 1

    seen: list[tuple[str, Any]] = []
    real = users.add_user

    def slow_add(*args: Any, **kwargs: Any) -> Any:  # the password hashed: seconds the officer waits
        cursor = QApplication.overrideCursor()
        seen.append((dialog.notice.text(), cursor.shape() if cursor else None))
        return real(*args, **kwargs)

    monkeypatch.setattr(UserFormDialog, "exec", fill)
    monkeypatch.setattr(users, "add_user", slow_add)
    dialog.add_user()
    assert seen and "Đang thêm người dùng “hoa”" in seen[0][0] and seen[0][1] == Qt.CursorShape.WaitCursor
    assert QApplication.overrideCursor() is None  # the wait is over
    chosen = dialog.view.currentIndex()
    assert chosen.isValid() and dialog.model.users[chosen.row()].username == "hoa"  # "an" sorts first
    assert "Đã thêm người dùng “hoa”" in dialog.notice.text()


def test_a_locked_user_reads_a_vietnamese_time() -> None:
    """The list said "Tạm khóa đến 2026-12-07 10:00" (an ISO time)."""
    from ui.dialogs.users_dialog import UsersModel

    locked = users.User(1, "hoa", "Lê Thị Hoa", Role.OFFICER, True, False, "2026-12-07T10:00:00")
    model = UsersModel()
    model.set_users([locked])
    assert model.index(0, 3).data() == "Tạm khóa đến 07/12/2026 10:00"


def test_users_dialog_refuses_an_officer(qtbot: QtBot, workspace: Workspace) -> None:
    _admin(workspace, login=False)
    users.add_user(
        workspace.db, username="hoa", full_name="Lê Thị Hoa", role=Role.OFFICER.value, password="x123456-hoa"
    )
    users.login(workspace.db, "hoa", "x123456-hoa")
    dialog = UsersDialog(workspace.db)
    qtbot.addWidget(dialog)
    assert "không có quyền" in dialog.refusal.text()
    assert not dialog.add_button.isEnabled() and not dialog.login_check.isEnabled()


def test_audit_dialog_lists_changes_and_finds_tampering(
    qtbot: QtBot, qtmodeltester: ModelTester, workspace: Workspace, shown_errors: list[BaseException]
) -> None:
    dialog = AuditDialog(workspace.db)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() > 0
    qtmodeltester.check(dialog.model)
    ids = [e.id for e in dialog.model.entries]
    assert ids == sorted(ids, reverse=True)  # newest first
    dialog.check_integrity()
    assert "nguyên vẹn" in dialog.verify_label.text()
    dialog.text_edit.setText("Nguyen Van Duc")  # no accents
    dialog.reload()
    assert dialog.model.entries and any("Đức" in e.summary(99) for e in dialog.model.entries)

    target = ids[-1]
    conn = sqlite3.connect(workspace.path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET username = 'ai-do' WHERE id = ?", (target,))
    conn.commit()
    conn.close()
    dialog.check_integrity()
    assert f"mục số {target}" in dialog.verify_label.text()


def test_household_history_widget(qtbot: QtBot, qtmodeltester: ModelTester, workspace: Workspace) -> None:
    widget = HouseholdHistory(workspace.db)
    qtbot.addWidget(widget)
    household_id = workspace.db.scalar("SELECT id FROM household ORDER BY id LIMIT 1")
    widget.show_household(household_id)
    assert widget.model.rowCount() > 0
    assert all(e.household_id == household_id for e in widget.model.entries)
    qtmodeltester.check(widget.model)


def test_backup_dialog_writes_a_verified_copy(
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_errors: list[BaseException],
) -> None:
    usb = tmp_path / "usb"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    dialog = BackupDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.start()  # no folder yet: asks for one; the stick is not plugged in
    assert dialog.backup is None and "USB đã được cắm" in dialog.result_label.text() and not usb.exists()
    shown_errors.clear()
    usb.mkdir()
    asked: list[str] = []

    def answer(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    dialog.start()  # the folder is on the laptop's own disk: the officer is asked, and confirms
    assert asked and "cùng ổ đĩa" in asked[0]
    assert dialog.backup is not None and dialog.backup.path.parent == usb
    assert "Đã sao lưu" in dialog.result_label.text() and "30 hộ" in dialog.result_label.text()
    copy = sqlite3.connect(dialog.backup.path)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM household").fetchone()[0] == 30
    copy.close()
    dialog.accept()  # "Đóng": the window's own answer is still there to read
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not shown_errors


def test_restore_dialog_shows_the_difference_and_restores(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    sample_path: Path,
    settings: Settings,
    shown_errors: list[BaseException],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(sample_path, settings=settings, runner=SyncTaskRunner())
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    db = window.workspace.db
    backup.auto_backup(db, "close")
    users.add_user(db, username="hoa", full_name="Lê Thị Hoa", role=Role.OFFICER.value, password="x123456-hoa")

    dialog = RestoreDialog(sample_path)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and dialog.chosen is not None
    rows = {label: (now, old) for label, now, old in dialog.model.items}
    assert rows["Người dùng"] == (1, 0)
    assert rows["Hộ gia đình"] == (30, 30)
    qtmodeltester.check(dialog.model)
    assert "ít dòng hơn ở: " in dialog.confirmation_text() and "Người dùng" in dialog.confirmation_text()

    def pick(self: Any) -> int:
        self.confirm()
        return int(self.result())

    monkeypatch.setattr(restore_dialog.RestoreDialog, "exec", pick)
    new = window.show_restore()
    assert isinstance(new, MainWindow) and new is not window
    try:
        said = new.statusBar().currentMessage()  # the restore said where writes are, with the way back
        assert said.startswith("Đã ghi: khôi phục dữ liệu từ bản sao lưu ") and "trước khi khôi phục" in said, said
        assert not users.list_users(new.workspace.db)
        assert new.workspace.db.scalar("SELECT count(*) FROM household") == 30
        safety = list(backups_dir_for(sample_path).glob("*truoc-khoi-phuc*.sqlite"))
        assert len(safety) == 1
        conn = sqlite3.connect(safety[0])
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] == 1
        conn.close()
    finally:
        new.close()
    assert not shown_errors


def test_open_window_asks_for_the_login_and_shows_the_user(
    qtbot: QtBot, sample_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from giamngheo_desktop.services.session import close_session, open_session
    from ui.dialogs import login_dialog

    db = open_session(sample_path)
    users.add_user(db, username="lan", full_name="Trần Thị Lan", role=Role.ADMIN.value, password="matkhau-1")
    users.set_login_required(db, True)
    close_session(db)

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", lambda self: 0)  # "Thoát"
    assert open_window(sample_path, settings=settings, runner=SyncTaskRunner()) is None

    def log_in(self: Any) -> int:
        self.username_edit.setText("lan")
        self.password_edit.setText("matkhau-1")
        self.submit()
        return int(self.result())

    monkeypatch.setattr(login_dialog.LoginDialog, "exec", log_in)
    window = open_window(sample_path, settings=settings, runner=SyncTaskRunner())
    assert isinstance(window, MainWindow)  # a commune file opens in the main window
    try:
        assert "Trần Thị Lan" in window.windowTitle()
        assert window.workspace.actor.username == "lan"
    finally:
        window.close()


def test_known_faults_are_plain_messages_and_a_bug_in_a_slot_is_the_crash_dialog(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
    crash_dialogs: list[errors.CrashDialog],
) -> None:
    from PySide6.QtWidgets import QPushButton

    from giamngheo_desktop.domain.errors import DomainError, ValidationFailed
    from giamngheo_desktop.storage.database import open_database

    errors.setup_logging(tmp_path / "logs")

    # the real errors the officer meets: a full disk, a bad user name, the file open elsewhere
    known: list[DomainError] = []
    with open_database(tmp_path / "full.sqlite") as db:
        db.conn.execute(f"PRAGMA max_page_count = {db.scalar('PRAGMA page_count')}")
        try:
            with db.atomic() as conn:
                conn.execute("CREATE TABLE filler (x TEXT)")
                for _ in range(200):
                    conn.execute("INSERT INTO filler VALUES (?)", ("x" * 2000,))
        except DomainError as exc:
            known.append(exc)
        db.conn.execute("PRAGMA max_page_count = 1073741823")
        try:
            users.add_user(db, username="", full_name="", role=Role.OFFICER.value, password="x")
        except ValidationFailed as exc:
            known.append(exc)
    assert len(known) == 2
    for fault in known:
        errors.show_error(None, fault)
    assert "Ổ đĩa đã đầy" in message_boxes[0]
    assert "chưa có gì được ghi" in message_boxes[1]
    assert crash_dialogs == []

    # a bug inside a slot goes through the excepthook to the crash dialog with a log file
    def broken_slot() -> None:
        raise KeyError("không có cột này")

    button = QPushButton("Thử")
    qtbot.addWidget(button)
    button.clicked.connect(broken_slot)
    monkeypatch.setattr("sys.excepthook", errors._excepthook)
    button.click()
    assert len(crash_dialogs) == 1
    assert "KeyError" in crash_dialogs[0].details and crash_dialogs[0].copy_button.text() == "Sao chép chi tiết"
    assert list((tmp_path / "logs").glob("crash-*.log"))


def test_history_reads_in_vietnamese_with_codes_names_and_the_right_action(
    qtbot: QtBot, qtmodeltester: ModelTester, workspace: Workspace
) -> None:
    from giamngheo_desktop.services import register

    db = workspace.db
    hid = int(db.scalar("SELECT id FROM household WHERE code = 'HGD-0001'"))
    gone = register.remove_household(db, hid)
    assert gone.snapshot is not None
    register.undo_operation(db, gone.snapshot)  # Hoàn tác: the household comes back
    widget = HouseholdHistory(db)
    qtbot.addWidget(widget)
    widget.show_household(hid)
    qtmodeltester.check(widget.model)
    rows = [[widget.model.index(r, c).data() for c in range(5)] for r in range(widget.model.rowCount())]
    actions = [r[2] for r in rows]
    assert actions[:2] == ["Khôi phục hộ", "Xóa hộ"]  # newest first; not "Sửa hộ gia đình"
    assert rows[1][3] == "Hộ HGD-0001 — Nguyễn Văn Đức"  # the code and the head, not an id
    assert rows[0][1] == "Hệ thống (tự động)"  # no login on this file: said in words, not "he-thong"
    text = " ".join(r[4] for r in rows)
    for raw in ("deleted_at", "poverty_class", "village_id", "head_member_id", "∅", "T0", "T1"):
        assert raw not in text, raw
    assert "/" in rows[0][0] and "T" not in rows[0][0]  # dd/mm/yyyy hh:mm


def test_restore_list_names_the_reason_and_a_vietnamese_time(qtbot: QtBot, workspace: Workspace) -> None:
    import re

    from giamngheo_desktop.services import backup as backup_service
    from ui.dialogs.restore_dialog import RestoreDialog

    backup_service.auto_backup(workspace.db, "import")
    dialog = RestoreDialog(workspace.path)
    qtbot.addWidget(dialog)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts and re.match(r"\d\d/\d\d/\d{4} \d\d:\d\d — trước khi nhập danh sách", texts[0])
    assert ".sqlite" not in texts[0]  # the file name (cut off in the list at 1366 px) is the tooltip
    assert dialog.list.item(0).toolTip().endswith(".sqlite")
    iso = re.compile(r"\d{4}-\d\d-\d\d")
    with workspace.db.atomic() as conn:  # a change after the copy: the confirmation says what is lost
        conn.execute("UPDATE household SET updated_at = '2099-01-02T10:30:00' WHERE id = 1")
    dialog.show_backup(Path(dialog.list.item(0).toolTip()))
    assert not iso.search(dialog.info.text()), dialog.info.text()
    assert re.search(r"thay đổi mới nhất: \d\d/\d\d/\d{4} \d\d:\d\d", dialog.info.text()), dialog.info.text()
    assert not iso.search(dialog.confirmation_text()), dialog.confirmation_text()
