"""Accounts: password policy, look-alike names, equal-time failures, scrypt upgrade,
nothing written before a round exists, user commands behind an administrator's password."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.errors import ValidationFailed
from giamngheo_desktop.services import review, users
from giamngheo_desktop.storage.connection import Database


@pytest.mark.parametrize(
    "password", ["123456", "12345678", "        ", "aaaaaaaa", "nguyenvana", "ANAVNEYUGN", "matkhau123"]
)
def test_weak_passwords_are_refused_naming_the_field(db: Database, password: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        users.add_user(db, username="nguyenvana", full_name="Nguyễn Văn A", role="officer", password=password)
    assert "Mật khẩu" in str(info.value)
    assert not db.scalar("SELECT count(*) FROM app_user")


def test_a_good_password_is_accepted_and_checked(db: Database) -> None:
    users.add_user(db, username="lan", full_name="Phạm Thị Lan", role="officer", password="Ruong-lua-2026")
    assert users.authenticate(db, "lan", "Ruong-lua-2026").username == "lan"


def test_look_alike_and_mixed_script_names_are_refused(db: Database) -> None:
    users.add_user(db, username="hoang", full_name="Lê Hoàng", role="admin", password="Ruong-lua-2026")
    for name in ("hоang", "HOANG", "ｈｏａｎｇ", "hoàng"):  # Cyrillic о; capitals; full width; an accent
        with pytest.raises(ValidationFailed) as info:
            users.add_user(db, username=name, full_name="Kẻ Giả", role="admin", password="Ruong-lua-2026")
        assert "Tên đăng nhập" in str(info.value), name
    with pytest.raises(ValidationFailed, match="nhiều bảng chữ cái"):
        users.add_user(db, username="tаm", full_name="Trần Tâm", role="officer", password="Ruong-lua-2026")
    assert [u.username for u in users.list_users(db)] == ["hoang"]


def test_a_full_width_name_is_stored_normalised_and_logs_in_either_way(db: Database) -> None:
    users.add_user(db, username="ｍａｉ", full_name="Đỗ Thị Mai", role="officer", password="Ruong-lua-2026")
    assert users.get_user(db, "mai").username == "mai"
    assert users.authenticate(db, "ｍａｉ", "Ruong-lua-2026").username == "mai"


def test_an_unknown_name_costs_the_same_work_as_a_wrong_password(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    users.add_user(db, username="lan", full_name="Phạm Thị Lan", role="officer", password="Ruong-lua-2026")
    users._dummy_hash()  # made once per process, like the first real check
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(kwargs["n"])
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    for name in ("lan", "khong-co-ai"):
        with pytest.raises(users.LoginFailed):
            users.authenticate(db, name, "sai-mat-khau-1")
    assert calls == [users.SCRYPT_N, users.SCRYPT_N], "one scrypt of today's strength either way"


def test_an_old_weak_hash_is_upgraded_at_the_next_login(db: Database) -> None:
    users.add_user(db, username="lan", full_name="Phạm Thị Lan", role="officer", password="Ruong-lua-2026")
    old = users.hash_password("Ruong-lua-2026", n=2**14)
    with db.atomic() as conn:
        conn.execute("UPDATE app_user SET password_hash = ? WHERE username = 'lan'", (old,))
    users.authenticate(db, "lan", "Ruong-lua-2026")
    stored = db.scalar("SELECT password_hash FROM app_user WHERE username = 'lan'")
    assert stored != old and stored.split("$")[1] == str(users.SCRYPT_N)
    assert users.authenticate(db, "lan", "Ruong-lua-2026").username == "lan"


def test_opening_a_round_writes_nothing_when_the_round_cannot_be_made(db: Database) -> None:
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO household (code, code_fold, village_id, poverty_class, escaped_date, created_at, updated_at)"
            " VALUES ('TL-1', 'tl-1', 1, 'newly_escaped', '2020-01-01', 'x', 'x')"
        )
        conn.execute(
            "CREATE TEMP TRIGGER no_round BEFORE INSERT ON review_round BEGIN SELECT RAISE(ABORT, 'hỏng'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        review.open_round(db, kind="annual", reference_date="2026-11-15")
    assert db.scalar("SELECT poverty_class FROM household WHERE code = 'TL-1'") == "newly_escaped"


def test_user_commands_ask_for_an_administrator_when_the_login_is_on(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users.add_user(db, username="quantri", full_name="Quản Trị", role="admin", password="Ruong-lua-2026")
    users.set_login_required(db, True)
    db.close()
    args = ["users", "add", "moi", "--name", "Người Mới", "--password", "Mot-mat-khau-dai", "--db", str(db_path)]
    assert cli_main(args) == 2
    assert "quản trị viên" in capsys.readouterr().err
    monkeypatch.setenv("GIAMNGHEO_ADMIN_PASSWORD", "sai-mat-khau-1")
    assert cli_main([*args, "--admin", "quantri"]) == 2
    monkeypatch.setenv("GIAMNGHEO_ADMIN_PASSWORD", "Ruong-lua-2026")
    assert cli_main([*args, "--admin", "quantri"]) == 0
    with pytest.raises(SystemExit):
        cli_main(["--help"])
    assert "toàn quyền" in capsys.readouterr().out
