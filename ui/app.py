"""QApplication set-up and start: names, translations, fonts, crash handler, first window.

``python main.py [--db FILE] [--demo] [--self-test]``
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from giamngheo_desktop import APP_NAME, __version__
from giamngheo_desktop.paths import AppPaths

log = logging.getLogger(__name__)

ORGANISATION = "GiamNgheoDesktop"
APPLICATION = "giamngheo-desktop"
# Held while the program runs; the installer (packaging/installer.nsi, APP_MUTEX) refuses to
# replace or remove the program files while it exists.
RUNNING_MUTEX = "GiamNgheoDesktop.Running"
_mutex_handle: int | None = None


def hold_running_mutex() -> int | None:
    """Create the named mutex the installer looks for (Windows only; elsewhere nothing)."""
    global _mutex_handle
    if sys.platform != "win32" or _mutex_handle:
        return _mutex_handle
    try:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateMutexW.restype = ctypes.c_void_p
        _mutex_handle = kernel32.CreateMutexW(None, False, RUNNING_MUTEX) or None
    except OSError:
        log.exception("cannot create the running-program mutex")
    return _mutex_handle


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="main.py", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", type=Path, metavar="FILE", help="tệp dữ liệu (mặc định: tệp trong thư mục dữ liệu)")
    parser.add_argument("--demo", action="store_true", help="mở xã mẫu (tạo nếu chưa có)")
    parser.add_argument("--self-test", action="store_true", help="tự kiểm tra bản cài đặt rồi thoát")
    parser.add_argument(
        "--self-test-out",
        type=Path,
        metavar="FILE",
        help="ghi kết quả tự kiểm tra vào tệp (bản Windows không có cửa sổ lệnh)",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    args, rest = parser.parse_known_args(argv[1:])
    return args, [argv[0], *rest]


def create_app(argv: list[str]) -> QApplication:
    """The QApplication with names, Vietnamese translations and the shipped fonts."""
    from ui import files, keyboard
    from ui.fonts import use_app_font
    from ui.i18n import install_translations
    from ui.main_window import app_icon

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    install_translations(app)
    use_app_font(app)
    keyboard.install(app)
    files.install(app)
    app.setWindowIcon(app_icon())
    return app


def self_test(out: Path | None = None) -> int:
    """Smoke test of the (frozen) build; prints a short report (also to ``out``) and returns the exit status.

    The Windows program has no console (sys.stdout is None there), so the build and the
    Windows workflow read the report from ``--self-test-out FILE``.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    try:
        from ui.self_test import run_checks

        app = create_app([sys.argv[0] if sys.argv else "giamngheo"])
        lines = run_checks(app)
    except Exception as exc:
        message = f"SELF-TEST FAILED: {type(exc).__name__}: {exc}"
        print(message, file=sys.stderr)
        if out is not None:
            out.write_text(message + "\n", encoding="utf-8")
        return 1
    report = "\n".join([*lines, "SELF-TEST OK"])
    print(report)
    if out is not None:
        out.write_text(report + "\n", encoding="utf-8")
    return 0


def run(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1].isascii() and argv[1].isalpha() and argv[1].islower():  # "main.py import …"
        print(
            f"“{argv[1]}” là lệnh của dòng lệnh, không phải của cửa sổ: chạy "
            f"“python -m giamngheo_desktop {argv[1]} …” (các lệnh: python -m giamngheo_desktop --help).",
            file=sys.stderr,
        )
        return 2
    args, qt_argv = parse_args(argv)
    if args.self_test:
        return self_test(args.self_test_out)

    from ui import errors
    from ui.main_window import ensure_demo, open_window
    from ui.settings import Settings
    from ui.tasks import TaskRunner

    hold_running_mutex()  # kept until the process ends; Windows closes it then
    app = create_app(qt_argv)
    paths = AppPaths.default()
    try:
        paths.ensure()
    except OSError:
        log.exception("cannot create the data folder")
    errors.install_excepthook(paths.logs)
    log.info("%s %s starting", APP_NAME, __version__)
    settings = Settings()

    if args.demo:
        runner = TaskRunner()
        app.setQuitOnLastWindowClosed(False)  # no window yet while the demo is generated

        def ready(path: Path) -> None:
            if open_window(path, settings=settings, paths=paths) is None:
                app.exit(0)
            else:
                app.setQuitOnLastWindowClosed(True)

        def start() -> None:
            ensure_demo(runner, paths.demo_database, parent=None, on_ready=ready, on_gave_up=lambda: app.exit(1))

        QTimer.singleShot(0, start)  # inside the event loop, so app.exit() works even on a quick failure
        status = app.exec()
        runner.wait()
        return int(status)

    path = args.db or paths.database
    window = open_window(Path(path), settings=settings, paths=paths)
    if window is None:
        return 0
    return int(app.exec())
