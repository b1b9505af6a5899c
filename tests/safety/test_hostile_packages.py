"""Hostile upload packages: every one refused with a Vietnamese BadFile — no traceback,
no forgery accepted, nothing recorded as received.

Each case starts from one good signed package and breaks one thing the way a careless tool, a
damaged copy or someone editing the zip by hand would. Cases marked ``resign`` are signed again
with the commune's real key (an insider, or a bug on the commune side): the checks after the
signature (manifest ↔ data agreement, Biểu 1 counts) must still refuse them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from giamngheo_desktop.cli import main as cli_main
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.services import commune, demo
from giamngheo_desktop.services.package import make_package
from giamngheo_desktop.storage.database import open_database

CODE = "01234"


@pytest.fixture(scope="module")
def good_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a good package, the data folder holding the commune's key) — made once for the module."""
    import os

    folder = tmp_path_factory.mktemp("hostile")
    appdata = folder / "appdata"
    old = os.environ.get("GIAMNGHEO_DATA_DIR")
    os.environ["GIAMNGHEO_DATA_DIR"] = str(appdata)
    try:
        db_file = folder / "xa.sqlite"
        with open_database(db_file) as db:
            demo.generate(db, households=60, seed=3)
            settings = commune.get_commune(db)
            settings.code = CODE
            commune.save_commune(db, settings)
            result = make_package(
                db, period=periods.parse("2026-11"), write=lambda c: package.write_package(c, folder / "out")
            )
    finally:
        if old is None:
            os.environ.pop("GIAMNGHEO_DATA_DIR", None)
        else:
            os.environ["GIAMNGHEO_DATA_DIR"] = old
    return result.path, appdata


@pytest.fixture
def register(good_package: tuple[Path, Path], tmp_path: Path) -> signing.KeyRegister:
    _, appdata = good_package
    reg = signing.KeyRegister(tmp_path / "so-khoa.json")
    reg.register(signing.commune_key(CODE, data_dir=appdata).public_text, name="xã Thử")
    return reg


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def _sign(manifest_bytes: bytes, key: Ed25519PrivateKey) -> bytes:
    return base64.b64encode(key.sign(manifest_bytes))


def _rebuild(
    good: Path,
    out: Path,
    *,
    manifest: Callable[[dict[str, Any]], Any] | None = None,
    data: Callable[[dict[str, Any]], Any] | None = None,
    rehash: bool = True,
    key: Ed25519PrivateKey | None = None,
    raw_manifest: bytes | None = None,
) -> Path:
    files = _entries(good)
    m = json.loads(files[package.MANIFEST])
    if data is not None:
        d = json.loads(files[package.DATA])
        changed = data(d)
        files[package.DATA] = json.dumps(d if changed is None else changed, ensure_ascii=False).encode()
        if rehash:
            for f in m["files"]:
                if f["name"] == package.DATA:
                    f["size"] = len(files[package.DATA])
                    f["sha256"] = hashlib.sha256(files[package.DATA]).hexdigest()
    if manifest is not None:
        changed = manifest(m)
        m = m if changed is None else changed
    files[package.MANIFEST] = raw_manifest if raw_manifest is not None else json.dumps(m, ensure_ascii=False).encode()
    if key is not None:
        files[package.SIGNATURE] = _sign(files[package.MANIFEST], key)
    return _zip(out, list(files.items()))


def _real_key(appdata: Path) -> Ed25519PrivateKey:
    return signing.commune_key(CODE, data_dir=appdata).private


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(m: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = m
        for p in parents:
            target = target[p]
        target[last] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda m: m.pop(key) and None


OTHER = Ed25519PrivateKey.generate()

# name → (how to build it from the good package, the refusal codes accepted)
CASES: dict[str, tuple[Callable[[Path, Path, Path], Path], set[str]]] = {}


def case(
    name: str, codes: set[str]
) -> Callable[[Callable[[Path, Path, Path], Path]], Callable[[Path, Path, Path], Path]]:
    def add(fn: Callable[[Path, Path, Path], Path]) -> Callable[[Path, Path, Path], Path]:
        CASES[name] = (fn, codes)
        return fn

    return add


MANIFEST_EDITS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "version-abc": _set("format_version", "abc"),
    "version-float": _set("format_version", 2.0),
    "version-huge": _set("format_version", 10**40),
    "missing-sequence": _drop("sequence"),
    "missing-commune": _drop("commune"),
    "missing-files": _drop("files"),
    "commune-code-list": _set("commune.code", ["01234"]),
    "commune-code-letters": _set("commune.code", "0123A"),
    "commune-code-long": _set("commune.code", "012345"),
    "commune-name-nul": _set("commune.name", "xã\x00Thử"),
    "commune-name-newline": _set("commune.name", "xã Thử\nDÒNG GIẢ"),
    "commune-name-bidi": _set("commune.name", "xã \u202eửhT"),
    "commune-name-empty": _set("commune.name", ""),
    "commune-name-huge": _set("commune.name", "x" * 5000),
    "counts-a-list": _set("counts", [1, 2, 3]),
    "counts-short": lambda m: m["counts"].pop("members") and None,
    "counts-negative": _set("counts.households", -1),
    "counts-fraction": _set("counts.households", 2.5),
    "counts-1e30": _set("counts.households", 1e30),
    "counts-string": _set("counts.households", "12"),
    "sequence-zero": _set("sequence", 0),
    "sequence-bool": _set("sequence", True),
    "sequence-null": _set("sequence", None),
    "period-backwards": lambda m: m["period"].update(start="2026-12-31", end="2026-01-01"),
    "period-bad-date": _set("period.start", "31/12/2026"),
    "period-key-slash": _set("period.key", "../2026"),
    "created-at-words": _set("created_at", "hôm qua"),
    "unknown-field": _set("ghi_chu", "thêm"),
    "files-traversal-name": lambda m: m["files"][0].update(name="../bao-cao.xlsx"),
    "files-twice": lambda m: m["files"].append(dict(m["files"][0])),
    "files-sha-short": lambda m: m["files"][0].update(sha256="abc"),
    "signer-rsa": _set("signer.algorithm", "rsa"),
    "audit-head-negative": _set("audit_head.id", -5),
    "manifest-a-list": lambda m: [m],
    "manifest-a-string": lambda m: "manifest",
}

for _name, _edit in MANIFEST_EDITS.items():

    def _build(good: Path, appdata: Path, out: Path, _edit: Callable[[dict[str, Any]], Any] = _edit) -> Path:
        return _rebuild(good, out, manifest=_edit, key=_real_key(appdata))  # signed even: the schema refuses

    CASES[f"manifest-{_name}"] = (_build, {"bad_manifest", "too_new"} if _name == "version-huge" else {"bad_manifest"})


@case("manifest-duplicate-key", {"bad_manifest"})
def _dup_key(good: Path, appdata: Path, out: Path) -> Path:
    text = _entries(good)[package.MANIFEST].decode()
    raw = text.replace('"sequence":', '"sequence": 99, "sequence":', 1).encode()
    return _rebuild(good, out, raw_manifest=raw, key=_real_key(appdata))


@case("manifest-nan", {"bad_manifest"})
def _nan(good: Path, appdata: Path, out: Path) -> Path:
    text = _entries(good)[package.MANIFEST].decode()
    raw = text.replace('"schema_version": ', '"schema_version": NaN, "x": ', 1).encode()
    return _rebuild(good, out, raw_manifest=raw, key=_real_key(appdata))


@case("manifest-not-utf8", {"bad_manifest"})
def _latin(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, raw_manifest=b"\xff\xfe{}", key=_real_key(appdata))


@case("manifest-huge", {"bad_manifest", "zip_bomb"})
def _huge(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, raw_manifest=b"{" + b" " * 400_000 + b"}", key=_real_key(appdata))


@case("unsigned-version-1", {"unsigned"})
def _v1(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, manifest=_set("format_version", 1))


@case("data-edited-hashes-recomputed", {"bad_signature"})
def _forged(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d["summary"].update(bieu1_counts=[999] * 8))


@case("data-edited-signed-by-another-key", {"bad_signature"})
def _other_key(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d["summary"].update(bieu1_counts=[999] * 8), key=OTHER)


@case("data-edited-other-key-claiming-the-key-id", {"bad_signature"})
def _claim(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d["households"].pop(), key=OTHER)


@case("manifest-counts-edited-not-resigned", {"bad_signature"})
def _counts_unsigned(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, manifest=lambda m: m["counts"].update(households=m["counts"]["households"] + 1))


@case("signature-garbage", {"bad_signature"})
def _garbage(good: Path, appdata: Path, out: Path) -> Path:
    files = _entries(good)
    files[package.SIGNATURE] = b"!!! not base64 !!!"
    return _zip(out, list(files.items()))


@case("signature-empty", {"bad_signature"})
def _empty_sig(good: Path, appdata: Path, out: Path) -> Path:
    files = _entries(good)
    files[package.SIGNATURE] = b""
    return _zip(out, list(files.items()))


@case("resigned-data-of-another-commune", {"bad_data"})
def _other_commune(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d["commune"].update(code="09999"), key=_real_key(appdata))


@case("resigned-data-of-another-period", {"bad_data"})
def _other_period(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d["period"].update(key="2025"), key=_real_key(appdata))


@case("resigned-household-count-disagrees", {"bad_data"})
def _fewer(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d["households"].pop(), key=_real_key(appdata))


@case("resigned-supports-not-a-list", {"bad_data"})
def _supports(good: Path, appdata: Path, out: Path) -> Path:
    return _rebuild(good, out, data=lambda d: d.update(supports={"a": 1}), key=_real_key(appdata))


for _label, _counts in {
    "negative": [-1, 0, 0, 0, 0, 0, 0, 0],
    "fraction": [1.5, 0, 0, 0, 0, 0, 0, 0],
    "1e30": [1e30, 0, 0, 0, 0, 0, 0, 0],
    "string": ["12", 0, 0, 0, 0, 0, 0, 0],
    "bool": [True, 0, 0, 0, 0, 0, 0, 0],
    "seven": [1, 2, 3, 4, 5, 6, 7],
    "nine": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "null": None,
}.items():

    def _counts_case(good: Path, appdata: Path, out: Path, _counts: Any = _counts) -> Path:
        return _rebuild(good, out, data=lambda d: d["summary"].update(bieu1_counts=_counts), key=_real_key(appdata))

    CASES[f"resigned-bieu1-{_label}"] = (_counts_case, {"bad_data"})


@case("data-not-json", {"bad_manifest", "bad_data"})
def _not_json(good: Path, appdata: Path, out: Path) -> Path:
    files = _entries(good)
    files[package.DATA] = b"{not json"
    m = json.loads(files[package.MANIFEST])
    for f in m["files"]:
        if f["name"] == package.DATA:
            f["size"], f["sha256"] = len(files[package.DATA]), hashlib.sha256(files[package.DATA]).hexdigest()
    files[package.MANIFEST] = json.dumps(m).encode()
    files[package.SIGNATURE] = _sign(files[package.MANIFEST], _real_key(appdata))
    return _zip(out, list(files.items()))


@case("duplicate-entry-data", {"duplicate_entry"})
def _dup_entry(good: Path, appdata: Path, out: Path) -> Path:
    files = _entries(good)
    entries = [*files.items(), (package.DATA, b'{"forged": true}')]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        return _zip(out, entries)


@case("duplicate-entry-manifest", {"duplicate_entry"})
def _dup_manifest(good: Path, appdata: Path, out: Path) -> Path:
    files = _entries(good)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _zip(out, [(package.MANIFEST, b"{}"), *files.items()])


@case("extra-file", {"unlisted"})
def _extra(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [*_entries(good).items(), ("virus.exe", b"MZ")])


@case("missing-data", {"missing_file"})
def _missing_data(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [(n, b) for n, b in _entries(good).items() if n != package.DATA])


@case("missing-signature", {"unsigned"})
def _missing_sig(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [(n, b) for n, b in _entries(good).items() if n != package.SIGNATURE])


@case("missing-manifest", {"no_manifest"})
def _missing_manifest(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [(n, b) for n, b in _entries(good).items() if n != package.MANIFEST])


@case("traversal", {"path_traversal"})
def _traversal(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [*_entries(good).items(), ("../../etc/passwd", b"x")])


@case("nul-in-name", {"unlisted", "path_traversal", "not_zip", "duplicate_entry"})
def _nul(good: Path, appdata: Path, out: Path) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile cuts the name at the NUL: a duplicate
        return _zip(out, [*_entries(good).items(), ("bao-cao.xlsx\x00.exe", b"x")])


@case("zip-bomb", {"zip_bomb"})
def _bomb(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [(package.MANIFEST, b"{}"), ("du-lieu.json", b"\0" * (20 * 1024 * 1024))])


@case("too-many-entries", {"too_many"})
def _many(good: Path, appdata: Path, out: Path) -> Path:
    return _zip(out, [(f"f{n}.txt", b"x") for n in range(80)])


@case("not-a-zip", {"not_zip"})
def _not_zip(good: Path, appdata: Path, out: Path) -> Path:
    out.write_bytes(b"PK\x03\x04 but not really a zip" * 10)
    return out


@case("truncated-zip", {"not_zip", "damaged"})
def _truncated(good: Path, appdata: Path, out: Path) -> Path:
    data = good.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


@case("empty-file", {"not_zip"})
def _empty(good: Path, appdata: Path, out: Path) -> Path:
    out.write_bytes(b"")
    return out


@case("a-folder", {"missing"})
def _folder(good: Path, appdata: Path, out: Path) -> Path:
    out.mkdir()
    return out


@case("unknown-commune", {"bad_manifest", "unknown_signer"})
def _unknown(good: Path, appdata: Path, out: Path) -> Path:
    def other(m: dict[str, Any]) -> None:
        m["commune"]["code"] = "55555"

    return _rebuild(good, out, manifest=other, key=OTHER)


def test_the_good_package_is_accepted(good_package: tuple[Path, Path], register: signing.KeyRegister) -> None:
    good, _ = good_package
    received = package.open_package(good, register)
    assert received.manifest["commune"]["code"] == CODE and len(received.bieu1_counts) == 8


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_package_is_refused_plainly(
    name: str, good_package: tuple[Path, Path], register: signing.KeyRegister, tmp_path: Path
) -> None:
    good, appdata = good_package
    build, codes = CASES[name]
    path = build(good, appdata, tmp_path / f"{name}.zip")
    with pytest.raises(BadFile) as info:
        package.receive(path, register)
    assert info.value.code in codes, (info.value.code, str(info.value))
    assert str(info.value) and "Traceback" not in str(info.value)
    assert register.data["received"] == {}, "a refused package is never recorded as received"


def test_the_whole_corpus_through_the_command_line_gives_no_traceback(
    good_package: tuple[Path, Path], register: signing.KeyRegister, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, appdata = good_package
    refused = 0
    for name, (build, _codes) in sorted(CASES.items()):
        path = build(good, appdata, tmp_path / f"{name}.zip")
        code = cli_main(["import-package", str(path), "--register", str(register.path)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out, name
        assert code == 2 and captured.err.startswith("Lỗi:"), (name, code, captured.err)
        refused += 1
    assert refused == len(CASES) >= 70


def test_replays_and_out_of_order_packages_are_reported(
    good_package: tuple[Path, Path], register: signing.KeyRegister, tmp_path: Path
) -> None:
    good, appdata = good_package
    package.receive(good, register)
    with pytest.raises(BadFile) as info:
        package.receive(good, register)  # the same package again
    assert info.value.code == "replay" and "đã được nhận rồi" in str(info.value)
    later = _rebuild(good, tmp_path / "lan4.zip", manifest=_set("sequence", 4), key=_real_key(appdata))
    received = package.receive(later, register)
    assert any("chưa nhận lần gửi thứ 2, 3" in n for n in received.notes)
    older = _rebuild(good, tmp_path / "lan3.zip", manifest=_set("sequence", 3), key=_real_key(appdata))
    with pytest.raises(BadFile) as info:
        package.receive(older, register)
    assert info.value.code == "replay" and "đã nhận lần thứ 4" in str(info.value)
    behind = _rebuild(
        good,
        tmp_path / "lan5.zip",
        manifest=lambda m: m.update(sequence=5, audit_head={"id": 1, "hash": "0" * 64}),
        key=_real_key(appdata),
    )
    received = package.receive(behind, register)
    assert any("nhật ký thay đổi của xã đi lùi" in n for n in received.notes)


def test_combine_refuses_mixed_periods_and_never_overwrites_without_force(
    good_package: tuple[Path, Path], register: signing.KeyRegister, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, appdata = good_package
    other_code = "09999"
    other_key = signing.commune_key(other_code, data_dir=appdata)
    register.register(other_key.public_text)

    def other_commune(period_key: str) -> Path:
        def manifest(m: dict[str, Any]) -> None:
            m["commune"]["code"] = other_code
            m["period"]["key"] = period_key
            m["signer"]["key_id"] = other_key.key_id

        def data(d: dict[str, Any]) -> None:
            d["commune"]["code"] = other_code
            d["period"]["key"] = period_key

        return _rebuild(
            good, tmp_path / f"{other_code}-{period_key}.zip", manifest=manifest, data=data, key=other_key.private
        )

    out = tmp_path / "tong.xlsx"
    args = ["combine", str(good), str(other_commune("2025-11")), "--out", str(out), "--register", str(register.path)]
    assert cli_main(args) == 2
    assert "các kỳ khác nhau" in capsys.readouterr().err and not out.exists()
    same = other_commune("2026-11")
    args = ["combine", str(good), str(same), "--out", str(out), "--register", str(register.path)]
    assert cli_main(args) == 0 and out.exists()
    before = out.read_bytes()
    assert cli_main(args) == 2
    assert "không ghi đè" in capsys.readouterr().err and out.read_bytes() == before
    assert cli_main([*args, "--force"]) == 0
    assert not list(tmp_path.glob("*.tmp-*"))


def test_a_package_made_now_carries_the_audit_head(good_package: tuple[Path, Path]) -> None:
    good, _ = good_package
    manifest = json.loads(_entries(good)[package.MANIFEST])
    assert manifest["audit_head"]["id"] >= 1 and len(manifest["audit_head"]["hash"]) == 64
    assert manifest["signer"]["algorithm"] == "ed25519"
