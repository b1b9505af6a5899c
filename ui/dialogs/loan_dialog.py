"""Record a preferential loan (Vay vốn ưu đãi) and its repayments."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import formats
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.services import support
from giamngheo_desktop.services.support import LoanInput, LoanRow, money
from ui.dialogs.support_dialog import (
    HouseholdPicker,
    date_edit,
    date_value,
    error_label,
    fill_combo,
    hide_when_edited,
    money_box,
    show_problem,
)
from ui.models.support_rows_model import Column, RowsTableModel, vn_date
from ui.undo import record_write
from ui.widgets.combos import ElidedCombo
from ui.workspace import Workspace


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
    buttons.rejected.connect(dialog.reject)
    return buttons


CLASS_PROGRAMMES = ("poor", "near_poor", "newly_escaped")  # loan programmes named after a household class


class LoanDialog(QDialog):
    """Ghi khoản vay: household, VBSP programme, amount, term, rate (default of the programme), dates."""

    def __init__(self, workspace: Workspace, *, household_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        db = workspace.db
        self.setWindowTitle("Ghi khoản vay ưu đãi")
        # no fixed minimum width: the form's own minimum must hold (see SupportDialog)
        self.saved_id: int | None = None
        self.picker = HouseholdPicker(workspace)
        self.programme = ElidedCombo()
        fill_combo(self.programme, support.loan_programmes(db))
        self.amount = money_box(5e9)
        self.term = QSpinBox()
        self.term.setRange(1, 600)
        self.term.setValue(36)
        self.term.setSuffix(" tháng")
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0, 30)
        self.rate.setDecimals(2)
        self.rate.setSuffix(" %/năm")
        self.disbursed = date_edit()
        self.due = date_edit(optional=True)
        self.due.setToolTip("Để trống: ngày giải ngân cộng thời hạn vay")
        self.note = QLineEdit()
        self.errors = error_label()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9a5b00; font-weight: bold;")
        self.warning.hide()
        form = QFormLayout()
        form.addRow("Hộ vay:", self.picker)
        form.addRow("Chương trình cho vay:", self.programme)
        form.addRow("Số tiền vay:", self.amount)
        form.addRow("Thời hạn:", self.term)
        form.addRow("Lãi suất:", self.rate)
        form.addRow("Ngày giải ngân:", self.disbursed)
        form.addRow("Ngày đến hạn:", self.due)
        form.addRow("Ghi chú:", self.note)
        buttons = _buttons(self, "Ghi khoản vay")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.programme.currentIndexChanged.connect(self._default_rate)
        self.programme.currentIndexChanged.connect(self._check_class)
        self.programme.activated.connect(lambda _i: setattr(self, "_programme_by_hand", True))
        self.picker.picked.connect(self._household_picked)
        hide_when_edited(
            self.errors, self.picker.search, self.programme, self.amount, self.term, self.rate, self.disbursed
        )
        self._programme_by_hand = False
        self._default_rate()
        if household_id is not None:
            self.picker.set_household(household_id)

    def _household_picked(self, _household_id: int) -> None:
        """The programme follows the household's class (Cho vay hộ nghèo / cận nghèo / mới thoát nghèo)."""
        household = self.picker.household
        if household is not None and not self._programme_by_hand:
            found = self.programme.findData(household.poverty_class)
            if found >= 0:
                self.programme.setCurrentIndex(found)
        self._check_class()

    def class_mismatch(self) -> str:
        """Why the programme does not fit the household's class ('' when it fits)."""
        household = self.picker.household
        programme = self.programme.currentData()
        if household is None or programme not in CLASS_PROGRAMMES or programme == household.poverty_class:
            return ""
        return (
            f"Hộ {household.code} là {class_label(household.poverty_class) or 'hộ chưa phân loại'}, nhưng chương trình"
            f" là «{self.programme.currentText()}»: kiểm tra lại trước khi ghi."
        )

    def _check_class(self, *_args: Any) -> None:
        text = self.class_mismatch()
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def _default_rate(self, *_args: Any) -> None:
        rate = support.default_rate(self.workspace.db, self.programme.currentData() or "")
        self.rate.setValue(rate if rate is not None else 0.0)

    def save(self) -> None:
        self.errors.hide()
        if self.picker.household_id is None:
            self.errors.setText("Chưa chọn hộ vay.")
            self.errors.show()
            return
        data = LoanInput(
            household_id=self.picker.household_id,
            programme_code=self.programme.currentData() or "",
            amount=round(self.amount.value()),
            term_months=self.term.value(),
            interest_rate=self.rate.value(),
            disbursement_date=date_value(self.disbursed) or "",
            due_date=date_value(self.due),
            note=self.note.text(),
        )
        mismatch = self.class_mismatch()
        if mismatch:
            answer = QMessageBox.question(self, "Chương trình cho vay", mismatch + "\n\nVẫn ghi khoản vay này?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        db = self.workspace.db
        try:
            saved = support.record_loan(db, data=data)
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.saved_id = saved.id
        record_id = support.get_loan(db, saved.written_id).support_id  # the loan goes with its support record
        record_write(
            self.workspace,
            f"khoản vay {money(data.amount)} đồng của hộ {self.picker.household_label()}",
            saved,
            undo=lambda: support.cancel_support(db, support_id=record_id),
            redo=lambda: support.restore_support(db, support_id=record_id),
        )
        self.accept()


class RepaymentDialog(QDialog):
    """Ghi trả nợ: principal (at most the outstanding balance) and interest."""

    def __init__(self, workspace: Workspace, loan: LoanRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.loan = loan
        self.setWindowTitle("Ghi trả nợ")
        self.setMinimumWidth(460)
        info = QLabel(
            f"Hộ {loan.household_code} — {loan.head_name}\n{loan.programme_name}: vay {money(loan.amount)} đồng"
            f" ngày {formats.dmy(loan.disbursement_date)}; dư nợ còn {money(loan.outstanding)} đồng."
        )
        info.setWordWrap(True)
        self.date = date_edit()
        self.principal = money_box(max(1, loan.outstanding))
        self.principal.setValue(0)
        self.interest = money_box(1e9)
        self.note = QLineEdit()
        self.errors = error_label()
        self.history = RowsTableModel(
            [
                Column("Ngày trả", lambda r: r.paid_date, vn_date),
                Column("Tiền gốc", lambda r: r.principal, money, numeric=True),
                Column("Tiền lãi", lambda r: r.interest, money, numeric=True),
                Column("Ghi chú", lambda r: r.note),
            ]
        )
        self.history.set_rows(support.loan_repayments(workspace.db, loan.id))
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        self.history_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.history_view.setMaximumHeight(140)
        self.cancel_button = QPushButton("Hủy lần trả đã chọn")
        self.cancel_button.clicked.connect(self.cancel_selected)
        form = QFormLayout()
        form.addRow("Ngày trả:", self.date)
        form.addRow("Tiền gốc:", self.principal)
        form.addRow("Tiền lãi:", self.interest)
        form.addRow("Ghi chú:", self.note)
        buttons = _buttons(self, "Ghi trả nợ")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(QLabel("Các lần đã trả:"))
        layout.addWidget(self.history_view)
        layout.addWidget(self.cancel_button)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.errors.hide()
        try:
            saved = support.record_repayment(
                self.workspace.db,
                loan_id=self.loan.id,
                paid_date=date_value(self.date) or "",
                principal=round(self.principal.value()),
                interest=round(self.interest.value()),
                note=self.note.text(),
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.workspace.broadcast(saved)
        self.accept()

    def cancel_selected(self) -> None:
        index = self.history_view.currentIndex()
        if not index.isValid():
            return
        try:
            changes = support.cancel_repayment(self.workspace.db, repayment_id=self.history.row_at(index.row()).id)
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.workspace.broadcast(changes)
        self.history.set_rows(support.loan_repayments(self.workspace.db, self.loan.id))
