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
    """What a household's assistance form shows (rows as the register holds them)."""

    commune: dict[str, Any]
    household: dict[str, Any]  # with village_name
    members: list[dict[str, Any]]  # living, in order, with relationship and ethnicity names
    supports: list[dict[str, Any]]  # every support recorded, oldest first
    certificate_number: str  # the live certificate's, else the latest round's, else a blank to fill in


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


# ------------------------------------------------------------- papers ----
# The papers of a review round (POVERTY_RULES §4.2, Decision 24/2021 Mẫu 01–04): what the page says,
# read by ``services.forms`` from the round (its classes, meeting, dates, standard), drawn by
# ``export.forms`` on the Decree 30/2020 page of ``export.page``.


@dataclass(frozen=True)
class Issuer:
    """The commune as it signs papers."""

    name: str  # "xã Tân Lập"
    province: str
    place: str  # "Tân Lập" (the date line)
    body: str  # "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    chairman: str
    preparer: str


@dataclass(frozen=True)
class RoundFacts:
    """A review round's name, step, dates and standard (with the legal basis its papers cite)."""

    id: int
    name: str
    kind: str  # 'annual' | 'monthly'
    year: int
    step: str
    reference_date: str
    posting_from: str | None
    posting_to: str | None
    decision_number: str
    decision_date: str | None
    certificates_date: str | None
    standard_id: str
    standard_name: str
    basis: tuple[str, ...]  # "Nghị định số … của Chính phủ quy định …" (from the standard's file)
    period: str  # "giai đoạn 2022 - 2025" (from the standard's validity)


@dataclass(frozen=True)
class PersonLine:
    """A household member as the papers print them."""

    name: str
    sex: str | None  # 'M' | 'F'
    birth_date: str | None  # ISO
    birth_year: int | None
    relationship: str
    ethnicity: str
    id_number: str
    id_issue_date: str | None
    status: str  # Mẫu 01 "Tình trạng": Có việc làm / Không có việc làm / Đang đi học / ''


@dataclass(frozen=True)
class HouseholdLine:
    """A household on a paper: the round's class (or the register's for a request), its head first."""

    id: int
    code: str
    village: str
    head: PersonLine
    residence: str
    persons: int
    cls: str
    class_before: str | None = None
    members: tuple[PersonLine, ...] = ()
    deprived: tuple[int, ...] = ()  # numbers (1–12) of the indicators the household lacks
    certificate_number: str = ""
    certificate_date: str | None = None
    valid_until: str | None = None
    class_decision: str = ""  # the register's decision (requests)


@dataclass(frozen=True)
class RoundVillagePaper:
    """A village's posting list or meeting minutes for one round."""

    issuer: Issuer
    round: RoundFacts
    village: str
    village_head: str
    poor: tuple[HouseholdLine, ...]
    near_poor: tuple[HouseholdLine, ...]
    escaped: tuple[HouseholdLine, ...]  # poor → near-poor or above; near-poor → above (thoát nghèo / cận nghèo)
    meeting: dict[str, Any] | None  # the village's latest meeting in this round


@dataclass(frozen=True)
class DecisionPaper:
    """Mẫu 02: the commune chairman's decision recognising the round's lists."""

    issuer: Issuer
    round: RoundFacts
    poor: tuple[HouseholdLine, ...]
    near_poor: tuple[HouseholdLine, ...]
    escaped_poor: tuple[HouseholdLine, ...]
    escaped_near: tuple[HouseholdLine, ...]


@dataclass(frozen=True)
class CertificatePaper:
    """Mẫu 03 for one poor or near-poor household of a round."""

    issuer: Issuer
    round: RoundFacts
    household: HouseholdLine


@dataclass(frozen=True)
class RequestPaper:
    """Mẫu 01 (review request) or Mẫu 04 (request to be recognised as escaped); blank without a household."""

    form: str  # '01' | '04'
    issuer: Issuer
    household: HouseholdLine | None = None
    request_date: str | None = None
    reason: str = ""
