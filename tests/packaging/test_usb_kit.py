"""The USB kit from a stand-in installer and zip: complete, checksums that verify, Vietnamese notes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import usb_kit

ROOT = Path(__file__).resolve().parents[2]


def _stand_ins(tmp_path: Path) -> tuple[Path, Path]:
    installer = tmp_path / "in" / "GiamNgheo-Setup-0.1.0.exe"
    installer.parent.mkdir()
    installer.write_bytes(b"MZ" + os.urandom(4096))
    portable = tmp_path / "in" / "GiamNgheo-0.1.0-windows-amd64.zip"
    with zipfile.ZipFile(portable, "w") as archive:
        archive.writestr("GiamNgheo/GiamNgheo.exe", b"MZ" + os.urandom(1024))
        archive.writestr("GiamNgheo/_internal/base_library.zip", b"PK")
    return installer, portable


def _kit(tmp_path: Path) -> Path:
    installer, portable = _stand_ins(tmp_path)
    return usb_kit.make_kit(
        tmp_path / "USB",
        installer=installer,
        portable=portable,
        guide=tmp_path / "made" / "guide.pdf",  # missing: the kit builds the guide
        notices=tmp_path / "made" / "notices.txt",
        version="0.1.0",
    )


def test_the_kit_is_complete_and_its_checksums_verify(tmp_path: Path) -> None:
    kit = _kit(tmp_path)
    names = sorted(p.name for p in kit.iterdir())
    assert names == sorted(
        [
            "GiamNgheo-Setup-0.1.0.exe",
            "GiamNgheo-0.1.0-windows-amd64.zip",
            "HuongDanSuDung-0.1.0.pdf",
            "DOC-TRUOC.txt",
            "LICENSE.txt",
            "THIRD-PARTY-NOTICES.txt",
            "SHA256SUMS.txt",
        ]
    )
    assert (kit / "HuongDanSuDung-0.1.0.pdf").read_bytes().startswith(b"%PDF")
    original = tmp_path / "in" / "GiamNgheo-Setup-0.1.0.exe"
    assert (kit / "GiamNgheo-Setup-0.1.0.exe").read_bytes() == original.read_bytes()
    # checked with hashlib here and, independently, with coreutils' sha256sum
    sums = (kit / "SHA256SUMS.txt").read_text(encoding="ascii").splitlines()
    assert len(sums) == 6
    for line in sums:
        digest, name = line.split("  ")
        assert usb_kit.sha256(kit / name) == digest
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS.txt"], cwd=kit, check=True, capture_output=True)
    assert usb_kit.verify(kit) == []


def test_a_damaged_or_extra_file_is_found(tmp_path: Path) -> None:
    kit = _kit(tmp_path)
    with (kit / "GiamNgheo-Setup-0.1.0.exe").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00\x01")
    (kit / "virus.exe").write_bytes(b"MZ")
    problems = usb_kit.verify(kit)
    assert "GiamNgheo-Setup-0.1.0.exe: checksum differs" in problems
    assert "virus.exe: not in SHA256SUMS.txt" in problems


def test_read_first_is_vietnamese_and_says_what_the_issue_asks(tmp_path: Path) -> None:
    kit = _kit(tmp_path)
    raw = (kit / "DOC-TRUOC.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Notepad-friendly
    text = raw.decode("utf-8-sig")
    for needed in [
        "Windows 10 hoặc Windows 11, bản 64-bit",
        "certutil -hashfile GiamNgheo-Setup-0.1.0.exe SHA256",
        "SmartScreen",
        "diệt virus",
        r"%APPDATA%\GiamNgheoDesktop\giamngheo.sqlite",
        "SAO LƯU TRƯỚC KHI NÂNG CẤP",
        "CÙNG MỘT\r\n  phiên bản",
        "/S",
    ]:
        assert needed in text, needed


def test_a_kit_is_refused_without_a_real_installer_or_bundle_zip(tmp_path: Path) -> None:
    installer, portable = _stand_ins(tmp_path)
    not_exe = tmp_path / "setup.exe"
    not_exe.write_text("hello", encoding="utf-8")
    with pytest.raises(usb_kit.KitError, match="not a Windows program"):
        usb_kit.make_kit(tmp_path / "USB", installer=not_exe, portable=portable)
    wrong_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(wrong_zip, "w") as archive:
        archive.writestr("GiamNgheo/GiamNgheo", b"\x7fELF")  # the Linux bundle
    with pytest.raises(usb_kit.KitError, match="not the Windows bundle"):
        usb_kit.make_kit(tmp_path / "USB", installer=installer, portable=wrong_zip)
    with pytest.raises(usb_kit.KitError, match="installer not found"):
        usb_kit.make_kit(tmp_path / "USB", installer=tmp_path / "none.exe", portable=portable)
    assert not (tmp_path / "USB").exists()


def test_the_command_line_builds_and_verifies(tmp_path: Path) -> None:
    installer, portable = _stand_ins(tmp_path)
    guide = tmp_path / "g.pdf"
    guide.write_bytes(b"%PDF-1.4 stand-in")
    script = str(ROOT / "packaging" / "usb_kit.py")
    common = ["--installer", str(installer), "--zip", str(portable), "--guide", str(guide)]
    out = ["--out", str(tmp_path / "K")]
    done = subprocess.run([sys.executable, script, *out, *common], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    check = subprocess.run([sys.executable, script, "--verify", str(tmp_path / "K")], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.strip().endswith("OK")
    (tmp_path / "K" / "LICENSE.txt").write_text("changed", encoding="utf-8")
    check = subprocess.run([sys.executable, script, "--verify", str(tmp_path / "K")], capture_output=True, text=True)
    assert check.returncode == 1 and "LICENSE.txt: checksum differs" in check.stdout
