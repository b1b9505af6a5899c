"""Plain values a service hands to an ``export`` writer: what goes on the page, nothing to look up.

``ReportData`` (the report tables) lives in ``domain/report.py``; these are the other files an
officer takes away: the register as a sheet, a coverage-gap list, the printed forms and the
upload package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giamngheo_desktop.domain.report import ReportData

PACKAGE_FORMAT = "giamngheo-goi-du-lieu"  # the "format" of an upload package's manifest and data file


@dataclass(frozen=True)
class RegisterSheet:
    """The register as filtered: one row per living member with the household's columns.

    ``batches`` yields the rows a few hundred households at a time (read while the file is
    written, so 50,000 households never sit in memory at once); ``total`` is the number of
    households, for progress.
    """

    title: str
    subtitle: str
    total: int
    batches: Iterable[list[dict[str, Any]]]


@dataclass(frozen=True)
class GapListDoc:
    """One printable gap list: header, title, village, date, columns and rows (plain text)."""

    commune_header: str  # "UBND xã Tân Lập"
    title: str
    village: str  # "Thôn Đồng Xuân" or "Tất cả các thôn"
    on_date: str  # dd/mm/yyyy
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative column widths
    preparer: str = ""
    chairman: str = ""
    place: str = ""


@dataclass(frozen=True)
class HouseholdPaper:
    """What a household's certificate and assistance form show (rows as the register holds them)."""

    commune: dict[str, Any]
    household: dict[str, Any]  # with village_name
    members: list[dict[str, Any]]  # living, in order, with relationship and ethnicity names
    supports: list[dict[str, Any]]  # every support recorded, oldest first
    certificate_number: str  # the live certificate's, else the latest round's, else a blank to fill in


@dataclass(frozen=True)
class VillagePaper:
    """What a village's posting list and meeting minutes show."""

    commune: dict[str, Any]
    village: dict[str, Any]
    posting_round: dict[str, Any] | None  # the latest round with a posting period
    meeting: dict[str, Any] | None  # the village's latest meeting
    households: list[dict[str, Any]]  # poor and near-poor: id, code, poverty_class, address, head_name, persons


@dataclass(frozen=True)
class PackageContents:
    """Everything in one upload package, worked out before the file is written."""

    commune: dict[str, Any]  # code, name
    period: dict[str, Any]  # key, label, start, end
    file_key: str  # the period in the file name
    sequence: int  # this period's package number
    created_at: str
    app_version: str
    schema_version: int
    reports: list[ReportData]
    data: dict[str, Any]  # du-lieu.json
    audit_head: dict[str, Any] = field(default_factory=lambda: {"id": 0, "hash": ""})  # the audit trail's anchor


@dataclass(frozen=True)
class PackageResult:
    """A package written: where, its manifest, and the SHA-256 of the whole file."""

    path: Path
    manifest: dict[str, Any]
    sha256: str
