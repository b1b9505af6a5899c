"""The receiving office's window: Danh sách xã · Nhận gói · Tình hình gửi · Tổng hợp · Kiểm tra.

Everything it shows and writes goes through ``services.office``; taking packages in runs off the
GUI thread (``ui/tasks.py``) on its own connection, with progress and cancel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.domain import office as rules
from giamngheo_desktop.domain.errors import DomainError, ValidationFailed
from giamngheo_desktop.domain.permissions import Actor
from giamngheo_desktop.export.office_open import open_for_office, package_files, peek
from giamngheo_desktop.export.pdf import write_pdf
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.importing.reader import read_table
from giamngheo_desktop.services import office
from giamngheo_desktop.services.session import Database
from ui import errors
from ui.models.report_model import ReportTableModel
from ui.models.support_rows_model import Column, RowsTableModel
from ui.tasks import Cancelled, TaskContext, TaskRunner

ALL_COMMUNES = "Tổng hợp các xã"
_windows: list[OfficeWindow] = []  # open office windows stay alive until closed


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


def _save_name(parent: QWidget, title: str, name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, "Excel (*.xlsx);;PDF (*.pdf)")
    if not path:
        return None
    out = Path(path)
    return out if out.suffix.lower() in (".xlsx", ".pdf") else out.with_suffix(".xlsx")


def _write(reports: Any, out: Path) -> Path:
    return write_pdf(reports, out) if out.suffix.lower() == ".pdf" else write_xlsx(reports, out)


class OfficeSetupDialog(QDialog):
    """The office's name and level, at first run (or from Tệp → Thông tin cơ quan…)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Thông tin cơ quan tiếp nhận")
        form = QFormLayout(self)
        current = office.get_office(db) if office.has_office(db) else office.OfficeSettings("")
        self.name = QLineEdit(current.name)
        self.name.setPlaceholderText("Sở Nông nghiệp và Môi trường tỉnh …")
        self.level = QComboBox()
        for key, label in rules.LEVELS.items():
            self.level.addItem(label, key)
        self.level.setCurrentIndex(max(0, self.level.findData(current.level)))
        self.province = QLineEdit(current.province)
        self.preparer = QLineEdit(current.preparer_name)
        self.head = QLineEdit(current.head_name)
        form.addRow("Tên cơ quan:", self.name)
        form.addRow("Cấp:", self.level)
        form.addRow("Tỉnh/thành phố:", self.province)
        form.addRow("Người lập biểu:", self.preparer)
        form.addRow("Thủ trưởng (ký):", self.head)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #B00020")
        self.message.setWordWrap(True)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        settings = office.OfficeSettings(
            self.name.text(), str(self.level.currentData()), self.province.text(),
            preparer_name=self.preparer.text(), head_name=self.head.text(),
        )  # fmt: skip
        try:
            office.setup_office(self.db, settings)
        except ValidationFailed as exc:
            self.message.setText("\n".join(i.message for i in exc.issues))
            return
        self.accept()


class CommuneDialog(QDialog):
    """Add or edit one commune of the list."""

    def __init__(self, entry: office.CommuneEntry | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle("Sửa xã" if entry else "Thêm xã")
        form = QFormLayout(self)
        self.code = QLineEdit(entry.code if entry else "")
        self.code.setPlaceholderText("5 chữ số")
        self.name = QLineEdit(entry.name if entry else "")
        self.kind = QComboBox()
        for key, label in rules.UNIT_TYPES.items():
            self.kind.addItem(label, key)
        if entry:
            self.kind.setCurrentIndex(max(0, self.kind.findData(entry.unit_type)))
        self.active = QComboBox()
        self.active.addItem("Đang theo dõi", True)
        self.active.addItem("Tạm ngừng", False)
        if entry and not entry.active:
            self.active.setCurrentIndex(1)
        form.addRow("Mã xã:", self.code)
        form.addRow("Tên:", self.name)
        form.addRow("Loại:", self.kind)
        form.addRow("Tình trạng:", self.active)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #B00020")
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> office.CommuneEntry:
        e = self.entry
        return office.CommuneEntry(
            self.code.text(), self.name.text(), str(self.kind.currentData()),
            active=bool(self.active.currentData()), id=e.id if e else None,
        )  # fmt: skip


class OfficeWindow(QMainWindow):
    def __init__(self, db: Database, *, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.db = db
        self.runner = runner or TaskRunner()
        self.setWindowTitle(f"Giảm nghèo Desktop — Cơ quan tiếp nhận: {office.get_office(db).name}")
        self.resize(1200, 720)
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self._build_communes()
        self._build_import()
        self._build_status()
        self._build_reports()
        self._build_checks()
        self._build_menus()
        self.refresh_all()

    # -- menus -------------------------------------------------------------
    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&Tệp")
        self._action(menu, "Thông tin cơ quan…", self.edit_office)
        self._action(menu, "Người dùng…", self.show_users)
        menu.addSeparator()
        self._action(menu, "Đóng", self.close, QKeySequence.StandardKey.Quit)

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def edit_office(self) -> None:
        if OfficeSetupDialog(self.db, self).exec():
            self.setWindowTitle(f"Giảm nghèo Desktop — Cơ quan tiếp nhận: {office.get_office(self.db).name}")

    def show_users(self) -> None:
        from ui.dialogs.users_dialog import UsersDialog

        UsersDialog(self.db, parent=self).exec()

    # -- Danh sách xã -------------------------------------------------------
    def _build_communes(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.communes_model = RowsTableModel(
            [
                Column("Mã", lambda c: c.code),
                Column("Tên xã, phường", lambda c: c.name),
                Column("Loại", lambda c: c.type_label),
                Column("Khóa đã đăng ký", lambda c: c.key_id or "chưa đăng ký"),
                Column("Tình trạng", lambda c: "Đang theo dõi" if c.active else "Tạm ngừng"),
            ],
            parent=self,
        )
        self.communes_view = _table(self.communes_model)
        self.communes_view.doubleClicked.connect(lambda _i: self.edit_commune())
        buttons = QHBoxLayout()
        for text, slot in (
            ("Thêm xã…", self.add_commune),
            ("Sửa…", self.edit_commune),
            ("Nhập danh mục đơn vị hành chính…", self.import_list),
            ("Đăng ký khóa của xã…", self.register_key),
        ):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.communes_view)
        self.tabs.addTab(page, "Danh sách xã")

    def _selected_commune(self) -> office.CommuneEntry | None:
        rows = self.communes_view.selectionModel().selectedRows()
        return self.communes_model.row_at(rows[0].row()) if rows else None

    def add_commune(self) -> None:
        self._commune_dialog(None)

    def edit_commune(self) -> None:
        entry = self._selected_commune()
        if entry is not None:
            self._commune_dialog(entry)

    def _commune_dialog(self, entry: office.CommuneEntry | None) -> None:
        dialog = CommuneDialog(entry, self)
        while dialog.exec():
            try:
                office.save_commune(self.db, dialog.value())
            except ValidationFailed as exc:
                dialog.message.setText("\n".join(i.message for i in exc.issues))
                continue
            self.refresh_all()
            return

    def import_list(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Chọn danh mục đơn vị hành chính", "", "Bảng tính (*.xlsx *.xls *.ods *.csv)"
        )
        if not name:
            return
        province = office.get_office(self.db).province
        try:
            table = read_table(Path(name))
            result = office.import_communes(self.db, table.rows, row_numbers=table.row_numbers, province=province)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        if result.issues:
            QMessageBox.warning(self, "Danh mục có lỗi — chưa ghi gì", "\n".join(i.text() for i in result.issues[:30]))
            return
        QMessageBox.information(
            self, "Đã nhập danh mục",
            f"Thêm {result.added} xã, sửa {result.updated}, giữ nguyên {result.unchanged}"
            + (f"; bỏ qua {result.skipped_other_province} xã của tỉnh khác." if result.skipped_other_province else "."),
        )  # fmt: skip
        self.refresh_all()

    def register_key(self) -> None:
        line, ok = QInputDialog.getText(
            self, "Đăng ký khóa của xã", "Dán dòng khóa công khai xã gửi (giamngheo-ed25519 <mã xã> <khóa>):"
        )
        if not ok or not line.strip():
            return
        try:
            office.register_key(self.db, line)
        except ValidationFailed as exc:
            if any(i.code == "key_conflict" for i in exc.issues):
                answer = QMessageBox.question(
                    self, "Xã đã có khóa khác",
                    str(exc) + "\n\nĐã gọi điện xác nhận với xã và muốn thay khóa?",
                )  # fmt: skip
                if answer == QMessageBox.StandardButton.Yes:
                    office.register_key(self.db, line, replace=True)
            else:
                errors.show_error(self, exc)
        self.refresh_all()

    # -- Nhận gói -------------------------------------------------------------
    def _build_import(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        folder = QPushButton("Nhận gói từ thư mục (USB)…")
        folder.clicked.connect(self.import_folder)
        files = QPushButton("Chọn tệp gói…")
        files.clicked.connect(self.import_files)
        row.addWidget(folder)
        row.addWidget(files)
        row.addStretch(1)
        layout.addLayout(row)
        self.import_summary = QLabel("Chọn thư mục chứa các gói .zip của các xã (có thể là USB).")
        self.import_summary.setWordWrap(True)
        layout.addWidget(self.import_summary)
        self.results_model = RowsTableModel(
            [
                Column("Kết quả", lambda r: r[0]),
                Column("Tệp", lambda r: r[1]),
                Column("Chi tiết", lambda r: r[2]),
            ],
            parent=self,
        )
        self.results_view = _table(self.results_model)
        self.results_view.setWordWrap(True)
        layout.addWidget(self.results_view)
        layout.addWidget(QLabel("Các lần gửi đã nhận (cả lần đã được thay bằng lần gửi mới hơn):"))
        self.sendings_model = RowsTableModel(
            [
                Column("Mã", lambda r: r["code"]),
                Column("Xã", lambda r: r["name"]),
                Column("Kỳ", lambda r: r["period_label"]),
                Column("Lần", lambda r: r["sequence"], numeric=True),
                Column("Xã tạo lúc", lambda r: office.vn_datetime(r["created_at"])),
                Column("Nhận lúc", lambda r: office.vn_datetime(r["received_at"])),
                Column(
                    "Đang dùng", lambda r: "có" if r["current"] else f"đã thay ({office.vn_datetime(r['replaced_at'])})"
                ),
                Column("Số hộ", lambda r: r["households"], numeric=True),
                Column("Từ tệp", lambda r: r["source_file"]),
            ],
            parent=self,
        )
        layout.addWidget(_table(self.sendings_model))
        self.tabs.addTab(page, "Nhận gói")

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục chứa các gói dữ liệu")
        if folder:
            self.receive([Path(folder)])

    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn các gói dữ liệu", "", "Gói dữ liệu (*.zip)")
        if names:
            self.receive([Path(n) for n in names])

    def receive(self, sources: list[Path]) -> None:
        try:
            files = package_files(sources)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        if not files:
            QMessageBox.information(self, "Không có gói", "Không có tệp .zip nào ở nơi đã chọn.")
            return
        path, actor = Path(self.db.path), self.db.actor

        def work(ctx: TaskContext) -> office.ReceiveSummary:
            return _receive_in_worker(ctx, path, actor, files)

        self.runner.start(
            work,
            title=f"Đang nhận {len(files)} gói dữ liệu…",
            db_path=None,
            writes=True,
            on_done=self._received,
            on_failed=lambda exc: None if isinstance(exc, Cancelled) else errors.show_error(self, exc),
            parent=self,
        )

    def _received(self, summary: office.ReceiveSummary) -> None:
        rows: list[tuple[str, str, str]] = []
        for refused in summary.refused:
            rows.append(("KHÔNG NHẬN", refused.file, refused.reason))
        for r in summary.received:
            extra = f"; thay lần gửi thứ {r.replaced}" if r.replaced else ""
            note = f"; lưu ý: {'; '.join(r.notes)}" if r.notes else ""
            rows.append(("Đã nhận", r.file, f"{r.commune_name} ({r.commune_code}), {r.period_label}, lần "
                         f"{r.sequence}{extra}{note}"))  # fmt: skip
        for same in summary.unchanged:
            rows.append(
                ("Đã có, không đổi", same.file, f"{same.commune_name}, {same.period_label}, lần {same.sequence}")
            )
        self.results_model.set_rows(rows)
        self.results_view.resizeColumnsToContents()
        self.import_summary.setText(
            f"Nhận {len(summary.received)} gói; {len(summary.unchanged)} gói đã có (không đổi gì); "
            f"{len(summary.refused)} gói không nhận (không lưu gì từ các gói này)."
            + (" Đã hủy giữa chừng: các gói đã nhận vẫn được giữ." if summary.cancelled else "")
        )
        self.refresh_all()

    # -- Tình hình gửi -------------------------------------------------------
    def _period_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setMinimumWidth(180)
        return combo

    def _fill_periods(self, combo: QComboBox) -> None:
        current = combo.currentData() or combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        for key, label in office.periods_received(self.db):
            combo.addItem(label, key)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    @staticmethod
    def _period_key(combo: QComboBox) -> str:
        index = combo.currentIndex()
        if index >= 0 and combo.itemText(index) == combo.currentText():
            return str(combo.itemData(index))
        return combo.currentText().strip()

    def _build_status(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.status_period = self._period_combo()
        self.status_filter = QComboBox()
        self.status_filter.addItem("Mọi tình trạng", None)
        for key, label in rules.STATUS_LABELS.items():
            self.status_filter.addItem(label, key)
        export = QPushButton("Xuất bảng…")
        export.clicked.connect(self.export_status)
        row.addWidget(QLabel("Kỳ:"))
        row.addWidget(self.status_period)
        row.addWidget(QLabel("Lọc:"))
        row.addWidget(self.status_filter)
        row.addStretch(1)
        row.addWidget(export)
        layout.addLayout(row)
        self.status_note = QLabel("")
        layout.addWidget(self.status_note)
        self.status_model = RowsTableModel(
            [
                Column("Mã", lambda r: r.code),
                Column("Xã, phường", lambda r: r.name),
                Column("Tình trạng", lambda r: r.status_label),
                Column("Hạn gửi", lambda r: r.due.strftime("%d/%m/%Y") if r.due else ""),
                Column("Nhận lần đầu", lambda r: office.vn_datetime(r.first_received)),
                Column("Lần gửi đang dùng", lambda r: r.sequence or "", numeric=True),
                Column("Nhận lúc", lambda r: office.vn_datetime(r.received_at)),
                Column("Số lần gửi", lambda r: r.sendings, numeric=True),
                Column("Số hộ trong gói", lambda r: r.households if r.households is not None else "", numeric=True),
            ],
            highlight=lambda r: r.status in (rules.MISSING, rules.LATE),
            parent=self,
        )
        layout.addWidget(_table(self.status_model))
        self.status_period.currentIndexChanged.connect(lambda _i: self.refresh_status())
        period_edit = self.status_period.lineEdit()
        if period_edit is not None:
            period_edit.editingFinished.connect(self.refresh_status)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh_status())
        self.tabs.addTab(page, "Tình hình gửi")

    def _status_filter(self) -> list[str] | None:
        value = self.status_filter.currentData()
        return [value] if value else None

    def refresh_status(self) -> None:
        key = self._period_key(self.status_period)
        if not key:
            self.status_model.set_rows([])
            self.status_note.setText("Chưa nhận gói nào; gõ kỳ (ví dụ 2026, 2026-11) để xem xã nào chưa gửi.")
            return
        try:
            period, rows = office.status_board(self.db, key, status=self._status_filter())
        except DomainError as exc:
            self.status_note.setText(str(exc))
            self.status_model.set_rows([])
            return
        self.status_model.set_rows(rows)
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status_label] = counts.get(r.status_label, 0) + 1
        self.status_note.setText(f"{period.label}: " + ("; ".join(f"{k}: {v}" for k, v in counts.items()) or "—"))

    def export_status(self) -> None:
        key = self._period_key(self.status_period)
        if not key:
            return
        out = _save_name(self, "Xuất bảng tình hình gửi gói", f"tinh-hinh-gui-goi-{key}.xlsx")
        if out is None:
            return
        try:
            _write(office.status_report(self.db, key, status=self._status_filter()), out)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        QMessageBox.information(self, "Đã xuất", f"Đã ghi {out}")

    # -- Tổng hợp --------------------------------------------------------------
    def _build_reports(self) -> None:
        page = QWidget()
        layout = QHBoxLayout(page)
        left = QVBoxLayout()
        self.report_period = self._period_combo()
        self.report_commune = QComboBox()
        self.report_list = QListWidget()
        self.report_list.setMinimumWidth(300)
        export_one = QPushButton("Xuất bảng này…")
        export_one.clicked.connect(lambda: self.export_reports(all_kinds=False))
        export_all = QPushButton("Xuất mọi bảng…")
        export_all.clicked.connect(lambda: self.export_reports(all_kinds=True))
        left.addWidget(QLabel("Kỳ:"))
        left.addWidget(self.report_period)
        left.addWidget(QLabel("Xem:"))
        left.addWidget(self.report_commune)
        left.addWidget(QLabel("Bảng:"))
        left.addWidget(self.report_list, 1)
        left.addWidget(export_one)
        left.addWidget(export_all)
        layout.addLayout(left)
        right = QVBoxLayout()
        self.report_title = QLabel("")
        self.report_title.setWordWrap(True)
        self.report_title.setStyleSheet("font-weight: bold")
        self.report_model = ReportTableModel(self)
        self.report_view = _table(self.report_model)
        self.report_view.doubleClicked.connect(self.drill_down)
        right.addWidget(self.report_title)
        right.addWidget(self.report_view, 1)
        self.report_notes = QLabel("")
        self.report_notes.setWordWrap(True)
        right.addWidget(self.report_notes)
        layout.addLayout(right, 1)
        self.report_period.currentIndexChanged.connect(lambda _i: self.refresh_report_list())
        self.report_commune.currentIndexChanged.connect(lambda _i: self.show_report())
        self.report_list.currentRowChanged.connect(lambda _r: self.show_report())
        self.tabs.addTab(page, "Tổng hợp")

    def refresh_report_list(self) -> None:
        key = self._period_key(self.report_period)
        self._kinds = office.report_kinds(self.db, key) if key else []
        self.report_list.blockSignals(True)
        self.report_list.clear()
        for _kind, code, title in self._kinds:
            self.report_list.addItem(f"{code} — {title}")
        self.report_list.blockSignals(False)
        self.report_commune.blockSignals(True)
        self.report_commune.clear()
        self.report_commune.addItem(ALL_COMMUNES, None)
        for c in office.list_communes(self.db):
            self.report_commune.addItem(f"{c.name} ({c.code})", c.code)
        self.report_commune.blockSignals(False)
        if self._kinds:
            self.report_list.setCurrentRow(0)
        else:
            self.report_model.set_report(None)
            self.report_title.setText("Chưa nhận bảng báo cáo nào của kỳ này.")

    def _current_report(self) -> Any:
        row = self.report_list.currentRow()
        key = self._period_key(self.report_period)
        if row < 0 or not key or row >= len(self._kinds):
            return None
        kind = self._kinds[row][0]
        code = self.report_commune.currentData()
        if code:
            return office.commune_report(self.db, code, key, kind)
        return office.combined_report(self.db, key, kind).report

    def show_report(self) -> None:
        try:
            report = self._current_report()
        except DomainError as exc:
            self.report_model.set_report(None)
            self.report_title.setText(str(exc))
            return
        self.report_model.set_report(report)
        if report is not None:
            who = self.report_commune.currentText()
            self.report_title.setText(f"{report.code} — {report.title} — {report.period_label} — {who}")
            self.report_notes.setText("\n".join(report.notes))
            self.report_view.resizeColumnsToContents()

    def drill_down(self, index: Any) -> None:
        """Double-click a commune's row of a combined table: that commune's own table."""
        if self.report_commune.currentData():
            return
        report = self.report_model.report
        if report is None or index.row() >= len(report.rows):
            return
        label = str(report.rows[index.row()].values[1] or "")
        if label.endswith(")") and "(" in label:
            code = label.rsplit("(", 1)[1].rstrip(")")
            i = self.report_commune.findData(code)
            if i >= 0:
                self.report_commune.setCurrentIndex(i)

    def export_reports(self, *, all_kinds: bool) -> None:
        key = self._period_key(self.report_period)
        if not key or not self._kinds:
            return
        out = _save_name(self, "Xuất báo cáo tổng hợp", f"tong-hop-{key}.xlsx")
        if out is None:
            return
        try:
            if all_kinds:
                code = self.report_commune.currentData()
                reports = (
                    [office.commune_report(self.db, code, key, k) for k, _, _ in self._kinds]
                    if code
                    else office.combined_reports(self.db, key)
                )
            else:
                reports = [self._current_report()]
            _write(reports, out)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        QMessageBox.information(self, "Đã xuất", f"Đã ghi {len(reports)} bảng vào {out}")

    # -- Kiểm tra -----------------------------------------------------------------
    def _build_checks(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.check_period = self._period_combo()
        run = QPushButton("Kiểm tra")
        run.clicked.connect(self.run_checks)
        row.addWidget(QLabel("Kỳ:"))
        row.addWidget(self.check_period)
        row.addWidget(run)
        row.addStretch(1)
        layout.addLayout(row)
        self.check_text = QPlainTextEdit()
        self.check_text.setReadOnly(True)
        layout.addWidget(self.check_text)
        self.tabs.addTab(page, "Kiểm tra chéo")

    def run_checks(self) -> None:
        key = self._period_key(self.check_period)
        if not key:
            return
        findings = office.cross_checks(self.db, key)
        lines = [f"[{office.CHECK_LABELS[f.check]}] {f.message}" for f in findings]
        self.check_text.setPlainText("\n\n".join(lines) if lines else "Không thấy điểm nào bất thường.")

    # -- refresh ------------------------------------------------------------------
    def refresh_all(self) -> None:
        self.communes_model.set_rows(office.list_communes(self.db))
        self.communes_view.resizeColumnsToContents()
        self.sendings_model.set_rows(office.sendings(self.db))
        for combo in (self.status_period, self.report_period, self.check_period):
            self._fill_periods(combo)
        self.refresh_status()
        self.refresh_report_list()

    def closeEvent(self, event: Any) -> None:
        self.runner.wait()
        if not self.db.closed:
            self.db.close()
        if self in _windows:
            _windows.remove(self)
        super().closeEvent(event)


def _receive_in_worker(ctx: TaskContext, path: Path, actor: Actor, files: list[Path]) -> office.ReceiveSummary:
    db = office.open_office_file(path, actor=actor, create=False)
    try:
        keys = office.OfficeKeys(db)
        return office.receive_packages(
            db, files, lambda p: open_for_office(p, keys), peek=peek, progress=ctx.progress, cancelled=ctx.cancelled
        )
    finally:
        db.close()


def open_office_window(path: Path, parent: QWidget | None = None, *, new: bool = False) -> OfficeWindow | None:
    """Open (or, with ``new``, create) an office file in its window; None if the officer gave up."""
    from ui.dialogs.login_dialog import ensure_login

    try:
        db = office.open_office_file(path, create=new)
    except Exception as exc:
        errors.show_error(parent, exc, title="Không mở được tệp của cơ quan tiếp nhận")
        return None
    if not office.has_office(db) and not OfficeSetupDialog(db, parent).exec():
        db.close()
        return None
    if not ensure_login(db, commune_name=office.get_office(db).name, parent=parent):
        db.close()
        return None
    window = OfficeWindow(db)
    _windows.append(window)
    window.show()
    return window
