"""Take the user guide's screenshots from the real app under Xvfb at 1366×768.

    .venv/bin/python scripts/guide_screenshots.py [--display :118] [--out docs/images]

Starts ``Xvfb DISPLAY -screen 0 1366x768x24`` (unless ``--no-xvfb``: then DISPLAY must point at a
running X server), runs the app on the xcb platform with a private data folder and settings, a
generated demo commune (300 households, two closed review rounds) and a list to import, then
shows each window or dialog the guide talks about and grabs the whole X screen into
``docs/images/NN-name.png`` (a dialog: cropped to the dialog and a strip around it). Run it
again whenever the UI changes, then rebuild the guide PDF
(``python packaging/guide.py``) and look at the pictures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1366, 768


def start_xvfb(display: str) -> subprocess.Popen[bytes] | None:
    """Start Xvfb on ``display``; None when an X server already listens there (it is used as is)."""
    if Path(f"/tmp/.X11-unix/X{display.lstrip(':')}").exists():
        return None
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb not installed: apt-get install xvfb xauth")
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"])
    socket = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    for _ in range(100):
        if socket.exists():
            return proc
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit(f"Xvfb did not start on {display}")


def make_list(path: Path) -> Path:
    """A commune list the way officers keep it: a title row, a blank row, Vietnamese headers, one bad date."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026 — THÔN ĐỒNG XUÂN"])
    sheet.append([])
    sheet.append(["Mã hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số định danh"])
    rows = [
        ["DX-101", "Thôn Đồng Xuân", "Bế Văn Kiên", "Chủ hộ", "12/03/1970", "Nam", "019070001234"],
        ["", "Thôn Đồng Xuân", "Hoàng Thị Lan", "Vợ", "1974", "Nữ", ""],
        ["DX-102", "Thôn Đồng Xuân", "Bế Văn Mạnh", "Chủ hộ", "30/02/1980", "Nam", ""],
        ["DX-103", "Thôn Đồng Xuân", "Nông Thị Hà", "Chủ hộ", "1988", "Nữ", "019188004321"],
        ["", "Thôn Đồng Xuân", "Nông Văn Bình", "Con", "2012", "Nam", ""],
    ]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


class Shooter:
    def __init__(self, out: Path) -> None:
        from PySide6.QtWidgets import QApplication

        self.out = out
        self.app = QApplication.instance()
        out.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def settle(self, seconds: float = 0.4, until: Callable[[], bool] | None = None, timeout: float = 60) -> None:
        from PySide6.QtCore import QCoreApplication, QEventLoop

        deadline = time.monotonic() + timeout
        while until is not None and not until():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if time.monotonic() > deadline:
                raise SystemExit("timed out waiting for the app")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.02)

    def shot(self, name: str, dialog: QWidget | None = None) -> Path:
        from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPen

        self.settle()
        screen = QGuiApplication.primaryScreen()
        image = screen.grabWindow(0)  # the whole X screen, as an officer would see it
        if dialog is not None:  # Xvfb has no window manager: draw the frame Windows would draw
            rect = dialog.geometry().adjusted(-1, -1, 0, 0)
            painter = QPainter(image)
            for offset, alpha in ((4, 30), (3, 45), (2, 60)):
                painter.setPen(QPen(QColor(0, 0, 0, alpha), 1))
                painter.drawRect(rect.adjusted(-offset, -offset, offset, offset))
            painter.setPen(QPen(QColor("#3b5998"), 2))
            painter.drawRect(rect)
            painter.end()
            # a dialog's picture is the dialog and a strip of the window behind it, so it stays
            # readable at page width in the guide
            image = image.copy(rect.adjusted(-24, -24, 24, 24).intersected(image.rect()))
        path = self.out / f"{name}.png"
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"could not save {path}")
        self.taken.append(path)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {image.width()}×{image.height()}")
        return path


def centre(widget: QWidget, width: int, height: int) -> None:
    widget.resize(width, height)
    widget.move((WIDTH - width) // 2, (HEIGHT - height) // 2)


def run(out: Path, work: Path) -> list[Path]:
    data = work / "GiamNgheoDesktop"  # looks like the real data folder in the pictures
    os.environ["GIAMNGHEO_DATA_DIR"] = str(data)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from PySide6.QtCore import QSettings

    from giamngheo_desktop.paths import AppPaths
    from giamngheo_desktop.services import demo
    from giamngheo_desktop.services.session import open_session
    from ui.app import create_app
    from ui.settings import Settings

    data.mkdir()
    database = data / "giamngheo.sqlite"
    db = open_session(database)
    try:
        demo.generate(db, households=300, seed=1)
        demo.add_review_history(db)
    finally:
        db.close()

    app = create_app(["guide-screenshots"])
    settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    paths = AppPaths(data)
    shooter = Shooter(out)

    # 1. first run: the commune dialog on a new, empty file
    from ui.dialogs.first_run_dialog import FirstRunDialog

    fresh = open_session(work / "xa-moi.sqlite")
    first = FirstRunDialog(fresh, first_run=True)
    centre(first, 760, 640)
    first.show()
    shooter.shot("01-khai-bao-xa", first)
    first.close()
    fresh.close()

    # 2. the register
    from ui.main_window import MainWindow, open_window

    window = open_window(database, settings=settings, paths=paths)
    if not isinstance(window, MainWindow):
        raise SystemExit("the demo commune did not open in the main window")
    window.move(0, 0)
    window.resize(WIDTH, HEIGHT)
    window.show()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]

    def tab(title: str) -> Any:
        """Show the tab named ``title`` (tabs are found by name: new tabs may come before it)."""
        index = titles.index(title)
        window.tabs.setCurrentIndex(index)
        shooter.settle(1.0, until=lambda: not window.workspace.busy)
        return window.tab_widgets[index]

    if "Tổng quan" in titles:
        tab("Tổng quan")
        shooter.shot("02a-tong-quan")
    households = tab("Hộ gia đình")
    view = getattr(households, "view", None)
    if view is not None:
        view.selectRow(2)
    shooter.shot("02-so-ho")

    # 3. importing a list: the preview with its one error
    from ui.dialogs.import_dialog import ImportDialog

    importer = ImportDialog(window.workspace, window, start_folder=str(work))
    centre(importer, 980, 600)
    importer.show()
    importer.set_file(make_list(work / "danh-sach-thon-dong-xuan.xlsx"))
    shooter.settle(0.5, until=lambda: importer.preview is not None or "Không" in importer.summary.text())
    shooter.shot("03-nhap-danh-sach", importer)
    importer.reject()

    # 4. one household
    from ui.dialogs.household_dialog import HouseholdDialog

    household_id = window.workspace.db.scalar(
        "SELECT h.id FROM household h JOIN member m ON m.household_id = h.id "
        "WHERE h.deleted_at IS NULL GROUP BY h.id HAVING count(*) >= 4 ORDER BY h.id LIMIT 1"
    )
    dialog = HouseholdDialog(window.workspace, household_id=household_id, parent=window)
    centre(dialog, 980, 680)
    dialog.show()
    shooter.shot("04-ho-gia-dinh", dialog)
    dialog.reject()

    # 5–7. the other tabs
    tab("Rà soát")
    shooter.shot("05-ra-soat")
    support = tab("Hỗ trợ")
    shooter.shot("06-ho-tro")
    support.side.setCurrentRow(support.pages.index(support.plan))  # Kế hoạch: a plan made from the template
    support.plan.year.setValue(2026)
    shooter.settle(0.5, until=lambda: not window.workspace.busy)
    if support.plan.create_button.isEnabled():
        support.plan.create_from_template()
    shooter.settle(1.5, until=lambda: not window.workspace.busy)
    shooter.shot("06b-ke-hoach")
    reports = tab("Báo cáo")
    reports.build()
    shooter.settle(1.0, until=lambda: not window.workspace.busy)
    shooter.shot("07-bao-cao")

    # 8. backup to a USB stick
    from ui.dialogs.backup_dialog import BackupDialog

    backup = BackupDialog(window.workspace, window, folder=str(work / "USB"))
    centre(backup, 640, 300)
    backup.show()
    shooter.shot("08-sao-luu", backup)
    backup.reject()

    # 9–10. Trợ giúp: the shortcuts and About
    shortcuts = window.shortcuts_dialog()
    centre(shortcuts, 640, 460)
    shortcuts.show()
    shooter.shot("09-phim-tat", shortcuts)
    shortcuts.accept()

    from ui.dialogs.about_dialog import AboutDialog

    about = AboutDialog(window.workspace, window)
    about.adjustSize()
    centre(about, max(about.width(), 620), about.height())
    about.show()
    shooter.shot("10-gioi-thieu", about)
    about.accept()

    window.close()
    shooter.settle(0.3)
    del app
    return shooter.taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--display", default=":118")
    parser.add_argument("--no-xvfb", action="store_true", help="use the running X server in DISPLAY")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    xvfb = None
    if not args.no_xvfb:
        xvfb = start_xvfb(args.display)
        os.environ["DISPLAY"] = args.display
    try:
        with tempfile.TemporaryDirectory(prefix="giamngheo-shots-") as work:
            taken = run(args.out.resolve(), Path(work))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)
    print(f"{len(taken)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
