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
            widget = code_combo(db, spec.code_list, empty=spec.empty)
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
        elif spec.widget == "money":
            money = QSpinBox()
            money.setRange(0, 100_000_000)
            money.setSingleStep(50_000)
            money.setSuffix(" đ/tháng")
            widget = money
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
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value or 0))
        elif isinstance(widget, QLineEdit):
            is_date = fields.BY_KEY.get((_level(data), key), None)
            widget.setText(date_to_text(value) if is_date and is_date.kind == "date" else str(value or ""))


def _level(data: Any) -> str:
    return "member" if isinstance(data, register.MemberInput) else "household"


def store_fields(widgets: dict[str, QWidget], data: Any) -> None:
    """Put what widgets made by :func:`field_widgets` hold into ``data``."""
    defaults = {f.name: f.default for f in dataclasses.fields(data)}
    for key, widget in widgets.items():
        if isinstance(widget, QComboBox):
            setattr(data, key, widget.currentData())
        elif isinstance(widget, QListWidget):
            setattr(data, key, checked_codes(widget))
        elif isinstance(widget, QDoubleSpinBox):
            setattr(data, key, None if widget.value() < 0 else widget.value())
        elif isinstance(widget, QSpinBox):
            setattr(data, key, widget.value())
        elif isinstance(widget, QLineEdit):
            spec = fields.BY_KEY.get((_level(data), key))
            if spec is not None and spec.kind == "date":
                setattr(data, key, text_to_date(widget.text()))
            elif defaults.get(key) is None:  # an optional text: empty is "none"
                setattr(data, key, widget.text().strip() or None)
            else:
                setattr(data, key, widget.text())


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
        # the further fields, built from the field table (domain.fields)
        self.more = field_widgets(db, form, fields.section("member", "more"))
        self.status = QComboBox()
        for code, label in LIFE_STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.status.setEnabled(False)
        self.status.setToolTip("Ghi nhận chết/chuyển đi bằng nút “Báo chết / chuyển đi”")
        form.addRow("Tình trạng:", self.status)

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
        load_fields(self.more, data)
        set_combo(self.status, data.life_status)

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
        store_fields(self.more, data)
        return data
