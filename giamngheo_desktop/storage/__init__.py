"""SQLite storage: connections, transactions, migrations and the SQL of each area.

Imports only ``domain`` and the standard library. Nothing above ``services`` sees a
``sqlite3.Row``: repositories return dicts or domain values.
"""

from giamngheo_desktop.storage.connection import Database, open_database

__all__ = ["Database", "open_database"]
