"""Tổng quan: the first tab — the commune at a glance and, for each part, a link to where it is dealt with.

Figures come from ``services.overview``; a link asks the main window (``open_place``) to show
a tab (and, for some, to start the action there: the import, the data checks, the backup).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.services import overview
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.text import thousands
from ui.workspace import Workspace

# place → (tab title, action the main window takes there)
PLACES = {
    "register": "Hộ gia đình",
    "import": "Hộ gia đình",
    "checks": "Hộ gia đình",
    "review": "Rà soát",
    "requests": "Rà soát",
    "plan": "Hỗ trợ",
    "reports": "Báo cáo",
    "backup": "",
}


def _link(text: str, place: str, target: OverviewTab) -> QPushButton:
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.clicked.connect(lambda: target.open_place.emit(place))
    return button


class OverviewTab(QWidget):
    open_place = Signal(str)  # a key of PLACES

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.data: overview.Overview | None = None

        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("font-size: 11pt;")
        self.classes = QLabel()
        self.classes.setWordWrap(True)
        self.villages = QGridLayout()
        self.round_label = QLabel()
        self.requests_label = QLabel()
        self.plan_label = QLabel()
        self.backup_label = QLabel()
        for label in (self.round_label, self.requests_label, self.plan_label, self.backup_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        register_box = QGroupBox("Sổ hộ gia đình")
        register_layout = QVBoxLayout(register_box)
        register_layout.addWidget(self.empty)
        register_layout.addWidget(self.classes)
        register_layout.addLayout(self.villages)
        register_links = QHBoxLayout()
        register_links.addWidget(_link("Mở sổ hộ", "register", self))
        register_links.addWidget(_link("Nhập danh sách từ Excel…", "import", self))
        register_links.addWidget(_link("Kiểm tra dữ liệu", "checks", self))
        register_links.addStretch(1)
        register_layout.addLayout(register_links)

        def box(title: str, label: QLabel, *links: QPushButton) -> QGroupBox:
            group = QGroupBox(title)
            column = QVBoxLayout(group)
            column.addWidget(label)
            row = QHBoxLayout()
            for link in links:
                row.addWidget(link)
            row.addStretch(1)
            column.addLayout(row)
            return group

        round_box = box("Đợt rà soát", self.round_label, _link("Mở thẻ Rà soát", "review", self))
        requests_box = box("Đơn chờ xử lý", self.requests_label, _link("Xem, ghi đơn đề nghị", "requests", self))
        plan_box = box("Kế hoạch năm", self.plan_label, _link("Mở kế hoạch", "plan", self))
        backup_box = box("Sao lưu", self.backup_label, _link("Sao lưu ra USB…", "backup", self))

        right = QVBoxLayout()
        for group in (round_box, requests_box, plan_box, backup_box):
            right.addWidget(group)
        right.addStretch(1)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(register_box)
        left.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        inner = QWidget()
        inner.setLayout(columns)
        area = QScrollArea()
        area.setWidget(inner)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)
        self.refresh()

    def refresh(self) -> None:
        if self.workspace.db.closed:  # signals may still arrive while the window is torn down
            return
        data = self.data = overview.overview(self.workspace.db)
        if data.households == 0:
            self.empty.setText(
                "Chưa có hộ nào trong sổ. Bắt đầu bằng <b>Nhập danh sách từ Excel…</b> (danh sách hộ nghèo, cận nghèo"
                " xã đang dùng) hoặc thêm từng hộ ở thẻ Hộ gia đình (Ctrl+N)."
            )
            self.empty.show()
        else:
            self.empty.hide()
        self.classes.setText(
            f"<b>{thousands(data.households)} hộ</b>"
            + "".join(f" · {label}: <b>{thousands(n)}</b>" for label, n in data.by_class)
        )
        self._fill_villages(data)
        self.round_label.setText(data.round_text)
        self.requests_label.setText(data.requests_text)
        plan_text = data.plan_text
        if data.lagging:
            plan_text += "<br>Chậm: " + "; ".join(data.lagging)
        self.plan_label.setText(plan_text)
        self.backup_label.setText(data.backup_text)
        self.backup_label.setStyleSheet("color: #b00020;" if data.backup_warning else "")

    def _fill_villages(self, data: overview.Overview) -> None:
        while self.villages.count():
            item = self.villages.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone at once, not when deleted later
                widget.deleteLater()
        if not data.villages:
            return
        for column, title in enumerate(("Thôn/tổ", "Số hộ", "Hộ nghèo", "Hộ cận nghèo")):
            header = QLabel(f"<b>{title}</b>")
            if column:
                header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.villages.addWidget(header, 0, column)
        for row, v in enumerate(data.villages, start=1):
            values: list[Any] = [v.name, thousands(v.households), thousands(v.poor), thousands(v.near_poor)]
            for column, value in enumerate(values):
                label = QLabel(str(value))
                if column:
                    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.villages.addWidget(label, row, column)

    def on_changes(self, _changes: Changes) -> None:
        self.refresh()
