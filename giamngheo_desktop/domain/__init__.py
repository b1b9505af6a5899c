"""Plain domain values and rules: the standard library and ``text`` only (docs/architecture.md)."""
