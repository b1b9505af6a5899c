"""The layering rule: the core never imports PySide6 or ui; ui never imports storage or sqlite3."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_core_never_imports_qt_or_ui() -> None:
    assert offenders("giamngheo_desktop", ("PySide6", "shiboken6", "ui")) == []


def test_domain_imports_only_stdlib_and_itself() -> None:
    assert offenders("giamngheo_desktop/domain", ("sqlite3", "openpyxl", "reportlab", "sqlite_utils")) == []
    assert (
        offenders(
            "giamngheo_desktop/domain",
            tuple(f"giamngheo_desktop.{m}" for m in ("storage", "services", "export", "importing", "cli")),
        )
        == []
    )


def test_storage_does_not_import_services() -> None:
    assert offenders("giamngheo_desktop/storage", ("giamngheo_desktop.services", "giamngheo_desktop.cli")) == []


def test_ui_never_touches_storage_or_sql() -> None:
    assert offenders("ui", ("sqlite3", "giamngheo_desktop.storage", "sqlite_utils")) == []


def test_main_is_entry_only() -> None:
    names = imported_modules(ROOT / "main.py")
    assert not any(n.startswith("giamngheo_desktop.storage") for n in names)
