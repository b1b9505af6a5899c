"""Users, roles and the login.

* Passwords are hashed with ``hashlib.scrypt`` (random 16-byte salt; n, r, p stored with
  the hash as ``scrypt$n$r$p$salt_hex$hash_hex``), compared in constant time. The parameters
  follow current guidance (n = 2^17, r = 8, p = 1); a hash made with weaker ones is replaced at
  the next successful login. An unknown or inactive user name costs the same time as a wrong
  password (a dummy hash is checked), so timing does not tell which names exist.
* A password has at least 8 characters, is not the user name, not one character repeated and
  not on a short list of common passwords (:func:`password_problem`).
* User names are NFKC-normalised, written in one script, and a name that looks like an existing
  one (Cyrillic "а" for Latin "a", case, full-width letters) is refused (:func:`username_skeleton`).
* Five wrong passwords lock the account for 15 minutes (``app_user.locked_until``).
* A forgotten password is reset by an administrator; the user must change it at next login.
* The login is on when the setting ``login_required`` is '1'. It can only be switched on
  while an active administrator with a password exists, so nobody is locked out; with the
  login off the app acts as the built-in system administrator (a single-user laptop).
* Permissions are enforced by the services (``Database.require``), whatever the UI shows.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError, NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import ROLE_LABELS, SYSTEM_ACTOR, Actor, Permission, Role
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import nfc

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1  # OWASP 2023 guidance for scrypt
SCRYPT_MAXMEM = 256 * 1024 * 1024
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
COMMON_PASSWORDS = frozenset(
    [
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "11111111",
        "00000000",
        "12341234",
        "11223344",
        "123123123",
        "1q2w3e4r",
        "password",
        "password1",
        "passw0rd",
        "qwerty123",
        "qwertyuiop",
        "abc12345",
        "abcd1234",
        "iloveyou",
        "admin123",
        "administrator",
        "letmein1",
        "welcome1",
        "matkhau",
        "matkhau1",
        "matkhau123",
        "giamngheo",
        "giamngheo1",
        "vietnam1",
        "vietnam123",
        "anhyeuem",
        "quantri123",
        "canbo123",
        "12345678a",
        "a12345678",
        "88888888",
        "66666666",
        "99999999",
    ]
)
# letters that look like Latin ones in other scripts (the look-alikes people type by accident or on purpose)
CONFUSABLE = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "ո": "n", "α": "a", "ο": "o",
        "ρ": "p", "ν": "v", "τ": "t", "ι": "i", "κ": "k", "χ": "x", "υ": "u", "ε": "e", "0": "o", "1": "l",
    }
)  # fmt: skip


class LoginFailed(DomainError):
    code = "login_failed"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    must_change_password: bool
    locked_until: str | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def actor(self) -> Actor:
        return Actor(user_id=self.id, username=self.username, role=self.role, full_name=self.full_name)


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    """A hash to check when the user name is unknown, so a failure takes the same time."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_hex(16)))
    return _DUMMY_HASH[0]


def needs_rehash(stored: str | None) -> bool:
    """True when ``stored`` was made with weaker parameters than today's."""
    try:
        scheme, n, r, p, _salt, _digest = (stored or "").split("$")
        return scheme != "scrypt" or (int(n), int(r), int(p)) < (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    except ValueError:
        return True


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is refused, in Vietnamese; None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return f"phải có ít nhất {MIN_PASSWORD} ký tự"
    if not password.strip() or len(set(password)) == 1:
        return "không được chỉ gồm một ký tự lặp lại hoặc toàn dấu cách"
    folded = unicodedata.normalize("NFKC", password).casefold()
    if username and folded in (username.casefold(), username.casefold()[::-1]):
        return "không được trùng với tên đăng nhập"
    if folded in COMMON_PASSWORDS or folded.strip() in COMMON_PASSWORDS:
        return "quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác"
    return None


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip()


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    try:
        return unicodedata.name(ch).split()[0]
    except ValueError:
        return "UNKNOWN"


def username_skeleton(username: str) -> str:
    """What a name looks like: NFKC, case-folded, accents off, look-alike letters mapped to Latin."""
    base = unicodedata.normalize("NFKD", normalize_username(username).casefold())
    base = "".join(ch for ch in base if not unicodedata.combining(ch)).replace("đ", "d")
    return base.translate(CONFUSABLE)


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(digest) // 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def _user(row: dict[str, Any]) -> User:
    return User(
        id=int(row["id"]),
        username=str(row["username"]),
        full_name=str(row["full_name"]),
        role=Role(str(row["role"])),
        active=bool(row["active"]),
        must_change_password=bool(row["must_change_password"]),
        locked_until=row["locked_until"] or None,
    )


def list_users(db: Database) -> list[User]:
    db.require(Permission.VIEW)
    return [_user(r) for r in db.rows("SELECT * FROM app_user ORDER BY username")]


def get_user(db: Database, username: str) -> User:
    row = db.row("SELECT * FROM app_user WHERE username = ?", (normalize_username(username),))
    if row is None:
        raise NotFound(f"Không có tài khoản “{username}”.")
    return _user(row)


def _validate(username: str, full_name: str, password: str | None, role: str) -> list[ValidationIssue]:
    issues = []
    name = normalize_username(username)
    if not name or not all(ch.isalnum() or ch in "._-" for ch in name) or len(name) > 40:
        issues.append(
            ValidationIssue("Tên đăng nhập", "chỉ gồm chữ, số và . _ -, không dấu cách, tối đa 40 ký tự", value=name)
        )
    elif len({s for s in map(_script, name) if s}) > 1:
        issues.append(
            ValidationIssue(
                "Tên đăng nhập",
                "trộn chữ của nhiều bảng chữ cái (ví dụ chữ «а» Kirin lẫn trong chữ Latinh); hãy gõ lại bằng bàn phím "
                "tiếng Việt",
                value=name,
            )
        )
    if not nfc(full_name):
        issues.append(ValidationIssue("Họ và tên", "không được để trống"))
    problem = password_problem(password, name) if password is not None else None
    if problem:
        issues.append(ValidationIssue("Mật khẩu", problem))
    if role not in {r.value for r in Role}:
        issues.append(ValidationIssue("Vai trò", "không hợp lệ", value=role))
    return issues


def add_user(db: Database, *, username: str, full_name: str, role: str, password: str) -> Changes:
    db.require(Permission.MANAGE_USERS)
    issues = _validate(username, full_name, password, role)
    name = normalize_username(username)
    if not issues:
        skeleton = username_skeleton(name)
        for other in db.rows("SELECT username FROM app_user"):
            if other["username"] == name or username_skeleton(other["username"]) == skeleton:
                same = (
                    "đã có người dùng tên này"
                    if other["username"] == name
                    else (f"trông giống tên đăng nhập đã có «{other['username']}»; hãy chọn tên khác hẳn")
                )
                issues.append(ValidationIssue("Tên đăng nhập", same, value=name))
                break
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO app_user (username, full_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, nfc(full_name), role, hash_password(password), clock.now_iso()),
        )
    return Changes(users=True, id=get_user(db, username).id)


def set_role(db: Database, user_id: int, *, role: str, active: bool = True) -> Changes:
    db.require(Permission.MANAGE_USERS)
    if role not in {r.value for r in Role}:
        raise ValidationFailed(ValidationIssue("Vai trò", "không hợp lệ", value=role))
    with db.atomic() as conn:
        conn.execute("UPDATE app_user SET role = ?, active = ? WHERE id = ?", (role, int(active), user_id))
        _keep_an_admin(db)
    return Changes(users=True)


def reset_password(db: Database, user_id: int, *, new_password: str) -> Changes:
    """An administrator sets a temporary password; the user must change it at next login."""
    db.require(Permission.MANAGE_USERS)
    name = db.scalar("SELECT username FROM app_user WHERE id = ?", (user_id,)) or ""
    problem = password_problem(new_password, str(name))
    if problem:
        raise ValidationFailed(ValidationIssue("Mật khẩu mới", problem))
    with db.atomic() as conn:
        cur = conn.execute(
            "UPDATE app_user SET password_hash = ?, must_change_password = 1, failed_attempts = 0,"
            " locked_until = NULL WHERE id = ?",
            (hash_password(new_password), user_id),
        )
        if cur.rowcount == 0:
            raise NotFound("Không tìm thấy người dùng.")
    return Changes(users=True)


def change_own_password(db: Database, *, username: str, old_password: str, new_password: str) -> Changes:
    user = authenticate(db, username, old_password)
    problem = password_problem(new_password, user.username)
    if problem:
        raise ValidationFailed(ValidationIssue("Mật khẩu mới", problem))
    if new_password == old_password:
        raise ValidationFailed(ValidationIssue("Mật khẩu mới", "phải khác mật khẩu cũ"))
    with db.atomic() as conn:
        conn.execute(
            "UPDATE app_user SET password_hash = ?, must_change_password = 0 WHERE id = ?",
            (hash_password(new_password), user.id),
        )
    return Changes(users=True, id=user.id)


def authenticate(db: Database, username: str, password: str) -> User:
    """Check a login; counts failures and locks the account after ``MAX_FAILURES``."""
    now = clock.now()
    row = db.row("SELECT * FROM app_user WHERE username = ?", (normalize_username(username),))
    if row is None or not row["active"]:
        check_password(password, _dummy_hash())  # the same work as a real check: timing tells nothing
        raise LoginFailed("Tên đăng nhập hoặc mật khẩu không đúng.")
    if row["locked_until"] and row["locked_until"] > now.isoformat(timespec="seconds"):
        until = _dt.datetime.fromisoformat(row["locked_until"]).strftime("%H:%M")
        raise LoginFailed(
            f"Tài khoản “{row['username']}” đang bị khóa do nhập sai mật khẩu nhiều lần, đến {until}. "
            "Hãy thử lại sau hoặc nhờ quản trị viên đặt lại mật khẩu."
        )
    if not check_password(password, row["password_hash"]):
        failures = int(row["failed_attempts"]) + 1
        locked = None
        if failures >= MAX_FAILURES:
            locked = (now + _dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
            failures = 0
        with db.atomic() as conn:
            conn.execute(
                "UPDATE app_user SET failed_attempts = ?, locked_until = ? WHERE id = ?", (failures, locked, row["id"])
            )
        if locked:
            raise LoginFailed(
                f"Nhập sai mật khẩu {MAX_FAILURES} lần: tài khoản bị khóa {LOCK_MINUTES} phút. "
                "Quản trị viên có thể đặt lại mật khẩu."
            )
        left = MAX_FAILURES - failures
        raise LoginFailed(f"Tên đăng nhập hoặc mật khẩu không đúng (còn {left} lần thử trước khi bị khóa).")
    if row["failed_attempts"] or row["locked_until"] or needs_rehash(row["password_hash"]):
        with db.atomic() as conn:
            conn.execute("UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = ?", (row["id"],))
            if needs_rehash(row["password_hash"]):  # made with older, weaker parameters: upgrade it now
                conn.execute("UPDATE app_user SET password_hash = ? WHERE id = ?", (hash_password(password), row["id"]))
    return _user(row)


def login(db: Database, username: str, password: str) -> User:
    """Authenticate and make the user the connection's acting user."""
    user = authenticate(db, username, password)
    db.set_actor(user.actor())
    return user


def login_required(db: Database) -> bool:
    return bool(db.scalar("SELECT value FROM app_setting WHERE key = 'login_required'") == "1")


def _keep_an_admin(db: Database) -> None:
    if login_required(db) and not db.scalar(
        "SELECT count(*) FROM app_user WHERE role = 'admin' AND active = 1 AND password_hash IS NOT NULL"
    ):
        raise DomainError("Phải còn ít nhất một quản trị viên đang hoạt động khi bật đăng nhập.")


def set_login_required(db: Database, required: bool) -> Changes:
    """Switch the login at start on or off (administrators only)."""
    db.require(Permission.MANAGE_USERS)
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO app_setting (key, value) VALUES ('login_required', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            ("1" if required else "0",),
        )
        if required and not db.scalar(
            "SELECT count(*) FROM app_user WHERE role = 'admin' AND active = 1 AND password_hash IS NOT NULL"
        ):
            raise DomainError(
                "Chưa có tài khoản quản trị viên có mật khẩu. Hãy tạo một quản trị viên trước khi bật đăng nhập."
            )
    return Changes(users=True)


def start_actor(db: Database, *, os_user: str = "") -> Actor | None:
    """The actor to use at start when the login is off (None: a login is required).

    ``os_user`` is the computer's login name (the UI reads it): the change history then names the
    person at the computer instead of "he-thong"; rights stay those of the login-free mode.
    """
    if login_required(db):
        return None
    name = nfc(os_user).strip()
    if not name:
        return SYSTEM_ACTOR
    return Actor(user_id=None, username=name, role=SYSTEM_ACTOR.role, full_name=f"{name} (máy này)")
