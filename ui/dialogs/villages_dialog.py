"""Thôn, tổ dân phố after the first run: add, rename, merge one into another (its households move
with their history), stop using an empty one. Each change is one service call (services.commune)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import commune
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.text import thousands
from ui import errors
from ui.models.support_rows_model import Column, RowsTableModel
from ui.undo import record_write
from ui.workspace import Workspace


class VillagesDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Thôn, tổ dân phố")
        self.resize(640, 460)
        self.model = RowsTableModel(
            [
                Column("Tên thôn/tổ", lambda v: v.name),
                Column("Mã", lambda v: v.code),
                Column("Số hộ", lambda v: v.household_count or 0, thousands, numeric=True),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("Thêm thôn/tổ…")
        self.rename_button = QPushButton("Đổi tên…")
        self.merge_button = QPushButton("Nhập vào thôn/tổ khác…")
        self.retire_button = QPushButton("Thôi dùng")
        self.retire_button.setToolTip("Chỉ thôi dùng được thôn/tổ không còn hộ nào (nhập vào thôn khác trước)")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.rename_button, self.merge_button, self.retire_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        note = QLabel(
            "Nhập thôn: mọi hộ của thôn được chuyển sang thôn kia, giữ nguyên mã hộ và lịch sử; thôn cũ vẫn còn"
            " trong các đợt rà soát và báo cáo đã lập."
        )
        note.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(note)
        layout.addWidget(close)
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.merge_button.clicked.connect(self.merge)
        self.retire_button.clicked.connect(self.retire)
        # Ctrl+Z / Ctrl+Y work here too (the main window's shortcuts do not reach a dialog)
        QShortcut(QKeySequence.StandardKey.Undo, self, workspace.undo_stack.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, workspace.undo_stack.redo)
        workspace.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.commune:
            self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(commune.list_villages(self.workspace.db, with_counts=True))

    def selected(self) -> commune.Village | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _run(
        self,
        fn: Callable[[], Changes],
        text: str,
        undo: Callable[[Changes], Callable[[], Changes]],
        redo: Callable[[Changes], Callable[[], Changes]],
    ) -> bool:
        """Run a write, then put its way back on the undo stack (``undo``/``redo`` built from its Changes)."""
        try:
            changes = fn()
        except DomainError as exc:
            errors.show_error(self, exc)
            return False
        record_write(self.workspace, text, changes, undo=undo(changes), redo=redo(changes))
        self.refresh()
        return True

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "Thêm thôn/tổ", "Tên thôn/tổ dân phố mới:")
        if ok and name.strip():
            db = self.workspace.db
            self._run(
                lambda: commune.add_village(db, commune.as_named(commune.VillageInput(name=name))),
                f"thêm {name.strip()}",
                undo=lambda c: lambda: commune.retire_village(db, village_id=int(c.id or 0)),
                redo=lambda c: lambda: commune.restore_village(db, village_id=int(c.id or 0)),
            )

    def rename(self) -> None:
        village = self.selected()
        if village is None:
            QMessageBox.information(self, "Đổi tên", "Hãy chọn một thôn/tổ trong danh sách.")
            return
        name, ok = QInputDialog.getText(self, "Đổi tên thôn/tổ", f"Tên mới của {village.name}:", text=village.name)
        if not ok or not name.strip():
            return
        name = commune.as_named(commune.VillageInput(name=name, kind=village.kind)).name  # "Thôn X" → "X"
        if name == village.name:
            return
        db = self.workspace.db
        try:
            changes = commune.rename_village(db, village_id=village.id, name=name)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        old = village.name
        record_write(
            self.workspace,
            f"đổi tên {old} thành {name.strip()}",
            changes,
            undo=lambda: commune.rename_village(db, village_id=village.id, name=old),
            redo=lambda: commune.rename_village(db, village_id=village.id, name=name),
        )
        self.refresh()

    def merge(self) -> None:
        village = self.selected()
        if village is None:
            QMessageBox.information(self, "Nhập thôn/tổ", "Hãy chọn thôn/tổ sẽ được nhập vào thôn/tổ khác.")
            return
        others = [v for v in self.model.rows() if v.id != village.id]
        if not others:
            return
        names = [v.name for v in others]
        target_name, ok = QInputDialog.getItem(
            self, "Nhập thôn/tổ", f"Nhập {village.name} ({village.household_count or 0} hộ) vào:", names, 0, False
        )
        if not ok:
            return
        target = others[names.index(target_name)]
        answer = QMessageBox.question(
            self,
            "Nhập thôn/tổ",
            f"Chuyển {village.household_count or 0} hộ của {village.name} sang {target.name} và thôi dùng"
            f" {village.name}? (Có sao lưu tự động khi đóng chương trình.)",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.workspace.db
        self._run(
            lambda: commune.merge_villages(db, source_id=village.id, target_id=target.id),
            f"nhập {village.name} vào {target.name} ({village.household_count or 0} hộ)",
            undo=lambda c: (
                lambda: commune.unmerge_villages(
                    db, source_id=village.id, target_id=target.id, household_ids=sorted(c.household_ids or ())
                )
            ),
            redo=lambda c: lambda: commune.merge_villages(db, source_id=village.id, target_id=target.id),
        )

    def retire(self) -> None:
        village = self.selected()
        if village is None:
            return
        db = self.workspace.db
        self._run(
            lambda: commune.retire_village(db, village_id=village.id),
            f"thôi dùng {village.name}",
            undo=lambda _c: lambda: commune.restore_village(db, village_id=village.id),
            redo=lambda _c: lambda: commune.retire_village(db, village_id=village.id),
        )
