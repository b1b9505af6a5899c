"""Trợ giúp: the guide opens, the shortcut list says what the keys do, About names version, schema, folder, licences."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from giamngheo_desktop import __version__
from giamngheo_desktop.paths import AppPaths
from tests.ui.widgets import cell
from ui import help as help_module
from ui.dialogs.about_dialog import AboutDialog
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.workspace import Workspace


def _window(qtbot: QtBot, workspace: Workspace, settings: Settings) -> MainWindow:
    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    return window


def test_the_help_menu_has_the_guide_on_f1_the_shortcuts_and_about(
    qtbot: QtBot, workspace: Workspace, settings: Settings
) -> None:
    window = _window(qtbot, workspace, settings)
    texts = [a.text() for a in window.menu_help.actions() if not a.isSeparator()]
    assert texts[:2] == ["Hướng dẫn sử dụng", "Phím tắt"] and texts[-1] == "Giới thiệu"
    assert window.action_guide.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)


def test_the_guide_opens_from_the_help_menu(
    qtbot: QtBot, workspace: Workspace, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = _window(qtbot, workspace, settings)
    window.action_guide.trigger()
    assert len(opened) == 1
    path = Path(opened[0].toLocalFile())
    assert path.exists() and path.stem == "huong-dan-su-dung"
    assert (
        "Hướng dẫn sử dụng Giảm nghèo Desktop" in path.read_bytes().decode("utf-8", "ignore") or path.suffix == ".pdf"
    )


def test_the_installed_guide_pdf_is_preferred_and_a_missing_guide_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "huong-dan-su-dung.md").write_text("# x", encoding="utf-8")
    assert help_module.guide_path(tmp_path) == tmp_path / "docs" / "huong-dan-su-dung.md"
    (tmp_path / "docs" / "huong-dan-su-dung.pdf").write_bytes(b"%PDF")
    assert help_module.guide_path(tmp_path) == tmp_path / "docs" / "huong-dan-su-dung.pdf"

    warned: list[str] = []
    monkeypatch.setattr(help_module, "guide_path", lambda root=None: None)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    assert help_module.open_guide(None) is None
    assert warned and "hướng dẫn sử dụng" in warned[0]


def test_the_shortcut_list_names_the_real_keys(qtbot: QtBot, workspace: Workspace, settings: Settings) -> None:
    window = _window(qtbot, workspace, settings)
    dialog = window.shortcuts_dialog()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, help_module.ShortcutsDialog)
    table = dialog.table
    rows = {cell(table, r, 1).text(): cell(table, r, 0).text() for r in range(table.rowCount())}
    native = QKeySequence.SequenceFormat.NativeText
    assert rows["Hướng dẫn sử dụng"] == QKeySequence(QKeySequence.StandardKey.HelpContents).toString(native)
    assert rows["Thêm hộ"] == QKeySequence(QKeySequence.StandardKey.New).toString(native)
    assert rows["Hoàn tác"] == QKeySequence(QKeySequence.StandardKey.Undo).toString(native)
    assert rows["Mở tệp dữ liệu"] == QKeySequence(QKeySequence.StandardKey.Open).toString(native)
    assert rows["Tìm hộ (thẻ Hộ gia đình)"] == QKeySequence(QKeySequence.StandardKey.Find).toString(native)
    assert all(keys for keys in rows.values())


def test_about_shows_version_schema_data_folder_and_licences(qtbot: QtBot, workspace: Workspace) -> None:
    from giamngheo_desktop.services import commune

    dialog = AboutDialog(workspace)
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows)
    assert rows["Phiên bản"] == __version__
    assert rows["Phiên bản cấu trúc dữ liệu"] == str(commune.info(workspace.db)["schema_version"])
    assert rows["Thư mục dữ liệu"] == str(AppPaths.default().data_dir)
    text = dialog.label.text()
    for licence in ("MIT", "LGPL-3.0", "SIL Open Font License 1.1", "THIRD-PARTY-NOTICES"):
        assert licence in text
    assert [b.text() for b in dialog.licence_buttons][:1] == ["Xem LICENSE"]
