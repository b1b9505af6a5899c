"""``report``: build a report table for a period and write it as xlsx or PDF.

python -m giamngheo_desktop report --db FILE --kind bieu1 --period 2026 --format xlsx --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.domain import periods
from giamngheo_desktop.services import reporting


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kinds = ", ".join(k for k, _ in reporting.report_kinds())
    p = subparsers.add_parser("report", help="lập biểu báo cáo cho một kỳ và xuất ra Excel hoặc PDF")
    add_db_argument(p)
    p.add_argument(
        "--kind", action="append", required=True, help=f"loại biểu (có thể lặp lại; 'all' = bộ biểu của kỳ): {kinds}"
    )
    p.add_argument("--period", required=True, help="kỳ: 2026-11, 2026-Q4, 2026, 2026-01-01..2026-03-31, round:7")
    p.add_argument(
        "--stage",
        choices=["preliminary", "official"],
        help="kết quả rà soát sơ bộ (preliminary) hay chính thức (official), in ở tên Mẫu 7.1; mặc định theo đợt",
    )
    p.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx", help="định dạng tệp (mặc định xlsx)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục ghi tệp")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from giamngheo_desktop.export.pdf import write_pdf
    from giamngheo_desktop.export.xlsx import write_xlsx

    period = periods.parse(args.period)
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    with open_db(args, write=False) as db:
        period = reporting.resolve_period(db, period)
        kinds = reporting.kinds_for(period) if "all" in args.kind else args.kind
        for report in reporting.build_reports(db, kinds=kinds, period=period, stage=args.stage):
            path = args.out / f"{report.kind}-{period.file_key}.{args.format}"
            (write_xlsx if args.format == "xlsx" else write_pdf)(report, path)
            total = report.total_row()
            written.append(
                {
                    "kind": report.kind,
                    "file": str(path),
                    "rows": len(report.rows),
                    "total": list(total.values) if total else None,
                    "notes": report.notes,
                }
            )
    if args.json:
        print_json({"period": period.key, "files": written})
    else:
        for w in written:
            print(f"Đã ghi {w['file']}")
    return 0
