"""Form pieces shared by the household and member dialogs (combos from code lists, dates, yes/no)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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
from giamngheo_desktop.domain.vocab import AREA_LABELS, LIFE_STATUS_LABELS, SEX_LABELS
from giamngheo_desktop.importing.lists import parse_date
from giamngheo_desktop.services import commune, register
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
        widget = field_widget(db, spec)
        widget.setAccessibleName(spec.label)
        widget.setProperty("field", spec.key)
        form.addRow(f"{spec.label}:", widget)
        widgets[spec.key] = widget
    return widgets


def _spin(low: int, high: int, step: int, suffix: str, unknown: bool) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(-1 if unknown else low, high)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    if unknown:
        spin.setSpecialValueText("(chưa rõ)")
        spin.setValue(-1)
    return spin


def field_widget(db: Database, spec: fields.Field) -> QWidget:
    """The dialog widget of one field of the field table (domain.fields)."""
    kind = spec.widget
    if kind == "combo":
        system = register.DEFAULT_ETHNICITY_SYSTEM if spec.code_list == "ethnicity" else None
        return code_combo(db, spec.code_list, empty=spec.empty, system=system)
    if kind in ("yes_no", "village", "area_type", "class", "sex"):
        combo = yes_no_combo() if kind == "yes_no" else QComboBox()
        choices: list[tuple[str, Any]] = []
        if kind == "village":
            choices = [(v.name, v.id) for v in commune.list_villages(db)]
        elif kind == "area_type":
            choices = [("Theo thôn/xã", None), *((label, code.value) for code, label in AREA_LABELS.items())]
        elif kind == "class":
            choices = [(label, code) for code, label in register.class_choices()]
        elif kind == "sex":
            choices = [("(chưa rõ)", None), *((label, code) for code, label in SEX_LABELS.items())]
        for label, value in choices:
            combo.addItem(label, value)
        return combo
    if kind == "checks":
        return check_list(db, spec.code_list)
    if kind == "check":
        return QCheckBox(spec.label)
    if kind == "area":
        area = QDoubleSpinBox()
        area.setRange(-1, 9999)
        area.setSpecialValueText("(chưa rõ)")
        area.setSuffix(" m²")
        area.setValue(-1)
        return area
    if kind == "money":
        return _spin(0, 100_000_000, 50_000, " đ/tháng", unknown=False)
    if kind == "income":
        return _spin(0, 1_000_000_000, 100_000, " đ/người/tháng", unknown=True)
    if kind == "date":
        return date_edit()
    if kind == "birth":
        birth = date_edit("ngày/tháng/năm hoặc năm sinh")
        birth.setMaximumWidth(220)
        return birth
    line = QLineEdit()
    if spec.rule.id_number:  # room for the spaces and dots people type; the number is checked on saving
        line.setPlaceholderText("12 chữ số")
        line.setMaxLength(20)
    elif spec.rule.max_length:
        line.setMaxLength(spec.rule.max_length)
    return line


def _spec(data: Any, key: str) -> fields.Field:
    level = "member" if isinstance(data, register.MemberInput) else "household"
    return fields.BY_KEY[(level, key)]


def load_fields(widgets: dict[str, QWidget], data: Any) -> None:
    """Show ``data``'s values in widgets made by :func:`field_widgets`."""
    for key, widget in widgets.items():
        spec = _spec(data, key)
        value = getattr(data, key)
        if isinstance(widget, QComboBox):
            set_combo(widget, value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QListWidget):
            set_checked(widget, list(value or []))
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(-1 if value is None else float(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value) if value is not None else widget.minimum())
        elif isinstance(widget, QLineEdit):
            if spec.widget == "birth":
                widget.setText(date_to_text(value) or (str(data.birth_year) if data.birth_year else ""))
            elif spec.kind == "date":
                widget.setText(date_to_text(value))
            else:
                widget.setText(str(value or ""))


def store_fields(widgets: dict[str, QWidget], data: Any) -> None:
    """Put what widgets made by :func:`field_widgets` hold into ``data``."""
    defaults = {f.name: f.default for f in dataclasses.fields(data)}
    for key, widget in widgets.items():
        spec = _spec(data, key)
        if isinstance(widget, QComboBox):
            value = widget.currentData()
            if spec.widget == "village":
                value = int(value or 0)
            elif spec.widget == "class":
                value = str(value)
            setattr(data, key, value)
            if spec.code_list == "ethnicity":
                data.ethnicity_system = register.DEFAULT_ETHNICITY_SYSTEM if value else None
        elif isinstance(widget, QCheckBox):
            setattr(data, key, widget.isChecked())
        elif isinstance(widget, QListWidget):
            setattr(data, key, checked_codes(widget))
        elif isinstance(widget, (QDoubleSpinBox, QSpinBox)):
            setattr(data, key, None if widget.value() < 0 else widget.value())
        elif isinstance(widget, QLineEdit):
            text = widget.text()
            if spec.widget == "birth":  # a whole date, or a year only
                birth = text.strip()
                iso, year, _problem = parse_date(birth) if birth else (None, None, None)
                data.birth_date = iso if iso else (birth if birth and not year else None)
                data.birth_year = None if iso else year
            elif spec.kind == "date":
                setattr(data, key, text_to_date(text))
            elif defaults.get(key) is None:  # an optional text: empty is "none"
                setattr(data, key, text.strip() or None)
            else:
                setattr(data, key, text)


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
        form = QFormLayout(self)
        # who the member is, then the further fields: both from the field table (domain.fields)
        self.person = field_widgets(db, form, fields.section("member", "person"))
        self.full_name = cast(QLineEdit, self.person["full_name"])
        self.relationship = cast(QComboBox, self.person["relationship_code"])
        self.birth = cast(QLineEdit, self.person["birth_date"])
        self.sex = cast(QComboBox, self.person["sex"])
        self.id_number = cast(QLineEdit, self.person["id_number"])
        self.ethnicity = cast(QComboBox, self.person["ethnicity_code"])
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
        load_fields(self.person, data)
        if self.compact:
            return
        load_fields(self.more, data)
        set_combo(self.status, data.life_status)

    def value(self) -> register.MemberInput:
        base = getattr(self, "_base", None)
        data = register.MemberInput(full_name="") if base is None else dataclasses.replace(base)
        store_fields(self.person, data)
        if self.compact:
            return data
        store_fields(self.more, data)
        return data
