"""Vocational classes with trainees and outcome; staff trainings with attendees; the staff list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.services import programmes, support
from giamngheo_desktop.services.programmes import ClassInput, ClassRow, Trainee, TraineeInput
from ui.dialogs.model_dialog import year_box
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
from ui.models.support_rows_model import Column, RowsTableModel
from ui.widgets.combos import ElidedCombo
from ui.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex


class TraineesModel(RowsTableModel):
    """Trainees with two checkable columns: completed (Hoàn thành) and found work (Có việc làm)."""

    CHECK_COLUMNS = {3: "completed", 4: "employed"}

    def __init__(self) -> None:
        super().__init__(
            [
                Column("Học viên", lambda t: t.full_name),
                Column("Mã hộ", lambda t: t.household_code),
                Column("Phân loại hộ", lambda t: class_label(t.poverty_class)),
                Column("Hoàn thành", lambda t: ""),
                Column("Có việc làm", lambda t: ""),
            ],
            id_attr="member_id",
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        attr = self.CHECK_COLUMNS.get(index.column()) if index.isValid() else None
        if attr and role == Qt.ItemDataRole.CheckStateRole and 0 <= index.row() < self.rowCount():
            checked = getattr(self.row_at(index.row()), attr)
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in self.CHECK_COLUMNS:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        attr = self.CHECK_COLUMNS.get(index.column()) if index.isValid() else None
        if not attr or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value == Qt.CheckState.Checked or value == Qt.CheckState.Checked.value
        rows = self.rows()
        old: Trainee = rows[index.row()]
        changes: dict[str, Any] = {attr: checked}
        if attr == "employed" and checked:
            changes["completed"] = True
        if attr == "employed" and not checked:
            changes["employed_date"] = None
        rows[index.row()] = Trainee(**{**old.__dict__, **changes})
        self._rows = rows
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        return True


class ClassDialog(QDialog):
    """Lớp đào tạo nghề: class details and trainees (members picked from households)."""

    def __init__(self, workspace: Workspace, *, klass: ClassRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.klass = klass
        db = workspace.db
        self.setWindowTitle("Lớp đào tạo nghề" if klass is None else f"Lớp: {klass.name}")
        self.resize(740, 680)
        self.name = QLineEdit(klass.name if klass else "")
        self.occupation = QLineEdit(klass.occupation if klass else "")
        self.year = year_box(klass.year if klass else None)
        self.start = date_edit(klass.start_date if klass else None, optional=True)
        self.end = date_edit(klass.end_date if klass else None, optional=True)
        self.organiser = QLineEdit(klass.organiser if klass else "")
        self.budget = money_box()
        self.source = QComboBox()
        fill_combo(self.source, support.funding_sources(db), blank="(chưa ghi nguồn)")
        self.programme = ElidedCombo()
        fill_combo(self.programme, support.programmes(db), blank="(không gắn chương trình)")
        if klass:
            self.budget.setValue(klass.budget)
            select_data(self.source, klass.funding_source)
            select_data(self.programme, str(klass.programme_id) if klass.programme_id else None)
        form = QFormLayout()
        form.addRow("Tên lớp:", self.name)
        form.addRow("Nghề đào tạo:", self.occupation)
        form.addRow("Năm:", self.year)
        form.addRow("Khai giảng:", self.start)
        form.addRow("Kết thúc:", self.end)
        form.addRow("Đơn vị tổ chức:", self.organiser)
        form.addRow("Kinh phí:", self.budget)
        form.addRow("Nguồn vốn:", self.source)
        form.addRow("Chương trình, dự án:", self.programme)

        self.picker = HouseholdPicker(workspace)
        self.member = QComboBox()
        add = QPushButton("Thêm học viên")
        remove = QPushButton("Bỏ học viên đã chọn")
        row = QHBoxLayout()
        row.addWidget(QLabel("Thành viên:"))
        row.addWidget(self.member, 1)
        row.addWidget(add)
        row.addWidget(remove)
        self.trainees = TraineesModel()
        if klass:
            self.trainees.set_rows(programmes.class_trainees(db, klass.id))
        self.table = QTableView()
        self.table.setModel(self.trainees)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.errors = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu lớp")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Học viên (tích “Hoàn thành”, “Có việc làm” khi có kết quả):"))
        layout.addWidget(self.picker)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.picker.picked.connect(self._load_members)
        add.clicked.connect(self.add_trainee)
        remove.clicked.connect(self.remove_trainee)
        self.saved_id: int | None = None

    def _load_members(self, household_id: int) -> None:
        self.member.clear()
        for m in support.household_members(self.workspace.db, household_id):
            self.member.addItem(f"{m.full_name}{', ' + str(m.birth_year) if m.birth_year else ''}", m.id)

    def add_trainee(self) -> None:
        h = self.picker.household
        member_id = self.member.currentData()
        if h is None or member_id is None:
            return
        if any(t.member_id == member_id for t in self.trainees.rows()):
            return
        name = self.member.currentText().split(",")[0]
        rows = [*self.trainees.rows(), Trainee(member_id, name, h.id, h.code, h.poverty_class, False, False, None)]
        self.trainees.set_rows(rows)

    def remove_trainee(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            rows = self.trainees.rows()
            del rows[index.row()]
            self.trainees.set_rows(rows)

    def save(self) -> None:
        self.errors.hide()
        programme = self.programme.currentData()
        data = ClassInput(
            name=self.name.text(),
            occupation=self.occupation.text(),
            year=self.year.value(),
            start_date=date_value(self.start),
            end_date=date_value(self.end),
            organiser=self.organiser.text(),
            budget=round(self.budget.value()),
            funding_source=self.source.currentData(),
            programme_id=int(programme) if programme else None,
        )
        trainees = [TraineeInput(t.member_id, t.completed, t.employed, t.employed_date) for t in self.trainees.rows()]
        try:
            changes = programmes.save_class(
                self.workspace.db, data=data, trainees=trainees, class_id=self.klass.id if self.klass else None
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.saved_id = changes.id
        self.workspace.broadcast(changes)
        self.accept()


def _lines(text: str) -> list[tuple[str, str]]:
    """'Name - position' per line → (name, position)."""
    result = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, position = line.partition(" - ")
        result.append((name.strip(), position.strip()))
    return result


class StaffTrainingDialog(QDialog):
    """Tập huấn cán bộ: title, date, organiser and attendees (one per line)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Đợt tập huấn cán bộ")
        self.resize(560, 480)
        self.title_edit = QLineEdit()
        self.year = year_box()
        self.held = date_edit(optional=True)
        self.organiser = QLineEdit()
        self.attendees = QPlainTextEdit()
        self.attendees.setPlaceholderText("Mỗi dòng một người: Họ tên - Chức vụ")
        names = [s.full_name + (f" - {s.position}" if s.position else "") for s in programmes.list_staff(workspace.db)]
        self.attendees.setPlainText("\n".join(names))
        form = QFormLayout()
        form.addRow("Nội dung tập huấn:", self.title_edit)
        form.addRow("Năm:", self.year)
        form.addRow("Ngày tập huấn:", self.held)
        form.addRow("Đơn vị tổ chức:", self.organiser)
        form.addRow("Người dự:", self.attendees)
        self.errors = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.errors.hide()
        try:
            changes = programmes.save_staff_training(
                self.workspace.db,
                title=self.title_edit.text(),
                year=self.year.value(),
                held_date=date_value(self.held),
                organiser=self.organiser.text(),
                attendees=_lines(self.attendees.toPlainText()),
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.workspace.broadcast(changes)
        self.accept()


class StaffListDialog(QDialog):
    """Danh sách cán bộ làm công tác giảm nghèo (mẫu số của chỉ tiêu “100 % cán bộ được tập huấn”)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Cán bộ làm công tác giảm nghèo")
        self.resize(520, 420)
        self.staff = programmes.list_staff(workspace.db)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Mỗi dòng một người: Họ tên - Chức vụ")
        self.text.setPlainText("\n".join(s.full_name + (f" - {s.position}" if s.position else "") for s in self.staff))
        self.errors = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu danh sách")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Người không còn trong danh sách sẽ được đánh dấu thôi làm công tác giảm nghèo."))
        layout.addWidget(self.text)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def save(self) -> None:
        wanted = _lines(self.text.toPlainText())
        try:
            changes = programmes.save_staff_list(self.workspace.db, wanted=wanted)
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.workspace.broadcast(changes)
        self.accept()
