"""Trợ giúp → Giới thiệu: version, data file, schema version, licences."""

from __future__ import annotations

import html

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from giamngheo_desktop import APP_NAME, __version__
from giamngheo_desktop.paths import AppPaths
from giamngheo_desktop.services import commune
from ui.help import licence_files, open_file
from ui.workspace import Workspace


class AboutDialog(QDialog):
    def __init__(self, workspace: Workspace | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Giới thiệu {APP_NAME}")
        rows = [
            ("Phiên bản", __version__),
            ("Thư mục dữ liệu", str(AppPaths.default().data_dir)),
        ]
        if workspace is not None:
            info = commune.info(workspace.db)
            rows.insert(1, ("Tệp dữ liệu đang mở", str(workspace.path)))
            rows.insert(2, ("Phiên bản cấu trúc dữ liệu", str(info["schema_version"])))
        self.rows = rows
        table = "".join(
            f"<tr><td style='padding-right:12px'><b>{html.escape(k)}:</b></td><td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        text = (
            f"<h2>{APP_NAME}</h2>"
            "<p>Phần mềm giúp cán bộ xã, phường quản lý hộ nghèo, hộ cận nghèo: sổ hộ gia đình, rà soát và "
            "phân loại hộ, theo dõi hỗ trợ, lập báo cáo. Chạy hoàn toàn trên máy, không cần mạng, "
            "không gửi dữ liệu đi đâu.</p>"
            f"<table>{table}</table>"
            "<p><b>Giấy phép.</b> Phần mềm được phát hành theo giấy phép MIT. Đi kèm: "
            f"Qt {qVersion()} và PySide6 {pyside_version} theo giấy phép LGPL-3.0 (không sửa đổi, là các "
            "thư viện riêng trong thư mục cài đặt; nơi lấy mã nguồn ghi trong THIRD-PARTY-NOTICES.txt), "
            "SQLite (phạm vi công cộng), openpyxl, python-calamine (MIT), reportlab (BSD), "
            "phông chữ Noto Sans (cửa sổ) và Liberation Serif (giấy tờ in) theo giấy phép SIL Open Font "
            "License 1.1.</p>"
        )
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        self.licence_buttons: list[QPushButton] = []
        for path in licence_files():
            button = buttons.addButton(f"Xem {path.name}", QDialogButtonBox.ButtonRole.HelpRole)
            button.clicked.connect(lambda _checked=False, p=path: open_file(p, self))
            self.licence_buttons.append(button)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
        self.label = label
        self.setMinimumWidth(560)
