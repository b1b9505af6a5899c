"""``plan``: each target of the year's plan with its live value and progress."""

from __future__ import annotations

import argparse

from giamngheo_desktop import clock, formats
from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.domain.errors import NotFound
from giamngheo_desktop.services import plan


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("plan", help="chỉ tiêu kế hoạch giảm nghèo của năm và tiến độ thực hiện")
    add_db_argument(p)
    p.add_argument("--year", type=int, default=None, help="năm kế hoạch (mặc định: năm nay)")
    p.add_argument(
        "--create-from-template",
        metavar="MAU",
        nargs="?",
        const="ke-hoach-mau",
        default=None,
        help="tạo kế hoạch của năm từ kế hoạch mẫu nếu chưa có (mặc định: ke-hoach-mau)",
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    year = args.year or clock.today().year
    with open_db(args) as db:
        found = plan.plan_for_year(db, year)
        if found is None and args.create_from_template:
            plan.create_plan_from_template(db, year=year, template_id=args.create_from_template)
            found = plan.plan_for_year(db, year)
        if found is None:
            raise NotFound(
                f"Chưa có kế hoạch giảm nghèo năm {year}. Tạo trong thẻ Hỗ trợ → Kế hoạch, "
                "hoặc chạy lại lệnh với --create-from-template."
            )
        p = plan.progress(db, found.id)
    if args.json:
        print_json(
            {
                "plan": {
                    "id": p.plan.id,
                    "year": p.plan.year,
                    "number": p.plan.number,
                    "issued_date": p.plan.issued_date,
                    "title": p.plan.title,
                },
                "measured_on": p.on_date,
                "baseline": {
                    "date": p.baseline.date,
                    "round_id": p.baseline.round_id,
                    "households": p.baseline.households,
                    "poor": p.baseline.poor,
                    "near_poor": p.baseline.near_poor,
                },
                "current": {
                    "households": p.current.households,
                    "poor": p.current.poor,
                    "near_poor": p.current.near_poor,
                },
                "targets": [t.as_dict() for t in p.targets],
            }
        )
        return 0
    print(
        f"{p.plan.title} {('— số ' + p.plan.number) if p.plan.number else ''} "
        f"(đo ngày {formats.dmy(p.on_date, str(p.on_date))})"
    )
    for t in p.targets:
        value = "—" if t.value is None else f"{t.value:g}"
        flag = "đạt" if t.achieved else ("CHẬM" if t.lagging else "đang thực hiện")
        progress = "" if t.progress is None else f" ({t.progress:g} %)"
        if t.target is None:
            hint = "" if t.hint is None else f" (mẫu: {t.hint:g} {t.unit})"
            print(f"  {t.label}: chưa đặt chỉ tiêu{hint}, thực hiện {value}")
            continue
        print(f"  {t.label}: chỉ tiêu {t.target:g} {t.unit}, thực hiện {value}{progress} — {flag}")
    return 0
