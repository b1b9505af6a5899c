"""Build Giảm nghèo Desktop: translations → PyInstaller bundle → smoke test → installer.

    python packaging/build.py [--skip-installer] [--skip-smoke-test]

1. compiles ``resources/i18n/*.ts`` to ``.qm`` (pyside6-lrelease);
2. installs PyInstaller 6.x into this Python if missing, then builds the one-folder
   bundle ``dist/GiamNgheo/`` from ``packaging/giamngheo.spec``;
3. runs ``GiamNgheo --self-test`` from the bundle (temp database, xlsx, PDF with the
   bundled font) and fails the build if it does not exit 0;
4. zips the bundle (``dist/GiamNgheo-<version>-<platform>.zip``) and, on Windows with
   NSIS installed (``makensis`` on PATH), builds ``dist/GiamNgheo-Setup-<version>.exe``.
   ``--nsis-only DIR`` wraps an already built Windows bundle (e.g. on Linux with nsis).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from giamngheo_desktop import __version__  # noqa: E402

NAME = "GiamNgheo"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
PYINSTALLER_SPEC = "pyinstaller>=6,<7"


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def lrelease() -> list[str] | None:
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found:
        return [found]
    try:
        import PySide6

        for name in ("lrelease", "lrelease.exe"):
            candidate = Path(PySide6.__file__).parent / name
            if candidate.exists():
                return [str(candidate)]
    except ImportError:
        pass
    return None


def compile_translations() -> None:
    step("translations (.ts → .qm)")
    sources = sorted((ROOT / "resources" / "i18n").glob("*.ts"))
    if not sources:
        print("no .ts files")
        return
    tool = lrelease()
    if tool is None:
        print("pyside6-lrelease not found: keeping the committed .qm files")
        return
    for ts in sources:
        subprocess.run([*tool, str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        step(f"installing {PYINSTALLER_SPEC}")
        subprocess.run([sys.executable, "-m", "pip", "install", PYINSTALLER_SPEC], check=True)


def build_bundle() -> Path:
    ensure_pyinstaller()
    step("PyInstaller (one folder)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(ROOT / "packaging" / "giamngheo.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return DIST / NAME


def executable(bundle: Path) -> Path:
    return bundle / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def smoke_test(bundle: Path) -> None:
    step("smoke test: --self-test of the frozen app")
    with tempfile.TemporaryDirectory(prefix="giamngheo-smoke-") as data:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GIAMNGHEO_DATA_DIR": data}
        result = subprocess.run(
            [str(executable(bundle)), "--self-test"], env=env, capture_output=True, text=True, timeout=120
        )
    print(result.stdout.strip())
    if result.returncode != 0:
        print(result.stderr.strip(), file=sys.stderr)
        raise SystemExit(f"smoke test failed with exit status {result.returncode}")
    print("smoke test passed")


def archive(bundle: Path) -> Path:
    step("zip of the bundle")
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")
    base = DIST / f"{NAME}-{__version__}-{system}-{platform.machine().lower()}"
    return Path(shutil.make_archive(str(base), "zip", root_dir=bundle.parent, base_dir=bundle.name))


def installer(bundle: Path) -> Path | None:
    makensis = shutil.which("makensis")
    if makensis is None:
        print("makensis not found: no installer built (install NSIS 3 and run again)")
        return None
    step("NSIS installer")
    out = DIST / f"{NAME}-Setup-{__version__}.exe"
    subprocess.run(
        [
            makensis,
            "-INPUTCHARSET",
            "UTF8",
            f"-DVERSION={__version__}",
            f"-DSOURCE_DIR={bundle}",
            f"-DOUTFILE={out}",
            f"-DICON={ROOT / 'resources' / 'icons' / 'app.ico'}",
            str(ROOT / "packaging" / "installer.nsi"),
        ],
        check=True,
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-installer", action="store_true")
    parser.add_argument("--skip-smoke-test", action="store_true")
    parser.add_argument("--nsis-only", type=Path, metavar="DIR", help="only wrap this Windows bundle with NSIS")
    args = parser.parse_args()
    if args.nsis_only:
        return 0 if installer(args.nsis_only.resolve()) else 1
    compile_translations()
    bundle = build_bundle()
    if not args.skip_smoke_test:
        smoke_test(bundle)
    print(f"zip: {archive(bundle)}")
    if not args.skip_installer and sys.platform == "win32":
        built = installer(bundle)
        if built:
            print(f"installer: {built}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
