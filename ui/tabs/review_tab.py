"""Rà soát: walk a review round step by step (Decision 24/2021).

List → compute (in the background, with progress) → village meetings (≥ 50 %) →
public posting → commune decision → certificates → close. The table lists the round's
households with their class before the round, the computed class and the reason; the
filter "chỉ hộ thay đổi" shows those whose class would change. Household requests
(Mẫu số 01 / 04) are recorded here and go into the next monthly round.
All work goes through ``giamngheo_desktop.services.review``.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import formats
from giamngheo_desktop.domain.vocab import ROUND_KIND_LABELS, ROUND_STEP_LABELS, class_label
from giamngheo_desktop.services import commune, review, round_state
from giamngheo_desktop.services.changes import Changes
from ui import errors
from ui.dialogs.papers import WHOLE_VILLAGE, print_paper
from ui.models.support_rows_model import Column, RowsTableModel, money
from ui.undo import record_write
from ui.workspace import Workspace

STEP_ORDER = ["list", "collect", "meeting", "posting", "decision", "certificates", "closed"]
STEP_HINTS = {
    "compute": "Tính 12 chỉ số thiếu hụt và phân loại mọi hộ trong đợt (chạy nền)",
    "indicators": "Xem, sửa tay chỉ số thiếu hụt của hộ đang chọn (kèm lý do)",
    "b1": "Nhập tổng điểm phiếu B1 cho hộ chưa có thu nhập bình quân",
    "meeting": "Ghi kết quả họp thôn (cần ít nhất 50 % người dự họp đồng ý)",
    "posting": "Niêm yết công khai kết quả (mọi thôn đã họp đạt)",
    "decision": "Số và ngày quyết định công nhận của Chủ tịch UBND xã",
    "certificates": "Cấp số giấy chứng nhận cho hộ nghèo, hộ cận nghèo",
    "close": "Cố định kết quả và cập nhật phân loại vào sổ hộ (có sao lưu trước)",
}
STEP_BUTTONS = tuple(STEP_HINTS)


def computed_text(r: Any) -> str:
    if r.computed_class:
        return class_label(r.computed_class) or r.computed_class
    return "Chưa phân loại được" if r.deprivation_count is not None else "Chưa tính"


def round_columns() -> list[Column]:
    return [
        Column("Mã hộ", lambda r: r.code),
        Column("Chủ hộ", lambda r: r.head),
        Column("Thôn/tổ", lambda r: r.village),
        Column("Phân loại trước đợt", lambda r: class_label(r.class_before)),
        Column("Kết quả tính", computed_text),
        Column("Kết quả sau họp thôn", after_meeting),
        Column("Số chỉ số thiếu hụt", lambda r: r.deprivation_count, numeric=True),
        Column("Thu nhập BQ (đ/người/tháng)", lambda r: r.income_per_capita, display=money, numeric=True),
        Column("Lý do", lambda r: r.reason, tooltip=lambda r: r.reason),
    ]


def after_meeting(row: Any) -> str:
    """The class agreed at the village meeting; empty until the village has met."""
    if row.status not in ("approved", "rejected") or not (row.final_class or row.computed_class):
        return ""
    return class_label(row.final_class or row.computed_class)


def agreement_text(attendees: int, agreed: int) -> str:
    """``24/40 người đồng ý = 60,0 % — đạt`` (at least 50 % of attendees must agree)."""
    if attendees <= 0:
        return "Nhập số người dự họp."
    share = 100.0 * agreed / attendees
    verdict = (
        "đạt"
        if agreed >= attendees * review.MIN_AGREEMENT
        else "CHƯA ĐẠT (cần ít nhất 50 %): hộ của thôn phải rà soát lại"
    )
    return f"{agreed}/{attendees} người đồng ý = {share:.1f} %".replace(".", ",") + f" — {verdict}"


def qdate(text: str | None) -> QDate:
    return QDate.fromString(text, "yyyy-MM-dd") if text else QDate.currentDate()


class FormDialog(QDialog):
    """A small form: rows of (label, widget); values read back by the caller."""

    def __init__(self, title: str, rows: list[tuple[str, QWidget]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        for label, widget in rows:
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(460)


def date_edit(value: str | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class IndicatorDialog(QDialog):
    """The household's indicators in the round; tick to override, with a note."""

    def __init__(self, rows: list[dict[str, Any]], names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chỉ số thiếu hụt của hộ")
        self.rows = rows
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Chỉ số", "Thiếu hụt", "Căn cứ / ghi chú"])
        for n, r in enumerate(rows):
            self.table.setItem(n, 0, QTableWidgetItem(names.get(r["indicator_code"], r["indicator_code"])))
            check = QTableWidgetItem("nhập tay" if r["source"] == "entered" else "tự tính")
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if r["deprived"] else Qt.CheckState.Unchecked)
            self.table.setItem(n, 1, check)
            self.table.setItem(n, 2, QTableWidgetItem(r["note"]))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Lý do nhập tay (bắt buộc khi thay đổi)")
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 460)

    def changed(self) -> list[tuple[str, bool]]:
        out = []
        for n, r in enumerate(self.rows):
            item = self.table.item(n, 1)
            ticked = item is not None and item.checkState() == Qt.CheckState.Checked
            if ticked != bool(r["deprived"]):
                out.append((r["indicator_code"], ticked))
        return out


PRINT_CHOICES = [
    ("posting", "Danh sách niêm yết của thôn…"),
    ("minutes", "Biên bản họp thôn…"),
    ("decision", "Quyết định công nhận kèm danh sách (Mẫu số 02)"),
    ("certificate", "Giấy chứng nhận của các hộ trong thôn (Mẫu số 03)…"),
]


def close_summary(db: Any, name: str, rows: list[Any], changed: list[Any]) -> str:
    """What closing a round did, for the officer: households changed, certificates, the backup."""
    from giamngheo_desktop.paths import backups_dir_for
    from giamngheo_desktop.services import backup

    certificates = sum(1 for r in rows if (r.final_class or r.computed_class) in ("poor", "near_poor"))
    lines = [
        f"{name}: đã cố định kết quả của {len(rows)} hộ và cập nhật phân loại vào sổ hộ gia đình.",
        f"Số hộ đổi phân loại: {len(changed)}.",
    ]
    by_class: dict[str, int] = {}
    for r in changed:
        key = f"{class_label(r.class_before)} → {class_label(r.final_class or r.computed_class)}"
        by_class[key] = by_class.get(key, 0) + 1
    lines += [f"  • {k}: {v} hộ" for k, v in sorted(by_class.items(), key=lambda kv: -kv[1])]
    lines.append(f"Hộ nghèo, cận nghèo được cấp giấy chứng nhận (in ở thẻ Báo cáo): {certificates}.")
    copies = backup.list_backups(backups_dir_for(Path(db.path)), Path(db.path).stem)
    made = next((c for c in copies if "round_close" in c.name), None)
    if made is not None:
        stamp = _dt.datetime.fromtimestamp(made.stat().st_mtime).strftime("%d/%m/%Y %H:%M")
        lines.append(
            f"Bản sao lưu trước khi đóng: lúc {stamp}, trong thư mục {made.parent}"
            " (mở lại được ở Tệp › Khôi phục từ bản sao lưu…)."
        )
    lines.append("Muốn mở lại đợt ngay: Ctrl+Z (Hoàn tác).")
    return "\n".join(lines)


class ReviewTab(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.round_id: int | None = None

        top = QHBoxLayout()
        top.addWidget(QLabel("Đợt rà soát:"))
        self.round_combo = QComboBox()
        self.round_combo.setMinimumWidth(380)
        # as wide as its longest round ("… — ngày tham chiếu 07/12/2026 — Cấp giấy chứng nhận"): a round
        # opened later was cut to the width the list had when the tab was first shown
        self.round_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.round_combo.currentIndexChanged.connect(self._round_chosen)
        top.addWidget(self.round_combo)
        self.open_button = QPushButton("Mở đợt rà soát mới…")
        self.open_button.clicked.connect(self.ask_open_round)
        top.addWidget(self.open_button)
        self.request_button = QPushButton("Ghi đơn đề nghị (Mẫu 01/04)…")
        self.request_button.clicked.connect(self.ask_request)
        top.addWidget(self.request_button)
        self.pending_button = QPushButton("Đơn chờ xử lý…")
        self.pending_button.clicked.connect(self.show_requests)
        top.addWidget(self.pending_button)
        top.addStretch(1)

        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.info = QLabel()
        self.info.setWordWrap(True)
        # room for two lines from the start: a summary that wraps once B1 scores are in no longer
        # moves the step buttons down under the pointer (a click meant for one landed on another)
        self.info.setMinimumHeight(2 * self.info.fontMetrics().lineSpacing())
        self.info.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        actions = QHBoxLayout()
        self.compute_button = QPushButton("1–2. Tính chỉ số và phân loại")
        self.compute_button.clicked.connect(self.compute)
        self.indicators_button = QPushButton("Chỉ số của hộ…")
        self.indicators_button.clicked.connect(self.ask_indicators)
        self.meeting_button = QPushButton("3. Họp thôn…")
        self.meeting_button.clicked.connect(self.ask_meeting)
        self.posting_button = QPushButton("4. Niêm yết công khai…")
        self.posting_button.clicked.connect(self.ask_posting)
        self.decision_button = QPushButton("5. Quyết định công nhận…")
        self.decision_button.clicked.connect(self.ask_decision)
        self.certificates_button = QPushButton("6. Cấp giấy chứng nhận")
        self.certificates_button.clicked.connect(self.certificates)
        self.b1_button = QPushButton("Điểm B1…")
        self.b1_button.clicked.connect(self.ask_b1)
        self.card_button = QPushButton("Phiếu B1…")
        self.card_button.clicked.connect(self.edit_card)
        self.close_button = QPushButton("Đóng đợt rà soát")
        self.close_button.clicked.connect(self.ask_close)
        self.print_button = QPushButton("In giấy tờ của đợt")
        self.print_button.setToolTip(
            "Danh sách niêm yết, biên bản họp thôn, quyết định, giấy chứng nhận theo kết quả đợt này"
        )
        print_menu = QMenu(self.print_button)
        for kind, label in PRINT_CHOICES:
            print_menu.addAction(label, functools.partial(self.print_paper, kind))
        self.print_button.setMenu(print_menu)
        for b in (self.compute_button, self.meeting_button, self.posting_button,
                  self.decision_button, self.certificates_button, self.close_button):  # fmt: skip
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.print_button)
        household_tools = QHBoxLayout()  # what is done to one household of the round
        for b in (self.indicators_button, self.b1_button, self.card_button):
            household_tools.addWidget(b)

        self.changed_only = QCheckBox("Chỉ hộ có phân loại khác với hiện tại")
        self.changed_only.toggled.connect(self.refresh_rows)
        self.model = RowsTableModel(round_columns(), id_attr="household_id", highlight=lambda r: r.differs)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _index: self.ask_indicators())
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.legend = QLabel(
            "<span style='background:#FDE2E1'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;Dòng màu hồng: kết quả tính khác"
            " phân loại hiện tại của hộ (xem cột Lý do).&nbsp;&nbsp; Cột «Kết quả sau họp thôn» có khi thôn đã họp."
        )
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.meetings = QLabel()
        self.meetings.setWordWrap(True)
        self.meetings.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.meetings.setTextFormat(Qt.TextFormat.RichText)
        meetings_area = QScrollArea()  # the meetings list scrolls; the round's table keeps the room
        meetings_area.setWidget(self.meetings)
        meetings_area.setWidgetResizable(True)
        meetings_area.setFrameShape(QFrame.Shape.NoFrame)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(meetings_area)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 90])
        self.split = split

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.steps)
        layout.addWidget(self.info)
        layout.addLayout(actions)
        household_tools.addSpacing(16)
        household_tools.addWidget(self.changed_only)
        household_tools.addStretch(1)
        layout.addLayout(household_tools)
        layout.addWidget(self.legend)
        layout.addWidget(split, 1)
        self.reload_rounds()

    # -- state --------------------------------------------------------------
    @property
    def db(self) -> Any:
        return self.workspace.db

    def reload_rounds(self, select: int | None = None) -> None:
        rounds = review.list_rounds(self.db)
        keep = select if select is not None else self.round_id
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for r in rounds:
            self.round_combo.addItem(
                f"{r.name} — ngày tham chiếu {formats.dmy(r.reference_date)} — {r.step_label}", r.id
            )
        self.round_combo.blockSignals(False)
        index = self.round_combo.findData(keep) if keep is not None else 0
        self.round_combo.setCurrentIndex(max(index, 0) if rounds else -1)
        self._round_chosen()

    def _round_chosen(self) -> None:
        data = self.round_combo.currentData()
        self.round_id = int(data) if data is not None else None
        self.refresh()

    def refresh(self) -> None:
        self.refresh_rows()
        pending = len(review.pending_requests(self.db))
        self.pending_button.setText(f"Đơn chờ xử lý ({pending})…" if pending else "Đơn chờ xử lý…")
        rnd = review.get_round(self.db, self.round_id) if self.round_id is not None else None
        step = rnd.step if rnd else None
        parts = []
        for s in STEP_ORDER:
            label = ROUND_STEP_LABELS[s]
            if step is None:
                parts.append(f"<span style='color:#888'>{label}</span>")
            elif s == step:
                parts.append(f"<b style='color:#0b5394'>▶ {label}</b>")
            elif STEP_ORDER.index(s) < STEP_ORDER.index(step):
                parts.append(f"<span style='color:#38761d'>✔ {label}</span>")
            else:
                parts.append(f"<span style='color:#888'>{label}</span>")
        self.steps.setText(" → ".join(parts))
        if rnd is None:
            self.info.setText("Chưa có đợt rà soát. Bấm “Mở đợt rà soát mới…” để lập danh sách.")
        else:
            summary = review.round_summary(self.db, rnd.id)
            by_class = ", ".join(f"{class_label(k) or k}: {v}" for k, v in sorted(summary["by_class"].items()))
            standard = review.get_standard(self.db, rnd.standard_id)
            extra = " (chuẩn tạm thời)" if standard.provisional else ""
            self.info.setText(
                f"{ROUND_KIND_LABELS.get(rnd.kind, rnd.kind)} · {rnd.households} hộ · {by_class} · "
                f"khác phân loại hiện tại: {summary['changed']} hộ · Chuẩn: {standard.name}{extra}"
            )
        self._update_steps(rnd)
        self._show_meetings()

    def step_blockers(self, rnd: Any) -> dict[str, str]:
        """For each step button, why it may not be taken now ("" when it may)."""
        if rnd is None:
            reason = "Chưa có đợt rà soát: bấm “Mở đợt rà soát mới…”."
            return dict.fromkeys(STEP_BUTTONS, reason)
        if rnd.step == "closed":
            return dict.fromkeys(STEP_BUTTONS, "Đợt đã đóng: kết quả đã cố định.")
        at = STEP_ORDER.index(rnd.step)
        rows = review.round_rows(self.db, rnd.id)
        uncomputed = sum(1 for r in rows if r.computed_class is None)
        unclassified = sum(1 for r in rows if r.computed_class is None and r.deprivation_count is not None)
        if unclassified:  # computed, but the class needs an income or a B1 score
            waiting = (
                f"Còn {uncomputed} hộ chưa phân loại được ({unclassified} hộ chưa có thu nhập bình quân hoặc điểm B1, "
                "xem cột Lý do): chọn hộ, bấm “Điểm B1…” (hoặc nhập thu nhập ở Sửa hộ) rồi bấm lại "
                "“1–2. Tính chỉ số và phân loại”."
            )
        else:
            waiting = f"Còn {uncomputed} hộ chưa tính: bấm “1–2. Tính chỉ số và phân loại” trước."
        missing = review.villages_without_agreement(self.db, rnd.id)
        blockers = dict.fromkeys(STEP_BUTTONS, "")
        if at >= STEP_ORDER.index("posting"):
            done = "Đã niêm yết: kết quả không tính lại được nữa."
            blockers.update(compute=done, indicators=done, b1=done, meeting=done)
        elif uncomputed:
            blockers["meeting"] = waiting
        if at >= STEP_ORDER.index("posting"):
            blockers["posting"] = "Đã niêm yết công khai."
        elif uncomputed:
            blockers["posting"] = waiting
        elif missing:
            blockers["posting"] = "Chưa họp thôn hoặc chưa đạt 50 % đồng ý: " + ", ".join(missing) + "."
        if at >= STEP_ORDER.index("decision"):
            blockers["decision"] = "Đã có quyết định công nhận."
        elif at < STEP_ORDER.index("posting"):
            blockers["decision"] = "Cần niêm yết công khai kết quả (bước 4) trước."
        if at < STEP_ORDER.index("decision"):
            blockers["certificates"] = "Cần quyết định công nhận (bước 5) trước."
            blockers["close"] = "Chỉ đóng được đợt sau khi có quyết định công nhận (bước 5)."
        return blockers

    def _update_steps(self, rnd: Any) -> None:
        blockers = self.step_blockers(rnd)
        for key, button in self._step_buttons().items():
            reason = blockers[key]
            button.setEnabled(not reason)
            button.setToolTip(reason or STEP_HINTS[key])

    def _step_buttons(self) -> dict[str, QPushButton]:
        return {
            "compute": self.compute_button,
            "indicators": self.indicators_button,
            "b1": self.b1_button,
            "meeting": self.meeting_button,
            "posting": self.posting_button,
            "decision": self.decision_button,
            "certificates": self.certificates_button,
            "close": self.close_button,
        }

    def refresh_rows(self) -> None:
        chosen = self._selected()
        if self.round_id is None:
            self.model.set_rows([])
        else:
            self.model.set_rows(review.round_rows(self.db, self.round_id, only_changed=self.changed_only.isChecked()))
        self.table.resizeColumnsToContents()  # headers whole even with no round
        # the reason takes the width left (the last column stretches), whole in its tooltip: at its
        # own length (or a fixed 520 px) the table scrolled sideways at 1366 px
        self.table.setColumnWidth(8, 120)
        if chosen is not None:  # the household worked on stays chosen (B1, indicators one after another)
            self.select_household(chosen.household_id)

    def select_household(self, household_id: int) -> None:
        for row, r in enumerate(self.model.rows()):
            if r.household_id == household_id:
                index = self.model.index(row, 0)
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                return

    def _show_meetings(self) -> None:
        if self.round_id is None:
            self.meetings.setText("")
            return
        lines = []
        for m in review.meetings(self.db, self.round_id):
            mark = "đạt" if m["share"] >= 50 else "CHƯA ĐẠT — rà soát lại"
            lines.append(
                f"{m['village']}: họp ngày {formats.dmy(m['meeting_date'])}, {m['agreed']}/{m['attendees']} người "
                f"đồng ý ({formats.percent(m['share'])}) — {mark}"
            )
        missing = review.villages_without_agreement(self.db, self.round_id)
        if missing:
            lines.append("Chưa họp hoặc chưa đạt 50 %: " + ", ".join(missing))
        self.meetings.setText("<b>Họp thôn</b><br>" + "<br>".join(lines) if lines else "")

    def on_changes(self, changes: Changes) -> None:
        if changes.review or changes.households:
            self.reload_rounds()

    def _selected(self) -> Any:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    # -- actions ------------------------------------------------------------
    def ask_open_round(self) -> None:
        kind = QComboBox()
        for code, label in ROUND_KIND_LABELS.items():
            kind.addItem(label, code)
        date = date_edit()
        dialog = FormDialog("Mở đợt rà soát", [("Loại đợt", kind), ("Ngày tham chiếu", date)], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.open_round(kind.currentData(), date.date().toString("yyyy-MM-dd"))

    def open_round(self, kind: str, reference_date: str) -> int | None:
        try:
            changes = review.open_round(self.db, kind=kind, reference_date=reference_date)
        except Exception as exc:
            errors.show_error(self, exc)
            return None
        self.round_id = round_id = changes.written_id
        after = round_state.capture(self.db, round_id)
        rnd = review.get_round(self.db, round_id)
        self.push_step(f"mở {rnd.name} ({rnd.households} hộ)", round_state.before_open(after), after, changes)
        self.reload_rounds(select=round_id)
        return round_id

    def step_write(self, text: str | Callable[[Changes], str], action: Callable[[], Changes]) -> Changes | None:
        """Take a step of the chosen round (a service call): confirm it in the status bar and put
        its way back on the undo stack (Ctrl+Z puts the round's rows back as they were)."""
        if self.round_id is None:
            return None
        round_id = self.round_id
        before = round_state.capture(self.db, round_id)
        try:
            changes = action()
        except Exception as exc:
            errors.show_error(self, exc)
            return None
        self.push_step(text, before, round_state.capture(self.db, round_id), changes)
        return changes

    def push_step(
        self,
        text: str | Callable[[Changes], str],
        before: round_state.RoundState,
        after: round_state.RoundState,
        changes: Changes,
    ) -> None:
        db = self.db

        def put(state: round_state.RoundState) -> Changes:
            written = round_state.restore(db, state)
            if state.round is not None:  # the tab shows the round taken back or again
                self.round_id = state.round_id
            return written

        record_write(
            self.workspace,
            text(changes) if callable(text) else text,
            changes,
            undo=lambda: put(before),
            redo=lambda: put(after),
        )

    def compute(self) -> None:
        if self.round_id is None:
            return
        round_id = self.round_id
        before = round_state.capture(self.db, round_id)

        def work(ctx: Any) -> Changes:
            return review.compute_round(ctx.db, round_id, progress=ctx.progress, cancelled=ctx.cancelled)

        def done(changes: Changes) -> None:
            after = round_state.capture(self.db, round_id)
            rows = after.rows["round_household"]
            classified = sum(1 for r in rows if r["computed_class"])
            self.push_step(f"tính chỉ số và phân loại ({classified}/{len(rows)} hộ đã phân loại)", before, after,
                           changes)  # fmt: skip

        self.workspace.run_task(
            work, title="Đang tính chỉ số thiếu hụt và phân loại…", on_done=done, writes=True, parent=self,
        )  # fmt: skip

    def ask_indicators(self) -> None:
        row = self._selected()
        if row is None or self.round_id is None:
            QMessageBox.information(self, "Chỉ số của hộ", "Hãy chọn một hộ trong danh sách.")
            return
        rows = review.round_indicators(self.db, self.round_id, row.household_id)
        if not rows:
            QMessageBox.information(self, "Chỉ số của hộ", "Hộ này chưa được tính. Bấm “Tính chỉ số và phân loại”.")
            return
        rnd = review.get_round(self.db, self.round_id)
        names = {i.code: i.name for i in review.get_standard(self.db, rnd.standard_id).indicators}
        dialog = IndicatorDialog(rows, names, self)
        dialog.setWindowTitle(f"Chỉ số thiếu hụt — hộ {row.code} ({row.head})")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_overrides(row.household_id, dialog.changed(), dialog.note.text())

    def apply_overrides(self, household_id: int, changed: list[tuple[str, bool]], note: str) -> None:
        if self.round_id is None or not changed:
            return
        round_id = self.round_id

        def write() -> Changes:
            changes = Changes(review=True)
            for code, deprived in changed:
                changes |= review.override_indicator(
                    self.db, round_id, household_id, code=code, deprived=deprived, note=note
                )
            return changes

        self.step_write(f"sửa {len(changed)} chỉ số thiếu hụt của hộ {self._code(household_id)}", write)

    def _code(self, household_id: int) -> str:
        return next((f"{r.code} ({r.head})" for r in self.model.rows() if r.household_id == household_id), "")

    def round_villages(self) -> list[tuple[int, str]]:
        """(id, name) of the villages with households in the round, those still to meet first."""
        if self.round_id is None:
            return []
        names = {r.village for r in review.round_rows(self.db, self.round_id)}
        missing = set(review.villages_without_agreement(self.db, self.round_id))
        villages = [(v.id, v.name) for v in commune.list_villages(self.db) if v.name in names]
        return sorted(villages, key=lambda v: v[1] not in missing)

    def ask_meeting(self) -> None:
        if self.round_id is None:
            return
        village = QComboBox()
        missing = set(review.villages_without_agreement(self.db, self.round_id))
        for vid, name in self.round_villages():
            village.addItem(name + ("" if name in missing else " (đã họp đạt)"), vid)
        date, attendees, agreed = date_edit(), QSpinBox(), QSpinBox()
        attendees.setRange(0, 10000)  # 0 until typed: Enter alone must not record a failed meeting of 1 person
        agreed.setRange(0, 10000)
        share = QLabel()
        share.setWordWrap(True)

        def show_share() -> None:
            agreed.setMaximum(attendees.value())
            share.setText(agreement_text(attendees.value(), agreed.value()))
            ok = agreed.value() >= attendees.value() * review.MIN_AGREEMENT
            colour = "" if not attendees.value() else "color: #1b5e20;" if ok else "color: #b00020;"
            share.setStyleSheet(colour + " font-weight: bold;")  # no verdict colour before any figure

        attendees.valueChanged.connect(lambda _v: show_share())
        agreed.valueChanged.connect(lambda _v: show_share())
        show_share()
        chair, secretary, minutes = QLineEdit(), QLineEdit(), QPlainTextEdit()
        minutes.setPlaceholderText("Tóm tắt biên bản họp")
        minutes.setMaximumHeight(90)
        dialog = FormDialog(
            "Họp thôn (cần ít nhất 50 % người dự họp đồng ý)",
            [("Thôn/tổ", village), ("Ngày họp", date), ("Số người dự họp", attendees), ("Số người đồng ý", agreed),
             ("Tỷ lệ đồng ý", share), ("Chủ trì", chair), ("Thư ký", secretary), ("Biên bản", minutes)],
            self,
        )  # fmt: skip
        self.meeting_dialog = dialog  # tests drive the open form
        box = dialog.findChild(QDialogButtonBox)
        ok = box.button(QDialogButtonBox.StandardButton.Ok) if box is not None else None
        if ok is not None:
            ok.setEnabled(False)
            ok.setToolTip("Nhập số người dự họp trước.")
            attendees.valueChanged.connect(lambda n: ok.setEnabled(n > 0))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record_meeting(village.currentData(), date.date().toString("yyyy-MM-dd"), attendees.value(),
                                agreed.value(), chair.text(), secretary.text(), minutes.toPlainText())  # fmt: skip

    def record_meeting(self, village_id: int, date: str, attendees: int, agreed: int, chair: str = "",
                       secretary: str = "", minutes: str = "") -> bool | None:  # fmt: skip
        if self.round_id is None:
            return None
        round_id = self.round_id
        village = next((v.name for v in commune.list_villages(self.db) if v.id == village_id), "")
        changes = self.step_write(
            f"họp thôn {village} ngày {formats.dmy(date)}: {agreement_text(attendees, agreed)}",
            lambda: review.record_meeting(self.db, round_id, village_id=village_id, meeting_date=date,
                                          attendees=attendees, agreed=agreed, chair=chair, secretary=secretary,
                                          minutes=minutes),
        )  # fmt: skip
        if changes is None:
            return None
        passed = review.meeting_passed(attendees, agreed)
        if not passed:
            QMessageBox.warning(
                self, "Chưa đạt", "Cuộc họp chưa đạt 50 % người dự họp đồng ý: các hộ của thôn cần được rà soát lại "
                "(bước 2) và họp lại."
            )  # fmt: skip
        return passed

    def ask_posting(self) -> None:
        start, end = date_edit(), date_edit()
        end.setDate(start.date().addDays(3))
        dialog = FormDialog("Niêm yết công khai kết quả", [("Từ ngày", start), ("Đến ngày", end)], self)
        while dialog.exec() == QDialog.DialogCode.Accepted:  # refused: the form again, as typed
            if self.advance("posting", posting_from=start.date().toString("yyyy-MM-dd"),
                            posting_to=end.date().toString("yyyy-MM-dd")):  # fmt: skip
                break

    def ask_decision(self) -> None:
        if self.round_id is None:
            return
        posted = (round_state.capture(self.db, self.round_id).round or {}).get("posting_to")
        number, date = QLineEdit(), date_edit()
        if posted and qdate(posted) > date.date():  # the decision comes after the posting ends
            date.setDate(qdate(posted))
        number.setPlaceholderText("ví dụ 215/QĐ-UBND")
        dialog = FormDialog("Quyết định công nhận của Chủ tịch UBND xã", [("Số quyết định", number),
                                                                          ("Ngày quyết định", date)], self)  # fmt: skip
        while dialog.exec() == QDialog.DialogCode.Accepted:  # refused: the form again, as typed
            if self.advance("decision", decision_number=number.text(),
                            decision_date=date.date().toString("yyyy-MM-dd")):  # fmt: skip
                break

    def advance(self, step: str, **dates: str) -> bool:
        if self.round_id is None:
            return False
        round_id = self.round_id
        if step == "posting":
            start, end = formats.dmy(dates.get("posting_from")), formats.dmy(dates.get("posting_to"))
            text = f"niêm yết công khai từ {start} đến {end}"
        elif step == "decision":
            number, day = dates.get("decision_number", "").strip(), formats.dmy(dates.get("decision_date"))
            text = f"quyết định công nhận số {number} ngày {day}"
        else:
            text = f"bước “{ROUND_STEP_LABELS.get(step, step)}”"
        return self.step_write(text, lambda: review.advance(self.db, round_id, to_step=step, **dates)) is not None

    def certificates(self) -> None:
        if self.round_id is None:
            return
        round_id = self.round_id
        changes = self.step_write(
            lambda c: f"cấp số {c.count} giấy chứng nhận", lambda: review.issue_certificates(self.db, round_id)
        )
        if changes is None:
            return
        QMessageBox.information(self, "Giấy chứng nhận", f"Đã cấp số cho {changes.count} giấy chứng nhận. "
                                "In ở “In giấy tờ của đợt” bên trên hoặc ở thẻ Báo cáo (theo thôn). "
                                "Hoàn tác: Ctrl+Z.")  # fmt: skip

    def print_paper(self, kind: str, village_id: int | None = None) -> None:
        """Print a paper of the chosen round (asking for the village when the paper is a village's)."""
        if self.round_id is None:
            return
        if kind != "decision" and village_id is None:
            villages = commune.list_villages(self.db)
            names = [v.name for v in villages]
            name, ok = QInputDialog.getItem(self, "Chọn thôn", "Thôn/tổ:", names, 0, False)
            if not ok:
                return
            village_id = villages[names.index(name)].id
        household = WHOLE_VILLAGE if kind == "certificate" else None
        print_paper(self.workspace, self, kind, round_id=self.round_id, village_id=village_id, household=household)

    def ask_close(self) -> None:
        answer = QMessageBox.question(
            self,
            "Đóng đợt rà soát",
            "Đóng đợt sẽ cố định kết quả của mọi hộ trong đợt và cập nhật phân loại vào sổ hộ gia đình. "
            "Chương trình tự sao lưu trước khi đóng. Tiếp tục?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.close_round()

    def close_round(self) -> bool:
        if self.round_id is None:
            return False
        round_id = self.round_id
        rnd = review.get_round(self.db, round_id)
        before = review.round_rows(self.db, round_id)
        changed = [r for r in before if r.differs]
        if self.step_write(f"đóng {rnd.name}", lambda: review.close_round(self.db, round_id)) is None:
            return False
        self.last_close_summary = close_summary(self.db, rnd.name, before, changed)
        QMessageBox.information(self, "Đã đóng đợt rà soát", self.last_close_summary)
        return True

    def ask_request(self) -> None:
        from ui.dialogs.request_dialog import RequestDialog

        RequestDialog(self.workspace, self).exec()

    def show_requests(self) -> None:
        from ui.dialogs.request_dialog import PendingRequestsDialog

        PendingRequestsDialog(self.workspace, self).exec()

    def ask_b1(self) -> None:
        row = self._selected()
        if row is None or self.round_id is None:
            QMessageBox.information(self, "Điểm B1", "Hãy chọn một hộ trong danh sách.")
            return
        total, ok = QInputDialog.getDouble(self, "Điểm B1", f"Tổng điểm phiếu B1 của hộ {row.code} ({row.head}):",
                                           0, 0, 10000, 1)  # fmt: skip
        if ok:
            self.set_b1(row.household_id, total)

    def set_b1(self, household_id: int, total: float) -> None:
        if self.round_id is None:
            return
        round_id = self.round_id
        self.step_write(
            f"điểm B1 {formats.decimal(total)} của hộ {self._code(household_id)}",
            lambda: review.set_b1(self.db, round_id, household_id, total=total),
        )

    def edit_card(self) -> None:
        from ui.dialogs.card_editor_dialog import CardEditorDialog

        cards = review.list_cards(self.db)
        if not cards:
            QMessageBox.information(self, "Phiếu B1", "Chưa có phiếu B1 nào.")
            return
        official = [c for c in cards if not c["is_sample"]]
        CardEditorDialog(self.db, (official or cards)[-1], self).exec()
