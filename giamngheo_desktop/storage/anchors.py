"""Anchors of the audit trail kept outside the data file.

Each seal (``audit.seal``) that has been committed appends one line to ``nhat-ky-neo.jsonl`` in
the user's data folder: the file's id (``app_setting`` ``audit.file_id``), the head entry's id
and hash, when and why, and an HMAC of the line with the installation's audit key. The file is
only ever appended to. ``audit.verify`` reads the anchors of the file it checks: a head behind an
anchor means entries were cut off the end; an anchored entry whose hash changed means the chain
was rewritten. A restore appends a ``restore`` line (the history legitimately goes back to the
backup's head); anchors before the latest restore no longer bind.

Backups carry the same facts in a sidecar (``<backup>.sqlite.json``, ``services.backup``) and
upload packages in their manifest (``audit_head``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.paths import default_data_dir
from giamngheo_desktop.storage.functions import audit_key

ANCHOR_FILE = "nhat-ky-neo.jsonl"


def anchor_path(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / ANCHOR_FILE


def _mac(fields: dict[str, Any]) -> str:
    key = audit_key()
    if key is None:
        return ""
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def append(file_id: str, head: dict[str, Any], *, reason: str, path: Path | str = "", **extra: Any) -> None:
    """Append one anchor line (best effort: an anchor that cannot be written never stops work)."""
    fields = {
        "file_id": file_id,
        "id": int(head.get("id", 0)),
        "hash": str(head.get("hash", "")),
        "at": clock.now_iso(),
        "reason": reason,
        "path": str(path),
        **extra,
    }
    line = json.dumps({**fields, "mac": _mac(fields)}, ensure_ascii=False, sort_keys=True) + "\n"
    target = anchor_path()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class Anchor:
    id: int
    hash: str
    at: str
    reason: str
    trusted: bool  # its HMAC matches this installation's key


def read(file_id: str) -> list[Anchor]:
    """This file's anchors after its latest restore, oldest first (lines of other files skipped)."""
    target = anchor_path()
    if not target.exists():
        return []
    found: list[Anchor] = []
    try:
        lines = target.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    for line in lines:
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict) or entry.get("file_id") != file_id:
                continue
            mac = entry.pop("mac", "")
            trusted = bool(mac) and hmac.compare_digest(str(mac), _mac(entry))
            if entry.get("reason") == "restore" and trusted:
                found = []  # the history went back to the restored backup: older anchors no longer bind
            found.append(Anchor(int(entry["id"]), str(entry["hash"]), str(entry["at"]), str(entry["reason"]), trusted))
        except (ValueError, KeyError, TypeError):
            continue
    return found
