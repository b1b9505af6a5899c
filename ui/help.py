"""Trợ giúp: the user guide, the keyboard shortcuts, the licence files.

The guide PDF is built by ``packaging/guide.py`` from ``docs/huong-dan-su-dung.md`` and shipped
in the bundle as ``docs/huong-dan-su-dung.pdf``; in a source checkout the built PDF in
``build/guide/`` or, failing that, the Markdown file is opened. The shortcut list is read from
the window's own actions, so it always says what the keys really do on this system.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop.resources import app_root

GUIDE_NAME = "huong-dan-su-dung"

# Keys that are not menu actions (Qt's own keys), shown after the actions' shortcuts.
BUILT_IN_KEYS = [
    ("Ctrl+Tab / Ctrl+Shift+Tab", "Sang thẻ sau / thẻ trước"),
    ("Enter", "Mở hồ sơ hộ đang chọn (thẻ Hộ gia đình)"),
    ("Alt + chữ gạch chân", "Mở trình đơn (Alt+T Tệp, Alt+D Dữ liệu, Alt+B Báo cáo, Alt+G Trợ giúp)"),
    ("Esc", "Đóng hộp thoại, không lưu"),
]


def guide_candidates(root: Path | None = None) -> list[Path]:
    root = root or app_root()
    return [
        root / "docs" / f"{GUIDE_NAME}.pdf",  # the frozen bundle
        root / "build" / "guide" / f"{GUIDE_NAME}.pdf",  # a source checkout after packaging/guide.py
        root / "docs" / f"{GUIDE_NAME}.md",  # a source checkout
    ]


def guide_path(root: Path | None = None) -> Path | None:
    return next((p for p in guide_candidates(root) if p.exists()), None)


def licence_files(root: Path | None = None) -> list[Path]:
    """LICENSE and THIRD-PARTY-NOTICES.txt, where they are (bundle root, or the build folder)."""
    root = root or app_root()
    candidates = [
        root / "LICENSE",
        root / "THIRD-PARTY-NOTICES.txt",
        root / "build" / "licences" / "THIRD-PARTY-NOTICES.txt",
    ]
    return [p for p in candidates if p.exists()]


def open_file(path: Path, parent: QWidget | None = None) -> bool:
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.warning(
        parent,
        "Không mở được tệp",
        f"Máy chưa có chương trình để mở tệp {path.name}. Tệp nằm ở:\n{path}",
    )
    return False


def open_guide(parent: QWidget | None = None) -> Path | None:
    path = guide_path()
    if path is None:
        QMessageBox.warning(
            parent,
            "Không tìm thấy hướng dẫn",
            "Không tìm thấy tệp hướng dẫn sử dụng trong thư mục cài đặt. Hãy cài lại chương trình, "
            "hoặc mở tệp HuongDanSuDung-….pdf trên USB cài đặt.",
        )
        return None
    open_file(path, parent)
    return path


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, in menu order, then Qt's own keys."""
    rows: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for action in actions:
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys:
            continue
        text = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        what = action.text().replace("&", "").rstrip("…").strip()
        if (text, what) in seen or not what:
            continue
        seen.add((text, what))
        rows.append((text, what))
    find = QKeySequence(QKeySequence.StandardKey.Find).toString(QKeySequence.SequenceFormat.NativeText)
    return [*rows, (find, "Tìm hộ (thẻ Hộ gia đình)"), *BUILT_IN_KEYS]  # Find is a QShortcut of the tab


class ShortcutsDialog(QDialog):
    """Trợ giúp → Phím tắt: a table of keys and what they do."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Phím tắt")
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Phím", "Việc"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        note = QLabel("Xem thêm trong Trợ giúp → Hướng dẫn sử dụng (F1).")
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(620, 440)
