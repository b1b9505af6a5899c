"""makensis compiles the installer with its checks (not in the default run: pytest -m packaging).

With a stand-in bundle this takes seconds; ``GIAMNGHEO_BUNDLE=dist/GiamNgheo`` (a Windows
bundle built on Windows) makes it wrap the real program, which takes minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import build

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis not installed (apt-get install nsis)"),
]


def stand_in_bundle(folder: Path) -> Path:
    bundle = folder / "GiamNgheo"
    (bundle / "_internal" / "docs").mkdir(parents=True)
    (bundle / "GiamNgheo.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK stand-in")
    (bundle / "_internal" / "docs" / "huong-dan-su-dung.pdf").write_bytes(b"%PDF stand-in")
    return bundle


def _bundle(tmp_path: Path) -> Path:
    real = os.environ.get("GIAMNGHEO_BUNDLE")
    return Path(real).resolve() if real else stand_in_bundle(tmp_path)


def test_makensis_compiles_the_installer_with_its_checks(tmp_path: Path) -> None:
    out = tmp_path / "GiamNgheo-Setup-0.1.0.exe"
    command = build.makensis_command(_bundle(tmp_path), out, "0.1.0")
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert out.read_bytes()[:2] == b"MZ"
    script = build.NSI.read_text(encoding="utf-8")
    for check in ("${RunningX64}", "${AtLeastWin10}", "OpenMutexW", "${VersionCompare}", "/ALLOWDOWNGRADE", "/SD"):
        assert check in script, check


def test_the_installer_can_also_be_built_for_a_64_bit_only_wine(tmp_path: Path) -> None:
    out = tmp_path / "setup64.exe"
    command = build.makensis_command(stand_in_bundle(tmp_path), out, "0.1.0", {"TARGET_AMD64": ""})
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert out.exists()


def test_the_installer_keeps_the_apps_settings_and_data_on_uninstall() -> None:
    script = build.NSI.read_text(encoding="utf-8")
    uninstall = script.split('Section "Uninstall"', 1)[1]
    assert 'DeleteRegKey HKCU "${INSTALL_KEY}"' not in uninstall  # the settings live below that key
    assert "DeleteRegKey /ifempty HKCU" in uninstall
    assert "$APPDATA" not in uninstall.replace('$APPDATA\\${APP_KEY}." /SD IDOK', "")
    assert "MessageBox" in uninstall and "/SD IDOK" in uninstall  # silent uninstall shows nothing
