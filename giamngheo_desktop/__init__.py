"""Giảm nghèo Desktop — the Qt-free core.

Nothing below this package imports PySide6 or ``ui`` (tests/test_architecture.py
enforces it). Layers: ``domain`` (plain values, stdlib only) ← ``storage`` (SQLite)
← ``services`` (operations, permissions) ← ``export``/``importing`` ← ``cli``.
"""

__version__ = "0.1.0"
APP_NAME = "Giảm nghèo Desktop"
APP_ID = "giamngheo-desktop"
