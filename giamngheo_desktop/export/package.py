"""The upload package for the level above, as a file (see ``docs/package-format.md``).

:func:`write_package` writes one zip per period from the contents ``services.package``
worked out: the report workbook (``bao-cao.xlsx``), the data file (``du-lieu.json``) and
``manifest.json`` (commune, period, sequence number, creation time, app and schema versions,
record counts, SHA-256 of every file). :func:`open_package` is what the receiving office
runs first: it refuses tampered files and hostile zips (path traversal, zip bombs, too many
entries) with a Vietnamese message; :func:`read_bieu1_counts` reads several communes'
packages for ``services.package.combined_bieu1``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.documents import PACKAGE_FORMAT, PackageContents, PackageResult
from giamngheo_desktop.domain.errors import BadFile, StorageUnavailable
from giamngheo_desktop.export import manifest as manifest_schema
from giamngheo_desktop.export import signing
from giamngheo_desktop.export.xlsx import write_xlsx

FORMAT = PACKAGE_FORMAT
FORMAT_VERSION = manifest_schema.FORMAT_VERSION
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"  # Ed25519 signature of manifest.json's bytes, base64
WORKBOOK = manifest_schema.WORKBOOK
DATA = manifest_schema.DATA
ENTRIES = (MANIFEST, SIGNATURE, WORKBOOK, DATA)  # exactly these, each once

# limits for reading a package (the receiving office opens files from many communes)
MAX_ENTRIES = 50
MAX_ENTRY_BYTES = manifest_schema.MAX_FILE_BYTES
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_MANIFEST_BYTES = 256 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_package(contents: PackageContents, out_dir: Path, *, key: signing.CommuneKey | None = None) -> PackageResult:
    """Write the package (``services.package.make_package`` passes this in) into ``out_dir``.

    The manifest is signed with the commune's key (``signing.commune_key``, made on first use
    in the user's data folder) unless ``key`` is given.
    """
    key = key or signing.commune_key(str(contents.commune.get("code") or ""))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / WORKBOOK
        write_xlsx(contents.reports, book)
        workbook_bytes = book.read_bytes()
    data = contents.data
    data_bytes = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    files = {WORKBOOK: workbook_bytes, DATA: data_bytes}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "commune": contents.commune,
        "period": contents.period,
        "sequence": contents.sequence,
        "created_at": contents.created_at,
        "app_version": contents.app_version,
        "schema_version": contents.schema_version,
        "counts": {
            "households": len(data["households"]),
            "members": sum(len(h["members"]) for h in data["households"]),
            "supports": len(data["supports"]),
            "reports": len(contents.reports),
        },
        "reports": [r.kind for r in contents.reports],
        "files": [{"name": n, "size": len(b), "sha256": sha256_bytes(b)} for n, b in files.items()],
        "audit_head": dict(contents.audit_head),
        "signer": {"algorithm": signing.ALGORITHM, "key_id": key.key_id},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    signature = base64.b64encode(key.sign(manifest_bytes))
    name = f"goi-du-lieu-{contents.commune['code']}-{contents.file_key}-lan{contents.sequence:02d}.zip"
    target = out_dir / name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(SIGNATURE, signature)
        for n, b in files.items():
            zf.writestr(n, b)
    payload = buffer.getvalue()
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(payload)
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StorageUnavailable(f"Không ghi được tệp {target}: {exc.strerror or exc}.", code="write_failed") from exc
    return PackageResult(target, manifest, sha256_bytes(payload))


# ------------------------------------------------------------- receiving ----
def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                out += chunk
                if len(out) > MAX_ENTRY_BYTES or len(out) > max(info.compress_size, 1) * MAX_RATIO + 1_000_000:
                    raise BadFile(
                        f"Gói {label}: tệp «{info.filename}» giải nén ra quá lớn (nghi là bom nén); không mở gói này.",
                        code="zip_bomb",
                    )
    # RuntimeError: a damaged flag marks the entry as password-protected
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError, RuntimeError) as exc:
        raise BadFile(
            f"Gói {label}: tệp «{info.filename}» bên trong bị hỏng (không giải nén được); hãy chép lại gói từ nơi gửi.",
            code="damaged",
        ) from exc
    return bytes(out)


@dataclass(frozen=True)
class VerifiedPackage:
    """A package that passed every check: its manifest, files, Biểu 1 counts and what the register said."""

    path: Path
    manifest: dict[str, Any]
    files: dict[str, bytes]
    bieu1_counts: list[int]
    sha256: str
    notes: list[str]  # reported, not refused: sendings skipped, history gone backwards


def open_package(path: Path, register: signing.KeyRegister | None = None) -> VerifiedPackage:
    """Every check the receiving office runs, in order; BadFile with the reason at the first failure.

    1. the zip itself: readable, at most 50 entries, safe names, no entry twice, not a zip bomb;
    2. exactly manifest.json, manifest.sig, bao-cao.xlsx and du-lieu.json — nothing missing, nothing extra;
    3. the manifest's schema (every field named in the error);
    4. the signature, with the key registered for the commune (``register``, default: this user's);
    5. each file's size and SHA-256 as the manifest says;
    6. the data agrees with the manifest (commune, period, counts) and its Biểu 1 counts are whole numbers ≥ 0;
    7. the register's view: a package received already or older than one received is refused;
       skipped sendings and an audit trail gone backwards are reported in ``notes``.
    Nothing is recorded: :func:`receive` does that.
    """
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise BadFile(f"Không tìm thấy tệp gói dữ liệu {path}.", code="missing")
    try:
        raw = path.read_bytes()
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError, EOFError) as exc:
        raise BadFile(f"Tệp {label} không phải gói dữ liệu hợp lệ (không đọc được tệp nén).", code="not_zip") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BadFile(
                f"Gói {label} có {len(infos)} tệp bên trong, nhiều bất thường; không mở gói này.", code="too_many"
            )
        total = 0
        for info in infos:
            if not _safe_name(info.filename):
                shown = info.filename if manifest_schema._plain_text(info.filename) else repr(info.filename)
                raise BadFile(
                    f"Gói {label} chứa đường dẫn không an toàn «{shown[:80]}» (ra ngoài thư mục); không mở gói này.",
                    code="path_traversal",
                )
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or ratio > MAX_RATIO:
                raise BadFile(
                    f"Gói {label}: tệp «{info.filename}» giải nén ra quá lớn (nghi là bom nén); không mở gói này.",
                    code="zip_bomb",
                )
        names = [i.filename for i in infos]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise BadFile(
                f"Gói {label} có tệp trùng tên bên trong ({', '.join(twice)}): gói bị sửa hoặc ghép; không mở gói này.",
                code="duplicate_entry",
            )
        extra = sorted(set(names) - set(ENTRIES))
        if extra:
            shown = ", ".join(e[:60] for e in extra[:5])
            raise BadFile(f"Gói {label} có tệp lạ không thuộc gói: {shown}; không mở gói này.", code="unlisted")
        missing = [n for n in ENTRIES if n not in names]
        if missing:
            code = "no_manifest" if MANIFEST in missing else "unsigned" if SIGNATURE in missing else "missing_file"
            raise BadFile(f"Gói {label} thiếu tệp {', '.join(missing)}.", code=code)
        if zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
            raise BadFile(f"Gói {label}: manifest.json lớn bất thường; không mở gói này.", code="bad_manifest")
        manifest_bytes = _read_limited(zf, zf.getinfo(MANIFEST), label)
        manifest = manifest_schema.check_manifest(manifest_schema.load_json(manifest_bytes, MANIFEST, label), label)
        _check_signature(zf, manifest, manifest_bytes, label, register)
        files: dict[str, bytes] = {}
        for meta in manifest["files"]:
            name = meta["name"]
            data = _read_limited(zf, zf.getinfo(name), label)
            if len(data) != meta["size"] or sha256_bytes(data) != meta["sha256"]:
                raise BadFile(
                    f"Tệp {name} trong gói {label} đã bị thay đổi (không khớp manifest đã ký); đề nghị xã gửi lại gói.",
                    code="tampered",
                )
            files[name] = data
    data = manifest_schema.load_json(files[DATA], DATA, label)
    counts = manifest_schema.check_data(data, manifest, label)
    sha = sha256_bytes(raw)
    receipt = (register or signing.KeyRegister()).check_receipt(manifest, sha)
    if not receipt.ok:
        raise BadFile(f"Gói {label}: {'; '.join(receipt.problems)}.", code="replay")
    return VerifiedPackage(path, manifest, files, counts, sha, receipt.notes)


def _check_signature(
    zf: zipfile.ZipFile,
    manifest: dict[str, Any],
    manifest_bytes: bytes,
    label: str,
    register: signing.KeyRegister | None,
) -> None:
    register = register or signing.KeyRegister()
    code = manifest["commune"]["code"]
    public = register.public_key(code)
    if public is None:
        raise BadFile(
            f"Gói {label}: chưa đăng ký khóa công khai của xã {manifest['commune']['name']} (mã {code}), nên chưa "
            "xác thực được gói. Nhận khóa từ xã (lệnh `keys show` ở xã) và đăng ký bằng `keys register`.",
            code="unknown_signer",
        )
    if manifest["signer"]["key_id"] != signing.key_id(public):
        raise BadFile(
            f"Gói {label} được ký bằng khóa khác với khóa đã đăng ký của xã mã {code}; không nhận gói này. "
            "Nếu xã đã đổi khóa, hãy gọi điện xác nhận rồi đăng ký khóa mới.",
            code="bad_signature",
        )
    try:
        signature = base64.b64decode(_read_limited(zf, zf.getinfo(SIGNATURE), label).strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadFile(f"Gói {label}: chữ ký (manifest.sig) không đọc được.", code="bad_signature") from exc
    if not signing.verify(public, manifest_bytes, signature):
        raise BadFile(
            f"Gói {label}: chữ ký không khớp — manifest đã bị sửa sau khi xã ký, hoặc gói không do xã mã {code} "
            "tạo. Không nhận gói này; đề nghị xã gửi lại.",
            code="bad_signature",
        )


def read_package(path: Path, register: signing.KeyRegister | None = None) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Check a package (:func:`open_package`) and return (manifest, files)."""
    package = open_package(path, register)
    return package.manifest, package.files


def receive(path: Path, register: signing.KeyRegister | None = None) -> VerifiedPackage:
    """Check a package and record it in the register (its sequence number and audit head)."""
    register = register or signing.KeyRegister()
    package = open_package(path, register)
    register.record_receipt(package.manifest, package.sha256)
    return package


def read_bieu1_counts(
    paths: Sequence[Path], register: signing.KeyRegister | None = None
) -> list[tuple[dict[str, Any], list[int]]]:
    """Check several communes' packages for ``combine``: one package per commune, all of one period."""
    if not paths:
        raise BadFile("Chưa chọn gói dữ liệu nào để tổng hợp.", code="empty")
    register = register or signing.KeyRegister()
    entries: list[tuple[dict[str, Any], list[int]]] = []
    for p in paths:
        package = open_package(Path(p), register)
        manifest = package.manifest
        code = manifest["commune"]["code"]
        if any(m["commune"]["code"] == code for m, _ in entries):
            raise BadFile(
                f"Có hai gói của cùng một xã (mã {code}); chỉ chọn gói mới nhất của mỗi xã.", code="duplicate"
            )
        if entries and manifest["period"]["key"] != entries[0][0]["period"]["key"]:
            first = entries[0][0]
            raise BadFile(
                f"Các gói thuộc các kỳ khác nhau ({first['period']['label']} của {first['commune']['name']}, "
                f"{manifest['period']['label']} của {manifest['commune']['name']}); chỉ tổng hợp các gói cùng một kỳ.",
                code="mixed_periods",
            )
        entries.append((manifest, package.bieu1_counts))
    return entries
