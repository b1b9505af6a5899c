"""The upload package for the level above, as a file (see ``docs/package-format.md``).

:func:`write_package` writes one zip per period from the contents ``services.package``
worked out: the report workbook (``bao-cao.xlsx``), the data file (``du-lieu.json``) and
``manifest.json`` (commune, period, sequence number, creation time, app and schema versions,
record counts, SHA-256 of every file). :func:`verify_package` is what the receiving office
runs first: it refuses tampered files and hostile zips (path traversal, zip bombs, too many
entries) with a Vietnamese message; :func:`read_bieu1_counts` reads several communes'
packages for ``services.package.combined_bieu1``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.documents import PACKAGE_FORMAT, PackageContents, PackageResult
from giamngheo_desktop.domain.errors import BadFile, StorageUnavailable
from giamngheo_desktop.export.xlsx import write_xlsx

FORMAT = PACKAGE_FORMAT
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
WORKBOOK = "bao-cao.xlsx"
DATA = "du-lieu.json"

# limits for reading a package (the receiving office opens files from many communes)
MAX_ENTRIES = 50
MAX_ENTRY_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_package(contents: PackageContents, out_dir: Path) -> PackageResult:
    """Write the package (``services.package.make_package`` passes this in) into ``out_dir``."""
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
    }
    name = f"goi-du-lieu-{contents.commune['code']}-{contents.file_key}-lan{contents.sequence:02d}.zip"
    target = out_dir / name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for n, b in files.items():
            zf.writestr(n, b)
    payload = buffer.getvalue()
    try:
        partial = target.with_suffix(".zip.part")
        partial.write_bytes(payload)
        os.replace(partial, target)
    except OSError as exc:
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
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise BadFile(
            f"Gói {label}: tệp «{info.filename}» bên trong bị hỏng (không giải nén được); hãy chép lại gói từ nơi gửi.",
            code="damaged",
        ) from exc
    return bytes(out)


def read_package(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Check a package and return (manifest, files). Raises :class:`BadFile` with the reason."""
    label = path.name
    if not path.is_file():
        raise BadFile(f"Không tìm thấy tệp gói dữ liệu {path}.", code="missing")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:  # damaged headers too
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
                raise BadFile(
                    f"Gói {label} chứa đường dẫn không an toàn «{info.filename}» (ra ngoài thư mục); không mở gói này.",
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
        if MANIFEST not in names:
            raise BadFile(f"Gói {label} thiếu tệp manifest.json.", code="no_manifest")
        try:
            manifest = json.loads(_read_limited(zf, zf.getinfo(MANIFEST), label).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadFile(f"Tệp manifest.json trong gói {label} bị hỏng.", code="bad_manifest") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BadFile(f"Tệp {label} không phải gói dữ liệu của phần mềm giảm nghèo.", code="bad_manifest")
        if int(manifest.get("format_version") or 0) > FORMAT_VERSION:
            raise BadFile(f"Gói {label} được tạo bởi phiên bản mới hơn; hãy cập nhật phần mềm.", code="too_new")
        listed = {f.get("name"): f for f in manifest.get("files") or [] if isinstance(f, dict)}
        extra = sorted(set(names) - set(listed) - {MANIFEST})
        if extra:
            raise BadFile(f"Gói {label} có tệp không ghi trong manifest: {', '.join(extra)}.", code="unlisted")
        files: dict[str, bytes] = {}
        for name, meta in listed.items():
            if name not in names:
                raise BadFile(f"Gói {label} thiếu tệp {name} ghi trong manifest.", code="missing_file")
            data = _read_limited(zf, zf.getinfo(name), label)
            if sha256_bytes(data) != meta.get("sha256"):
                raise BadFile(
                    f"Tệp {name} trong gói {label} đã bị thay đổi (mã SHA-256 không khớp manifest); "
                    "đề nghị xã gửi lại gói.",
                    code="tampered",
                )
            files[name] = data
    return manifest, files


def verify_package(path: Path) -> dict[str, Any]:
    manifest, _ = read_package(path)
    return manifest


def read_bieu1_counts(paths: Sequence[Path]) -> list[tuple[dict[str, Any], list[int]]]:
    """Check several communes' packages; (manifest, Biểu 1 counts) of each, one package per commune."""
    if not paths:
        raise BadFile("Chưa chọn gói dữ liệu nào để tổng hợp.", code="empty")
    entries: list[tuple[dict[str, Any], list[int]]] = []
    for p in paths:
        manifest, files = read_package(Path(p))
        try:
            data = json.loads(files[DATA].decode("utf-8"))
            counts = [int(x) for x in data["summary"]["bieu1_counts"]]
        except (KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise BadFile(f"Tệp dữ liệu trong gói {Path(p).name} không đọc được.", code="bad_data") from exc
        code = manifest.get("commune", {}).get("code")
        if any(m["commune"]["code"] == code for m, _ in entries):
            raise BadFile(
                f"Có hai gói của cùng một xã (mã {code}); chỉ chọn gói mới nhất của mỗi xã.", code="duplicate"
            )
        entries.append((manifest, counts))
    return entries
