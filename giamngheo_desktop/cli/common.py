"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from giamngheo_desktop.paths import AppPaths
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


def show_help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """What a command group does when run without a subcommand: print its help, exit status 1."""

    def run(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 1

    return run


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="FILE",
        help="tệp dữ liệu (mặc định: tệp của ứng dụng trong thư mục dữ liệu người dùng)",
    )


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else AppPaths.default().ensure().database


def holder(args: argparse.Namespace) -> str:
    """How this command names itself to another writer of the same file."""
    return f"lệnh dòng lệnh «{getattr(args, 'command', None) or 'giamngheo_desktop'}»"


def open_db(args: argparse.Namespace, *, create: bool = False, write: bool = True) -> Database:
    """Open the file named by --db (created only when ``create``).

    A writing command takes the file's writer lock (refused while the window or another
    command writes to it); ``write=False`` opens for reading only, beside a running window.
    """
    return open_database(db_path(args), create=create, write=write, holder=holder(args))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


class ProgressPrinter:
    """A ``progress(done, total)`` callable that prints a percentage to stderr."""

    def __init__(self, label: str, quiet: bool = False) -> None:
        self.label = label
        self.quiet = quiet or not sys.stderr.isatty()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        percent = done * 100 // total
        if percent != self._last:
            self._last = percent
            sys.stderr.write(f"\r{self.label}: {percent}%")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
