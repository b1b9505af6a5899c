"""Support in one batch (Hỗ trợ theo lô): choose a support and who gets it, preview, apply, undo.

Preview shows the count and the list; Apply writes every record in one transaction
tagged with a batch; "Hoàn tác lô này" cancels the whole batch in one step. The batch
list dialog undoes earlier batches.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.vocab import CLASS_LABELS, PovertyClass
from giamngheo_desktop.services import commune, support
from giamngheo_desktop.services.support import BATCH_TARGET_LABELS, BatchPreview, BatchTarget, SupportInput
from ui.dialogs.support_dialog import (
    date_edit,
    date_value,
    error_label,
    fill_combo,
    money_box,
    select_data,
    show_problem,
)
from ui.models.support_rows_model import Column, RowsTableModel, money, vn_date
from ui.workspace import Workspace

TARGET_KINDS = ["members_without_hi", "members_of_class", "households_of_class"]


def preview_model() -> RowsTableModel:
    return RowsTableModel(
        [
            Column("Thôn", lambda r: r.village_name),
            Column("Mã hộ", lambda r: r.household_code),
            Column("Chủ hộ", lambda r: r.head_name),
            Column("Người nhận", lambda r: r.member_name or "Cả hộ"),
        ],
        id_attr="household_id",
    )


class BatchSupportDialog(QDialog):
    """``preset``: an explicit list (kind "households" or "members" with ids), e.g. a gap list on screen,
    offered as the first choice of Đối tượng; ``type_code`` preselects the support type."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        preset: BatchTarget | None = None,
        preset_label: str = "",
        type_code: str = "health_insurance",
    ) -> None:
        super().__init__(parent)
        self.preset = preset
        self.workspace = workspace
        db = workspace.db
        self.setWindowTitle("Hỗ trợ theo lô")
        self.resize(820, 620)
        self.preview: BatchPreview | None = None
        self.batch_id: int | None = None

        self.type = QComboBox()
        fill_combo(self.type, [t for t in support.support_types(db) if t.code != support.LOAN_TYPE])
        select_data(self.type, type_code)
        self.date = date_edit()
        self.amount = money_box()
        self.source = QComboBox()
        fill_combo(self.source, support.funding_sources(db), blank="(theo mặc định của loại hỗ trợ)")
        self.note = QLineEdit()
        self.kind = QComboBox()
        if preset is not None:
            self.kind.addItem(preset_label or f"{BATCH_TARGET_LABELS[preset.kind]} ({len(preset.ids)})", "preset")
        for kind in TARGET_KINDS:
            self.kind.addItem(BATCH_TARGET_LABELS[kind], kind)
        self.class_boxes: dict[str, QCheckBox] = {}
        classes = QHBoxLayout()
        for cls in (PovertyClass.POOR, PovertyClass.NEAR_POOR, PovertyClass.NEWLY_ESCAPED):
            box = QCheckBox(CLASS_LABELS[cls])
            box.setChecked(cls in (PovertyClass.POOR, PovertyClass.NEAR_POOR))
            self.class_boxes[cls.value] = box
            classes.addWidget(box)
        classes.addStretch(1)
        self.village = QComboBox()
        self.village.addItem("Tất cả các thôn", None)
        for v in commune.list_villages(db):
            self.village.addItem(v.name, v.id)

        form = QFormLayout()
        form.addRow("Loại hỗ trợ:", self.type)
        form.addRow("Ngày hỗ trợ:", self.date)
        form.addRow("Số tiền mỗi suất:", self.amount)
        form.addRow("Nguồn vốn:", self.source)
        form.addRow("Ghi chú:", self.note)
        form.addRow("Đối tượng:", self.kind)
        form.addRow("Phân loại hộ:", classes)
        form.addRow("Thôn:", self.village)

        self.preview_button = QPushButton("Xem trước danh sách")
        self.apply_button = QPushButton("Ghi hỗ trợ cho cả danh sách")
        self.apply_button.setEnabled(False)
        self.undo_button = QPushButton("Hoàn tác lô này")
        self.undo_button.setEnabled(False)
        self.count_label = QLabel("Bấm “Xem trước danh sách” để xem ai sẽ được ghi hỗ trợ.")
        self.count_label.setStyleSheet("font-weight: bold;")
        self.model = preview_model()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(True)
        self.errors = error_label()
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.apply_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors)
        layout.addWidget(close)

        self.preview_button.clicked.connect(self.run_preview)
        self.apply_button.clicked.connect(self.apply)
        self.undo_button.clicked.connect(self.undo)
        for widget in (self.type, self.kind, self.village):
            widget.currentIndexChanged.connect(self._invalidate)
        self.date.dateChanged.connect(self._invalidate)
        for box in self.class_boxes.values():
            box.toggled.connect(self._invalidate)

    def _invalidate(self, *_args: Any) -> None:
        self.preview = None
        self.apply_button.setEnabled(False)

    def target(self) -> BatchTarget:
        if self.kind.currentData() == "preset" and self.preset is not None:
            return self.preset
        classes = tuple(code for code, box in self.class_boxes.items() if box.isChecked())
        return BatchTarget(
            kind=self.kind.currentData(),
            classes=classes,
            village_id=self.village.currentData(),
            on_date=date_value(self.date) or clock.today_iso(),
        )

    def support_input(self) -> SupportInput:
        return SupportInput(
            household_id=0,
            type_code=self.type.currentData() or "",
            support_date=date_value(self.date) or "",
            amount=round(self.amount.value()),
            funding_source=self.source.currentData(),
            note=self.note.text(),
        )

    def run_preview(self) -> None:
        self.errors.hide()
        try:
            self.preview = support.preview_batch(self.workspace.db, target=self.target())
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.model.set_rows(self.preview.rows)
        unit = "người" if self.preview.member_level else "hộ"
        total = self.preview.count * round(self.amount.value())
        extra = f", tổng {money(total)} đồng" if total else ""
        self.count_label.setText(f"Sẽ ghi {self.type.currentText()} cho {self.preview.count} {unit}{extra}.")
        self.apply_button.setEnabled(self.preview.count > 0)

    def apply(self) -> None:
        if self.preview is None:
            return
        self.errors.hide()
        try:
            result = support.apply_batch(
                self.workspace.db,
                support=self.support_input(),
                target=self.target(),
                description=self.note.text(),
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.batch_id = result.id
        self.workspace.broadcast(result)
        self.apply_button.setEnabled(False)
        self.undo_button.setEnabled(True)
        self.count_label.setText(
            f"Đã ghi {result.count} bản ghi hỗ trợ (lô số {result.id}). Có thể hoàn tác cả lô bằng một lần bấm."
        )

    def undo(self) -> None:
        if self.batch_id is None:
            return
        try:
            changes = support.undo_batch(self.workspace.db, batch_id=self.batch_id)
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        self.workspace.broadcast(changes)
        self.count_label.setText(f"Đã hoàn tác lô số {self.batch_id}: mọi bản ghi của lô đã được hủy.")
        self.batch_id = None
        self.undo_button.setEnabled(False)
        self._invalidate()


class BatchListDialog(QDialog):
    """The batches recorded so far, with undo."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Các lô hỗ trợ")
        self.resize(760, 420)
        self.model = RowsTableModel(
            [
                Column("Số lô", lambda b: b.id, numeric=True),
                Column("Nội dung", lambda b: b.description),
                Column("Lúc ghi", lambda b: b.created_at.replace("T", " ")),
                Column("Số bản ghi", lambda b: b.count, numeric=True),
                Column("Số tiền", lambda b: b.amount, money, numeric=True),
                Column("Đã hoàn tác", lambda b: vn_date(b.undone_at[:10]) if b.undone_at else ""),
            ],
            highlight=lambda b: b.undone_at is not None,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.undo_button = QPushButton("Hoàn tác lô đã chọn")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.undo_button.clicked.connect(self.undo_selected)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(support.list_batches(self.workspace.db))

    def undo_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        batch = self.model.row_at(index.row())
        answer = QMessageBox.question(
            self,
            "Hoàn tác lô hỗ trợ",
            f"Hủy toàn bộ {batch.count} bản ghi của lô số {batch.id} ({batch.description})?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            changes = support.undo_batch(self.workspace.db, batch_id=batch.id)
        except DomainError as exc:
            QMessageBox.warning(self, "Không hoàn tác được", str(exc))
            return
        self.workspace.broadcast(changes)
        self.refresh()
