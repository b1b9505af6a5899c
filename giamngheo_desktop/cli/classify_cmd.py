"""``classify --date YYYY-MM-DD``: each household's computed class and deprivations; changes nothing."""

from __future__ import annotations

import argparse

from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.domain.vocab import class_label
from giamngheo_desktop.services import review


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("classify", help="tính phân loại và số chỉ số thiếu hụt của từng hộ (không ghi gì)")
    add_db_argument(p)
    p.add_argument("--date", required=True, help="ngày tham chiếu YYYY-MM-DD (chọn chuẩn nghèo áp dụng)")
    p.add_argument("--changed-only", action="store_true", help="chỉ các hộ có phân loại khác hiện tại")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        standard = review.standard_for(db, args.date)
        results = review.classify_all(db, args.date, standard=standard)
    if args.changed_only:
        results = [r for r in results if r.differs]
    if args.json:
        print_json(
            {
                "date": args.date,
                "standard": standard.id,
                "households": [
                    {
                        "household_id": r.household_id,
                        "code": r.code,
                        "village": r.village,
                        "current_class": r.current_class,
                        "computed_class": r.computed_class,
                        "deprivation_count": r.deprivation_count,
                        "deprived": [i.code for i in r.indicators if i.deprived],
                        "reason": r.reason,
                    }
                    for r in results
                ],
            }
        )
        return 0
    print(f"Chuẩn áp dụng: {standard.name}")
    for r in results:
        mark = " *" if r.differs else ""
        print(f"{r.code:<12} {class_label(r.computed_class):<26} thiếu hụt {r.deprivation_count:>2}{mark}  {r.reason}")
    return 0
