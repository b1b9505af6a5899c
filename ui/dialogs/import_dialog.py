"""Nhập danh sách từ Excel: choose a file, see the preview (row-by-row report), then import."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.importing import lists
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.text import thousands
from ui import errors
from ui.tasks import TaskContext
from ui.workspace import Workspace

FILE_FILTER = "Danh sách Excel hoặc CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;Tất cả các tệp (*)"
TEMPLATE = "mau-danh-sach-ho.xlsx"


class ImportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, start_folder: str = "") -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.start_folder = start_folder
        self.preview: lists.ImportPreview | None = None
        self.result_import: lists.ImportResult | None = None
        self.setWindowTitle("Nhập danh sách hộ từ Excel")

        self.path = QLineEdit()
        self.path.setPlaceholderText("Chọn tệp danh sách (.xlsx, .xls, .csv)…")
        self.path.setReadOnly(True)
        choose = QPushButton("Chọn tệp…")
        choose.clicked.connect(self.choose_file)
        template = QPushButton("Tải mẫu")
        template.setToolTip("Lưu tệp mẫu danh sách hộ để điền")
        template.clicked.connect(self.save_template)
        self.create_villages = QCheckBox("Tạo thôn/tổ mới khi tên trong tệp chưa có")
        self.valid_only = QCheckBox("Chỉ nhập các dòng hợp lệ (bỏ qua dòng lỗi)")
        self.create_villages.toggled.connect(self.make_preview)
        self.valid_only.toggled.connect(self._update_buttons)
        self.summary = QLabel("Chưa chọn tệp.")
        self.summary.setWordWrap(True)
        self.issues = QTableWidget(0, 5)
        self.issues.setHorizontalHeaderLabels(["Dòng", "Cột", "Giá trị", "Lý do", "Mức"])
        self.issues.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.issues.setColumnWidth(0, 60)
        self.issues.setColumnWidth(1, 150)
        self.issues.setColumnWidth(2, 150)
        self.issues.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.import_button = QPushButton("Nhập vào sổ")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        cancel = QPushButton("Đóng")
        cancel.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(choose)
        top.addWidget(template)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.create_villages)
        layout.addWidget(self.valid_only)
        layout.addWidget(self.summary)
        layout.addWidget(self.issues, 1)
        layout.addLayout(bottom)
        self.resize(940, 600)

    # -- steps -------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn danh sách", self.start_folder, FILE_FILTER)
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.path.setText(str(path))
        self.make_preview()

    def save_template(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Lưu tệp mẫu", str(Path(self.start_folder or Path.home()) / TEMPLATE), "Excel (*.xlsx)"
        )
        if not name:
            return
        try:
            shutil.copyfile(resource_path("templates", TEMPLATE), name)
        except OSError as exc:
            QMessageBox.warning(self, "Không lưu được", f"Không lưu được tệp mẫu: {exc.strerror or exc}")
            return
        QMessageBox.information(self, "Đã lưu", f"Đã lưu tệp mẫu vào {name}.")

    def make_preview(self) -> None:
        text = self.path.text()
        if not text:
            return
        path = Path(text)
        create = self.create_villages.isChecked()
        self.preview = None
        self._update_buttons()
        self.summary.setText("Đang đọc tệp…")

        def work(ctx: TaskContext) -> lists.ImportPreview:
            return lists.plan_import(
                ctx.db, path, create_villages=create, progress=ctx.progress, cancelled=ctx.cancelled
            )

        def failed(exc: BaseException) -> None:
            self.summary.setText("Không đọc được tệp.")
            errors.show_error(self, exc, title="Không đọc được tệp")

        self.workspace.run_task(
            work, title="Đang đọc danh sách…", on_done=self.show_preview, on_failed=failed, writes=False, parent=self
        )

    def show_preview(self, preview: lists.ImportPreview) -> None:
        self.preview = preview
        counts = preview.counts(valid_only=self.valid_only.isChecked())
        lines = [
            f"Trang “{preview.sheet}”, dòng tiêu đề {preview.header_row}. "
            f"Sẽ tạo mới {thousands(counts['households_create'])} hộ "
            f"({thousands(counts['members_create'])} nhân khẩu), "
            f"cập nhật {thousands(counts['households_update'])} hộ "
            f"({thousands(counts['members_update'])} nhân khẩu)."
            + (
                f" {thousands(counts['households_unchanged'])} hộ đã có trong sổ và không thay đổi (không ghi lại)."
                if counts["households_unchanged"]
                else ""
            )
        ]
        if counts["households_unchanged"] and not counts["households_create"] + counts["households_update"]:
            lines.append("Mọi hộ trong tệp đã có trong sổ đúng như tệp: không có gì để ghi.")
        if len(preview.sheets) > 1:
            lines.append(
                "Các trang: "
                + "; ".join(
                    f"“{s.name}” " + ("đã đọc" if s.read else "không đọc") + (f" ({s.reason})" if s.reason else "")
                    for s in preview.sheets
                )
                + "."
            )
        if preview.encoding:
            lines.append(f"Tệp CSV đọc theo bảng mã {preview.encoding}.")
        lines.extend(preview.notes)
        if preview.new_villages:
            lines.append("Thôn/tổ sẽ tạo mới: " + ", ".join(preview.new_villages) + ".")
        if preview.ignored_columns:
            lines.append("Cột không dùng: " + ", ".join(preview.ignored_columns) + ".")
        if preview.errors:
            lines.append(
                f"Có {thousands(len(preview.errors))} lỗi: sửa tệp rồi chọn lại, "
                "hoặc đánh dấu “Chỉ nhập các dòng hợp lệ” "
                f"(sẽ bỏ qua các dòng {preview.rows_text(preview.skipped_rows())})."
            )
        elif not preview.issues:
            lines.append("Không có lỗi.")
        self.summary.setText("\n".join(lines))
        self.issues.setRowCount(len(preview.issues))
        for row, issue in enumerate(preview.issues):
            values = [
                issue.where().replace("dòng ", ""),
                issue.column,
                issue.value,
                issue.reason,
                "Lỗi" if issue.severity == "error" else "Lưu ý",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if issue.severity == "error":
                    item.setForeground(QBrush(QColor("#b00020")))
                self.issues.setItem(row, column, item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        preview = self.preview
        ok = preview is not None and (not preview.has_errors or self.valid_only.isChecked())
        if preview is not None:
            counts = preview.counts(valid_only=self.valid_only.isChecked())
            to_write = counts["households_create"] + counts["households_update"]
            ok = ok and to_write > 0
            self.import_button.setText(f"Nhập vào sổ ({thousands(to_write)} hộ)" if to_write else "Không có gì để nhập")
        self.import_button.setEnabled(bool(ok))

    def done(self, result: int) -> None:  # accept, reject, Esc or the close button
        self.preview = None
        lists.release_preview()
        super().done(result)

    def do_import(self) -> None:
        preview = self.preview
        if preview is None:
            return
        valid_only = self.valid_only.isChecked()
        self.import_button.setEnabled(False)

        def work(ctx: TaskContext) -> lists.ImportResult:
            return lists.commit_import(
                ctx.db, preview, valid_only=valid_only, progress=ctx.progress, cancelled=ctx.cancelled
            )

        def written(result: lists.ImportResult) -> None:
            self.result_import = result
            self.preview = None  # hundreds of thousands of planned rows: freed now, never scanned by the GC
            # rows the import rewrote would be overwritten by older undo steps: start a new history
            self.workspace.undo_stack.clear()
            self.workspace.broadcast(result.changes)
            text = (
                f"Đã nhập: {thousands(result.households_created)} hộ mới, "
                f"{thousands(result.households_updated)} hộ cập nhật; "
                f"{thousands(result.members_created)} nhân khẩu mới, "
                f"{thousands(result.members_updated)} nhân khẩu cập nhật."
            )
            if result.households_unchanged:
                text += f"\n{thousands(result.households_unchanged)} hộ không thay đổi nên không ghi lại."
            if result.skipped_rows:
                text += "\n\nCác dòng đã bỏ qua: " + preview.rows_text(result.skipped_rows, limit=200)
            QMessageBox.information(self, "Đã nhập danh sách", text)
            self.accept()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            errors.show_error(self, exc, title="Chưa nhập được")

        self.workspace.run_task(
            work, title="Đang nhập danh sách…", on_done=written, on_failed=failed, writes=True, parent=self
        )
