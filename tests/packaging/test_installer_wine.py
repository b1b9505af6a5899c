"""The installer's logic run under wine with a stand-in payload (not in the default run: pytest -m packaging).

The shipped installer is a 32-bit program (so that 32-bit Windows gets our message); Debian's
``wine64`` runs only 64-bit programs, so these tests build the same script with
``-DTARGET_AMD64`` (``Target amd64-unicode``) — the same checks, another stub. The payload is a
stand-in bundle; "the app is running" is a small NSIS-built program that holds the app's named
mutex, as ``ui/app.py`` does. Each run is bounded by a timeout: a message box in a silent run
would hang, and fail the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import build

WINE = shutil.which("wine64") or ("/usr/lib/wine/wine64" if Path("/usr/lib/wine/wine64").exists() else None)

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis not installed (apt-get install nsis)"),
    pytest.mark.skipif(WINE is None, reason="wine64 not installed (apt-get install wine64)"),
]

UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\GiamNgheoDesktop"
SETTINGS_KEY = r"HKCU\Software\GiamNgheoDesktop\giamngheo-desktop\window"
HOLDER_NSI = """Unicode true
Target amd64-unicode
SilentInstall silent
RequestExecutionLevel user
OutFile "${OUT}"
Section
  System::Call 'kernel32::CreateMutexW(p 0, i 0, w "GiamNgheoDesktop.Running") p .r0'
  Sleep 120000
SectionEnd
"""


LOCKER_NSI = """Unicode true
Target amd64-unicode
SilentInstall silent
RequestExecutionLevel user
OutFile "${OUT}"
Section
  ; open the installed program without sharing, as Windows does with a running .exe
  System::Call 'kernel32::CreateFileW(w "${LOCKED}", i 0x80000000, i 0, p 0, i 3, i 0x80, p 0) p .r0'
  Sleep 120000
SectionEnd
"""


class Wine:
    def __init__(self, prefix: Path, display: str) -> None:
        self.prefix = prefix
        self.env = {
            **os.environ,
            "WINEPREFIX": str(prefix),
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono/Gecko install prompts
            "DISPLAY": display,
        }

    def run(self, *args: str, timeout: float = 90) -> int:
        assert WINE is not None
        return subprocess.run([WINE, *args], env=self.env, capture_output=True, timeout=timeout).returncode

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        assert WINE is not None
        return subprocess.Popen([WINE, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def reg_value(self, key: str, name: str) -> str | None:
        assert WINE is not None
        out = subprocess.run(
            [WINE, "reg", "query", key, "/v", name], env=self.env, capture_output=True, text=True, timeout=60
        )
        for line in out.stdout.splitlines():
            parts = line.split()
            if parts and parts[0] == name:
                return parts[-1]
        return None

    def set_windows_version(self, version: str) -> None:
        assert self.run("reg", "add", r"HKCU\Software\Wine", "/v", "Version", "/d", version, "/f") == 0

    def c(self, *parts: str) -> Path:
        return self.prefix.joinpath("drive_c", *parts)

    def appdata(self) -> Path:
        return next(self.prefix.glob("drive_c/users/*/AppData/Roaming"))


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    wanted = os.environ.get("GIAMNGHEO_TEST_DISPLAY", ":118")
    if Path(f"/tmp/.X11-unix/X{wanted.lstrip(':')}").exists():
        yield wanted
        return
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb not installed")
    proc = subprocess.Popen(["Xvfb", wanted, "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
    time.sleep(1)
    yield wanted
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory, display: str) -> Wine:
    prefix = tmp_path_factory.mktemp("wine") / "prefix"
    env = Wine(prefix, display)
    assert env.run("wineboot", "--init", timeout=300) == 0
    return env


@pytest.fixture(scope="module")
def installers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("installers")
    bundle = folder / "GiamNgheo"
    (bundle / "_internal" / "docs").mkdir(parents=True)
    (bundle / "GiamNgheo.exe").write_bytes(b"MZ stand-in 0.1.0")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK")
    (bundle / "_internal" / "docs" / "huong-dan-su-dung.pdf").write_bytes(b"%PDF")
    made = {}
    for version in ("0.1.0", "0.0.9"):
        out = folder / f"setup-{version}.exe"
        command = build.makensis_command(bundle, out, version, {"TARGET_AMD64": ""})
        subprocess.run(command, check=True, capture_output=True, timeout=300)
        made[version] = out
    holder = folder / "holder.nsi"
    holder.write_text(HOLDER_NSI, encoding="utf-8")
    made["holder"] = folder / "holder.exe"
    subprocess.run(["makensis", "-V1", f"-DOUT={made['holder']}", str(holder)], check=True, timeout=120)
    locker = folder / "locker.nsi"
    locker.write_text(LOCKER_NSI, encoding="utf-8")
    made["locker"] = folder / "locker.exe"
    command = ["makensis", "-V1", f"-DOUT={made['locker']}", r"-DLOCKED=C:\gn\GiamNgheo.exe", str(locker)]
    subprocess.run(command, check=True, timeout=120)
    return made


def test_older_windows_is_refused_with_exit_3_and_nothing_installed(wine: Wine, installers: dict[str, Path]) -> None:
    for version in ("win7", "win81"):
        wine.set_windows_version(version)
        assert wine.run(str(installers["0.1.0"]), "/S", r"/D=C:\gn-old") == 3
        assert not wine.c("gn-old").exists()
    wine.set_windows_version("win10")


def test_install_upgrade_running_app_downgrade_and_uninstall(wine: Wine, installers: dict[str, Path]) -> None:
    wine.set_windows_version("win10")
    setup, older = str(installers["0.1.0"]), str(installers["0.0.9"])

    # silent install into a chosen folder: no window, exit 0, files and the uninstall entry
    assert wine.run(setup, "/S", r"/D=C:\gn") == 0
    assert wine.c("gn", "GiamNgheo.exe").read_bytes() == b"MZ stand-in 0.1.0"
    assert wine.c("gn", "_internal", "base_library.zip").exists()
    assert wine.c("gn", "Uninstall.exe").exists()
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") == "0.1.0"

    # the same version again (repair/upgrade path) over the installed one
    assert wine.run(setup, "/S", r"/D=C:\gn") == 0

    # the app is running (its mutex is held): the silent installer gives up with 4, files untouched
    wine.c("gn", "_internal", "marker.txt").write_text("old install", encoding="utf-8")
    holder = wine.start(str(installers["holder"]))
    try:
        time.sleep(3)
        assert wine.run(setup, "/S", r"/D=C:\gn") == 4
        assert wine.c("gn", "_internal", "marker.txt").exists()  # nothing removed, nothing copied
    finally:
        holder.kill()
        holder.wait(30)
    time.sleep(1)

    # an old program without the mutex (or a copy started another way) still has GiamNgheo.exe open:
    # the installer stops before removing or copying anything (6) — never a mix of two versions
    locker = wine.start(str(installers["locker"]))
    try:
        time.sleep(3)
        assert wine.run(setup, "/S", r"/D=C:\gn") == 6
        assert wine.c("gn", "_internal", "marker.txt").exists()
        assert wine.c("gn", "GiamNgheo.exe").read_bytes() == b"MZ stand-in 0.1.0"
    finally:
        locker.kill()
        locker.wait(30)
    time.sleep(1)

    # a newer version is installed: an older installer refuses silently (5) unless /ALLOWDOWNGRADE
    assert wine.run(older, "/S", r"/D=C:\gn") == 5
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") == "0.1.0"
    assert wine.run(older, "/S", "/ALLOWDOWNGRADE", r"/D=C:\gn") == 0
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") == "0.0.9"
    assert not wine.c("gn", "_internal", "marker.txt").exists()  # the old files were replaced, not mixed

    # silent uninstall: program files and the entry go; the data folder and the app's settings stay
    assert wine.run("reg", "add", SETTINGS_KEY, "/v", "geometry", "/d", "kept", "/f") == 0
    data = wine.appdata() / "GiamNgheoDesktop"
    data.mkdir(parents=True, exist_ok=True)
    (data / "giamngheo.sqlite").write_bytes(b"the commune's register")
    assert wine.run(r"C:\gn\Uninstall.exe", "/S", r"_?=C:\gn") == 0
    assert not wine.c("gn", "GiamNgheo.exe").exists()
    assert not wine.c("gn", "_internal").exists()
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") is None
    assert (data / "giamngheo.sqlite").read_bytes() == b"the commune's register"
    assert wine.reg_value(SETTINGS_KEY, "geometry") == "kept"
    assert wine.reg_value(r"HKCU\Software\GiamNgheoDesktop", "InstallDir") is None
