"""The upload package's manifest and data file, checked strictly before anything else is read.

:func:`check_manifest` checks every field of ``manifest.json`` (types, ranges, lengths, allowed
characters, no unknown fields) and raises one :class:`BadFile` listing each field error as a
Vietnamese sentence naming the field ("trường «commune.code»: …"). :func:`check_data` checks that
``du-lieu.json`` agrees with the manifest (commune, period, counts) and that the Biểu 1 counts
``combine`` adds up are whole, non-negative numbers. :func:`load_json` refuses duplicate keys,
NaN and Infinity. Pure functions over parsed JSON: no files, no database.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from giamngheo_desktop.domain.documents import PACKAGE_FORMAT
from giamngheo_desktop.domain.errors import BadFile

FORMAT_VERSION = 2  # 2: signed (manifest.sig), audit head, strict schema; 1 (unsigned) is refused
WORKBOOK = "bao-cao.xlsx"
DATA = "du-lieu.json"
LISTED_FILES = (WORKBOOK, DATA)
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_COUNT = 10_000_000  # more households, persons or supports than a commune can have
BIEU1_LENGTH = 8

_CODE = re.compile(r"^[0-9]{5}$")
_PERIOD_KEY = re.compile(r"^[0-9A-Za-z:._-]{1,40}$")
_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,32}$")
_REPORT_KIND = re.compile(r"^[a-z0-9_.]{1,40}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def load_json(data: bytes, what: str, label: str) -> Any:
    """Parse JSON strictly: UTF-8, no duplicate keys, no NaN/Infinity. BadFile naming ``what``."""
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _Duplicate as exc:
        raise BadFile(
            f"Gói {label}: tệp {what} có trường «{str(exc)[:40]}» ghi hai lần; không mở gói này.", code="bad_manifest"
        ) from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadFile(f"Gói {label}: tệp {what} bị hỏng (không phải JSON hợp lệ).", code="bad_manifest") from exc


def _kind(value: Any) -> str:
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return "đúng/sai"
    if isinstance(value, int):
        return "số nguyên"
    if isinstance(value, float):
        return "số thập phân"
    if isinstance(value, str):
        return "chữ"
    if isinstance(value, list):
        return "danh sách"
    if isinstance(value, dict):
        return "nhóm trường"
    return type(value).__name__


def _plain_text(value: str) -> bool:
    """No control or format characters (line breaks, bidi overrides, zero-width …)."""
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in value)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(f"trường «{field}»: {reason}")

    def obj(self, value: Any, field: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field, f"phải là một nhóm trường (đang là {_kind(value)})")
            return {}
        for key in keys:
            if key not in value:
                self.fail(f"{field}.{key}" if field else key, "bị thiếu")
        for key in value:
            if key not in keys and key not in optional:
                shown = key if _plain_text(str(key)) and len(str(key)) <= 40 else "(tên lạ)"
                self.fail(f"{field}.{shown}" if field else shown, "là trường lạ, không có trong định dạng gói")
        return value

    def text(self, value: Any, field: str, *, max_len: int, pattern: re.Pattern[str] | None = None) -> str | None:
        if not isinstance(value, str):
            self.fail(field, f"phải là chữ (đang là {_kind(value)})")
            return None
        if not value or len(value) > max_len:
            self.fail(field, f"phải dài từ 1 đến {max_len} ký tự (đang dài {len(value)})")
            return None
        if not _plain_text(value):
            self.fail(field, "chứa ký tự điều khiển hoặc ký tự ẩn")
            return None
        if pattern is not None and not pattern.match(value):
            self.fail(field, "có ký tự không được phép")
            return None
        return value

    def integer(self, value: Any, field: str, *, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, f"phải là số nguyên (đang là {_kind(value)})")
            return None
        if not low <= value <= high:
            self.fail(field, f"phải từ {low} đến {high} (đang là {value})")
            return None
        return value

    def date(self, value: Any, field: str, parse: Callable[[str], Any]) -> Any:
        text = self.text(value, field, max_len=40)
        if text is None:
            return None
        try:
            return parse(text)
        except ValueError:
            self.fail(field, "không phải ngày giờ hợp lệ (dạng ISO, ví dụ 2026-11-30)")
            return None


def check_manifest(manifest: Any, label: str) -> dict[str, Any]:
    """Every field of ``manifest.json``; BadFile listing each field error (in Vietnamese)."""
    c = _Checker()
    top = (
        "format",
        "format_version",
        "commune",
        "period",
        "sequence",
        "created_at",
        "app_version",
        "schema_version",
        "counts",
        "reports",
        "files",
        "audit_head",
        "signer",
    )
    if not isinstance(manifest, dict) or manifest.get("format") != PACKAGE_FORMAT:
        raise BadFile(f"Tệp {label} không phải gói dữ liệu của phần mềm giảm nghèo.", code="bad_manifest")
    version = manifest.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise BadFile(f"Gói {label} được tạo bởi phiên bản mới hơn; hãy cập nhật phần mềm.", code="too_new")
    if version == 1:
        raise BadFile(
            f"Gói {label} được tạo bởi phiên bản cũ, chưa có chữ ký của xã; đề nghị xã cập nhật phần mềm và gửi lại.",
            code="unsigned",
        )
    m = c.obj(manifest, "", top)
    if "format_version" in m:
        c.integer(m["format_version"], "format_version", low=FORMAT_VERSION, high=FORMAT_VERSION)
    if "commune" in m:
        commune = c.obj(m["commune"], "commune", ("code", "name"))
        if "code" in commune:
            c.text(commune["code"], "commune.code", max_len=5, pattern=_CODE)
        if "name" in commune:
            c.text(commune["name"], "commune.name", max_len=120)
    if "period" in m:
        period = c.obj(m["period"], "period", ("key", "label", "start", "end"))
        if "key" in period:
            c.text(period["key"], "period.key", max_len=40, pattern=_PERIOD_KEY)
        if "label" in period:
            c.text(period["label"], "period.label", max_len=120)
        start = c.date(period.get("start"), "period.start", _dt.date.fromisoformat) if "start" in period else None
        end = c.date(period.get("end"), "period.end", _dt.date.fromisoformat) if "end" in period else None
        if start is not None and end is not None and start > end:
            c.fail("period.end", "đứng trước ngày bắt đầu kỳ")
    if "sequence" in m:
        c.integer(m["sequence"], "sequence", low=1, high=9999)
    if "created_at" in m:
        c.date(m["created_at"], "created_at", _dt.datetime.fromisoformat)
    if "app_version" in m:
        c.text(m["app_version"], "app_version", max_len=32, pattern=_VERSION)
    if "schema_version" in m:
        c.integer(m["schema_version"], "schema_version", low=1, high=10_000)
    if "counts" in m:
        counts = c.obj(m["counts"], "counts", ("households", "members", "supports", "reports"))
        for key in ("households", "members", "supports"):
            if key in counts:
                c.integer(counts[key], f"counts.{key}", low=0, high=MAX_COUNT)
        if "reports" in counts:
            c.integer(counts["reports"], "counts.reports", low=0, high=200)
    if "reports" in m:
        if not isinstance(m["reports"], list) or len(m["reports"]) > 200:
            c.fail("reports", "phải là danh sách tối đa 200 tên biểu")
        else:
            for n, kind in enumerate(m["reports"]):
                c.text(kind, f"reports[{n}]", max_len=40, pattern=_REPORT_KIND)
    if "files" in m:
        _check_files(c, m["files"])
    if "audit_head" in m:
        head = c.obj(m["audit_head"], "audit_head", ("id", "hash"))
        if "id" in head:
            c.integer(head["id"], "audit_head.id", low=0, high=2**53)
        if "hash" in head and head["hash"] != "":
            c.text(head["hash"], "audit_head.hash", max_len=64, pattern=_HEX64)
    if "signer" in m:
        signer = c.obj(m["signer"], "signer", ("algorithm", "key_id"))
        if "algorithm" in signer and signer["algorithm"] != "ed25519":
            c.fail("signer.algorithm", "chỉ chấp nhận «ed25519»")
        if "key_id" in signer:
            c.text(signer["key_id"], "signer.key_id", max_len=16, pattern=_HEX16)
    if c.errors:
        shown = "\n".join(f"  – {e}" for e in c.errors[:20])
        more = f"\n  … và {len(c.errors) - 20} lỗi khác." if len(c.errors) > 20 else ""
        raise BadFile(
            f"Tệp manifest.json trong gói {label} không đúng định dạng; không mở gói này:\n{shown}{more}",
            code="bad_manifest",
        )
    return m


def _check_files(c: _Checker, files: Any) -> None:
    if not isinstance(files, list):
        c.fail("files", f"phải là danh sách (đang là {_kind(files)})")
        return
    names: list[str] = []
    for n, entry in enumerate(files):
        f = c.obj(entry, f"files[{n}]", ("name", "size", "sha256"))
        if "name" in f:
            name = c.text(f["name"], f"files[{n}].name", max_len=40)
            if name is not None and name not in LISTED_FILES:
                c.fail(f"files[{n}].name", f"«{name}» không phải tệp của gói (chỉ {', '.join(LISTED_FILES)})")
            elif name is not None:
                if name in names:
                    c.fail(f"files[{n}].name", f"«{name}» được ghi hai lần")
                names.append(name)
        if "size" in f:
            c.integer(f["size"], f"files[{n}].size", low=0, high=MAX_FILE_BYTES)
        if "sha256" in f:
            c.text(f["sha256"], f"files[{n}].sha256", max_len=64, pattern=_HEX64)
    missing = [n for n in LISTED_FILES if n not in names]
    if missing and not c.errors:
        c.fail("files", f"thiếu {', '.join(missing)}")


def check_data(data: Any, manifest: dict[str, Any], label: str) -> list[int]:
    """``du-lieu.json`` agrees with the manifest; returns the Biểu 1 counts (8 whole numbers ≥ 0)."""
    c = _Checker()
    if not isinstance(data, dict):
        raise BadFile(f"Gói {label}: tệp du-lieu.json không phải một nhóm trường.", code="bad_data")
    if data.get("format") != PACKAGE_FORMAT:
        c.fail("du-lieu.json: format", "không phải dữ liệu của phần mềm giảm nghèo")
    commune: dict[str, Any] = data["commune"] if isinstance(data.get("commune"), dict) else {}
    if commune.get("code") != manifest["commune"]["code"]:
        c.fail(
            "du-lieu.json: commune.code",
            f"là «{commune.get('code')}», khác mã xã trong manifest «{manifest['commune']['code']}»",
        )
    period: dict[str, Any] = data["period"] if isinstance(data.get("period"), dict) else {}
    if period.get("key") != manifest["period"]["key"]:
        c.fail("du-lieu.json: period.key", f"là «{period.get('key')}», khác kỳ trong manifest")
    households = data.get("households")
    supports = data.get("supports")
    if not isinstance(households, list) or not all(
        isinstance(h, dict) and isinstance(h.get("members"), list) for h in households
    ):
        c.fail("du-lieu.json: households", "phải là danh sách hộ, mỗi hộ có danh sách nhân khẩu")
        households = None
    if not isinstance(supports, list):
        c.fail("du-lieu.json: supports", "phải là danh sách")
        supports = None
    counts = manifest["counts"]
    if households is not None and len(households) != counts["households"]:
        c.fail("counts.households", f"manifest ghi {counts['households']} hộ nhưng dữ liệu có {len(households)}")
    if households is not None:
        members = sum(len(h["members"]) for h in households)
        if members != counts["members"]:
            c.fail("counts.members", f"manifest ghi {counts['members']} nhân khẩu nhưng dữ liệu có {members}")
    if supports is not None and len(supports) != counts["supports"]:
        c.fail("counts.supports", f"manifest ghi {counts['supports']} lượt hỗ trợ nhưng dữ liệu có {len(supports)}")
    summary: dict[str, Any] = data["summary"] if isinstance(data.get("summary"), dict) else {}
    raw = summary.get("bieu1_counts")
    result: list[int] = []
    if not isinstance(raw, list) or len(raw) != BIEU1_LENGTH:
        c.fail("du-lieu.json: summary.bieu1_counts", f"phải là danh sách {BIEU1_LENGTH} số")
    else:
        for n, value in enumerate(raw):
            checked = c.integer(value, f"du-lieu.json: summary.bieu1_counts[{n}]", low=0, high=MAX_COUNT)
            if checked is not None:
                result.append(checked)
    if c.errors:
        shown = "\n".join(f"  – {e}" for e in c.errors[:20])
        raise BadFile(
            f"Dữ liệu trong gói {label} không khớp với manifest hoặc không đúng định dạng; "
            f"không dùng gói này:\n{shown}",
            code="bad_data",
        )
    return result
