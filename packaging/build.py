"""Build Giảm nghèo Desktop: notices, guide, translations → PyInstaller bundle → self-test → zip → installer.

    python packaging/build.py [--skip-installer] [--skip-smoke-test]
    python packaging/build.py --nsis-only DIR      (wrap an existing Windows bundle, any OS with makensis)

1. checks the version (X.Y.Z) and that the PyInstaller installed is the one pinned in
   ``requirements-build.txt`` (install it with ``pip install -r requirements-build.txt``;
   nothing is fetched from the network by this script);
2. writes ``build/licences/THIRD-PARTY-NOTICES.txt`` (packaging/notices.py) and the user
   guide PDF ``build/guide/huong-dan-su-dung.pdf`` (packaging/guide.py); both go into the bundle;
3. compiles ``resources/i18n/*.ts`` to ``.qm`` (pyside6-lrelease) and builds the one-folder
   bundle ``dist/GiamNgheo/`` from ``packaging/giamngheo.spec`` (lean: see bundle_filter.py);
4. runs ``GiamNgheo --self-test`` from the bundle and fails the build if it does not exit 0;
5. records the bundle's size in ``packaging/README.md`` (one line per platform), zips the bundle
   (``dist/GiamNgheo-<version>-<platform>.zip``) and, on Windows with NSIS on PATH, builds
   ``dist/GiamNgheo-Setup-<version>.exe``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from giamngheo_desktop import __version__  # noqa: E402

NAME = "GiamNgheo"
EXE_NAME = f"{NAME}.exe"
DIST = ROOT / "dist"
BUILD = ROOT / "build"
WORK = BUILD / "pyinstaller"
BUILD_REQUIREMENTS = ROOT / "requirements-build.txt"
README = ROOT / "packaging" / "README.md"
NSI = ROOT / "packaging" / "installer.nsi"
SIZE_START = "<!-- bundle-size:start (written by packaging/build.py) -->"
SIZE_END = "<!-- bundle-size:end -->"
VERSION_RE = re.compile(r"^(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})$")


class BuildError(SystemExit):
    """A build step refused or failed; the message says why."""


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def validate_version(version: str) -> str:
    """``X.Y.Z`` with numbers up to 65535 (Windows version resources and NSIS VIProductVersion)."""
    match = VERSION_RE.match(version)
    if not match or any(int(part) > 65535 for part in match.groups()):
        raise BuildError(
            f"version {version!r} is not X.Y.Z (three numbers 0–65535, e.g. 0.1.0): Windows version "
            "resources and the installer need it; set giamngheo_desktop.__version__"
        )
    return version


def check_bundle(bundle: Path) -> Path:
    """A Windows bundle folder to wrap: it must hold GiamNgheo.exe and _internal/."""
    if not bundle.is_dir():
        raise BuildError(f"{bundle} is not a folder")
    if not (bundle / EXE_NAME).is_file():
        raise BuildError(f"{bundle} has no {EXE_NAME}: not a Windows bundle of {NAME} (build it on Windows first)")
    if not (bundle / "_internal").is_dir():
        raise BuildError(f"{bundle} has no _internal folder: not a one-folder PyInstaller bundle")
    return bundle


def pinned(package: str, requirements: Path = BUILD_REQUIREMENTS) -> str:
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(rf"^\s*{re.escape(package)}==([^\s;#]+)", line, re.IGNORECASE)
        if match:
            return match.group(1)
    raise BuildError(f"{package} is not pinned in {requirements.name}")


def ensure_pyinstaller() -> str:
    want = pinned("pyinstaller")
    try:
        import PyInstaller
    except ImportError as exc:
        raise BuildError(
            f"PyInstaller is not installed: run  {sys.executable} -m pip install -r requirements-build.txt"
        ) from exc
    have = PyInstaller.__version__
    if have != want:
        raise BuildError(
            f"PyInstaller {have} is installed but requirements-build.txt pins {want}: "
            f"run  {sys.executable} -m pip install -r requirements-build.txt"
        )
    return have


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


def write_notices_and_guide() -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    import guide
    import notices

    step("THIRD-PARTY-NOTICES.txt")
    print(notices.write_notices(BUILD / "licences" / "THIRD-PARTY-NOTICES.txt"))
    step("user guide PDF")
    print(guide.build_pdf(out=BUILD / "guide" / "huong-dan-su-dung.pdf"))


def build_bundle() -> Path:
    step(f"PyInstaller {ensure_pyinstaller()} (one folder)")
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
    return bundle / (EXE_NAME if sys.platform == "win32" else NAME)


def smoke_test(bundle: Path) -> None:
    step("smoke test: --self-test of the frozen app")
    with tempfile.TemporaryDirectory(prefix="giamngheo-smoke-") as data:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GIAMNGHEO_DATA_DIR": data}
        report = Path(data) / "self-test.txt"  # the Windows program has no console: read the file
        result = subprocess.run(
            [str(executable(bundle)), "--self-test", "--self-test-out", str(report)],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=180,
        )
        print(report.read_text(encoding="utf-8").strip() if report.exists() else result.stdout.strip())
    if result.returncode != 0:
        print(result.stderr.strip(), file=sys.stderr)
        raise BuildError(f"smoke test failed with exit status {result.returncode}")
    print("smoke test passed")


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")
    machine = platform.machine().lower()
    return f"{system}-{'amd64' if system == 'windows' and machine in ('amd64', 'x86_64') else machine}"


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def size_line(bundle: Path, zip_path: Path | None, pyinstaller_version: str) -> str:
    size, count = folder_size(bundle)
    zipped = f", zip {zip_path.stat().st_size / 2**20:.1f} MiB" if zip_path and zip_path.exists() else ""
    return (
        f"- {platform_tag()}: **{size / 2**20:.1f} MiB** in {count} files{zipped} — version {__version__}, "
        f"PyInstaller {pyinstaller_version}, Python {platform.python_version()}, built {dt.date.today().isoformat()}"
    )


def record_size(line: str, readme: Path = README) -> None:
    """Put ``line`` between the size markers of the README, replacing the line of the same platform."""
    text = readme.read_text(encoding="utf-8")
    if SIZE_START not in text or SIZE_END not in text:
        raise BuildError(f"{readme.name} lacks the bundle-size markers")
    head, rest = text.split(SIZE_START, 1)
    body, tail = rest.split(SIZE_END, 1)
    tag = line.split(":", 1)[0]
    lines = [ln for ln in body.strip().splitlines() if ln.strip() and not ln.startswith(tag + ":")]
    lines = sorted([*lines, line])
    readme.write_text(f"{head}{SIZE_START}\n" + "\n".join(lines) + f"\n{SIZE_END}{tail}", encoding="utf-8")


def archive(bundle: Path) -> Path:
    step("zip of the bundle")
    base = DIST / f"{NAME}-{__version__}-{platform_tag()}"
    return Path(shutil.make_archive(str(base), "zip", root_dir=bundle.parent, base_dir=bundle.name))


def makensis_command(bundle: Path, out: Path, version: str, defines: dict[str, str] | None = None) -> list[str]:
    validate_version(version)
    check_bundle(bundle)
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError("makensis not found: install NSIS 3 (Windows: nsis.sourceforge.io; Debian: apt install nsis)")
    extra = [f"-D{k}={v}" if v else f"-D{k}" for k, v in (defines or {}).items()]
    return [
        makensis,
        "-V2",
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DSOURCE_DIR={bundle}",
        f"-DOUTFILE={out}",
        f"-DICON={ROOT / 'resources' / 'icons' / 'app.ico'}",
        *extra,
        str(NSI),
    ]


def installer(bundle: Path, out: Path | None = None, *, version: str = __version__) -> Path:
    step("NSIS installer")
    out = out or DIST / f"{NAME}-Setup-{version}.exe"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(makensis_command(bundle, out, version), check=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-installer", action="store_true")
    parser.add_argument("--skip-smoke-test", action="store_true")
    parser.add_argument("--no-record-size", action="store_true", help="do not write the size into packaging/README.md")
    parser.add_argument("--nsis-only", type=Path, metavar="DIR", help="only wrap this Windows bundle with NSIS")
    args = parser.parse_args()
    validate_version(__version__)
    if args.nsis_only:
        print(f"installer: {installer(args.nsis_only.resolve())}")
        return 0
    pyinstaller_version = ensure_pyinstaller()
    write_notices_and_guide()
    compile_translations()
    bundle = build_bundle()
    if not args.skip_smoke_test:
        smoke_test(bundle)
    zip_path = archive(bundle)
    print(f"zip: {zip_path}")
    line = size_line(bundle, zip_path, pyinstaller_version)
    print(line)
    (DIST / "bundle-size.txt").write_text(line + "\n", encoding="utf-8")
    if not args.no_record_size:
        record_size(line)
        print(f"size recorded in {README.relative_to(ROOT)}")
    if not args.skip_installer and sys.platform == "win32" and shutil.which("makensis"):
        print(f"installer: {installer(bundle)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
