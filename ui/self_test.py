"""``GiamNgheo --self-test``: checks that a (frozen) installation has everything it needs.

Run by ``packaging/build.py`` on the fresh bundle and by the Windows workflow on the
installed program. Each check raises ``RuntimeError`` naming what is missing; the caller
prints the report lines and exits 0 only when every check passed. The checks cover what
a lean bundle could lose: the shipped font, our Qt translations, the Excel reader
(python-calamine), QtCharts, QtPdf rendering and the print-support plugin.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from giamngheo_desktop import APP_NAME, __version__

# A text of ours (resources/i18n/qt_extra_vi.ts) that Qt's message boxes use.
TRANSLATION_PROBE = ("QPlatformTheme", "Save", "Lưu")


def _plugins(kind: str) -> list[str]:
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / kind
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def check_translations(app: QApplication) -> str:
    from ui.i18n import install_translations

    loaded = install_translations(app)
    context, source, expected = TRANSLATION_PROBE
    got = QCoreApplication.translate(context, source)
    if got != expected:
        raise RuntimeError(f"translations not loaded ({loaded or 'none'}): {source!r} → {got!r}")
    return f"translations: {', '.join(loaded)}"


def check_excel_reader(xlsx: Path) -> str:
    """Read the self-test's xlsx back with the import reader (python-calamine), as an import does."""
    from giamngheo_desktop.importing.reader import read_table

    table = read_table(xlsx)
    if len(table.rows) < 2 or not str(table.rows[1][0]).startswith("Nguyễn Văn Đức"):
        raise RuntimeError(f"Excel reader (python-calamine) read {table.rows!r}")
    return f"excel reader: python-calamine read {len(table.rows)} rows back"


def check_chart() -> str:
    from PySide6.QtCharts import QBarSet, QChart, QChartView, QHorizontalStackedBarSeries

    chart = QChart()
    bars = QBarSet("Đạt")
    bars.append([40.0, 80.0])
    series = QHorizontalStackedBarSeries()
    series.append(bars)
    chart.addSeries(series)
    chart.createDefaultAxes()
    view = QChartView(chart)
    view.resize(400, 240)
    image = view.grab().toImage()
    if image.isNull() or image.width() < 100:
        raise RuntimeError("QtCharts could not draw a chart")
    return f"charts: QtCharts drew {image.width()}×{image.height()}"


def check_pdf_render(pdf: Path) -> str:
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    error = doc.load(str(pdf))
    if error != QPdfDocument.Error.None_ or doc.pageCount() < 1:
        raise RuntimeError(f"QtPdf could not open {pdf.name}: {error}")
    image: QImage = doc.render(0, QSize(300, 424))
    if image.isNull():
        raise RuntimeError("QtPdf rendered nothing")
    samples = [image.pixelColor(x, y) for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)]
    dark = sum(1 for c in samples if c.alpha() > 128 and c.lightness() < 128)
    if not 0 < dark < len(samples) // 4:  # a line of text on a white page
        raise RuntimeError(f"QtPdf rendered no text ({dark} dark of {len(samples)} samples)")
    doc.close()
    return f"pdf render: QtPdf page 1 of {pdf.name}, {dark} dark samples"


def check_printing(folder: Path) -> str:
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    plugins = _plugins("printsupport")
    if not plugins:
        raise RuntimeError("no print-support plugin (Qt plugins/printsupport is empty)")
    QPrinterInfo.availablePrinterNames()  # loads the plugin; no printer is needed
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = folder / "print.pdf"
    printer.setOutputFileName(str(target))
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("QPrinter could not start a print job")
    painter.drawText(100, 100, "Giảm nghèo")
    painter.end()
    if not target.exists() or target.stat().st_size == 0:
        raise RuntimeError("QPrinter produced nothing")
    return f"printing: plugins {', '.join(plugins)}"


def check_platform_plugins() -> str:
    found = _plugins("platforms")
    wanted = ["qwindows" if sys.platform == "win32" else "qxcb", "qoffscreen"]
    missing = [w for w in wanted if not any(w in name for name in found)]
    if missing:
        raise RuntimeError(f"platform plugins missing: {', '.join(missing)} (found {', '.join(found)})")
    return f"platforms: {', '.join(found)}"


def run_checks(app: QApplication) -> list[str]:
    """Every check in order; returns the report lines, raises on the first failure."""
    from giamngheo_desktop.export import selftest as writers_self_test
    from giamngheo_desktop.services import session
    from ui.fonts import FAMILY

    lines = [f"{APP_NAME} {__version__}", f"font: {app.font().family()}"]
    if app.font().family() != FAMILY:
        raise RuntimeError(f"font {FAMILY} not loaded")
    lines.append(check_translations(app))
    lines.append(check_platform_plugins())
    with tempfile.TemporaryDirectory(prefix="giamngheo-selftest-") as tmp:
        folder = Path(tmp)
        lines += session.self_test(folder) + writers_self_test.self_test(folder)
        lines.append(check_excel_reader(folder / "selftest.xlsx"))
        lines.append(check_chart())
        lines.append(check_pdf_render(folder / "selftest.pdf"))
        lines.append(check_printing(folder))
    return lines
