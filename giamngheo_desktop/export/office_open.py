"""Opening a commune's package for the receiving office.

:func:`open_for_office` runs every check ``export.package`` has (structure, checksums, and —
once packages are signed — the Ed25519 signature against the key the office registered,
looked up through ``register``) and returns the manifest and the parsed data file as
:class:`~giamngheo_desktop.domain.office.OpenedPackage`. :func:`package_files` lists the
packages in folders (a USB stick) and files given.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.domain.office import OpenedPackage, Peek
from giamngheo_desktop.export import package

MAX_FILES = 5000


def open_for_office(path: Path, register: Any = None) -> OpenedPackage:
    """Verify a package and read its data; BadFile naming the file and the reason."""
    path = Path(path)
    open_package = getattr(package, "open_package", None)
    if open_package is not None and register is not None:  # signed packages (format 2)
        try:
            verified = open_package(path, register)
        except BadFile as exc:
            if exc.code != "unknown_signer":
                raise
            raise BadFile(
                f"Gói {path.name}: cơ quan chưa đăng ký khóa công khai của xã gửi gói này, nên chưa xác thực được "
                "gói. Thêm xã vào danh sách xã (nếu chưa có) và đăng ký dòng khóa xã gửi (Danh sách xã → Đăng ký "
                "khóa, hoặc lệnh `office key`), rồi nhận lại gói.",
                code="unknown_signer",
            ) from exc
        files, notes, sha, signed = verified.files, list(verified.notes), verified.sha256, True
        manifest = verified.manifest
    else:
        manifest, files = package.read_package(path)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        notes, signed = [], False
    try:
        data = json.loads(files[package.DATA].decode("utf-8"))
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise BadFile(f"Tệp dữ liệu trong gói {path.name} không đọc được.", code="bad_data") from exc
    if not isinstance(data, dict):
        raise BadFile(f"Tệp dữ liệu trong gói {path.name} không đúng định dạng.", code="bad_data")
    return OpenedPackage(manifest, data, sha, signature_checked=signed, notes=notes)


def peek(path: Path) -> Peek | None:
    """The package's own words on commune, period and sending number (unverified) and the file's
    SHA-256 — to order a folder's packages and skip files received already; None if unreadable."""
    try:
        raw = Path(path).read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            info = zf.getinfo(package.MANIFEST)
            if info.file_size > 256 * 1024:
                return Peek("", "", 0, sha)
            manifest = json.loads(zf.read(info).decode("utf-8"))
        return Peek(str(manifest["commune"]["code"]), str(manifest["period"]["key"]), int(manifest["sequence"]), sha)
    except (OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError, UnicodeDecodeError, zlib.error):
        try:
            return Peek("", "", 0, hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except OSError:
            return None


def package_files(sources: Sequence[Path]) -> list[Path]:
    """The .zip files named, and those in the folders named (and their subfolders), sorted by name."""
    out: list[Path] = []
    for src in sources:
        src = Path(src)
        if src.is_dir():
            out += sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() == ".zip")
        elif src.exists():
            out.append(src)
        else:
            raise BadFile(f"Không tìm thấy tệp hay thư mục {src}.", code="missing")
        if len(out) > MAX_FILES:
            raise BadFile(f"Có hơn {MAX_FILES} tệp .zip; hãy chọn từng thư mục nhỏ hơn.", code="too_many")
    return out
