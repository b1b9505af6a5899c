"""Opening a database file for the window, for background tasks and for the self-test.

The UI never imports ``giamngheo_desktop.storage``; it opens files through here.
Each thread opens its own :class:`Database` (sqlite3 refuses cross-thread use).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.permissions import SYSTEM_ACTOR, Actor
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.resources import resource_path
from giamngheo_desktop.storage import lock
from giamngheo_desktop.storage.connection import Database, open_database

__all__ = ["Database", "close_session", "open_session", "self_test"]


def open_session(
    path: Path | str,
    *,
    actor: Actor = SYSTEM_ACTOR,
    create: bool = True,
    exclusive: bool = False,
    check: bool = True,
) -> Database:
    """Open (or create) ``path``, migrated to the latest schema; backups go beside the file.

    Every opening for writing takes the file's writer lock until ``db.close()``; ``exclusive``
    (the window) takes it once more, named "the window", until :func:`close_session`.
    ``check`` runs SQLite's quick check (the window's background tasks skip it: the window did it).
    A damaged file opens read-only (``db.damaged``). Raises SchemaTooNew / StorageUnavailable.
    """
    path = Path(path)
    if exclusive:
        lock.acquire(path, holder=lock.WINDOW)
    try:
        return open_database(path, actor=actor, create=create, backup_dir=backups_dir_for(path), check=check)
    except BaseException:
        if exclusive:
            lock.release(path)
        raise


def close_session(db: Database, *, exclusive: bool = False, backup_reason: str | None = None) -> None:
    """Close the window's database: an automatic backup first (``backup_reason``), then the lock."""
    try:
        if backup_reason:
            from giamngheo_desktop.services import backup

            try:
                backup.auto_backup(db, backup_reason)
            except DomainError:
                pass  # a failed automatic copy must never keep the officer from closing
        db.close()
    finally:
        if exclusive:
            lock.release(Path(db.path))


def self_test(folder: Path | None = None) -> list[str]:
    """Smoke test of a (frozen) build: a temp database, an xlsx and a PDF with the bundled font.

    Returns the lines of a short report; raises on any failure.
    """
    import unicodedata

    from openpyxl import Workbook, load_workbook
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    report: list[str] = []
    sample = unicodedata.normalize("NFC", "Nguyễn Văn Đức — hộ nghèo, thôn Đồng Xuân")
    with tempfile.TemporaryDirectory(prefix="giamngheo-selftest-") as tmp:
        base = Path(folder) if folder else Path(tmp)
        db = open_session(base / "selftest.sqlite")
        try:
            version = db.scalar("PRAGMA user_version")
            tables = db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            if not version or not tables:
                raise RuntimeError("schema not created")
            report.append(f"database: schema v{version}, {tables} tables")
        finally:
            db.close()

        xlsx = base / "selftest.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Họ và tên", "Phân loại"])
        sheet.append([sample, "Hộ nghèo"])
        book.save(xlsx)
        check = load_workbook(xlsx).active
        if check is None or check["A2"].value != sample:
            raise RuntimeError("xlsx round trip failed")
        report.append(f"xlsx: {xlsx.stat().st_size} bytes")

        font_file = resource_path("fonts", "NotoSans-Regular.ttf")
        pdfmetrics.registerFont(TTFont("NotoSans-SelfTest", str(font_file)))
        pdf = base / "selftest.pdf"
        page = canvas.Canvas(str(pdf), pagesize=A4)
        page.setFont("NotoSans-SelfTest", 12)
        page.drawString(72, 770, sample)
        page.save()
        if not pdf.read_bytes().startswith(b"%PDF"):
            raise RuntimeError("pdf not written")
        report.append(f"pdf: {pdf.stat().st_size} bytes (font {font_file.name})")
    return report
