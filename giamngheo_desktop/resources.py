"""Where bundled files live, in the source tree and in a frozen (PyInstaller) build.

The one place that knows both layouts (Dangerzone's ``get_resource_path``).
"""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """The folder that holds ``resources/`` and ``db/``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("standards", "vn-2022-2025.json")``."""
    return app_root().joinpath("resources", *parts)


def schema_path() -> Path:
    """Path of the baseline schema ``db/schema.sql``."""
    return app_root() / "db" / "schema.sql"
