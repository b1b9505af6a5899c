"""Báo cáo tab: build in the background, table over the same ReportData, files, preview/print, forms."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QComboBox, QFileDialog, QGraphicsView, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from giamngheo_desktop.domain import periods
from giamngheo_desktop.services import reporting
from tests.report_builders import int_sum, total_of
from ui.dialogs.print_preview import PREVIEW_DPI, draw_page, load_pdf, paint_pdf, preview_pdf, smooth_painter
from ui.models.report_model import ReportTableModel
from ui.tabs.reports_tab import ReportsTab
from ui.workspace import Workspace


def _select(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_report_model_passes_modeltester_and_shows_vietnamese_numbers(
    workspace: Workspace, qtmodeltester: ModelTester
) -> None:
    report = reporting.build_report(workspace.db, kind="bieu1", period=periods.parse("2026"))
    model = ReportTableModel()
    model.set_report(report)
    qtmodeltester.check(model)
    assert model.columnCount() == 12 and model.rowCount() == len(report.rows)
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Hộ nghèo\nSố hộ\n(3)"
    last = model.rowCount() - 1
    assert model.index(last, 1).data().startswith("Tổng cộng")
    assert model.index(last, 2).data() == str(report.rows[-1].values[2])
    assert model.index(last, 1).data(Qt.ItemDataRole.FontRole).bold()


def test_build_shows_villages_then_total_and_exports(workspace: Workspace, qtbot: QtBot, tmp_path: Path) -> None:
    tab = ReportsTab(workspace)
    qtbot.addWidget(tab)
    assert not tab.xlsx_button.isEnabled()
    _select(tab.kind_combo, "bieu1")
    _select(tab.period_kind, "year")
    tab.year.setValue(2026)
    tab.build_button.click()
    report = tab.model.report
    assert report is not None and report.kind == "bieu1"
    villages = [r for r in report.rows if r.kind == "unit"]
    total = total_of(report)
    assert total.values[2] == int_sum(villages, 2)
    assert tab.model.rowCount() == len(villages) + 1
    assert "Năm 2026" in tab.title_label.text() and "Ghi chú" in tab.notes_label.text()
    assert tab.xlsx_button.isEnabled() and tab.print_button.isEnabled()
    out = tmp_path / "b1.xlsx"
    tab.write_file(report, out, "xlsx")
    ws = openpyxl.load_workbook(out)["Mẫu số 7.1"]
    assert any(row[2] == total.values[2] for row in ws.iter_rows(values_only=True) if row[1] == total.values[1])


def test_period_choices(workspace: Workspace, qtbot: QtBot) -> None:
    tab = ReportsTab(workspace)
    qtbot.addWidget(tab)
    _select(tab.period_kind, "month")
    tab.year.setValue(2026)
    tab.month.setValue(11)
    assert tab.period().key == "2026-11"
    _select(tab.period_kind, "quarter")
    tab.quarter.setValue(2)
    assert tab.period().label == "Quý II năm 2026"
    assert tab.period_stack.currentIndex() == 1


def test_monthly_and_quarterly_pages_show_their_own_year(workspace: Workspace, qtbot: QtBot) -> None:
    tab = ReportsTab(workspace)
    qtbot.addWidget(tab)
    tab.show()
    _select(tab.period_kind, "month")
    assert tab.month_year.isVisible() and tab.month.isVisible()
    tab.month_year.setValue(2025)
    tab.month.setValue(3)
    assert tab.period().key == "2025-03"
    _select(tab.period_kind, "quarter")
    assert tab.quarter_year.isVisible() and tab.quarter_year.value() == 2025
    tab.quarter_year.setValue(2024)
    tab.quarter.setValue(4)
    assert tab.period().label == "Quý IV năm 2024"
    _select(tab.period_kind, "year")
    assert tab.year.isVisible() and tab.year.value() == 2024


def test_preview_renders_every_pdf_page_with_qtpdf(workspace: Workspace, qtbot: QtBot, tmp_path: Path) -> None:
    from giamngheo_desktop.export.pdf import write_pdf

    report = reporting.build_report(workspace.db, kind="list_poor", period=periods.parse("2026"))
    pdf = write_pdf(report, tmp_path / "ds.pdf")
    dialog = preview_pdf(pdf, None, exec_dialog=False)
    assert dialog is not None and dialog.windowTitle() == "Xem trước khi in"
    texts = {a.text() for a in dialog.findChildren(QAction) if a.text()}
    assert {"Trang sau", "Phóng to", "Thiết lập trang", "Khổ dọc", "Khổ ngang", "In"} <= texts
    assert not texts & {"Next page", "Zoom in", "Page setup", "Print"}  # no English left in the toolbar
    layout = dialog.printer().pageLayout()
    assert layout.pageSize().id() == QPageSize.PageSizeId.A4
    assert layout.orientation() == QPageLayout.Orientation.Landscape  # the detailed list is landscape
    dialog.show()  # shown non-modally: paints the pages through its own printer
    qtbot.wait(50)
    preview = dialog.findChild(QPrintPreviewWidget)
    assert dialog.sharper.dpi == PREVIEW_DPI
    assert preview is not None
    preview.setZoomFactor(4.0)  # zoomed in: the pages are rendered again, sharper
    view = preview.findChild(QGraphicsView)
    assert view is not None
    view.viewport().repaint()
    qtbot.waitUntil(lambda: dialog.sharper.dpi > PREVIEW_DPI)
    dialog.close()
    dialog.deleteLater()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    doc = load_pdf(pdf)
    assert paint_pdf(doc, printer) == doc.pageCount() >= 1
    assert (tmp_path / "printed.pdf").stat().st_size > 1000


def test_village_forms_and_package_from_the_tab(
    workspace: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from giamngheo_desktop.services import review

    rid = review.open_round(workspace.db, kind="annual", reference_date="2026-11-15").written_id
    review.compute_round(workspace.db, rid)
    vid = workspace.db.scalar("SELECT village_id FROM round_household WHERE round_id = ? LIMIT 1", (rid,))
    review.record_meeting(workspace.db, rid, village_id=vid, meeting_date="2026-11-18", attendees=10, agreed=8)
    tab = ReportsTab(workspace)
    qtbot.addWidget(tab)
    assert tab.village_combo.count() >= 1
    assert tab.paper_round_combo.currentData() == rid  # the open round is offered first
    _select(tab.village_combo, vid)
    _select(tab.form_combo, "request01")
    assert tab.household_combo.itemText(0).startswith("(mẫu trống") and tab.household_combo.currentData() is None
    _select(tab.form_combo, "batch")
    assert tab.paper_round_combo.isEnabled() and not tab.household_combo.isEnabled()
    task = tab.form_pdf_task()
    assert task is not None
    work, path = task
    assert path.suffix == ".pdf"
    results: list[Path] = []
    workspace.run_task(work, title="t", on_done=results.append, writes=False)
    assert results and results[0].exists() and load_pdf(results[0]).pageCount() >= 2
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "goi"))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    _select(tab.period_kind, "year")
    tab.year.setValue(2026)
    tab.package_button.click()
    assert shown and "lần gửi thứ 1" in shown[0]
    assert len(list((tmp_path / "goi").glob("*.zip"))) == 1


def test_preview_pages_are_scaled_smoothly(workspace: Workspace, tmp_path: Path) -> None:
    """Pages are drawn from 200 dpi images scaled with smooth interpolation (nearest-pixel scaling
    broke the marks: "Thôn Đồng Xuân" read "Lhón Kông Xuán"); the page keeps its proportions."""
    from giamngheo_desktop.export.pdf import write_pdf

    report = reporting.build_report(workspace.db, kind="bieu1", period=periods.parse("2026"))
    doc = load_pdf(write_pdf(report, tmp_path / "b1.pdf"))
    image = QImage(842, 842, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = smooth_painter(QPainter(image))
    assert painter.renderHints() & QPainter.RenderHint.SmoothPixmapTransform
    draw_page(painter, doc, 0, QRectF(image.rect()), PREVIEW_DPI)
    painter.end()
    assert image.pixelColor(421, 700) == QColor(Qt.GlobalColor.white)  # landscape page: the bottom stays empty
    assert any(image.pixelColor(x, 200).lightness() < 128 for x in range(842))  # the table is drawn


def test_long_header_lines_wrap_instead_of_being_clipped(workspace: Workspace) -> None:
    report = reporting.build_report(workspace.db, kind="bieu1", period=periods.parse("2026"))
    model = ReportTableModel()
    model.set_report(report)
    header = model.headerData(2, Qt.Orientation.Horizontal)  # "Tổng số hộ dân cư (tại thời điểm rà soát) — Số hộ"
    assert header.split() == f"{report.leaf_headers()[2].replace(' — ', ' ')} (1)".split()
    assert all(len(line) <= 24 for line in header.split("\n"))
    assert header.count("\n") >= 3


def test_preview_resolution_follows_the_zoom() -> None:
    from ui.dialogs.print_preview import preview_dpi

    assert preview_dpi(1.0, 96, 3) == 200  # real size on a common screen: 200 dpi is plenty
    assert preview_dpi(3.0, 96, 3) == 300 and preview_dpi(8.0, 96, 3) == 400  # zoomed in: sharper, capped
    assert preview_dpi(8.0, 96, 40) == 200  # a long document keeps memory bounded


def test_a_long_programme_name_is_read_whole_when_the_table_has_room(workspace: Workspace, qtbot: QtBot) -> None:
    """At 1366 px the name column took 220 px and cut "Bảo hiểm y tế cho người nghèo, …" beside 800 px unused."""
    import dataclasses

    tab = ReportsTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1316, 600)
    tab.show()
    qtbot.waitExposed(tab)
    report = reporting.build_report(workspace.db, kind="supports_by_source", period=periods.parse("2026"))
    name = "Bảo hiểm y tế cho người nghèo, cận nghèo (Nghị định 146/2018, 188/2025)"
    first = report.rows[0]
    report.rows[0] = dataclasses.replace(first, values=(first.values[0], name, *first.values[2:]))
    tab.show_report(report)
    column = tab.view.horizontalHeader().sectionSize(1)
    assert column >= tab.view.sizeHintForColumn(1), (column, tab.view.sizeHintForColumn(1))
    assert tab.view.horizontalHeader().length() <= tab.view.viewport().width()  # no scrolling for it
