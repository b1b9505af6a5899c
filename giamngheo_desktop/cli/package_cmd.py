"""Upload package: ``export-package`` (commune), ``import-package`` and ``combine`` (receiving office).

python -m giamngheo_desktop export-package --db FILE --period 2026 --out DIR
python -m giamngheo_desktop import-package GOI.zip [GOI2.zip …]      (verify only)
python -m giamngheo_desktop combine GOI1.zip GOI2.zip … --out TONG-HOP.xlsx
"""

from __future__ import annotations

import argparse
from pathlib import Path

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, open_db, print_json
from giamngheo_desktop.domain import periods
from giamngheo_desktop.export import package
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import package as package_service


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export-package", help="tạo gói dữ liệu gửi cấp trên cho một kỳ báo cáo")
    add_db_argument(p)
    p.add_argument("--period", required=True, help="kỳ: 2026-11, 2026-Q4, 2026, 2026-01-01..2026-03-31, round:7")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục ghi gói (.zip)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run_export)

    p = subparsers.add_parser("import-package", help="kiểm tra gói dữ liệu của xã gửi lên (manifest, SHA-256)")
    p.add_argument("packages", nargs="+", type=Path, metavar="GOI.zip")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run_verify)

    p = subparsers.add_parser("combine", help="tổng hợp gói dữ liệu của nhiều xã vào một tệp Excel")
    p.add_argument("packages", nargs="+", type=Path, metavar="GOI.zip")
    p.add_argument("--out", type=Path, required=True, metavar="TONG-HOP.xlsx")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run_combine)


def run_export(args: argparse.Namespace) -> int:
    period = periods.parse(args.period)
    with open_db(args) as db:
        result = package_service.make_package(
            db,
            period=period,
            write=lambda contents: package.write_package(contents, args.out),
            progress=ProgressPrinter("Đang tạo gói", quiet=args.json),
        )
    if args.json:
        print_json({"file": str(result.path), "manifest": result.manifest})
    else:
        m = result.manifest
        print(
            f"Đã tạo gói {result.path} (lần gửi thứ {m['sequence']} của kỳ {m['period']['label']}, "
            f"{m['counts']['households']} hộ)."
        )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    out = []
    for path in args.packages:
        m = package.verify_package(path)
        out.append(
            {
                "file": str(path),
                "commune": m["commune"],
                "period": m["period"],
                "sequence": m["sequence"],
                "counts": m["counts"],
            }
        )
        if not args.json:
            print(
                f"{path.name}: hợp lệ — {m['commune']['name']} ({m['commune']['code']}), {m['period']['label']}, "
                f"lần gửi thứ {m['sequence']}, {m['counts']['households']} hộ."
            )
    if args.json:
        print_json(out)
    return 0


def run_combine(args: argparse.Namespace) -> int:
    report = package_service.combined_bieu1(package.read_bieu1_counts(args.packages))
    path = write_xlsx(report, args.out)
    if args.json:
        print_json({"file": str(path), "communes": len(report.unit_rows())})
    else:
        print(f"Đã tổng hợp {len(report.unit_rows())} gói vào {path}.")
    return 0
