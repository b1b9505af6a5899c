"""Backups and restore.

* :func:`make_backup` writes a consistent copy with ``VACUUM INTO`` (safe while the app
  has the file open, WAL included) to a temporary name in the target folder, verifies it
  (``PRAGMA integrity_check`` == ok and the same row count in every table), and only then
  gives it its final name. A full USB stick leaves no half file behind.
* :func:`auto_backup` does the same into ``backups/`` beside the database, before risky
  work (import, migration, restore, closing a round) and when the app closes, then prunes
  old automatic copies (:func:`prune`: the newest ``KEEP_LAST`` plus one a day for
  ``KEEP_DAYS`` days). Manual copies are never pruned.
* :func:`compare` tells what a restore would replace (counts by table, the newest change,
  the commune); :func:`restore` keeps a safety copy of the current file and replaces it
  atomically (copy to a temp file, fsync, ``os.replace``), removing the old WAL files.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import DomainError, StorageUnavailable
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor, Permission
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.storage import anchors, lock
from giamngheo_desktop.storage import audit as audit_storage
from giamngheo_desktop.storage.connection import Database, storage_error
from giamngheo_desktop.storage.database import forget_damaged
from giamngheo_desktop.storage.migrations import check_openable

KEEP_LAST = 10
KEEP_DAYS = 30
AUTO_PREFIX = "tu-dong"
REASON_LABELS = {
    "close": "khi đóng chương trình",
    "import": "trước khi nhập danh sách",
    "migration": "trước khi nâng cấp dữ liệu",
    "restore": "trước khi khôi phục",
    "round_close": "trước khi đóng đợt rà soát",
    "batch": "trước khi ghi hỗ trợ hàng loạt",
    "manual": "sao lưu thủ công",
}

# Tables whose counts a person recognises, in the order the restore dialog shows them.
TABLE_LABELS = {
    "household": "Hộ gia đình",
    "member": "Nhân khẩu",
    "village": "Thôn, tổ dân phố",
    "support_record": "Hỗ trợ đã ghi",
    "loan": "Khoản vay",
    "review_round": "Đợt rà soát",
    "round_household": "Kết quả rà soát của hộ",
    "certificate": "Giấy chứng nhận",
    "plan": "Kế hoạch",
    "production_model": "Mô hình giảm nghèo",
    "training_class": "Lớp đào tạo nghề",
    "app_user": "Người dùng",
    "audit_log": "Nhật ký thay đổi",
}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    size: int


@dataclass
class FileSummary:
    path: Path
    commune: str
    modified: str  # file time, ISO
    newest_change: str  # newest updated_at / audit entry inside the file
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class BackupDiff:
    current: FileSummary
    backup: FileSummary

    def rows(self) -> list[tuple[str, int, int]]:
        """(label, rows now, rows in the backup) for every table that has rows in either."""
        names = [t for t in TABLE_LABELS if self.current.counts.get(t) or self.backup.counts.get(t)]
        return [(TABLE_LABELS[t], self.current.counts.get(t, 0), self.backup.counts.get(t, 0)) for t in names]

    def text(self) -> str:
        lines = [
            f"Tệp hiện tại: {self.current.path} — {self.current.commune}, "
            f"thay đổi mới nhất {self.current.newest_change}",
            f"Bản sao lưu: {self.backup.path} — {self.backup.commune}, thay đổi mới nhất {self.backup.newest_change}",
            "",
            f"{'Bảng':<28}{'Hiện tại':>12}{'Bản sao lưu':>14}",
        ]
        for label, now, old in self.rows():
            mark = "" if now == old else "  ←"
            lines.append(f"{label:<28}{now:>12}{old:>14}{mark}")
        return "\n".join(lines)


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}


def _verify_copy(path: Path, expected: dict[str, int] | None) -> dict[str, int]:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            counts = _table_counts(conn) if result == "ok" else {}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        known = storage_error(exc, path)
        if known.code == "damaged":
            raise StorageUnavailable(
                f"Bản sao lưu {path.name} bị hỏng (SQLite không đọc được); không dùng được bản này.", code="damaged"
            ) from exc
        raise known from exc
    if result != "ok":
        raise StorageUnavailable(f"Bản sao lưu {path.name} bị lỗi khi kiểm tra ({result}).", code="damaged")
    if expected is not None and counts != expected:
        raise StorageUnavailable(
            f"Bản sao lưu {path.name} không khớp số dòng với tệp gốc; đã hủy bản sao lưu này.", code="mismatch"
        )
    return counts


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


TEMP_MARK = ".tmp-"  # every temporary file a backup or restore writes has this in its name
STALE_TEMP_S = 3600  # a temporary older than this is left over from a cut-off run: removed


def _remove_temp(path: Path) -> None:
    """A temporary file and what SQLite may have made beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(str(path) + suffix).unlink()


def prune_temporaries(folder: Path, stem: str) -> list[Path]:
    """Remove temporaries of ``stem`` left in ``folder`` by a backup or restore that was cut off."""
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    now = clock.now().timestamp()
    for path in Path(folder).glob(f"{stem}*{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > STALE_TEMP_S:
                path.unlink()
                removed.append(path)
    return removed


def _temp_name(target: Path) -> Path:
    return target.with_name(f"{target.name}{TEMP_MARK}{os.getpid()}")


def _writable_folder(folder: Path, data_file: Path) -> None:
    """The target folder exists (a USB stick that is not plugged in is not silently replaced by a
    new folder on the laptop's own disk) and can be written to."""
    if not folder.is_dir():
        raise StorageUnavailable(
            f"Không tìm thấy thư mục {folder}. Nếu đây là USB, hãy kiểm tra USB đã được cắm vào máy "
            "và chọn lại thư mục; chưa sao lưu gì.",
            code="no_target",
        )
    if not os.access(folder, os.W_OK):
        raise StorageUnavailable(
            f"Không ghi được vào thư mục {folder}: thư mục hoặc USB chỉ cho phép đọc (USB có thể đang gạt khóa "
            "ghi). Chưa sao lưu gì; hãy mở khóa hoặc chọn nơi khác.",
            code="read_only",
        )


def same_device(folder: Path, data_file: Path) -> bool:
    """True when ``folder`` is on the same disk as the data file (a copy there dies with the disk)."""
    try:
        return os.stat(folder).st_dev == os.stat(Path(data_file).resolve().parent).st_dev
    except OSError:
        return False


def make_backup(
    db: Database,
    folder: Path,
    *,
    reason: str = "manual",
    verify: bool = True,
    same_device_ok: bool = False,
) -> BackupResult:
    """Write a verified, consistent copy of the open file into ``folder``.

    A copy the officer asks for (``reason="manual"``) goes to a folder that must exist and be on
    another disk than the data file — unless ``same_device_ok`` (the officer confirmed): a copy
    on the same disk is lost with it. The copy is written under a temporary name, checked
    (``integrity_check`` and the same row count in every table), synced and only then renamed;
    on any failure the temporaries are removed and a plain message names the culprit (the data
    file when it is damaged, the target when it is full or read-only).
    """
    db.require(Permission.BACKUP)
    if db.in_transaction:
        raise DomainError("Không sao lưu được khi đang ghi dữ liệu; hãy thử lại sau.")
    folder = Path(folder)
    if reason == "manual":
        _writable_folder(folder, db.path)
        if not same_device_ok and same_device(folder, db.path):
            raise DomainError(
                f"Thư mục {folder} nằm trên cùng ổ đĩa với tệp dữ liệu: nếu ổ đĩa hỏng hay máy bị mất thì mất cả "
                "bản sao lưu. Hãy chọn USB hoặc ổ đĩa khác, hoặc xác nhận vẫn sao lưu vào đây.",
                code="same_device",
            )
    else:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, db.path, target=folder) from exc
    if db.damaged:
        raise StorageUnavailable(
            f"Tệp dữ liệu {db.path.name} bị hỏng nên không sao lưu được (bản sao sẽ mang theo chỗ hỏng). "
            "Lỗi nằm ở tệp dữ liệu, không phải ở nơi sao lưu. Hãy dùng “Lưu một bản của tệp hỏng” để giữ "
            "nguyên tệp, rồi khôi phục từ bản sao lưu tốt gần nhất.",
            code="damaged",
        )
    prune_temporaries(folder, db.path.stem)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    prefix = AUTO_PREFIX + "-" if reason != "manual" else ""
    target = folder / f"{db.path.stem}-{prefix}{reason}-{stamp}.sqlite"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{db.path.stem}-{prefix}{reason}-{stamp}-{counter}.sqlite"
    # the officer's copy notes itself in the file first (so the copy holds the note too), then seals
    previous = _remember_copy(db, target) if reason == "manual" else None
    sealed = _seal(db, reason)
    temp = _temp_name(target)
    _remove_temp(temp)
    try:
        with open(temp, "xb"):  # the OS names a read-only or full target plainly (SQLite says "cannot open")
            pass
        expected = _table_counts(db.conn)
        db.conn.execute("VACUUM INTO ?", (str(temp),))
        _fsync(temp)
        counts = _verify_copy(temp, expected if verify else None)
        os.replace(temp, target)
        _remove_temp(temp)  # what SQLite may have made beside the temporary name
        _write_sidecar(target, db, sealed, counts)
        _fsync_dir(folder)
    except (sqlite3.Error, OSError) as exc:
        _remove_temp(temp)
        _forget_copy(db, reason, previous)
        raise storage_error(exc, db.path, target=folder) from exc
    except BaseException:
        _remove_temp(temp)
        _forget_copy(db, reason, previous)
        raise
    return BackupResult(target, counts, target.stat().st_size)


LAST_COPY_KEY = "backup.last_copy"  # app_setting: the last copy the officer made (to a USB stick)


def _remember_copy(db: Database, target: Path) -> str | None:
    """Note in the file where and when the officer's copy goes (the home tab shows it); returns the
    note it replaces."""
    previous = db.scalar("SELECT value FROM app_setting WHERE key = ?", (LAST_COPY_KEY,))
    _write_note(db, json.dumps({"file": str(target), "made_at": clock.now_iso()}, ensure_ascii=False))
    return None if previous is None else str(previous)


def _forget_copy(db: Database, reason: str, previous: str | None) -> None:
    """The copy failed: the note says what it said before."""
    if reason == "manual":
        _write_note(db, previous)


def _write_note(db: Database, value: str | None) -> None:
    try:
        with db.atomic() as conn:
            if value is None:
                conn.execute("DELETE FROM app_setting WHERE key = ?", (LAST_COPY_KEY,))
            else:
                conn.execute("INSERT OR REPLACE INTO app_setting (key, value) VALUES (?, ?)", (LAST_COPY_KEY, value))
    except (sqlite3.Error, StorageUnavailable):
        pass  # a read-only file: the copy is still made and checked


def last_copy(db: Database) -> tuple[Path, _dt.datetime] | None:
    """Where and when the officer last copied the file (Tệp › Sao lưu ra USB…); None if never."""
    raw = db.scalar("SELECT value FROM app_setting WHERE key = ?", (LAST_COPY_KEY,))
    try:
        facts = json.loads(raw) if raw else None
        return (Path(facts["file"]), _dt.datetime.fromisoformat(facts["made_at"])) if facts else None
    except (ValueError, KeyError, TypeError):
        return None


def _seal(db: Database, reason: str) -> dict[str, Any] | None:
    """Seal the audit trail before a copy (the copy then carries a seal of what it holds)."""
    try:
        return audit_storage.seal(db, f"backup:{reason}")
    except (StorageUnavailable, sqlite3.Error):
        return None  # a read-only or closed file: the copy itself says what is wrong


def sidecar_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def _write_sidecar(target: Path, db: Database, sealed: dict[str, Any] | None, counts: dict[str, int]) -> None:
    """``<backup>.sqlite.json``: the audit head the copy holds (an anchor outside the data file)."""
    facts = {
        "file": target.name,
        "source": str(db.path),
        "made_at": clock.now_iso(),
        "audit_head": sealed or audit_storage.head(db.conn),
        "file_id": db.scalar("SELECT value FROM app_setting WHERE key = 'audit.file_id'"),
        "counts": counts,
    }
    side = sidecar_path(target)
    temp = _temp_name(side)
    try:
        temp.write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temp, side)
    except OSError:
        _remove_temp(temp)  # the copy itself is whole; the sidecar is a convenience


def auto_backup(db: Database, reason: str) -> BackupResult | None:
    """An automatic copy into ``backups/`` beside the file, then prune; None for in-memory files.

    Runs with the system actor: every user's work is protected, whatever their rights.
    """
    if str(db.path) == ":memory:":
        return None
    actor = db.actor
    db.set_actor(SYSTEM_ACTOR)
    try:
        result = make_backup(db, backups_dir_for(db.path), reason=reason)
    finally:
        db.set_actor(actor)
    prune(backups_dir_for(db.path), db.path.stem)
    return result


def list_backups(folder: Path, stem: str | None = None) -> list[Path]:
    """Backup files in ``folder`` (newest first)."""
    if not Path(folder).is_dir():
        return []
    pattern = f"{stem}-*.sqlite" if stem else "*.sqlite"
    return sorted(Path(folder).glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)


def prune(folder: Path, stem: str, *, keep_last: int = KEEP_LAST, keep_days: int = KEEP_DAYS) -> list[Path]:
    """Delete old automatic copies: keep the newest ``keep_last`` and the newest of each of
    the last ``keep_days`` days. Manual copies are never deleted. Returns what was deleted."""
    autos = [p for p in list_backups(folder, stem) if f"-{AUTO_PREFIX}-" in p.name]
    keep = set(autos[:keep_last])
    cutoff = clock.now() - _dt.timedelta(days=keep_days)
    seen_days: set[str] = set()
    for path in autos:
        modified = _dt.datetime.fromtimestamp(path.stat().st_mtime)
        day = modified.date().isoformat()
        if modified >= cutoff and day not in seen_days:
            seen_days.add(day)
            keep.add(path)
    deleted = []
    for path in autos:
        if path not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                deleted.append(path)
            with contextlib.suppress(OSError):
                sidecar_path(path).unlink()
    return deleted


def summarize(path: Path) -> FileSummary:
    """What is in a database file, read without changing it."""
    path = Path(path)
    if not path.is_file():
        raise StorageUnavailable(f"Không tìm thấy tệp {path}.", code="missing")
    check_openable(path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    try:
        counts = _table_counts(conn)
        commune = conn.execute("SELECT name FROM commune WHERE id = 1").fetchone()
        newest = [
            conn.execute("SELECT max(updated_at) FROM household").fetchone()[0],
            conn.execute("SELECT max(updated_at) FROM member").fetchone()[0],
            conn.execute("SELECT max(created_at) FROM support_record").fetchone()[0],
        ]
        if "audit_log" in counts:
            newest.append(conn.execute("SELECT max(ts) FROM audit_log").fetchone()[0])
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    finally:
        conn.close()
    modified = _dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
    return FileSummary(
        path=path,
        commune=commune[0] if commune else "(chưa khai báo xã)",
        modified=modified,
        newest_change=max((n for n in newest if n), default="(không có)"),
        schema_version=version,
        counts=counts,
    )


def compare(db_path: Path, backup_path: Path) -> BackupDiff:
    """What restoring ``backup_path`` over ``db_path`` would change."""
    backup = summarize(backup_path)
    _verify_copy(Path(backup_path), None)
    try:
        current = summarize(db_path) if Path(db_path).exists() else FileSummary(Path(db_path), "(chưa có)", "", "", 0)
    except StorageUnavailable as exc:
        if exc.code != "damaged":
            raise
        current = FileSummary(Path(db_path), "(tệp hiện tại bị hỏng, không đọc được)", "", "", 0)
    return BackupDiff(current=current, backup=backup)


def restore(backup_path: Path, db_path: Path, *, actor: Actor = SYSTEM_ACTOR) -> Path | None:
    """Replace ``db_path`` by ``backup_path``; return the safety copy of the replaced file.

    Every connection to ``db_path`` must be closed first (the window closes its own).
    The backup is verified before anything is touched; the old file is copied to
    ``backups/`` beside it; the replacement is atomic.
    """
    actor.require(Permission.RESTORE)
    backup_path, db_path = Path(backup_path), Path(db_path)
    if backup_path.resolve() == db_path.resolve():
        raise DomainError("Bản sao lưu và tệp dữ liệu là cùng một tệp.")
    summarize(backup_path)  # refuses a too-new or foreign file
    _verify_copy(backup_path, None)
    lock.acquire(db_path, holder="lệnh khôi phục từ bản sao lưu")  # refused while another process writes
    try:
        replaced = _head_of(db_path)
        safety = _restore_locked(backup_path, db_path)
        _record_restore(db_path, backup_path, replaced, safety, actor)
        return safety
    finally:
        lock.release(db_path)


def _head_of(path: Path) -> dict[str, Any] | None:
    """The audit head of a file about to be replaced (None when it cannot be read)."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return audit_storage.head(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _record_restore(
    db_path: Path, backup_path: Path, replaced: dict[str, Any] | None, safety: Path | None, actor: Actor
) -> None:
    """The restored file says it was restored (from what, replacing which head), is sealed, and the
    anchor file learns that this file's history legitimately went back."""
    from giamngheo_desktop.storage.database import open_database

    try:
        with open_database(db_path, actor=actor, holder="lệnh khôi phục từ bản sao lưu") as db:
            with db.atomic():
                audit_storage.record(
                    db,
                    action="restore",
                    entity="audit_log",
                    new={
                        "from_backup": backup_path.name,
                        "replaced_head": replaced,
                        "safety_copy": safety.name if safety else None,
                    },
                )
            sealed = audit_storage.seal(db, "restore", anchor=False)
            ident = db.scalar("SELECT value FROM app_setting WHERE key = 'audit.file_id'")
            if ident and sealed:
                anchors.append(str(ident), sealed, reason="restore", path=db_path, replaced=replaced)
    except DomainError:
        pass  # the restore itself succeeded; a file too old or read-only simply has no entry


def _restore_locked(backup_path: Path, db_path: Path) -> Path | None:
    folder = backups_dir_for(db_path)
    temp = db_path.with_name(f"{db_path.name}{TEMP_MARK}khoi-phuc")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        prune_temporaries(folder, db_path.stem)
        _remove_temp(temp)  # a restore cut off earlier left it; the data file itself was not touched
        safety = _safety_copy(db_path, folder) if db_path.exists() else None
        shutil.copyfile(backup_path, temp)
        _fsync(temp)
        _verify_copy(temp, None)
        for suffix in ("-wal", "-shm"):  # empty after the safety copy's checkpoint; kept in it otherwise
            with contextlib.suppress(FileNotFoundError):
                Path(str(db_path) + suffix).unlink()
        os.replace(temp, db_path)
        _fsync_dir(db_path.resolve().parent)
        forget_damaged(db_path)
    except (sqlite3.Error, OSError) as exc:
        _remove_temp(temp)
        raise storage_error(exc, db_path) from exc
    except BaseException:
        _remove_temp(temp)
        raise
    return safety


def _safety_copy(db_path: Path, folder: Path) -> Path:
    """The current file, kept before a restore replaces it: a checked copy under a temporary name,
    renamed when complete. A damaged file is copied byte for byte, with its -wal file."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    safety = folder / f"{db_path.stem}-truoc-khoi-phuc-{stamp}.sqlite"
    temp = _temp_name(safety)
    _remove_temp(temp)
    try:
        src = sqlite3.connect(str(db_path))
        try:
            src.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the -wal file is then empty: nothing to lose
            dest = sqlite3.connect(str(temp))
            try:
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            finally:
                dest.close()
        finally:
            src.close()
        _fsync(temp)
        _verify_copy(temp, None)
    except (sqlite3.DatabaseError, StorageUnavailable) as exc:
        _remove_temp(temp)
        if isinstance(exc, StorageUnavailable) and exc.code != "damaged":
            raise
        if isinstance(exc, sqlite3.DatabaseError) and storage_error(exc).code != "damaged":
            raise
        return save_file_copy(db_path, folder, label="truoc-khoi-phuc-hong")
    except BaseException:
        _remove_temp(temp)
        raise
    os.replace(temp, safety)
    _remove_temp(temp)
    _fsync_dir(folder)
    return safety


def save_file_copy(db_path: Path, folder: Path, *, label: str = "ban-hong") -> Path:
    """A byte-for-byte copy of the data file and its -wal file (what a damaged file needs kept as it is)."""
    db_path, folder = Path(db_path), Path(folder)
    if not folder.is_dir():
        raise StorageUnavailable(f"Không tìm thấy thư mục {folder}.", code="no_target")
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{label}-{stamp}.sqlite"
    made: list[Path] = []
    try:
        for suffix in ("", "-wal"):
            source = Path(str(db_path) + suffix)
            if not source.exists():
                continue
            temp = _temp_name(Path(str(target) + suffix))
            made.append(temp)
            shutil.copyfile(source, temp)
            _fsync(temp)
        for temp in reversed(made):  # the -wal file first: the main name appears last, when all is there
            os.replace(temp, str(temp).rsplit(TEMP_MARK, 1)[0])
        _fsync_dir(folder)
    except OSError as exc:
        for temp in made:
            _remove_temp(temp)
        raise storage_error(exc, db_path, target=folder) from exc
    return target


def newest_good_backup(db_path: Path) -> FileSummary | None:
    """The newest backup beside ``db_path`` that passes SQLite's check, with what it holds."""
    for path in list_backups(backups_dir_for(db_path), Path(db_path).stem):
        if TEMP_MARK in path.name or "-hong-" in path.name or "-ban-hong-" in path.name:
            continue
        try:
            _verify_copy(path, None)
            return summarize(path)
        except DomainError:
            continue
    return None
