"""Users and roles: slow salted hashes, lockout, admin reset, rights enforced by the services."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from giamngheo_desktop import clock
from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import DomainError, PermissionDenied, ValidationFailed
from giamngheo_desktop.domain.permissions import Actor, Role
from giamngheo_desktop.services import commune, users
from giamngheo_desktop.services.register import HouseholdInput, MemberInput, add_household
from giamngheo_desktop.storage.connection import Database


def test_passwords_are_salted_scrypt_hashes() -> None:
    one, two = users.hash_password("matkhau123"), users.hash_password("matkhau123")
    assert one != two and one.startswith("scrypt$")
    assert users.check_password("matkhau123", one)
    assert not users.check_password("matkhau124", one)
    assert "matkhau123" not in one


def test_five_wrong_passwords_lock_the_account_for_15_minutes(db: Database) -> None:
    users.add_user(db, username="lan", full_name="Phạm Thị Lan", role="officer", password="dung-roi-1")
    try:
        clock.set_fixed_now(_dt.datetime(2026, 11, 28, 9, 0))
        for _attempt in range(4):
            with pytest.raises(users.LoginFailed, match="còn"):
                users.authenticate(db, "lan", "sai")
        with pytest.raises(users.LoginFailed, match="bị khóa 15 phút"):
            users.authenticate(db, "lan", "sai")
        with pytest.raises(users.LoginFailed, match="đang bị khóa"):
            users.authenticate(db, "lan", "dung-roi-1")  # even the right password waits
        clock.set_fixed_now(_dt.datetime(2026, 11, 28, 9, 16))
        assert users.authenticate(db, "lan", "dung-roi-1").username == "lan"
    finally:
        clock.set_fixed_now(None)


def test_forgotten_password_is_reset_by_an_administrator(db: Database) -> None:
    user = users.add_user(db, username="binh", full_name="Trần Văn Bình", role="officer", password="cu-123456")
    officer = users.login(db, "binh", "cu-123456")
    with pytest.raises(PermissionDenied):
        users.reset_password(db, officer.id, new_password="moi-123456")  # an officer cannot
    db.set_actor(Actor(user_id=None, username="quantri", role=Role.ADMIN))
    users.reset_password(db, user.written_id, new_password="tam-123456")
    assert users.authenticate(db, "binh", "tam-123456").must_change_password
    users.change_own_password(db, username="binh", old_password="tam-123456", new_password="rieng-123")
    assert not users.authenticate(db, "binh", "rieng-123").must_change_password


def test_login_cannot_be_switched_on_without_an_administrator(db: Database) -> None:
    with pytest.raises(DomainError, match="quản trị viên"):
        users.set_login_required(db, True)
    assert not users.login_required(db)
    users.add_user(db, username="admin", full_name="Quản trị", role="admin", password="admin-123")
    users.set_login_required(db, True)
    assert users.login_required(db)


def test_a_leader_is_refused_by_the_service_not_just_the_ui(db: Database) -> None:
    users.add_user(db, username="chutich", full_name="Nguyễn Văn An", role="leader", password="lanhdao-1")
    users.login(db, "chutich", "lanhdao-1")
    village = commune.list_villages(db)[0].id
    with pytest.raises(PermissionDenied, match="không có quyền sửa sổ hộ gia đình"):
        add_household(
            db,
            household=HouseholdInput(code="01-9999", village_id=village),
            members=[MemberInput(full_name="Lê Văn Chín", relationship_code="01", birth_year=1980, sex="M")],
        )
    assert db.scalar("SELECT count(*) FROM household") == 0
    with pytest.raises(PermissionDenied):
        users.add_user(db, username="x", full_name="X", role="admin", password="123456789")


def test_bad_new_user_names_each_field(db: Database) -> None:
    with pytest.raises(ValidationFailed) as info:
        users.add_user(db, username="có dấu cách", full_name="", role="boss", password="123")
    text = str(info.value)
    assert "Tên đăng nhập" in text and "Họ và tên" in text and "Mật khẩu" in text and "Vai trò" in text


def test_users_command(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli_main(["users", "add", "--db", str(db_path), "thu", "--name", "Hà Thị Thu", "--password", "thu-2026-x"]) == 0
    )
    assert cli_main(["users", "list", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "thu" in out and "Cán bộ nhập liệu" in out and "tắt" in out


def test_without_login_the_history_names_the_computers_user(db: Database) -> None:
    from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR
    from giamngheo_desktop.services import audit, commune

    assert users.start_actor(db) == SYSTEM_ACTOR  # nobody known: the system
    actor = users.start_actor(db, os_user="canbo-vhxh")
    assert actor is not None and actor.username == "canbo-vhxh" and actor.role == SYSTEM_ACTOR.role
    db.set_actor(actor)
    commune.add_village(db, commune.VillageInput(name="Thôn Mới"))
    entry = audit.history(db, audit.HistoryQuery(entity="village", limit=1))
    assert entry[0].username == "canbo-vhxh"
    assert audit.readable(db, entry)[0].who == "canbo-vhxh"
