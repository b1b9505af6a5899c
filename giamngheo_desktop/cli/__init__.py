"""Command line: ``python -m giamngheo_desktop SUBCOMMAND --db FILE …``.

Each subcommand lives in its own module in this package with a
``register(subparsers)`` function; add the module name to ``COMMANDS``.
Every subcommand takes ``--db FILE`` and defaults to the app's own database.
Known errors print a Vietnamese sentence and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence

from giamngheo_desktop import APP_NAME, __version__
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services.session import known_error

COMMANDS = [
    "init_cmd",
    "demo_cmd",
    "info_cmd",
    "backup_cmd",
    "restore_cmd",
    "audit_cmd",
    "classify_cmd",
    "review_cmd",
    "users_cmd",
    "check_cmd",
    "import_cmd",
    "export_cmd",
    "supports_cmd",
    "plan_cmd",
    "report_cmd",
    "package_cmd",
    "office_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m giamngheo_desktop",
        description=f"{APP_NAME} {__version__} — dòng lệnh (command line).",
        epilog=(
            "Quyền truy cập: dòng lệnh đọc, ghi thẳng vào tệp dữ liệu. Khi chưa bật đăng nhập, ai mở được tệp là "
            "có toàn quyền với dữ liệu; khi bật đăng nhập, các lệnh `users` hỏi mật khẩu quản trị viên, các lệnh "
            "khác vẫn có toàn quyền với tệp — hãy giữ tệp trong thư mục chỉ người dùng máy này mở được."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"giamngheo_desktop.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        try:
            result = args.func(args)
        except sqlite3.DatabaseError as exc:  # a damaged file, a full disk: named plainly, by SQLite's code
            known = known_error(exc, getattr(args, "db", None))
            if known is exc:
                raise
            raise known from exc
    except DomainError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã hủy.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        return 0
    return int(result or 0)
