"""Thêm / sửa hộ gia đình: general data, class and flags, causes of poverty, what the indicators need."""

from __future__ import annotations

import dataclasses
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain import fields
from giamngheo_desktop.services import register
from giamngheo_desktop.services.changes import Changes
from ui.dialogs.register_forms import (
    MemberForm,
    field_widget,
    field_widgets,
    load_fields,
    set_combo,
    store_fields,
)
from ui.undo import run_operation
from ui.workspace import Workspace


def scrolled(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area that only scrolls when the screen is too small."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class HouseholdDialog(QDialog):
    """New household (with its head) when ``household_id`` is None, else edits that household."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        household_id: int | None = None,
        village_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.household_id = household_id
        self.result_op: Changes | None = None
        db = workspace.db

        # -- general ------------------------------------------------------------
        # the flags (a box of tick boxes), the causes and the note: from the field table too
        self.flags = {spec.key: field_widget(db, spec) for spec in fields.section("household", "flags")}

        general = QWidget()
        form = QFormLayout(general)
        # the household's own fields, built from the field table (domain.fields)
        self.general = field_widgets(db, form, fields.section("household", "general"))
        self.code = cast(QLineEdit, self.general["code"])
        self.village = cast(QComboBox, self.general["village_id"])
        self.address = cast(QLineEdit, self.general["address"])
        self.poverty_class = cast(QComboBox, self.general["poverty_class"])
        flags_box = QGroupBox("Đặc điểm của hộ")
        grid = QGridLayout(flags_box)
        for number, box in enumerate(self.flags.values()):
            grid.addWidget(box, number // 2, number % 2)
        form.addRow(flags_box)
        self.closing = field_widgets(db, form, fields.section("household", "closing"))
        self.causes = cast(QListWidget, self.closing["causes"])
        self.note = cast(QLineEdit, self.closing["note"])

        # -- what the indicators need: built from the field table (domain.fields) ----
        housing = QWidget()
        self.housing = field_widgets(db, QFormLayout(housing), fields.section("household", "housing"))

        tabs = QTabWidget()
        tabs.addTab(scrolled(general), "Thông tin chung")  # scrolls rather than outgrow a 768-pixel screen
        tabs.addTab(scrolled(housing), "Nhà ở, nước, thông tin")
        self.head_form: MemberForm | None = None
        if household_id is None:
            self.head_form = MemberForm(db, compact=True)
            self.head_form.relationship.setEnabled(False)
            set_combo(self.head_form.relationship, register.HEAD)
            head_page = QWidget()
            QVBoxLayout(head_page).addWidget(self.head_form)
            tabs.insertTab(1, scrolled(head_page), "Chủ hộ")
            self.setWindowTitle("Thêm hộ gia đình")
            if village_id is not None:
                set_combo(self.village, village_id)
            self.code.setText(register.next_household_code(db, self.village.currentData()))
        else:
            self._load(household_id)
        self.tabs = tabs

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.resize(640, 640)

    def _load(self, household_id: int) -> None:
        row = register.get_household(self.workspace.db, household_id)
        data = register.household_input_from_row(row, row["causes"])
        self.setWindowTitle(f"Sửa hộ {data.code}")
        for widgets in (self.general, self.flags, self.closing, self.housing):
            load_fields(widgets, data)
        self._base = data

    def value(self) -> register.HouseholdInput:
        base = getattr(self, "_base", None)
        data = register.HouseholdInput(code="", village_id=0) if base is None else dataclasses.replace(base)
        for widgets in (self.general, self.flags, self.closing, self.housing):
            store_fields(widgets, data)
        return data

    def save(self) -> None:
        data = self.value()
        db = self.workspace.db
        if self.household_id is None:
            assert self.head_form is not None
            head = self.head_form.value()
            head.relationship_code = register.HEAD
            result = run_operation(
                self.workspace,
                self,
                f"Thêm hộ {data.code}",
                lambda: register.add_household(db, household=data, members=[head]),
            )
        else:
            household_id = self.household_id
            result = run_operation(
                self.workspace,
                self,
                f"Sửa hộ {data.code}",
                lambda: register.update_household(db, household_id, household=data),
            )
        if result is not None:
            self.result_op = result
            self.accept()
        elif self.head_form is not None and not self.head_form.full_name.text().strip():
            # refused for the head's missing name: show the page where it is typed (it opens on another)
            self.tabs.setCurrentIndex(1)
            self.head_form.full_name.setFocus()
