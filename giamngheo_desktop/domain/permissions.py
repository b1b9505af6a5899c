"""Roles, permissions and the acting user.

Permissions are checked in the services (``Database.require``), not only by hiding
buttons. When the login is switched off the app acts as the built-in administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from giamngheo_desktop.domain.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    LEADER = "leader"


ROLE_LABELS = {
    Role.ADMIN: "Quản trị viên",
    Role.OFFICER: "Cán bộ nhập liệu",
    Role.LEADER: "Lãnh đạo (xem và phê duyệt)",
}


class Permission(StrEnum):
    VIEW = "view"  # read anything
    EDIT_REGISTER = "edit_register"  # households, members, import
    EDIT_SUPPORT = "edit_support"  # support ledger, models, classes, plans
    RUN_REVIEW = "run_review"  # open rounds, compute, record meetings
    APPROVE = "approve"  # commune decision, close a round, certificates
    EXPORT = "export"  # reports, packages, exports of personal data
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"  # commune settings, villages, standards, code lists
    BACKUP = "backup"
    RESTORE = "restore"


PERMISSION_LABELS = {
    Permission.VIEW: "xem dữ liệu",
    Permission.EDIT_REGISTER: "sửa sổ hộ gia đình",
    Permission.EDIT_SUPPORT: "ghi nhận hỗ trợ và kế hoạch",
    Permission.RUN_REVIEW: "thực hiện rà soát",
    Permission.APPROVE: "phê duyệt kết quả rà soát",
    Permission.EXPORT: "xuất báo cáo và dữ liệu",
    Permission.MANAGE_USERS: "quản lý người dùng",
    Permission.MANAGE_SETTINGS: "sửa thông tin xã và danh mục",
    Permission.BACKUP: "sao lưu",
    Permission.RESTORE: "khôi phục dữ liệu",
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OFFICER: frozenset(
        {
            Permission.VIEW,
            Permission.EDIT_REGISTER,
            Permission.EDIT_SUPPORT,
            Permission.RUN_REVIEW,
            Permission.EXPORT,
            Permission.BACKUP,
        }
    ),
    Role.LEADER: frozenset({Permission.VIEW, Permission.APPROVE, Permission.EXPORT, Permission.BACKUP}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user id (None for the built-in system actor), name and role."""

    user_id: int | None
    username: str
    role: Role
    full_name: str = ""

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"Tài khoản “{self.username}” ({ROLE_LABELS[self.role]}) không có quyền "
                f"{PERMISSION_LABELS[permission]}.",
                permission=permission.value,
            )


SYSTEM_ACTOR = Actor(user_id=None, username="he-thong", role=Role.ADMIN, full_name="Hệ thống")
