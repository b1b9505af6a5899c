"""UI state kept in QSettings (window geometry, column widths, last folders) — never data.

Every key is declared once here with its type and default (Picard's Option registry).
Pass a QSettings to :class:`Settings` in tests (an INI file in ``tmp_path``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Key(Generic[T]):
    name: str
    type: type
    default: T


WINDOW_GEOMETRY: Key[QByteArray] = Key("window/geometry", QByteArray, QByteArray())
WINDOW_STATE: Key[QByteArray] = Key("window/state", QByteArray, QByteArray())
LAST_DATABASE: Key[str] = Key("files/last_database", str, "")
LAST_OPEN_FOLDER: Key[str] = Key("files/last_open_folder", str, "")
LAST_EXPORT_FOLDER: Key[str] = Key("files/last_export_folder", str, "")
LAST_LIST_FOLDER: Key[str] = Key("files/last_list_folder", str, "")  # lists to import
VERSION: Key[int] = Key("settings/version", int, 0)


class Settings:
    """Typed access to QSettings; ``Settings()`` uses the app's organisation/application names."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings()
        self._upgrade()

    def get(self, key: Key[T]) -> T:
        value: Any = self.q.value(key.name, key.default)
        if value is None:
            return key.default
        if key.type is QByteArray:
            return value if isinstance(value, QByteArray) else QByteArray(value)  # type: ignore[return-value]
        try:
            return key.type(value)
        except (TypeError, ValueError):
            return key.default

    def set(self, key: Key[T], value: T) -> None:
        self.q.setValue(key.name, value)

    def sync(self) -> None:
        self.q.sync()

    def _upgrade(self) -> None:
        """Rename or drop keys of older versions here (Picard's config_upgrade)."""
        if self.get(VERSION) < SETTINGS_VERSION:
            self.set(VERSION, SETTINGS_VERSION)
