"""The receiving office's window: chosen at first run, packages taken in through the window,
the status board, combined tables with drill-down."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.domain import office as rules
from giamngheo_desktop.domain import periods
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.services import office, office_demo
from giamngheo_desktop.services.package import make_package
from giamngheo_desktop.storage.database import open_database
from tests.ui.sync_tasks import SyncTaskRunner
from ui.dialogs.first_run_dialog import FirstRunDialog
from ui.main_window import open_window
from ui.office import office_window
from ui.office.office_window import OfficeSetupDialog, OfficeWindow
from ui.settings import Settings


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    for n in range(2):
        with open_database(tmp_path / f"xa-{n}.sqlite") as db:
            office_demo.demo_commune(db, n=n, households=30)
            make_package(db, period=periods.year(2026), write=lambda c: package.write_package(c, folder))
    return folder


def _office(path: Path, communes: int) -> None:
    db = office.open_office_file(path)
    office.setup_office(db, office.OfficeSettings("Sở Nông nghiệp và Môi trường tỉnh Phú Thọ"))
    for n in range(communes):
        code = office_demo.demo_code(n)
        office.save_commune(db, office.CommuneEntry(code, office_demo.demo_name(n)))
        if n < 2:
            office.register_key(db, signing.commune_key(code, create=False).public_text)
    db.close()


def test_office_window_takes_packages_in_and_shows_board_and_combined_tables(
    qtbot: QtBot, qtmodeltester: ModelTester, tmp_path: Path, packages: Path, settings: Settings
) -> None:
    path = tmp_path / "noi-nhan.sqlite"
    _office(path, 3)
    window = open_window(path, settings=settings)  # an office file opens in the office's window
    assert isinstance(window, OfficeWindow)
    qtbot.addWidget(window)
    window.runner = SyncTaskRunner()
    window.receive([packages])
    assert window.import_summary.text().startswith("Nhận 2 gói")
    assert window.results_model.rowCount() == 2
    window.status_period.setCurrentIndex(window.status_period.findData("2026"))
    statuses = [window.status_model.row_at(r).status for r in range(window.status_model.rowCount())]
    assert statuses.count(rules.MISSING) == 1 and len(statuses) == 3
    window.status_filter.setCurrentIndex(window.status_filter.findData(rules.MISSING))
    assert window.status_model.rowCount() == 1
    window.receive([packages])  # again: nothing changes
    assert "2 gói đã có" in window.import_summary.text()
    assert window.sendings_model.rowCount() == 2
    window.report_period.setCurrentIndex(window.report_period.findData("2026"))
    assert window.report_list.count() > 5
    window.report_list.setCurrentRow(0)
    report = window.report_model.report
    assert report is not None and report.kind == "bieu1"
    assert [r.kind for r in report.rows].count("unit") == 2 and report.total_row() is not None
    for model in (window.communes_model, window.status_model, window.results_model, window.sendings_model,
                  window.report_model):  # fmt: skip
        qtmodeltester.check(model)
    row = next(i for i, r in enumerate(report.rows) if r.kind == "unit")
    window.drill_down(window.report_model.index(row, 1))  # one commune's own table
    assert window.report_commune.currentData() == office_demo.demo_code(0)
    own = window.report_model.report
    assert own is not None and own.unit_name != "" and any(r.kind == "unit" for r in own.rows)
    window.check_period.setCurrentIndex(window.check_period.findData("2026"))
    window.run_checks()
    assert window.check_text.toPlainText() == "Không thấy điểm nào bất thường."
    window.close()


def test_first_run_can_make_the_file_a_receiving_office(
    qtbot: QtBot, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def choose_office(self: FirstRunDialog) -> int:
        self.use_office.setChecked(True)  # the officer picks "Cơ quan tiếp nhận" instead of filling the commune
        return self.result()

    def fill(self: OfficeSetupDialog) -> int:
        self.name.setText("Phòng Kinh tế xã Tân Lập")
        self.level.setCurrentIndex(self.level.findData("commune"))
        self.save()
        return self.result()

    monkeypatch.setattr(FirstRunDialog, "exec", choose_office)
    monkeypatch.setattr(OfficeSetupDialog, "exec", fill)
    window = open_window(tmp_path / "moi.sqlite", settings=settings)
    assert isinstance(window, OfficeWindow)
    qtbot.addWidget(window)
    assert "Phòng Kinh tế xã Tân Lập" in window.windowTitle()
    assert office.file_kind(tmp_path / "moi.sqlite") == "office"
    window.close()
    assert office_window._windows == []


def test_commune_list_from_the_window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "noi-nhan.sqlite"
    _office(path, 0)
    listing = tmp_path / "dmhc.csv"
    listing.write_text("Mã,Tên,Cấp\n7966,Xã Tân Lập,Xã\n07900,Phường Việt Trì,Phường\n", encoding="utf-8")
    db = office.open_office_file(path)
    window = OfficeWindow(db, runner=SyncTaskRunner())
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr("ui.office.office_window.QFileDialog.getOpenFileName", lambda *a, **k: (str(listing), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    window.import_list()
    assert shown and shown[0].startswith("Thêm 2 xã")
    assert [window.communes_model.row_at(r).code for r in range(window.communes_model.rowCount())] == [
        "07900",
        "07966",
    ]
    window.close()
