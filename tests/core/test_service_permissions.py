"""Every public service that writes checks the acting user's permission first.

The writers are found from the code (a public function of ``giamngheo_desktop/services`` taking
``db`` whose body, or a function of the services it calls, opens ``db.atomic()`` or writes the
audit trail); the permission each needs is the first ``require(Permission.X)`` on that path. Then
every writer is called as every role that lacks its permission: each must refuse with
PermissionDenied before touching its arguments, and the file must be unchanged.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.domain.errors import PermissionDenied
from giamngheo_desktop.domain.permissions import ROLE_PERMISSIONS, Actor, Permission, Role
from giamngheo_desktop.storage.connection import Database

SERVICES = Path(__file__).resolve().parents[2] / "giamngheo_desktop" / "services"
# self-service or infrastructure: the login itself, opening and closing a file, a user's own password
NOT_PERMISSION_BASED = {
    "users.authenticate",
    "users.login",
    "users.change_own_password",
    "session.open_session",
    "session.close_session",
    "session.self_test",
}


def _functions() -> dict[str, ast.FunctionDef]:
    found: dict[str, ast.FunctionDef] = {}
    for path in sorted(SERVICES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                found[f"{path.stem}.{node.name}"] = node
    return found


def _calls(node: ast.AST, module: str, names: set[str]) -> set[str]:
    """Services functions ``node`` calls: local names and ``other_module.name``."""
    out = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        f = call.func
        if isinstance(f, ast.Name) and f"{module}.{f.id}" in names:
            out.add(f"{module}.{f.id}")
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f"{f.value.id}.{f.attr}" in names:
            out.add(f"{f.value.id}.{f.attr}")
    return out


def _direct_write(node: ast.AST) -> bool:
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and (
                call.func.attr in ("atomic", "bulk")
                or (
                    call.func.attr == "record"
                    and isinstance(call.func.value, ast.Name)
                    and "audit" in call.func.value.id
                )
            )
        ):
            return True
    return False


def _permission_of(arg: ast.expr) -> str | None:
    if isinstance(arg, ast.IfExp):  # require(Permission.A if … else Permission.B): the weaker one, B
        return _permission_of(arg.orelse)
    if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "Permission":
        return arg.attr
    return None


def _direct_permission(node: ast.FunctionDef) -> str | None:
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "require"
            and call.args
            and (found := _permission_of(call.args[0]))
        ):
            return found
    return None


def writers() -> dict[str, str | None]:
    """public writing service → the permission it requires (None: none found)."""
    funcs = _functions()
    names = set(funcs)
    calls = {n: _calls(f, n.split(".")[0], names) for n, f in funcs.items()}
    writes = {n for n, f in funcs.items() if _direct_write(f)}
    changed = True
    while changed:
        changed = False
        for n in names - writes:
            if calls[n] & writes:
                writes.add(n)
                changed = True
    permission = {n: _direct_permission(f) for n, f in funcs.items()}
    for _ in range(5):  # a helper's check counts for its callers
        for n in names:
            if permission[n] is None:
                inherited = [permission[c] for c in sorted(calls[n]) if permission[c]]
                if inherited:
                    permission[n] = inherited[0]
    out = {}
    for n in sorted(writes):
        name = n.split(".")[1]
        args = funcs[n].args.args
        if name.startswith("_") or not args or args[0].arg != "db" or n in NOT_PERMISSION_BASED:
            continue
        out[n] = permission[n]
    return out


WRITERS = writers()


def test_the_walk_finds_the_writers() -> None:
    assert len(WRITERS) > 40
    assert "review.expire_newly_escaped" in WRITERS and "register_households.add_household" in WRITERS


def test_every_public_writing_service_checks_a_permission() -> None:
    unchecked = sorted(n for n, p in WRITERS.items() if p is None)
    assert unchecked == [], f"services that write without db.require(...): {unchecked}"


class Poison:
    """An argument that fails the test if the service touches it before checking the user's rights."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"argument used before the permission check ({name})")

    def __iter__(self) -> Any:
        raise AssertionError("argument used before the permission check (iterated)")

    def __bool__(self) -> bool:
        raise AssertionError("argument used before the permission check (truth)")

    def __eq__(self, other: object) -> bool:
        raise AssertionError("argument used before the permission check (compared)")

    __hash__ = None  # type: ignore[assignment]  # unhashable: the way Python spells it, not a method


# arguments that decide which permission applies are given for real
DECIDING = {"review.advance": {"to_step": "posting"}}


def _call_as(db: Database, qualified: str, role: Role) -> BaseException | None:
    module, name = qualified.split(".")
    fn = getattr(importlib.import_module(f"giamngheo_desktop.services.{module}"), name)
    params = list(inspect.signature(fn).parameters.values())[1:]
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for p in params:
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in DECIDING.get(qualified, {}):
            kwargs[p.name] = DECIDING[qualified][p.name]
        elif p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = Poison()
        else:
            args.append(Poison())
    db.set_actor(Actor(user_id=None, username=f"thu-{role.value}", role=role))
    try:
        fn(db, *args, **kwargs)
    except BaseException as exc:  # reported below
        return exc
    return None


@pytest.mark.parametrize("role", list(Role))
def test_every_writer_refuses_a_role_without_its_permission_before_anything_else(db: Database, role: Role) -> None:
    before = db.scalar("SELECT total_changes()"), db.scalar("SELECT count(*) FROM audit_log")
    problems = []
    for qualified, permission in sorted(WRITERS.items()):
        if permission is None or Permission[permission] in ROLE_PERMISSIONS[role]:
            continue
        outcome = _call_as(db, qualified, role)
        if not isinstance(outcome, PermissionDenied):
            problems.append(f"{qualified} as {role.value}: {type(outcome).__name__}: {outcome}")
    assert problems == [], "\n".join(problems)
    assert (db.scalar("SELECT total_changes()"), db.scalar("SELECT count(*) FROM audit_log")) == before
