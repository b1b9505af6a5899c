"""``backup --db FILE --to DIR``: a verified copy of the database into a folder (e.g. a USB stick)."""

from __future__ import annotations

import argparse
from pathlib import Path

from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.services import backup


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("backup", help="sao lưu tệp dữ liệu ra một thư mục (ví dụ USB), có kiểm tra")
    add_db_argument(p)
    p.add_argument("--to", type=Path, required=True, metavar="DIR", help="thư mục nhận bản sao lưu")
    p.add_argument(
        "--same-disk",
        action="store_true",
        help="vẫn sao lưu khi thư mục nằm trên cùng ổ đĩa với tệp dữ liệu (mặc định từ chối: hỏng ổ là mất cả hai)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        result = backup.make_backup(db, args.to, same_device_ok=args.same_disk)
    if args.json:
        print_json({"path": str(result.path), "size": result.size, "counts": result.counts})
    else:
        households = result.counts.get("household", 0)
        print(f"Đã sao lưu và kiểm tra: {result.path} ({households} hộ, {result.size:,} byte).".replace(",", "."))
    return 0
