"""Where file choosers open: the folder the officer used last, else Documents — never the app's data folder.

The database and its automatic backups live in the hidden application-data folder; a list to
import or a report to save belongs with the officer's own files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

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
