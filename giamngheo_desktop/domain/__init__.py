"""Plain domain values and rules. Imports only the standard library."""
