"""``restore BACKUP --db FILE [--yes]``: show what differs, keep a safety copy, replace."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from giamngheo_desktop.cli.common import add_db_argument, db_path, print_json
from giamngheo_desktop.services import backup
from giamngheo_desktop.services.session import open_session


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("restore", help="khôi phục tệp dữ liệu từ một bản sao lưu (xem khác biệt trước)")
    p.add_argument("backup", type=Path, metavar="BACKUP", help="tệp sao lưu (.sqlite)")
    add_db_argument(p)
    p.add_argument("--yes", action="store_true", help="khôi phục luôn, không hỏi lại")
    p.add_argument("--json", action="store_true", help="chỉ in khác biệt dạng JSON, không khôi phục")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = db_path(args)
    diff = backup.compare(target, args.backup)
    if args.json:
        print_json(
            {
                "current": {"path": str(diff.current.path), "newest_change": diff.current.newest_change},
                "backup": {"path": str(diff.backup.path), "newest_change": diff.backup.newest_change},
                "tables": [{"table": t, "current": a, "backup": b} for t, a, b in diff.rows()],
            }
        )
        return 0
    print(diff.text())
    if not args.yes:
        if not sys.stdin.isatty():
            print("\nChưa khôi phục. Chạy lại với --yes để thay tệp hiện tại bằng bản sao lưu.")
            return 1
        answer = input("\nThay tệp hiện tại bằng bản sao lưu này? Gõ “co” để đồng ý: ").strip().lower()
        if answer not in ("co", "có", "c", "y", "yes"):
            print("Đã hủy, không thay đổi gì.")
            return 1
    safety = backup.restore(args.backup, target)
    open_session(target).close()  # migrate the restored file if it is from an older version
    if safety:
        print(f"Đã khôi phục. Bản an toàn của tệp cũ: {safety}")
    else:
        print("Đã khôi phục.")
    return 0
