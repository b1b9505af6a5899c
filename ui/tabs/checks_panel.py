"""Kiểm tra dữ liệu: findings grouped by kind; double-click opens the record; “Kiểm tra lại”."""

from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.services import checks
from ui.tasks import TaskContext
from ui.workspace import Workspace

HouseholdRole = int(Qt.ItemDataRole.UserRole) + 10
MemberRole = int(Qt.ItemDataRole.UserRole) + 11
_COLOURS = {"error": "#b00020", "warning": "#8a5a00", "info": "#555555"}


class ChecksPanel(QDialog):
    """A non-modal window beside the register. ``open_record(household_id, member_id)`` asks
    the register tab to show and open the record (member_id is 0 for household-level findings)."""

    open_record = Signal(int, int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Kiểm tra dữ liệu")
        self.setModal(False)
        self.findings: list[checks.Finding] = []
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Vấn đề", "Mức độ", "Hộ", "Thôn/tổ"])
        self.tree.setColumnWidth(0, 560)
        self.tree.setColumnWidth(1, 110)
        self.tree.setColumnWidth(2, 90)
        self.tree.itemActivated.connect(self._activated)
        self.summary = QLabel()
        self.recheck = QPushButton("Kiểm tra lại")
        self.recheck.clicked.connect(self.run_checks)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.recheck)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Nhấp đúp (hoặc Enter) vào một dòng để mở hồ sơ và sửa."))
        layout.addWidget(self.tree, 1)
        layout.addLayout(bar)
        self.resize(900, 560)

    def run_checks(self) -> None:
        self.recheck.setEnabled(False)
        self.summary.setText("Đang kiểm tra…")

        def work(ctx: TaskContext) -> list[checks.Finding]:
            return checks.run_checks(ctx.db, progress=ctx.progress, cancelled=ctx.cancelled)

        def done(result: list[checks.Finding]) -> None:
            self.recheck.setEnabled(True)
            self.show_findings(result)

        def failed(exc: BaseException) -> None:
            self.recheck.setEnabled(True)
            self.summary.setText("Không kiểm tra được.")
            from ui import errors

            errors.show_error(self, exc)

        self.workspace.run_task(
            work, title="Đang kiểm tra dữ liệu…", on_done=done, on_failed=failed, writes=False, parent=self
        )

    def show_findings(self, findings: list[checks.Finding]) -> None:
        self.findings = findings
        self.tree.clear()
        by_kind = sorted(findings, key=lambda f: (list(checks.KIND_LABELS).index(f.kind), f.household_code))
        for kind, group in groupby(by_kind, key=lambda f: f.kind):
            items = list(group)
            parent = QTreeWidgetItem([f"{checks.KIND_LABELS.get(kind, kind)} ({len(items)})"])
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.tree.addTopLevelItem(parent)
            for f in items:
                child = QTreeWidgetItem([f.message, checks.SEVERITY_LABELS[f.severity], f.household_code, f.village])
                child.setData(0, HouseholdRole, f.household_id or 0)
                child.setData(0, MemberRole, f.member_id or 0)
                child.setForeground(1, QBrush(QColor(_COLOURS.get(f.severity, "#000000"))))
                child.setToolTip(0, f.message)
                parent.addChild(child)
            parent.setExpanded(len(items) <= 50 or kind in ("duplicate_id", "no_head", "two_heads"))
        errors_ = sum(1 for f in findings if f.severity == "error")
        warnings = sum(1 for f in findings if f.severity == "warning")
        infos = len(findings) - errors_ - warnings
        if not findings:
            self.summary.setText("Không phát hiện vấn đề nào.")
        else:
            self.summary.setText(f"{errors_} lỗi, {warnings} cảnh báo, {infos} thiếu thông tin.")

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        household_id = int(item.data(0, HouseholdRole) or 0)
        if household_id:
            self.open_record.emit(household_id, int(item.data(0, MemberRole) or 0))
