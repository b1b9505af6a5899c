"""Fuzzing the list import (CSV bytes, xlsx cell values) and the upload-package reader:
a DomainError with a message or a result, never another exception, nothing written."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.storage.connection import Database
from tests.safety.corpus import HEADER, Outcome, answered, check_safe, xlsx_bytes

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _plan(db: Database, data: bytes, suffix: str) -> tuple[Path, list[Outcome]]:
    """The file read and planned as the officer's import would (``check_safe``: no crash, the file
    unchanged, nothing written)."""
    path = Path(tempfile.mkdtemp()) / f"danh-sach{suffix}"
    path.write_bytes(data)
    return path, check_safe(db, path, commit=False)


header_line = (";".join(HEADER) + "\n").encode()
cell_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
csv_row = st.lists(cell_text, min_size=0, max_size=9).map(lambda cells: ";".join(cells))


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=600),
        st.lists(csv_row, max_size=8).map(lambda rows: header_line + "\n".join(rows).encode("utf-8")),
        st.lists(csv_row, max_size=8).map(
            lambda rows: header_line + "\n".join(rows).encode("cp1258", errors="replace")
        ),
    )
)
def test_fuzz_csv_bytes(db: Database, body: bytes) -> None:
    path, outcomes = _plan(db, body, ".csv")
    assert len(outcomes) == 2 and all(answered(o, path) for o in outcomes), outcomes


xlsx_value = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(["=1/0", '=HYPERLINK("x")', "+cmd", "@SUM(A1)", "01-0001", "Chủ hộ", "Thôn 1", "31/02/2020"]),
)


@FUZZ
@given(rows=st.lists(st.lists(xlsx_value, min_size=1, max_size=8), max_size=6), with_header=st.booleans())
def test_fuzz_xlsx_cells(db: Database, rows: list[list[Any]], with_header: bool) -> None:
    table = [HEADER, *rows] if with_header else rows
    try:
        data = xlsx_bytes(table or [[None]])
    except Exception:  # openpyxl refuses some values (illegal characters); not our reader's business
        assume(False)
        raise
    path, outcomes = _plan(db, data, ".xlsx")
    assert len(outcomes) == 2 and all(answered(o, path) for o in outcomes), outcomes


# -- upload packages ------------------------------------------------------------------------
def package_bytes(files: dict[str, bytes] | None = None, *, manifest: dict[str, Any] | None = None) -> bytes:
    """A small signed package (the key registered with this test's receiving office); ``manifest``
    overrides fields and is signed too, so the checks after the signature are reached."""
    data = {
        "format": package.FORMAT,
        "commune": {"code": "01234", "name": "xã Tân Lập"},
        "period": {"key": "2026"},
        "households": [],
        "supports": [],
        "summary": {"bieu1_counts": [0] * 8},
    }
    files = files if files is not None else {package.WORKBOOK: b"xlsx", package.DATA: json.dumps(data).encode()}
    key = signing.commune_key("01234")
    signing.KeyRegister().register(key.public_text)
    meta: dict[str, Any] = {
        "format": package.FORMAT,
        "format_version": package.FORMAT_VERSION,
        "commune": {"code": "01234", "name": "xã Tân Lập"},
        "period": {"key": "2026", "label": "Năm 2026", "start": "2026-01-01", "end": "2026-12-31"},
        "sequence": 1,
        "created_at": "2026-12-01T08:00:00",
        "app_version": "0.1.0",
        "schema_version": 4,
        "counts": {"households": 0, "members": 0, "supports": 0, "reports": 0},
        "reports": [],
        "files": [{"name": n, "size": len(b), "sha256": package.sha256_bytes(b)} for n, b in files.items()],
        "audit_head": {"id": 0, "hash": ""},
        "signer": {"algorithm": "ed25519", "key_id": key.key_id},
    }
    meta.update(manifest or {})
    manifest_bytes = json.dumps(meta, ensure_ascii=False).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(package.MANIFEST, manifest_bytes)
        zf.writestr(package.SIGNATURE, base64.b64encode(key.sign(manifest_bytes)))
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def _read(data: bytes) -> dict[str, Any] | BadFile:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "goi.zip"
        path.write_bytes(data)
        try:
            return package.open_package(path).manifest
        except BadFile as exc:
            assert any(ch in str(exc) for ch in "ăâđêôơưàáảãạệếềốồớờứừ") and "Traceback" not in str(exc), exc
            return exc


def test_a_good_package_reads_back() -> None:
    manifest = _read(package_bytes())
    assert isinstance(manifest, dict) and manifest["format"] == package.FORMAT


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_fuzz_truncated_package(cut: int) -> None:
    data = package_bytes()
    assume(cut < len(data))
    assert isinstance(_read(data[:cut]), BadFile)


@FUZZ
@given(position=st.integers(min_value=0, max_value=10_000), value=st.integers(min_value=0, max_value=255))
def test_fuzz_flipped_byte(position: int, value: int) -> None:
    data = bytearray(package_bytes())
    assume(position < len(data) and data[position] != value)
    data[position] = value
    result = _read(bytes(data))
    # refused with a message, or (a byte of metadata nothing reads) read exactly as sent
    assert isinstance(result, BadFile) or result == _read(package_bytes())


def test_package_needing_an_unknown_zip_version_is_refused_with_a_message() -> None:
    """Found by the byte-flip fuzzer: a damaged "version needed" field made zipfile raise
    NotImplementedError, which reached the officer as a crash instead of a message."""
    data = bytearray(package_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 64  # version needed to extract: 6.4
    result = _read(bytes(data))
    assert isinstance(result, BadFile) and "không phải gói dữ liệu hợp lệ" in str(result)


def test_package_whose_entry_claims_a_password_is_refused_with_a_message() -> None:
    """Found by the byte-flip fuzzer (position 264): a damaged flag marking an entry as encrypted
    made zipfile raise RuntimeError, which reached the officer as a crash instead of a message."""
    data = bytearray(package_bytes())
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # local and central headers of every entry
        start = 0
        while (at := data.find(header, start)) >= 0:
            flags = at + (6 if header == b"PK\x03\x04" else 8)
            data[flags] |= 1  # "encrypted"
            start = at + 4
    result = _read(bytes(data))
    assert isinstance(result, BadFile) and "hỏng" in str(result)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "C:/Windows/x", "a/../../b", "./du-lieu.json"]
)
def test_traversal_member_names(name: str) -> None:
    result = _read(package_bytes({name: b"x"}))
    assert isinstance(result, BadFile) and "không an toàn" in str(result)


def test_tampered_manifest_and_content() -> None:
    files = [{"name": n, "size": 4, "sha256": "0" * 64} for n in (package.WORKBOOK, package.DATA)]
    assert "bị thay đổi" in str(_read(package_bytes(manifest={"files": files})))
    assert "không phải gói" in str(_read(package_bytes(manifest={"format": "khac"})))
    assert "mới hơn" in str(_read(package_bytes(manifest={"format_version": 99})))
    assert "thiếu" in str(_read(package_bytes(manifest={"files": []})))


def test_zip_bomb_ratio() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(package.MANIFEST, "{}")
        zf.writestr(package.DATA, b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros, ~20 KB compressed
    result = _read(out.getvalue())
    assert isinstance(result, BadFile) and "bom nén" in str(result)
