"""``users list|add|reset-password|login-required``: accounts on this laptop.

While the login is off, whoever can open the data file has full access to it — the window and
the command line act as the system administrator. While it is on, these user commands ask for an
administrator's name (``--admin``) and password (typed, or ``GIAMNGHEO_ADMIN_PASSWORD`` when
there is no keyboard); the other commands still read and write the file directly, so the file
itself must be protected by the computer's own accounts and folder rights.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from giamngheo_desktop.cli.common import add_db_argument, db_path, holder, open_db, print_json, show_help
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.services import users
from giamngheo_desktop.storage import office_db
from giamngheo_desktop.storage.connection import Database


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "users",
        help="người dùng: liệt kê, thêm, đặt lại mật khẩu, bật/tắt đăng nhập",
        description=NOTICE,
    )
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
    add_admin_argument(add)
    add.set_defaults(func=run_add)
    reset = sub.add_parser("reset-password", help="đặt lại mật khẩu (người dùng phải đổi khi đăng nhập)")
    add_db_argument(reset)
    reset.add_argument("username")
    reset.add_argument("--password", help="mật khẩu tạm (nếu không ghi, chương trình sẽ hỏi)")
    add_admin_argument(reset)
    reset.set_defaults(func=run_reset)
    req = sub.add_parser("login-required", help="bật (on) hoặc tắt (off) đăng nhập khi mở chương trình")
    add_db_argument(req)
    req.add_argument("state", choices=["on", "off"])
    add_admin_argument(req)
    req.set_defaults(func=run_required)
    p.set_defaults(func=show_help(p))


NOTICE = (
    "Lưu ý: khi chưa bật đăng nhập, ai mở được tệp dữ liệu là có toàn quyền với dữ liệu (cửa sổ và dòng lệnh "
    "làm việc với quyền quản trị). Khi bật đăng nhập, các lệnh người dùng hỏi tên và mật khẩu quản trị viên; "
    "các lệnh khác vẫn đọc, ghi thẳng vào tệp, nên hãy giữ tệp trong thư mục chỉ người dùng máy này mở được."
)


def _open(args: argparse.Namespace, *, write: bool = True) -> Database:
    """The commune's file, or a receiving office's file (its own users)."""
    path = db_path(args)
    if path.exists() and office_db.file_kind(path) == "office":
        return office_db.open_office(path, create=False, write=write, holder=holder(args))
    return open_db(args, write=write)


def add_admin_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--admin",
        metavar="TÊN",
        help="tên đăng nhập của quản trị viên (cần khi đã bật đăng nhập; mật khẩu được hỏi, "
        "hoặc lấy từ biến môi trường GIAMNGHEO_ADMIN_PASSWORD)",
    )


def _as_admin(db: Database, args: argparse.Namespace) -> None:
    """With the login on, act as an administrator who proves it with a password."""
    if not users.login_required(db):
        return
    name = args.admin
    password = os.environ.get("GIAMNGHEO_ADMIN_PASSWORD")
    if not name or password is None:
        if not sys.stdin.isatty():
            raise DomainError(
                "Đăng nhập đang bật: lệnh này cần tên quản trị viên (--admin TÊN) và mật khẩu (gõ vào, hoặc biến "
                "môi trường GIAMNGHEO_ADMIN_PASSWORD khi chạy không có bàn phím).",
                code="admin_required",
            )
        name = name or input("Tên đăng nhập quản trị viên: ").strip()
        password = getpass.getpass("Mật khẩu quản trị viên: ")
    users.login(db, name, password)


def _password(given: str | None) -> str:
    return given if given is not None else getpass.getpass("Mật khẩu: ")


def run_list(args: argparse.Namespace) -> int:
    with _open(args, write=False) as db:
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
    with _open(args) as db:
        _as_admin(db, args)
        users.add_user(
            db, username=args.username, full_name=args.name, role=args.role, password=_password(args.password)
        )
        user = users.get_user(db, args.username)
    print(f"Đã thêm người dùng {user.username} ({user.role_label}).")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    with _open(args) as db:
        _as_admin(db, args)
        user = users.get_user(db, args.username)
        users.reset_password(db, user.id, new_password=_password(args.password))
    print(f"Đã đặt lại mật khẩu của {user.username}; người dùng phải đổi mật khẩu khi đăng nhập.")
    return 0


def run_required(args: argparse.Namespace) -> int:
    with _open(args) as db:
        _as_admin(db, args)
        users.set_login_required(db, args.state == "on")
    print("Đã bật đăng nhập." if args.state == "on" else "Đã tắt đăng nhập.")
    return 0
