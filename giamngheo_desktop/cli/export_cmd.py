"""``export``: the register (optionally filtered) to an .xlsx file, one row per member."""

from __future__ import annotations

import argparse
from pathlib import Path

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, open_db, print_json
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.vocab import PovertyClass
from giamngheo_desktop.export.register_xlsx import write_register_xlsx
from giamngheo_desktop.services import commune, household_query
from giamngheo_desktop.services import register as register_service
from giamngheo_desktop.text import fold


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("export", help="xuất danh sách hộ, nhân khẩu ra tệp Excel (.xlsx)")
    add_db_argument(p)
    p.add_argument("output", type=Path, metavar="OUT.xlsx", help="tệp Excel sẽ ghi")
    p.add_argument("--village", help="chỉ thôn/tổ này (tên)")
    p.add_argument("--class", dest="poverty_class", choices=[c.value for c in PovertyClass], help="chỉ loại hộ này")
    p.add_argument("--search", default="", help="tìm theo tên, mã hộ, số định danh (không cần dấu)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        village_id = None
        if args.village:
            found = [v for v in commune.list_villages(db) if fold(v.name) == fold(args.village)]
            if not found:
                raise ValidationFailed(ValidationIssue("--village", "không có thôn/tổ này", value=args.village))
            village_id = found[0].id
        query = household_query.HouseholdQuery(
            text=args.search, village_id=village_id, poverty_class=args.poverty_class
        )
        ids = household_query.find_household_ids(db, query)
        rows = write_register_xlsx(
            args.output,
            register_service.register_sheet(db, ids, subtitle=f"{len(ids)} hộ"),
            progress=ProgressPrinter("Đang xuất", quiet=args.json),
        )
    if args.json:
        print_json({"file": str(args.output), "households": len(ids), "members": rows})
    else:
        print(f"Đã xuất {len(ids)} hộ, {rows} nhân khẩu ra {args.output}.")
    return 0
