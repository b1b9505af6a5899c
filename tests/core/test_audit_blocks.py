"""A large import's rows sealed as blocks (one digest of their values a column at a time): `audit
verify` still finds every change made outside the app, and the app's own later changes — row by row
or in bulk — move the seal forward.

Edits "outside the app" are made the way someone holding only the ``.sqlite`` file would: the
sqlite3 module without the app's SQL functions, the audit triggers dropped.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.importing import commit as import_commit
from giamngheo_desktop.importing import lists
from giamngheo_desktop.services import backup
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services.session import close_session, open_session
from giamngheo_desktop.storage import audit, bulk
from giamngheo_desktop.storage.connection import Database

HEADER = ["TT", "Mã số hộ", "Thôn, xóm", "Họ tên thành viên", "QH với chủ hộ", "Ngày sinh", "Nam/Nữ", "Số CCCD"]
NAMES = ["Nguyễn Văn Đức", "Trần Thị Hoa", "Lò Văn Sáng", "Đinh Thị Xuân"]


def _list(path: Path, households: int, start: int = 1) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    row = 0
    for number in range(start, start + households):
        for order, relation in enumerate(["Chủ hộ", "Vợ", "Con"]):
            row += 1
            sex = "Nữ" if order == 1 else "Nam"
            year = 1960 + number % 20 if order < 2 else 2000 + number % 10
            ws.append(
                [
                    row,
                    f"DX-{number:03d}",
                    "Đồng Xuân" if number % 2 else "Tân Hòa",
                    f"{NAMES[(number + order) % 4]} {number}",
                    relation,
                    f"{order + 1:02d}/0{order + 1}/{year}",
                    sex,
                    make_id_number("025", "F" if order == 1 else "M", year, number * 10 + order),
                ]
            )
    wb.save(path)
    return path


@pytest.fixture
def imported(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A commune (sealed at its last close) into which a list of 12 households was imported in bulk,
    its members written three chunks (blocks) of 15, then closed (sealed again)."""
    monkeypatch.setattr(import_commit, "BULK_AUDIT_FROM", 1)
    monkeypatch.setattr(import_commit, "_CHUNK", 15)
    close_session(open_session(db_path), backup_reason="close")
    db = open_session(db_path)
    try:
        lists.commit_import(db, lists.plan_import(db, _list(tmp_path / "ds.xlsx", 12)))
        assert db.scalar("SELECT count(*) FROM member") == 36
        assert {b["table"] for b in _blocks(db)} == {"household", "member"}
        assert len(_blocks(db)) == 4
    finally:
        close_session(db, backup_reason="close")
    return db_path


def _blocks(db: Database) -> list[dict[str, Any]]:
    last = audit._last_seal(db.conn)
    assert last is not None
    return audit._blocks_of(last[1])


def _sealed_as_read(db: Database) -> bool:
    """The last seal (its digests, its blocks as sealed) moved forward by the entries since = every table now."""
    last = audit._last_seal(db.conn)
    assert last is not None
    expected, broken = audit._sealed_sums(db.conn, *last)
    return not broken and {t: f"{d:064x}" for t, d in expected.items()} == audit.table_digests(db.conn)


def _outside(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    for statement in statements:
        conn.execute(statement)
    conn.close()


def _verify(path: Path) -> audit.VerifyResult:
    db = open_session(path)
    try:
        return audit.verify(db.conn)
    finally:
        close_session(db)


def test_an_imported_list_sealed_as_blocks_verifies(imported: Path) -> None:
    db = open_session(imported)
    try:
        assert _sealed_as_read(db)
        assert audit.verify(db.conn).ok
    finally:
        close_session(db)


@pytest.mark.parametrize(
    ("edit", "table"),
    [
        ("UPDATE member SET full_name = 'Người Khác' WHERE id = 20", "member"),
        ("UPDATE member SET birth_year = birth_year + 1 WHERE id = 36", "member"),  # the last row of the last block
        ("UPDATE member SET note = 'x' WHERE id = 1", "member"),  # a column the import left at its default
        ("DELETE FROM member WHERE id = 17", "member"),
        ("UPDATE member SET id = 1000 WHERE id = 30", "member"),  # moved out of its block
        ("UPDATE household SET poverty_class = 'poor' WHERE id = 5", "household"),
        ("UPDATE household SET code = 'DX-777' WHERE id = 12", "household"),
    ],
)
def test_a_row_of_an_imported_block_changed_outside_the_app_is_found(imported: Path, edit: str, table: str) -> None:
    _outside(imported, edit)
    result = _verify(imported)
    assert not result.ok and f"bảng «{table}»" in result.text(), result.text()


def test_the_app_s_own_changes_after_the_import_move_the_seal_forward(imported: Path) -> None:
    """Row by row (entries), then the file closed and sealed again (the blocks carried forward):
    verified both times; a change outside the app after that, to a row the app changed or not, is found."""
    db = open_session(imported)
    try:
        with db.atomic() as conn:
            conn.execute("UPDATE member SET full_name = 'Tên Đã Sửa', name_fold = 'ten da sua' WHERE id = 4")
            conn.execute("UPDATE member SET note = 'lần hai' WHERE id = 4")
            conn.execute("UPDATE member SET sort_order = 9 WHERE id = 19")
            conn.execute("DELETE FROM member WHERE id = 36")
            conn.execute("UPDATE member SET id = 500 WHERE id = 35")  # a key moved out of the block
            conn.execute("UPDATE household SET note = 'đã thăm' WHERE id = 3")
        reg.add_member(
            db, 2, member=reg.MemberInput(full_name="Người Mới", relationship_code="04", sex="F", birth_year=2020)
        )
        assert _sealed_as_read(db)
        assert audit.verify(db.conn).ok
    finally:
        close_session(db, backup_reason="close")
    db = open_session(imported)
    try:
        assert len(_blocks(db)) == 4  # carried by the seal at close
        assert _sealed_as_read(db) and audit.verify(db.conn).ok
    finally:
        close_session(db)
    for edit, table in (
        ("UPDATE member SET note = 'lén' WHERE id = 4", "member"),  # changed by the app, then outside it
        ("UPDATE member SET note = 'lén' WHERE id = 5", "member"),
        ("INSERT INTO member SELECT 36, household_id, full_name, name_fold, birth_date, birth_year, sex, id_number,"
         " id_kind, id_issue_date, ethnicity_system, ethnicity_code, relationship_code, education_level, schooling,"
         " trained_on_job, occupation, employment, labour_contract, hi_card_number, hi_group, hi_valid_from,"
         " hi_valid_to, disability, social_allowance, nutrition, life_status, life_status_date, sort_order, note,"
         " created_at, updated_at, deleted_at FROM member WHERE id = 500", "member"),  # the deleted row back
    ):  # fmt: skip
        copy = imported.with_name(f"copy-{abs(hash(edit))}.sqlite")
        copy.write_bytes(imported.read_bytes())
        _outside(copy, edit)
        result = _verify(copy)
        assert not result.ok and f"bảng «{table}»" in result.text(), (edit, result.text())


def _bulk_update(db: Database) -> None:
    with db.atomic() as conn, audit.bulk(db, action="test", entity="member", summary={}):
        conn.execute("UPDATE member SET note = 'sửa hàng loạt' WHERE id IN (3, 4, 16)")  # the first two blocks
        conn.execute("DELETE FROM member WHERE id = 5")


def test_a_later_bulk_write_over_imported_rows_writes_entries_for_them_and_keeps_the_blocks(imported: Path) -> None:
    """A bulk write leaves no entries for its rows, except for the imported rows it changes: one entry
    each, as the triggers would write it (the blocks stay and cost nothing more); the file verifies,
    and a change outside the app is still found, also to one of those rows."""
    db = open_session(imported)
    try:
        with db.atomic() as conn:
            conn.execute("UPDATE member SET note = 'trước' WHERE id = 3")  # an entry before the bulk write
        entries = db.scalar("SELECT max(id) FROM audit_log")
        _bulk_update(db)
        written = db.rows(
            "SELECT action, entity_id, household_id FROM audit_log WHERE id > ? AND entity = 'member'"
            " AND action IN ('insert', 'update', 'delete') ORDER BY id",
            (entries,),
        )
        holder = {r[0]: r[1] for r in db.conn.execute("SELECT id, household_id FROM member WHERE id IN (3, 4, 16)")}
        assert [(r["action"], r["entity_id"], r["household_id"]) for r in written] == [
            ("update", "3", holder[3]),
            ("update", "4", holder[4]),
            ("delete", "5", 2),
            ("update", "16", holder[16]),
        ]
        assert len(_blocks(db)) == 4
        assert _sealed_as_read(db) and audit.verify(db.conn).ok
    finally:
        close_session(db, backup_reason="close")
    for member in (3, 7):
        copy = imported.with_name(f"lén-{member}.sqlite")
        copy.write_bytes(imported.read_bytes())
        _outside(copy, f"UPDATE member SET full_name = 'Lén' WHERE id = {member}")
        result = _verify(copy)
        assert not result.ok and "bảng «member»" in result.text(), result.text()


def test_rows_written_again_into_an_imported_block_s_range_fold_it_into_the_seal(imported: Path) -> None:
    """The last imported members deleted in the app, then written again under their ids by a bulk write
    (above the table's top by then): the block is checked and folded into the table's digest."""
    db = open_session(imported)
    try:
        with db.atomic() as conn:
            row = conn.execute("SELECT * FROM member WHERE id = 36").fetchone()
            conn.execute("DELETE FROM member WHERE id IN (35, 36)")
        with db.atomic() as conn, audit.bulk(db, action="test", entity="member", summary={}):
            conn.execute(f"INSERT INTO member VALUES ({', '.join('?' * len(row))})", (*row[:-4], "ghi lại", *row[-3:]))
        assert sorted((b["table"], b["after"]) for b in _blocks(db)) == [
            ("household", 0),
            ("member", 0),
            ("member", 15),
        ]
        assert _sealed_as_read(db) and audit.verify(db.conn).ok
    finally:
        close_session(db)


def test_a_change_outside_the_app_before_a_bulk_write_is_not_taken_in_by_it(imported: Path) -> None:
    _outside(imported, "UPDATE member SET full_name = 'Lén' WHERE id = 4")
    db = open_session(imported)
    try:
        _bulk_update(db)
        result = audit.verify(db.conn)
    finally:
        close_session(db)
    assert not result.ok and "bảng «member»" in result.text(), result.text()


def test_rows_of_a_block_changed_later_in_the_same_bulk_write_are_sealed_as_it_ends(db: Database) -> None:
    audit.seal(db, "test", anchor=False)
    top = int(db.scalar("SELECT max(id) FROM village"))
    ids = list(range(top + 1, top + 7))
    columns: dict[str, list[Any]] = {
        "id": ids,
        "code": [f"M{n}" for n in range(6)],
        "name": [f"Thôn Mới {n}" for n in range(6)],
        "name_fold": [f"thon moi {n}" for n in range(6)],
    }
    with db.atomic() as conn, audit.bulk(db, action="test", entity="village", summary={}) as block:
        bulk.insert_columns(conn, "village", columns)
        block.settle("village", columns)
        conn.execute("UPDATE village SET name = 'Thôn Đổi' WHERE id = ?", (ids[1],))
        conn.execute("DELETE FROM village WHERE id = ?", (ids[2],))
        more = {k: v[:1] for k, v in columns.items()} | {"id": [ids[-1] + 1], "code": ["M9"]}
        bulk.insert_columns(conn, "village", more)
        block.settle("village", more)  # a second block, not changed after
    assert [(b["after"], b["rows"]) for b in _blocks(db)] == [(ids[-1], 1)]
    assert _sealed_as_read(db) and audit.verify(db.conn).ok


def test_values_that_would_not_come_back_as_given_make_no_block(db: Database) -> None:
    """An int written into a TEXT column comes back as text, a float's JSON text is rounded, True is 1:
    such rows are read instead."""
    conn = db.conn
    base: dict[str, list[Any]] = {"id": [1], "code": ["X"], "name": ["Thôn X"], "name_fold": ["thon x"]}
    assert audit._block_values(conn, "village", base, 1)
    bads: list[dict[str, list[Any]]] = [{"code": [7]}, {"sort_order": [True]}, {"sort_order": [1.0]}, {"name": [b"x"]}]
    for bad in bads:
        with pytest.raises(ValueError):
            audit._block_values(conn, "village", base | bad, 1)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
            st.one_of(st.none(), st.text(max_size=12)),
            st.text(min_size=0, max_size=12),
            st.one_of(st.integers(-5, 5), st.text(max_size=3)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_a_block_s_digest_from_the_values_given_equals_the_digest_of_the_rows_read_back(
    rows: list[tuple[Any, ...]],
) -> None:
    """Control characters, NUL, letters, empty texts, NULLs, the largest integers, a column of mixed
    types (no declared type): made from the values inserted or from the file, the same digest."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, x TEXT NOT NULL, m)")
    names = ["id", "n", "s", "x", "m"]
    columns = {
        "id": list(range(1, len(rows) + 1)),
        **dict(zip(names[1:], map(list, zip(*rows, strict=True)), strict=True)),
    }
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", zip(*columns.values(), strict=True))
    given_values = [columns[n] for n in names]
    read = [list(c) for c in zip(*conn.execute("SELECT * FROM t ORDER BY rowid"), strict=True)]
    assert audit._block_values(conn, "t", columns, len(rows)) == given_values
    assert audit._block_digest("t", names, given_values) == audit._block_digest("t", names, read)
    changed = [list(c) for c in read]
    changed[3][-1] += "!"
    assert audit._block_digest("t", names, changed) != audit._block_digest("t", names, read)


def test_a_backup_of_an_imported_file_restored_verifies_and_its_tables_are_read_again(
    imported: Path, tmp_path: Path
) -> None:
    """The backup's copy carries the blocks (its seal); a restore reads every table again: no block
    is left, the file verifies, and a change outside the app after it is still found."""
    usb = tmp_path / "usb"
    usb.mkdir()
    db = open_session(imported)
    try:
        with db.atomic() as conn:
            conn.execute("UPDATE member SET note = 'sau khi nhập' WHERE id = 7")
        copy = backup.make_backup(db, usb, same_device_ok=True).path
        assert len(_blocks(db)) == 4
    finally:
        close_session(db)
    assert _verify(copy).ok
    backup.restore(copy, imported)
    db = open_session(imported)
    try:
        assert _blocks(db) == [] and _sealed_as_read(db) and audit.verify(db.conn).ok
    finally:
        close_session(db)
    _outside(imported, "UPDATE member SET note = 'lén' WHERE id = 8")
    result = _verify(imported)
    assert not result.ok and "bảng «member»" in result.text(), result.text()


def _new_villages(top: int, count: int) -> dict[str, list[Any]]:
    return {
        "id": list(range(top + 1, top + count + 1)),
        "code": [f"M{n}" for n in range(top + 1, top + count + 1)],
        "name": [f"Thôn Mới {n}" for n in range(top + 1, top + count + 1)],
        "name_fold": [f"thon moi {n}" for n in range(top + 1, top + count + 1)],
    }


@pytest.mark.parametrize("sealed", ["made beforehand", "made when settled"])
def test_rows_inserted_where_none_was_after_a_block_are_still_sealed(db: Database, sealed: str) -> None:
    """A block's insert goes without the table's insert trigger (its rows are all above the rows watched);
    rows inserted after it at or below those, where there was none, are still sealed: by the same
    statement or by a block's insert (which then keeps the trigger)."""
    with db.atomic() as conn:
        conn.execute("DELETE FROM village WHERE id IN (1, 2)")  # gaps below the top
    audit.seal(db, "test", anchor=False)
    top = int(db.scalar("SELECT max(id) FROM village"))
    columns = _new_villages(top, 5)
    with db.atomic() as conn, audit.bulk(db, action="test", entity="village", summary={}) as block:
        digest = block.sealer("village")(columns) if sealed == "made beforehand" else None
        block.insert("village", columns, sealed=digest)
        block.settle_inserted()
        conn.execute("INSERT INTO village (id, code, name, name_fold) VALUES (2, 'Z', 'Thôn Z', 'thon z')")
        block.insert("village", _new_villages(0, 1))  # id 1
    assert [(b["after"], b["rows"]) for b in _blocks(db)] == [(top, 5)]  # the rest were read
    assert db.scalar("SELECT count(*) FROM village") == top + 5
    assert _sealed_as_read(db) and audit.verify(db.conn).ok


def test_a_block_s_digest_made_beforehand_is_the_one_made_when_settled(db_path: Path, tmp_path: Path) -> None:
    """``sealer`` (run by the import's helper thread) gives the digest ``settle`` would; columns that make
    no block (a value that would not come back as given) are read instead."""
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(db_path.read_bytes())
    seals = []
    for path, beforehand in ((db_path, True), (copy, False)):
        db = open_session(path)
        try:
            audit.seal(db, "test", anchor=False)  # a seal to move forward (the first one reads every table)
            top = int(db.scalar("SELECT max(id) FROM village"))
            good, bad = _new_villages(top, 4), _new_villages(top + 4, 2) | {"sort_order": [1.0, 2.0]}
            with db.atomic(), audit.bulk(db, action="test", entity="village", summary={}) as block:
                for columns in (good, bad):
                    block.insert("village", columns, sealed=block.sealer("village")(columns) if beforehand else None)
            seals.append(_blocks(db))
            assert _sealed_as_read(db) and audit.verify(db.conn).ok
        finally:
            close_session(db)
    assert seals[0] == seals[1] and [b["rows"] for b in seals[0]] == [4]


def _everything(db: Database) -> dict[str, list[Any]]:
    conn = db.conn
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {name: sorted(map(repr, map(tuple, conn.execute(f'SELECT * FROM "{name}"')))) for name in names}
    found["schema"] = sorted(map(repr, map(tuple, conn.execute("SELECT type, name, sql FROM sqlite_master"))))
    found["temp"] = sorted(map(repr, map(tuple, conn.execute("SELECT type, name FROM sqlite_temp_master"))))
    return found


@pytest.mark.parametrize("stop", ["a member insert fails", "cancelled"])
def test_a_bulk_import_stopped_between_member_chunks_leaves_the_file_as_it_was(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str
) -> None:
    """Stopped after its first chunk of members was written (the insert trigger of the audit's tracker
    left out while it was): every table, trigger and the trail as they were, the file verifies, and
    the list imported again afterwards is sealed as blocks."""
    monkeypatch.setattr(import_commit, "BULK_AUDIT_FROM", 1)
    monkeypatch.setattr(import_commit, "_CHUNK", 15)
    close_session(open_session(db_path), backup_reason="close")
    path = _list(tmp_path / "ds.xlsx", 12)
    db = open_session(db_path)
    try:
        before = _everything(db)
        preview = lists.plan_import(db, path)
        insert, members = bulk.insert_columns, []

        def failing(conn: sqlite3.Connection, table: str, columns: dict[str, list[Any]], **kw: Any) -> list[str]:
            written = insert(conn, table, columns, **kw)
            members.extend([table] if table == "member" else [])
            if stop == "a member insert fails" and len(members) == 2:
                raise sqlite3.OperationalError("disk I/O error")
            return written

        monkeypatch.setattr(bulk, "insert_columns", failing)
        calls: list[int] = []

        def cancelled() -> bool:
            calls.append(1)
            return stop == "cancelled" and len(calls) > 4

        with pytest.raises(sqlite3.OperationalError if stop == "a member insert fails" else lists.ImportCancelled):
            lists.commit_import(db, preview, cancelled=cancelled)
        assert members and _everything(db) == before
        assert audit.verify(db.conn).ok
        monkeypatch.setattr(bulk, "insert_columns", insert)
        lists.commit_import(db, lists.plan_import(db, path))
        assert db.scalar("SELECT count(*) FROM member") == 36 and len(_blocks(db)) == 4
        assert _sealed_as_read(db) and audit.verify(db.conn).ok
    finally:
        close_session(db)
