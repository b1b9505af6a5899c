"""The Báo cáo tab: choose a report and a period, build it in the background, see the table,
export to Excel/PDF, preview and print, make the upload package; print a village's forms.

Everything shown comes from one ``ReportData`` (``services.reporting``); the files are written
from that same value (``export.xlsx`` / ``export.pdf``).
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.report import ReportData
from giamngheo_desktop.services import commune, reporting
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.text import fold as _fold
from ui import files
from ui.dialogs.papers import WHOLE_VILLAGE, paper_task
from ui.dialogs.print_preview import preview_pdf, print_pdf
from ui.models.report_model import ReportTableModel
from ui.workspace import Workspace

PERIOD_KINDS = [
    ("month", "Tháng"),
    ("quarter", "Quý"),
    ("year", "Năm"),
    ("range", "Khoảng thời gian"),
    ("round", "Đợt rà soát"),
]
FORM_CHOICES = [
    ("batch", "Tất cả giấy tờ của thôn trong đợt (một tệp PDF)"),
    ("posting", "Danh sách niêm yết công khai"),
    ("minutes", "Biên bản họp thôn"),
    ("decision", "Quyết định công nhận và danh sách (Mẫu số 02)"),
    ("certificate", "Giấy chứng nhận của hộ đã chọn (Mẫu số 03)"),
    ("request01", "Giấy đề nghị rà soát (Mẫu số 01)"),
    ("request04", "Giấy đề nghị công nhận thoát nghèo (Mẫu số 04)"),
    ("assistance", "Phiếu theo dõi hỗ trợ của hộ đã chọn"),
]
ROUND_FORMS = ("batch", "posting", "minutes", "decision", "certificate")
BLANK_FORMS = ("request01", "request04")  # print blank when "(mẫu trống)" is chosen
VILLAGE_FORMS = ("certificate", "request01", "request04", "assistance")  # also for every household at once
STAGES = [(None, "Tự chọn theo đợt"), ("official", "Chính thức"), ("preliminary", "Sơ bộ")]


class ReportsTab(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = ReportTableModel(self)
        self._tmp = Path(tempfile.mkdtemp(prefix="giamngheo-in-"))
        self._build_ui()
        self._load_choices()
        self._update_buttons()

    # ------------------------------------------------------------ layout ----
    def _build_ui(self) -> None:
        today = clock.today()
        self.kind_combo = QComboBox()
        for kind, label in reporting.report_kinds():
            self.kind_combo.addItem(label, kind)
        self.period_kind = QComboBox()
        for kind, label in PERIOD_KINDS:
            self.period_kind.addItem(label, kind)
        self.period_kind.setCurrentIndex(2)
        # every period page shows its own year box; they keep one value (``self.year`` is read)
        self.year, self.month_year, self.quarter_year = (QSpinBox(), QSpinBox(), QSpinBox())
        for box in (self.year, self.month_year, self.quarter_year):
            box.setRange(2021, 2100)
            box.setValue(today.year)
            box.setPrefix("Năm ")
            box.setAccessibleName("Năm báo cáo")
            for other in (self.year, self.month_year, self.quarter_year):
                if other is not box:
                    box.valueChanged.connect(other.setValue)
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setValue(today.month)
        self.month.setPrefix("Tháng ")
        self.quarter = QSpinBox()
        self.quarter.setRange(1, 4)
        self.quarter.setValue((today.month - 1) // 3 + 1)
        self.quarter.setPrefix("Quý ")
        self.date_from = QDateEdit(QDate(today.year, 1, 1))
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day))
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd/MM/yyyy")
        self.round_combo = QComboBox()
        self.period_stack = QStackedWidget()
        for widgets in (
            [self.month, self.month_year],
            [self.quarter, self.quarter_year],
            [self.year],
            [QLabel("Từ"), self.date_from, QLabel("đến"), self.date_to],
            [self.round_combo],
        ):
            page = QWidget()
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            for w in widgets:
                row.addWidget(w)
            row.addStretch(1)
            self.period_stack.addWidget(page)
        self.period_kind.currentIndexChanged.connect(self._period_kind_changed)
        self._period_kind_changed()

        self.build_button = QPushButton("Lập báo cáo")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        top = QHBoxLayout()
        top.addWidget(QLabel("Biểu:"))
        top.addWidget(self.kind_combo, 2)
        top.addWidget(QLabel("Kỳ:"))
        top.addWidget(self.period_kind)
        top.addWidget(self.period_stack, 2)
        self.stage_combo = QComboBox()
        for key, label in STAGES:
            self.stage_combo.addItem(label, key)
        self.stage_combo.setToolTip("Kết quả rà soát sơ bộ (báo cáo trước 15/11) hay chính thức (sau quyết định)")
        top.addWidget(QLabel("Kết quả:"))
        top.addWidget(self.stage_combo)
        top.addWidget(self.build_button)

        self.title_label = QLabel("Chọn biểu và kỳ báo cáo rồi bấm «Lập báo cáo».")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setDefaultSectionSize(90)
        self.view.horizontalHeader().setMinimumHeight(44)
        self.notes_label = QLabel("")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.xlsx_button = QPushButton("Xuất Excel")
        self.pdf_button = QPushButton("Xuất PDF")
        self.preview_button = QPushButton("Xem trước khi in")
        self.print_button = QPushButton("In…")
        self.package_button = QPushButton("Tạo gói dữ liệu gửi cấp trên")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_report)
        self.package_button.clicked.connect(self.make_package)
        buttons = QHBoxLayout()
        for b in (self.xlsx_button, self.pdf_button, self.preview_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.package_button)

        forms_box = QGroupBox("In giấy tờ")
        self.paper_round_combo = QComboBox()
        self.paper_round_combo.setMinimumWidth(220)
        self.paper_round_combo.setToolTip(
            "Danh sách niêm yết, biên bản, quyết định và giấy chứng nhận lấy kết quả của đợt rà soát này."
        )
        self.paper_round_combo.currentIndexChanged.connect(self._load_households)
        self.village_combo = QComboBox()
        self.household_combo = QComboBox()
        self.household_combo.setMinimumWidth(260)
        self.form_combo = QComboBox()
        for key, label in FORM_CHOICES:
            self.form_combo.addItem(label, key)
        self.village_combo.currentIndexChanged.connect(self._load_households)
        self.form_combo.currentIndexChanged.connect(self._load_households)
        self.form_preview_button = QPushButton("Xem trước và in")
        self.form_preview_button.clicked.connect(self.print_forms)
        # two rows: the round's long name and the household's fit a 1366-pixel screen uncut
        fgrid = QGridLayout(forms_box)
        fgrid.addWidget(QLabel("Giấy tờ:"), 0, 0)
        fgrid.addWidget(self.form_combo, 0, 1)
        fgrid.addWidget(QLabel("Đợt:"), 0, 2)
        fgrid.addWidget(self.paper_round_combo, 0, 3, 1, 2)
        fgrid.addWidget(QLabel("Thôn:"), 1, 0)
        fgrid.addWidget(self.village_combo, 1, 1)
        fgrid.addWidget(QLabel("Hộ:"), 1, 2)
        fgrid.addWidget(self.household_combo, 1, 3)
        fgrid.addWidget(self.form_preview_button, 1, 4)
        fgrid.setColumnStretch(1, 2)
        fgrid.setColumnStretch(3, 3)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notes_label)
        layout.addLayout(buttons)
        layout.addWidget(forms_box)

    def _period_kind_changed(self) -> None:
        self.period_stack.setCurrentIndex(self.period_kind.currentIndex())

    def _load_choices(self) -> None:
        from giamngheo_desktop.services import forms

        db = self.workspace.db
        self.round_combo.clear()
        for rid, name in reporting.list_rounds(db):
            self.round_combo.addItem(name, rid)
        chosen = self.paper_round_combo.currentData()
        self.paper_round_combo.blockSignals(True)
        self.paper_round_combo.clear()
        for rid, label in forms.round_choices(db):
            self.paper_round_combo.addItem(label, rid)
        if chosen is not None and (i := self.paper_round_combo.findData(chosen)) >= 0:
            self.paper_round_combo.setCurrentIndex(i)
        self.paper_round_combo.blockSignals(False)
        current = self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        for v in commune.list_villages(db):
            self.village_combo.addItem(v.name, v.id)
        self.village_combo.blockSignals(False)
        if current is not None and (i := self.village_combo.findData(current)) >= 0:
            self.village_combo.setCurrentIndex(i)
        self._load_households()

    def _load_households(self) -> None:
        from giamngheo_desktop.services import forms

        self.household_combo.clear()
        kind = self.form_combo.currentData()
        self.paper_round_combo.setEnabled(kind in ROUND_FORMS)
        self.village_combo.setEnabled(kind != "decision")
        self.household_combo.setEnabled(kind not in ("batch", "posting", "minutes", "decision"))
        if kind in BLANK_FORMS:
            self.household_combo.addItem("(mẫu trống để phát cho hộ)", None)
        if kind in VILLAGE_FORMS:
            self.household_combo.addItem("(tất cả các hộ của thôn)", WHOLE_VILLAGE)
        vid = self.village_combo.currentData()
        if vid is None:
            return
        rid = self.paper_round_combo.currentData()
        for hid, label in forms.household_choices(self.workspace.db, int(vid), rid):
            self.household_combo.addItem(label, hid)

    def on_changes(self, changes: Changes) -> None:
        self._load_choices()

    def _update_buttons(self) -> None:
        has = self.model.report is not None
        for b in (self.xlsx_button, self.pdf_button, self.preview_button, self.print_button):
            b.setEnabled(has)

    # ------------------------------------------------------------ period ----
    def period(self) -> periods.Period:
        kind = self.period_kind.currentData()
        year = self.year.value()
        if kind == "month":
            return periods.month(year, self.month.value())
        if kind == "quarter":
            return periods.quarter(year, self.quarter.value())
        if kind == "year":
            return periods.year(year)
        if kind == "range":
            return periods.custom(_date(self.date_from.date()), _date(self.date_to.date()))
        rid = self.round_combo.currentData()
        if rid is None:
            raise ValueError("Chưa có đợt rà soát nào: chọn kỳ theo tháng, quý hoặc năm.")
        return periods.review_round(int(rid), self.round_combo.currentText())

    # ------------------------------------------------------------ actions ----
    def build(self) -> None:
        try:
            period = self.period()
        except (ValueError, DomainError) as exc:
            QMessageBox.warning(self, "Kỳ báo cáo", str(exc))
            return
        kind = self.kind_combo.currentData()
        stage = self.stage_combo.currentData()
        self.build_button.setEnabled(False)

        def work(ctx: Any) -> ReportData:
            return reporting.build_report(ctx.db, kind=kind, period=period, stage=stage)

        def failed(exc: BaseException) -> None:
            self.build_button.setEnabled(True)
            from ui import errors

            errors.show_error(self, exc)

        self.workspace.run_task(
            work, title="Đang lập báo cáo…", on_done=self.show_report, writes=False, parent=self, on_failed=failed
        )

    def show_report(self, report: ReportData) -> None:
        self.build_button.setEnabled(True)
        self.model.set_report(report)
        self.title_label.setText(f"{report.code}: {report.title} — {report.period_label}")
        self.notes_label.setText("\n".join(["Ghi chú: " + n for n in report.notes]))
        self.fit_columns()
        self._update_buttons()

    def fit_columns(self) -> None:
        """Columns as wide as their text, within 60–220 px; width the table does not use goes to the
        columns that wanted more (a programme's long name is read whole when the screen has room)."""
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        wanted = [header.sectionSize(col) for col in range(self.model.columnCount())]
        sizes = [min(max(w, 60), 220) for w in wanted]
        spare = self.view.viewport().width() - sum(sizes)
        for col, want in enumerate(wanted):
            extra = min(max(want - sizes[col], 0), max(spare, 0))
            sizes[col] += extra
            spare -= extra
        for col, size in enumerate(sizes):
            header.resizeSection(col, size)

    def _default_name(self, ext: str) -> str:
        report = self.model.report
        assert report is not None
        # "mau-so-7.1-thang-12-nam-2026.pdf": the form and the period as the officer names them, no accents
        words = re.sub(r"[^0-9A-Za-z.]+", "-", _fold(f"{report.code} {report.period_label}")).strip("-.")
        return f"{words or report.kind}.{ext}"

    def export(self, fmt: str) -> None:
        report = self.model.report
        if report is None:
            return
        filt = "Sổ tính Excel (*.xlsx)" if fmt == "xlsx" else "Tệp PDF (*.pdf)"
        suggested = str(files.start_folder() / self._default_name(fmt))  # Documents or the last folder
        name, _ = QFileDialog.getSaveFileName(self, "Xuất báo cáo", suggested, filt)
        if not name:
            return
        files.remember(name)
        self.write_file(report, Path(name), fmt, open_after=True)

    def write_file(self, report: ReportData, path: Path, fmt: str, *, open_after: bool = False) -> None:
        def work(ctx: Any) -> Path:
            from giamngheo_desktop.export.pdf import write_pdf
            from giamngheo_desktop.export.xlsx import write_xlsx

            return (write_xlsx if fmt == "xlsx" else write_pdf)(report, path)

        def done(result: Path) -> None:
            if open_after:
                box = QMessageBox(QMessageBox.Icon.Information, "Đã xuất", f"Đã ghi tệp {result}.", parent=self)
                open_btn = box.addButton("Mở tệp", QMessageBox.ButtonRole.AcceptRole)
                box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
                box.exec()
                if box.clickedButton() is open_btn:
                    from PySide6.QtCore import QUrl

                    QDesktopServices.openUrl(QUrl.fromLocalFile(str(result)))

        self.workspace.run_task(work, title="Đang ghi tệp…", on_done=done, writes=False, parent=self)

    def _pdf_then(self, action: Any) -> None:
        report = self.model.report
        if report is None:
            return
        path = self._tmp / f"{report.kind}.pdf"

        def work(ctx: Any) -> Path:
            from giamngheo_desktop.export.pdf import write_pdf

            return write_pdf(report, path)

        self.workspace.run_task(work, title="Đang chuẩn bị bản in…", on_done=action, writes=False, parent=self)

    def preview(self) -> None:
        self._pdf_then(lambda p: preview_pdf(p, self))

    def print_report(self) -> None:
        self._pdf_then(lambda p: print_pdf(p, self))

    def make_package(self) -> None:
        try:
            period = self.period()
        except (ValueError, DomainError) as exc:
            QMessageBox.warning(self, "Kỳ báo cáo", str(exc))
            return
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục lưu gói dữ liệu", str(files.start_folder()))
        if not folder:
            return
        files.remember(folder)

        def work(ctx: Any) -> Any:
            from giamngheo_desktop.export.package import write_package
            from giamngheo_desktop.services.package import make_package

            return make_package(
                ctx.db,
                period=period,
                write=lambda contents: write_package(contents, Path(folder)),
                progress=ctx.progress,
                cancelled=ctx.cancelled,
            )

        def done(result: Any) -> None:
            m = result.manifest
            QMessageBox.information(
                self,
                "Đã tạo gói dữ liệu",
                f"Đã tạo {result.path.name} (lần gửi thứ {m['sequence']} của kỳ "
                f"{m['period']['label']}, {m['counts']['households']} hộ).\n"
                f"Thư mục: {result.path.parent}",
            )

        self.workspace.run_task(work, title="Đang tạo gói dữ liệu…", on_done=done, writes=True, parent=self)

    def form_pdf_task(self) -> tuple[Any, Path] | None:
        """The background function and target path for the chosen paper (None when nothing to print)."""
        kind = self.form_combo.currentData()
        vid = self.village_combo.currentData()
        hid = self.household_combo.currentData()
        rid = self.paper_round_combo.currentData()
        if kind in ROUND_FORMS and rid is None:
            QMessageBox.information(self, "In giấy tờ", "Chưa có đợt rà soát nào: mở đợt ở thẻ Rà soát trước.")
            return None
        if (kind != "decision" and vid is None) or (kind in ("certificate", "assistance") and hid is None):
            QMessageBox.information(self, "In giấy tờ", "Chọn thôn và hộ cần in.")
            return None
        return paper_task(
            kind,
            round_id=int(rid) if rid is not None and kind in ROUND_FORMS else None,
            village_id=int(vid) if vid is not None else None,
            household=hid,
        )

    def print_forms(self) -> None:
        task = self.form_pdf_task()
        if task is None:
            return

        def show(path: Path) -> None:
            preview_pdf(path, self)

        self.workspace.run_task(task[0], title="Đang chuẩn bị giấy tờ…", on_done=show, writes=False, parent=self)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())
