"""The import window takes a commune's own list (the Sở's template, tests/commune_lists.py) in one step, and
its preview names the villages it will create as they will be created; a household code typed another way
("hgd- 0002") is the same code in the app's windows too."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from pytestqt.qtbot import QtBot

from tests import commune_lists as shapes
from tests.ui.widgets import top_items
from ui import undo
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.member_ops_dialog import MoveMemberDialog
from ui.workspace import Workspace


def test_the_import_window_takes_the_template_list_in_one_step(
    qtbot: QtBot, commune: Workspace, tmp_path: Path
) -> None:
    dialog = ImportDialog(commune)
    qtbot.addWidget(dialog)
    dialog.set_file(shapes.so_template(tmp_path / "ds-2025.xlsx"))
    preview = dialog.preview
    assert preview is not None
    assert not preview.errors, [e.text() for e in preview.errors]
    assert "Sẽ tạo mới 5 hộ (13 nhân khẩu)" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    dialog.do_import()
    assert shapes.imported(commune.db) == shapes.expected("so_template")


def _new_village_list(path: Path) -> None:
    """One household in "Thôn Nà Lầu", a village xã Tân Lập does not have."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "Giới tính", "Thôn", "Phân loại hộ"])
    ws.append(["Lường Văn Pọm", "Chủ hộ", 1970, "Nam", "Thôn Nà Lầu", "Hộ nghèo"])
    wb.save(path)


def test_the_preview_names_a_new_village_as_it_will_be_created(
    qtbot: QtBot, commune: Workspace, tmp_path: Path
) -> None:
    _new_village_list(tmp_path / "moi.xlsx")
    dialog = ImportDialog(commune)
    qtbot.addWidget(dialog)
    dialog.create_villages.setChecked(True)
    dialog.set_file(tmp_path / "moi.xlsx")
    assert "Thôn/tổ sẽ tạo mới: Nà Lầu." in dialog.summary.text()
    assert [item.text(2) for item in top_items(dialog.households)] == ["Nà Lầu"]
    dialog.do_import()
    assert commune.db.scalar("SELECT name FROM village WHERE name LIKE '%Lầu'") == "Nà Lầu"


def test_an_unknown_village_is_refused_naming_the_tick_box_that_creates_it(
    qtbot: QtBot, commune: Workspace, tmp_path: Path
) -> None:
    """The refusal tells the officer what to tick, in the words of the tick box on the same window."""
    _new_village_list(tmp_path / "moi.xlsx")
    dialog = ImportDialog(commune)
    qtbot.addWidget(dialog)
    dialog.set_file(tmp_path / "moi.xlsx")
    assert dialog.preview is not None and dialog.preview.errors
    assert f"“{dialog.create_villages.text()}”" in dialog.preview.errors[0].reason
    dialog.create_villages.setChecked(True)
    assert dialog.preview is not None and not dialog.preview.errors


def test_moving_a_member_finds_the_household_by_its_code_written_another_way(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes are compared in one way everywhere: "hgd- 0002" typed in "Chuyển hộ" is the household HGD-0002."""
    db = workspace.db
    source = int(db.scalar("SELECT id FROM household WHERE code = 'HGD-0001'"))
    target = int(db.scalar("SELECT id FROM household WHERE code = 'HGD-0002'"))
    member = int(db.scalar("SELECT id FROM member WHERE household_id = ? AND relationship_code <> '01'", (source,)))
    shown: list[str] = []
    monkeypatch.setattr(undo.errors, "show_error", lambda _parent, exc, **_k: shown.append(str(exc)))
    monkeypatch.setattr(undo.QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    dialog = MoveMemberDialog(workspace, member)
    qtbot.addWidget(dialog)
    dialog.code.setText("hgd- 0002")
    dialog.relationship.setCurrentIndex(dialog.relationship.findData("28"))
    dialog.accept()
    assert db.scalar("SELECT household_id FROM member WHERE id = ?", (member,)) == target, shown
