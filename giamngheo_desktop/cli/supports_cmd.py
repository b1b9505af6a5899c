"""``supports``: a year's supports totalled by type, funding source and programme."""

from __future__ import annotations

import argparse

from giamngheo_desktop import clock
from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.services import support
from giamngheo_desktop.services.support import money


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("supports", help="tổng hợp hỗ trợ trong năm theo loại, nguồn vốn, chương trình")
    add_db_argument(p)
    p.add_argument("--year", type=int, default=None, help="năm (mặc định: năm nay)")
    p.add_argument("--village", type=int, default=None, metavar="ID", help="chỉ một thôn (mã số thôn)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    year = args.year or clock.today().year
    with open_db(args) as db:
        result = support.totals(db, year=year, village_id=args.village)
    if args.json:
        print_json(result)
        return 0
    total = result["total"]
    print(f"Hỗ trợ năm {year}: {total['count']} lượt, {total['households']} hộ, {money(total['amount'])} đồng")
    for title, key in (
        ("Theo loại", "by_type"),
        ("Theo nguồn vốn", "by_funding_source"),
        ("Theo chương trình", "by_programme"),
    ):
        print(f"\n{title}:")
        for row in result[key]:
            print(f"  {row['name']}: {row['count']} lượt, {money(row['amount'])} đồng")
    return 0
