"""The household register: households and members, their checks, history and export.

This module gathers the register's parts (callers use ``register.X``), each in a module with one concern:

- ``register_records``: what the officer types for a household and a member (inputs, labels, code books)
- ``register_checks``: the checks of households and members (the field table's rules, ``field_checks``), a
  column at a time
- ``register_columns``: inputs to database columns and back
- ``register_history``: snapshots of what an operation changed (undo, redo)
- ``register_reading``: reading households and members; codes and the head's flags
- ``register_households``: adding, changing, removing and restoring households and members
- ``register_moves``: head change, deaths and moves, moving, splitting and merging households
- ``register_export``: the register as a sheet for ``export.register_xlsx``
"""

# ruff: noqa: F401  (a facade: it re-exports its parts and what callers used through it)

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import fields as field_table
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.documents import RegisterSheet
from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.idnumber import id_columns, id_contradictions, id_facts, normalize_id
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import CLASS_LABELS, LIFE_STATUS_LABELS, PovertyClass
from giamngheo_desktop.services.changes import Changes, Snapshot, State
from giamngheo_desktop.services.field_checks import filled
from giamngheo_desktop.services.register_checks import (
    _errors,
    _warnings,
    check_member_value,
    validate_household,
    validate_households,
    validate_member,
    validate_member_columns,
    validate_members,
)
from giamngheo_desktop.services.register_columns import (
    _HOUSEHOLD_BOOLS,
    _HOUSEHOLD_COLUMNS,
    _HOUSEHOLD_FIELDS,
    _HOUSEHOLD_FLAGS,
    _HOUSEHOLD_PLAIN_NAMES,
    _MEMBER_COLUMNS,
    _MEMBER_FIELD_NAMES,
    _MEMBER_FIELDS,
    _bools,
    _household_values,
    _member_values,
    _nfc_text,
    _or_none,
    by_field,
    household_columns,
    household_input_columns,
    household_input_from_row,
    household_input_reader,
    member_columns,
    member_columns_of,
    member_input_columns,
    member_input_from_row,
    member_input_reader,
    member_search_columns,
)
from giamngheo_desktop.services.register_export import (
    _EXPORT_SQL,
    register_sheet,
)
from giamngheo_desktop.services.register_history import (
    _apply_state,
    _capture,
    _columns,
    _Recorder,
    _snapshot_changes,
    redo_operation,
    undo_operation,
)
from giamngheo_desktop.services.register_households import (
    _duplicate_ids_within,
    _head_issues,
    add_household,
    add_member,
    remove_household,
    remove_member,
    update_household,
    update_member,
)
from giamngheo_desktop.services.register_moves import (
    _CHILD,
    _MOVE_SQL,
    _SPOUSE,
    SplitInput,
    _apply_relationships,
    _by_sex,
    change_head,
    mark_member_status,
    merge_households,
    move_member,
    split_household,
    suggest_relationships,
)
from giamngheo_desktop.services.register_reading import (
    _BATCH,
    _HOUSEHOLD_SQL,
    _MEMBERS_ORDER,
    _MEMBERS_SQL,
    MembersAhead,
    MemberTable,
    ReadAside,
    RegisterAside,
    _batches,
    _insert_member,
    _live_household,
    _live_member,
    _living_members,
    _next_order,
    _refresh_derived,
    _refresh_derived_many,
    code_items,
    get_household,
    get_member,
    head_flags,
    household_events,
    household_heads,
    household_rows,
    households_with_code,
    id_holders,
    list_members,
    member_rows,
    member_table,
    members_ahead,
    next_household_code,
    read_aside,
)
from giamngheo_desktop.services.register_records import (
    _HOUSEHOLD_KEYS,
    _MEMBER_KEYS,
    DEFAULT_ETHNICITY_SYSTEM,
    HEAD,
    HOUSEHOLD_LABELS,
    MEMBER_LABELS,
    OTHER_RELATIVE,
    CodeBook,
    HouseholdInput,
    MemberInput,
    MemberMemo,
    _bool,
    class_choices,
    parse_iso_date,
)
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc, nfc_or_none
