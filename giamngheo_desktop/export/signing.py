"""Signing upload packages (Ed25519, from ``cryptography``) and the receiving office's key register.

The API other parts build on (see ``docs/package-format.md``, "Signatures"):

Commune side
    :func:`commune_key` — the commune's signing key, made on first use and kept in the user's
    data folder (``khoa-ky-goi/<commune code>.key``), never in the data file: someone holding
    only the ``.sqlite`` file cannot sign packages. :meth:`CommuneKey.sign` signs bytes;
    :attr:`CommuneKey.public_text` is what the commune hands the receiving office once
    (``keys show``), with :attr:`CommuneKey.fingerprint` to read out over the phone.

Receiving side
    :class:`KeyRegister` — a JSON file (default ``noi-nhan/khoa-cac-xa.json`` in the data
    folder) mapping commune code → registered public key, plus what was received: the last
    sequence number per commune and period, and the last audit head per commune.
    :meth:`KeyRegister.register`, :meth:`KeyRegister.public_key`, :meth:`KeyRegister.check_receipt`
    (replay / out of order / history gone backwards, without recording) and
    :meth:`KeyRegister.record_receipt`. :func:`verify` checks one signature.

Nothing here reads the database; ``export.package`` uses these to write and read packages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from giamngheo_desktop import clock
from giamngheo_desktop.domain.errors import BadFile, StorageUnavailable
from giamngheo_desktop.paths import default_data_dir

ALGORITHM = "ed25519"
COMMUNE_CODE = re.compile(r"^[0-9]{5}$")
KEY_FOLDER = "khoa-ky-goi"
REGISTER_FILE = Path("noi-nhan") / "khoa-cac-xa.json"


def key_id(public_raw: bytes) -> str:
    """16 hex digits naming a public key (the first 8 bytes of its SHA-256)."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def fingerprint(public_raw: bytes) -> str:
    """The key id in groups of four, to read out over the phone: ``a1b2-c3d4-e5f6-0718``."""
    kid = key_id(public_raw)
    return "-".join(kid[i : i + 4] for i in range(0, 16, 4))


def public_text(code: str, public_raw: bytes) -> str:
    """One line a commune gives the receiving office: ``giamngheo-ed25519 <code> <base64>``."""
    return f"giamngheo-{ALGORITHM} {code} {base64.b64encode(public_raw).decode('ascii')}"


def parse_public_text(text: str) -> tuple[str, bytes]:
    """(commune code, raw public key) from :func:`public_text`'s line; BadFile when it is not one."""
    parts = text.strip().split()
    if len(parts) != 3 or parts[0] != f"giamngheo-{ALGORITHM}" or not COMMUNE_CODE.match(parts[1]):
        raise BadFile(
            "Khóa công khai không đúng dạng: cần một dòng «giamngheo-ed25519 <mã xã 5 chữ số> <khóa>» "
            "do xã gửi (lệnh `keys show` ở xã).",
            code="bad_key",
        )
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadFile("Khóa công khai không đúng dạng (phần khóa không phải base64).", code="bad_key") from exc
    if len(raw) != 32:
        raise BadFile("Khóa công khai không đúng độ dài (Ed25519 cần 32 byte).", code="bad_key")
    return parts[1], raw


def verify(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``message`` signed by the private half of ``public_raw``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class CommuneKey:
    """A commune's signing key (the private half stays in the user's data folder)."""

    code: str
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        return key_id(self.public_raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    @property
    def public_text(self) -> str:
        return public_text(self.code, self.public_raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def key_folder(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / KEY_FOLDER


def commune_key(code: str, *, data_dir: Path | None = None, create: bool = True) -> CommuneKey:
    """The commune's signing key, made (and kept, readable by this user only) on first use."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    if not COMMUNE_CODE.match(code or ""):
        raise BadFile(
            f"Mã xã «{code}» không phải 5 chữ số; hãy khai báo đúng mã xã (Tệp → Thông tin xã) trước khi tạo gói.",
            code="bad_commune_code",
        )
    path = key_folder(data_dir) / f"{code}.key"
    if path.exists():
        try:
            raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
            return CommuneKey(code, Ed25519PrivateKey.from_private_bytes(raw))
        except (OSError, ValueError, binascii.Error) as exc:
            raise StorageUnavailable(
                f"Không đọc được khóa ký gói của xã ({path}). Nếu tệp khóa bị mất hay hỏng, hãy xóa nó để "
                "tạo khóa mới rồi gửi khóa công khai mới cho nơi nhận (lệnh `keys show`).",
                code="bad_key",
            ) from exc
    if not create:
        raise StorageUnavailable(f"Xã {code} chưa có khóa ký gói trên máy này.", code="no_key")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(raw).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise StorageUnavailable(
            f"Không ghi được khóa ký gói vào {path.parent}: {exc.strerror}.", code="no_key"
        ) from exc
    return CommuneKey(code, private)


# ------------------------------------------------------------ receiving side ---
@dataclass(frozen=True)
class Receipt:
    """What the register says about a package before it is recorded."""

    problems: list[str]  # refusals: a replay, an older sending
    notes: list[str]  # reported, not refused: sendings skipped, history gone backwards

    @property
    def ok(self) -> bool:
        return not self.problems


class KeyRegister:
    """The receiving office's register of communes' public keys and of packages received."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_data_dir() / REGISTER_FILE
        self.data: dict[str, Any] = {"communes": {}, "received": {}}
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StorageUnavailable(f"Sổ khóa của nơi nhận ({self.path}) bị hỏng, không đọc được.") from exc
            if isinstance(loaded, dict):
                self.data["communes"] = dict(loaded.get("communes") or {})
                self.data["received"] = dict(loaded.get("received") or {})

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(self.path.name + ".tmp")
            temp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except OSError as exc:
            raise StorageUnavailable(f"Không ghi được sổ khóa của nơi nhận ({self.path}): {exc.strerror}.") from exc

    def register(self, text: str, *, name: str = "", replace: bool = False) -> tuple[str, str]:
        """Register a commune's public key line; returns (commune code, fingerprint)."""
        code, raw = parse_public_text(text)
        known = self.data["communes"].get(code)
        if known and known["public_key"] != base64.b64encode(raw).decode("ascii") and not replace:
            raise BadFile(
                f"Xã {code} đã có khóa công khai khác (vân tay {known['fingerprint']}). Chỉ thay khi đã gọi điện "
                "xác nhận với xã rằng họ đổi khóa (thêm --replace).",
                code="key_conflict",
            )
        self.data["communes"][code] = {
            "public_key": base64.b64encode(raw).decode("ascii"),
            "key_id": key_id(raw),
            "fingerprint": fingerprint(raw),
            "name": name,
            "registered_at": clock.now_iso(),
        }
        self.save()
        return code, fingerprint(raw)

    def public_key(self, code: str) -> bytes | None:
        entry = self.data["communes"].get(code)
        return base64.b64decode(entry["public_key"]) if entry else None

    def check_receipt(self, manifest: dict[str, Any], sha256: str) -> Receipt:
        """Replay, older sending, skipped sendings, history gone backwards — without recording."""
        code = manifest["commune"]["code"]
        period = manifest["period"]["key"]
        seq = int(manifest["sequence"])
        seen = self.data["received"].get(code, {})
        sendings = seen.get("periods", {}).get(period, {})
        problems, notes = [], []
        last = int(sendings.get("last", 0))
        if sha256 in sendings.get("files", []):
            problems.append(f"gói này đã được nhận rồi (lần gửi thứ {seq} của kỳ {manifest['period']['label']})")
        elif seq <= last:
            problems.append(
                f"gói là lần gửi thứ {seq} nhưng đã nhận lần thứ {last} của kỳ {manifest['period']['label']} "
                "(gửi lại gói cũ hoặc gói bị phát lại)"
            )
        elif seq > last + 1:
            missing = ", ".join(str(n) for n in range(last + 1, seq))
            notes.append(f"chưa nhận lần gửi thứ {missing} của kỳ này (gói đến không theo thứ tự)")
        head = manifest.get("audit_head") or {}
        before = seen.get("audit_head") or {}
        if before and int(head.get("id", 0)) < int(before.get("id", 0)):
            notes.append(
                f"nhật ký thay đổi của xã đi lùi: gói trước đã có {before['id']} mục, "
                f"gói này chỉ có {head.get('id', 0)} "
                "(xã có thể đã khôi phục một bản sao lưu cũ hoặc nhật ký bị cắt) — hãy hỏi lại xã"
            )
        return Receipt(problems, notes)

    def record_receipt(self, manifest: dict[str, Any], sha256: str) -> None:
        code = manifest["commune"]["code"]
        seen = self.data["received"].setdefault(code, {"periods": {}})
        sendings = seen["periods"].setdefault(manifest["period"]["key"], {"last": 0, "files": []})
        sendings["last"] = max(int(sendings["last"]), int(manifest["sequence"]))
        sendings["files"].append(sha256)
        head = manifest.get("audit_head")
        if head and int(head.get("id", 0)) >= int((seen.get("audit_head") or {}).get("id", 0)):
            seen["audit_head"] = {"id": int(head["id"]), "hash": head["hash"]}
        self.save()
