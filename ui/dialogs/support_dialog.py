"""Record a support for a household or one of its members.

The household is picked by search (code or any member's name, no case, no diacritics),
never by typing an id. Programme, funding source and unit follow the support type and
date (catalogue defaults) until the officer changes them.
Also holds the small widgets the other support dialogs share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError, ValidationFailed
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.services import support
from giamngheo_desktop.services.support import HouseholdChoice, Option, SupportInput
from ui.undo import record_write
from ui.widgets.combos import ElidedCombo, fit_popup
from ui.workspace import Workspace

VN_LOCALE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


# ------------------------------------------------------------ shared bits ----
def date_edit(value: str | None = None, *, optional: bool = False) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    if optional:
        edit.setSpecialValueText("—")
        edit.setMinimumDate(QDate(1900, 1, 1))
    if value:
        edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
    elif optional:
        edit.setDate(edit.minimumDate())
    else:
        edit.setDate(QDate.fromString(clock.today_iso(), "yyyy-MM-dd"))
    return edit


def date_value(edit: QDateEdit) -> str | None:
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return None
    return edit.date().toString("yyyy-MM-dd")


def money_box(maximum: float = 1e11) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setLocale(VN_LOCALE)
    box.setDecimals(0)
    box.setRange(0, maximum)
    box.setGroupSeparatorShown(True)
    box.setSuffix(" đồng")
    box.setSingleStep(100_000)
    return box


def fill_combo(combo: QComboBox, options: Sequence[Option], *, blank: str | None = None) -> None:
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for opt in options:
        combo.addItem(opt.name.strip() if opt.extra.get("level") is None else opt.name, opt.code)
    fit_popup(combo)


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def hide_when_edited(label: QWidget, *widgets: QWidget) -> None:
    """A validation message goes away as soon as the officer changes one of ``widgets``."""
    for widget in widgets:
        for name in ("textEdited", "valueChanged", "dateChanged", "currentIndexChanged", "toggled"):
            signal = getattr(widget, name, None)
            if signal is not None:
                signal.connect(lambda *_args: label.hide())
                break


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #B71C1C;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_problem(label: QLabel, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        label.setText("Chưa ghi được:\n" + "\n".join("• " + issue.text() for issue in exc.issues))
    else:
        label.setText(str(exc))
    label.show()


class HouseholdPicker(QWidget):
    """Search box + result list; emits ``picked(household_id)``."""

    picked = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm hộ theo mã hộ hoặc tên thành viên (gõ không dấu cũng được)")
        self.search.setClearButtonEnabled(True)
        # the hint read whole however narrow the form: its text, the clear button's room, frame and margins
        style = self.search.style()
        side = style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize) + 6
        side += style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin)
        hint = self.search.fontMetrics().horizontalAdvance(self.search.placeholderText())
        self.search.setMinimumWidth(hint + side + 16)
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        # "DX01 — Nguyễn Văn Hùng — Đồng Xuân — Hộ cận nghèo" read whole: wide enough for a usual
        # line (the loan form cut it), a longer one wraps instead of hiding behind a scroll bar
        self.results.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 34)
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chosen = QLabel("Chưa chọn hộ.")
        self.chosen.setStyleSheet("font-weight: bold;")
        self.chosen.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.results.currentItemChanged.connect(self._on_current)
        self.household: HouseholdChoice | None = None
        self.search.installEventFilter(self)  # Down moves into the results (keyboard only)
        self.results.installEventFilter(self)  # Enter on a result chooses it and goes on to the next field

    def eventFilter(self, watched: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched is self.results and event.type() == QEvent.Type.KeyPress and event.key() in enter:
            item = self.results.currentItem()
            if item is not None:  # chosen, not the whole form sent: the officer still has fields to fill
                self.set_household(int(item.data(Qt.ItemDataRole.UserRole)))
                self._focus_next()
            return True
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            if self._timer.isActive():
                self.run_search()
            if self.results.count():
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    def _focus_next(self) -> None:
        """Focus the first field after the picker that takes Tab (the form's next field)."""
        widget = self.results.nextInFocusChain()
        while widget is not None and widget is not self.results:
            if (
                not self.isAncestorOf(widget)
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def run_search(self) -> None:
        self._timer.stop()
        self.results.clear()
        text = self.search.text().strip()
        if not text or self.workspace.db.closed:  # the timer may fire after the file was closed
            return
        for h in support.search_households(self.workspace.db, text, limit=30):
            item = QListWidgetItem(f"{h.code} — {h.head_name} — {h.village_name} — {class_label(h.poverty_class)}")
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            self.results.addItem(item)
        if self.results.count() == 1:
            self.results.setCurrentRow(0)

    def _on_current(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if item is None:
            return
        self.set_household(int(item.data(Qt.ItemDataRole.UserRole)))

    def set_household(self, household_id: int) -> None:
        self.household = support.household_choice(self.workspace.db, household_id)
        h = self.household
        self.chosen.setText(f"Hộ đã chọn: {h.code} — {h.head_name} ({h.village_name}, {class_label(h.poverty_class)})")
        self.picked.emit(household_id)

    @property
    def household_id(self) -> int | None:
        return self.household.id if self.household else None

    def household_label(self) -> str:
        """``01-0003 (Trần Văn Sơn)`` for confirmations."""
        h = self.household
        return f"{h.code} ({h.head_name})" if h else ""


def support_input_of(row: Any) -> SupportInput:
    """The input that would write ``row`` (a ``SupportRow``) again: what an undo of an edit writes back."""
    return SupportInput(
        household_id=row.household_id,
        member_id=row.member_id,
        type_code=row.type_code,
        support_date=row.support_date,
        quantity=row.quantity,
        unit=row.unit,
        amount=row.amount,
        funding_source=row.funding_source,
        programme_id=row.programme_id,
        note=row.note,
    )


# ------------------------------------------------------------------ dialog ----
class SupportDialog(QDialog):
    """Ghi nhận hỗ trợ: one support for a household or a member."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        household_id: int | None = None,
        support_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.support_id = support_id
        db = workspace.db
        self.setWindowTitle("Ghi nhận hỗ trợ" if support_id is None else "Sửa bản ghi hỗ trợ")
        # no fixed minimum width: the form's own minimum (its longest programme name) must hold, or Qt's
        # 2/3-of-the-screen first size squeezes the labels ("Chương trình, d")
        self.saved_id: int | None = None

        self.picker = HouseholdPicker(workspace)
        self.member = QComboBox()
        self.type = QComboBox()
        fill_combo(self.type, [t for t in support.support_types(db) if t.code != support.LOAN_TYPE])
        self.date = date_edit()
        self.quantity = QDoubleSpinBox()
        self.quantity.setLocale(VN_LOCALE)
        self.quantity.setRange(0, 1_000_000)
        self.quantity.setDecimals(2)
        self.quantity.setValue(1)
        self.unit = QLineEdit()
        self.amount = money_box()
        self.source = QComboBox()
        fill_combo(self.source, support.funding_sources(db), blank="(chưa ghi nguồn)")
        self.programme = ElidedCombo()
        self.note = QLineEdit()
        self.errors = error_label()

        form = QFormLayout()
        form.addRow("Hộ nhận hỗ trợ:", self.picker)
        form.addRow("Người nhận:", self.member)
        form.addRow("Loại hỗ trợ:", self.type)
        form.addRow("Ngày hỗ trợ:", self.date)
        form.addRow("Số lượng:", self.quantity)
        form.addRow("Đơn vị tính:", self.unit)
        form.addRow("Số tiền:", self.amount)
        form.addRow("Nguồn vốn:", self.source)
        form.addRow("Chương trình, dự án:", self.programme)
        form.addRow("Ghi chú:", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Ghi nhận")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

        self.picker.picked.connect(self._load_members)
        hide_when_edited(
            self.errors, self.picker.search, self.member, self.type, self.date, self.quantity, self.amount, self.note
        )
        self.type.currentIndexChanged.connect(self._apply_defaults)
        self.date.dateChanged.connect(self._apply_defaults)
        self._load_members(None)
        self._apply_defaults()
        if household_id is not None:
            self.picker.set_household(household_id)
        if support_id is not None:
            self._load(support_id)
            buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu thay đổi")
        self._fit_programme()

    def _fit_programme(self) -> None:
        """Open wide enough for the chosen programme's long name ("Bảo hiểm y tế cho người nghèo, cận
        nghèo … (Nghị định 146/2018, 188/2025)") where the screen has the room: cut in the middle only
        on a narrow screen (the whole name is in its tooltip)."""
        self.adjustSize()
        combo = self.programme
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
        )
        missing = combo.fontMetrics().horizontalAdvance(combo.currentText().strip()) + 8 - field.width()
        screen = self.screen()
        if missing > 0 and screen is not None:
            self.resize(min(self.width() + missing, screen.availableGeometry().width() - 40), self.height())

    def _load(self, support_id: int) -> None:
        row = support.get_support(self.workspace.db, support_id)
        self.picker.set_household(row.household_id)
        select_data(self.type, row.type_code)
        self.date.setDate(QDate.fromString(row.support_date, "yyyy-MM-dd"))
        select_data(self.member, row.member_id)
        self.quantity.setValue(row.quantity)
        self.unit.setText(row.unit)
        self.amount.setValue(row.amount)
        select_data(self.source, row.funding_source)
        select_data(self.programme, str(row.programme_id) if row.programme_id else None)
        self.note.setText(row.note)

    def _load_members(self, household_id: int | None) -> None:
        self.member.clear()
        self.member.addItem("Cả hộ", None)
        if household_id:
            for m in support.household_members(self.workspace.db, household_id):
                year = f", {m.birth_year}" if m.birth_year else ""
                self.member.addItem(f"{m.full_name}{year}", m.id)

    def _apply_defaults(self, *_args: Any) -> None:
        db = self.workspace.db
        code = self.type.currentData()
        on_date = date_value(self.date) or clock.today_iso()
        fill_combo(self.programme, support.programmes(db, on_date=on_date), blank="(không gắn chương trình)")
        if not code:
            return
        programme_id, source = support.default_for(db, code, on_date)
        select_data(self.programme, str(programme_id) if programme_id else None)
        select_data(self.source, source)
        self.unit.setText(str(support.type_extra(db, code).get("unit", "")))

    def support_input(self) -> SupportInput:
        programme = self.programme.currentData()
        return SupportInput(
            household_id=self.picker.household_id or 0,
            member_id=self.member.currentData(),
            type_code=self.type.currentData() or "",
            support_date=date_value(self.date) or "",
            quantity=self.quantity.value(),
            unit=self.unit.text(),
            amount=round(self.amount.value()),
            funding_source=self.source.currentData(),
            programme_id=int(programme) if programme else None,
            note=self.note.text(),
        )

    def save(self) -> None:
        self.errors.hide()
        if self.picker.household_id is None:
            self.errors.setText("Chưa chọn hộ: gõ mã hộ hoặc tên một thành viên rồi chọn trong danh sách.")
            self.errors.show()
            return
        db = self.workspace.db
        data = self.support_input()
        try:
            if self.support_id is None:
                changes = support.record_support(db, data=data)
                new_id = self.saved_id = changes.written_id
                record_write(
                    self.workspace,
                    f"{self.type.currentText()} cho hộ {self.picker.household_label()}",
                    changes,
                    undo=lambda: support.cancel_support(db, support_id=new_id),
                    redo=lambda: support.restore_support(db, support_id=new_id),
                )
            else:
                support_id = self.support_id
                before = support_input_of(support.get_support(db, support_id))
                changes = support.edit_support(db, support_id=support_id, data=data)
                self.saved_id = support_id
                record_write(
                    self.workspace,
                    f"sửa {self.type.currentText()} của hộ {self.picker.household_label()}",
                    changes,
                    undo=lambda: support.edit_support(db, support_id=support_id, data=before),
                    redo=lambda: support.edit_support(db, support_id=support_id, data=data),
                )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.accept()
