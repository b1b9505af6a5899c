"""``check``: data checks over the register (duplicate IDs, heads, ages, missing fields)."""

from __future__ import annotations

import argparse
from itertools import groupby

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, db_path, open_db, print_json
from giamngheo_desktop.services import checks, session


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "check", help="kiểm tra dữ liệu sổ hộ (trùng số định danh, chủ hộ, tuổi, thiếu thông tin)"
    )
    add_db_argument(p)
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument(
        "--severity",
        choices=["error", "warning", "info"],
        default="info",
        help="chỉ in từ mức này trở lên (error: chỉ lỗi; warning: lỗi và cảnh báo; info: tất cả)",
    )
    p.add_argument(
        "--file",
        action="store_true",
        help="kiểm tra đầy đủ cấu trúc tệp dữ liệu bằng SQLite (integrity_check), không ghi gì vào tệp",
    )
    p.set_defaults(func=run)


def run_file_check(args: argparse.Namespace) -> int:
    path = db_path(args)
    health = session.check_file(path, full=True)
    if args.json:
        print_json({"file": str(path), "verdict": health.verdict, "detail": health.detail, "seconds": health.seconds})
    elif health.ok:
        print(f"Tệp {path} nguyên vẹn (SQLite kiểm tra đầy đủ trong {health.seconds:.1f} giây).")
    else:
        print(f"Tệp {path} bị hỏng: {health.detail}")
        print("Đừng ghi thêm vào tệp này; hãy lưu một bản của tệp hỏng rồi khôi phục từ bản sao lưu tốt gần nhất.")
    return 0 if health.ok else 3


def run(args: argparse.Namespace) -> int:
    if args.file:
        return run_file_check(args)
    order = {"error": 0, "warning": 1, "info": 2}
    with open_db(args, write=False) as db:
        findings = checks.run_checks(db, progress=ProgressPrinter("Đang kiểm tra", quiet=args.json))
    findings = [f for f in findings if order[f.severity] <= order[args.severity]]
    if args.json:
        print_json(
            {"count": len(findings), "by_kind": checks.summary(findings), "findings": [f.to_json() for f in findings]}
        )
    else:
        if not findings:
            print("Không phát hiện vấn đề nào.")
        for kind, group in groupby(sorted(findings, key=lambda f: f.kind), key=lambda f: f.kind):
            items = list(group)
            print(f"\n{checks.KIND_LABELS.get(kind, kind)} ({len(items)}):")
            for f in items:
                print(f"  [{checks.SEVERITY_LABELS[f.severity]}] {f.message}")
    return 0
