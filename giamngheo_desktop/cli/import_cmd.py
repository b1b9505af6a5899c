"""``import``: import a household list (xlsx/xls/csv) into the register, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, open_db, print_json
from giamngheo_desktop.importing import lists


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import", help="nhập danh sách hộ, nhân khẩu từ tệp Excel/CSV")
    add_db_argument(p)
    p.add_argument("file", type=Path, metavar="LIST.xlsx", help="tệp danh sách (.xlsx, .xls, .csv)")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--valid-only", action="store_true", help="chỉ nhập các dòng hợp lệ, bỏ qua (và liệt kê) dòng lỗi")
    p.add_argument("--create-villages", action="store_true", help="tạo thôn/tổ mới cho tên chưa có trong danh sách")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        preview = lists.plan_import(
            db,
            args.file,
            create_villages=args.create_villages,
            progress=ProgressPrinter("Đang đọc tệp", quiet=args.json),
        )
        result = None
        refused = preview.has_errors and not args.valid_only
        if not args.dry_run and not refused:
            result = lists.commit_import(db, preview, valid_only=args.valid_only)
    if args.json:
        out = preview.to_json(valid_only=args.valid_only)
        out["written"] = result is not None
        out["result"] = result.to_json() if result else None
        print_json(out)
    else:
        counts = preview.counts(valid_only=args.valid_only)
        print(f"Tệp {args.file.name}, trang “{preview.sheet}”, dòng tiêu đề {preview.header_row}.")
        if preview.ignored_columns:
            print("Cột không dùng: " + ", ".join(preview.ignored_columns))
        print(
            f"Hộ tạo mới: {counts['households_create']}, hộ cập nhật: {counts['households_update']}; "
            f"nhân khẩu tạo mới: {counts['members_create']}, cập nhật: {counts['members_update']}."
            + (f" Hộ không thay đổi: {counts['households_unchanged']}." if counts["households_unchanged"] else "")
        )
        if preview.new_villages:
            print("Thôn/tổ sẽ tạo mới: " + ", ".join(preview.new_villages))
        for issue in preview.issues:
            print("  " + issue.text())
        if result is not None:
            print(
                f"Đã ghi: {result.households_created} hộ mới, {result.households_updated} hộ cập nhật, "
                f"{result.members_created} nhân khẩu mới, {result.members_updated} nhân khẩu cập nhật"
                + (f", {result.households_unchanged} hộ không thay đổi." if result.households_unchanged else ".")
            )
            if result.skipped_rows:
                print("Các dòng bỏ qua: " + ", ".join(str(r) for r in result.skipped_rows))
        elif args.dry_run:
            print("Chạy thử (--dry-run): chưa ghi gì.")
        else:
            print(
                f"Có {len(preview.errors)} lỗi: chưa ghi gì. Sửa tệp rồi nhập lại, hoặc dùng --valid-only để chỉ "
                "nhập các dòng hợp lệ."
            )
    if result is None and not args.dry_run:
        return 1
    return 0
