"""Hộ gia đình: search, filters, the register table, the selected household's detail pane,
the household operations (with undo), import/export and the data checks.

Keyboard: Enter opens the selected household, Ctrl+N adds one, Ctrl+F searches.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import clock
from giamngheo_desktop.domain.vocab import CLASS_LABELS, class_label
from giamngheo_desktop.services import commune, register
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.household_query import (
    FLAG_COLUMNS,
    HouseholdQuery,
    class_choices,
    count_households,
    deprivation_choices,
)
from giamngheo_desktop.text import thousands
from ui import errors, files
from ui.dialogs.household_dialog import HouseholdDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.member_dialog import MemberDialog
from ui.dialogs.member_ops_dialog import ChangeHeadDialog, MergeDialog, MoveMemberDialog, StatusDialog
from ui.dialogs.split_dialog import SplitDialog
from ui.models.households_model import COLUMN_KEYS, FOUND_COLUMN, HouseholdsModel
from ui.models.members_model import COLUMNS as MEMBER_COLUMNS
from ui.models.members_model import MembersModel, birth_text
from ui.models.roles import IdRole, SortKeyRole
from ui.settings import LAST_LIST_FOLDER
from ui.tabs.checks_panel import ChecksPanel
from ui.tasks import TaskContext
from ui.undo import record_import, run_operation
from ui.widgets.columns import ColumnFitter
from ui.widgets.count_line import CountLine
from ui.widgets.household_history import HouseholdHistory
from ui.widgets.row_numbers import RowNumbers
from ui.widgets.tabs import TabWidget
from ui.workspace import Workspace

MEMBER_KEYS = [key for key, _ in MEMBER_COLUMNS]
SEARCH_DELAY_MS = 250

EVENT_LABELS = {
    "create": "Lập hộ",
    "update": "Sửa thông tin",
    "split_from": "Tách từ hộ",
    "split_to": "Tách ra hộ",
    "merge_into": "Nhập vào hộ",
    "merged_from": "Nhận nhập hộ",
    "member_add": "Thêm nhân khẩu",
    "member_remove": "Xóa nhân khẩu",
    "member_move_in": "Chuyển đến",
    "member_move_out": "Chuyển đi hộ khác",
    "head_change": "Đổi chủ hộ",
    "member_deceased": "Nhân khẩu chết",
    "member_moved_away": "Nhân khẩu chuyển đi",
    "delete": "Xóa hộ",
    "restore": "Khôi phục",
}


def _number(value: int) -> str:
    """1234567 → '1.234.567' (Vietnamese thousands separator)."""
    return thousands(value)


def _money(value: int | float) -> str:
    return _number(int(value)) + " đ"


class HouseholdsTab(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.checks_panel: ChecksPanel | None = None

        # -- filter bar ---------------------------------------------------------
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm tên, mã hộ, số định danh…  (Ctrl+F)")  # read whole at 1366 px
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Tìm kiếm hộ")
        self.search.installEventFilter(self)  # Down/Enter move into the results
        self.village_combo = QComboBox()
        self.village_combo.setAccessibleName("Lọc theo thôn/tổ")
        self.class_combo = QComboBox()
        self.class_combo.setAccessibleName("Lọc theo phân loại hộ")
        self.class_combo.addItem("Tất cả phân loại", None)
        for code, label in class_choices():
            self.class_combo.addItem(label, code)
        self.flag_combo = QComboBox()
        self.flag_combo.setAccessibleName("Lọc theo đặc điểm hộ")
        self.flag_combo.addItem("Mọi đặc điểm", None)
        for key, label in FLAG_COLUMNS.items():
            self.flag_combo.addItem(label, key)
        self.deprivation_combo = QComboBox()
        self.deprivation_combo.setAccessibleName("Lọc theo chỉ số thiếu hụt")
        self.count_label = CountLine()  # a new count repaints the line, not the window

        # -- register table -------------------------------------------------------
        self.model = HouseholdsModel(workspace.db, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setVerticalHeader(RowNumbers(self.view))  # its width without asking 200 labels a search
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        # the member a search found, shown right after the head and only while searching
        header.moveSection(header.visualIndex(FOUND_COLUMN), 2)
        self.view.setColumnHidden(FOUND_COLUMN, True)
        # code, head, village, class and household size side by side in the pane (1366 px, default
        # splitter): names and villages are cut short (whole in a tooltip), the address takes what is left
        self.columns = ColumnFitter(
            self.view,
            self._natural_widths,
            shrink={COLUMN_KEYS.index(key): 0 for key in ("village", "class", "address")} | self._name_floors(),
        )
        self.view.doubleClicked.connect(lambda _index: self.edit_household())
        self.view.installEventFilter(self)
        self.model.rows_in_view = self._rows_in_view  # a search text finding the same rows asks only these

        # -- detail pane -------------------------------------------------------------
        self.detail_title = QLabel("Chọn một hộ để xem chi tiết.")
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextFormat(Qt.TextFormat.RichText)
        self.members_model = MembersModel(self)
        self.members_proxy = QSortFilterProxyModel(self)
        self.members_proxy.setSourceModel(self.members_model)
        self.members_proxy.setSortRole(SortKeyRole)
        self.members_view = QTableView()
        self.members_view.setModel(self.members_proxy)
        self.members_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members_view.setSortingEnabled(False)
        self.members_view.verticalHeader().setVisible(False)
        self.members_view.horizontalHeader().setStretchLastSection(True)
        # the ID number and the status ("Đã chuyển đi (01/02/2026)") stay whole: names and relationships are cut short
        self.member_columns = ColumnFitter(
            self.members_view,
            lambda: {c: self.members_view.sizeHintForColumn(c) for c in range(self.members_model.columnCount())},
            shrink={MEMBER_KEYS.index(key): 0 for key in ("relationship", "ethnicity")}
            | {MEMBER_KEYS.index("full_name"): self.fontMetrics().horizontalAdvance("Nguyễn Văn An") + 12},
        )
        self.members_view.doubleClicked.connect(lambda _index: self.edit_member())
        self.history = QListWidget()
        self.supports = QListWidget()
        detail_tabs = TabWidget()
        detail_tabs.addTab(self.members_view, "Nhân khẩu")
        detail_tabs.addTab(self.supports, "Hỗ trợ đã nhận")
        detail_tabs.addTab(self.history, "Lịch sử hộ")
        self.audit_history = HouseholdHistory(self.workspace.db)
        detail_tabs.addTab(self.audit_history, "Lịch sử thay đổi")
        self.detail_tabs = detail_tabs

        # -- actions --------------------------------------------------------------
        self.act_add = self._act("Thêm hộ", self.add_household, QKeySequence.StandardKey.New)
        self.act_edit = self._act("Sửa hộ", self.edit_household)
        self.act_remove = self._act("Xóa hộ", self.remove_household)
        self.act_split = self._act("Tách hộ…", self.split_household)
        self.act_merge = self._act("Nhập hộ khác vào…", self.merge_household)
        self.act_head = self._act("Đổi chủ hộ…", self.change_head)
        self.act_add_member = self._act("Thêm nhân khẩu", self.add_member)
        self.act_edit_member = self._act("Sửa nhân khẩu", self.edit_member)
        self.act_remove_member = self._act("Xóa nhân khẩu", self.remove_member)
        self.act_status = self._act("Báo chết / chuyển đi…", self.mark_status)
        self.act_move = self._act("Chuyển hộ…", self.move_member)
        self.act_import = self._act("Nhập danh sách từ Excel…", self.import_list)
        self.act_export = self._act("Xuất danh sách ra Excel…", self.export_list)
        self.act_checks = self._act("Kiểm tra dữ liệu", self.show_checks)

        household_bar = QHBoxLayout()
        for action in (self.act_add, self.act_edit, self.act_split, self.act_merge, self.act_remove):
            household_bar.addWidget(self._button(action))
        household_bar.addStretch(1)
        for action in (self.act_import, self.act_export, self.act_checks):
            household_bar.addWidget(self._button(action))
        member_bar = QHBoxLayout()
        for action in (
            self.act_add_member,
            self.act_edit_member,
            self.act_head,
            self.act_status,
            self.act_move,
            self.act_remove_member,
        ):
            member_bar.addWidget(self._button(action))
        member_bar.addStretch(1)

        # -- search timer, signals --------------------------------------------------
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)
        for combo in (self.village_combo, self.class_combo, self.flag_combo, self.deprivation_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        self._kept_ids: list[int] = []
        self._total: int | None = None  # households on the register (update_count), None = to count
        self._kept_current: int | None = None
        self._detail_empty = False  # the detail pane shows no household (show_detail)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._lay_out_rows)
        self.model.modelReset.connect(self._restore_selection)
        self.model.modelReset.connect(self.update_count)
        self.model.modelReset.connect(self.show_detail)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())
        self.members_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

        # -- layout -------------------------------------------------------------------
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel("Thôn/tổ:"))
        bar.addWidget(self.village_combo, 1)
        bar.addWidget(QLabel("Phân loại:"))
        bar.addWidget(self.class_combo, 1)
        bar.addWidget(self.flag_combo, 1)
        bar.addWidget(self.deprivation_combo, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail_title)
        right_layout.addLayout(member_bar)
        right_layout.addWidget(detail_tabs, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 540])  # the list shows code, head, village and class on a 1366 px screen
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(household_bar)
        layout.addWidget(self.splitter, 1)

        self.reload_villages()
        self.reload_deprivations()
        self.apply_filters()
        self.update_count()
        self.show_detail()

    def _act(self, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def add_data_menu_actions(self, menu: Any) -> None:
        """The main window's **Dữ liệu** menu gets import, export and the data checks."""
        menu.addSeparator()
        for action in (self.act_import, self.act_export, self.act_checks):
            menu.addAction(action)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_PageDown)
        ):
            self.enter_results()
            return True
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.edit_household()
            return True
        return super().eventFilter(watched, event)

    # -- filters -----------------------------------------------------------
    def reload_villages(self) -> None:
        current = self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem("Tất cả thôn/tổ", None)
        for village in commune.list_villages(self.workspace.db):
            self.village_combo.addItem(village.name, village.id)
        found = self.village_combo.findData(current)
        self.village_combo.setCurrentIndex(max(found, 0))
        self.village_combo.blockSignals(False)

    def reload_deprivations(self) -> None:
        current = self.deprivation_combo.currentData()
        self.deprivation_combo.blockSignals(True)
        self.deprivation_combo.clear()
        self.deprivation_combo.addItem("Mọi chỉ số thiếu hụt", None)
        choices = deprivation_choices(self.workspace.db)
        if choices:
            self.deprivation_combo.addItem("Thiếu hụt từ 3 chỉ số trở lên", ("deprived_any", 3))
        for code, name in choices:
            self.deprivation_combo.addItem(f"Thiếu hụt: {name}", ("deprived", code))
        self.deprivation_combo.setEnabled(bool(choices))
        self.deprivation_combo.setToolTip(
            "Theo đợt rà soát gần nhất có chấm chỉ số của hộ" if choices else "Chưa có đợt rà soát nào chấm chỉ số"
        )
        found = self.deprivation_combo.findData(current)
        self.deprivation_combo.setCurrentIndex(max(found, 0))
        self.deprivation_combo.blockSignals(False)

    def current_query(self) -> HouseholdQuery:
        flag = self.flag_combo.currentData()
        deprivation = self.deprivation_combo.currentData()
        extra = dict(self.model.query.extra)
        extra.pop("deprived", None)
        extra.pop("deprived_any", None)
        if deprivation:
            extra[deprivation[0]] = deprivation[1]
        return dataclasses.replace(
            self.model.query,
            text=self.search.text(),
            village_id=self.village_combo.currentData(),
            poverty_class=self.class_combo.currentData(),
            flags={flag: True} if flag else {},
            extra=extra,
        )

    def _open(self) -> bool:
        """False once the file is closed (signals may still arrive while the window is torn down)."""
        return not self.workspace.db.closed

    def _name_floors(self) -> dict[int, int]:
        """Names are cut no shorter than a short name."""
        least = self.view.fontMetrics().horizontalAdvance("Nguyễn Văn An") + 12
        return {COLUMN_KEYS.index("head"): least, FOUND_COLUMN: least}

    def _natural_widths(self) -> dict[int, int]:
        """Each column's width with nothing cut (a long name: the widest of the usual ones)."""
        fm = self.view.fontMetrics()
        pad = 12
        villages = [self.village_combo.itemText(i) for i in range(1, self.village_combo.count())]
        texts = {
            "code": ["00-0000"],
            "head": ["Nguyễn Thị Phương Thảo"],
            "found": ["Nguyễn Thị Phương Thảo (Con)"],
            "village": villages or ["Thôn Đồng Xuân"],
            "class": list(CLASS_LABELS.values()),
            "members": ["99"],
            "address": [""],
        }
        return {
            COLUMN_KEYS.index(key): max(fm.horizontalAdvance(t) for t in values) + pad for key, values in texts.items()
        }

    def apply_filters(self) -> None:
        self._timer.stop()
        if not self._open():
            return
        query = self.current_query()
        searching = bool(query.text.strip())
        if self.view.isColumnHidden(FOUND_COLUMN) == searching:
            self._show_found_column(searching)  # before the rows are laid out
        if query != self.model.query or not self.model.ids:
            self.model.set_query(query)

    def _show_found_column(self, shown: bool) -> None:
        """Show (or hide) the found member's column, the table repainted once: as in
        :meth:`ColumnFitter.fit`, which lays the table out again, its header does not tell it."""
        header = self.view.horizontalHeader()
        blocked = header.blockSignals(True)
        try:
            self.view.setColumnHidden(FOUND_COLUMN, not shown)
        finally:
            header.blockSignals(blocked)
        self.columns.fit()

    def enter_results(self) -> None:
        """From the search box into the list: search now, focus the table on its first (or current) row."""
        if self._timer.isActive():
            self.apply_filters()
        if self.model.rowCount() == 0:
            return
        index = self.view.currentIndex()
        if not index.isValid():
            index = self.model.index(0, 0)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        self.view.scrollTo(index)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def update_count(self) -> None:
        if self._total is None:  # the register's size changes with the data, not with a keystroke
            self._total = count_households(self.workspace.db)
        total = self._total
        shown = self.model.rowCount()
        if total == 0:  # an empty register says what to do first
            self.count_label.setText(
                "Chưa có hộ nào trong sổ: bấm “Nhập danh sách từ Excel…” (danh sách xã đang dùng)"
                " hoặc “Thêm hộ” (Ctrl+N)."
            )
        elif shown == 0:
            self.count_label.setText(
                f"Không có hộ nào khớp bộ lọc (trong {_number(total)} hộ): xóa ô tìm hoặc chọn “Tất cả”."
            )
        elif shown == total:
            self.count_label.setText(f"{_number(total)} hộ")
        else:
            self.count_label.setText(f"Đang hiển thị {_number(shown)} / {_number(total)} hộ")

    # -- selection by id across re-queries -------------------------------------
    def selected_ids(self) -> list[int]:
        selection = self.view.selectionModel()
        return [int(index.data(IdRole)) for index in selection.selectedRows()] if selection else []

    def current_household_id(self) -> int | None:
        index = self.view.currentIndex()
        if index.isValid():
            return int(index.data(IdRole))
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_household(self, household_id: int) -> bool:
        row = self.model.row_of(household_id)
        if row < 0:
            # not in the filtered list: clear the filters and try again
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            for combo in (self.village_combo, self.class_combo, self.flag_combo, self.deprivation_combo):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.apply_filters()
            row = self.model.row_of(household_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(index)
        self.show_detail()
        return True

    def current_member_id(self) -> int | None:
        index = self.members_view.currentIndex()
        if not index.isValid():
            return None
        return int(index.data(IdRole))

    def select_member(self, member_id: int) -> None:
        row = self.members_model.row_of(member_id)
        if row >= 0:
            index = self.members_proxy.mapFromSource(self.members_model.index(row, 0))
            self.members_view.setCurrentIndex(index)

    def _remember_selection(self) -> None:
        self._kept_ids = self.selected_ids()
        current = self.view.currentIndex()
        self._kept_current = int(current.data(IdRole)) if current.isValid() else None
        # a reset while scrolled far down made the vertical header measure every row (346,000
        # headerData calls at 50,000 households: the window froze for seconds); from the top it
        # measures the rows in view. The kept current row is scrolled back into view afterwards.
        self.view.scrollToTop()

    def _rows_in_view(self) -> tuple[int, int]:
        """The first and last row the table shows ((0, -1) when it shows none)."""
        height = self.view.viewport().height()
        first = self.view.rowAt(0)
        if first < 0 or height <= 0:
            return 0, -1
        last = self.view.rowAt(height - 1)
        return first, last if last >= 0 else self.model.rowCount() - 1

    def _lay_out_rows(self) -> None:
        # now, not on the view's zero-time timer: the rows are painted once, in their new layout
        # (the timer repainted the table a second time after the first paint of every search)
        self.view.doItemsLayout()

    def _restore_selection(self) -> None:
        selection = self.view.selectionModel()
        if selection is None:
            return
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for household_id in self._kept_ids:
            row = self.model.row_of(household_id)
            if row >= 0:
                selection.select(self.model.index(row, 0), flags)
        if self._kept_current is not None:
            row = self.model.row_of(self._kept_current)
            if row >= 0:
                selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
                self.view.scrollTo(self.model.index(row, 0))

    # -- detail pane ---------------------------------------------------------------
    def show_detail(self) -> None:
        if not self._open():
            return
        household_id = self.current_household_id()
        db = self.workspace.db
        if household_id is None:
            if self._detail_empty:  # a keystroke that leaves nothing selected: the pane stays as it is
                self._update_actions()
                return
            self._detail_empty = True
            self.detail_title.setText("Chọn một hộ để xem chi tiết.")
            self.members_model.set_rows([])
            self.member_columns.fit()  # the headers stay whole with no household
            self.history.clear()
            self.supports.clear()
            self.audit_history.show_household(None)
            self._update_actions()
            return
        self._detail_empty = False
        kept = self.current_member_id()
        h = register.get_household(db, household_id)
        members = register.list_members(db, household_id)
        living = [m for m in members if m["life_status"] == "living"]
        head = next((m for m in living if m["relationship_code"] == register.HEAD), None)
        flags = [label for key, label in FLAG_COLUMNS.items() if h.get(key)]
        parts = [
            f"<b>Hộ {h['code']}</b> — {h['village_name']}",
            f"Chủ hộ: <b>{head['full_name'] if head else '(chưa có)'}</b> · {len(living)} nhân khẩu",
            f"{class_label(h['poverty_class'])}"
            + (f" (QĐ {h['class_decision']})" if h["class_decision"] else "")
            + (f" · {h['address']}" if h["address"] else ""),
        ]
        if flags:
            parts.append(", ".join(flags))
        if h["deleted_at"]:
            parts.insert(0, "<span style='color:#b00020'>Hộ đã bị xóa</span>")
        self.detail_title.setText("<br>".join(parts))
        self.members_model.set_rows(members)
        self.member_columns.fit()
        if kept is not None:
            self.select_member(kept)
        self.history.clear()
        for event in reversed(register.household_events(db, household_id)):
            label = EVENT_LABELS.get(event["event_type"], event["event_type"])
            extra = ""
            if event["member_name"]:
                extra += f": {event['member_name']}"
            if event["related_code"]:
                extra += f" (hộ {event['related_code']})"
            self.history.addItem(f"{birth_text({'birth_date': event['event_date']})} — {label}{extra}")
        self._show_supports(household_id)
        self.audit_history.show_household(household_id)
        self._update_actions()

    def _show_supports(self, household_id: int) -> None:
        self.supports.clear()
        try:
            from giamngheo_desktop.services import support
        except ImportError:  # the support ledger is not part of this build
            self.supports.addItem("(chưa có sổ theo dõi hỗ trợ)")
            return
        rows = support.household_history(self.workspace.db, household_id)
        if not rows:
            self.supports.addItem("Chưa ghi nhận hỗ trợ nào.")
        for r in rows[:200]:
            who = f" — {r.member_name}" if r.member_name else ""
            amount = f", {_money(r.amount)}" if r.amount else ""
            self.supports.addItem(f"{birth_text({'birth_date': r.support_date})}: {r.type_name}{who}{amount}")

    def _update_actions(self) -> None:
        has_household = self.current_household_id() is not None
        has_member = self.current_member_id() is not None
        for action in (
            self.act_edit,
            self.act_remove,
            self.act_split,
            self.act_merge,
            self.act_head,
            self.act_add_member,
        ):
            action.setEnabled(has_household)
        for action in (self.act_edit_member, self.act_remove_member, self.act_status, self.act_move):
            action.setEnabled(has_member)

    # -- household operations ---------------------------------------------------------
    def add_household(self) -> None:
        dialog = HouseholdDialog(self.workspace, village_id=self.village_combo.currentData(), parent=self)
        if dialog.exec() and dialog.result_op is not None and dialog.result_op.household_id:
            self.select_household(dialog.result_op.household_id)

    def edit_household(self) -> None:
        household_id = self.current_household_id()
        if household_id is None:
            return
        HouseholdDialog(self.workspace, household_id=household_id, parent=self).exec()

    def remove_household(self) -> None:
        household_id = self.current_household_id()
        if household_id is None:
            return
        code = register.get_household(self.workspace.db, household_id)["code"]
        answer = QMessageBox.question(
            self,
            "Xóa hộ",
            f"Xóa hộ {code} khỏi sổ? (Có thể hoàn tác bằng Ctrl+Z.)",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.workspace.db
        run_operation(self.workspace, self, f"Xóa hộ {code}", lambda: register.remove_household(db, household_id))

    def split_household(self) -> None:
        household_id = self.current_household_id()
        if household_id is None:
            return
        dialog = SplitDialog(self.workspace, household_id, self)
        if dialog.exec() and dialog.result_op is not None and dialog.result_op.household_id:
            self.select_household(dialog.result_op.household_id)

    def merge_household(self) -> None:
        household_id = self.current_household_id()
        if household_id is not None:
            MergeDialog(self.workspace, household_id, self).exec()

    def change_head(self) -> None:
        household_id = self.current_household_id()
        if household_id is not None:
            ChangeHeadDialog(self.workspace, household_id, self).exec()

    # -- member operations ---------------------------------------------------------------
    def add_member(self) -> None:
        household_id = self.current_household_id()
        if household_id is not None:
            MemberDialog(self.workspace, household_id=household_id, parent=self).exec()

    def edit_member(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            MemberDialog(self.workspace, member_id=member_id, parent=self).exec()

    def remove_member(self) -> None:
        member_id = self.current_member_id()
        if member_id is None:
            return
        name = register.get_member(self.workspace.db, member_id)["full_name"]
        answer = QMessageBox.question(
            self,
            "Xóa nhân khẩu",
            f"Xóa {name} khỏi sổ (nhập nhầm)? Người chết hoặc chuyển đi hãy dùng “Báo chết / chuyển đi”.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.workspace.db
        run_operation(self.workspace, self, f"Xóa nhân khẩu {name}", lambda: register.remove_member(db, member_id))

    def mark_status(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            StatusDialog(self.workspace, member_id, self).exec()

    def move_member(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            MoveMemberDialog(self.workspace, member_id, self).exec()

    # -- import, export, checks ---------------------------------------------------------
    def import_list(self) -> None:
        dialog = ImportDialog(self.workspace, self, start_folder=str(files.start_folder(LAST_LIST_FOLDER)))
        dialog.exec()
        chosen = dialog.path.text().strip() if hasattr(dialog, "path") else ""
        if chosen:
            files.remember(chosen, LAST_LIST_FOLDER)
        made = getattr(dialog, "import_backup", None)
        restore = getattr(self.window(), "show_restore", None)
        if made is None or restore is None:
            return
        if getattr(dialog, "undo_backup", None) is not None and restore(preselect=made) is not None:
            return  # “Hoàn tác lần nhập này” in the result window, and the copy was restored: a new window
        # Ctrl+Z right after offers the same: the restore window on the copy made before the import
        record_import(self.workspace, dialog.result_text, made, restore)

    def export_list(self) -> None:
        ids = list(self.model.ids)
        if not ids:
            QMessageBox.information(self, "Xuất danh sách", "Không có hộ nào trong danh sách đang lọc.")
            return
        default = files.start_folder() / f"danh-sach-ho-{clock.today_iso()}.xlsx"
        name, _ = QFileDialog.getSaveFileName(self, "Xuất danh sách ra Excel", str(default), "Excel (*.xlsx)")
        if not name:
            return
        files.remember(name)
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        filters = [
            combo.currentText()
            for combo in (self.village_combo, self.class_combo, self.flag_combo, self.deprivation_combo)
            if combo.currentIndex() > 0
        ]
        if self.search.text().strip():
            filters.append(f"tìm “{self.search.text().strip()}”")
        subtitle = f"{_number(len(ids))} hộ" + (f" — lọc: {'; '.join(filters)}" if filters else "")

        def work(ctx: TaskContext) -> int:
            sheet = register.register_sheet(ctx.db, ids, subtitle=subtitle)
            from giamngheo_desktop.export.register_xlsx import write_register_xlsx  # openpyxl: not at start-up

            return write_register_xlsx(path, sheet, progress=ctx.progress, cancelled=ctx.cancelled)

        def done(rows: int) -> None:
            QMessageBox.information(
                self, "Đã xuất danh sách", f"Đã xuất {_number(len(ids))} hộ, {_number(rows)} nhân khẩu ra\n{path}"
            )

        self.workspace.run_task(work, title="Đang xuất danh sách…", on_done=done, writes=False, parent=self)

    def show_checks(self) -> None:
        if self.checks_panel is None:
            self.checks_panel = ChecksPanel(self.workspace, self)
            self.checks_panel.open_record.connect(self.open_record)
        self.checks_panel.show()
        self.checks_panel.raise_()
        self.checks_panel.run_checks()

    def open_record(self, household_id: int, member_id: int) -> None:
        """Show a record from the data checks and open it for editing."""
        if not self.select_household(household_id):
            errors.show_error(self, LookupError(f"household {household_id} not found"))
            return
        if member_id:
            self.select_member(member_id)
            self.detail_tabs.setCurrentIndex(0)
            MemberDialog(self.workspace, member_id=member_id, parent=self.checks_panel or self).exec()
        else:
            HouseholdDialog(self.workspace, household_id=household_id, parent=self.checks_panel or self).exec()

    # -- Changes -----------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        if changes.commune:
            self.reload_villages()
            self.columns.fit()  # a longer village name
        if changes.review:
            self.reload_deprivations()
        if changes.rows_added_or_removed or changes.households:
            self._total = None
        self.model.on_changes(changes)
        if changes.rows_added_or_removed or changes.households:
            self.update_count()
        current = self.current_household_id()
        if current is None or not changes.household_ids or current in changes.household_ids or changes.commune:
            self.show_detail()
