"""Print preview and printing of a PDF made by the core: pages rendered with QtPdf (QPdfDocument)
and painted onto the printer with QPainter — no external tools."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from ui import errors

RENDER_DPI = 200


def load_pdf(path: Path) -> QPdfDocument:
    doc = QPdfDocument()
    status = doc.load(str(path))
    if status != QPdfDocument.Error.None_:
        raise OSError(f"Không mở được tệp PDF {path} để in.")
    return doc


def paint_pdf(doc: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page of ``doc`` onto ``printer`` (one sheet per page); returns the pages painted."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        first = True
        for page in range(doc.pageCount()):
            if not first:
                printer.newPage()
            first = False
            size_pt = doc.pagePointSize(page)
            target = QRectF(painter.viewport())
            scale = min(target.width() / max(size_pt.width(), 1), target.height() / max(size_pt.height(), 1))
            w, h = size_pt.width() * scale, size_pt.height() * scale
            px = QSize(int(size_pt.width() * RENDER_DPI / 72), int(size_pt.height() * RENDER_DPI / 72))
            image = doc.render(page, px)
            painter.drawImage(QRectF(target.x(), target.y(), w, h), image)
    finally:
        painter.end()
    return doc.pageCount()


def _printer_for(doc: QPdfDocument) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    from PySide6.QtGui import QPageLayout, QPageSize

    size = doc.pagePointSize(0) if doc.pageCount() else None
    landscape = bool(size and size.width() > size.height())
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


def preview_pdf(path: Path, parent: QWidget | None = None, *, exec_dialog: bool = True) -> QPrintPreviewDialog | None:
    """Show "Xem trước khi in" for the PDF at ``path`` (print from the dialog's own button)."""
    try:
        doc = load_pdf(path)
    except OSError as exc:
        errors.show_error(parent, exc)
        return None
    printer = _printer_for(doc)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle("Xem trước khi in")
    dialog.setWindowState(Qt.WindowState.WindowMaximized)
    dialog.paintRequested.connect(lambda p: paint_pdf(doc, p))
    # keep the document and the printer alive as long as the dialog (Qt does not own them)
    dialog._doc = doc  # type: ignore[attr-defined]
    dialog._printer = printer  # type: ignore[attr-defined]
    if exec_dialog:
        dialog.exec()
    return dialog


def print_pdf(path: Path, parent: QWidget | None = None) -> bool:
    """ "In…": Qt's print dialog, then every page of the PDF."""
    doc = load_pdf(path)
    printer = _printer_for(doc)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return paint_pdf(doc, printer) > 0
