"""``import``: import a household list (xlsx/xls/csv) into the register, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, open_db, print_json
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.importing import lists
from giamngheo_desktop.importing.headers import mappable_fields


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("import", help="nhập danh sách hộ, nhân khẩu từ tệp Excel/CSV")
    add_db_argument(p)
    p.add_argument("file", type=Path, metavar="LIST.xlsx", help="tệp danh sách (.xlsx, .xls, .csv)")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--valid-only", action="store_true", help="chỉ nhập các dòng hợp lệ, bỏ qua (và liệt kê) dòng lỗi")
    p.add_argument("--create-villages", action="store_true", help="tạo thôn/tổ mới cho tên chưa có trong danh sách")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="“Tiêu đề cột=trường”",
        help='gán một cột của tệp cho một trường (vd. --map "Số CCCD/ Định danh=id_number"; trường rỗng = không dùng); '
        "lặp lại được. Các trường: " + ", ".join(key for key, _label in mappable_fields()),
    )
    p.add_argument(
        "--sheet",
        action="append",
        default=[],
        metavar="TÊN_TRANG",
        help="chỉ đọc trang này (lặp lại được); mặc định đọc mọi trang có dòng tiêu đề",
    )
    p.set_defaults(func=run)


def parse_map(items: list[str]) -> dict[str, str] | None:
    """``["Header text=field", …]`` → {header text: field}; a bad item raises ``ValidationFailed``."""
    if not items:
        return None
    fields = {key for key, _label in mappable_fields()}
    mapping: dict[str, str] = {}
    for item in items:
        text, sep, key = item.rpartition("=")
        text, key = text.strip(), key.strip()
        if not sep or not text or (key and key not in fields):
            raise ValidationFailed(
                [
                    ValidationIssue(
                        "--map",
                        f"“{item}” không đúng dạng “Tiêu đề cột=trường”; trường là một trong: "
                        + ", ".join(sorted(fields)),
                        value=item,
                    )
                ]
            )
        mapping[text] = key
    return mapping


def run(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        preview = lists.plan_import(
            db,
            args.file,
            create_villages=args.create_villages,
            mapping=parse_map(args.map),
            sheets=args.sheet or None,
            progress=ProgressPrinter("Đang đọc tệp", quiet=args.json),
        )
        result = None
        refused = preview.has_errors and not args.valid_only
        if not args.dry_run and not refused:
            result = lists.commit_import(db, preview, valid_only=args.valid_only, remember=bool(args.map))
    if args.json:
        out = preview.to_json(valid_only=args.valid_only)
        out["written"] = result is not None
        out["result"] = result.to_json() if result else None
        print_json(out)
    else:
        counts = preview.counts(valid_only=args.valid_only)
        print(
            f"Tệp {args.file.name}, trang “{preview.sheet}”, dòng tiêu đề {preview.header_row}."
            + (f" Bảng mã: {preview.encoding}." if preview.encoding else "")
        )
        if len(preview.sheets) > 1:
            for sheet in preview.sheets:
                state = "đọc" if sheet.read else "không đọc"
                print(f"  Trang “{sheet.name}”: {state}" + (f" ({sheet.reason})" if sheet.reason else ""))
        for note in preview.notes:
            print(note)
        if preview.ignored_columns:
            print("Cột không dùng: " + ", ".join(preview.ignored_columns))
        print(
            f"Hộ tạo mới: {counts['households_create']}, hộ cập nhật: {counts['households_update']}; "
            f"nhân khẩu tạo mới: {counts['members_create']}, cập nhật: {counts['members_update']}."
            + (f" Hộ không thay đổi: {counts['households_unchanged']}." if counts["households_unchanged"] else "")
        )
        if preview.new_villages:
            print("Thôn/tổ sẽ tạo mới: " + ", ".join(preview.created_villages()))
        for group in preview.issue_groups():
            print("  " + group.text(preview))
        if result is not None:
            print(
                f"Đã ghi: {result.households_created} hộ mới, {result.households_updated} hộ cập nhật, "
                f"{result.members_created} nhân khẩu mới, {result.members_updated} nhân khẩu cập nhật"
                + (f", {result.households_unchanged} hộ không thay đổi." if result.households_unchanged else ".")
            )
            if result.skipped_rows:
                print("Các dòng bỏ qua: " + preview.rows_text(result.skipped_rows, limit=len(result.skipped_rows)))
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
