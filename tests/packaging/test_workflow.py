"""The Windows workflow: valid for GitHub Actions (schema lint) and doing the steps it promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def _checker() -> str:
    found = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    if not found:
        pytest.fail("check-jsonschema is not installed: pip install -r requirements-dev.txt")
    return found


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_checker(), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_workflow_passes_the_github_workflow_schema() -> None:
    result = _lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text(encoding="utf-8").replace("runs-on: windows-2022", "runs_on: windows-2022", 1)
    broken.write_text(text, encoding="utf-8")
    assert _lint(broken).returncode != 0


def _yaml() -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def _script() -> str:
    steps = _yaml()["jobs"]["build"]["steps"]
    return "\n".join(step.get("run", "") for step in steps)


def test_it_runs_on_a_hosted_windows_runner_with_python_311_x64() -> None:
    job = _yaml()["jobs"]["build"]
    assert str(job["runs-on"]).startswith("windows-")
    setup = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11" and setup["with"]["architecture"] == "x64"
    for step in job["steps"]:
        if "uses" in step:
            assert re.search(r"@v\d+$", step["uses"]), f"{step['uses']} is not pinned to a major version"


def test_it_does_the_promised_steps() -> None:
    script = _script()
    assert "pip install -r requirements-build.txt" in script  # the pins, PyInstaller included
    assert r"packaging\build.py" in script
    assert '"/S", "/D=$target"' in script  # silent install into a temporary folder
    assert "--self-test" in script and "INSTALL_DIR" in script  # the installed program's self-test
    assert "Uninstall.exe" in script and '"/S"' in script
    assert r"packaging\usb_kit.py" in script
    assert "Get-FileHash -Algorithm SHA256" in script
    upload = next(s for s in _yaml()["jobs"]["build"]["steps"] if "upload-artifact" in str(s.get("uses", "")))
    assert "SHA256SUMS.txt" in upload["with"]["path"] and upload["with"]["if-no-files-found"] == "error"


def test_the_files_and_switches_it_uses_exist() -> None:
    script = _script()
    for relative in re.findall(r"packaging\\(\w+\.py)", script):
        assert (ROOT / "packaging" / relative).exists(), relative
    for requirements in re.findall(r"-r (requirements[\w-]*\.txt)", script):
        assert (ROOT / requirements).exists(), requirements
    app = (ROOT / "ui" / "app.py").read_text(encoding="utf-8")
    assert '"--self-test-out"' in app
    usb_kit = (ROOT / "packaging" / "usb_kit.py").read_text(encoding="utf-8")
    for option in re.findall(r"(--\w+) ", script.split("usb_kit.py", 1)[1].split("Get-ChildItem")[0]):
        assert f'"{option}"' in usb_kit, option


def test_expressions_use_only_known_contexts() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for expression in re.findall(r"\$\{\{(.*?)\}\}", text):
        context = expression.strip().split(".")[0]
        assert context in {"github", "env", "runner", "matrix", "steps", "inputs", "secrets", "vars"}, expression
