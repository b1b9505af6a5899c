"""``users list|add|reset-password|login-required``: accounts on this laptop."""

from __future__ import annotations

import argparse
import getpass

from giamngheo_desktop.cli.common import add_db_argument, open_db, print_json
from giamngheo_desktop.services import users


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("users", help="người dùng: liệt kê, thêm, đặt lại mật khẩu, bật/tắt đăng nhập")
    sub = p.add_subparsers(dest="users_command", metavar="LỆNH")
    ls = sub.add_parser("list", help="danh sách người dùng")
    add_db_argument(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    add = sub.add_parser("add", help="thêm người dùng (hỏi mật khẩu)")
    add_db_argument(add)
    add.add_argument("username")
    add.add_argument("--name", required=True, help="họ và tên")
    add.add_argument("--role", choices=["admin", "officer", "leader"], default="officer")
    add.add_argument("--password", help="mật khẩu (nếu không ghi, chương trình sẽ hỏi)")
    add.set_defaults(func=run_add)
    reset = sub.add_parser("reset-password", help="đặt lại mật khẩu (người dùng phải đổi khi đăng nhập)")
    add_db_argument(reset)
    reset.add_argument("username")
    reset.add_argument("--password", help="mật khẩu tạm (nếu không ghi, chương trình sẽ hỏi)")
    reset.set_defaults(func=run_reset)
    req = sub.add_parser("login-required", help="bật (on) hoặc tắt (off) đăng nhập khi mở chương trình")
    add_db_argument(req)
    req.add_argument("state", choices=["on", "off"])
    req.set_defaults(func=run_required)
    p.set_defaults(func=lambda args: (p.print_help(), 1)[1])


def _password(given: str | None) -> str:
    return given if given is not None else getpass.getpass("Mật khẩu: ")


def run_list(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        found = users.list_users(db)
        required = users.login_required(db)
    if args.json:
        print_json(
            {
                "login_required": required,
                "users": [{"username": u.username, "full_name": u.full_name, "role": u.role.value} for u in found],
            }
        )
        return 0
    print(f"Đăng nhập khi mở chương trình: {'bật' if required else 'tắt'}")
    for u in found:
        state = "" if u.active else " (đã khóa)"
        print(f"  {u.username:<20} {u.full_name:<30} {u.role_label}{state}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        users.add_user(
            db, username=args.username, full_name=args.name, role=args.role, password=_password(args.password)
        )
        user = users.get_user(db, args.username)
    print(f"Đã thêm người dùng {user.username} ({user.role_label}).")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        user = users.get_user(db, args.username)
        users.reset_password(db, user.id, new_password=_password(args.password))
    print(f"Đã đặt lại mật khẩu của {user.username}; người dùng phải đổi mật khẩu khi đăng nhập.")
    return 0


def run_required(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        users.set_login_required(db, args.state == "on")
    print("Đã bật đăng nhập." if args.state == "on" else "Đã tắt đăng nhập.")
    return 0
