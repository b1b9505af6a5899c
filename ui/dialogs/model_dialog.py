"""A production model (mô hình giảm nghèo) with its participating households and budget."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.services import commune, programmes, support
from giamngheo_desktop.services.programmes import ModelInput, ModelRow, Participant
from ui.dialogs.support_dialog import (
    HouseholdPicker,
    date_edit,
    date_value,
    error_label,
    fill_combo,
    money_box,
    select_data,
    show_problem,
)
from ui.models.support_rows_model import Column, RowsTableModel, money
from ui.widgets.combos import ElidedCombo
from ui.workspace import Workspace


def year_box(value: int | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(2000, 2100)
    box.setValue(value or clock.today().year)
    return box


class ModelDialog(QDialog):
    def __init__(self, workspace: Workspace, *, model: ModelRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model_row = model
        db = workspace.db
        self.setWindowTitle("Mô hình giảm nghèo" if model is None else f"Mô hình: {model.name}")
        self.resize(720, 640)
        self.name = QLineEdit(model.name if model else "")
        self.year = year_box(model.year if model else None)
        self.village = QComboBox()
        self.village.addItem("Toàn xã", None)
        for v in commune.list_villages(db):
            self.village.addItem(v.name, v.id)
        self.start = date_edit(model.start_date if model else None, optional=True)
        self.end = date_edit(model.end_date if model else None, optional=True)
        self.budget = money_box()
        self.source = QComboBox()
        fill_combo(self.source, support.funding_sources(db), blank="(chưa ghi nguồn)")
        self.programme = ElidedCombo()
        fill_combo(self.programme, support.programmes(db), blank="(không gắn chương trình)")
        self.description = QLineEdit(model.description if model else "")
        if model:
            select_data(self.village, model.village_id)
            self.budget.setValue(model.budget)
            select_data(self.source, model.funding_source)
            select_data(self.programme, str(model.programme_id) if model.programme_id else None)
        else:
            programme_id, source = support.default_for(db, "production_model", clock.today_iso())
            select_data(self.source, source)
            select_data(self.programme, str(programme_id) if programme_id else None)
        form = QFormLayout()
        form.addRow("Tên mô hình:", self.name)
        form.addRow("Năm:", self.year)
        form.addRow("Thôn:", self.village)
        form.addRow("Bắt đầu:", self.start)
        form.addRow("Kết thúc:", self.end)
        form.addRow("Kinh phí:", self.budget)
        form.addRow("Nguồn vốn:", self.source)
        form.addRow("Chương trình, dự án:", self.programme)
        form.addRow("Mô tả:", self.description)

        self.picker = HouseholdPicker(workspace)
        self.share = money_box()
        add = QPushButton("Thêm hộ tham gia")
        remove = QPushButton("Bỏ hộ đã chọn")
        self.participants = RowsTableModel(
            [
                Column("Mã hộ", lambda p: p.household_code),
                Column("Chủ hộ", lambda p: p.head_name),
                Column("Phân loại", lambda p: class_label(p.poverty_class)),
                Column("Hỗ trợ trong mô hình", lambda p: p.amount, money, numeric=True),
            ],
            id_attr="household_id",
        )
        if model:
            self.participants.set_rows(programmes.model_participants(db, model.id))
        table = QTableView()
        table.setModel(self.participants)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table = table
        row = QHBoxLayout()
        row.addWidget(self.share)
        row.addWidget(add)
        row.addWidget(remove)
        self.errors = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu mô hình")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.picker)
        layout.addLayout(row)
        layout.addWidget(table, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        add.clicked.connect(self.add_participant)
        remove.clicked.connect(self.remove_participant)
        self.saved_id: int | None = None

    def add_participant(self) -> None:
        h = self.picker.household
        if h is None:
            return
        rows = [p for p in self.participants.rows() if p.household_id != h.id]
        rows.append(Participant(h.id, h.code, h.head_name, h.poverty_class, round(self.share.value()), None))
        self.participants.set_rows(rows)

    def remove_participant(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            rows = self.participants.rows()
            del rows[index.row()]
            self.participants.set_rows(rows)

    def save(self) -> None:
        self.errors.hide()
        programme = self.programme.currentData()
        data = ModelInput(
            name=self.name.text(),
            year=self.year.value(),
            village_id=self.village.currentData(),
            start_date=date_value(self.start),
            end_date=date_value(self.end),
            budget=round(self.budget.value()),
            funding_source=self.source.currentData(),
            programme_id=int(programme) if programme else None,
            description=self.description.text(),
        )
        try:
            changes = programmes.save_model(
                self.workspace.db,
                data=data,
                participants=[(p.household_id, p.amount) for p in self.participants.rows()],
                model_id=self.model_row.id if self.model_row else None,
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.saved_id = changes.id
        self.workspace.broadcast(changes)
        self.accept()
