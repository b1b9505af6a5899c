"""Known errors → a plain Vietnamese message; anything else → the crash dialog and a log file.

Known errors are :class:`DomainError` and its subclasses (validation, file locked,
read-only, disk full, schema too new …): their text is already a Vietnamese sentence.
Everything else is a bug: the crash dialog shows the traceback, offers "Sao chép chi tiết"
and writes ``logs/crash-YYYYmmdd-HHMMSS.log``. ``install_excepthook`` routes uncaught
exceptions of the GUI thread here; background tasks report through ``failed``.
"""

from __future__ import annotations

import datetime as _dt
import logging
import logging.handlers
import platform
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from giamngheo_desktop import APP_NAME, __version__
from giamngheo_desktop.domain.errors import DomainError, ValidationFailed
from giamngheo_desktop.domain.logscrub import SCRUBBED_NOTE, scrub
from giamngheo_desktop.services.session import known_error

log = logging.getLogger("giamngheo")

_state: dict[str, object] = {"logs_dir": None, "showing": False}

CRASH_TITLE = "Đã xảy ra lỗi không mong muốn"


class ScrubbingFormatter(logging.Formatter):
    """Log lines and tracebacks without ID numbers, names or cell values (``domain.logscrub``)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class _AppLogHandler(logging.handlers.RotatingFileHandler):
    """The app's rolling log (``setup_logging`` replaces the one it added before)."""


def setup_logging(logs_dir: Path) -> None:
    """A rotating log file ``giamngheo.log`` in ``logs_dir`` (1 MB × 5 files)."""
    _state["logs_dir"] = logs_dir
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # no log file (read-only profile); crash dialogs still show
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _AppLogHandler):
            root.removeHandler(old)
            old.close()
    handler = _AppLogHandler(logs_dir / "giamngheo.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def format_details(exc: BaseException) -> str:
    """The crash report: versions, time and the traceback, scrubbed of personal data."""
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} — {platform.platform()}",
        f"Thời điểm: {_dt.datetime.now().isoformat(timespec='seconds')}",
        "",
        f"(Ghi chú: {SCRUBBED_NOTE}.)",
        "",
        *traceback.format_exception(type(exc), exc, exc.__traceback__),
    ]
    return scrub("\n".join(line.rstrip("\n") for line in lines))


def write_crash_log(exc: BaseException, logs_dir: Path | None = None) -> Path | None:
    """Write the details of ``exc`` to ``crash-YYYYmmdd-HHMMSS.log``; None if the folder is not writable."""
    folder = logs_dir or _state["logs_dir"]
    if not isinstance(folder, Path):
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"crash-{stamp}.log"
        number = 1
        while path.exists():
            number += 1
            path = folder / f"crash-{stamp}-{number}.log"
        path.write_text(format_details(exc), encoding="utf-8")
        return path
    except OSError:
        log.exception("cannot write the crash log")
        return None


class CrashDialog(QDialog):
    """ "Đã xảy ra lỗi không mong muốn", with the details in an expandable area."""

    def __init__(self, exc: BaseException, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(CRASH_TITLE)
        self.details = format_details(exc)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        text = (
            f"<b>{CRASH_TITLE}.</b><br><br>Thao tác vừa rồi không hoàn thành. Dữ liệu đã lưu trước đó "
            "vẫn an toàn (mỗi thao tác ghi trọn vẹn hoặc không ghi gì).<br>Hãy gửi nội dung chi tiết dưới đây "
            "cho người hỗ trợ kỹ thuật."
        )
        folder = log_path.parent if log_path is not None else _state["logs_dir"]
        if log_path is not None:
            text += f"<br><br>Chi tiết đã được ghi vào tệp:<br><code>{log_path}</code>"
        if folder is not None:
            text += f"<br>Thư mục nhật ký: <code>{folder}</code> (Trợ giúp → Mở thư mục nhật ký lỗi)."
        text += (
            "<br><br>Tệp nhật ký chỉ chứa thông tin kỹ thuật: phiên bản chương trình, thời điểm và vị trí lỗi "
            f"trong chương trình; {SCRUBBED_NOTE}, không chứa dữ liệu hộ nào."
        )
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.message, 1)

        self.details_view = QPlainTextEdit(self.details)
        self.details_view.setReadOnly(True)
        self.details_view.setMinimumHeight(220)
        self.details_view.setVisible(False)

        buttons = QDialogButtonBox()
        self.toggle_button = QPushButton("Xem chi tiết")
        self.toggle_button.setCheckable(True)
        self.toggle_button.toggled.connect(self._toggle)
        self.copy_button = QPushButton("Sao chép chi tiết")
        self.copy_button.clicked.connect(self.copy_details)
        close = QPushButton("Đóng")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons.addButton(self.toggle_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.AcceptRole)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.resize(620, 240)

    def _toggle(self, shown: bool) -> None:
        self.details_view.setVisible(shown)
        self.toggle_button.setText("Ẩn chi tiết" if shown else "Xem chi tiết")
        if shown:
            self.resize(max(self.width(), 680), max(self.height(), 460))
        else:
            self.adjustSize()

    def copy_details(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.details)


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "Không thực hiện được") -> None:
    """Show ``exc`` to the user: a message box for known errors, the crash dialog for bugs.

    SQLite errors caused by the file or the disk (damaged page, full disk, unplugged stick) are
    known errors too, named by their result code (``session.known_error``).
    """
    exc = known_error(exc)
    if isinstance(exc, DomainError):
        log.info("known error shown: %s", exc.code)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        if isinstance(exc, ValidationFailed):
            box.setText("Dữ liệu chưa hợp lệ, chưa có gì được ghi:")
            box.setInformativeText(str(exc))
        else:
            box.setText(str(exc))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    path = write_crash_log(exc)
    if _state["showing"]:
        return
    _state["showing"] = True
    try:
        CrashDialog(exc, path, parent).exec()
    finally:
        _state["showing"] = False


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    if QApplication.instance() is None:
        write_crash_log(exc)
        sys.__excepthook__(kind, exc, tb)
        return
    show_error(QApplication.activeWindow(), exc)


def install_excepthook(logs_dir: Path) -> None:
    """Log to ``logs_dir`` and route uncaught GUI-thread exceptions to :func:`show_error`."""
    setup_logging(logs_dir)
    sys.excepthook = _excepthook
