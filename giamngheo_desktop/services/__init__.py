"""Operations on an open ``Database``: check permissions, validate, write in one
transaction, and return what changed. The UI calls these; it never writes SQL.
Where this layer sits: docs/architecture.md.
"""
