"""The shipped Noto Sans fonts: Vietnamese letters never depend on the laptop's fonts."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from giamngheo_desktop.resources import resource_path

log = logging.getLogger(__name__)

FAMILY = "Noto Sans"
POINT_SIZE = 10


def register_fonts() -> list[str]:
    """Register ``resources/fonts/NotoSans-*.ttf`` with Qt; returns the families found."""
    families: set[str] = set()
    for path in sorted(resource_path("fonts").glob("NotoSans-*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("cannot load font %s", path)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(families)


def use_app_font(app: QApplication) -> None:
    """Register the fonts and make Noto Sans the application font."""
    families = register_fonts()
    if FAMILY in families:
        font = QFont(FAMILY, POINT_SIZE)
        app.setFont(font)
