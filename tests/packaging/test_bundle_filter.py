"""The lean bundle: what bundle_filter leaves out of the PyInstaller tables, on Linux and Windows."""

from __future__ import annotations

import bundle_filter
import pytest

KEPT = [
    # Linux wheel layout
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Charts.so.6",
    "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6",  # QtPdf links it
    "PySide6/Qt/lib/libQt6OpenGL.so.6",  # QtCharts links it
    "PySide6/Qt/lib/libQt6PrintSupport.so.6",
    "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",  # Vietnamese typing
    "PySide6/Qt/plugins/imageformats/libqico.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/translations/qtbase_en.qm",
    "PySide6/Qt/translations/qtbase_vi.qm",
    "PySide6/QtCharts.abi3.so",
    # Windows wheel layout
    "PySide6/Qt6Core.dll",
    "PySide6/Qt6Pdf.dll",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/plugins/platforms/qoffscreen.dll",
    "PySide6/plugins/printsupport/windowsprintersupport.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "PySide6/translations/qt_vi.qm",
    "PySide6/translations/qtbase_en.qm",
    # Linux libraries the kept modules and plugins need
    "libpython3.11.so.1.0",
    "libglib-2.0.so.0",  # QtCore
    "libcups.so.2",  # the print-support plugin
    "libX11.so.6",
    "libcrypto.so.3",
    "PySide6/Qt/lib/libicudata.so.73",
    "pillow.libs/libjpeg-6dc8d115.so.62.4.0",  # PIL's own copy stays
    # the app's own files
    "resources/i18n/qt_extra_vi.qm",
    "resources/fonts/NotoSans-Regular.ttf",
    "db/schema.sql",
]

DROPPED = [
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6/Qt/lib/libQt6Quick.so.6",
    "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6",
    "PySide6/Qt/lib/libQt6WaylandClient.so.6",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
    "PySide6/Qt/plugins/tls/libqopensslbackend.so",
    "PySide6/Qt/plugins/imageformats/libqwebp.so",
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/translations/qt_help_pt_BR.qm",
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/Qt6Qml.dll",
    "PySide6/Qt6Quick.dll",
    "PySide6/opengl32sw.dll",
    "PySide6/plugins/tls/qschannelbackend.dll",
    "PySide6/plugins/networkinformation/qnetworklistmanager.dll",
    "PySide6/translations/qtbase_fr.qm",
    "libcairo.so.2",
    "libgio-2.0.so.0",
    "libpango-1.0.so.0",
    "libharfbuzz.so.0",
    "PySide6/translations/qt_ja.qm",
]


@pytest.mark.parametrize("name", KEPT)
def test_what_the_app_uses_stays(name: str) -> None:
    assert bundle_filter.keep(name)
    assert bundle_filter.keep(name.replace("/", "\\"))


@pytest.mark.parametrize("name", DROPPED)
def test_what_the_app_never_uses_is_left_out(name: str) -> None:
    assert not bundle_filter.keep(name)
    assert not bundle_filter.keep(name.replace("/", "\\"))


def test_filter_toc_keeps_the_entries_whole() -> None:
    toc = [
        ("PySide6/Qt/lib/libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/x/libQt6Quick.so.6", "BINARY"),
    ]
    assert bundle_filter.filter_toc(toc) == toc[:1]


def test_modules_the_app_imports_are_not_excluded() -> None:
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtCharts", "PySide6.QtPdf"}
    used |= {"PySide6.QtPrintSupport", "PySide6.QtSvg", "PIL", "PIL.Image", "python_calamine", "openpyxl"}
    assert not used & set(bundle_filter.EXCLUDED_MODULES)
