"""Qt's own file chooser (Linux: Qt's widgets, not the system's) reads Vietnamese, and opens in a folder that exists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFileSystemModel,
    QLabel,
    QListView,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.fit import cut_texts
from ui import files
from ui.i18n import install_translations

ENGLISH = (
    "Look in",
    "Files of",
    "File name",
    "Computer",
    "Back",
    "Forward",
    "Parent",
    "Folder",
    "View",
    "Open",
    "Cancel",
    "Name",
    "Size",
    "Type",
    "Date",
    "Sidebar",
    "Files",
    "Director",
)


def _texts(dialog: QFileDialog) -> set[str]:
    """Every text the officer can see or hear (labels, buttons, tooltips, list headers and entries)."""
    found: set[str] = set()
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.add(widget.text())
        found |= {widget.toolTip(), widget.accessibleName()}
        if isinstance(widget, QAbstractItemView) and (model := widget.model()) is not None:
            found |= {str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())}
            found |= {str(model.index(r, 0).data() or "") for r in range(min(model.rowCount(), 20))}
        if isinstance(widget, QComboBox):
            found |= {widget.itemText(i) for i in range(widget.count())}
    return {t.replace("&", "") for t in found if t}


@pytest.fixture(autouse=True)
def own_qt_settings(tmp_path: Path) -> Iterator[None]:
    """Qt's chooser keeps its places and columns in the user's QtProject.conf (native format): here in a
    folder of the test's own, and back to the usual place after."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qt-settings"))
    yield
    usual = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, usual)


def test_qt_file_chooser_has_no_english_text(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    install_translations(qapp)
    (tmp_path / "danh-sach.xlsx").write_bytes(b"")
    dialog = QFileDialog(None, "Chọn danh sách", str(tmp_path), "Danh sách Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    english = sorted(t for t in _texts(dialog) if any(word in t for word in ENGLISH))
    assert english == []
    dialog.setFileMode(QFileDialog.FileMode.Directory)  # "Chọn thư mục lưu gói dữ liệu" said "Directories"
    QApplication.processEvents()
    english = sorted(t for t in _texts(dialog) if any(word in t for word in ENGLISH))
    assert english == []


def test_a_chooser_opens_in_a_folder_that_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", staticmethod(lambda: home))
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda _where: str(home / "Documents")))
    assert files.documents_folder() == home  # no Documents folder on this account: the home folder
    (home / "Documents").mkdir()
    assert files.documents_folder() == home / "Documents"


def test_qt_file_chooser_columns_read_whole_in_vietnamese(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    install_translations(qapp)
    files.install(qapp)
    (tmp_path / "Danh sach ho ngheo 2025.xlsx").write_bytes(b"x" * 20_000)
    (tmp_path / "Thư mục con").mkdir()
    dialog = QFileDialog(None, "Chọn danh sách", str(tmp_path), "Danh sách Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    places = tmp_path / "Tài liệu của cán bộ xã"  # a home folder's name as long as an officer's account
    places.mkdir()
    dialog.setSidebarUrls([QUrl.fromLocalFile(str(places))])
    qtbot.addWidget(dialog)
    view = dialog.findChild(QTreeView, "treeView")
    assert view is not None and isinstance(view.model(), QFileSystemModel)
    with qtbot.waitSignal(view.model().directoryLoaded, timeout=5000):  # type: ignore[attr-defined]
        dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: (focus := QApplication.focusWidget()) is not None and focus.window() is dialog)
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) == 3)
    qtbot.wait(50)
    header = view.header()
    titles = [str(view.model().headerData(c, Qt.Orientation.Horizontal)) for c in range(header.count())]
    assert titles[1:3] == ["Kích thước", "Loại"]
    assert [t for t in cut_texts(dialog) if t.startswith("column")] == []
    for column in range(1, header.count()):  # each column whole, its entries too ("Thư mục", "Bảng tính …")
        assert header.sectionSize(column) >= view.sizeHintForColumn(column), titles[column]
    screen = dialog.screen().availableGeometry().width()  # the test's screen is 800 px: the window as wide as it
    assert header.length() <= view.viewport().width() or dialog.width() >= screen, "the last columns off to the right"
    side = dialog.findChild(QListView, "sidebar")
    assert side is not None and side.viewport().width() >= side.sizeHintForColumn(0), "the places' names cut"
    types = {str(view.model().index(r, 2, view.rootIndex()).data()) for r in range(3)}
    assert "Thư mục" in types and "Folder" not in types
