"""The import window takes a third tester's lists (tests/officer_lists.py) in one step, and shows what the
importer decided for the officer (a hidden column left unused, a class column found by what it holds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests import commune_lists
from tests import officer_lists as shapes
from ui.dialogs.import_dialog import ImportDialog
from ui.workspace import Workspace


@pytest.mark.parametrize(
    "shape",
    [
        "roman_groups",
        "excel_table",
        "merged_names",
        "pasted_text",
        "web_export",
        "codes_per_village_sheet",
        "checkbox_sex",
        "xml_2003_export",
        "household_titles",
    ],
)
def test_the_import_window_takes_each_list_in_one_step(
    qtbot: QtBot, commune: Workspace, tmp_path: Path, shape: str
) -> None:
    dialog = ImportDialog(commune)
    qtbot.addWidget(dialog)
    suffix = ".xls" if shape.startswith(("web", "xml")) else ".xlsx"
    dialog.set_file(shapes.SHAPES[shape](tmp_path / f"{shape}{suffix}"))
    preview = dialog.preview
    assert preview is not None
    assert not preview.errors, [e.text() for e in preview.errors]
    assert "Sẽ tạo mới 5 hộ (13 nhân khẩu)" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    dialog.do_import()
    assert commune_lists.imported(commune.db) == shapes.expected()


def test_the_window_s_entry_point_sends_a_command_to_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``python main.py import --db … list.xlsx`` (the window's entry point) says which command imports, instead
    of opening the window with the list left unread as before."""
    from ui.app import run

    assert run(["main.py", "import", "--db", "xa.sqlite", "ds.xlsx"]) == 2
    assert "python -m giamngheo_desktop import" in capsys.readouterr().err
