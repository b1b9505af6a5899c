"""The app's per-user folders (database, backups, logs, exports).

Per-user data lives in the user's application-data folder, never next to the
executable, and uninstalling does not delete it. The CLI and the window use the
same default, so ``python -m giamngheo_desktop info`` reads the file the window shows.
The folder can be overridden with the environment variable GIAMNGHEO_DATA_DIR.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from giamngheo_desktop import APP_ID


def default_data_dir() -> Path:
    override = os.environ.get("GIAMNGHEO_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / "GiamNgheoDesktop"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "GiamNgheoDesktop"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_ID


@dataclass(frozen=True)
class AppPaths:
    """Folders the app writes to; created on demand by :meth:`ensure`."""

    data_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        return cls(default_data_dir())

    @property
    def database(self) -> Path:
        return self.data_dir / "giamngheo.sqlite"

    @property
    def demo_database(self) -> Path:
        return self.data_dir / "demo.sqlite"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def exports(self) -> Path:
        return self.data_dir / "exports"

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.backups, self.logs, self.exports):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def backups_dir_for(db_path: Path) -> Path:
    """Backups of a database file go in a ``backups`` folder beside it."""
    return db_path.resolve().parent / "backups"
