"""The audit trail: every change traceable to a person; tampering outside the app is found."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain.permissions import Actor, Role
from giamngheo_desktop.services import audit, commune
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database


def add_household(db: Database, code: str = "01-0001") -> int:
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO household (code, code_fold, village_id, created_at, updated_at) VALUES (?, ?, 1, 'x', 'x')",
            (code, code),
        )
        hid = int(cur.lastrowid or 0)
        conn.execute(
            "INSERT INTO member (household_id, full_name, name_fold, relationship_code, created_at, updated_at)"
            " VALUES (?, 'Nguyễn Văn Đức', 'nguyen van duc', '01', 'x', 'x')",
            (hid,),
        )
    return hid


def test_each_change_records_who_old_and_new_values(db: Database) -> None:
    db.set_actor(Actor(user_id=7, username="canbo.lan", role=Role.OFFICER))
    hid = add_household(db)
    with db.atomic() as conn:
        conn.execute("UPDATE member SET full_name = 'Nguyễn Văn Đực' WHERE household_id = ?", (hid,))
    entries = audit.history(db, audit.HistoryQuery(household_id=hid))
    assert [e.label for e in entries] == ["Sửa nhân khẩu", "Thêm nhân khẩu", "Thêm hộ gia đình"]
    newest = entries[0]
    assert newest.username == "canbo.lan"
    assert ("full_name", "Nguyễn Văn Đức", "Nguyễn Văn Đực") in newest.changes
    assert audit.verify(db).ok


def test_the_log_cannot_be_edited_through_sql(db: Database) -> None:
    add_household(db)
    with pytest.raises(sqlite3.IntegrityError, match="chỉ được ghi thêm"):
        db.conn.execute("UPDATE audit_log SET username = 'ai-do'")
    with pytest.raises(sqlite3.IntegrityError, match="chỉ được ghi thêm"):
        db.conn.execute("DELETE FROM audit_log")


def test_a_write_outside_the_app_cannot_skip_the_log(db_path: Path) -> None:
    with open_database(db_path) as db:
        add_household(db)
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            conn.execute("UPDATE household SET phone = '0900000000'")
    finally:
        conn.close()


def test_verify_finds_the_first_edited_entry(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_database(db_path) as db:
        for n in range(3):
            add_household(db, f"01-000{n}")
        target = db.scalar("SELECT id FROM audit_log WHERE entity = 'member' ORDER BY id LIMIT 1")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET new_values = replace(new_values, 'Đức', 'Dũng') WHERE id = ?", (target,))
    conn.commit()
    conn.close()
    assert cli_main(["audit", "verify", "--db", str(db_path)]) == 3
    out = capsys.readouterr().out
    assert f"mục số {target}" in out and "bị sửa" in out


def test_verify_finds_a_deleted_entry(db_path: Path) -> None:
    with open_database(db_path) as db:
        for n in range(3):
            add_household(db, f"02-000{n}")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT min(id) + 2 FROM audit_log)")
    conn.commit()
    conn.close()
    with open_database(db_path) as db:
        result = audit.verify(db)
    assert not result.ok and "bị xóa" in result.reason


def test_settings_changes_are_logged_by_user(db: Database) -> None:
    db.set_actor(Actor(user_id=1, username="quantri", role=Role.ADMIN))
    settings = commune.get_commune(db)
    settings.chairman_name = "Lê Văn Chủ"
    commune.save_commune(db, settings)
    entry = audit.history(db, audit.HistoryQuery(entity="commune"))[0]
    assert entry.username == "quantri" and ("chairman_name", "Nguyễn Văn An", "Lê Văn Chủ") in entry.changes


def test_the_plan_and_the_seal_read_in_vietnamese(db: Database) -> None:
    """The history showed "seal audit_log", "Mã: staff_trained; label: …; Loại: reduction" and "Kế hoạch: 1"."""
    import re

    from giamngheo_desktop.services import backup, plan

    plan.create_plan_from_template(db, year=2026)
    backup.auto_backup(db, "import")
    entries = audit.history(db, audit.HistoryQuery(limit=100))
    shown = audit.readable(db, entries, limit=50)
    assert shown[0].action == "Niêm phong nhật ký thay đổi" and "Lý do: trước khi nhập danh sách" in shown[0].text
    target = next(r for r in shown if r.action == "Thêm chỉ tiêu" and r.subject.startswith("Cán bộ"))
    assert "Kế hoạch: Kế hoạch năm 2026" in target.text and "Mã: Cán bộ được tập huấn" in target.text
    assert "Tên chỉ tiêu: Cán bộ làm công tác giảm nghèo" in target.text and "Loại: Tỷ lệ bao phủ" in target.text
    raw = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(label|seal|reduction|count|audit)\b|\d{4}-\d\d-\d\d")
    found = [f"{r.action} | {r.text}" for r in shown if raw.search(f"{r.action} {r.subject} {r.text}")]
    assert found == [], found


def test_the_usb_copy_note_reads_as_a_time_and_a_place(db: Database, tmp_path: Path) -> None:
    """The history showed "Thêm thiết lập | Giá trị: {"file": "/tmp/…" (the note of the last USB copy)."""
    from giamngheo_desktop.services import backup

    usb = tmp_path / "USB"
    usb.mkdir()
    copy = backup.make_backup(db, usb, same_device_ok=True).path
    entries = audit.history(db, audit.HistoryQuery(entity="app_setting"))
    shown = audit.readable(db, entries)
    note = next(r for r in shown if r.subject == "Lần sao lưu ra USB gần nhất")
    assert str(copy) in note.text and "{" not in note.text and '"file"' not in note.text, note.text
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d, ", note.text), note.text
