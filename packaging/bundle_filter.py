"""What the PyInstaller bundle leaves out: Qt parts and translations the app never uses.

Used by ``giamngheo.spec`` on the Analysis tables (entries ``(dest_name, src, typecode)``)
and tested in ``tests/packaging/test_bundle_filter.py``. The app uses QtCore, QtGui,
QtWidgets, QtCharts (with QtOpenGL/QtOpenGLWidgets, which Charts links), QtPdf (which
links QtNetwork), QtPrintSupport and QtSvg (icons); no QML, no Quick, no virtual keyboard,
no network at run time. ``ui/self_test.py`` (``--self-test``) checks that what is left
still works: translations, charts, PDF rendering, printing, the platform plugins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Python modules of PySide6 (and others) that must not be pulled in.
EXCLUDED_MODULES = [
    "tkinter",
    "pytest",
    "hypothesis",
    "mypy",
    "ruff",
    "IPython",
    # Pillow: reportlab imports PIL.Image at start, but our PDFs embed no pictures, so the
    # codecs with big libraries (AVIF, WebP, colour management, FreeType, Tk) stay out.
    "PIL._avif",
    "PIL._webp",
    "PIL._imagingcms",
    "PIL._imagingft",
    "PIL._imagingtk",
    "PIL.ImageQt",
    "PIL.ImageTk",
    "PIL.ImageCms",
    "PIL.ImageFont",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtVirtualKeyboard",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtNetworkAuth",
    "PySide6.QtWebSockets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.Qt3DCore",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
]

# Qt translations kept: Vietnamese (when a wheel ever ships it) and English.
KEPT_LANGUAGES = ("vi", "en")

# Linux wheels keep Qt under PySide6/Qt/{lib,plugins,translations}; Windows wheels keep the
# DLLs in PySide6/ and plugins, translations in PySide6/{plugins,translations}.
_QT = r"(?:^|/)PySide6/(?:Qt/)?"
_DROP = [
    re.compile(_QT + r"(?:lib/)?(?:lib)?Qt6(Qml|Quick|VirtualKeyboard|Wayland|WlShell|EglFS|EglFs)[^/]*$"),
    re.compile(_QT + r"qml/"),
    re.compile(_QT + r"opengl32sw\.dll$"),  # software OpenGL for Qt Quick; widgets and charts draw without it
    re.compile(_QT + r"plugins/(wayland-[^/]+|egldeviceintegrations|networkinformation|tls|qmltooling|generic)/"),
    re.compile(_QT + r"plugins/platforminputcontexts/[^/]*virtualkeyboard"),
    re.compile(_QT + r"plugins/platforms/[^/]*q(eglfs|linuxfb|minimalegl|vnc|wayland|vkkhrdisplay|direct2d)"),
    re.compile(_QT + r"plugins/platformthemes/[^/]*(gtk3|xdgdesktopportal)"),
    re.compile(_QT + r"plugins/imageformats/[^/]*q(webp|tiff|tga|wbmp|icns|pdf)\."),
    re.compile(r"(?:^|/)PySide6/(QtQml|QtQuick|QtVirtualKeyboard)[^/]*\.(so|pyd)$"),
    # Linux: the GTK stack that only the (left out) gtk3 platform theme loaded; nothing else in the
    # bundle needs these (checked with readelf over every module and plugin that stays)
    re.compile(
        r"^lib(gtk-3|gdk-3|gdk_pixbuf-2\.0|cairo|cairo-gobject|pango-1\.0|pangoft2-1\.0|pangocairo-1\.0|atk-1\.0"
        r"|atk-bridge-2\.0|atspi|epoxy|pixman-1|fribidi|thai|datrie|graphite2|harfbuzz|gio-2\.0|gobject-2\.0"
        r"|gmodule-2\.0|mount|blkid|selinux|Xrender|Xext|Xdmcp|bsd|md|jpeg)\.so[.\d]*$"
    ),
]
_TRANSLATION = re.compile(_QT + r"translations/(?P<name>[^/]+)\.qm$")


def _language(qm_name: str) -> str:
    # qtbase_vi, qt_help_pt_BR, qtdeclarative_zh_CN → the part after the catalogue name
    parts = qm_name.split("_")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-1].isupper():
        return parts[-2]
    return parts[-1]


def keep(dest_name: str) -> bool:
    """Whether a file at ``dest_name`` (inside the bundle) belongs in the bundle."""
    name = dest_name.replace("\\", "/")
    match = _TRANSLATION.search(name)
    if match:
        return _language(match.group("name")) in KEPT_LANGUAGES
    return not any(pattern.search(name) for pattern in _DROP)


def filter_toc(entries: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The Analysis entries (binaries or datas) that :func:`keep` keeps."""
    return [entry for entry in entries if keep(entry[0])]
