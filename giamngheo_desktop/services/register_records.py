"""What the officer types for a household and a member, the fields' labels, code books and the checks' memo."""

from __future__ import annotations

import datetime as _dt
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain.vocab import CLASS_LABELS, PovertyClass
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold

HEAD = "01"  # relationship code of the household head (resources/codes/relationship.json)


OTHER_RELATIVE = "28"


DEFAULT_ETHNICITY_SYSTEM = "GSO-A"


@dataclass(slots=True)
class HouseholdInput:
    """What the officer types for a household (everything but its members)."""

    code: str
    village_id: int
    address: str = ""
    phone: str = ""
    area_type: str | None = None  # None = the village's / commune's
    poverty_class: str = "not_poor"
    class_date: str | None = None
    class_decision: str = ""
    escaped_date: str | None = None
    ethnic_minority: bool = False
    local_indigenous: bool = False
    has_merit_person: bool = False
    no_labour_capacity: bool = False
    female_head: bool = False
    social_protection: bool = False
    is_farming: bool = False
    income_per_capita: int | None = None
    wall_material: str | None = None
    column_material: str | None = None
    roof_material: str | None = None
    floor_area: float | None = None
    water_source: str | None = None
    latrine_type: str | None = None
    internet_use: bool | None = None
    info_devices: list[str] = field(default_factory=list)
    loudspeaker_reach: bool | None = None
    waste_treatment: bool | None = None
    note: str = ""
    causes: list[str] = field(default_factory=list)  # code_list poverty_cause


@dataclass(slots=True)
class MemberInput:
    """What the officer types for a member."""

    full_name: str
    relationship_code: str | None = None
    birth_date: str | None = None  # ISO date when known
    birth_year: int | None = None  # filled from birth_date when missing
    sex: str | None = None  # 'M' | 'F'
    id_number: str | None = None
    id_issue_date: str | None = None
    ethnicity_system: str | None = DEFAULT_ETHNICITY_SYSTEM
    ethnicity_code: str | None = None
    education_level: str | None = None
    schooling: str | None = None
    trained_on_job: bool = False
    occupation: str = ""
    employment: str | None = None
    labour_contract: bool | None = None
    hi_card_number: str | None = None
    hi_group: str | None = None
    hi_valid_from: str | None = None
    hi_valid_to: str | None = None
    disability: str | None = None
    social_allowance: int = 0
    nutrition: str | None = None
    life_status: str = "living"
    life_status_date: str | None = None
    note: str = ""


# Vietnamese labels of the fields (domain.fields); validation issues name a field by its key
HOUSEHOLD_LABELS = {**field_table.labels("household"), "causes": "Nguyên nhân nghèo"}


MEMBER_LABELS = field_table.labels("member")


_HOUSEHOLD_KEYS = {key: key for key in HOUSEHOLD_LABELS}


_MEMBER_KEYS = {key: key for key in MEMBER_LABELS}


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def parse_iso_date(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class CodeBook:
    """Code lists loaded once per validation pass."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lists: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def items(self, list_name: str, code_system: str | None = None) -> dict[str, dict[str, Any]]:
        key = (list_name, code_system or "")
        found = self._lists.get(key)
        if found is not None:
            return found
        sql = "SELECT code, name, name_fold, extra, code_system FROM code_list WHERE list_name = ?"
        params: list[Any] = [list_name]
        if code_system:
            sql += " AND code_system = ?"
            params.append(code_system)
        sql += " ORDER BY sort_order"
        result: dict[str, dict[str, Any]] = {}
        for row in self._db.rows(sql, params):
            row["extra"] = json.loads(row["extra"] or "{}")
            result.setdefault(row["code"], row)
        self._lists[key] = result
        return result

    def has(self, list_name: str, code: str | None, code_system: str | None = None) -> bool:
        return code is not None and code in self.items(list_name, code_system)

    def name(self, list_name: str, code: str | None, code_system: str | None = None) -> str:
        item = self.items(list_name, code_system).get(code or "")
        return str(item["name"]) if item else (code or "")

    def extra(self, list_name: str, code: str | None, code_system: str | None = None) -> dict[str, Any]:
        item = self.items(list_name, code_system).get(code or "")
        return dict(item["extra"]) if item else {}


class MemberMemo:
    """Caches for one pass over many members (an import of 200,000 rows).

    The same names and dates recur down a list: :func:`validate_members` and
    :func:`member_columns` given the same memo fold and read each of them once. Results
    are those of :func:`fold` and :func:`parse_iso_date`.
    """

    def __init__(self) -> None:
        self.folds: dict[str, str] = {}
        self.dates: dict[str, _dt.date | None] = {}
        self.isos: dict[str, str | None] = {}
        self.kept: dict[str, tuple[list[Any], Any]] = {}  # see keep()
        self._isos_of: dict[str | None, str | None] = {None: None}  # (iso_years: None for None)
        self._years_of: dict[str | None, int | None] = {None: None}

    def keep(self, name: str, column: Sequence[Any], made: Any) -> None:
        """Remember ``made``, worked out from the values of ``column`` (a validator's NFC of 200,000 names, its ID
        numbers' facts), for a later pass over the same values (the import's writing): :meth:`kept_for`."""
        self.kept[name] = (list(column), made)

    def kept_for(self, name: str, column: Sequence[Any]) -> Any:
        """What :meth:`keep` remembered under ``name``, when ``column`` holds the very values it was worked out from
        (the same objects in the same order: one look in C); else None."""
        found = self.kept.get(name)
        if found is None or len(found[0]) != len(column) or not all(map(operator.is_, found[0], column)):
            return None
        return found[1]

    def fold(self, text: str) -> str:
        found = self.folds.get(text)
        if found is None:
            found = self.folds[text] = fold(text)
        return found

    def folded(self, texts: list[str]) -> list[str]:
        """:meth:`fold` of each text, a column at a time (each distinct text folded once)."""
        folds = self.folds
        for text in set(texts).difference(folds):
            folds[text] = fold(text)
        return list(map(folds.__getitem__, texts))

    def date(self, text: str) -> _dt.date | None:
        try:
            return self.dates[text]
        except KeyError:
            found = self.dates[text] = parse_iso_date(text)
            return found

    def iso(self, text: str) -> str | None:
        """The ISO form of the date in ``text`` (None when it is not a date)."""
        try:
            return self.isos[text]
        except KeyError:
            date = self.date(text)
            found = self.isos[text] = date.isoformat() if date else None
            return found

    def iso_years(
        self, texts: list[str | None], distinct: set[str | None] | None = None
    ) -> tuple[list[str | None], list[int | None]]:
        """:meth:`iso` of each text (None for None) and the year of its date (None where it is not a date), a column
        at a time: each distinct text (``distinct``: ``set(texts)``, made already) read once per pass, in C where
        every new one is a date of 10 characters (a re-import compares 200,000 birth dates)."""
        isos, years = self._isos_of, self._years_of
        new = cast("list[str]", list((set(texts) if distinct is None else distinct).difference(years)))  # (no None)
        try:
            if set(map(len, new)) - {10}:
                raise ValueError
            dates: list[_dt.date | None] = list(map(_dt.date.fromisoformat, new))
        except ValueError:  # (what parse_iso_date does with each, as it does it)
            dates = list(map(self.date, new))
        else:
            self.dates.update(zip(new, dates, strict=True))
        found = [date.isoformat() if date else None for date in dates]
        self.isos.update(zip(new, found, strict=True))
        isos.update(zip(new, found, strict=True))
        years.update(zip(new, [date.year if date else None for date in dates], strict=True))
        return list(map(isos.__getitem__, texts)), list(map(years.__getitem__, texts))


def class_choices() -> list[tuple[str, str]]:
    return [(c.value, CLASS_LABELS[c]) for c in PovertyClass]
