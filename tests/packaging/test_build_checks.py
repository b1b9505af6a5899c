"""build.py refuses what would make a broken installer: bad versions, a folder without the program."""

from __future__ import annotations

from pathlib import Path

import pytest

import build


@pytest.mark.parametrize("version", ["0.1.0", "1.0.0", "65535.0.12", "10.20.30"])
def test_versions_the_installer_accepts(version: str) -> None:
    assert build.validate_version(version) == version


@pytest.mark.parametrize("version", ["0.1.0-rc1", "0.1", "1.2.3.4", "v1.2.3", "01.2.3", "70000.0.0", "1.2.3 ", ""])
def test_versions_that_would_break_the_version_resource_are_refused(version: str) -> None:
    with pytest.raises(build.BuildError, match=r"X\.Y\.Z"):
        build.validate_version(version)


def test_the_app_version_is_valid() -> None:
    from giamngheo_desktop import __version__

    assert build.validate_version(__version__) == __version__  # what the installer and the .exe will carry


def _bundle(tmp_path: Path, *, exe: bool = True) -> Path:
    bundle = tmp_path / "GiamNgheo"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK")
    if exe:
        (bundle / "GiamNgheo.exe").write_bytes(b"MZ")
    return bundle


def test_a_bundle_without_the_program_is_refused(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, exe=False)
    (bundle / "GiamNgheo").write_bytes(b"\x7fELF")  # a Linux bundle is not a Windows one
    with pytest.raises(build.BuildError, match=r"no GiamNgheo\.exe"):
        build.check_bundle(bundle)
    with pytest.raises(build.BuildError, match=r"no GiamNgheo\.exe"):
        build.makensis_command(bundle, tmp_path / "setup.exe", "0.1.0")


def test_nsis_only_refuses_a_folder_without_the_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _bundle(tmp_path, exe=False)
    monkeypatch.setattr("sys.argv", ["build.py", "--nsis-only", str(bundle)])
    with pytest.raises(SystemExit) as exit_info:
        build.main()
    assert "no GiamNgheo.exe" in str(exit_info.value)
    assert not list(tmp_path.glob("*.exe"))


def test_a_bad_version_is_refused_before_makensis_runs(tmp_path: Path) -> None:
    with pytest.raises(build.BuildError, match=r"X\.Y\.Z"):
        build.makensis_command(_bundle(tmp_path), tmp_path / "setup.exe", "0.1.0-rc1")


def test_a_folder_that_is_not_a_bundle_is_refused(tmp_path: Path) -> None:
    with pytest.raises(build.BuildError, match="not a folder"):
        build.check_bundle(tmp_path / "missing")
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "GiamNgheo.exe").write_bytes(b"MZ")
    with pytest.raises(build.BuildError, match="_internal"):
        build.check_bundle(tmp_path / "loose")


def test_pyinstaller_is_pinned_exactly_and_the_pin_is_what_the_build_checks(tmp_path: Path) -> None:
    version = build.pinned("pyinstaller")
    assert version.count(".") == 2 and all(part.isdigit() for part in version.split("."))
    loose = tmp_path / "req.txt"
    loose.write_text("pyinstaller>=6,<7\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match="not pinned"):
        build.pinned("pyinstaller", loose)


def test_a_different_pyinstaller_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PyInstaller")
    monkeypatch.setattr(build, "pinned", lambda package, requirements=None: "1.0.0")
    with pytest.raises(build.BuildError, match=r"pins 1\.0\.0"):
        build.ensure_pyinstaller()


def test_the_bundle_size_line_replaces_the_one_of_the_same_platform(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n{build.SIZE_START}\n- windows-amd64: **150.0 MiB** old\n- linux-x86_64: **228.0 MiB** old\n"
        f"{build.SIZE_END}\n\nafter\n",
        encoding="utf-8",
    )
    build.record_size("- linux-x86_64: **192.5 MiB** new", readme)
    text = readme.read_text(encoding="utf-8")
    assert "**192.5 MiB** new" in text and "228.0" not in text
    assert "- windows-amd64: **150.0 MiB** old" in text  # the other platform's line stays
    assert text.endswith("after\n")


def test_the_readme_has_the_size_markers() -> None:
    text = build.README.read_text(encoding="utf-8")
    assert build.SIZE_START in text and build.SIZE_END in text


def test_the_size_of_a_folder_counts_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    (tmp_path / "link.bin").symlink_to(tmp_path / "a.bin")
    assert build.folder_size(tmp_path) == (1000, 1)
