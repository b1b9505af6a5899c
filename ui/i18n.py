"""Translations: Qt's own Vietnamese catalogues and ours (resources/i18n/*.qm).

The app's own texts are written in Vietnamese directly. Qt's standard texts (OK/Cancel
buttons, context menus of text fields …) come from ``qtbase_vi.qm`` when the Qt build
ships it — the PySide6 6.11 wheel does not — and from our ``resources/i18n/qt_extra_vi.qm``
(built from ``qt_extra_vi.ts`` by ``packaging/build.py``), which covers those texts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from giamngheo_desktop.resources import resource_path

log = logging.getLogger(__name__)

LOCALE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
QT_CATALOGUES = ("qtbase", "qt")

_installed: list[QTranslator] = []  # translators must outlive the app


def install_translations(app: QCoreApplication) -> list[str]:
    """Install every Vietnamese catalogue found; returns their file names."""
    QLocale.setDefault(LOCALE)
    loaded: list[str] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in QT_CATALOGUES:
        translator = QTranslator(app)
        if translator.load(LOCALE, name, "_", qt_dir):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(f"{name}_vi")
    ours = resource_path("i18n")
    if ours.is_dir():
        for path in sorted(ours.glob("*.qm")):
            translator = QTranslator(app)
            if translator.load(str(path)):
                app.installTranslator(translator)
                _installed.append(translator)
                loaded.append(path.name)
    log.info("translations: %s", ", ".join(loaded) or "none")
    return loaded
