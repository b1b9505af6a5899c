"""Finding households for the register table: ids first, rows on demand (Anki's browser).

Search reads ``household.search_fold``/``search_ids`` (code, member names, ID numbers,
already folded; see ``storage/search.py``), one row per household: three characters or
more through the trigram index ``household_fts``, one or two by scanning the column.
A keystroke only changes the text: :class:`RegisterSearch` keeps the ordered ids of the
query without its text and filters them by the index's answer (no ORDER BY per keystroke).

:func:`find_household_ids` runs ONE ``SELECT h.id … WHERE … ORDER BY …``; the table
model keeps the id list and asks :func:`household_rows` for about a hundred rows at a
time. Sort keys come from a whitelist (:data:`SORT_KEYS`); user input is only ever a
bound parameter. Search text is folded with :func:`giamngheo_desktop.text.fold`, so
"nguyen van duc" finds "Nguyễn Văn Đức".

Extra filters: register a function in :data:`FILTERS` (``@register_filter("name")``)
that turns a value into ``(sql, params)``; pass ``HouseholdQuery(extra={"name": value})``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import CLASS_LABELS, PovertyClass, class_label, effective_class_sql
from giamngheo_desktop.storage import search
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold

# Household flag columns a query may filter on (value True = flag set, False = not set).
FLAG_COLUMNS: dict[str, str] = field_table.flag_labels()  # domain.fields

_HEAD_FOLD = "(SELECT hm.name_fold FROM member hm WHERE hm.id = h.head_member_id)"
_MEMBER_COUNT = (
    "(SELECT count(*) FROM member mc WHERE mc.household_id = h.id "
    "AND mc.deleted_at IS NULL AND mc.life_status = 'living')"
)
_CLASS_ORDER = (
    "CASE h.poverty_class " + " ".join(f"WHEN '{c.value}' THEN {i}" for i, c in enumerate(PovertyClass)) + " END"
)

# column key → SQL expression used in ORDER BY (ties broken by code, then id).
SORT_KEYS: dict[str, str] = {
    "code": "h.code_fold",
    "head": _HEAD_FOLD,
    "village": "(SELECT v.sort_order FROM village v WHERE v.id = h.village_id)",
    "class": _CLASS_ORDER,
    "members": _MEMBER_COUNT,
    "address": "h.address",
    "income": "h.income_per_capita",
}


@dataclass
class HouseholdQuery:
    """What the register table shows: a search text, filters and a sort."""

    text: str = ""
    village_id: int | None = None
    poverty_class: str | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    sort: str = "code"
    descending: bool = False
    include_deleted: bool = False


FilterFn = Callable[[Any], tuple[str, Sequence[Any]]]
FILTERS: dict[str, FilterFn] = {}


def register_filter(name: str) -> Callable[[FilterFn], FilterFn]:
    """Register an extra filter (e.g. deprivations) usable as ``HouseholdQuery(extra={name: value})``."""

    def wrap(fn: FilterFn) -> FilterFn:
        FILTERS[name] = fn
        return fn

    return wrap


@register_filter("income_below")
def _income_below(value: Any) -> tuple[str, Sequence[Any]]:
    """Households whose latest per-capita income estimate is below ``value`` VND/month."""
    return "h.income_per_capita IS NOT NULL AND h.income_per_capita < ?", (int(value),)


@register_filter("ids")
def _only_ids(value: Any) -> tuple[str, Sequence[Any]]:
    """Only these household ids (e.g. the households of a review round)."""
    ids = [int(v) for v in value]
    if not ids:
        return "0", ()
    return f"h.id IN ({','.join('?' * len(ids))})", ids


@dataclass(frozen=True)
class HouseholdRow:
    """One row of the register table (plain values, ready to show)."""

    id: int
    code: str
    head_name: str
    village_id: int
    village_name: str
    poverty_class: str
    class_label: str
    member_count: int
    address: str
    income_per_capita: int | None
    ethnic_minority: bool
    female_head: bool
    has_merit_person: bool
    social_protection: bool
    deleted: bool
    matched_member: str = ""  # searching: a member other than the head whose name or ID number matched


def _where(query: HouseholdQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    issues: list[ValidationIssue] = []
    if not query.include_deleted:
        clauses.append("h.deleted_at IS NULL")
    text, digits = _search_terms(query.text)
    if text:
        sql, search_params = _text_clause(text, digits)
        clauses.append(sql)
        params += search_params
    if query.village_id is not None:
        clauses.append("h.village_id = ?")
        params.append(int(query.village_id))
    if query.poverty_class:
        if query.poverty_class not in {c.value for c in PovertyClass}:
            issues.append(ValidationIssue("Phân loại hộ", "không có loại hộ này", value=query.poverty_class))
        clauses.append(f"{effective_class_sql(clock.today())} = ?")  # newly escaped for 36 months only
        params.append(query.poverty_class)
    for name, wanted in query.flags.items():
        if name not in FLAG_COLUMNS:
            issues.append(ValidationIssue("Bộ lọc", "không có bộ lọc này", value=name))
            continue
        clauses.append(f"h.{name} = ?")
        params.append(1 if wanted else 0)
    for name, value in query.extra.items():
        fn = FILTERS.get(name)
        if fn is None:
            issues.append(ValidationIssue("Bộ lọc", "không có bộ lọc này", value=name))
            continue
        sql, extra_params = fn(value)
        clauses.append(f"({sql})")
        params += list(extra_params)
    if query.sort not in SORT_KEYS:
        issues.append(ValidationIssue("Sắp xếp", "không sắp xếp được theo cột này", value=query.sort))
    if issues:
        raise ValidationFailed(issues)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def find_household_ids(db: Database, query: HouseholdQuery) -> list[int]:
    """Ids of the households matching ``query``, in its sort order (one SELECT)."""
    db.require(Permission.VIEW)
    where, params = _where(query)
    direction = "DESC" if query.descending else "ASC"
    sql = f"SELECT h.id FROM household h{where} ORDER BY {SORT_KEYS[query.sort]} {direction}, h.code_fold, h.id"
    # one JSON array instead of 50,000 Python rows: a third less time for short prefixes
    found = db.conn.execute(f"SELECT json_group_array(id) FROM ({sql})", params).fetchone()[0]
    ids: list[int] = json.loads(found) if found else []
    return ids


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _text_clause(text: str, digits: str) -> tuple[str, list[Any]]:
    """``(sql, params)`` on ``h`` finding a folded text (and ID digits): the trigram index for
    three characters or more; below that no trigram exists and the search column is scanned
    (one column per household holds its code and members' folded names, another the members'
    ID numbers; instr() needs no LIKE escaping)."""
    if len(text) >= 3 and (not digits or len(digits) >= 3):
        match = f"search_fold : {_fts_phrase(text)}"
        if digits:
            match = f"({match}) OR (search_ids : {_fts_phrase(digits)})"
        return f"h.id IN (SELECT rowid FROM {search.FTS} WHERE {search.FTS} MATCH ?)", [match]
    if digits:
        return "(instr(h.search_fold, ?) > 0 OR instr(h.search_ids, ?) > 0)", [text, digits]
    return "instr(h.search_fold, ?) > 0", [text]


def matching_ids(db: Database, text: str, *, include_deleted: bool = False) -> set[int] | None:
    """The households whose search text holds ``text`` (deleted ones only when asked); None when
    the text is empty (it filters nothing). Asks the trigram index alone when it can."""
    db.require(Permission.VIEW)
    folded, digits = _search_terms(text)
    if not folded:
        return None
    sql, params = _text_clause(folded, digits)
    if sql.startswith("h.id IN (SELECT rowid"):  # the index alone, no household row read
        sql = f"SELECT json_group_array(rowid) FROM {search.FTS} WHERE {search.FTS} MATCH ?"
    elif include_deleted:
        sql = f"SELECT json_group_array(h.id) FROM household h WHERE {sql}"
    else:
        sql = f"SELECT json_group_array(h.id) {_LIVE_SCAN} AND {sql}"
    found = db.conn.execute(sql, params).fetchone()[0]
    return set(json.loads(found)) if found else set()


# the live households' text sits in the covering index household_search (code_fold, id, search_fold,
# search_ids): a third of the pages of the table (the planner chose the table; 11 ms instead of 16 at
# 50,000 households), read in the register's default order
_LIVE_SCAN = "FROM household h INDEXED BY household_search WHERE h.deleted_at IS NULL"


def _scanned_in_code_order(db: Database, text: str) -> list[int] | None:
    """The live households whose search text holds ``text``, in the register's default order
    (code, then id), when the text is scanned for (one or two characters): the covering index is
    read in that order, so its answer needs no sorting, no set and no walk of the kept list.
    None when the text goes through the trigram index (or is empty)."""
    folded, digits = _search_terms(text)
    if not folded:
        return None
    sql, params = _text_clause(folded, digits)
    if sql.startswith("h.id IN (SELECT rowid"):
        return None
    found = db.conn.execute(
        f"SELECT json_group_array(id) FROM (SELECT h.id {_LIVE_SCAN} AND {sql} ORDER BY h.code_fold, h.id)", params
    ).fetchone()[0]
    ids: list[int] = json.loads(found) if found else []
    return ids


class RegisterSearch:
    """The register table's ids for a query, a keystroke at a time.

    The ordered ids of the query without its text are kept (one SELECT … ORDER BY when the
    filters or the sort change); a text only asks the index which households hold it
    (:func:`matching_ids`) and keeps those ids in the kept order. :meth:`forget` after any
    change to the register.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._base_query: HouseholdQuery | None = None
        self._base: list[int] = []
        self._position: dict[int, int] | None = None  # id -> place in _base, made when first needed
        self._last: tuple[set[int], list[int]] | None = None  # the index's last answer, in order

    def forget(self) -> None:
        self._base_query = None
        self._base = []
        self._position = None
        self._last = None

    def ids(self, query: HouseholdQuery) -> list[int]:
        base_query = dataclasses.replace(query, text="")
        if base_query != self._base_query:
            self._base = find_household_ids(self.db, base_query)
            self._base_query = base_query
            self._position = None
            self._last = None
        if base_query == _DEFAULT_ORDER and query.text:  # 1–2 characters: the scan's answer is in order
            scanned = _scanned_in_code_order(self.db, query.text)
            if scanned is not None:
                return scanned
        found = matching_ids(self.db, query.text, include_deleted=query.include_deleted)
        if found is None:
            return list(self._base)
        if not found:
            return []
        if self._last is not None and self._last[0] == found:  # typing on finds the same households
            return self._last[1]
        ordered = self._in_order(found)
        self._last = found, ordered
        return ordered

    def _in_order(self, found: set[int]) -> list[int]:
        if len(found) >= len(self._base) and found.issuperset(self._base):  # all of them ("0", a village)
            return list(self._base)
        if len(found) * 8 < len(self._base):  # a few found: put them in order, not walk the whole list
            if self._position is None:
                self._position = {household_id: n for n, household_id in enumerate(self._base)}
            position = self._position
            return sorted(filter(position.__contains__, found), key=position.__getitem__)
        return list(compress(self._base, map(found.__contains__, self._base)))  # 50,000 lookups, no Python loop


_DEFAULT_ORDER = HouseholdQuery()  # every live household by code: the order of the index household_search


def _search_terms(text: str) -> tuple[str, str]:
    """(folded text, digits) of a search as :func:`_where` uses them; digits is '' for a text search."""
    folded = fold(text)
    digits = folded.replace(" ", "")
    return folded, digits if digits.isdigit() else ""


# the first member (list order) other than the head whose folded name or ID number holds the search,
# when the head's own name and number do not (a search for a wife's name shows whom it found)
_MATCHED_MEMBER = """
    CASE WHEN :q = '' OR instr(coalesce(hm.name_fold, ''), :q) > 0
              OR (:d <> '' AND instr(coalesce(hm.id_number, ''), :d) > 0) THEN NULL
         ELSE (SELECT mm.full_name FROM member mm
               WHERE mm.household_id = h.id AND mm.deleted_at IS NULL AND mm.id IS NOT h.head_member_id
                 AND (instr(mm.name_fold, :q) > 0 OR (:d <> '' AND instr(coalesce(mm.id_number, ''), :d) > 0))
               ORDER BY mm.sort_order, mm.id LIMIT 1)
    END"""


def household_rows(db: Database, ids: Sequence[int], *, text: str = "") -> dict[int, HouseholdRow]:
    """The table rows of these households, keyed by id (ids that do not exist are left out).

    With the search ``text`` the register is showing, each row also names the member it
    found when that is not the head (``matched_member``).
    """
    db.require(Permission.VIEW)
    result: dict[int, HouseholdRow] = {}
    ids = list(ids)
    folded, digits = _search_terms(text)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join(f":id{n}" for n in range(len(chunk)))
        params: dict[str, Any] = {f"id{n}": value for n, value in enumerate(chunk)}
        params.update(q=folded, d=digits)
        for r in db.conn.execute(
            f"""
            SELECT h.id, h.code, h.village_id, v.name AS village_name,
                   {effective_class_sql(clock.today())} AS poverty_class, h.address,
                   h.income_per_capita, h.ethnic_minority, h.female_head, h.has_merit_person,
                   h.social_protection, h.deleted_at,
                   hm.full_name AS head_name, {_MEMBER_COUNT} AS member_count,
                   {_MATCHED_MEMBER} AS matched_member
            FROM household h
            JOIN village v ON v.id = h.village_id
            LEFT JOIN member hm ON hm.id = h.head_member_id
            WHERE h.id IN ({marks})
            """,
            params,
        ):
            result[r["id"]] = HouseholdRow(
                id=r["id"],
                code=r["code"],
                head_name=r["head_name"] or "",
                village_id=r["village_id"],
                village_name=r["village_name"],
                poverty_class=r["poverty_class"],
                class_label=class_label(r["poverty_class"]),
                member_count=r["member_count"],
                address=r["address"],
                income_per_capita=r["income_per_capita"],
                ethnic_minority=bool(r["ethnic_minority"]),
                female_head=bool(r["female_head"]),
                has_merit_person=bool(r["has_merit_person"]),
                social_protection=bool(r["social_protection"]),
                deleted=r["deleted_at"] is not None,
                matched_member=r["matched_member"] or "",
            )
    return result


def matched_members(db: Database, ids: Sequence[int], *, text: str) -> dict[int, str]:
    """The member each of these households' rows names for the search ``text`` (as
    :func:`household_rows` does; '' when the head matched or there is no text), keyed by id."""
    db.require(Permission.VIEW)
    folded, digits = _search_terms(text)
    out: dict[int, str] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        params: dict[str, Any] = {f"id{n}": value for n, value in enumerate(chunk)}
        params.update(q=folded, d=digits)
        marks = ",".join(f":id{n}" for n in range(len(chunk)))
        for household_id, member in db.conn.execute(
            f"SELECT h.id, {_MATCHED_MEMBER} FROM household h LEFT JOIN member hm ON hm.id = h.head_member_id"
            f" WHERE h.id IN ({marks})",
            params,
        ):
            out[household_id] = member or ""
    return out


def count_households(db: Database) -> int:
    """Households on the register (not deleted)."""
    db.require(Permission.VIEW)
    return int(db.scalar("SELECT count(*) FROM household WHERE deleted_at IS NULL") or 0)


def class_choices() -> list[tuple[str, str]]:
    """(code, Vietnamese label) of every household class, for filter combos."""
    return [(c.value, label) for c, label in CLASS_LABELS.items()]


# -- deprivations: from the latest review round that has indicators for the household ----

_LATEST_ROUND = "(SELECT max(r2.round_id) FROM round_indicator r2 WHERE r2.household_id = h.id)"


@register_filter("deprived")
def _deprived(value: Any) -> tuple[str, Sequence[Any]]:
    """Households deprived of indicator ``value`` in their latest round with indicators."""
    return (
        "EXISTS (SELECT 1 FROM round_indicator ri WHERE ri.household_id = h.id AND ri.indicator_code = ? "
        f"AND ri.deprived = 1 AND ri.round_id = {_LATEST_ROUND})",
        (str(value),),
    )


@register_filter("deprived_any")
def _deprived_any(value: Any) -> tuple[str, Sequence[Any]]:
    """Households deprived of at least ``value`` indicators in their latest round with indicators."""
    return (
        "(SELECT count(*) FROM round_indicator ri WHERE ri.household_id = h.id AND ri.deprived = 1 "
        f"AND ri.round_id = {_LATEST_ROUND}) >= ?",
        (int(value),),
    )


def deprivation_choices(db: Database) -> list[tuple[str, str]]:
    """(indicator code, Vietnamese name) of the indicators that rounds have recorded.

    Names come from the standards' definitions when they list ``indicators``; otherwise the code.
    """
    db.require(Permission.VIEW)
    names: dict[str, str] = {}
    for row in db.rows(  # the latest round's standard last, so its names win
        "SELECT definition FROM poverty_standard ORDER BY id IN (SELECT standard_id FROM review_round"
        " ORDER BY reference_date DESC, id DESC LIMIT 1), valid_from"
    ):
        try:
            definition = json.loads(row["definition"])
        except (TypeError, ValueError):
            continue
        indicators = definition.get("indicators") if isinstance(definition, dict) else None
        if isinstance(indicators, list):
            for item in indicators:
                if isinstance(item, dict) and item.get("code"):
                    names[str(item["code"])] = str(item.get("name") or item["code"])
    codes = [r["indicator_code"] for r in db.rows("SELECT DISTINCT indicator_code FROM round_indicator ORDER BY 1")]
    ordered = [c for c in names if c in codes] + [c for c in codes if c not in names]
    return [(str(code), names.get(code) or str(code)) for code in ordered]
