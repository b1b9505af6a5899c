"""Giảm nghèo Desktop — the Qt-free core. Its layers: docs/architecture.md."""

__version__ = "0.1.0"
APP_NAME = "Giảm nghèo Desktop"
APP_ID = "giamngheo-desktop"
