"""QApplication set-up and start (placeholder until the main window lands)."""

from __future__ import annotations


def run(argv: list[str]) -> int:
    raise NotImplementedError
