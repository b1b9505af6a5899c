"""Register dialogs, members model, undo/redo, import preview and the data-checks panel."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.services import register
from tests.ui.widgets import cell, cell_widget, children, tab_of, top_items, type_text, widget
from ui.dialogs.household_dialog import HouseholdDialog
from ui.dialogs.import_dialog import ImportDialog, ImportResultDialog
from ui.dialogs.member_dialog import MemberDialog
from ui.dialogs.split_dialog import SplitDialog
from ui.models.members_model import COLUMNS, MembersModel
from ui.models.roles import IdRole
from ui.settings import Settings
from ui.tabs.checks_panel import ChecksPanel, HouseholdRole
from ui.tabs.households_tab import HouseholdsTab
from ui.workspace import Workspace


@pytest.fixture
def family(workspace: Workspace) -> int:
    db = workspace.db
    village = int(db.scalar("SELECT min(id) FROM village"))
    result = register.add_household(
        db,
        household=register.HouseholdInput(code="TEST-1", village_id=village, poverty_class="poor"),
        members=[
            register.MemberInput("Hoàng Văn Tư", "01", birth_year=1960, sex="M"),
            register.MemberInput("Đinh Thị Năm", "02", birth_year=1962, sex="F"),
            register.MemberInput("Hoàng Văn Sáu", "04", birth_year=1988, sex="M"),
            register.MemberInput("Hoàng Thị Bảy", "04", birth_year=1992, sex="F"),
        ],
    )
    return int(result.household_id or 0)


@pytest.fixture
def quiet_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text, *a, **k: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    # an import's result window: its text and the backup it names, closed with “Đóng”
    def record(dialog: ImportResultDialog) -> int:
        shown.append((dialog.windowTitle(), dialog.text.text() + "\n" + dialog.backup.text()))
        return 1

    monkeypatch.setattr(ImportResultDialog, "exec", record)
    return shown


def names(workspace: Workspace, household_id: int) -> list[str]:
    return [m["full_name"] for m in register.list_members(workspace.db, household_id)]


def test_members_model_contract_and_rows(qtmodeltester: ModelTester, workspace: Workspace, family: int) -> None:
    model = MembersModel()
    members = register.list_members(workspace.db, family)
    model.set_rows(members)
    qtmodeltester.check(model, force_py=True)
    actual = {
        "rows": model.rowCount(),
        "columns": model.columnCount(),
        "header": model.headerData(1, Qt.Orientation.Horizontal),
        "head": model.index(0, 0).data(),
        "head relationship": model.index(0, 1).data(),
        "sex": model.index(1, 3).data(),
        "id role": model.index(0, 0).data(IdRole) == members[0]["id"],
    }
    assert actual == {
        "rows": 4,
        "columns": len(COLUMNS),
        "header": "Quan hệ với chủ hộ",
        "head": "Hoàng Văn Tư",
        "head relationship": "Chủ hộ",
        "sex": "Nữ",
        "id role": True,
    }


def test_add_member_typed_in_vietnamese_then_undo_and_redo(
    qtbot: QtBot, workspace: Workspace, family: int, quiet_boxes: list[tuple[str, str]]
) -> None:
    dialog = MemberDialog(workspace, household_id=family)
    qtbot.addWidget(dialog)
    type_text(dialog.form.full_name, "Hoàng Đức Tám")
    dialog.form.relationship.setCurrentIndex(dialog.form.relationship.findData("21"))
    type_text(dialog.form.birth, "05/09/2015")
    dialog.form.sex.setCurrentIndex(dialog.form.sex.findData("M"))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_op is not None and dialog.result_op.member_id is not None
    added = register.get_member(workspace.db, dialog.result_op.member_id)
    assert (added["full_name"], added["birth_date"], added["name_fold"]) == (
        "Hoàng Đức Tám",
        "2015-09-05",
        "hoang duc tam",
    )
    assert workspace.undo_stack.undoText() == "Thêm nhân khẩu Hoàng Đức Tám"
    workspace.undo_stack.undo()
    assert "Hoàng Đức Tám" not in names(workspace, family)
    workspace.undo_stack.redo()
    assert "Hoàng Đức Tám" in names(workspace, family)


def test_edit_member_keeps_what_the_form_does_not_change_and_undo_restores(
    qtbot: QtBot, workspace: Workspace, family: int, quiet_boxes: list[tuple[str, str]]
) -> None:
    db = workspace.db
    member_id = int(db.scalar("SELECT id FROM member WHERE full_name = 'Đinh Thị Năm'"))
    db.conn.execute("UPDATE member SET hi_card_number = 'HN4250123456789' WHERE id = ?", (member_id,))
    dialog = MemberDialog(workspace, member_id=member_id)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Sửa nhân khẩu — Đinh Thị Năm (hộ TEST-1)"
    dialog.form.full_name.clear()
    type_text(dialog.form.full_name, "Đinh Thị Năm Mới")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    edited = register.get_member(db, member_id)
    assert (edited["full_name"], edited["birth_year"], edited["sex"], edited["hi_card_number"]) == (
        "Đinh Thị Năm Mới",
        1962,
        "F",
        "HN4250123456789",
    )
    workspace.undo_stack.undo()
    assert register.get_member(db, member_id)["full_name"] == "Đinh Thị Năm"


def test_edit_household_keeps_what_the_form_does_not_change_and_undo_restores(
    qtbot: QtBot, workspace: Workspace, family: int, quiet_boxes: list[tuple[str, str]]
) -> None:
    db = workspace.db
    dialog = HouseholdDialog(workspace, household_id=family)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Sửa hộ TEST-1"
    dialog.address.clear()
    type_text(dialog.address, "Xóm Đồng Mới")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    edited = register.get_household(db, family)
    assert (edited["address"], edited["poverty_class"], edited["code"]) == ("Xóm Đồng Mới", "poor", "TEST-1")
    workspace.undo_stack.undo()
    assert register.get_household(db, family)["address"] == ""


def test_invalid_member_keeps_the_dialog_open_and_names_the_field(
    qtbot: QtBot, workspace: Workspace, family: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("ui.undo.errors.show_error", lambda _parent, exc, **k: shown.append(str(exc)))
    dialog = MemberDialog(workspace, household_id=family)
    qtbot.addWidget(dialog)
    type_text(dialog.form.full_name, "Người Thứ Hai")
    dialog.form.relationship.setCurrentIndex(dialog.form.relationship.findData("01"))
    type_text(dialog.form.id_number, "12345")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Số định danh cá nhân" in shown[0] and "12 chữ số" in shown[0]
    assert "Đổi chủ hộ" in shown[0]
    assert "Người Thứ Hai" not in names(workspace, family)


def test_new_household_with_its_head(qtbot: QtBot, workspace: Workspace, quiet_boxes: list[tuple[str, str]]) -> None:
    dialog = HouseholdDialog(workspace)
    qtbot.addWidget(dialog)
    assert dialog.code.text()  # a free code is suggested
    dialog.code.setText("MOI-01")
    assert dialog.head_form is not None
    type_text(dialog.head_form.full_name, "Vũ Thị Hằng")
    dialog.head_form.sex.setCurrentIndex(dialog.head_form.sex.findData("F"))
    dialog.poverty_class.setCurrentIndex(dialog.poverty_class.findData("near_poor"))
    dialog.causes.item(1).setCheckState(Qt.CheckState.Checked)
    dialog.save()
    assert dialog.result_op is not None
    household_id = dialog.result_op.household_id
    assert household_id is not None
    h = register.get_household(workspace.db, household_id)
    assert (h["code"], h["poverty_class"], h["female_head"], h["causes"]) == ("MOI-01", "near_poor", 1, ["2"])
    assert names(workspace, household_id) == ["Vũ Thị Hằng"]


def test_a_new_household_refused_for_its_heads_name_shows_where_to_type_it(
    qtbot: QtBot, workspace: Workspace, shown_errors: list[BaseException]
) -> None:
    """Enter on the first page said "Nhân khẩu 1 … Họ và tên: không được để trống" and stayed on that page."""
    dialog = HouseholdDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.tabs.currentIndex() == 0 and dialog.head_form is not None
    dialog.save()
    assert shown_errors and "Họ và tên" in str(shown_errors[-1])
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Chủ hộ"
    qtbot.waitUntil(lambda: dialog.head_form is not None and dialog.head_form.full_name.hasFocus())


def test_split_then_undo_puts_everyone_back(
    qtbot: QtBot, workspace: Workspace, family: int, quiet_boxes: list[tuple[str, str]]
) -> None:
    dialog = SplitDialog(workspace, family)
    qtbot.addWidget(dialog)
    ids = {m["full_name"]: m["id"] for m in dialog.members}
    dialog.set_checked([ids["Hoàng Văn Sáu"]])
    assert dialog.new_head.currentData() == ids["Hoàng Văn Sáu"]
    assert not dialog.remaining_head.isEnabled()
    dialog.new_code.setText("TEST-2")
    dialog.save()
    assert dialog.result_op is not None
    new_id = dialog.result_op.household_id
    assert new_id is not None
    assert names(workspace, new_id) == ["Hoàng Văn Sáu"]
    assert "Hoàng Văn Sáu" not in names(workspace, family)
    workspace.undo_stack.undo()
    assert "Hoàng Văn Sáu" in names(workspace, family)
    assert register.get_household(workspace.db, new_id)["deleted_at"] is not None


def test_split_of_the_head_asks_for_a_head_for_those_who_stay(qtbot: QtBot, workspace: Workspace, family: int) -> None:
    dialog = SplitDialog(workspace, family)
    qtbot.addWidget(dialog)
    ids = {m["full_name"]: m["id"] for m in dialog.members}
    dialog.set_checked([ids["Hoàng Văn Tư"], ids["Đinh Thị Năm"]])
    assert dialog.remaining_head.isEnabled()
    assert dialog.remaining_head.currentData() in (ids["Hoàng Văn Sáu"], ids["Hoàng Thị Bảy"])
    assert "chọn chủ hộ mới" in dialog.hint.text()


def write_list(path: Path, bad: bool) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ NGHÈO"])
    ws.append([])
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính"])
    ws.append(["NK-1", "Thôn Đồng Xuân", "Bế Văn Kiên", "Chủ hộ", "1970", "Nam"])
    ws.append(["NK-2", "Thôn Đồng Xuân", "Bế Văn Mạnh", "Chủ hộ", "30/02/1980" if bad else "1980", "Nam"])
    wb.save(path)
    return path


def test_import_dialog_preview_and_valid_only(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path, quiet_boxes: list[tuple[str, str]]
) -> None:
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.set_file(write_list(tmp_path / "ds.xlsx", bad=True))
    assert dialog.preview is not None and dialog.issues.rowCount() == 1
    assert cell(dialog.issues, 0, 0).text() == "5" and cell(dialog.issues, 0, 1).text() == "Năm sinh"
    assert not dialog.import_button.isEnabled()
    assert "Sẽ tạo mới 2 hộ (2 nhân khẩu)" in dialog.summary.text()
    dialog.valid_only.setChecked(True)  # the counts, the households' actions and the button follow at once
    assert "Sẽ tạo mới 1 hộ (1 nhân khẩu)" in dialog.summary.text()
    assert "bỏ qua 1 dòng (5)" in dialog.summary.text()
    assert (
        dialog.import_button.isEnabled()
        and dialog.import_button.text() == "Nhập vào sổ: tạo 1 hộ mới (1 nhân khẩu mới)"
    )
    dialog.valid_only.setChecked(False)
    assert "Sẽ tạo mới 2 hộ (2 nhân khẩu)" in dialog.summary.text() and not dialog.import_button.isEnabled()
    dialog.valid_only.setChecked(True)
    before = workspace.db.scalar("SELECT count(*) FROM household")
    dialog.do_import()
    assert workspace.db.scalar("SELECT count(*) FROM household") == before + 1
    assert "Các dòng đã bỏ qua: 5" in quiet_boxes[-1][1]


def test_closing_the_import_window_without_importing_gives_the_preview_back(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.set_file(write_list(tmp_path / "ds.xlsx", bad=False))
    assert dialog.preview is not None
    assert gc.get_freeze_count() > 0  # kept out of the collector's scans while it is shown
    dialog.reject()
    assert dialog.preview is None
    assert gc.get_freeze_count() == 0
    assert workspace.db.scalar("SELECT count(*) FROM household WHERE code LIKE 'NK-%'") == 0


def test_checks_panel_groups_findings_and_opens_the_record(qtbot: QtBot, workspace: Workspace, family: int) -> None:
    workspace.db.conn.execute(
        "UPDATE member SET birth_year = 1940 WHERE household_id = ? AND full_name = 'Hoàng Thị Bảy'", (family,)
    )
    panel = ChecksPanel(workspace)
    qtbot.addWidget(panel)
    panel.run_checks()
    tops = [t.text(0) for t in top_items(panel.tree)]
    assert any(t.startswith("Tuổi không hợp với quan hệ với chủ hộ") for t in tops)
    group = next(t for t in top_items(panel.tree) if t.text(0).startswith("Tuổi"))
    item = next(c for c in children(group) if "Hoàng Thị Bảy" in c.text(0))
    assert item.data(0, HouseholdRole) == family
    with qtbot.waitSignal(panel.open_record) as blocker:
        panel.tree.itemActivated.emit(item, 0)
    assert blocker.args[0] == family and blocker.args[1] > 0


def test_tab_keyboard_enter_opens_ctrl_n_adds(
    qtbot: QtBot, workspace: Workspace, family: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int | None] = []

    def record_opened(self: HouseholdDialog) -> int:
        opened.append(self.household_id)
        return 0

    monkeypatch.setattr(HouseholdDialog, "exec", record_opened)
    tab = HouseholdsTab(workspace)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.select_household(family)
    assert "Hoàng Văn Tư" in tab.detail_title.text()
    assert tab.members_model.rowCount() == 4
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert opened == [family]
    assert tab.act_add.shortcut().toString() == "Ctrl+N"
    tab.act_add.trigger()
    assert opened == [family, None]
    tab.find_shortcut.activated.emit()
    assert tab.search.hasFocus() or tab.search.selectedText() == ""


def test_tab_filters_by_flag_and_search_finds_without_accents(qtbot: QtBot, workspace: Workspace, family: int) -> None:
    tab = HouseholdsTab(workspace)
    qtbot.addWidget(tab)
    type_text(tab.search, "hoang van tu")
    tab.apply_filters()
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == ["TEST-1"]
    tab.search.clear()
    tab.flag_combo.setCurrentIndex(tab.flag_combo.findData("female_head"))
    assert "TEST-1" not in [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]


def test_import_dialog_says_what_an_import_again_would_leave_unchanged(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path, quiet_boxes: list[tuple[str, str]]
) -> None:
    path = write_list(tmp_path / "ds.xlsx", bad=False)
    first = ImportDialog(workspace)
    qtbot.addWidget(first)
    first.set_file(path)
    first.do_import()
    events = workspace.db.scalar("SELECT count(*) FROM household_event")
    again = ImportDialog(workspace)
    qtbot.addWidget(again)
    again.set_file(path)
    assert "2 hộ đã có trong sổ và không thay đổi" in again.summary.text()
    assert "không có gì để ghi" in again.summary.text()
    assert not again.import_button.isEnabled() and again.import_button.text() == "Không có gì để nhập"
    # one household changed in the file: only it is written
    wb = load_workbook(path)
    wb.active["F5"] = "Nữ"
    wb.save(path)
    again.set_file(path)
    assert "cập nhật 1 hộ (1 nhân khẩu). 1 hộ đã có trong sổ và không thay đổi" in again.summary.text()
    assert again.import_button.isEnabled() and "1 hộ" in again.import_button.text()
    again.do_import()
    assert "1 hộ không thay đổi nên không ghi lại" in quiet_boxes[-1][1]
    assert workspace.db.scalar("SELECT count(*) FROM household_event") == events + 1


def write_unknown_id_header(path: Path) -> Path:
    """A list whose ID column has a header nobody would guess ("Giấy tờ tùy thân")."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Giấy tờ tùy thân"])
    ws.append(["GT-1", "Thôn Đồng Xuân", "Bế Văn Kiên", "Chủ hộ", "1970", "Nam", "025070000123"])
    ws.append(["GT-2", "Thôn Đồng Xuân", "Bế Văn Mạnh", "Chủ hộ", "1980", "Nam", "025080000456"])
    wb.save(path)
    return path


def test_import_dialog_column_mapping_is_changed_recomputed_and_remembered(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path, quiet_boxes: list[tuple[str, str]]
) -> None:
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.set_file(write_unknown_id_header(tmp_path / "ds.xlsx"))
    assert "Giấy tờ tùy thân" in dialog.summary.text()  # said to be left out
    rows = {cell(dialog.columns, r, 2).text(): r for r in range(dialog.columns.rowCount())}
    combo = cell_widget(dialog.columns, rows["Giấy tờ tùy thân"], 4, QComboBox)
    assert combo.currentData() == ""
    assert cell_widget(dialog.columns, rows["Họ và tên"], 4, QComboBox).currentData() == "full_name"
    combo.setCurrentIndex(combo.findData("id_number"))  # the preview is worked out again at once
    assert dialog.preview is not None and dialog.preview.mapping == {"Giấy tờ tùy thân": "id_number"}
    first = top_items(dialog.households)[0]
    assert first.text(0) == "GT-1" and first.text(1) == "Bế Văn Kiên" and first.text(2) == "Thôn Đồng Xuân"
    assert children(first)[0].text(4) == "025070000123"
    assert "tạo 2 hộ" in dialog.import_button.text()
    dialog.do_import()
    assert workspace.db.scalar("SELECT count(*) FROM member WHERE id_number = '025080000456'") == 1
    # the same layout next time: the mapping is offered without choosing again
    again = ImportDialog(workspace)
    qtbot.addWidget(again)
    second = write_unknown_id_header(tmp_path / "ds2.xlsx")
    wb = load_workbook(second)
    wb.active["A2"], wb.active["A3"] = "GT-3", "GT-4"
    wb.active["G2"], wb.active["G3"] = "025070000789", "025080000999"
    wb.active["C2"], wb.active["C3"] = "Bế Văn Ba", "Bế Văn Tư"
    wb.save(second)
    again.set_file(second)
    assert "cách gán cột đã lưu lần trước" in again.summary.text()
    assert children(top_items(again.households)[0])[0].text(4) == "025070000789"


def test_import_dialog_groups_repeated_problems(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh"])
    for n in range(40):
        ws.append([f"LO-{n}", "Thôn Đồng Xuân", f"Người Số {n}", "Chủ hộ", "31/02/1990"])
    wb.save(tmp_path / "bad.xlsx")
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.set_file(tmp_path / "bad.xlsx")
    dates = [t for t in top_items(dialog.issue_tree) if "Năm sinh" in t.text(0)]
    assert len(dates) == 1 and dates[0].text(0).startswith("Lỗi — 40 dòng") and dates[0].childCount() == 40
    assert not dialog.import_button.isEnabled()


def test_household_dialog_living_conditions_come_from_the_field_table(
    qtbot: QtBot, workspace: Workspace, family: int, quiet_boxes: list[tuple[str, str]]
) -> None:
    from giamngheo_desktop.domain import fields

    dialog = HouseholdDialog(workspace, household_id=family)
    qtbot.addWidget(dialog)
    assert list(dialog.housing) == [f.key for f in fields.section("household", "housing")]
    assert list(dialog.general) == [f.key for f in fields.section("household", "general")]
    waste = widget(dialog.housing, "waste_treatment", QComboBox)  # needed by the 2027–2030 standard, now enterable
    waste.setCurrentIndex(waste.findData(True))
    area = widget(dialog.housing, "floor_area", QDoubleSpinBox)
    area.setValue(36.5)
    dialog.save()
    saved = register.get_household(workspace.db, family)
    assert (saved["waste_treatment"], saved["floor_area"]) == (1, 36.5)
    again = HouseholdDialog(workspace, household_id=family)
    qtbot.addWidget(again)
    assert widget(again.housing, "waste_treatment", QComboBox).currentData() is True


def test_import_window_takes_a_per_village_workbook_in_one_step(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path, quiet_boxes: list[tuple[str, str]]
) -> None:
    from tests import list_shapes as shapes

    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.set_file(shapes.per_village_workbook(tmp_path / "thon.xlsx"))
    assert "“Tổng hợp” không đọc" in dialog.summary.text()
    codes = [t.text(0) for t in top_items(dialog.households)]
    assert codes == ["DX0001", "DX0002", "TH0001", "BS0001"]
    assert dialog.import_button.isEnabled() and "tạo 4 hộ mới (10 nhân khẩu mới)" in dialog.import_button.text()
    dialog.do_import()
    db = workspace.db
    assert db.scalar(
        "SELECT v.name FROM household h JOIN village v ON v.id = h.village_id WHERE h.code = 'BS0001'"
    ) == ("Thôn Bãi Sậy")
    assert db.scalar("SELECT id_number FROM member WHERE full_name = 'Lò Thị Xuân'") == "014172000066"


def test_member_dialog_further_fields_come_from_the_field_table(
    qtbot: QtBot, workspace: Workspace, family: int, quiet_boxes: list[tuple[str, str]]
) -> None:
    from giamngheo_desktop.domain import fields
    from ui.dialogs.member_dialog import MemberDialog

    member = workspace.db.scalar("SELECT id FROM member WHERE household_id = ? ORDER BY id LIMIT 1", (family,))
    dialog = MemberDialog(workspace, member_id=member)
    qtbot.addWidget(dialog)
    form = dialog.form
    assert list(form.more) == [f.key for f in fields.section("member", "more")]
    assert list(form.person) == [f.key for f in fields.section("member", "person")]
    contract = widget(form.more, "labour_contract", QComboBox)
    contract.setCurrentIndex(contract.findData(True))
    widget(form.more, "hi_card_number", QLineEdit).setText("  ")  # blank stays "none", not an empty number
    dialog.save()
    saved = register.get_member(workspace.db, member)
    assert (saved["labour_contract"], saved["hi_card_number"]) == (1, None)


def test_an_import_names_its_backup_and_can_be_taken_back(
    qtbot: QtBot,
    workspace: Workspace,
    settings: Settings,
    tmp_path: Path,
    quiet_boxes: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    dialog = ImportDialog(workspace, window)
    qtbot.addWidget(dialog)
    dialog.set_file(write_list(tmp_path / "ds.xlsx", bad=False))
    dialog.do_import()
    made = window.last_import_backup()
    assert made is not None and made.name in quiet_boxes[-1][1]
    assert "trước khi nhập danh sách" in quiet_boxes[-1][1]  # named in words, with its time
    assert "Hoàn tác lần nhập danh sách gần nhất" in quiet_boxes[-1][1]
    opened: list[object] = []
    monkeypatch.setattr(MainWindow, "show_restore", lambda self, preselect=None: opened.append(preselect))
    window.action_undo_import.trigger()
    assert opened == [made]  # the restore window opens on that copy and shows what it replaces first


def test_import_result_offers_to_take_this_import_back(
    qtbot: QtBot, workspace: Workspace, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """“Hoàn tác lần nhập này…” in the result window opens the restore window on the copy made before."""
    from ui.main_window import MainWindow

    window = MainWindow(workspace, settings=settings)
    qtbot.addWidget(window)
    tab = tab_of(window, HouseholdsTab)
    seen: list[ImportResultDialog] = []

    def run_import(self: ImportDialog) -> int:
        self.set_file(write_list(tmp_path / "ds.xlsx", bad=False))
        self.do_import()
        return 1

    def choose_undo(self: ImportResultDialog) -> int:
        seen.append(self)
        assert self.undo_button.text() == "Hoàn tác lần nhập này…" and self.undo_button.isEnabled()
        self.undo_button.click()
        return self.result()

    opened: list[object] = []
    monkeypatch.setattr(ImportDialog, "exec", run_import)
    monkeypatch.setattr(ImportResultDialog, "exec", choose_undo)
    monkeypatch.setattr(MainWindow, "show_restore", lambda self, preselect=None: opened.append(preselect))
    tab.import_list()
    made = window.last_import_backup()
    assert made is not None and seen and "Đã nhập: 2 hộ mới" in seen[0].text.text()
    assert made.name in seen[0].backup.text()
    assert opened == [made]  # diff first, then the officer confirms (the restore window)
