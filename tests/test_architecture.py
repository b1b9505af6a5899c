"""The house of docs/architecture.md ("The layers"), checked on every test run.

``LAYERS`` below is that drawing as data: a module imports its own package and the layers of
lower rank, never a higher layer nor a neighbour of the same rank; the other rules (export takes
plain values, ui reaches the database through services, libraries in their layers, no import
loops) are the tests' names. Imports inside functions and under ``TYPE_CHECKING`` count. Then: no
dead code (a public name of the app nothing but tests uses), no issue-tracker numbers.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = "giamngheo_desktop"

# (layer name, rank, module prefixes); a prefix matches the module itself and everything below it
LAYERS: list[tuple[str, int, tuple[str, ...]]] = [
    (
        "base",
        0,
        (
            CORE,
            f"{CORE}.text",
            f"{CORE}.formats",
            f"{CORE}.clock",
            f"{CORE}.paths",
            f"{CORE}.resources",
            f"{CORE}.memory",
        ),
    ),
    ("domain", 1, (f"{CORE}.domain",)),
    ("storage", 2, (f"{CORE}.storage",)),
    ("services", 3, (f"{CORE}.services",)),
    ("importing", 4, (f"{CORE}.importing",)),
    ("export", 4, (f"{CORE}.export",)),
    ("cli", 5, (f"{CORE}.cli", f"{CORE}.__main__")),
    ("ui", 5, ("ui", "main")),
]
# imports allowed to a module of the given layer beyond the rule of ranks, and ones forbidden despite it
FORBIDDEN_LAYERS = {"export": {"services", "storage"}, "ui": {"storage"}}
FORBIDDEN_OUTSIDE = {
    "base": ("sqlite3", "openpyxl", "reportlab", "sqlite_utils", "python_calamine", "PySide6", "shiboken6"),
    "domain": ("sqlite3", "openpyxl", "reportlab", "sqlite_utils", "python_calamine", "PySide6", "shiboken6"),
    "storage": ("openpyxl", "reportlab", "python_calamine", "PySide6", "shiboken6"),
    "services": ("openpyxl", "reportlab", "python_calamine", "PySide6", "shiboken6"),
    "importing": ("openpyxl", "reportlab", "PySide6", "shiboken6"),
    "export": ("sqlite3", "sqlite_utils", "python_calamine", "PySide6", "shiboken6"),
    "cli": ("openpyxl", "reportlab", "python_calamine", "PySide6", "shiboken6"),
    "ui": ("sqlite3", "sqlite_utils", "openpyxl", "reportlab", "python_calamine"),
}
DATABASE_INTERNALS = {"conn", "atomic", "rows", "row", "scalar"}


@dataclass(frozen=True)
class Import:
    source: str  # module that imports
    target: str  # what it imports (an internal module, or the top name of an outside one)
    line: int

    def __str__(self) -> str:
        return f"{self.source} (line {self.line}) imports {self.target}"


def module_files() -> dict[str, Path]:
    files = {"main": ROOT / "main.py"}
    for folder in (CORE, "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    return files


MODULES = module_files()


def layer_of(module: str) -> tuple[str, int]:
    best: tuple[str, int, int] | None = None  # the longest matching prefix wins (giamngheo_desktop vs .domain)
    for name, rank, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[2]):
                best = (name, rank, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
    return best[0], best[1]


def package_of(module: str) -> str:
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def imports_of(module: str) -> Iterator[Import]:
    """Every import in the file, resolved the way import-linter does: ``from a.b import c`` is an
    import of ``a.b.c`` when that is a module, else of ``a.b``; outside modules by their top name."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, _internal(alias.name) or alias.name.split(".")[0], node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = package_of(module).split(".")
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                target = _internal(f"{base}.{alias.name}") or _internal(base) or base.split(".")[0]
                yield Import(module, target, node.lineno)


def _internal(name: str) -> str | None:
    return name if name in MODULES else None


ALL_IMPORTS = [imp for module in MODULES for imp in imports_of(module)]
INTERNAL = [imp for imp in ALL_IMPORTS if imp.target in MODULES and imp.target != imp.source]


def test_every_module_has_a_layer() -> None:
    """A new module outside every prefix of LAYERS fails here (layer_of names it)."""
    assert {layer_of(module)[0] for module in MODULES} == {name for name, _rank, _prefixes in LAYERS}


def test_layers_import_only_downwards() -> None:
    broken = []
    for imp in INTERNAL:
        (src, src_rank), (dst, dst_rank) = layer_of(imp.source), layer_of(imp.target)
        if src == dst:
            continue
        if dst_rank >= src_rank or dst in FORBIDDEN_LAYERS.get(src, ()):
            broken.append(f"{imp}: {src} may not import {dst}")
    assert broken == []


def test_outside_libraries_stay_in_their_layer() -> None:
    broken = []
    for imp in ALL_IMPORTS:
        if imp.target in MODULES:
            continue
        layer, _ = layer_of(imp.source)
        if imp.target in FORBIDDEN_OUTSIDE[layer]:
            broken.append(f"{imp}: not in {layer}")
    assert broken == []


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in INTERNAL:
        graph[imp.source].add(imp.target)
    cycles = _cycles(graph)
    assert cycles == [], "files that import each other (round a loop): " + "; ".join(" → ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_ui_reaches_the_database_only_through_services() -> None:
    """No ``db.conn``, ``db.atomic()``, ``db.rows()``… in ui/: a tab or dialog calls a service."""
    broken = []
    for module, path in MODULES.items():
        if layer_of(module)[0] != "ui":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in DATABASE_INTERNALS:
                owner = node.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name == "db":
                    broken.append(f"{module} (line {node.lineno}) uses db.{node.attr}")
    assert broken == []


# -- the check itself can fail ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_cycle_finder_finds_loops(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _cycles(graph) == expected


def test_layer_rule_names_an_upward_import() -> None:
    assert layer_of("giamngheo_desktop.services.register") == ("services", 3)
    assert layer_of("giamngheo_desktop.text") == ("base", 0)
    assert layer_of("ui.tabs.households_tab") == ("ui", 5)
    imports = list(imports_of("giamngheo_desktop.services.register"))
    assert any(i.target == "giamngheo_desktop.storage.connection" for i in imports)


# -- no dead code -------------------------------------------------------------------------------
# A public function, method or class of the app needs a caller outside its own body and outside the
# tests (the app, scripts/, packaging/). A module-level function or class is called when a caller
# reaches that very definition: by name in its module, ``m.name`` after ``import m`` or ``from pkg
# import m``, or ``name`` after ``from m import name`` (re-exports such as services/register.py and
# importing/lists.py are followed to the module that defines the name, and are no calls themselves).
# A method is called when its name is used anywhere (the type of ``obj`` in ``obj.name`` is not
# known here); methods named in camelCase are Qt's (overrides Qt calls). A name given as a string
# (``getattr(widget, "on_changes")``) is a call of every definition of that name.
CALLER_FOLDERS = ("scripts", "packaging")
CALLED_BY_NAME = {  # called without the name in the code, or kept on purpose: why
    "giamngheo_desktop.clock.set_fixed_now": "pins the app's clock for tests (tests/conftest.py pinned_clock)",
    "giamngheo_desktop.cli.*_cmd.register": "cli/__init__.py imports each module of COMMANDS and calls it",
    "giamngheo_desktop.importing.html_table._Tables.handle_*": "html.parser.HTMLParser.feed calls them per tag",
}
_QT_NAME = re.compile(r"^[a-z]+[A-Z]")


def _trees(paths: dict[str, Path]) -> dict[str, ast.Module]:
    return {name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for name, path in paths.items()}


def _from_base(module: str, node: ast.ImportFrom, packages: set[str]) -> str:
    base = node.module or ""
    if node.level:
        package = (module if module in packages else module.rpartition(".")[0]).split(".")
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([base] if base else []))
    return base


def _references(trees: dict[str, ast.Module], packages: set[str]) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Where each module-level name is referred to: (defining module, name) → [(module, line)]."""
    modules: dict[str, dict[str, str]] = {}  # module → local name → module it stands for
    names: dict[str, dict[str, tuple[str, str]]] = {}  # module → local name → (module, name) imported
    for module, tree in trees.items():
        modules[module], names[module] = {}, {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name if alias.asname else alias.name.split(".")[0]
                    modules[module][alias.asname or top] = top
            elif isinstance(node, ast.ImportFrom):
                base = _from_base(module, node, packages)
                for alias in node.names:
                    local = alias.asname or alias.name
                    if f"{base}.{alias.name}" in trees:
                        modules[module][local] = f"{base}.{alias.name}"
                    else:
                        names[module][local] = (base, alias.name)

    def origin(key: tuple[str, str]) -> tuple[str, str]:
        for _ in range(10):  # through re-exports to the module that defines the name
            if key[0] not in names or key[1] not in names[key[0]]:
                break
            key = names[key[0]][key[1]]
        return key

    found: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                key = origin(names[module].get(node.id, (module, node.id)))
            elif isinstance(node, ast.Attribute):
                chain, root = [node.attr], node.value
                while isinstance(root, ast.Attribute):
                    chain.append(root.attr)
                    root = root.value
                if not isinstance(root, ast.Name) or root.id not in modules[module]:
                    continue
                parts = [modules[module][root.id], *reversed(chain)]
                key = origin((".".join(parts[:-1]), parts[-1]))
            else:
                continue
            found.setdefault(key, []).append((module, node.lineno))
    return found


def _loose_uses(trees: dict[str, ast.Module]) -> dict[str, list[tuple[str, int]]]:
    """Every use of a name whatever it belongs to: Names, attributes, identifier-like strings."""
    found: dict[str, list[tuple[str, int]]] = {}
    for module, tree in trees.items():
        listed = {
            id(c)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
            for c in ast.walk(node.value)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in listed:
                if not node.value.isidentifier():
                    continue
                name = node.value
            else:
                continue
            found.setdefault(name, []).append((module, node.lineno))
    return found


def _strings(trees: dict[str, ast.Module]) -> set[str]:
    return {
        node.value
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier()
    }


def uncalled(definitions: dict[str, ast.Module], callers: dict[str, ast.Module], packages: set[str]) -> list[str]:
    """Public functions, methods and classes in ``definitions`` nothing in ``callers`` calls
    outside their own body (``module.Class.method (line n)``)."""
    references = _references(callers, packages)
    loose = _loose_uses(callers)
    strings = _strings(callers)
    found: list[str] = []

    def visit(module: str, body: list[ast.stmt], owner: str) -> None:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            qualified = f"{module}.{owner}{node.name}"
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            end = node.end_lineno or node.lineno
            uses = loose.get(node.name, []) if owner else references.get((module, node.name), [])
            elsewhere = [u for u in uses if not (u[0] == module and start <= u[1] <= end)]
            public = not node.name.startswith("_") and not (owner and _QT_NAME.match(node.name))
            kept = any(fnmatch.fnmatchcase(qualified, pattern) for pattern in CALLED_BY_NAME)
            if public and not elsewhere and node.name not in strings and not kept:
                found.append(f"{qualified} (line {node.lineno})")
            if isinstance(node, ast.ClassDef):
                visit(module, node.body, f"{owner}{node.name}.")

    for module, tree in definitions.items():
        visit(module, tree.body, "")
    return found


def test_every_public_function_has_a_caller_outside_the_tests() -> None:
    """Code only tests call is dead: remove it with its tests (or say in CALLED_BY_NAME why it stays)."""
    callers = dict(MODULES)
    for folder in CALLER_FOLDERS:
        callers |= {f"{folder}/{p.name}": p for p in sorted((ROOT / folder).rglob("*.py"))}
    packages = {m for m, p in MODULES.items() if p.name == "__init__.py"}
    assert uncalled(_trees(MODULES), _trees(callers), packages) == []


def test_dead_code_check_finds_an_uncalled_function() -> None:
    app = ast.parse(
        "def used(): return helper()\n"
        "def helper(): return 1\n"
        "def recursive(n): return recursive(n - 1)\n"
        "def only_reexported(): pass\n"
        "def shadowed(): pass\n"
        "def by_name(): pass\n"
        "class Model:\n"
        "    def rowCount(self): return 0\n"
        "    def refresh(self): pass\n"
    )
    facade = ast.parse("from app import Model, only_reexported, used, shadowed\n")
    other = ast.parse("def shadowed(): pass\n")
    caller = ast.parse(
        "import facade\nfrom other import shadowed\n"
        "facade.used()\nshadowed()\ngetattr(facade, 'by_name')\ngetattr(facade.Model(), 'refresh')()\n"
    )
    trees = {"app": app, "facade": facade, "other": other, "caller": caller}
    assert uncalled({"app": app}, trees, set()) == [
        "app.recursive (line 3)",
        "app.only_reexported (line 4)",
        "app.shadowed (line 5)",  # the caller calls other.shadowed
    ]


# -- words a newcomer cannot follow ------------------------------------------------------------
TRACKER = re.compile(r"\bissues? ?#?\d+\b|\bDone when\b", re.IGNORECASE)
TEXT_SUFFIXES = {".py", ".md", ".json", ".sh", ".toml", ".txt", ".nsi", ".spec", ".yml", ".yaml", ".cfg", ".ini"}
SKIPPED_DIRS = {
    ".venv",
    ".git",
    "build",
    "dist",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
}


def test_no_references_to_an_issue_tracker() -> None:
    """The repository has no issue tracker: say what a change is for, not its ticket number."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".venv"))
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix not in TEXT_SUFFIXES or path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
                if TRACKER.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == []
