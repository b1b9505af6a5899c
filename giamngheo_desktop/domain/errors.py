"""Errors the core raises.

Known errors (``DomainError`` and subclasses) carry a machine code, parameters and a
Vietnamese sentence for the user: the app's only language is Vietnamese and the
command line needs the same sentences, so the core writes them once here and the UI
shows ``str(error)``. Anything else that escapes is a bug and gets the crash dialog
(qutebrowser's KnownError/BugError split).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DomainError(Exception):
    """A known error with a message the user can act on."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.params = params

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


@dataclass(frozen=True)
class ValidationIssue:
    """One problem with one field of one record (or one row of a file).

    ``row`` is the 1-based row in a file, or None for records typed in the app.
    """

    field: str
    message: str
    code: str = "invalid"
    row: int | None = None
    value: str | None = None
    severity: str = "error"  # 'error' blocks the write, 'warning' does not
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    who: str = ""  # whose field, when a record has several people ("Nguyễn Văn A")

    @property
    def label(self) -> str:
        """The field as the officer knows it: a household or member field's key gives its
        Vietnamese label (:mod:`domain.fields`); any other text is shown as it is."""
        from giamngheo_desktop.domain.fields import label

        name = label(self.field)
        return f"{self.who} — {name}" if self.who else name

    def text(self) -> str:
        where = f"Dòng {self.row}, " if self.row is not None else ""
        shown = self.value
        if self.row is None and shown and _ISO_DAY.fullmatch(shown):  # a date a form sent, not what was typed
            shown = f"{shown[8:10]}/{shown[5:7]}/{shown[:4]}"
        value = f" (giá trị: “{shown}”)" if shown not in (None, "") else ""
        return f"{where}trường “{self.label}”{value}: {self.message}"


class ValidationFailed(DomainError):
    """Input was refused; nothing was written."""

    code = "validation_failed"

    def __init__(self, issues: list[ValidationIssue] | ValidationIssue, message: str | None = None) -> None:
        if isinstance(issues, ValidationIssue):
            issues = [issues]
        self.issues = list(issues)
        text = message or "\n".join(issue.text() for issue in self.issues[:20])
        if len(self.issues) > 20 and message is None:
            text += f"\n… và {len(self.issues) - 20} lỗi khác."
        super().__init__(text or "Dữ liệu không hợp lệ.")


class SchemaTooNew(DomainError):
    """The file was written by a newer version of the app; it is left untouched."""

    code = "schema_too_new"


class StorageUnavailable(DomainError):
    """The database file cannot be used right now (locked, read-only, disk full, damaged)."""

    code = "storage_unavailable"


class BadFile(DomainError):
    """A file given to an importer cannot be read (wrong type, truncated, hostile)."""

    code = "bad_file"
