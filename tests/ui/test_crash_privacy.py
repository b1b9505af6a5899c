"""Crash logs and the rotating log carry no ID numbers, names or cell values; the crash dialog says
where the log is and what it holds."""

from __future__ import annotations

import logging
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui import errors

SECRETS = ("Đặng Thị Ngọc Ánh", "079203000123", "Hà Văn Sơn", "001099012345", "Ngọc Ánh")


def test_a_crash_with_personal_data_in_its_message_writes_none_of_it(
    qtbot: QtBot, data_dir: Path, crash_dialogs: list[errors.CrashDialog]
) -> None:
    errors.setup_logging(data_dir / "logs")
    try:
        int("Đặng Thị Ngọc Ánh 079203000123")
    except ValueError as exc:
        errors._excepthook(type(exc), exc, exc.__traceback__)
    dialog = crash_dialogs[0]
    for handler in logging.getLogger().handlers:
        handler.flush()
    crash = next((data_dir / "logs").glob("crash-*.log")).read_text(encoding="utf-8")
    rolling = (data_dir / "logs" / "giamngheo.log").read_text(encoding="utf-8")
    for text in (crash, rolling, dialog.details):
        for secret in SECRETS:
            assert secret not in text, (secret, text)
        assert "ValueError: invalid literal for int()" in text and "test_crash_privacy.py" in text
    message = dialog.message.text()
    assert str(data_dir / "logs") in message and "Thư mục nhật ký" in message
    assert "không chứa dữ liệu hộ" in message and "số định danh, họ tên và nội dung ô đã được xóa" in message


def test_the_log_file_formatter_scrubs_messages_and_tracebacks(data_dir: Path) -> None:
    errors.setup_logging(data_dir / "logs")
    try:
        {"001099012345": "Hà Văn Sơn"}["079203000123"]
    except KeyError:
        logging.getLogger("giamngheo").exception("nhập hộ %s lỗi", "Hà Văn Sơn 001099012345")
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = (data_dir / "logs" / "giamngheo.log").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in written, secret
    assert "KeyError" in written and "nhập hộ" in written
