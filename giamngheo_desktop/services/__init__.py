"""Operations on an open ``Database``: check permissions, validate, write in one
transaction, and return what changed. The UI calls these; it never writes SQL.
"""
