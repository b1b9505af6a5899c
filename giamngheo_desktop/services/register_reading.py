"""Reading households and members; free household codes; what the living head gives its household."""

from __future__ import annotations

import collections
import itertools
import json
import operator
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import NotFound, StorageUnavailable, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services.register_records import HEAD, CodeBook
from giamngheo_desktop.storage.connection import Database, connect_read_only

_HOUSEHOLD_SQL = "SELECT h.*, v.name AS village_name FROM household h JOIN village v ON v.id = h.village_id"


_BATCH = 500  # ids per IN (…) list


_AHEAD = 3  # batches MembersAhead reads ahead


def get_household(db: Database, household_id: int) -> dict[str, Any]:
    """A household row with its village name and cause codes (``causes``)."""
    db.require(Permission.VIEW)
    row = db.row(f"{_HOUSEHOLD_SQL} WHERE h.id = ?", (household_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy hộ có mã số {household_id}.")
    row["causes"] = [
        r["cause_code"]
        for r in db.rows("SELECT cause_code FROM household_cause WHERE household_id = ? ORDER BY 1", (household_id,))
    ]
    return row


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _BATCH):
        yield unique[start : start + _BATCH]


def get_member(db: Database, member_id: int) -> dict[str, Any]:
    db.require(Permission.VIEW)
    row = db.row("SELECT * FROM member WHERE id = ?", (member_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy nhân khẩu có mã số {member_id}.")
    return row


_MEMBERS_SQL = """
    SELECT m.*, r.name AS relationship_name, e.name AS ethnicity_name
    FROM member m
    LEFT JOIN code_list r ON r.list_name = 'relationship' AND r.code = m.relationship_code
    LEFT JOIN code_list e ON e.list_name = 'ethnicity' AND e.code_system = m.ethnicity_system
         AND e.code = m.ethnicity_code
"""


_MEMBERS_ORDER = "m.deleted_at IS NOT NULL, m.life_status <> 'living', m.relationship_code <> '01', m.sort_order, m.id"


def list_members(db: Database, household_id: int, *, include_removed: bool = False) -> list[dict[str, Any]]:
    """Members of a household (living first, head first), with relationship and ethnicity names."""
    db.require(Permission.VIEW)
    sql = _MEMBERS_SQL + " WHERE m.household_id = ?"
    if not include_removed:
        sql += " AND m.deleted_at IS NULL"
    sql += f" ORDER BY {_MEMBERS_ORDER}"
    return db.rows(sql, (household_id,))


_NOT_READ = ("search_fold", "search_ids", "sort_order", "created_at", "updated_at", "deleted_at")


def _read_columns(conn: sqlite3.Connection, table: str) -> str:
    """The columns of ``table`` :func:`household_rows` and :func:`member_rows` read: all but the search text,
    the order and the times (a re-import reads every row of the register; its long search text cost most)."""
    names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in _NOT_READ]
    return ", ".join(names)


def household_rows(db: Database, household_ids: Iterable[int]) -> tuple[list[str], dict[int, tuple[Any, ...]]]:
    """Household rows as plain tuples, each ending with its cause codes (column ``causes``), and the
    column names: :func:`get_household` for many households in a few queries, without a dict per
    household (a list imported again reads them all), nor the columns :data:`_NOT_READ`."""
    db.require(Permission.VIEW)
    return _household_rows(db.conn, household_ids)


def _household_rows(
    conn: sqlite3.Connection, household_ids: Iterable[int]
) -> tuple[list[str], dict[int, tuple[Any, ...]]]:
    found: dict[int, tuple[Any, ...]] = {}
    columns: list[str] = []
    cursor = conn.cursor()
    cursor.row_factory = None
    read = _read_columns(conn, "household")
    for batch in _batches(household_ids):
        marks = ", ".join("?" * len(batch))
        causes: dict[int, list[str]] = {}
        for hid, code in cursor.execute(
            f"SELECT household_id, cause_code FROM household_cause WHERE household_id IN ({marks}) ORDER BY 1, 2", batch
        ):
            causes.setdefault(hid, []).append(code)
        cursor.execute(f"SELECT {read} FROM household WHERE id IN ({marks})", batch)
        columns = [d[0] for d in cursor.description] + ["causes"]
        for row in cursor:
            found[row[0]] = (*row, causes.get(row[0], []))
    return columns, found


_ID_HOLDERS_SQL = (
    "SELECT m.id, m.household_id, m.id_number FROM member m JOIN household h ON h.id = m.household_id "
    "WHERE m.id_number IS NOT NULL AND m.deleted_at IS NULL AND h.deleted_at IS NULL"
)


def id_holders(db: Database, numbers: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """Of the ID numbers ``numbers`` names (the register's text → the caller's), those live members of live
    households hold: the caller's text → (household, member)."""
    db.require(Permission.VIEW)
    found: dict[str, tuple[int, int]] = {}
    cursor = db.conn.cursor()
    cursor.row_factory = None  # plain tuples
    for member_id, household_id, number in cursor.execute(_ID_HOLDERS_SQL):
        text = numbers.get(number)
        if text is not None:
            found[text] = (household_id, member_id)
    return found


@dataclass
class RegisterAside:
    """What :class:`ReadAside` read: every ID number live members of live households hold → (household,
    member), and :func:`household_rows` of every household (none when the file was read first)."""

    ids: dict[str, tuple[int, int]]
    household_columns: list[str] = field(default_factory=list)
    households: dict[int, tuple[Any, ...]] = field(default_factory=dict)


class ReadAside:
    """The register's rows a list imported again asks for, read on a second (read-only) connection in a helper
    thread while an import reads its file (calamine reads mostly outside Python's lock, so the two share the
    cores): its ID numbers, then its households unless the file is read by then (:meth:`stop`: a short list
    needs few of them). A list imported again finds every one there."""

    def __init__(self, path: Path) -> None:
        self._stopped = threading.Event()
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-register-aside")
        try:
            self._read = helper.submit(self._read_all, path)
        finally:
            helper.shutdown(wait=False)

    def stop(self) -> None:
        """The file is read: what is not read yet is not read aside."""
        self._stopped.set()

    def result(self) -> RegisterAside | None:
        """What was read (waiting for it); None when it could not be read (the caller reads the register)."""
        self.stop()
        try:
            return self._read.result()
        except (sqlite3.Error, StorageUnavailable):
            return None

    def _read_all(self, path: Path) -> RegisterAside:
        conn = connect_read_only(path)
        try:
            cursor = conn.cursor()
            cursor.row_factory = None
            rows = cursor.execute(_ID_HOLDERS_SQL)
            found = RegisterAside({number: (household_id, member_id) for member_id, household_id, number in rows})
            if not self._stopped.is_set():
                household_ids = [row[0] for row in cursor.execute("SELECT id FROM household ORDER BY id")]
                found.household_columns, found.households = _household_rows(conn, household_ids)
            return found
        finally:
            conn.close()


def read_aside(db: Database) -> ReadAside | None:
    """:class:`ReadAside` of ``db``'s file; None where another connection would not see what ``db`` sees (a
    database in memory, a transaction open)."""
    db.require(Permission.VIEW)
    if str(db.path) == ":memory:" or db.in_transaction:
        return None
    return ReadAside(db.path)


def member_rows(db: Database, household_ids: Iterable[int]) -> tuple[list[str], dict[int, list[tuple[Any, ...]]]]:
    """The member rows (not removed) of many households in a few queries, in :func:`list_members`'s
    order but without the relationship and ethnicity names nor the columns :data:`_NOT_READ`, as plain
    tuples (and their column names): a list imported again reads every member of the register, and a
    dict of some forty columns per member cost more than the reading."""
    db.require(Permission.VIEW)
    found: dict[int, list[tuple[Any, ...]]] = {}
    columns: list[str] = []
    cursor = db.conn.cursor()
    cursor.row_factory = None
    read = _read_columns(db.conn, "member")
    for batch in _batches(household_ids):
        for hid in batch:
            found[hid] = []
        marks = ", ".join("?" * len(batch))
        cursor.execute(
            f"SELECT {read} FROM member m WHERE m.household_id IN ({marks}) "
            "AND m.deleted_at IS NULL "
            f"ORDER BY m.household_id, {_MEMBERS_ORDER}",
            batch,
        )
        columns = [d[0] for d in cursor.description]
        for hid, rows in itertools.groupby(cursor, itemgetter(columns.index("household_id"))):
            found[hid] = list(rows)
    return columns, found


@dataclass
class MemberTable:
    """The register's members (not removed) of some households as :func:`member_rows` reads them, a column each
    (column → the value of each member; the households' members one after another, in that order) and where each
    household's members are (``spans``: household → (start, end), every household asked for; (0, 0) when it has
    none): a list imported again compares 200,000 members a column at a time, and a row per member, turned into
    columns, cost as much as reading them."""

    columns: dict[str, list[Any]] = field(default_factory=dict)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    def rows(self, household_id: int) -> list[tuple[Any, ...]]:
        """The household's members as :func:`member_rows` gives them (a tuple of the columns' values each)."""
        start, end = self.spans[household_id]
        return list(zip(*[column[start:end] for column in self.columns.values()], strict=True))


def member_table(db: Database, household_ids: Iterable[int]) -> MemberTable:
    """:func:`member_rows` of these households as a :class:`MemberTable`."""
    names, found = member_rows(db, household_ids)
    spans: dict[int, tuple[int, int]] = {}
    at = 0
    for hid, rows in found.items():
        spans[hid] = (at, at + len(rows)) if rows else (0, 0)
        at += len(rows)
    everyone = list(itertools.chain.from_iterable(found.values()))
    columns = (
        dict(zip(names, map(list, zip(*everyone, strict=True)), strict=True))
        if everyone
        else {name: [] for name in names}
    )
    return MemberTable(columns, spans)


class MembersAhead:
    """:func:`member_table` of households given a batch at a time, each batch read on a second (read-only)
    connection in a helper thread while the caller works on the batch before (a list imported again reads
    200,000 members): SQLite writes each column of a batch's members into one JSON text without Python's lock,
    and the caller only decodes them. :meth:`close` when done."""

    def __init__(self, path: Path, batches: list[list[int]]) -> None:
        self._path = path
        self._batches = iter(batches)
        self._conn: sqlite3.Connection | None = None
        self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-members-ahead")
        # a few batches ahead: the helper keeps reading while the caller is slow (a busy machine), and the caller
        # finds them read when the helper was (about 1.5 MB of JSON a batch)
        self._coming = collections.deque(itertools.islice(iter(self._submit, None), _AHEAD))

    def _submit(self) -> tuple[list[int], Future[tuple[list[str], list[tuple[str, ...]]]]] | None:
        """The next batch given to the helper (None when every batch is)."""
        household_ids = next(self._batches, None)
        if household_ids is None:
            return None
        return household_ids, self._helper.submit(self._read, household_ids)

    def _read(self, household_ids: list[int]) -> tuple[list[str], list[tuple[str, ...]]]:
        """The member columns read, and for each 500 households a JSON list of each column's values (in the
        helper)."""
        if self._conn is None:
            self._conn = connect_read_only(self._path)
        conn = self._conn
        read = _read_columns(conn, "member")
        names = read.split(", ")
        arrays = ", ".join(f"json_group_array({name})" for name in names)
        texts: list[tuple[str, ...]] = []
        for batch in _batches(household_ids):
            marks = ", ".join("?" * len(batch))
            texts.append(
                conn.execute(
                    f"SELECT {arrays} FROM (SELECT {read} FROM member m "
                    f"WHERE m.household_id IN ({marks}) AND m.deleted_at IS NULL "
                    f"ORDER BY m.household_id, {_MEMBERS_ORDER})",
                    batch,
                ).fetchone()
            )
        return names, texts

    def table(self) -> MemberTable | None:
        """:func:`member_table` of the next batch (the one after is read meanwhile); None when it could not be read
        (the caller reads it itself)."""
        assert self._coming, "every batch is read already"
        household_ids, reading = self._coming.popleft()
        following = self._submit()
        if following is not None:
            self._coming.append(following)
        try:
            names, texts = reading.result()
        except (sqlite3.Error, StorageUnavailable):
            return None
        columns: dict[str, list[Any]] = {name: [] for name in names}
        lists = list(columns.values())
        for arrays in texts:
            count = len(lists[0])
            lists[0] += json.loads(arrays[0])
            count = len(lists[0]) - count
            for column, text in zip(lists[1:], arrays[1:], strict=True):
                column += _json_list(text, count)
        return MemberTable(columns, _spans(household_ids, columns["household_id"]) if names else {})

    def close(self) -> None:
        """Let the helper and its connection go (a batch being read is read to its end, those not begun are not)."""
        for _ids, reading in self._coming:
            reading.cancel()
        self._coming.clear()
        self._helper.submit(self._close)
        self._helper.shutdown(wait=False)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


_JSON = json.JSONDecoder()


def _json_list(text: str, count: int) -> list[Any]:
    """``json.loads(text)`` of a JSON list of ``count`` values written by SQLite; one value repeated when the text is
    that value written ``count`` times (most columns of most members: None, '', the one code) — decoded once."""
    if count > 1:
        first, end = _JSON.raw_decode(text, 1)  # (the first value's text is text[1:end])
        if len(text) == 1 + count * end and text == f"[{','.join([text[1:end]] * count)}]":
            return [first] * count
    values: list[Any] = json.loads(text)
    return values


def _spans(household_ids: Iterable[int], owners: list[int]) -> dict[int, tuple[int, int]]:
    """:attr:`MemberTable.spans` of ``household_ids`` whose members belong to ``owners`` (each member's household;
    a household's members together)."""
    count = len(owners)
    found: dict[int, tuple[int, int]] = {}
    if count:
        breaks = list(itertools.compress(range(1, count), map(operator.ne, owners[1:], owners[:-1])))
        found = {owners[start]: (start, end) for start, end in zip([0, *breaks], [*breaks, count], strict=True)}
    return {hid: found.get(hid, (0, 0)) for hid in sorted(set(household_ids))}


def members_ahead(db: Database, batches: list[list[int]]) -> MembersAhead | None:
    """:class:`MembersAhead` of ``db``'s file; None where another connection would not see what ``db`` sees (a
    database in memory, a transaction open) or SQLite cannot write JSON."""
    db.require(Permission.VIEW)
    if str(db.path) == ":memory:" or db.in_transaction or sqlite3.sqlite_version_info < (3, 38, 0):
        return None
    return MembersAhead(db.path, batches)


def household_events(db: Database, household_id: int) -> list[dict[str, Any]]:
    db.require(Permission.VIEW)
    return db.rows(
        "SELECT e.*, m.full_name AS member_name, r.code AS related_code FROM household_event e "
        "LEFT JOIN member m ON m.id = e.member_id LEFT JOIN household r ON r.id = e.related_household_id "
        "WHERE e.household_id = ? ORDER BY e.event_date, e.id",
        (household_id,),
    )


def code_items(db: Database, list_name: str, code_system: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs of a code list, for combo boxes."""
    db.require(Permission.VIEW)
    return [(code, item["name"]) for code, item in CodeBook(db).items(list_name, code_system).items()]


def households_with_code(db: Database, code: str) -> list[int]:
    """The live households whose code is ``code`` written any way ("dx 01" finds "DX01": household_code.key)."""
    db.require(Permission.VIEW)
    return [
        int(r[0])
        for r in db.conn.execute(
            f"SELECT id FROM household WHERE {household_code.key_sql()} = ? AND deleted_at IS NULL ORDER BY id",
            (household_code.key(code),),
        )
    ]


def household_heads(db: Database) -> dict[tuple[int, str], list[tuple[int | None, str | None, str]]]:
    """The head of every live household, by (village id, folded name): [(birth year, ID number, household
    code), ...] (an import's check that a list without codes is not written into the register a second time)."""
    db.require(Permission.VIEW)
    heads: dict[tuple[int, str], list[tuple[int | None, str | None, str]]] = {}
    for village_id, name_fold, birth_year, id_number, code in db.conn.execute(
        "SELECT h.village_id, m.name_fold, m.birth_year, m.id_number, h.code FROM household h "
        "JOIN member m ON m.id = h.head_member_id WHERE h.deleted_at IS NULL AND m.deleted_at IS NULL"
    ):
        heads.setdefault((village_id, name_fold), []).append((birth_year, id_number or None, code))
    return heads


def next_household_code(db: Database, village_id: int | None = None) -> str:
    """A free household code suggestion: the village code + a running number (domain.household_code)."""
    prefix = ""
    if village_id is not None:
        prefix = str(db.scalar("SELECT code FROM village WHERE id = ?", (village_id,)) or "")
    start = int(db.scalar("SELECT count(*) FROM household") or 0)

    def taken(code: str) -> bool:
        return bool(
            db.scalar(
                f"SELECT 1 FROM household WHERE {household_code.key_sql()} = ? AND deleted_at IS NULL",
                (household_code.key(code),),
            )
        )

    return household_code.next_free(prefix, start, taken)[0]


def head_flags(
    sex: str | None, ethnicity_code: str | None, ethnicity_system: str | None, codes: CodeBook
) -> dict[str, int]:
    """The household flags its living head gives (female_head, ethnic_minority): what is known of them."""
    flags: dict[str, int] = {}
    if sex in ("M", "F"):
        flags["female_head"] = int(sex == "F")
    if ethnicity_code:
        minority = codes.extra("ethnicity", ethnicity_code, ethnicity_system).get("minority")
        if minority is not None:
            flags["ethnic_minority"] = int(bool(minority))
    return flags


def _live_household(db: Database, household_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM household WHERE id = ?", (household_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy hộ có mã số {household_id}.")
    if row["deleted_at"] is not None:
        raise ValidationFailed(ValidationIssue("Hộ", f"hộ {row['code']} đã bị xóa", value=row["code"]))
    return row


def _live_member(db: Database, member_id: int) -> dict[str, Any]:
    row = db.row("SELECT * FROM member WHERE id = ?", (member_id,))
    if row is None:
        raise NotFound(f"Không tìm thấy nhân khẩu có mã số {member_id}.")
    if row["deleted_at"] is not None:
        raise ValidationFailed(ValidationIssue("Nhân khẩu", f"{row['full_name']} đã bị xóa khỏi sổ"))
    return row


def _living_members(db: Database, household_id: int) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT * FROM member WHERE household_id = ? AND deleted_at IS NULL AND life_status = 'living' "
        "ORDER BY sort_order, id",
        (household_id,),
    )


def _refresh_derived(db: Database, household_id: int, codes: CodeBook) -> None:
    """Keep head_member_id, female_head and ethnic_minority in line with the living head."""
    _refresh_derived_many(db, [household_id], codes)


def _refresh_derived_many(db: Database, household_ids: Iterable[int], codes: CodeBook) -> None:
    """:func:`_refresh_derived` for many households, reading their heads in a few queries."""
    for batch in _batches(household_ids):
        heads: dict[int, dict[str, Any]] = {}
        for row in db.rows(
            "SELECT * FROM member WHERE household_id IN ({}) AND deleted_at IS NULL AND life_status = 'living' "
            "AND relationship_code = ? ORDER BY household_id, id".format(", ".join("?" * len(batch))),
            [*batch, HEAD],
        ):
            heads.setdefault(row["household_id"], row)
        for household_id in batch:
            head = heads.get(household_id)
            if head is None:
                continue
            sets: dict[str, Any] = {
                "head_member_id": head["id"],
                **head_flags(head["sex"], head["ethnicity_code"], head["ethnicity_system"], codes),
            }
            assignments = ", ".join(f"{k} = :{k}" for k in sets)
            db.conn.execute(f"UPDATE household SET {assignments} WHERE id = :id", {**sets, "id": household_id})


def _insert_member(db: Database, household_id: int, values: dict[str, Any], order: int) -> int:
    now = clock.now_iso()
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    cur = db.conn.execute(
        f"INSERT INTO member (household_id, {columns}, sort_order, created_at, updated_at) "
        f"VALUES (:household_id, {marks}, :sort_order, :now, :now)",
        {**values, "household_id": household_id, "sort_order": order, "now": now},
    )
    return int(cur.lastrowid or 0)


def _next_order(db: Database, household_id: int) -> int:
    return int(db.scalar("SELECT coalesce(max(sort_order), 0) FROM member WHERE household_id = ?", (household_id,))) + 1
