"""Thông tin xã: the first-run dialog, also reachable later as Tệp → Thông tin xã….

First run: the commune's settings and its villages, saved in one transaction by
``services.commune.setup_commune``. Later: the settings can be edited and villages
added (not removed — households refer to them). Every message from
``validate_settings``/``validate_villages`` appears next to its field or under the list.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock, formats
from giamngheo_desktop.domain.errors import DomainError, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.vocab import AREA_LABELS, COMMUNE_KIND_LABELS, VILLAGE_KIND_LABELS
from giamngheo_desktop.services import commune
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.session import Database
from ui.dialogs.support_dialog import hide_when_edited

VILLAGE_KINDS = ("thon", "to_dan_pho")  # what the dialog offers; other kinds stay as stored
ERROR_STYLE = "color: #b00020;"

# ValidationIssue.field (from services.commune) → the dialog's field key
FIELD_KEYS = {
    "Tên xã/phường": "name",
    "Loại đơn vị": "kind",
    "Mã xã": "code",
    "Tỉnh/thành phố": "province",
    "Khu vực": "area_type",
    "Áp dụng từ ngày": "identity_from",
}
AREA_WORDS = {"rural": "nông thôn", "urban": "thành thị"}


class FirstRunDialog(QDialog):
    def __init__(self, db: Database, *, first_run: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.first_run = first_run
        self.changes: Changes | None = None
        self.setWindowTitle("Khai báo thông tin xã" if first_run else "Thông tin xã")

        intro = QLabel(
            "Chào mừng bạn đến với Giảm nghèo Desktop. Hãy khai báo thông tin của xã (phường) và danh sách "
            "thôn, tổ dân phố. Các thông tin này in trên báo cáo và có thể sửa lại sau trong Tệp → Thông tin xã…"
            if first_run
            else "Sửa thông tin của xã và thêm thôn, tổ dân phố mới. Thôn/tổ đã có hộ không xóa ở đây."
        )
        intro.setWordWrap(True)

        self.name = QLineEdit()
        self.name.setPlaceholderText("ví dụ: xã Tân Lập")
        self.kind = QComboBox()
        for code, label in COMMUNE_KIND_LABELS.items():
            self.kind.addItem(label, code)
        self.code = QLineEdit()
        self.code.setPlaceholderText("ví dụ: 01234")
        self.code.setToolTip("Mã xã/phường gồm 5 chữ số theo danh mục đơn vị hành chính")
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,5}"), self.code))
        self.code.setFixedWidth(150)
        self.province = QLineEdit()
        self.province.setPlaceholderText("ví dụ: Phú Thọ")
        self.area_type = QComboBox()
        for code, label in AREA_LABELS.items():
            self.area_type.addItem(label, code.value)
        # a changed code, name or kind applies from a date (communes merged, xã → phường in 2025–2026)
        self.identity_from = QDateEdit()
        self.identity_from.setCalendarPopup(True)
        self.identity_from.setDisplayFormat("dd/MM/yyyy")
        self.identity_from.setMinimumDate(QDate(2000, 1, 1))
        self.identity_from.setSpecialValueText("Từ đầu (sửa chỗ nhập sai)")
        self.identity_from.setMaximumDate(QDate.fromString(clock.today_iso(), "yyyy-MM-dd"))
        self.identity_from.setDate(self.identity_from.maximumDate())
        self.identity_from.setToolTip(
            "Ngày quyết định sáp nhập, đổi tên, đổi mã hay chuyển xã thành phường có hiệu lực. Các kỳ trước ngày "
            "này giữ mã, tên, loại cũ (chuẩn nghèo nông thôn/thành thị, tên trên báo cáo và gói dữ liệu)."
        )
        self.receiving_office = QLineEdit()
        self.receiving_office.setPlaceholderText("cơ quan nhận báo cáo của xã")
        self.chairman_name = QLineEdit()
        self.preparer_name = QLineEdit()

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, widget in (
            ("name", "Tên xã/phường:", self.name),
            ("kind", "Loại đơn vị:", self.kind),
            ("code", "Mã xã (5 chữ số):", self.code),
            ("province", "Tỉnh/thành phố:", self.province),
            ("area_type", "Khu vực:", self.area_type),
            ("receiving_office", "Nơi nhận báo cáo:", self.receiving_office),
            ("chairman_name", "Chủ tịch UBND:", self.chairman_name),
            ("preparer_name", "Người lập biểu:", self.preparer_name),
        ):
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            self.errors[key] = error
            hide_when_edited(error, widget)  # the message goes once the field is changed
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            if widget is self.code:
                line = QHBoxLayout()
                line.addWidget(widget)
                line.addStretch(1)
                box.addLayout(line)
            else:
                box.addWidget(widget)
            box.addWidget(error)
            form.addRow(label, box)
        self.identity_row = QWidget()
        identity_box = QVBoxLayout(self.identity_row)
        identity_box.setContentsMargins(0, 0, 0, 0)
        identity_box.setSpacing(2)
        identity_line = QHBoxLayout()
        identity_line.addWidget(self.identity_from)
        self.identity_hint = QLabel("(khi đổi mã, tên, loại đơn vị hay khu vực)")
        self.identity_hint.setEnabled(False)
        identity_line.addWidget(self.identity_hint, 1)
        identity_box.addLayout(identity_line)
        identity_error = QLabel()
        identity_error.setStyleSheet(ERROR_STYLE)
        identity_error.setWordWrap(True)
        identity_error.setVisible(False)
        hide_when_edited(identity_error, self.identity_from)
        identity_box.addWidget(identity_error)
        self.errors["identity_from"] = identity_error
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(["Áp dụng từ", "Mã", "Tên", "Loại, khu vực"])
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setMinimumHeight(100)
        self.history.setMaximumHeight(130)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.remove_change_button = QPushButton("Bỏ lần thay đổi đã chọn…")
        self.remove_change_button.setAutoDefault(False)
        self.remove_change_button.setEnabled(False)
        self.remove_change_button.setToolTip("Bỏ một lần thay đổi ghi nhầm (thông tin ban đầu của xã không bỏ được)")
        self.remove_change_button.clicked.connect(self.remove_change)
        self.history.itemSelectionChanged.connect(self._history_selected)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history)
        history_line = QHBoxLayout()
        history_line.addWidget(self.remove_change_button)
        history_line.addStretch(1)
        history_layout.addLayout(history_line)
        self._entries: list[commune.CommuneAt] = []
        if not first_run:
            form.insertRow(5, "Áp dụng từ ngày:", self.identity_row)
            form.addRow("Các lần thay đổi:", history_box)
        else:
            self.identity_row.hide()
            history_box.hide()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        settings_group = QGroupBox("Thông tin xã")
        settings_group.setLayout(form)

        self.villages = QTableWidget(0, 2)
        self.villages.setHorizontalHeaderLabels(["Tên thôn/tổ dân phố", "Loại"])
        self.villages.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.villages.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.villages.verticalHeader().setVisible(False)
        self.villages.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.villages.setMinimumHeight(180)
        self.add_button = QPushButton("Thêm thôn/tổ")
        self.add_button.clicked.connect(self._add_clicked)
        self.add_button.setAutoDefault(False)  # Enter saves the dialog
        self.remove_button = QPushButton("Xóa thôn/tổ")
        self.remove_button.clicked.connect(self.remove_selected_village)
        self.remove_button.setAutoDefault(False)
        self.villages.itemSelectionChanged.connect(self._update_buttons)
        self.village_errors = QLabel()
        self.village_errors.setStyleSheet(ERROR_STYLE)
        self.village_errors.setWordWrap(True)
        self.village_errors.setVisible(False)
        self.errors["villages"] = self.village_errors
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_button)
        buttons_row.addWidget(self.remove_button)
        buttons_row.addStretch(1)
        hint = QLabel("Bấm đúp vào tên để sửa.")
        hint.setEnabled(False)
        buttons_row.addWidget(hint)
        village_layout = QVBoxLayout()
        village_layout.addWidget(self.villages, 1)
        village_layout.addLayout(buttons_row)
        village_layout.addWidget(self.village_errors)
        village_group = QGroupBox("Thôn, tổ dân phố")
        village_group.setLayout(village_layout)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(
            "Thoát" if first_run else "Hủy", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(settings_group, 3)
        columns.addWidget(village_group, 2)
        layout = QVBoxLayout(self)
        self.office_chosen = False  # the officer chose "Cơ quan tiếp nhận" instead of a commune
        if first_run:
            use_row = QHBoxLayout()
            use_row.addWidget(QLabel("Tệp này dùng cho:"))
            self.use_commune = QRadioButton("Xã/phường (sổ hộ của một xã)")
            self.use_commune.setChecked(True)
            self.use_office = QRadioButton("Cơ quan tiếp nhận (nhận gói dữ liệu của các xã: Sở, Phòng Kinh tế)")
            self.use_office.toggled.connect(self._office_toggled)
            use_row.addWidget(self.use_commune)
            use_row.addWidget(self.use_office)
            use_row.addStretch(1)
            layout.addLayout(use_row)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.resize(920, 520 if first_run else 600)

        self._existing_rows = 0
        if not first_run and commune.has_commune(db):
            self._load_existing()
        elif first_run:
            self.add_village("")
        self._update_buttons()
        self.name.setFocus()

    def _kind_changed(self, _index: int) -> None:
        """A phường is urban, a xã rural (the officer may still choose otherwise)."""
        area = {"phuong": "urban", "xa": "rural"}.get(self.kind.currentData())
        if area is not None:
            self.area_type.setCurrentIndex(max(self.area_type.findData(area), 0))

    def _history_selected(self) -> None:
        row = self.history.currentRow()
        self.remove_change_button.setEnabled(0 <= row < len(self._entries) and not self._entries[row].from_start)

    def remove_change(self) -> None:
        """Take back a change recorded by mistake; the fields show what is in force today again."""
        row = self.history.currentRow()
        if not 0 <= row < len(self._entries) or self._entries[row].from_start:
            return
        entry = self._entries[row]
        answer = QMessageBox.question(
            self,
            "Bỏ lần thay đổi",
            f"Bỏ lần thay đổi áp dụng từ {formats.dmy(entry.valid_from, '')} ({entry.code} — {entry.name})? "
            "Các kỳ từ ngày đó sẽ dùng lại mã, tên, loại trước đó.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.changes = commune.remove_identity_change(self.db, valid_from=entry.valid_from)
        except DomainError as exc:
            QMessageBox.warning(self, "Không bỏ được", str(exc))
            return
        now = commune.get_commune(self.db)
        self.name.setText(now.name)
        self.kind.setCurrentIndex(max(self.kind.findData(now.kind), 0))
        self.code.setText(now.code)
        self.area_type.setCurrentIndex(max(self.area_type.findData(now.area_type), 0))
        self._show_history()

    def _show_history(self) -> None:
        entries = self._entries = commune.commune_history(self.db)
        self.history.setRowCount(len(entries))
        for row, e in enumerate(entries):
            since = "Từ đầu" if e.from_start else formats.dmy(e.valid_from, "")
            kind = f"{COMMUNE_KIND_LABELS.get(e.kind, e.kind)}, {AREA_WORDS.get(e.area_type, e.area_type)}"
            for column, text in enumerate((since, e.code, e.name, kind)):
                self.history.setItem(row, column, QTableWidgetItem(text))

    def identity_date(self) -> str:
        """The date a changed code, name or kind applies from (``SINCE_START``: a correction)."""
        if self.identity_from.date() == self.identity_from.minimumDate():
            return commune.SINCE_START
        return self.identity_from.date().toString("yyyy-MM-dd")

    def _office_toggled(self, checked: bool) -> None:
        if checked:
            self.office_chosen = True
            self.done(QDialog.DialogCode.Rejected)

    # -- villages ------------------------------------------------------------
    def _load_existing(self) -> None:
        s = commune.get_commune(self.db)
        self.name.setText(s.name)
        self.kind.setCurrentIndex(max(self.kind.findData(s.kind), 0))
        self.code.setText(s.code)
        self.province.setText(s.province)
        self.area_type.setCurrentIndex(max(self.area_type.findData(s.area_type), 0))
        self.receiving_office.setText(s.receiving_office)
        self.chairman_name.setText(s.chairman_name)
        self.preparer_name.setText(s.preparer_name)
        self._show_history()
        for village in commune.list_villages(self.db, with_counts=True):
            row = self.add_village(village.name, village.kind)
            item = self.villages.item(row, 0)
            if item is not None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(f"{village.household_count} hộ")
            combo = self.villages.cellWidget(row, 1)
            if combo is not None:
                combo.setEnabled(False)
        self._existing_rows = self.villages.rowCount()

    def _add_clicked(self) -> None:
        row = self.add_village("")
        self.villages.setCurrentCell(row, 0)
        item = self.villages.item(row, 0)
        if item is not None:
            self.villages.editItem(item)

    def add_village(self, name: str, kind: str | None = None) -> int:
        row = self.villages.rowCount()
        self.villages.insertRow(row)
        self.villages.setItem(row, 0, QTableWidgetItem(name))
        combo = QComboBox()
        kinds = list(VILLAGE_KINDS)
        if kind and kind not in kinds:
            kinds.append(kind)
        for code in kinds:
            combo.addItem(VILLAGE_KIND_LABELS[code], code)
        default = kind or ("to_dan_pho" if self.kind.currentData() == "phuong" else "thon")
        combo.setCurrentIndex(max(combo.findData(default), 0))
        self.villages.setCellWidget(row, 1, combo)
        self._update_buttons()
        return row

    def remove_selected_village(self) -> None:
        row = self.villages.currentRow()
        if row >= self._existing_rows:
            self.villages.removeRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.villages.currentRow()
        self.remove_button.setEnabled(row >= self._existing_rows and row >= 0)

    def village_inputs(self, *, new_only: bool = False) -> list[commune.VillageInput]:
        result = []
        for row in range(self._existing_rows if new_only else 0, self.villages.rowCount()):
            item = self.villages.item(row, 0)
            combo = self.villages.cellWidget(row, 1)
            kind = combo.currentData() if isinstance(combo, QComboBox) else "thon"
            typed = commune.VillageInput(name=item.text() if item else "", kind=kind)
            result.append(commune.as_named(typed) if row >= self._existing_rows else typed)
        return result

    # -- settings ------------------------------------------------------------
    def settings(self) -> commune.CommuneSettings:
        return commune.CommuneSettings(
            name=self.name.text(),
            code=self.code.text(),
            province=self.province.text(),
            area_type=self.area_type.currentData(),
            kind=self.kind.currentData(),
            receiving_office=self.receiving_office.text(),
            chairman_name=self.chairman_name.text(),
            preparer_name=self.preparer_name.text(),
        )

    def show_issues(self, issues: list[ValidationIssue]) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        village_lines: list[str] = []
        for issue in issues:
            key = FIELD_KEYS.get(issue.field)
            if key is None:
                village_lines.append(f"{issue.field}: {issue.message}" + (f" (“{issue.value}”)" if issue.value else ""))
                continue
            label = self.errors[key]
            text = f"{issue.field} {issue.message}."
            label.setText((label.text() + "\n" + text) if label.text() else text)
            label.setVisible(True)
        if village_lines:
            self.village_errors.setText("\n".join(village_lines))
            self.village_errors.setVisible(True)

    def issues(self) -> list[ValidationIssue]:
        issues = commune.validate_settings(self.settings()) + commune.validate_villages(self.village_inputs())
        if not self.village_inputs():
            issues.append(ValidationIssue("Thôn/tổ dân phố", "cần ít nhất một thôn hoặc tổ dân phố"))
        return issues

    def save(self) -> None:
        issues = self.issues()
        self.show_issues(issues)
        if issues:
            return
        try:
            villages = self.village_inputs(new_only=not self.first_run)
            self.changes = commune.save_setup(
                self.db,
                commune.CommuneSetup(settings=self.settings(), villages=villages),
                identity_from=None if self.first_run else self.identity_date(),
            )
        except ValidationFailed as exc:
            self.show_issues(exc.issues)
            return
        self.accept()
