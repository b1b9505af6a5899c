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
from ui.dialogs.restore_dialog import when
from ui.dialogs.support_dialog import (
    date_edit,
    date_value,
    error_label,
    fill_combo,
    money_box,
    select_data,
    show_problem,
)
from ui.models.support_rows_model import Column, RowsTableModel, TickedRowsModel, money, vn_date
from ui.undo import ServiceCommand, record_write
from ui.workspace import Workspace


def preview_model() -> TickedRowsModel:
    return TickedRowsModel(
        [
            Column("Ghi", lambda r: ""),
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
        self.preset_label = preset_label
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
        self._fill_kinds()
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
        self.apply_button = QPushButton("Ghi hỗ trợ cho các dòng đã đánh dấu")
        self.apply_button.setEnabled(False)
        self.undo_button = QPushButton("Hoàn tác lô này")
        self.undo_button.setEnabled(False)
        self.all_button = QPushButton("Chọn tất cả")
        self.none_button = QPushButton("Bỏ chọn tất cả")
        for b in (self.all_button, self.none_button, self.preview_button, self.apply_button):
            b.setAutoDefault(False)
        self.command: ServiceCommand | None = None
        self.count_label = QLabel("Bấm “Xem trước danh sách” để xem ai sẽ được ghi hỗ trợ.")
        self.count_label.setStyleSheet("font-weight: bold;")
        self.model = preview_model()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(True)
        self.errors = error_label()
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.apply_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        row.addWidget(self.all_button)
        row.addWidget(self.none_button)
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
        self.type.currentIndexChanged.connect(self._fill_kinds)
        self.model.dataChanged.connect(lambda *_: self._show_count())
        self.all_button.clicked.connect(lambda: self.model.set_all(True))
        self.none_button.clicked.connect(lambda: self.model.set_all(False))
        for widget in (self.type, self.kind, self.village):
            widget.currentIndexChanged.connect(self._invalidate)
        self.date.dateChanged.connect(self._invalidate)
        for box in self.class_boxes.values():
            box.toggled.connect(self._invalidate)

    def member_level(self) -> bool:
        """Supports given to a person (health insurance, training…) are recorded per member, never "Cả hộ"."""
        code = self.type.currentData() or ""
        return support.type_extra(self.workspace.db, code).get("level") == "member"

    def _fill_kinds(self, *_args: Any) -> None:
        current = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        if self.preset is not None:
            self.kind.addItem(
                self.preset_label or f"{BATCH_TARGET_LABELS[self.preset.kind]} ({len(self.preset.ids)})", "preset"
            )
        if self.member_level():
            kinds = ["members_of_class"]
            if (self.type.currentData() or "") == "health_insurance":
                kinds.insert(0, "members_without_hi")
        else:
            kinds = ["households_of_class"]
        for kind in kinds:
            self.kind.addItem(BATCH_TARGET_LABELS[kind], kind)
        found = self.kind.findData(current)
        self.kind.setCurrentIndex(max(found, 0))
        self.kind.blockSignals(False)

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
        self._show_count()

    def _show_count(self) -> None:
        if self.preview is None:
            return
        unit = "người" if self.preview.member_level else "hộ"
        count = len(self.model.ticked())
        total = count * round(self.amount.value())
        extra = f", tổng {money(total)} đồng" if total else ""
        left_out = self.preview.count - count
        skipped = f" (bỏ {left_out} {unit} không đánh dấu)" if left_out else ""
        self.count_label.setText(f"Sẽ ghi {self.type.currentText()} cho {count} {unit}{extra}{skipped}.")
        self.apply_button.setEnabled(count > 0)

    def chosen_target(self) -> BatchTarget:
        """The target as previewed, or only the ticked rows when some were unticked."""
        ticked = self.model.ticked()
        if self.preview is None or len(ticked) == self.preview.count:
            return self.target()
        if self.preview.member_level:
            return BatchTarget(kind="members", ids=tuple(int(r.member_id) for r in ticked))
        return BatchTarget(kind="households", ids=tuple(int(r.household_id) for r in ticked))

    def apply(self) -> None:
        if self.preview is None:
            return
        self.errors.hide()
        count = len(self.model.ticked())
        unit = "người" if self.preview.member_level else "hộ"
        total = count * round(self.amount.value())
        question = f"Ghi «{self.type.currentText()}» ngày {self.date.text()} cho {count} {unit}"
        question += f", tổng {money(total)} đồng?" if total else "?"
        answer = QMessageBox.question(self, "Ghi hỗ trợ theo lô", question + "\n\nCó thể hoàn tác cả lô (Ctrl+Z).")
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.workspace.db
        try:
            result = support.apply_batch(
                db, support=self.support_input(), target=self.chosen_target(), description=self.note.text()
            )
        except DomainError as exc:
            show_problem(self.errors, exc)
            return
        batch_id = self.batch_id = result.written_id
        record_write(
            self.workspace,
            f"{self.type.currentText()} cho {result.count} {unit} (lô số {batch_id})",
            result,
            undo=lambda: support.undo_batch(db, batch_id=batch_id),
            redo=lambda: support.restore_batch(db, batch_id=batch_id),
        )
        stack = self.workspace.undo_stack
        command = stack.command(stack.index() - 1)
        self.command = command if isinstance(command, ServiceCommand) else None
        self.apply_button.setEnabled(False)
        self.undo_button.setEnabled(True)
        self.count_label.setText(
            f"Đã ghi {result.count} bản ghi hỗ trợ (lô số {batch_id}). Hoàn tác cả lô: nút bên trên hoặc Ctrl+Z."
        )

    def undo(self) -> None:
        if self.batch_id is None:
            return
        stack = self.workspace.undo_stack
        if self.command is not None and stack.index() > 0 and stack.command(stack.index() - 1) is self.command:
            stack.undo()  # the same step as Ctrl+Z, so the stack and the ledger agree
        else:
            try:
                self.workspace.broadcast(support.undo_batch(self.workspace.db, batch_id=self.batch_id))
            except DomainError as exc:
                show_problem(self.errors, exc)
                return
        self.count_label.setText(f"Đã hoàn tác lô số {self.batch_id}: mọi bản ghi của lô đã được hủy.")
        self.batch_id = None
        self.command = None
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
                Column("Lúc ghi", lambda b: when(b.created_at)),  # 07/12/2026 09:30
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
        db = self.workspace.db
        try:
            changes = support.undo_batch(db, batch_id=batch.id)
        except DomainError as exc:
            QMessageBox.warning(self, "Không hoàn tác được", str(exc))
            return
        record_write(
            self.workspace,
            f"hoàn tác lô hỗ trợ số {batch.id}",
            changes,
            undo=lambda: support.restore_batch(db, batch_id=batch.id),
            redo=lambda: support.undo_batch(db, batch_id=batch.id),
        )
        self.refresh()
