"""Writing an import preview into the register in one transaction."""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

from giamngheo_desktop import clock
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.importing.mapping import remember_mapping
from giamngheo_desktop.importing.memory import release_preview
from giamngheo_desktop.importing.preview import (
    Cancelled,
    ImportPreview,
    ImportResult,
    NewMembers,
    PlannedHousehold,
    Progress,
)
from giamngheo_desktop.importing.reader import (
    ImportCancelled,
)
from giamngheo_desktop.memory import gc_paused
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage import bulk, search
from giamngheo_desktop.storage.connection import Database

BULK_AUDIT_FROM = 2_000  # members; above this the audit log gets one summary entry instead of one per row


def _audit_mode(db: Database, source: str, members: int) -> Any:
    """Per-row audit entries for ordinary lists; one summary entry for very large ones."""
    if members < BULK_AUDIT_FROM:
        return contextlib.nullcontext()
    from giamngheo_desktop.storage import audit

    return audit.bulk(
        db, action="import", entity="household", summary={"file": source, "members": members, "source": "import"}
    )


def commit_import(
    db: Database,
    preview: ImportPreview,
    *,
    valid_only: bool = False,
    remember: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportResult:
    """Write the preview in ONE transaction. With errors and not ``valid_only``: nothing is written.

    ``remember``: the officer confirmed the preview's column mapping; it is kept for the layout
    (:func:`remembered_mapping`) when the import is written."""
    db.require(Permission.EDIT_REGISTER)
    try:
        with gc_paused():  # from the first line: the preview's objects are not scanned for cycles here
            result = _commit_preview(db, preview, valid_only, progress, cancelled)
    finally:
        release_preview()
    if remember and preview.mapping:
        with db.atomic():
            remember_mapping(db, preview)
    return result


def _commit_preview(
    db: Database,
    preview: ImportPreview,
    valid_only: bool,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportResult:
    if preview.has_errors and not valid_only:
        raise ValidationFailed(
            [
                ValidationIssue(i.column, i.reason, row=i.row, value=i.value)
                for i in preview.issues
                if i.severity == "error"
            ],
        )
    planned_members = sum(  # PlannedMember.kind() != "unchanged", without a call per member
        1
        for h in preview.households
        if (h.valid or not valid_only) and h.made_members is not None
        for m in h.members
        if (m.valid or not valid_only) and (m.action != "update" or m.changed)
    ) + sum(  # households planned a column at a time, their members not made: every one new and valid (or of the
        # register and unchanged: nothing to write)
        len(h.member_rows)
        for h in preview.households
        if (h.valid or not valid_only) and h.made_members is None and h.action == "create"
    )
    # a bigger page cache while the member indexes grow by hundreds of thousands of entries
    cache_before = db.scalar("PRAGMA cache_size")
    db.conn.execute("PRAGMA cache_size = -131072")
    try:
        return _commit(db, preview, valid_only, planned_members, progress, cancelled)
    finally:
        db.conn.execute(f"PRAGMA cache_size = {int(cache_before)}")


_CHUNK = 20_000  # rows per member insert between progress reports and cancel checks
_BATCH = 2_000  # households gone through between progress reports and cancel checks


def _commit(
    db: Database,
    preview: ImportPreview,
    valid_only: bool,
    planned_members: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportResult:
    """Everything in one transaction, with the values the preview computed.

    Ids of new households and members are given here (the transaction holds the write
    lock; max(id) + 1 is what SQLite would give) so both are inserted with one
    ``executemany`` each. A new household is written with its head's id before its members
    are: ``household.head_member_id`` is a deferred foreign key, checked at COMMIT.
    """
    considered = [h for h in preview.households if h.valid or not valid_only]
    if not preview.new_villages and all(h.kind(valid_only=valid_only) == "unchanged" for h in considered):
        # the register already holds the whole list: no backup copy, no transaction, nothing written
        return ImportResult(
            changes=Changes(),
            households_created=0,
            households_updated=0,
            members_created=0,
            members_updated=0,
            skipped_rows=preview.skipped_rows() if valid_only else [],
            household_ids=[],
            households_unchanged=len(considered),
            members_unchanged=sum(map(_unchanged_members, considered, itertools.repeat(valid_only))),
        )
    if not db.in_transaction:  # a copy of the file as it was before the import
        from giamngheo_desktop.services import backup

        backup.auto_backup(db, "import")
    now = clock.now_iso()
    today = clock.today_iso()
    codes = reg.CodeBook(db)
    created = updated = members_created = members_updated = unchanged = members_unchanged = 0
    touched: list[int] = []
    source = Path(preview.path).name
    total = len(preview.households)

    def report(percent: int) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(percent, 100)

    with db.atomic() as conn, _audit_mode(db, source, planned_members) as block:
        village_ids: dict[str, int] = {}
        if preview.new_villages:
            from giamngheo_desktop.services import commune

            for name in preview.new_villages:  # "Thôn Đông Xá" → "Đông Xá", a thôn
                village_ids[name] = commune.add_village(db, commune.imported_village(name)).written_id
        live_codes = {r[0] for r in conn.execute("SELECT code FROM household WHERE deleted_at IS NULL")}
        counter = int(db.scalar("SELECT count(*) FROM household") or 0)
        village_codes = {r["id"]: r["code"] for r in db.rows("SELECT id, code FROM village")}
        next_household = int(db.scalar("SELECT coalesce(max(id), 0) FROM household")) + 1
        next_member = int(db.scalar("SELECT coalesce(max(id), 0) FROM member")) + 1
        orders = _last_orders(db, [h.household_id for h in preview.households if h.valid and h.household_id])
        # households and members a column at a time (register.household_columns, member_columns)
        new_households: list[reg.HouseholdInput] = []
        new_household_ids: list[int] = []
        updated_households: list[reg.HouseholdInput] = []
        # the new members as their data rows in the file's columns (preview.new_members): written from them
        new_rows: list[int] = []
        new_member_households: list[int] = []  # of each new member (their ids follow one another from first_member)
        new_member_orders: list[int] = []
        first_member = next_member
        new_spans: list[tuple[int, int]] = []  # of each new household: its members' range in new_rows
        new = preview.new_members
        updated_members: list[reg.MemberInput] = []
        updated_member_ids: list[int] = []
        memo = preview.memo
        heads: list[int | None] = []  # of each new household (its foreign key is checked at COMMIT)
        causes: list[tuple[int, str]] = []
        event_households: list[int] = []  # one "create" or "update" history entry per household written
        event_types: list[str] = []
        refresh: list[int] = []
        details = json.dumps({"source": "import", "file": source})
        flags_of: dict[tuple[str | None, str | None, str | None], dict[str, bool]] = {}
        head_of = _head_finder(new)  # a new household's head among its data rows
        head_key = _head_facts(new)

        def give_head_flags(data: reg.HouseholdInput, head_row: int) -> None:
            """The flags a household takes from its head (data row ``head_row``): sex, people."""
            known = head_key(head_row)
            flags = flags_of.get(known)
            if flags is None:  # a few sexes and peoples: worked out once each
                flags = flags_of[known] = {flag: bool(value) for flag, value in reg.head_flags(*known, codes).items()}
            for flag, value in flags.items():
                setattr(data, flag, value)

        households = preview.households
        # a household's members' order starts at 0 when the register has none of its members (a new one)
        new_ids_free = not orders or max(orders) < next_household
        for batch_start in range(0, total, _BATCH):
            report(batch_start * 30 // max(total, 1))
            batch = households[batch_start : batch_start + _BATCH]
            if new_ids_free and all(
                h.valid and h.action == "create" and h.made_members is None and not h.new_village for h in batch
            ):
                # new households planned a column at a time (a first import): what is written of them made a batch
                # at a time (the same as one at a time below)
                datas = [h.data for h in batch]
                for h in batch:
                    if h.generate_code:
                        data = h.data
                        prefix = village_codes.get(data.village_id, "")
                        data.code, counter = household_code.next_free(prefix, counter, live_codes.__contains__)
                        live_codes.add(data.code)
                rows_of = [h.member_rows for h in batch]
                heads_in = list(map(head_of, rows_of))
                for data, head_row in zip(datas, heads_in, strict=True):
                    if head_row is not None:
                        give_head_flags(data, head_row)
                count = len(batch)
                hids = range(next_household, next_household + count)
                next_household += count
                new_households += datas
                new_household_ids += hids
                created += count
                event_households += hids
                event_types += ["create"] * count
                causes += [(hid, c) for hid, data in zip(hids, datas, strict=True) if data.causes for c in data.causes]
                sizes = list(map(len, rows_of))
                firsts = list(itertools.accumulate(sizes, initial=next_member))
                heads += [
                    None if head_row is None else first + rows.index(head_row)
                    for first, rows, head_row in zip(firsts[:-1], rows_of, heads_in, strict=True)
                ]
                spans = list(itertools.accumulate(sizes, initial=len(new_rows)))
                new_spans += itertools.pairwise(spans)
                new_rows += itertools.chain.from_iterable(rows_of)
                new_member_households += itertools.chain.from_iterable(map(itertools.repeat, hids, sizes))
                new_member_orders += itertools.chain.from_iterable(
                    map(range, itertools.repeat(1), [size + 1 for size in sizes])
                )
                orders.update(zip(hids, sizes, strict=True))
                members_created += firsts[-1] - next_member
                next_member = firsts[-1]
                touched += hids
                continue
            for h in batch:
                if not h.valid:
                    continue
                if h.kind(valid_only=valid_only) == "unchanged":
                    unchanged += 1
                    members_unchanged += _unchanged_members(h, valid_only)
                    continue
                data = h.data
                if h.new_village:
                    data.village_id = village_ids[h.new_village]
                if h.generate_code:
                    prefix = village_codes.get(data.village_id, "")
                    data.code, counter = household_code.next_free(prefix, counter, live_codes.__contains__)
                    live_codes.add(data.code)
                # planned a column at a time, its members not made: every one new and valid, their values in ``new``
                members_made = h.made_members
                members = [m for m in members_made if m.valid] if members_made is not None else []
                head: int | None = None  # a new household's head: its data row (every member of it is new)
                if h.action == "create":
                    if members_made is None:
                        head = head_of(h.member_rows)
                    else:
                        head = next(
                            (
                                m.index
                                for m in members
                                if m.data.relationship_code == reg.HEAD and m.data.life_status == "living"
                            ),
                            None,
                        )
                if head is not None:
                    give_head_flags(data, head)
                if h.action == "create":
                    hid = next_household
                    next_household += 1
                    new_households.append(data)
                    new_household_ids.append(hid)
                    created += 1
                    event_households.append(hid)
                    event_types.append("create")
                else:
                    hid = int(h.household_id or 0)
                    updated_households.append(data)
                    updated += 1
                    event_households.append(hid)
                    event_types.append("update")
                if data.causes:
                    causes.extend((hid, c) for c in data.causes)
                order = orders.get(hid, 0)
                head_id: int | None = None
                first_new = len(new_rows)
                if members_made is None and h.action == "update":  # of the register, every one unchanged
                    members_unchanged += len(h.member_rows)
                elif members_made is None:
                    rows = h.member_rows
                    count = len(rows)
                    if head is not None:
                        head_id = next_member + rows.index(head)
                    new_rows += rows
                    new_member_households += itertools.repeat(hid, count)
                    new_member_orders += range(order + 1, order + count + 1)
                    order += count
                    members_created += count
                    next_member += count
                for m in members:
                    if m.action == "update" and m.member_id is not None:
                        if not m.changed:
                            members_unchanged += 1
                            continue
                        updated_members.append(m.data)
                        updated_member_ids.append(m.member_id)
                        members_updated += 1
                        continue
                    order += 1
                    members_created += 1
                    if m.index == head:
                        head_id = next_member
                    next_member += 1
                    new_rows.append(m.index)
                    new_member_households.append(hid)
                    new_member_orders.append(order)
                orders[hid] = order
                if h.action == "create":
                    heads.append(head_id)
                    new_spans.append((first_new, len(new_rows)))
                else:
                    refresh.append(hid)
                touched.append(hid)

        report(30)
        if updated_households:
            updates = reg.household_columns(updated_households)
            sets = ", ".join(f"{k} = ?" for k in updates)
            conn.executemany(
                f"UPDATE household SET {sets}, updated_at = ? WHERE id = ?",
                zip(*updates.values(), [now] * len(refresh), refresh, strict=True),
            )
            conn.executemany("DELETE FROM household_cause WHERE household_id = ?", [(hid,) for hid in refresh])
        if updated_members:
            updates = reg.member_columns(updated_members, memo)
            sets = ", ".join(f"{k} = ?" for k in updates)
            conn.executemany(
                f"UPDATE member SET {sets}, updated_at = ? WHERE id = ?",
                zip(*updates.values(), [now] * len(updated_member_ids), updated_member_ids, strict=True),
            )
        household_columns = {
            "id": new_household_ids,
            **reg.household_columns(new_households),
            "head_member_id": heads,
            "created_at": [now] * len(new_household_ids),
            "updated_at": [now] * len(new_household_ids),
        }
        new_fields = new.fields(new_rows)  # every MemberInput field of each new member, a column each
        searched: dict[str, list[Any]] | None = None  # the new members' name folds and ID numbers
        if block is not None:  # search triggers are off: new households get their text here
            searched = reg.member_search_columns(new_fields["full_name"], new_fields["id_number"], memo)
            household_columns.update(
                _search_text(household_columns["code_fold"], new_spans, searched["name_fold"], searched["id_number"])
            )
            block.search_households = refresh

        def member_chunk(start: int) -> dict[str, list[Any]]:
            end = min(start + _CHUNK, len(new_rows))
            return {
                "id": list(range(first_member + start, first_member + end)),
                "household_id": new_member_households[start:end],
                **reg.member_columns_of(
                    {k: v[start:end] for k, v in new_fields.items()},
                    memo,
                    {k: v[start:end] for k, v in searched.items()} if searched is not None else None,
                ),
                "sort_order": new_member_orders[start:end],
                "created_at": [now] * (end - start),
                "updated_at": [now] * (end - start),
            }

        # Two cores: while SQLite works without the GIL (copying staged rows into a table, the
        # trigram index of the new households), a helper thread works out the next members' columns,
        # their seal's digest (audit: a block) and the rows to stage (bulk.prepare): two chunks during
        # the index, the households' digest during their copy. The helper never runs while rows are
        # being staged (bulk.insert_columns calls ``meanwhile`` just before the copy) nor while what
        # was copied is settled (the seal's statements would wait for the GIL); when nothing was
        # started (a small insert), the chunk is worked out here.
        insert = block.insert if block is not None else _plain_insert(conn)
        seal_households = block.sealer("household") if block is not None else _no_seal
        seal_members = block.sealer("member") if block is not None else _no_seal
        settle = block.settle_inserted if block is not None else _no_settle

        member_defaults = bulk.column_defaults(conn, "member")

        def made_chunk(start: int) -> tuple[dict[str, list[Any]], Any, bulk.Prepared]:
            chunk = member_chunk(start)
            return chunk, seal_members(chunk), bulk.prepare(chunk, member_defaults)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-columns") as helper:
            coming: dict[int, Future[tuple[dict[str, list[Any]], Any, bulk.Prepared]]] = {}  # first row → its chunk
            following = [0]  # the first row of the next chunk to make
            households_sealed: list[Future[Any]] = []

            def prepare() -> None:
                start = following[0]
                if start < len(new_rows):
                    coming[start] = helper.submit(made_chunk, start)
                    following[0] = start + _CHUNK

            def prepare_first() -> None:
                households_sealed.append(helper.submit(seal_households, household_columns))
                prepare()

            insert(
                "household",
                household_columns,
                meanwhile=prepare_first,
                sealed=lambda: (
                    households_sealed[0].result() if households_sealed else seal_households(household_columns)
                ),
            )
            if block is not None and len(new_rows) > _CHUNK:
                prepare()
                # the new households' search text is final: indexed now, while the helper works
                # (the block's rebuild then finds them indexed)
                if new_household_ids:
                    search.index_added(conn, new_household_ids[0], new_household_ids[-1])
            report(40)
            for start in range(0, len(new_rows), _CHUNK):
                made = coming.pop(start, None)
                if made is None:
                    following[0] = max(following[0], start + _CHUNK)
                chunk, sealed, prepared = made.result() if made is not None else made_chunk(start)
                settle()  # the rows written before, now that the helper is idle
                insert(
                    "member",
                    chunk,
                    defaults=member_defaults,
                    meanwhile=None if coming else prepare,
                    sealed=sealed,
                    prepared=prepared,
                )
                report(40 + start * 55 // max(len(new_rows), 1))
            settle()
        reg._refresh_derived_many(db, refresh, codes)
        conn.executemany("INSERT OR IGNORE INTO household_cause (household_id, cause_code) VALUES (?, ?)", causes)
        count = len(event_households)
        bulk.insert_columns(
            conn,
            "household_event",
            {
                "household_id": event_households,
                "event_type": event_types,
                "event_date": [today] * count,
                "details": [details] * count,
                "user_id": [db.actor.user_id] * count,
                "created_at": [now] * count,
            },
        )
    if progress is not None:
        progress(100, 100)
    return ImportResult(
        changes=Changes(
            households=True,
            members=True,
            rows_added_or_removed=True,
            commune=bool(preview.new_villages),
            household_ids=frozenset(touched),
        ),
        households_created=created,
        households_updated=updated,
        members_created=members_created,
        members_updated=members_updated,
        skipped_rows=preview.skipped_rows() if valid_only else [],
        household_ids=touched,
        households_unchanged=unchanged,
        members_unchanged=members_unchanged,
    )


def _unchanged_members(household: PlannedHousehold, valid_only: bool) -> int:
    """How many members of a household the import would not write again (it is unchanged)."""
    if household.made_members is None:  # its members not made: every one valid
        return len(household.member_rows)
    return sum(1 for m in household.members if m.valid or not valid_only)


def _head_finder(new: NewMembers) -> Callable[[list[int]], int | None]:
    """The data row of the first living head among data rows (``NewMembers.head``, the columns read once)."""
    relationships = new.columns.get("relationship_code")
    statuses = new.columns.get("life_status")
    if relationships is None:
        return lambda _rows: None
    head = reg.HEAD

    def find(rows: list[int]) -> int | None:
        for i in rows:
            if relationships[i] == head and (statuses is None or statuses[i] == "living"):
                return i
        return None

    return find


def _head_facts(new: NewMembers) -> Callable[[int], tuple[Any, Any, Any]]:
    """A function of a data row giving its sex, ethnicity code and system (what a head's flags follow:
    ``NewMembers.value`` of each, the columns read once)."""
    names = ("sex", "ethnicity_code", "ethnicity_system")
    found = [new.columns.get(name) for name in names]
    sexes, codes, systems = (
        column if column is not None else _Same(new.value(name, 0)) for name, column in zip(names, found, strict=True)
    )
    return lambda i: (sexes[i], codes[i], systems[i])


class _Same:
    """A column holding one value in every row (a field the file does not give)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __getitem__(self, _i: int) -> Any:
        return self.value


def _plain_insert(conn: sqlite3.Connection) -> Callable[..., list[str]]:
    """``bulk.insert_columns`` on ``conn`` taking (and ignoring) a seal's digest, as ``BulkWrite.insert``."""

    def insert(table: str, columns: dict[str, list[Any]], *, sealed: Any = None, **kw: Any) -> list[str]:
        return bulk.insert_columns(conn, table, columns, **kw)

    return insert


def _no_seal(_columns: dict[str, list[Any]]) -> None:
    return None


def _no_settle() -> None:
    return None


def _search_text(
    codes: list[str],
    spans: list[tuple[int, int]],
    name_folds: list[str],
    id_numbers: list[str | None],
) -> dict[str, list[str]]:
    """The search text of new households (what ``storage.search`` triggers would write), as columns.

    ``codes``: their folded codes; ``spans``: where each one's members are in ``name_folds`` and
    ``id_numbers`` (the new members in the order written: a household's members one after another).
    """
    join = "\n".join
    starts = [start for start, _end in spans]
    ends = [end for _start, end in spans]
    folds = [join([code, *name_folds[s:e]]) for code, s, e in zip(codes, starts, ends, strict=True)]
    if None in id_numbers:
        ids = [join([n for n in id_numbers[s:e] if n is not None]) for s, e in zip(starts, ends, strict=True)]
    else:  # every member has one (the usual list): no test per number
        numbers = cast("list[str]", id_numbers)
        ids = [join(numbers[s:e]) for s, e in zip(starts, ends, strict=True)]
    return {"search_fold": folds, "search_ids": ids}


def _last_orders(db: Database, household_ids: list[int]) -> dict[int, int]:
    """The highest sort_order of each household's members (households without members are left out)."""
    found: dict[int, int] = {}
    unique = sorted(set(household_ids))
    for start in range(0, len(unique), 500):
        batch = unique[start : start + 500]
        for row in db.conn.execute(
            f"SELECT household_id, max(sort_order) FROM member WHERE household_id IN ({', '.join('?' * len(batch))}) "
            "GROUP BY household_id",
            batch,
        ):
            found[int(row[0])] = int(row[1] or 0)
    return found
