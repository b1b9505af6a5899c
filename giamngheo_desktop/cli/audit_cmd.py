"""``audit verify|log``: check the change history's hash chain; list entries."""

from __future__ import annotations

import argparse

from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json, show_help
from giamngheo_desktop.services import audit


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("audit", help="nhật ký thay đổi: kiểm tra chuỗi băm, xem lịch sử")
    sub = p.add_subparsers(dest="audit_command", metavar="LỆNH")
    v = sub.add_parser("verify", help="kiểm tra nhật ký có bị sửa ngoài chương trình không")
    add_db_argument(v)
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=run_verify)
    log = sub.add_parser("log", help="liệt kê các thay đổi (mới nhất trước)")
    add_db_argument(log)
    log.add_argument("--household", type=int, help="chỉ các thay đổi của một hộ (mã số trong tệp)")
    log.add_argument("--user", help="chỉ các thay đổi của một người dùng")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--json", action="store_true")
    log.set_defaults(func=run_log)
    p.set_defaults(func=show_help(p))


def run_verify(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        result = audit.verify(db)
    if args.json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "first_broken_id": result.first_broken_id,
                "first_broken_ts": result.first_broken_ts,
                "reason": result.reason,
            }
        )
    else:
        print(result.text())
    return 0 if result.ok else 3


def run_log(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        entries = audit.history(
            db, audit.HistoryQuery(household_id=args.household, username=args.user, limit=args.limit)
        )
    if args.json:
        print_json([e.__dict__ for e in entries])
        return 0
    for e in entries:
        print(f"{e.id:>6}  {e.ts}  {e.username:<12} {e.label:<28} {e.summary()}")
    return 0
