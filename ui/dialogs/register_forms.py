"""Form pieces shared by the household and member dialogs (combos from code lists, dates, yes/no)."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from giamngheo_desktop import formats
from giamngheo_desktop.domain import fields
from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS, SEX_LABELS
from giamngheo_desktop.importing.lists import parse_date
from giamngheo_desktop.services import register
from giamngheo_desktop.services.session import Database


def code_combo(db: Database, list_name: str, *, empty: str = "(chưa rõ)", system: str | None = None) -> QComboBox:
    combo = QComboBox()
    # long names (e.g. employment) must not widen the form beyond the dialog
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(18)
    combo.addItem(empty, None)
    for code, name in register.code_items(db, list_name, system):
        combo.addItem(name, code)
    return combo


def set_combo(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def yes_no_combo() -> QComboBox:
    combo = QComboBox()
    combo.addItem("(chưa rõ)", None)
    combo.addItem("Có", True)
    combo.addItem("Không", False)
    return combo


def check_list(db: Database, list_name: str) -> QListWidget:
    widget = QListWidget()
    for code, name in register.code_items(db, list_name):
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, code)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setMaximumHeight(140)
    return widget


def checked_codes(widget: QListWidget) -> list[str]:
    return [
        str(widget.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def set_checked(widget: QListWidget, codes: list[str]) -> None:
    for i in range(widget.count()):
        item = widget.item(i)
        checked = item.data(Qt.ItemDataRole.UserRole) in codes
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def field_widgets(db: Database, form: QFormLayout, specs: list[fields.Field]) -> dict[str, QWidget]:
    """The widgets of fields the field table describes (domain.fields), added to ``form`` in order."""
    widgets: dict[str, QWidget] = {}
    for spec in specs:
        widget: QWidget
        if spec.widget == "combo":
            widget = code_combo(db, spec.code_list)
        elif spec.widget == "yes_no":
            widget = yes_no_combo()
        elif spec.widget == "checks":
            widget = check_list(db, spec.code_list)
        elif spec.widget == "area":
            spin = QDoubleSpinBox()
            spin.setRange(-1, 9999)
            spin.setSpecialValueText("(chưa rõ)")
            spin.setSuffix(" m²")
            spin.setValue(-1)
            widget = spin
        elif spec.widget == "date":
            widget = date_edit()
        else:
            widget = QLineEdit()
        widget.setAccessibleName(spec.label)
        form.addRow(f"{spec.label}:", widget)
        widgets[spec.key] = widget
    return widgets


def load_fields(widgets: dict[str, QWidget], data: Any) -> None:
    """Show ``data``'s values in widgets made by :func:`field_widgets`."""
    for key, widget in widgets.items():
        value = getattr(data, key)
        if isinstance(widget, QComboBox):
            set_combo(widget, value)
        elif isinstance(widget, QListWidget):
            set_checked(widget, list(value or []))
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(-1 if value is None else float(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(date_to_text(value) if key.endswith("_date") else str(value or ""))


def store_fields(widgets: dict[str, QWidget], data: Any) -> None:
    """Put what widgets made by :func:`field_widgets` hold into ``data``."""
    for key, widget in widgets.items():
        if isinstance(widget, QComboBox):
            setattr(data, key, widget.currentData())
        elif isinstance(widget, QListWidget):
            setattr(data, key, checked_codes(widget))
        elif isinstance(widget, QDoubleSpinBox):
            setattr(data, key, None if widget.value() < 0 else widget.value())
        elif isinstance(widget, QLineEdit):
            setattr(data, key, text_to_date(widget.text()) if key.endswith("_date") else widget.text())


def date_edit(placeholder: str = "ngày/tháng/năm") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(140)
    return edit


def date_to_text(iso: str | None) -> str:
    return formats.dmy(iso, "")


def text_to_date(text: str) -> str | None:
    """dd/mm/yyyy → ISO; text the parser cannot read is passed on for the service to refuse."""
    text = text.strip()
    if not text:
        return None
    iso, _year, problem = parse_date(text)
    if iso:
        return iso
    return text if problem else None


class MemberForm(QWidget):
    """The fields of one member (the member dialog, and the head of a new household)."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.full_name = QLineEdit()
        self.full_name.setAccessibleName("Họ và tên")
        self.relationship = code_combo(db, "relationship", empty="(chọn)")
        self.birth = date_edit("ngày/tháng/năm hoặc năm sinh")
        self.sex = QComboBox()
        self.sex.addItem("(chưa rõ)", None)
        for code, label in SEX_LABELS.items():
            self.sex.addItem(label, code)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("12 chữ số")
        self.id_number.setMaxLength(20)
        self.ethnicity = code_combo(db, "ethnicity", system=register.DEFAULT_ETHNICITY_SYSTEM)
        form = QFormLayout(self)
        form.addRow("Họ và tên:", self.full_name)
        form.addRow("Quan hệ với chủ hộ:", self.relationship)
        form.addRow("Ngày sinh:", self.birth)
        form.addRow("Giới tính:", self.sex)
        form.addRow("Số định danh cá nhân:", self.id_number)
        form.addRow("Dân tộc:", self.ethnicity)
        self.compact = compact
        if compact:
            return
        self.education = code_combo(db, "education_level")
        self.schooling = code_combo(db, "schooling")
        self.occupation = QLineEdit()
        self.employment = code_combo(db, "employment")
        self.labour_contract = yes_no_combo()
        self.hi_card = QLineEdit()
        self.hi_group = code_combo(db, "hi_group")
        self.hi_from = date_edit()
        self.hi_to = date_edit()
        self.disability = code_combo(db, "disability", empty="Không")
        self.allowance = QSpinBox()
        self.allowance.setRange(0, 100_000_000)
        self.allowance.setSingleStep(50_000)
        self.allowance.setSuffix(" đ/tháng")
        self.nutrition = code_combo(db, "nutrition")
        self.status = QComboBox()
        for code, label in LIFE_STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.status.setEnabled(False)
        self.status.setToolTip("Ghi nhận chết/chuyển đi bằng nút “Báo chết / chuyển đi”")
        self.note = QLineEdit()
        form.addRow("Trình độ học vấn:", self.education)
        form.addRow("Tình trạng đi học:", self.schooling)
        form.addRow("Nghề nghiệp:", self.occupation)
        form.addRow("Việc làm:", self.employment)
        form.addRow("Có hợp đồng lao động:", self.labour_contract)
        form.addRow("Số thẻ BHYT:", self.hi_card)
        form.addRow("Nhóm đối tượng BHYT:", self.hi_group)
        form.addRow("BHYT có giá trị từ:", self.hi_from)
        form.addRow("BHYT có giá trị đến:", self.hi_to)
        form.addRow("Khuyết tật:", self.disability)
        form.addRow("Trợ cấp xã hội hằng tháng:", self.allowance)
        form.addRow("Dinh dưỡng (trẻ dưới 16):", self.nutrition)
        form.addRow("Tình trạng:", self.status)
        form.addRow("Ghi chú:", self.note)

    def load(self, data: register.MemberInput) -> None:
        self._base = data
        self.full_name.setText(data.full_name)
        set_combo(self.relationship, data.relationship_code)
        self.birth.setText(date_to_text(data.birth_date) or (str(data.birth_year) if data.birth_year else ""))
        set_combo(self.sex, data.sex)
        self.id_number.setText(data.id_number or "")
        set_combo(self.ethnicity, data.ethnicity_code)
        if self.compact:
            return
        set_combo(self.education, data.education_level)
        set_combo(self.schooling, data.schooling)
        self.occupation.setText(data.occupation)
        set_combo(self.employment, data.employment)
        set_combo(self.labour_contract, data.labour_contract)
        self.hi_card.setText(data.hi_card_number or "")
        set_combo(self.hi_group, data.hi_group)
        self.hi_from.setText(date_to_text(data.hi_valid_from))
        self.hi_to.setText(date_to_text(data.hi_valid_to))
        set_combo(self.disability, data.disability)
        self.allowance.setValue(int(data.social_allowance or 0))
        set_combo(self.nutrition, data.nutrition)
        set_combo(self.status, data.life_status)
        self.note.setText(data.note)

    def value(self) -> register.MemberInput:
        base = getattr(self, "_base", None)
        data = register.MemberInput(full_name="") if base is None else dataclasses.replace(base)
        data.full_name = self.full_name.text()
        data.relationship_code = self.relationship.currentData()
        birth = self.birth.text().strip()
        iso, year, _problem = parse_date(birth) if birth else (None, None, None)
        data.birth_date = iso if iso else (birth if birth and not year else None)
        data.birth_year = None if iso else year
        data.sex = self.sex.currentData()
        data.id_number = self.id_number.text().strip() or None
        data.ethnicity_code = self.ethnicity.currentData()
        data.ethnicity_system = register.DEFAULT_ETHNICITY_SYSTEM if data.ethnicity_code else None
        if self.compact:
            return data
        data.education_level = self.education.currentData()
        data.schooling = self.schooling.currentData()
        data.occupation = self.occupation.text()
        data.employment = self.employment.currentData()
        data.labour_contract = self.labour_contract.currentData()
        data.hi_card_number = self.hi_card.text().strip() or None
        data.hi_group = self.hi_group.currentData()
        data.hi_valid_from = text_to_date(self.hi_from.text())
        data.hi_valid_to = text_to_date(self.hi_to.text())
        data.disability = self.disability.currentData()
        data.social_allowance = self.allowance.value()
        data.nutrition = self.nutrition.currentData()
        data.note = self.note.text()
        return data
