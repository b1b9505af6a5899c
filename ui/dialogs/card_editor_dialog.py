"""Phiếu B1: edit a scoring card's questions, options and points (saved as a card of its own)."""

from __future__ import annotations

import copy
import json
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.services import review
from ui import errors


class CardEditorDialog(QDialog):
    """One row per option: question, option, points. Saving validates and stores a new card."""

    def __init__(self, db: Any, card_row: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.definition: dict[str, Any] = copy.deepcopy(json.loads(card_row["definition"]))
        self.saved_id: str | None = None
        self.setWindowTitle("Phiếu chấm điểm B1")
        layout = QVBoxLayout(self)
        if self.definition.get("is_sample"):
            warn = QLabel("THẺ MẪU — điểm không phải điểm chính thức. Hãy nhập điểm theo phiếu B1 của tỉnh.")
            warn.setStyleSheet("color: #a61c00; font-weight: bold")
            layout.addWidget(warn)
        form = QFormLayout()
        self.name = QLineEdit(self.definition["name"])
        self.cutoff = QDoubleSpinBox()
        self.cutoff.setRange(0, 10000)
        self.cutoff.setValue(float(self.definition["cutoff"]))
        form.addRow("Tên phiếu", self.name)
        form.addRow("Ngưỡng điểm (≤ ngưỡng: thu nhập coi như không vượt chuẩn)", self.cutoff)
        layout.addLayout(form)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Câu hỏi", "Phương án", "Điểm"])
        self.cells: list[tuple[int, int]] = []
        for qi, question in enumerate(self.definition["questions"]):
            for oi, option in enumerate(question["options"]):
                row = self.table.rowCount()
                self.table.insertRow(row)
                self.table.setItem(row, 0, QTableWidgetItem(question["text"] if oi == 0 else ""))
                self.table.setItem(row, 1, QTableWidgetItem(option["text"]))
                self.table.setItem(row, 2, QTableWidgetItem(str(option["points"])))
                self.cells.append((qi, oi))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 560)

    def edited(self) -> dict[str, Any]:
        data = copy.deepcopy(self.definition)
        data["name"] = self.name.text().strip() or data["name"]
        data["cutoff"] = self.cutoff.value()
        for row, (qi, oi) in enumerate(self.cells):
            item = self.table.item(row, 2)
            text = (item.text() if item else "").strip().replace(",", ".")
            try:
                data["questions"][qi]["options"][oi]["points"] = float(text) if "." in text else int(text)
            except ValueError:
                data["questions"][qi]["options"][oi]["points"] = None  # refused with the row named
            label = self.table.item(row, 1)
            if label is not None and label.text().strip():
                data["questions"][qi]["options"][oi]["text"] = label.text().strip()
        if data["id"].endswith("-MAU") or data.get("is_sample"):
            data["id"] = data["id"].replace("MAU", "TINH") if "MAU" in data["id"] else data["id"] + "-TINH"
            data["is_sample"] = False
            data["name"] = data["name"].replace("THẺ MẪU — không phải điểm chính thức", "Phiếu B1 của tỉnh")
        return data

    def save(self) -> None:
        try:
            definition = self.edited()
            review.save_card(self.db, definition)
            self.saved_id = definition["id"]
        except Exception as exc:
            errors.show_error(self, exc)
            return
        self.accept()
