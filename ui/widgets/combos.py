"""Drop-downs of long names (programmes, projects): the list opens as wide as its longest name,
and the closed box cuts a name in the middle ("Chương trình mục tiêu … giai đoạn 2026–2030")
with the whole name as its tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget


def fit_popup(combo: QComboBox) -> None:
    """Open ``combo``'s list as wide as its longest entry (within the screen); each entry's whole
    text is its tooltip, and an entry still too long is cut in the middle."""
    view = combo.view()
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    fm = view.fontMetrics()
    widest = 0
    for i in range(combo.count()):
        text = combo.itemText(i)
        combo.setItemData(i, text.strip(), Qt.ItemDataRole.ToolTipRole)
        widest = max(widest, fm.horizontalAdvance(text))
    style = view.style()
    extra = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 4 * style.pixelMetric(
        QStyle.PixelMetric.PM_DefaultFrameWidth
    )
    screen = combo.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().width() - 24 if screen is not None else widest + extra + 24
    view.setMinimumWidth(min(widest + extra + 24, room))


class ElidedCombo(QComboBox):
    """A combo box whose chosen text, when too long for the box, is cut in the middle (whole in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the box does not grow to the longest name (the window would outgrow a 1366 px screen)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(28)
        self.currentTextChanged.connect(lambda text: self.setToolTip(text.strip()))

    def shown_text(self) -> str:
        """The chosen text as the closed box shows it (cut in the middle when too long)."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        room = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return option.fontMetrics.elidedText(option.currentText.strip(), Qt.TextElideMode.ElideMiddle, room.width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
