"""``info``: counts of villages, households and members by class."""

from __future__ import annotations

import argparse

from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.services import commune


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("info", help="số thôn, số hộ, số nhân khẩu theo phân loại")
    add_db_argument(p)
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        result = commune.info(db)
    if args.json:
        print_json(result)
        return 0
    c = result["commune"] or {}
    print(f"{c.get('name', '(chưa khai báo xã)')} — mã {c.get('code', '')}, {c.get('province', '')}")
    print(f"Thôn/tổ: {result['villages']}  Hộ: {result['households']}  Nhân khẩu: {result['members']}")
    for code, counts in sorted(result["by_class"].items()):
        print(f"  {class_label(code)}: {counts['households']} hộ, {counts['members']} nhân khẩu")
    return 0
