"""SQLite storage: connections, transactions, migrations, audit triggers, search text.

Where it sits among the layers, and the order of its own modules: ``docs/architecture.md``.
"""
