"""QApplication set-up and start: names, translations, fonts, crash handler, first window.

``python main.py [--db FILE] [--demo] [--self-test]``
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from giamngheo_desktop import APP_NAME, __version__
from giamngheo_desktop.paths import AppPaths

log = logging.getLogger(__name__)

ORGANISATION = "GiamNgheoDesktop"
APPLICATION = "giamngheo-desktop"


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="main.py", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", type=Path, metavar="FILE", help="tệp dữ liệu (mặc định: tệp trong thư mục dữ liệu)")
    parser.add_argument("--demo", action="store_true", help="mở xã mẫu (tạo nếu chưa có)")
    parser.add_argument("--self-test", action="store_true", help="tự kiểm tra bản cài đặt rồi thoát")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    args, rest = parser.parse_known_args(argv[1:])
    return args, [argv[0], *rest]


def create_app(argv: list[str]) -> QApplication:
    """The QApplication with names, Vietnamese translations and the shipped fonts."""
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
    app.setWindowIcon(app_icon())
    return app


def self_test() -> int:
    """Smoke test of the (frozen) build; prints a short report and returns the exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    try:
        from giamngheo_desktop.export import selftest as writers_self_test
        from giamngheo_desktop.services import session
        from ui.fonts import FAMILY

        app = create_app([sys.argv[0] if sys.argv else "giamngheo"])
        lines = [f"{APP_NAME} {__version__}", f"font: {app.font().family()}"]
        if app.font().family() != FAMILY:
            raise RuntimeError(f"font {FAMILY} not loaded")
        with tempfile.TemporaryDirectory(prefix="giamngheo-selftest-") as tmp:
            lines += session.self_test(Path(tmp)) + writers_self_test.self_test(Path(tmp))
    except Exception as exc:
        print(f"SELF-TEST FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    print("SELF-TEST OK")
    return 0


def run(argv: list[str]) -> int:
    args, qt_argv = parse_args(argv)
    if args.self_test:
        return self_test()

    from ui import errors
    from ui.main_window import ensure_demo, open_window
    from ui.settings import Settings
    from ui.tasks import TaskRunner

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
