"""``init``: create a database file and record the commune and its villages."""

from __future__ import annotations

import argparse

from giamngheo_desktop.cli.common import add_db_argument, db_path, holder, print_json
from giamngheo_desktop.services import commune
from giamngheo_desktop.storage.database import open_database


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("init", help="tạo tệp dữ liệu mới và khai báo thông tin xã")
    add_db_argument(p)
    p.add_argument("--name", required=True, help="tên xã/phường, ví dụ “xã Tân Lập”")
    p.add_argument("--code", required=True, help="mã xã 5 chữ số")
    p.add_argument("--province", required=True, help="tỉnh/thành phố")
    p.add_argument("--area", choices=["rural", "urban"], default="rural", help="nông thôn (rural) / thành thị (urban)")
    p.add_argument("--kind", choices=["xa", "phuong", "dac_khu"], default="xa")
    p.add_argument("--receiving-office", default="", help="nơi nhận báo cáo")
    p.add_argument(
        "--village", action="append", default=[], metavar="TÊN", help="một thôn/tổ dân phố (lặp lại cho nhiều thôn)"
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = db_path(args)
    with open_database(path, holder=holder(args)) as db:
        kind = "to_dan_pho" if args.area == "urban" else "thon"
        setup = commune.CommuneSetup(
            settings=commune.CommuneSettings(
                name=args.name,
                code=args.code,
                province=args.province,
                area_type=args.area,
                kind=args.kind,
                receiving_office=args.receiving_office,
            ),
            villages=[commune.VillageInput(name=v, kind=kind) for v in args.village],
        )
        commune.save_setup(db, setup)
        result = commune.info(db)
    if args.json:
        print_json({"db": str(path), **result})
    else:
        print(f"Đã tạo/cập nhật {path}: {result['villages']} thôn/tổ.")
    return 0
