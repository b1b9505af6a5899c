"""Where file choosers open: the folder the officer used last, else Documents — never the app's data folder.

The database and its automatic backups live in the hidden application-data folder; a list to
import or a report to save belongs with the officer's own files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFileSystemModel,
    QHeaderView,
    QListView,
    QSplitter,
    QStyle,
    QTreeView,
    QWidget,
)

from giamngheo_desktop.paths import AppPaths
from ui.settings import LAST_EXPORT_FOLDER, Key, Settings


def documents_folder() -> Path:
    """The user's Documents folder (their home folder if the system names none or it does not exist:
    a chooser given a missing folder opens in its parent with the folder's name typed as a file name)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def _inside_app_data(folder: Path) -> bool:
    try:
        data = AppPaths.default().database.resolve().parent
        return folder.resolve() == data or data in folder.resolve().parents
    except OSError:
        return False


def start_folder(key: Key[str] = LAST_EXPORT_FOLDER, settings: Settings | None = None) -> Path:
    """The last folder used for ``key`` if it still exists (and is not the app's data folder), else Documents."""
    last = (settings or Settings()).get(key)
    if last and Path(last).is_dir() and not _inside_app_data(Path(last)):
        return Path(last)
    return documents_folder()


def remember(chosen: str | Path, key: Key[str] = LAST_EXPORT_FOLDER, settings: Settings | None = None) -> None:
    """Keep the folder of a chosen file (or a chosen folder) for the next chooser."""
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    (settings or Settings()).set(key, str(folder))


def fit_chooser(dialog: QFileDialog) -> None:
    """Qt's own file chooser (Linux) sizes its detail columns for English ("Size", "Type") and opens
    at 626 px: each column is widened to its Vietnamese title and contents ("Kích thước", "Bảng tính
    Excel"), the side list to its places' names, and the window to both when the screen has the room.
    Fitted again as a folder's files come in (they are read in the background)."""
    view = dialog.findChild(QTreeView, "treeView")
    model = view.model() if view is not None else None
    if view is None or model is None:
        return
    if not dialog.property("fitsItsColumns") and isinstance(model, QFileSystemModel):
        dialog.setProperty("fitsItsColumns", True)
        model.directoryLoaded.connect(lambda _folder: fit_chooser(dialog))
    header: QHeaderView = view.header()
    metrics = QFontMetrics(header.font())
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    for logical in range(1, header.count()):  # the name column keeps its width (a long name is elided)
        title = str(model.headerData(logical, Qt.Orientation.Horizontal) or "")
        need = max(metrics.horizontalAdvance(title) + 2 * margin + arrow, view.sizeHintForColumn(logical) + margin)
        if header.sectionSize(logical) < need:
            header.resizeSection(logical, need)
    missing = header.length() - view.viewport().width()
    side = dialog.findChild(QListView, "sidebar")  # "Máy tính", the home folder: names read whole
    splitter = dialog.findChild(QSplitter, "splitter")
    if side is not None and splitter is not None and splitter.count() == 2:
        short = side.sizeHintForColumn(0) + 2 * side.frameWidth() + 8 - side.viewport().width()
        if short > 0:  # the side list keeps what it needs; a wider window widens the files' list
            side.setMinimumWidth(side.width() + short)
            splitter.setStretchFactor(0, 0)
            splitter.setStretchFactor(1, 1)
            missing += short
    screen = dialog.screen()
    if missing > 0 and screen is not None:
        dialog.resize(min(dialog.width() + missing + 4, screen.availableGeometry().width()), dialog.height())


def _focus_changed(_old: QWidget | None, now: QWidget | None) -> None:
    window = now.window() if now is not None else None
    if isinstance(window, QFileDialog):
        fit_chooser(window)


_installed: set[int] = set()


def install(app: QApplication) -> None:
    """Fit Qt's file chooser wherever one opens (one signal per focus change, no event filter); idempotent."""
    if id(app) not in _installed:
        _installed.add(id(app))
        app.focusChanged.connect(_focus_changed)
