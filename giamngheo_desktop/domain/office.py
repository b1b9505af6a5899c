"""The receiving office's pure rules: commune types, the reporting calendar, sending
status, report tables as JSON, and combining communes' tables into one.

* :func:`due_date` — when a commune's package for a period is due, from the calendar of
  Decision 24/2021 Art. 7 (``resources/office/reporting-calendar.json``; data, not constants).
* :func:`status_of` — sent / late / missing / not due yet for one commune and period.
* :func:`report_to_json` / :func:`report_from_json` — a :class:`ReportData` as plain JSON (the
  upload package carries its tables this way in ``du-lieu.json``: ``reports``) and back, with
  every field checked; a bad table raises :class:`ValueError` naming the field.
* :func:`combine_reports` — communes' own tables of one kind → one table with a row per commune
  (its total row) and the office total; sums of count and money columns, percentages worked
  out again from the columns they are a ratio of.
"""

from __future__ import annotations

import calendar
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from giamngheo_desktop.domain.report import (
    INT,
    MONEY,
    PERCENT,
    TEXT,
    YEAR,
    HeaderCell,
    HeaderSpec,
    ReportData,
    ReportRow,
    Value,
    build_headers,
    column_numbers,
)
from giamngheo_desktop.resources import resource_path

UNIT_TYPES = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}
LEVELS = {"province": "Cấp tỉnh (Sở Nông nghiệp và Môi trường)", "commune": "Cấp xã (Phòng Kinh tế)"}

SENT, LATE, MISSING, NOT_DUE, NOT_REQUIRED = "sent", "late", "missing", "not_due", "not_required"
STATUS_LABELS = {
    SENT: "Đã gửi đúng hạn",
    LATE: "Gửi muộn",
    MISSING: "Chưa gửi (quá hạn)",
    NOT_DUE: "Chưa gửi (chưa đến hạn)",
    NOT_REQUIRED: "Không bắt buộc",
}
KIND_OF_COLUMN = {TEXT, INT, PERCENT, MONEY, YEAR}
ROW_KINDS = {"unit", "total", "subtotal", "section", "detail"}
MAX_REPORT_ROWS = 200_000
MAX_COLUMNS = 200


# ------------------------------------------------------------------ calendar ----
@cache
def default_calendar() -> dict[str, Any]:
    return dict(json.loads(resource_path("office", "reporting-calendar.json").read_text(encoding="utf-8")))


def due_date(kind: str, start: date, end: date, cal: dict[str, Any] | None = None) -> date | None:
    """The day a commune's package for the period is due; None when no deadline applies."""
    rule = (cal or default_calendar()).get(kind) or {}
    if rule.get("rule") == "day_of_next_month":
        required = rule.get("required_months")
        if required and end.month not in required:
            return None
        y, m = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
        return date(y, m, min(int(rule.get("day", 5)), calendar.monthrange(y, m)[1]))
    if rule.get("rule") == "fixed_date":
        return date(end.year, int(rule["month"]), int(rule["day"]))
    return None


def status_of(received_on: date | None, due: date | None, today: date) -> str:
    """A commune's status for a period: sent on time, late, missing, not due yet, or not required."""
    if received_on is not None:
        return LATE if due is not None and received_on > due else SENT
    if due is None:
        return NOT_REQUIRED
    return MISSING if today > due else NOT_DUE


# ----------------------------------------------------------- tables as JSON ----
def report_to_json(report: ReportData) -> dict[str, Any]:
    """A report table as plain JSON (what ``du-lieu.json``'s ``reports`` holds)."""
    return {
        "kind": report.kind,
        "code": report.code,
        "title": report.title,
        "period_label": report.period_label,
        "unit_name": report.unit_name,
        "headers": [[c.text, c.row, c.col, c.rowspan, c.colspan] for c in report.headers],
        "header_rows": report.header_rows,
        "column_kinds": list(report.column_kinds),
        "column_numbers": list(report.column_numbers),
        "widths": list(report.widths),
        "rows": [[r.kind, list(r.values)] for r in report.rows],
        "notes": list(report.notes),
    }


def _text(value: Any, name: str, limit: int = 2000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"«{name}» phải là chữ (tối đa {limit} ký tự)")
    return value


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"«{name}» phải là số nguyên từ {low} đến {high}")
    return value


def _cell(value: Any, name: str) -> Value:
    if value is None or (isinstance(value, str) and len(value) <= 2000):
        return value
    if isinstance(value, bool):
        raise ValueError(f"«{name}» không phải số hay chữ")
    if isinstance(value, int) and abs(value) < 10**15:
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) < 1e15:
        return value
    raise ValueError(f"«{name}» không phải số hay chữ hợp lệ")


def report_from_json(raw: Any) -> ReportData:
    """A report table from :func:`report_to_json`'s shape, every field checked (ValueError names it)."""
    if not isinstance(raw, dict):
        raise ValueError("bảng báo cáo không phải một nhóm trường")
    kind = _text(raw.get("kind"), "kind", 40)
    if not kind or not all(ch.isalnum() or ch in "_." for ch in kind):
        raise ValueError("«kind» chỉ gồm chữ, số, «_» và «.»")
    kinds = raw.get("column_kinds")
    if not isinstance(kinds, list) or not 2 <= len(kinds) <= MAX_COLUMNS or any(k not in KIND_OF_COLUMN for k in kinds):
        raise ValueError(f"«{kind}.column_kinds» không hợp lệ")
    ncols = len(kinds)
    header_rows = _int(raw.get("header_rows"), f"{kind}.header_rows", 1, 10)
    headers: list[HeaderCell] = []
    raw_headers = raw.get("headers")
    if not isinstance(raw_headers, list) or len(raw_headers) > 2000:
        raise ValueError(f"«{kind}.headers» phải là danh sách")
    for n, h in enumerate(raw_headers):
        if not isinstance(h, list) or len(h) != 5:
            raise ValueError(f"«{kind}.headers[{n}]» không hợp lệ")
        text = _text(h[0], f"{kind}.headers[{n}]", 500)
        row = _int(h[1], f"{kind}.headers[{n}].row", 0, header_rows - 1)
        col = _int(h[2], f"{kind}.headers[{n}].col", 0, ncols - 1)
        rowspan = _int(h[3], f"{kind}.headers[{n}].rowspan", 1, header_rows - row)
        colspan = _int(h[4], f"{kind}.headers[{n}].colspan", 1, ncols - col)
        headers.append(HeaderCell(text, row, col, rowspan, colspan))
    numbers = raw.get("column_numbers")
    if not isinstance(numbers, list) or len(numbers) != ncols:
        raise ValueError(f"«{kind}.column_numbers» phải có {ncols} mục")
    widths = raw.get("widths") or []
    if not isinstance(widths, list) or (widths and len(widths) != ncols):
        raise ValueError(f"«{kind}.widths» phải có {ncols} mục")
    rows_raw = raw.get("rows")
    if not isinstance(rows_raw, list) or len(rows_raw) > MAX_REPORT_ROWS:
        raise ValueError(f"«{kind}.rows» phải là danh sách")
    rows: list[ReportRow] = []
    for n, r in enumerate(rows_raw):
        if not isinstance(r, list) or len(r) != 2 or r[0] not in ROW_KINDS or not isinstance(r[1], list):
            raise ValueError(f"«{kind}.rows[{n}]» không hợp lệ")
        if len(r[1]) != ncols:
            raise ValueError(f"«{kind}.rows[{n}]» có {len(r[1])} ô, bảng có {ncols} cột")
        rows.append(ReportRow(tuple(_cell(v, f"{kind}.rows[{n}]") for v in r[1]), r[0]))
    notes = raw.get("notes") or []
    if not isinstance(notes, list):
        raise ValueError(f"«{kind}.notes» phải là danh sách")
    return ReportData(
        kind=kind,
        code=_text(raw.get("code", ""), f"{kind}.code", 80),
        title=_text(raw.get("title", ""), f"{kind}.title", 500),
        period_label=_text(raw.get("period_label", ""), f"{kind}.period_label", 200),
        authority="",
        unit_name=_text(raw.get("unit_name", ""), f"{kind}.unit_name", 200),
        place="",
        headers=headers,
        header_rows=header_rows,
        column_kinds=list(kinds),
        column_numbers=[_text(x, f"{kind}.column_numbers", 80) for x in numbers],
        rows=rows,
        notes=[_text(x, f"{kind}.notes", 2000) for x in notes],
        widths=[float(_cell(w, f"{kind}.widths") or 1.0) for w in widths],
    )


# -------------------------------------------------------------- combining ----
@dataclass
class CommuneTable:
    """One commune's own table of a kind (from its current sending)."""

    code: str
    name: str
    report: ReportData


@dataclass
class Combined:
    report: ReportData
    communes: list[str] = field(default_factory=list)  # commune codes in row order
    ratio_columns: dict[int, tuple[int, int]] = field(default_factory=dict)  # percent col → (part, whole)


def _numeric(v: Value) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _signature(report: ReportData) -> tuple[Any, ...]:
    return (
        tuple(report.column_kinds),
        tuple((c.text, c.row, c.col, c.rowspan, c.colspan) for c in report.headers if c.col >= 2),
    )


def find_ratios(reports: Sequence[ReportData], kinds: Sequence[str]) -> dict[int, tuple[int, int]]:
    """Percent columns that are 100 × one count column / another in every row of every table."""
    cols = range(len(kinds))
    counts = [c for c in cols if kinds[c] in (INT, MONEY)]
    rows = [r.values for rep in reports for r in rep.rows if r.kind in ("unit", "total")]
    found: dict[int, tuple[int, int]] = {}
    for p in (c for c in cols if kinds[c] == PERCENT):
        for a in counts:
            for b in counts:
                if a == b:
                    continue
                useful = ok = 0
                for v in rows:
                    pv, av, bv = _numeric(v[p]), _numeric(v[a]), _numeric(v[b])
                    if pv is None or av is None or bv is None:
                        continue
                    expected = round(100.0 * av / bv, 2) if bv else 0.0
                    if abs(expected - pv) > 0.011:
                        ok = -1
                        break
                    if bv and av:
                        useful += 1
                    ok += 1
                if ok > 0 and useful > 0:
                    found[p] = (a, b)
                    break
            if p in found:
                break
    return found


def _grouped(labels: Sequence[str]) -> list[HeaderSpec]:
    """'Parent — leaf' labels side by side under one merged parent cell again."""
    specs: list[HeaderSpec] = []
    for label in labels:
        parent, sep, leaf = label.partition(" — ")
        last = specs[-1] if specs else None
        if sep and isinstance(last, tuple) and last[0] == parent:
            specs[-1] = (parent, [*last[1], leaf])
        elif sep:
            specs.append((parent, [leaf]))
        else:
            specs.append(label)
    return specs


def _flat_headers(tables: Sequence[CommuneTable]) -> tuple[list[str], list[str]]:
    """Leaf labels (union, first seen first) and their kinds, for tables whose columns differ."""
    labels: list[str] = []
    kinds: list[str] = []
    for t in tables:
        for label, kind in zip(t.report.leaf_headers()[2:], t.report.column_kinds[2:], strict=False):
            if label not in labels:
                labels.append(label)
                kinds.append(kind)
    parents: list[str] = []
    for label in labels:
        if (parent := label.partition(" — ")[0]) not in parents:
            parents.append(parent)
    order = sorted(range(len(labels)), key=lambda i: parents.index(labels[i].partition(" — ")[0]))  # stable
    return [labels[i] for i in order], [kinds[i] for i in order]


def _sum_texts(texts: Sequence[str]) -> str:
    """'Tổng cộng: 11 hộ, 46 nhân khẩu' of each commune → the same words with the numbers added up."""
    if not texts:
        return "Tổng cộng"
    shapes = {re.sub(r"\d[\d.]*", "#", t) for t in texts}
    if len(shapes) != 1:
        return "Tổng cộng"
    numbers = [[int(x.replace(".", "")) for x in re.findall(r"\d[\d.]*", t)] for t in texts]
    sums = [sum(col) for col in zip(*numbers, strict=True)]
    parts = re.split(r"\d[\d.]*", texts[0])
    return "".join(p + (str(sums[i]) if i < len(sums) else "") for i, p in enumerate(parts))


def _combine_lists(out: ReportData, tables: Sequence[CommuneTable], values_of: Any, ncols: int) -> None:
    """Lists of households: each commune's rows under a heading row, numbered anew, then the total."""
    n = 0
    totals: list[str] = []
    for t in sorted(tables, key=lambda t: t.code):
        out.rows.append(ReportRow(("", f"{t.name} ({t.code})", *[None] * (ncols - 2)), "section"))
        for row in t.report.rows:
            if row.kind == "total":
                totals.append(str(row.values[1] or ""))
                continue
            vals = values_of(t.report, row)
            if row.kind == "detail" and row.values[0] not in (None, ""):
                n += 1
                out.rows.append(ReportRow((n, row.values[1], *vals), "detail"))
            else:
                out.rows.append(ReportRow((row.values[0], row.values[1], *vals), row.kind))
    out.rows.append(ReportRow(("", _sum_texts(totals), *[None] * (ncols - 2)), "total"))
    out.notes.append(f"Gộp danh sách của {len(tables)} xã, phường (lần gửi mới nhất của mỗi xã).")


def combine_reports(
    tables: Sequence[CommuneTable], *, unit_label: str = "Xã, phường", office_name: str = "", period_label: str = ""
) -> Combined:
    """One table with a row per commune (its own total row) and the office total.

    Tables with the same columns keep their header grid; tables whose columns differ (a commune
    listing other ethnic groups) are lined up by column label. Lists of households (no total
    row) are concatenated under a heading row per commune.
    """
    if not tables:
        raise ValueError("không có bảng nào để tổng hợp")
    first = tables[0].report
    same = all(_signature(t.report) == _signature(first) for t in tables)
    if same:
        headers = [
            HeaderCell(unit_label, c.row, c.col, c.rowspan, c.colspan) if c.col == 1 and c.colspan == 1 else c
            for c in first.headers
        ]
        header_rows = first.header_rows
        kinds = list(first.column_kinds)
        numbers = list(first.column_numbers)
        widths = list(first.widths)

        def values_of(rep: ReportData, row: ReportRow) -> list[Value]:
            return list(row.values[2:])

    else:
        labels, data_kinds = _flat_headers(tables)
        headers, header_rows, count = build_headers(["TT", unit_label, *_grouped(labels)])
        kinds = [TEXT, TEXT, *data_kinds]
        numbers = column_numbers(count)
        widths = [0.6, 2.6] + [1.0] * len(labels)

        def values_of(rep: ReportData, row: ReportRow) -> list[Value]:
            own = dict(zip(rep.leaf_headers()[2:], row.values[2:], strict=False))
            return [own.get(label) for label in labels]

    out = ReportData(
        kind=first.kind,
        code=first.code,
        title=first.title,
        period_label=period_label or first.period_label,
        authority=office_name.upper(),
        unit_name=office_name,
        place="",
        headers=headers,
        header_rows=header_rows,
        column_kinds=kinds,
        column_numbers=numbers,
        widths=widths,
        signer_title="THỦ TRƯỞNG CƠ QUAN",
    )
    combined = Combined(out)
    is_list = any(r.kind == "detail" for t in tables for r in t.report.rows)
    if is_list or not all(t.report.total_row() is not None for t in tables):
        _combine_lists(out, tables, values_of, len(kinds))
        combined.communes = sorted(t.code for t in tables)
        return combined
    depth = max(len([r for r in t.report.rows if r.kind == "total"]) for t in tables)
    totals: list[list[float | None]] = [[None] * len(kinds) for _ in range(depth)]
    texts: list[list[Value]] = [[None] * len(kinds) for _ in range(depth)]
    for n, t in enumerate(sorted(tables, key=lambda t: t.code), start=1):
        for k, row in enumerate(r for r in t.report.rows if r.kind == "total"):
            vals = values_of(t.report, row)
            head: tuple[Value, ...] = (n, f"{t.name} ({t.code})") if k == 0 else ("", "")
            out.rows.append(ReportRow((*head, *vals), "unit"))
            for i, v in enumerate(vals, start=2):
                num = _numeric(v)
                if kinds[i] in (INT, MONEY) and num is not None:
                    totals[k][i] = (totals[k][i] or 0) + num
                elif kinds[i] == TEXT and texts[k][i] is None:
                    texts[k][i] = v
        combined.communes.append(t.code)
    ratios = find_ratios([t.report for t in tables], kinds) if same else {}
    combined.ratio_columns = ratios
    for k in range(depth):
        for p, (a, b) in ratios.items():
            part, whole = totals[k][a], totals[k][b]
            totals[k][p] = round(100.0 * (part or 0) / whole, 2) if whole else 0.0
        total_values: list[Value] = ["", "Tổng cộng"] if k == 0 else ["", ""]
        for i in range(2, len(kinds)):
            v = totals[k][i]
            if kinds[i] == TEXT:
                total_values.append(texts[k][i])
            elif v is None:
                total_values.append(None)
            elif kinds[i] in (INT, MONEY) and float(v).is_integer():
                total_values.append(int(v))
            else:
                total_values.append(v)
        out.rows.append(ReportRow(tuple(total_values), "total"))
    out.notes.append(
        f"Tổng hợp từ báo cáo của {len(tables)} xã, phường (lần gửi mới nhất của mỗi xã); "
        "dòng tổng cộng là tổng các xã."
    )
    blank = [first.column_numbers[i] for i in range(2, len(kinds)) if kinds[i] == PERCENT and i not in ratios]
    if same and blank:
        out.notes.append(f"Cột tỷ lệ {', '.join(blank)} không cộng được nên để trống ở dòng tổng cộng.")
    if not same:
        out.notes.append("Các xã có cột khác nhau (ví dụ dân tộc riêng của xã); các cột được xếp theo tên cột.")
    return combined


# -------------------------------------------------------------- packages ----
@dataclass
class OpenedPackage:
    """A package the export layer opened and verified (structure, checksums, signature when it can).

    ``manifest`` and ``data`` (``du-lieu.json`` parsed) are what the package holds; ``sha256`` is
    the whole file's; ``signature_checked`` says whether its signature was checked against the
    key registered here; ``notes`` what the opener reported without refusing.
    """

    manifest: dict[str, Any]
    data: dict[str, Any]
    sha256: str
    signature_checked: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Peek:
    """What a package says about itself before any check (only to order the packages and to skip a
    file already received byte for byte): commune code, period key, sending number, SHA-256."""

    code: str
    period_key: str
    sequence: int
    sha256: str


KEY_PREFIX = "giamngheo-ed25519"


def parse_key_line(text: str) -> tuple[str, bytes]:
    """(commune code, 32-byte public key) from a commune's key line ``giamngheo-ed25519 <code> <base64>``."""
    import base64
    import binascii

    parts = (text or "").strip().split()
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 5 or not parts[1].isdigit():
        raise ValueError(
            "Khóa công khai không đúng dạng: cần một dòng «giamngheo-ed25519 <mã xã 5 chữ số> <khóa>» do xã gửi."
        )
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("Khóa công khai không đúng dạng (phần khóa không phải base64).") from exc
    if len(raw) != 32:
        raise ValueError("Khóa công khai không đúng độ dài (Ed25519 cần 32 byte).")
    return parts[1], raw


def key_id(public_raw: bytes) -> str:
    """16 hex digits naming a public key (the first 8 bytes of its SHA-256), as the manifest's ``signer.key_id``."""
    import hashlib

    return hashlib.sha256(public_raw).hexdigest()[:16]
