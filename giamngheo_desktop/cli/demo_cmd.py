"""``demo``: write a realistic, deterministic demo commune (see services/demo.py)."""

from __future__ import annotations

import argparse

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, db_path, holder, print_json
from giamngheo_desktop.services import commune, demo
from giamngheo_desktop.storage.database import open_database


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("demo", help="tạo dữ liệu mẫu của một xã (để thử chương trình)")
    add_db_argument(p)
    p.add_argument("--households", type=int, default=2000, help="số hộ (mặc định 2000)")
    p.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên (cùng hạt giống → cùng dữ liệu)")
    p.add_argument(
        "--rounds",
        action="store_true",
        help="thêm hai đợt rà soát định kỳ đã kết thúc (2025, 2026) để có số liệu diễn biến cho báo cáo",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = db_path(args)
    with open_database(path, holder=holder(args)) as db:
        demo.generate(db, households=args.households, seed=args.seed, progress=ProgressPrinter("Tạo dữ liệu mẫu"))
        if args.rounds:
            demo.add_review_history(db)
        result = commune.info(db)
    if args.json:
        print_json({"db": str(path), **result})
    else:
        print(f"Đã tạo xã mẫu trong {path}: {result['households']} hộ, {result['members']} nhân khẩu.")
    return 0
