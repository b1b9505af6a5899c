"""The one report value: built by ``services.reporting``, shown in the Báo cáo tab, written to
xlsx (``export.xlsx``) and PDF (``export.pdf``). Plain values only.

Column headers are a grid of :class:`HeaderCell` (row/column 0-based inside the header block,
with spans for merged cells). Every table has column 0 = "TT"/"A" and column 1 = the unit
("Thôn/Xã", "B"); the row of column numbers (A, B, 1, 2 …) follows the headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from giamngheo_desktop import formats

Value = int | float | str | None

# kinds of column: how values are shown and aligned
TEXT, INT, PERCENT, MONEY, YEAR = "text", "int", "percent", "money", "year"


@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class ReportRow:
    values: tuple[Value, ...]
    kind: str = "unit"  # 'unit' (a village), 'total' (the commune), 'section', 'detail'


@dataclass
class ReportData:
    kind: str  # e.g. 'bieu1'
    code: str  # "Biểu 1"
    title: str
    period_label: str
    authority: str  # "UBND XÃ TÂN LẬP" (left header, upper case)
    unit_name: str  # "xã Tân Lập"
    place: str  # place for the date line ("Tân Lập")
    headers: list[HeaderCell]
    header_rows: int
    column_kinds: list[str]
    column_numbers: list[str]
    rows: list[ReportRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    preparer: str = ""
    chairman: str = ""
    date_text: str = ""  # "ngày 28 tháng 11 năm 2026"
    widths: list[float] = field(default_factory=list)  # relative column widths
    signer_title: str = "CHỦ TỊCH UBND XÃ"
    checks: list[str] = field(default_factory=list)  # identities checked ("9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8")

    @property
    def column_count(self) -> int:
        return len(self.column_kinds)

    @property
    def landscape(self) -> bool:
        return self.column_count > 7 or sum(self.widths or [1] * self.column_count) > 14

    def leaf_headers(self) -> list[str]:
        """One label per column: the bottom-most header text covering it, joined with its parents."""
        labels: list[list[str]] = [[] for _ in range(self.column_count)]
        for cell in sorted(self.headers, key=lambda c: c.row):
            for col in range(cell.col, cell.col + cell.colspan):
                if cell.text and (not labels[col] or labels[col][-1] != cell.text):
                    labels[col].append(cell.text)
        return [" — ".join(parts[-2:]) if len(parts) > 1 else (parts[0] if parts else "") for parts in labels]

    def total_row(self) -> ReportRow | None:
        return next((r for r in self.rows if r.kind == "total"), None)

    def unit_rows(self) -> list[ReportRow]:
        return [r for r in self.rows if r.kind == "unit"]


# A header spec: a label, or (label, [children]) for a group spanning its children.
HeaderSpec = str | tuple[str, Sequence["HeaderSpec"]]


def _depth(spec: HeaderSpec) -> int:
    if isinstance(spec, str):
        return 1
    return 1 + max(_depth(s) for s in spec[1])


def _width(spec: HeaderSpec) -> int:
    if isinstance(spec, str):
        return 1
    return sum(_width(s) for s in spec[1])


def build_headers(specs: Sequence[HeaderSpec]) -> tuple[list[HeaderCell], int, int]:
    """Place nested header specs in a grid → (cells, header row count, column count).

    A leaf spans down to the bottom row; a group spans its children's columns.
    """
    depth = max(_depth(s) for s in specs)
    cells: list[HeaderCell] = []

    def place(spec: HeaderSpec, row: int, col: int) -> int:
        if isinstance(spec, str):
            cells.append(HeaderCell(spec, row, col, rowspan=depth - row))
            return 1
        label, children = spec
        width = _width(spec)
        cells.append(HeaderCell(label, row, col, colspan=width))
        c = col
        for child in children:
            c += place(child, row + 1, c)
        return width

    col = 0
    for spec in specs:
        col += place(spec, 0, col)
    return cells, depth, col


def column_numbers(count: int, lead: int = 2) -> list[str]:
    """ "A", "B", then 1, 2, … for the data columns."""
    letters = ["A", "B", "C", "D"][:lead]
    return letters + [str(i) for i in range(1, count - lead + 1)]


def format_number(value: Value, kind: str) -> str:
    """Vietnamese display: 1.500.000 ; 12,50 ; empty for None."""
    if value is None:
        return ""
    if kind == PERCENT and isinstance(value, (int, float)):
        return formats.decimal(value, 2)
    if kind == YEAR and isinstance(value, (int, float)):
        return str(int(value))
    if kind in (INT, MONEY) and isinstance(value, (int, float)):
        return formats.integer(value)
    return str(value)
