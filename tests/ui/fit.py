"""Finds text a person would see cut: labels, buttons, tab titles, column headers and the hints of empty
fields narrower than their text.

``cut_texts(widget)`` walks the visible widgets below ``widget`` and returns one line per cut
text (``"QPushButton 'Lưu lại': needs 120 px, has 96"``). Only what is on screen counts: a
hidden page of a stacked widget or a column scrolled out of view is not "cut".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTabBar,
    QToolButton,
    QWidget,
)

from ui.widgets.combos import ElidedCombo

SLACK = 2  # pixels of rounding Qt's own size hints allow themselves


def _plain(label: QLabel) -> str:
    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or (label.textFormat() == Qt.TextFormat.AutoText and "<" in text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _label(label: QLabel) -> str | None:
    if not label.text() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    room = label.contentsRect()
    if label.wordWrap():
        need = label.heightForWidth(room.width())
        if need > room.height() + SLACK and need > label.sizeHint().height():
            return f"QLabel {_plain(label)[:60]!r}: needs {need} px high, has {room.height()}"
        return None
    need = label.sizeHint().width() - (label.width() - room.width())
    if need > room.width() + SLACK:
        return f"QLabel {_plain(label)[:60]!r}: needs {need} px, has {room.width()}"
    return None


def _button(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    need = button.sizeHint().width()
    if need > button.width() + SLACK:
        return f"{type(button).__name__} {button.text()!r}: needs {need} px, has {button.width()}"
    return None


def _combo(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text or combo.isEditable() or isinstance(combo, ElidedCombo):
        return None  # an ElidedCombo cuts a long name in the middle on purpose (whole in its tooltip)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    need = QFontMetrics(combo.font()).horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        need += combo.iconSize().width() + 4
    if need > room.width() + SLACK:
        return f"QComboBox {text[:60]!r}: needs {need} px, has {room.width()}"
    return None


def _placeholder(edit: QLineEdit) -> str | None:
    """An empty field's hint ("Tìm hộ theo mã hộ hoặc tên…") read whole, as QLineEdit lays it out."""
    hint = edit.placeholderText()
    if not hint or edit.text():
        return None
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    style = edit.style()
    room = style.subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit).width()
    margins = edit.textMargins()
    room -= margins.left() + margins.right() + 4  # QLineEdit's own 2 pixels each side
    icon = style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize, None, edit)
    gap = style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin, None, edit)
    side = [b for b in edit.findChildren(QToolButton) if b.parentWidget() is edit and b.isVisibleTo(edit)]
    room -= len(side) * (icon + 6 + gap)  # the clear button and any action shown inside the field
    need = QFontMetrics(edit.font()).horizontalAdvance(hint)
    if need > room + SLACK:
        return f"QLineEdit hint {hint[:60]!r}: needs {need} px, has {room}"
    return None


def _tabs(bar: QTabBar) -> list[str]:
    found = []
    fm = QFontMetrics(bar.font())
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        need = fm.horizontalAdvance(bar.tabText(i).replace("&", "")) + 8
        if need > bar.tabRect(i).width():
            found.append(f"tab {bar.tabText(i)!r}: needs {need} px, has {bar.tabRect(i).width()}")
    return found


def _header(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None or not header.isVisible() or header.orientation() != Qt.Orientation.Horizontal:
        return []
    found = []
    font = header.font()
    fm = QFontMetrics(font)
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        need = max(fm.horizontalAdvance(line) for line in str(text).split("\n")) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            need += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        size = header.sectionSize(logical)
        if header.stretchLastSection() and logical == header.logicalIndex(header.count() - 1):
            continue  # the last section stretches to what is left; it scrolls into view
        if need > size + SLACK:
            found.append(f"column {str(text)!r}: needs {need} px, has {size}")
    return found


def cut_texts(root: QWidget) -> list[str]:
    """Every visible text below ``root`` that does not fit its space."""
    found: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if (
            isinstance(widget, QAbstractItemView)
            and (parent := widget.parentWidget()) is not None
            and isinstance(parent.parentWidget(), QComboBox)
        ):
            continue  # a combo's popup list
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
        elif isinstance(widget, QLineEdit) and not isinstance(widget.parentWidget(), QComboBox):
            problem = _placeholder(widget)
        elif isinstance(widget, QTabBar):
            found += _tabs(widget)
        elif isinstance(widget, QHeaderView):
            found += _header(widget)
        if problem:
            found.append(problem)
    return found
