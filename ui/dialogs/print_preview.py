"""Print preview and printing of a PDF made by the core: pages rendered with QtPdf (QPdfDocument)
and painted onto the printer with QPainter — no external tools.

The preview draws each page from an image rendered at 200 dpi (at least the screen's resolution)
and scaled smoothly, so Vietnamese marks stay readable; zoomed in past that, the pages are
rendered again at the zoom's resolution (up to 400 dpi) so they get sharper; printing renders at the
printer's resolution (up to 300 dpi). The paper defaults to A4 in the PDF's orientation. Qt's own
print-preview and page-setup texts are put into Vietnamese here (the PySide6 wheel has no
Vietnamese catalogue for them).
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QWidget,
)

from ui import errors

PREVIEW_DPI = 200
PREVIEW_DPI_MAX = 400  # zoomed in on a short document (a long one stays at 200 dpi: memory)
PREVIEW_LONG_PAGES = 12
PRINT_DPI_MAX = 300

# Qt's English texts in the preview toolbar, the page set-up and print dialogs → Vietnamese
VIETNAMESE = {
    "Print Preview": "Xem trước khi in",
    "Next page": "Trang sau",
    "Previous page": "Trang trước",
    "First page": "Trang đầu",
    "Last page": "Trang cuối",
    "Fit width": "Vừa chiều rộng",
    "Fit page": "Vừa trang",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Portrait": "Khổ dọc",
    "Landscape": "Khổ ngang",
    "Reverse landscape": "Khổ ngang (đảo)",
    "Reverse portrait": "Khổ dọc (đảo)",
    "Show single page": "Xem từng trang",
    "Show facing pages": "Xem hai trang",
    "Show overview of all pages": "Xem tất cả các trang",
    "Print": "In",
    "&Print": "&In",
    "Page setup": "Thiết lập trang",
    "Page Setup": "Thiết lập trang",
    "Page size:": "Khổ giấy:",
    "Width:": "Rộng:",
    "Height:": "Cao:",
    "Paper source:": "Khay giấy:",
    "Page &order:": "Thứ tự &trang:",
    "Pages &per sheet:": "Số trang &mỗi tờ:",
    "Paper": "Giấy",
    "Orientation": "Hướng giấy",
    "Margins": "Lề",
    "Page Layout": "Bố cục trang",
    "Options": "Tùy chọn",
    "Copies": "Số bản",
    "Copies:": "Số bản:",
    "Printer": "Máy in",
    "&Name:": "&Tên:",
    "P&roperties": "&Thuộc tính",
    "Location:": "Nơi đặt:",
    "Type:": "Loại:",
    "Output &file:": "Tệp &xuất:",
    "Print range": "Phạm vi in",
    "Print all": "In tất cả",
    "Pages from": "Từ trang",
    "to": "đến",
    "Current Page": "Trang hiện tại",
    "Selection": "Vùng chọn",
    "Collate": "Sắp theo bộ",
    "Reverse": "In ngược",
    "Millimeters (mm)": "Milimét (mm)",
    "OK": "Đồng ý",
    "Cancel": "Hủy",
    "Close": "Đóng",
}


def vietnamese(widget: QWidget) -> None:
    """Put Qt's English texts of ``widget`` and its children (actions, labels, buttons, groups) into
    Vietnamese; texts not in the table are left as they are."""
    title = widget.windowTitle()
    if title in VIETNAMESE:
        widget.setWindowTitle(VIETNAMESE[title])
    for action in widget.findChildren(QAction):
        text = action.text()
        if text in VIETNAMESE:
            action.setText(VIETNAMESE[text])
            action.setToolTip(VIETNAMESE[text])
            action.setIconText(VIETNAMESE[text])
    for label in widget.findChildren(QLabel):
        if label.text() in VIETNAMESE:
            label.setText(VIETNAMESE[label.text()])
    for button in widget.findChildren(QAbstractButton):
        if button.text() in VIETNAMESE:
            button.setText(VIETNAMESE[button.text()])
        if button.toolTip() in VIETNAMESE:
            button.setToolTip(VIETNAMESE[button.toolTip()])
    for group in widget.findChildren(QGroupBox):
        if group.title() in VIETNAMESE:
            group.setTitle(VIETNAMESE[group.title()])
    for combo in widget.findChildren(QComboBox):
        for i in range(combo.count()):
            if combo.itemText(i) in VIETNAMESE:
                combo.setItemText(i, VIETNAMESE[combo.itemText(i)])


class _PrintDialogsInVietnamese(QObject):
    """While a preview is open: the page set-up and print dialogs it opens are shown in Vietnamese."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            vietnamese(watched)
        return False


def preview_dpi(zoom: float, screen_dpi: float, pages: int) -> int:
    """The resolution page images need at ``zoom`` (1.0 = the page at its real size on a screen of
    ``screen_dpi`` pixels per inch): at least 200 dpi, at most 400 (200 for a long document), in
    steps of 50 so zooming re-renders rarely."""
    need = math.ceil(zoom * screen_dpi / 50) * 50
    cap = PREVIEW_DPI_MAX if pages <= PREVIEW_LONG_PAGES else PREVIEW_DPI
    return int(min(max(need, PREVIEW_DPI), cap))


class _SharperWhenZoomed(QObject):
    """Watches the preview's page view: zoomed in beyond what the page images hold, it asks the
    preview to paint again at a higher resolution."""

    def __init__(self, dialog: QPrintPreviewDialog, doc: QPdfDocument) -> None:
        super().__init__(dialog)
        self.dialog, self.doc, self.dpi = dialog, doc, PREVIEW_DPI
        self.widget = dialog.findChild(QPrintPreviewWidget)

    def paint(self, printer: QPrinter) -> int:
        return paint_pdf(self.doc, printer, self.dpi)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.widget is not None:
            screen = self.dialog.screen()
            screen_dpi = screen.logicalDotsPerInch() * screen.devicePixelRatio() if screen else 96.0
            want = preview_dpi(self.widget.zoomFactor(), screen_dpi, self.doc.pageCount())
            if want > self.dpi:
                self.dpi = want
                QTimer.singleShot(0, self.widget.updatePreview)  # not from inside a paint event
        return False


def load_pdf(path: Path) -> QPdfDocument:
    doc = QPdfDocument()
    status = doc.load(str(path))
    if status != QPdfDocument.Error.None_:
        raise OSError(f"Không mở được tệp PDF {path} để in.")
    return doc


def smooth_painter(painter: QPainter) -> QPainter:
    """Scale page images smoothly (nearest-pixel scaling makes Vietnamese marks unreadable)."""
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    return painter


def draw_page(painter: QPainter, doc: QPdfDocument, page: int, target: QRectF, dpi: int) -> None:
    """Page ``page`` rendered at ``dpi`` and drawn into ``target`` keeping its proportions."""
    size_pt = doc.pagePointSize(page)
    scale = min(target.width() / max(size_pt.width(), 1), target.height() / max(size_pt.height(), 1))
    w, h = size_pt.width() * scale, size_pt.height() * scale
    px = QSize(int(size_pt.width() * dpi / 72), int(size_pt.height() * dpi / 72))
    painter.drawImage(QRectF(target.x(), target.y(), w, h), doc.render(page, px))


def paint_pdf(doc: QPdfDocument, printer: QPrinter, dpi: int | None = None) -> int:
    """Paint every page of ``doc`` onto ``printer`` (one sheet per page) from images rendered at
    ``dpi`` (default: the printer's resolution, at most 300) and scaled smoothly; returns the pages."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    smooth_painter(painter)
    dpi = dpi or min(max(printer.resolution(), 150), PRINT_DPI_MAX)
    try:
        for page in range(doc.pageCount()):
            if page:
                printer.newPage()
            draw_page(painter, doc, page, QRectF(painter.viewport()), dpi)
    finally:
        painter.end()
    return doc.pageCount()


def _printer_for(doc: QPdfDocument) -> QPrinter:
    """A4, in the orientation of the PDF's first page, the whole sheet (the PDF has its own margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    from PySide6.QtGui import QPageLayout, QPageSize

    size = doc.pagePointSize(0) if doc.pageCount() else None
    landscape = bool(size and size.width() > size.height())
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(path_title(doc))
    return printer


def path_title(doc: QPdfDocument) -> str:
    title = doc.metaData(QPdfDocument.MetaDataField.Title)
    return str(title) if title else "Giảm nghèo"


class PreviewDialog(QPrintPreviewDialog):
    """Qt's print preview with what it paints with: the document and the printer, kept alive as long
    as the dialog (Qt does not own them), the resolution watcher and the translator of its dialogs."""

    def __init__(self, doc: QPdfDocument, printer: QPrinter, parent: QWidget | None) -> None:
        super().__init__(printer, parent)
        self._doc, self._printer = doc, printer
        self.sharper = _SharperWhenZoomed(self, doc)
        self.translator = _PrintDialogsInVietnamese(self)


def preview_pdf(path: Path, parent: QWidget | None = None, *, exec_dialog: bool = True) -> PreviewDialog | None:
    """Show "Xem trước khi in" for the PDF at ``path`` (print from the dialog's own button)."""
    try:
        doc = load_pdf(path)
    except OSError as exc:
        errors.show_error(parent, exc)
        return None
    dialog = PreviewDialog(doc, _printer_for(doc), parent)
    dialog.setWindowState(Qt.WindowState.WindowMaximized)
    sharper = dialog.sharper
    dialog.paintRequested.connect(sharper.paint)
    view = sharper.widget.findChild(QGraphicsView) if sharper.widget is not None else None
    if view is not None:
        view.viewport().installEventFilter(sharper)
    vietnamese(dialog)
    dialog.setWindowTitle("Xem trước khi in")
    translator = dialog.translator
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(translator)
        dialog.finished.connect(lambda _result: app.removeEventFilter(translator))
    if exec_dialog:
        dialog.exec()
    return dialog


def print_pdf(path: Path, parent: QWidget | None = None) -> bool:
    """ "In…": Qt's print dialog (in Vietnamese), then every page of the PDF."""
    doc = load_pdf(path)
    printer = _printer_for(doc)
    dialog = QPrintDialog(printer, parent)
    vietnamese(dialog)
    dialog.setWindowTitle("In")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return paint_pdf(doc, printer) > 0
