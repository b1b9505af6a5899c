"""Nhập danh sách từ Excel: choose a file, see the preview, change the column mapping, then import.

The preview shows the first households as they will be written (code, head, village, class,
members with their ID numbers), the problems grouped when the same one repeats, and every
column of the file with the field it was matched to: a drop-down changes it and the preview
is worked out again at once. A mapping the officer changed and then imported with is
remembered for that layout (the header texts) and used the next time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain.vocab import SEX_LABELS, class_label
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.headers import mappable_fields
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.text import thousands
from ui import errors
from ui.dialogs.restore_dialog import file_label
from ui.tasks import TaskContext
from ui.workspace import Workspace

FILE_FILTER = "Danh sách Excel hoặc CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;Tất cả các tệp (*)"
TEMPLATE = "mau-danh-sach-ho.xlsx"
SHOWN_HOUSEHOLDS = 200  # households listed in the preview (the counts cover all)
ACTIONS = {"create": "Tạo mới", "update": "Cập nhật", "unchanged": "Không đổi"}


def last_import_backup(workspace: Workspace) -> Path | None:
    """The automatic copy the import made before writing (newest "import" backup beside the file)."""
    from giamngheo_desktop.paths import backups_dir_for
    from giamngheo_desktop.services import backup

    copies = backup.list_backups(backups_dir_for(workspace.path), workspace.path.stem)
    return next((c for c in copies if "-import-" in c.name), None)


class ImportResultDialog(QDialog):
    """What the import wrote, the automatic copy made just before it, and the way back.

    ``exec()`` returns :attr:`UNDO` when the officer chose “Hoàn tác lần nhập này…”: the caller then
    opens the restore window on that copy (what would change first, then the confirmation).
    """

    UNDO = 2

    def __init__(self, text: str, backup_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Đã nhập danh sách")
        self.backup_path = backup_path
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup = QLabel(
            f"Trước khi nhập, chương trình đã tự sao lưu dữ liệu:\n{file_label(backup_path)}   ({backup_path.name})\n\n"
            "Nếu nhập nhầm tệp hoặc nhầm cột, bấm “Hoàn tác lần nhập này…” để khôi phục bản sao lưu đó "
            "(xem trước những gì thay đổi rồi mới xác nhận). Cũng làm được sau này: Ctrl+Z ngay sau lần nhập, "
            "hoặc Dữ liệu › Hoàn tác lần nhập danh sách gần nhất…"
        )
        self.backup.setWordWrap(True)
        self.undo_button = QPushButton("Hoàn tác lần nhập này…")
        self.undo_button.setToolTip(f"Khôi phục bản sao lưu {backup_path.name}")
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(lambda: self.done(self.UNDO))
        close = QPushButton("Đóng")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.backup)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        # the wrapped text whole at that width (a fixed minimum width keeps Qt from asking the labels)
        self.setMinimumHeight(layout.totalHeightForWidth(560))


class ImportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, start_folder: str = "") -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.start_folder = start_folder
        self.preview: lists.ImportPreview | None = None
        self.result_import: lists.ImportResult | None = None
        self.undo_backup: Path | None = None  # the officer chose “Hoàn tác lần nhập này”: restore this copy
        self.import_backup: Path | None = None  # the copy the import made before writing (Ctrl+Z restores it)
        self.result_text = ""  # what the import wrote, for the status bar
        self.mapping: dict[str, str] | None = None  # header text → field, once the officer changed a column
        self.setWindowTitle("Nhập danh sách hộ từ Excel")

        self.path = QLineEdit()
        self.path.setPlaceholderText("Chọn tệp danh sách (.xlsx, .xls, .csv)…")
        self.path.setReadOnly(True)
        choose = QPushButton("Chọn tệp…")
        choose.clicked.connect(self.choose_file)
        template = QPushButton("Tải mẫu")
        template.setToolTip("Lưu tệp mẫu danh sách hộ để điền")
        template.clicked.connect(self.save_template)
        self.create_villages = QCheckBox(lists.CREATE_VILLAGES_LABEL)
        self.valid_only = QCheckBox("Chỉ nhập các dòng hợp lệ (bỏ qua dòng lỗi)")
        self.create_villages.toggled.connect(self.make_preview)
        self.valid_only.toggled.connect(self._valid_only_changed)
        self.summary = QLabel("Chưa chọn tệp.")
        self.summary.setWordWrap(True)
        self.issues = QTableWidget(0, 5)
        self.issues.setHorizontalHeaderLabels(["Dòng", "Cột", "Giá trị", "Lý do", "Mức"])
        self.issues.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.issues.setColumnWidth(0, 60)
        self.issues.setColumnWidth(1, 150)
        self.issues.setColumnWidth(2, 150)
        self.issues.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # problems, the same one of many rows told once ("40 dòng: …"), opening to its rows
        self.issue_tree = QTreeWidget()
        self.issue_tree.setHeaderLabels(["Lỗi / lưu ý", "Số dòng"])
        self.issue_tree.header().setStretchLastSection(False)  # the message gets the room, not the count
        self.issue_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.issue_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.issue_tree.setWordWrap(True)  # a long reason wraps instead of ending in "…"
        # the households as they will be written, each opening to its members
        self.households = QTreeWidget()
        self.households.setHeaderLabels(["Mã hộ / Họ và tên", "Chủ hộ / Quan hệ", "Thôn / Năm sinh",
                                         "Phân loại / Giới tính", "Nhân khẩu / Số định danh", "Việc"])  # fmt: skip
        for column, width in enumerate((200, 170, 150, 150, 180)):
            self.households.setColumnWidth(column, width)
        # every column of the file and the field it goes to
        self.columns = QTableWidget(0, 5)
        self.columns.setHorizontalHeaderLabels(["Trang", "Cột", "Tiêu đề trong tệp", "Ví dụ", "Nhập vào trường"])
        self.columns.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.columns.setColumnWidth(0, 90)
        self.columns.setColumnWidth(1, 40)
        self.columns.setColumnWidth(3, 200)
        self.columns.setColumnWidth(4, 230)
        self.columns.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.households, "Hộ sẽ ghi")
        self.tabs.addTab(self.issue_tree, "Lỗi và lưu ý")
        self.tabs.addTab(self.issues, "Từng dòng")
        self.tabs.addTab(self.columns, "Cột trong tệp")
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
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1040, 680)

    # -- steps -------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn danh sách", self.start_folder, FILE_FILTER)
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.path.setText(str(path))
        self.mapping = None  # another file: its own (or its remembered) mapping
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
        mapping = dict(self.mapping) if self.mapping is not None else None
        self.preview = None
        self._update_buttons()
        self.summary.setText("Đang đọc tệp…")

        def work(ctx: TaskContext) -> lists.ImportPreview:
            return lists.plan_import(
                ctx.db, path, create_villages=create, mapping=mapping, progress=ctx.progress, cancelled=ctx.cancelled
            )

        def failed(exc: BaseException) -> None:
            self.summary.setText("Không đọc được tệp.")
            errors.show_error(self, exc, title="Không đọc được tệp")

        self.workspace.run_task(
            work, title="Đang đọc danh sách…", on_done=self.show_preview, on_failed=failed, writes=False, parent=self
        )

    def show_preview(self, preview: lists.ImportPreview) -> None:
        self.preview = preview
        self._show_summary(preview)
        self._show_households(preview)
        self._show_issue_groups(preview)
        self._show_columns(preview)
        self.tabs.setTabText(1, f"Lỗi và lưu ý ({thousands(len(preview.issues))})")
        if preview.errors:
            self.tabs.setCurrentWidget(self.issue_tree)
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

    def _valid_only_changed(self) -> None:
        """“Chỉ nhập các dòng hợp lệ” ticked or not: the counts, the households' actions and the button at once."""
        if self.preview is not None:
            self._show_summary(self.preview)
            self._show_households(self.preview)
        self._update_buttons()

    def _show_summary(self, preview: lists.ImportPreview) -> None:
        valid_only = self.valid_only.isChecked()
        counts = preview.counts(valid_only=valid_only)
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
        if preview.mapping and self.mapping is None:
            lines.append("Dùng cách gán cột đã lưu lần trước cho mẫu danh sách này (xem thẻ “Cột trong tệp”).")
        lines.extend(preview.notes)
        if preview.new_villages:
            lines.append("Thôn/tổ sẽ tạo mới: " + ", ".join(preview.created_villages()) + ".")
        if preview.ignored_columns:
            lines.append("Cột không dùng: " + ", ".join(preview.ignored_columns) + ".")
        if preview.errors and valid_only:
            lines.append(
                f"Có {thousands(len(preview.errors))} lỗi; chỉ nhập các dòng hợp lệ: "
                f"bỏ qua {thousands(counts['rows_skipped'])} dòng ({preview.rows_text(preview.skipped_rows())})."
            )
        elif preview.errors:
            lines.append(
                f"Có {thousands(len(preview.errors))} lỗi: sửa tệp rồi chọn lại, "
                "hoặc đánh dấu “Chỉ nhập các dòng hợp lệ” "
                f"(sẽ bỏ qua các dòng {preview.rows_text(preview.skipped_rows())})."
            )
        elif not preview.issues:
            lines.append("Không có lỗi.")
        self.summary.setText("\n".join(lines))

    def _show_households(self, preview: lists.ImportPreview) -> None:
        valid_only = self.valid_only.isChecked()
        self.households.clear()
        for h in preview.households[:SHOWN_HOUSEHOLDS]:
            action = "Bỏ qua (có lỗi)" if not h.valid else ACTIONS.get(h.kind(valid_only=valid_only), h.action)
            item = QTreeWidgetItem(
                [
                    h.code or "(tự sinh)",
                    h.head_name,
                    h.village_name or h.new_village,
                    class_label(h.data.poverty_class),
                    f"{len(h.members)} người",
                    action,
                ]
            )
            if not h.valid:
                item.setForeground(5, QBrush(QColor("#b00020")))
            for m in h.members:
                d = m.data
                born = d.birth_date[:4] if d.birth_date else (str(d.birth_year) if d.birth_year else "")
                child = QTreeWidgetItem(
                    [
                        d.full_name,
                        self._relationship(d.relationship_code),
                        born,
                        SEX_LABELS.get(d.sex or "", ""),
                        d.id_number or "",
                        "" if m.valid else "Bỏ qua (có lỗi)",
                    ]
                )
                item.addChild(child)
            self.households.addTopLevelItem(item)
        if len(preview.households) > SHOWN_HOUSEHOLDS:
            more = len(preview.households) - SHOWN_HOUSEHOLDS
            self.households.addTopLevelItem(QTreeWidgetItem([f"… và {thousands(more)} hộ nữa"]))
        first = self.households.topLevelItem(0)
        if first is not None:
            first.setExpanded(True)

    def _relationship(self, code: str | None) -> str:
        if not code:
            return ""
        names = getattr(self, "_relationships", None)
        if names is None:
            from giamngheo_desktop.services import register

            names = self._relationships = dict(register.code_items(self.workspace.db, "relationship"))
        return names.get(code, code)

    def _show_issue_groups(self, preview: lists.ImportPreview) -> None:
        self.issue_tree.clear()
        for group in preview.issue_groups():
            top = QTreeWidgetItem([group.text(preview), str(len(group.issues))])
            top.setToolTip(0, group.text(preview))
            if group.severity == "error":
                top.setForeground(0, QBrush(QColor("#b00020")))
            if len(group.issues) > 1:
                for issue in group.issues[:500]:
                    value = f" “{issue.value}”" if issue.value else ""
                    top.addChild(QTreeWidgetItem([f"{issue.where()}{value}", ""]))
            self.issue_tree.addTopLevelItem(top)

    def _show_columns(self, preview: lists.ImportPreview) -> None:
        fields = [("", "— không dùng —"), *mappable_fields()]
        # one line per header text (a mapping is by header text): the sheets that have it, its first column
        by_label: dict[str, list[lists.FileColumn]] = {}
        for column in preview.file_columns:
            by_label.setdefault(column.label, []).append(column)
        self.columns.setRowCount(len(by_label))
        for row, same in enumerate(by_label.values()):
            column = same[0]
            sheets = ", ".join(dict.fromkeys(c.sheet for c in same))
            letters = ", ".join(dict.fromkeys(c.letter for c in same))
            samples = list(dict.fromkeys(s for c in same for s in c.samples))[:3]
            for col, text in enumerate([sheets, letters, column.label, ", ".join(samples)]):
                self.columns.setItem(row, col, QTableWidgetItem(text))
            combo = QComboBox()
            for key, label in fields:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(column.field)))
            combo.setProperty("header", column.label)
            combo.currentIndexChanged.connect(
                lambda _i, c=combo: self.change_column(c.property("header"), c.currentData())
            )
            self.columns.setCellWidget(row, 4, combo)

    def change_column(self, header: str, field: str) -> None:
        """The officer chose the field of a file column: work the preview out again at once."""
        mapping = dict(self.preview.mapping) if self.preview is not None else {}
        if self.mapping is not None:
            mapping.update(self.mapping)
        mapping[header] = field or ""
        self.mapping = mapping
        self.make_preview()

    def _update_buttons(self) -> None:
        preview = self.preview
        ok = preview is not None and (not preview.has_errors or self.valid_only.isChecked())
        if preview is not None:
            counts = preview.counts(valid_only=self.valid_only.isChecked())
            to_write = counts["households_create"] + counts["households_update"]
            ok = ok and to_write > 0
            parts = []
            if counts["households_create"]:
                parts.append(f"tạo {thousands(counts['households_create'])} hộ mới")
            if counts["households_update"]:
                parts.append(f"cập nhật {thousands(counts['households_update'])} hộ")
            members = []
            if counts["members_create"]:
                members.append(f"{thousands(counts['members_create'])} nhân khẩu mới")
            if counts["members_update"]:
                members.append(f"{thousands(counts['members_update'])} nhân khẩu cập nhật")
            self.import_button.setText(
                f"Nhập vào sổ: {', '.join(parts)} ({', '.join(members)})" if to_write else "Không có gì để nhập"
            )
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
        remember = self.mapping is not None  # the officer changed the columns: keep that for this layout
        self.import_button.setEnabled(False)

        def work(ctx: TaskContext) -> lists.ImportResult:
            return lists.commit_import(
                ctx.db,
                preview,
                valid_only=valid_only,
                remember=remember,
                progress=ctx.progress,
                cancelled=ctx.cancelled,
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
            made = self.import_backup = last_import_backup(self.workspace)
            self.result_text = (
                f"nhập danh sách ({thousands(result.households_created)} hộ mới, "
                f"{thousands(result.households_updated)} hộ cập nhật)"
            )
            if made is None:
                QMessageBox.information(self, "Đã nhập danh sách", text)
            elif ImportResultDialog(text, made, self).exec() == ImportResultDialog.UNDO:
                self.undo_backup = made  # the caller opens the restore window once this window is closed
            self.accept()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            errors.show_error(self, exc, title="Chưa nhập được")

        self.workspace.run_task(
            work, title="Đang nhập danh sách…", on_done=written, on_failed=failed, writes=True, parent=self
        )
