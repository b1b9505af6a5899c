"""Demo commune generator (placeholder until the generator lands)."""

from __future__ import annotations

from collections.abc import Callable

from giamngheo_desktop.storage.connection import Database


def generate(db: Database, *, households: int, seed: int, progress: Callable[[int, int], None] | None = None) -> None:
    raise NotImplementedError
