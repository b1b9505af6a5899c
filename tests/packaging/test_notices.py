"""THIRD-PARTY-NOTICES: every shipped package with version, licence and source; the LGPL parts."""

from __future__ import annotations

from pathlib import Path

import notices

ROOT = Path(__file__).resolve().parents[2]


def test_every_runtime_requirement_is_listed_with_version_licence_and_source(tmp_path: Path) -> None:
    out = notices.write_notices(tmp_path / "THIRD-PARTY-NOTICES.txt")
    text = out.read_text(encoding="utf-8")
    summary = text.split("=" * 78, 1)[0]
    for name in notices.requirement_names(ROOT / "requirements.txt"):
        wanted = notices.canonical(name)
        line = next((ln for ln in summary.splitlines() if notices.canonical(ln[2:].split(" ", 1)[0]) == wanted), None)
        assert line is not None, f"{name} missing from the notices"
        parts = line.split(" — ")
        assert len(parts) == 3 and parts[1].strip() and parts[2].startswith("http"), line
    # requirements of requirements are there too (openpyxl needs et_xmlfile)
    assert "et_xmlfile" in summary or "et-xmlfile" in summary
    assert "LGPL-3.0" in summary and "Qt (inside PySide6)" in summary


def test_the_lgpl_obligations_are_met_in_the_text(tmp_path: Path) -> None:
    text = notices.write_notices(tmp_path / "n.txt").read_text(encoding="utf-8")
    assert "how to obtain the source code" in text
    assert "pyside-setup" in text and "qt-everywhere-src-" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "Version 3" in text
    assert "GNU GENERAL PUBLIC LICENSE" in text
    assert "SIL OPEN FONT LICENSE" in text.upper()  # the font licences, in full
    for licence in sorted((ROOT / "resources" / "fonts").glob("*.txt")):
        assert licence.read_text(encoding="utf-8").strip()[:200] in text, f"{licence.name} not in the notices"
    assert "PyInstaller bootloader" in text


def test_the_project_licence_is_mit_and_mentions_the_notices() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "THIRD-PARTY-NOTICES" in text
