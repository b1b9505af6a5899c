"""Write THIRD-PARTY-NOTICES.txt from the packages installed in this Python.

    python packaging/notices.py [--out FILE]      (default: build/licences/THIRD-PARTY-NOTICES.txt)

Lists every package the program ships — the runtime requirements (requirements.txt) and
everything they require, as installed — with its version, licence, source address and the
full text of the licence files it carries; then the parts that come without package
metadata (Python itself, Qt inside the PySide6 wheels, the fonts in resources/fonts, SQLite), and how
to obtain the source code of the LGPL-licensed Qt and PySide6 libraries. ``build.py`` runs
it before PyInstaller; the bundle and the USB kit carry the result.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "licences" / "THIRD-PARTY-NOTICES.txt"
LICENCE_TEXTS = Path(__file__).resolve().parent / "licences"

# Packages in requirements.txt's closure that the bundle leaves out (sqlite-utils names pip).
NOT_SHIPPED = {"pip", "setuptools"}

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(path: Path) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = _NAME.match(line)
        if match:
            names.append(match.group(1))
    return names


def _requires(dist: metadata.Distribution) -> list[str]:
    names = []
    for req in dist.requires or []:
        name_part, _, marker = req.partition(";")
        if "extra ==" in marker:
            continue
        if marker.strip() and not _marker_holds(marker):
            continue
        match = _NAME.match(name_part)
        if match:
            names.append(match.group(1))
    return names


def _marker_holds(marker: str) -> bool:
    try:
        from packaging.markers import Marker

        return bool(Marker(marker.strip()).evaluate())
    except Exception:
        return True  # list it rather than miss it


def shipped_distributions(requirements: Path = ROOT / "requirements.txt") -> list[metadata.Distribution]:
    """The installed distributions of the requirements and of everything they require."""
    seen: dict[str, metadata.Distribution] = {}
    todo = requirement_names(requirements)
    while todo:
        name = canonical(todo.pop())
        if name in seen or name in NOT_SHIPPED:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as exc:
            raise SystemExit(f"{name} is required but not installed: pip install -r requirements.txt") from exc
        seen[name] = dist
        todo.extend(_requires(dist))
    return sorted(seen.values(), key=lambda d: canonical(d.metadata["Name"]))


def licence_of(dist: metadata.Distribution) -> str:
    meta: Any = dist.metadata  # an email.message.Message: .get and .get_all (the protocol lists neither)
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 100:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    return "see the licence text below"


def source_of(dist: metadata.Distribution) -> str:
    meta: Any = dist.metadata
    urls = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for key in ("source", "repository", "code", "homepage"):
        if key in urls:
            return urls[key]
    return meta.get("Home-page") or next(iter(urls.values()), f"https://pypi.org/project/{meta['Name']}/")


def licence_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for file in dist.files or []:
        name = file.name.upper()
        in_meta = ".dist-info" in str(file)
        if in_meta and (name.startswith(("LICEN", "COPYING", "NOTICE"))):
            try:
                text = Path(str(file.locate())).read_text(encoding="utf-8", errors="replace")
                texts.append((file.name, text.strip()))
            except OSError:
                continue
    return texts


# The licence file of each font family shipped in resources/fonts (any other *.txt there is
# listed too, under its file name).
FONTS = {
    "OFL.txt": (
        "Noto Sans font (the windows, the user guide)",
        "OFL-1.1",
        "https://github.com/notofonts/latin-greek-cyrillic",
    ),
    "LiberationSerif-LICENSE.txt": (
        "Liberation Serif font (printed papers and PDF reports)",
        "OFL-1.1",
        "https://github.com/liberationfonts/liberation-fonts",
    ),
}


def font_licences(folder: Path = ROOT / "resources" / "fonts") -> list[tuple[str, str, str, Path]]:
    """(name, licence, source, licence file) of every font licence file shipped."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        name, licence, source = FONTS.get(path.name, (f"font ({path.stem})", "see the text", ""))
        found.append((name, licence, source, path))
    return found


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def python_licence() -> str:
    base = Path(sys.base_prefix)
    for folder in (base, base / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        path = folder / "LICENSE.txt"
        if path.exists():
            return path.read_text(encoding="utf-8", errors="replace").strip()
    return "Python Software Foundation License Version 2: https://docs.python.org/3/license.html"


def _rule(title: str) -> str:
    return f"\n{'=' * 78}\n{title}\n{'=' * 78}\n"


def render(dists: list[metadata.Distribution]) -> str:
    pyside = next((d.version for d in dists if canonical(d.metadata["Name"]) == "pyside6-essentials"), "6")
    out = [
        "Giảm nghèo Desktop — THIRD-PARTY NOTICES / GIẤY PHÉP CỦA CÁC THÀNH PHẦN BÊN THỨ BA",
        "",
        "Chương trình được phát hành theo giấy phép MIT (tệp LICENSE). Chương trình đóng gói kèm các",
        "thành phần dưới đây, mỗi thành phần theo giấy phép riêng. This file was generated by",
        f"packaging/notices.py from the packages installed for the build (Python {platform.python_version()},",
        f"{sys.platform}).",
        "",
        "Summary (name, version, licence, source):",
        "",
    ]
    rows = [
        ("Python", platform.python_version(), "PSF-2.0", "https://www.python.org/downloads/source/"),
        ("Qt (inside PySide6)", pyside, "LGPL-3.0-only", "https://download.qt.io/official_releases/qt/"),
        ("SQLite (inside Python)", "", "Public domain", "https://sqlite.org/copyright.html"),
        *[(name, "", licence, source) for name, licence, source, _path in font_licences()],
        (
            "PyInstaller bootloader (the program's launcher)",
            _version("pyinstaller"),
            "GPL-2.0-or-later WITH Bootloader-exception (any licence allowed for the bundled program)",
            "https://github.com/pyinstaller/pyinstaller",
        ),
    ]
    rows += [(d.metadata["Name"], d.version, licence_of(d), source_of(d)) for d in dists]
    for name, version, licence, source in rows:
        out.append(f"- {name} {version}".rstrip() + f" — {licence} — {source}")
    out.append(_rule("Qt and PySide6: LGPL-3.0 — how to obtain the source code"))
    out.append(
        f"""Qt {pyside} and Qt for Python (PySide6, shiboken6) {pyside} are used under the GNU Lesser General
Public License version 3 (LGPL-3.0; the text is below, with the GNU GPL-3.0 it refers to). They
are not modified. They are shipped as separate shared libraries (Qt6*.dll / libQt6*.so and the
PySide6 modules in the program's _internal folder), so you may replace them with your own build
of the same version and the program will use it.

Source code:
- Qt {pyside}: https://download.qt.io/official_releases/qt/ (qt-everywhere-src-{pyside}) and
  https://code.qt.io/cgit/qt/qt5.git (tag v{pyside});
- PySide6 / shiboken6 {pyside}: https://download.qt.io/official_releases/QtForPython/ and
  https://code.qt.io/cgit/pyside/pyside-setup.git (tag v{pyside}).
These servers are run by The Qt Company; the versions above are the exact ones shipped.
Mã nguồn của Qt và PySide6 (giấy phép LGPL-3.0) tải được tại các địa chỉ trên, đúng phiên bản
đi kèm chương trình."""
    )
    for name, licence, _source, path in font_licences():
        out.append(_rule(f"{name} — {licence} (resources/fonts/{path.name})"))
        out.append(path.read_text(encoding="utf-8").strip())
    out.append(_rule(f"Python {platform.python_version()} — PSF-2.0"))
    out.append(python_licence())
    for dist in dists:
        out.append(_rule(f"{dist.metadata['Name']} {dist.version} — {licence_of(dist)} — {source_of(dist)}"))
        texts = licence_files(dist)
        if not texts:
            out.append(f"(no licence file in the package; licence: {licence_of(dist)})")
        for name, text in texts:
            out.append(f"--- {name} ---\n{text}\n")
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        path = LICENCE_TEXTS / name
        if path.exists():
            out.append(_rule(name.removesuffix(".txt")))
            out.append(path.read_text(encoding="utf-8").strip())
    return "\n".join(out) + "\n"


def write_notices(out: Path = DEFAULT_OUT) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(shipped_distributions()), encoding="utf-8", newline="\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    print(write_notices(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
