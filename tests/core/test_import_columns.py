"""The planner's column-at-a-time shortcuts say what the cell-by-cell reading would have said.

A list of 200,000 rows is read a column at a time: a column whose texts are all clean already
is taken as it is (``already_screened``), a column of plain ID numbers without a
call per cell (``_plain_ids``, ``id_facts``), the rows 5,000 at a time. A shortcut that let one
dirty cell through would put an unclean name or a wrong ID number into the register; these tests
compare each with the one-cell (one-row) reading.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.domain.idnumber import check_id_number, id_facts, make_id_number
from giamngheo_desktop.importing import lists, planner, reader, values
from giamngheo_desktop.importing.reader import MAX_CELL_CHARS

# the characters that make a cell dirty (and a few that do not), mixed with plain letters
_PIECES = [
    "a",
    "Nguyễn",
    "e\u0301",  # not NFC
    "\u1ec5",
    " ",
    "  ",
    "\u00a0",
    "\u3000",
    "\t",
    "\n",
    "\x07",
    "\x7f",
    "\ufffe",
    "=",
    "0",
    "7",
    "\u0301",  # a combining mark alone (NFC when nothing before it composes)
    "\u200b",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(_TEXTS, max_size=5))
def test_a_column_taken_as_it_is_is_clean_cell_by_cell(texts: list[str]) -> None:
    if values.already_screened(texts):
        assert [values._screened(t) for t in texts] == texts


def test_dirty_texts_are_looked_at_one_by_one() -> None:
    clean = ["Nguyễn Văn An", "Lò Thị Hoa", "079123456789"]
    assert values.already_screened(clean)
    for dirty in (
        " Nguyễn Văn An",
        "Nguyễn Văn An ",
        "Nguyễn  Văn An",
        "Nguyễn\u00a0Văn An",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
        "=A1+B1",
        "Nguyễn\x07",
        "x" * (MAX_CELL_CHARS + 1),
        "",
    ):
        assert values._screened(dirty) != dirty or dirty == ""
        assert not values.already_screened([*clean, dirty]), repr(dirty)
        assert not values.already_screened([dirty, *clean]), repr(dirty)
    # a line break in a cell (Alt+Enter) is one space (the register keeps one-line texts), and such a column is
    # read cell by cell (the texts are joined by them)
    assert values._screened("Nguyễn\nVăn") == "Nguyễn Văn"
    assert not values.already_screened([*clean, "Nguyễn\nVăn"])


_ODD_CELLS = st.sampled_from(["", "#N/A", "#", "=", "|", "A|n", "An\n", "\nAn", "An \nB", "An |B"])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_TEXTS, _ODD_CELLS), max_size=6))
def test_a_column_screened_at_once_is_screened_cell_by_cell(texts: list[str]) -> None:
    found = values.screened_texts(texts)
    if found is not None:
        assert found == [values._screened(t) or None for t in texts]
        assert all(type(v) is str for v in found if v is not None)


def test_a_clean_column_with_empty_cells_is_screened_at_once() -> None:
    column = ["079123456789", "", "Nguyễn Văn An", "20/04/1975", ""]
    assert values.screened_texts(column) == ["079123456789", None, "Nguyễn Văn An", "20/04/1975", None]
    for dirty in (" An", "An ", "A  n", "=A1", "#REF!", "A\nn", "A\u00a0n", unicodedata.normalize("NFD", "Đức"), "A|n"):
        assert values.screened_texts([*column, dirty]) is None, repr(dirty)
        assert values.screened_texts([dirty, *column]) is None, repr(dirty)


class _Cell(str):
    """A text cell of another reader: a subclass of str (its own __str__ must not be used)."""

    def __str__(self) -> str:
        return "không dùng"


_CELL = st.one_of(
    st.sampled_from([None, "", "  ", "Kinh", " Kinh", "Tày", "Thái ", "nt", "-", "=A1", 1.0, 2, True]),
    _TEXTS,
    st.sampled_from(["Kinh", "Tày", " Mường"]).map(_Cell),
)


def _cell_by_cell(key: str, raw: list[Any]) -> tuple[list[Any], set[int]]:
    """A column read one cell at a time (no table, no shortcut): what the column-at-a-time reading must give,
    and the rows it refuses (an over-long cell, a formula)."""
    plain = [str.__str__(v) if isinstance(v, str) else v for v in raw]
    found = [(values._screened(v) or None) if type(v) is str else v for v in plain]
    refused = {i for i, v in enumerate(found) if v is values._HOSTILE}
    return values.drop_blanks(key, values.fill_ditto(key, found, plain), plain), refused


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=24), st.integers(min_value=1, max_value=8))
def test_columns_read_as_cell_by_cell(rows: list[tuple[Any, Any, Any]], sample: int) -> None:
    """The first rows' words taken for the whole column's (mapped in one pass), a table of its words, or each
    cell alone: the same clean values, of type str, and the same rows refused."""
    from giamngheo_desktop.importing import planner_reading

    fields = [(0, "ethnicity"), (1, "full_name"), (2, "village")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner_reading, "_SAMPLE", sample)  # a small list's first rows: every way is taken
        patch.setattr(planner_reading, "_FEW", 3)
        reading = object.__new__(planner._Planner)
        columns, hostile = reading._read_columns([list(r) for r in rows], fields, None)
    refused: set[int] = set()
    for col, key in fields:
        expected, refused_here = _cell_by_cell(key, [r[col] for r in rows])
        refused |= refused_here
        assert columns[key] == expected
        assert [type(v) for v in columns[key]] == [type(v) for v in expected]
    assert hostile == refused


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet="0123456789", min_size=1, max_size=13),
            st.sampled_from(
                ["07912345678", "12345678", "7,9E+10", "０７９", "079 123", "079123456789", "07912345678|"]
            ),
            st.integers(min_value=0, max_value=10**12),
        ),
        max_size=6,
    )
)
def test_plain_id_numbers_read_as_parse_id_reads_them(cells: list[object]) -> None:
    if planner._plain_ids(cells):
        assert [values.parse_id(c) for c in cells if c is not None] == [(c, None) for c in cells if c is not None]
        assert all(type(c) is str and c.isascii() and c.isdigit() and len(c) not in (8, 10, 11) for c in cells if c)


def test_texts_of_a_column_as_cell_by_cell() -> None:
    cells: list[object] = ["An", None, "Hoa", None]
    assert planner._texts(cells) == ["An", "", "Hoa", ""]
    assert planner._texts_or_none(cells) == cells
    mixed: list[object] = ["An", None, 1950.0, True]
    assert planner._texts(mixed) == ["An", "", "1950", "x"]
    assert planner._texts_or_none(mixed) == ["An", None, "1950", "x"]


def _collect_row_by_row(rows: list[Any], first: int) -> tuple[list[list[Any]], list[int], int]:
    """The reading the chunked one must equal: row by row (empty rows left out, a long run of them noted)."""
    kept: list[list[Any]] = []
    numbers: list[int] = []
    empty_run = long_gap = 0
    for index, row in enumerate(rows):
        if reader._is_empty(row):
            empty_run += 1
            continue
        if empty_run >= reader.MAX_EMPTY_RUN and kept:
            long_gap = first + index
        empty_run = 0
        kept.append(reader._clean_row(list(row)))
        numbers.append(first + index)
    return kept, numbers, long_gap


_ROWS = st.lists(
    st.one_of(
        st.lists(st.sampled_from([None, "", "  ", "An", 1.0]), min_size=1, max_size=5),
        st.just([None, None]),
        st.just(("tuple", None)),
    ),
    max_size=40,
)


def _table(rows: list[list[Any]], dropped: set[int]) -> reader.RawTable:
    """The drawn rows as one CSV sheet under _HEADER, without the *dropped* columns (the name column stays)."""
    keep = [i for i in range(len(_HEADER)) if i not in dropped or i == 2]
    return reader.RawTable(
        rows=[[_HEADER[i] for i in keep], *[[row[i] for i in keep] for row in rows]],
        row_numbers=list(range(1, len(rows) + 2)),
        sheet="Danh sách",
        kind="csv",
    )


@settings(max_examples=300, deadline=None)
@given(_ROWS)
def test_rows_read_in_chunks_as_row_by_row(rows: list[Any]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "_CHUNK_ROWS", 4)
        patch.setattr(reader, "MAX_EMPTY_RUN", 3)
        patch.setattr(reader, "MAX_COLUMNS", 3)
        expected = _collect_row_by_row(rows, 1)
        table = reader._collect(
            iter([list(r) if type(r) is list else r for r in rows]),
            1,
            sheet="s",
            kind="xlsx",
            total=len(rows),
            progress=None,
            cancelled=None,
        )
    assert (table.rows, table.row_numbers, table.long_gap) == expected


def test_too_many_rows_still_refused() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "MAX_ROWS", 10)
        rows = [["An"]] * 11
        with pytest.raises(BadFile) as refused:
            reader._collect(iter(rows), 1, sheet="s", kind="xlsx", total=11, progress=None, cancelled=None)
        assert refused.value.code == "too_many_rows"
        table = reader._collect(iter(rows[:10]), 1, sheet="s", kind="xlsx", total=10, progress=None, cancelled=None)
        assert len(table.rows) == 10


def test_many_plain_id_numbers_checked_at_once_as_one_by_one() -> None:
    values: list[str | None] = [None, "", "079190000001", "079190000002", "001085123456", "999190000001", None]
    values += [f"0{p:02d}{s}{y:02d}000123" for p in range(1, 99, 7) for s in range(10) for y in (0, 50, 99)]
    alone = [check_id_number(v) for v in values]
    assert id_facts(values) == [tuple(c[1:5]) if v else None for v, c in zip(values, alone, strict=True)]


# -- households and members planned together ------------------------------------------------------
# A list's rows grouped by household code (planner._by_code), new households without a problem planned
# together (_Planner._quick, _plan_new), and every member checked on the file's columns
# (_Planner._pending_column) must give what the row-by-row, one-household-at-a-time reading gives.

_HEADER = ["Mã số hộ", "Thôn", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc",
           "Phân loại hộ", "Nguyên nhân nghèo", "Địa chỉ", "Ngày quyết định"]  # fmt: skip
_HELD_ID = make_id_number("025", "M", 1960, 11)  # in the register (household DX0001)
# each column's cells: the good ones (written five times: most households come out clean), then the bad
# each column's cells: the usual ones (written three times: most households come out clean), then the bad
_CELLS: list[tuple[list[Any], list[Any]]] = [
    (["DX0001", "H1", "H2", "H3", "", None], []),
    (["Đồng Xuân", "Tân Hòa", "thon dong xuan"], ["Thôn Lạ", "", None]),
    (["Nguyễn Văn An", "Lê Thị Hoa", "Lò Văn Tủa"], ["NguyÔn V¨n An", "", None]),
    (["Chủ hộ", "Vợ", "Con", "Con"], ["Vợ/chồng", "Lạ", "", None]),
    (["01/02/1990", "15/06/1962", "1985"], ["31/02/1990", "01/01/2030", "", None]),
    (["Nam", "Nữ"], ["x", "", None]),
    ([make_id_number("025", "M", 1990, 1), make_id_number("025", "F", 1962, 2), make_id_number("025", "F", 1990, 3),
      "", _HELD_ID], ["123", 25090000004, None]),
    (["Kinh", "Tày"], ["Lạ", "", None]),
    (["Hộ nghèo", "Hộ cận nghèo", "Hộ khá"], ["Loại X", "", None]),
    (["Thiếu vốn", ""], ["Lạ lắm", None]),
    (["Số 1 đường A", ""], [None]),
    (["01/03/2024", ""], ["31/02/2024", None]),
]  # fmt: skip


def _dump(preview: Any) -> Any:
    """Everything the preview says: households and members (every value), problems, counts, notes."""
    import dataclasses

    return (
        [
            (h.rows, h.action, dataclasses.asdict(h.data), h.household_id, h.village_name, h.new_village,
             h.generate_code, h.valid, h.changed,
             [(m.row, m.action, dataclasses.asdict(m.data), m.member_id, m.valid, m.changed) for m in h.members])
            for h in preview.households
        ],
        [dataclasses.astuple(i) for i in preview.issues],
        preview.counts(), preview.counts(valid_only=True), preview.notes, preview.new_villages,
    )  # fmt: skip


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A commune holding one household (DX0001, its head's ID number _HELD_ID)."""
    import shutil

    from giamngheo_desktop.services import commune
    from giamngheo_desktop.storage.database import open_database

    folder = tmp_path_factory.mktemp("held")
    db = open_database(folder / "held.sqlite")
    commune.setup_commune(
        db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(name="xã Tân Lập", code="01234", province="Phú Thọ", area_type="rural"),
            villages=[commune.VillageInput(name=n) for n in ("Thôn Đồng Xuân", "Thôn Tân Hòa")],
        ),
    )
    empty = folder / "empty.sqlite"
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(folder / "held.sqlite", empty)
    table = reader.RawTable(
        rows=[_HEADER, ["DX0001", "Đồng Xuân", "Trần Văn Ba", "Chủ hộ", "01/01/1960", "Nam", _HELD_ID, "Kinh"]],
        row_numbers=[1, 2],
        sheet="Danh sách",
        kind="csv",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lists, "read_tables", lambda *_a, **_k: [table])
        lists.commit_import(db, lists.plan_import(db, "held.csv"))
    empty_db = open_database(empty)
    yield {"empty": empty_db, "held": db}
    db.close()
    empty_db.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(*[st.sampled_from(good * 3 + bad) for good, bad in _CELLS]).map(list), min_size=1, max_size=12),
    st.sets(st.integers(min_value=0, max_value=len(_HEADER) - 1), max_size=3),
    st.sampled_from(["empty", "held"]),
    st.booleans(),
)
def test_households_planned_together_as_one_at_a_time(
    held: Any, rows: list[list[Any]], dropped: set[int], which: str, create_villages: bool
) -> None:
    table = _table(rows, dropped)
    db = held[which]

    def plan() -> Any:
        return _dump(lists.plan_import(db, "list.csv", create_villages=create_villages))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lists, "read_tables", lambda *_a, **_k: [table])
        together = plan()
        patch.setattr(planner, "_by_code", lambda *_a: None)
        patch.setattr(planner._Planner, "_quick", lambda _self, chunk, _values, **_k: [False] * len(chunk))
        patch.setattr(planner._Planner, "_pending_column", lambda _self, _key: None)
        one_at_a_time = plan()
    assert together == one_at_a_time


# -- new members written from the file's columns ------------------------------------------------------------
# A new household planned a column at a time keeps its members as the file's columns (preview.new_members):
# they are made into objects only when the preview shows them, and every new member is written from the
# columns. What is written must be what the preview shows, whether its households were opened or not.

_WRITTEN = ("full_name", "relationship_code", "birth_date", "birth_year", "sex", "id_number", "id_kind",
            "ethnicity_code", "ethnicity_system", "life_status", "note", "name_fold")  # fmt: skip


class _Undo(Exception):
    """Raised to roll an import back once what it wrote is read."""


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(*[st.sampled_from(good * 3 + bad) for good, bad in _CELLS]).map(list), min_size=1, max_size=12),
    st.sets(st.integers(min_value=0, max_value=len(_HEADER) - 1), max_size=3),
    st.sampled_from(["empty", "held"]),
    st.booleans(),
)
def test_new_members_written_as_the_preview_shows_them(
    held: Any, rows: list[list[Any]], dropped: set[int], which: str, opened: bool
) -> None:
    from giamngheo_desktop.services import register as reg

    table = _table(rows, dropped)
    db = held[which]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lists, "read_tables", lambda *_a, **_k: [table])
        preview = lists.plan_import(db, "list.csv", create_villages=True)
        shown = lists.plan_import(db, "list.csv", create_villages=True)
    if opened:  # the officer opened every household of the preview: its members made
        for household in preview.households:
            assert household.members is not None
    # what the preview shows of the new members it writes, as the register stores them
    members = [
        m.data
        for h in shown.households
        if h.valid and h.kind(valid_only=True) != "unchanged"
        for m in h.members
        if m.valid and m.action == "create"
    ]
    expected = reg.member_columns(members, reg.MemberMemo()) if members else {}
    heads = [h.head_name for h in shown.households if h.valid and h.action == "create"]
    last = db.scalar("SELECT coalesce(max(id), 0) FROM member")
    last_household = db.scalar("SELECT coalesce(max(id), 0) FROM household")
    try:
        with db.atomic():
            result = lists.commit_import(db, preview, valid_only=True)
            written = db.rows(f"SELECT {', '.join(_WRITTEN)} FROM member WHERE id > ? ORDER BY id", (last,))
            headed = db.rows(
                "SELECT m.full_name FROM household h LEFT JOIN member m ON m.id = h.head_member_id "
                "WHERE h.id > ? ORDER BY h.id",
                (last_household,),
            )
            raise _Undo
    except _Undo:
        pass
    assert result.members_created == len(members)
    assert written == [{key: expected[key][i] for key in _WRITTEN} for i in range(len(members))]
    assert [row["full_name"] or "" for row in headed] == heads


def _written_rows(db: Any, preview: Any) -> list[Any]:
    """The rows an import of ``preview`` writes (valid rows only), read back and undone."""
    last_member = db.scalar("SELECT coalesce(max(id), 0) FROM member")
    last_household = db.scalar("SELECT coalesce(max(id), 0) FROM household")
    try:
        with db.atomic():
            result = lists.commit_import(db, preview, valid_only=True)
            households = db.rows(
                "SELECT id, code, code_fold, village_id, poverty_class, class_date, female_head, ethnic_minority, "
                "head_member_id FROM household WHERE id > ? ORDER BY id",
                (last_household,),
            )
            members = db.rows(
                f"SELECT id, household_id, sort_order, {', '.join(_WRITTEN)} FROM member WHERE id > ? ORDER BY id",
                (last_member,),
            )
            causes = db.rows("SELECT * FROM household_cause WHERE household_id > ? ORDER BY 1, 2", (last_household,))
            events = db.rows(
                "SELECT household_id, event_type FROM household_event WHERE household_id > ? ORDER BY id",
                (last_household,),
            )
            raise _Undo
    except _Undo:
        pass
    return [result.to_json(), households, members, causes, events]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(*[st.sampled_from(good * 3 + bad) for good, bad in _CELLS]).map(list), min_size=1, max_size=12),
    st.sets(st.integers(min_value=0, max_value=len(_HEADER) - 1), max_size=3),
    st.sampled_from(["empty", "held"]),
    st.sampled_from([1, 2, 5, 2000]),
)
def test_new_households_written_a_batch_at_a_time_as_one_at_a_time(
    held: Any, rows: list[list[Any]], dropped: set[int], which: str, batch: int
) -> None:
    # the writing goes through the households a batch at a time (commit._BATCH): a batch of new households
    # whose members are not made is written from lists made for the whole batch; a batch holding any other
    # household (one opened in the preview, invalid, of the register, in a new village) one at a time
    from giamngheo_desktop.importing import commit

    table = _table(rows, dropped)
    db = held[which]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lists, "read_tables", lambda *_a, **_k: [table])
        patch.setattr(commit, "_BATCH", batch)
        together = lists.plan_import(db, "list.csv")
        one_by_one = lists.plan_import(db, "list.csv")
        for household in one_by_one.households:  # opened: its members made, so it is written one at a time
            assert household.members is not None
        assert _written_rows(db, together) == _written_rows(db, one_by_one)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Lê Thị Lan", "Le\u0302 Thi\u0323 Lan", " Trần Văn Ba ", "", None, "An"]),
            st.sampled_from(
                [
                    None,
                    "",
                    "025175000002",
                    "025175000002",
                    "001090000123",
                    "025 175 000 002",
                    "12345678",
                    "chưa có",
                    "0251750000021",
                ]
            ),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=7),
    st.sampled_from(["none", "name", "number", "copy"]),
)
def test_names_and_numbers_the_checks_put_right_are_written_as_made_again(
    members: list[tuple[Any, Any]], at: int, change: str
) -> None:
    # the register's checks keep the names they put in NFC and the ID numbers' facts (MemberMemo.keep); the
    # import's writing takes them instead of working them out again, only for the very same values
    from giamngheo_desktop.services import field_checks
    from giamngheo_desktop.services import register as reg

    names = [name for name, _number in members]
    numbers = [number for _name, number in members]
    memo = reg.MemberMemo()
    ctx = field_checks.Context(reg.CodeBook(cast(Any, None)), datetime.date(2026, 12, 7), memo)  # (no code list read)
    columns = {"full_name": names, "id_number": numbers}
    for key in columns:
        spec = next(f for f in field_checks.RULED["member"] if f.key == key)
        field_checks.check_column(spec, dict(columns), lambda *_a: None, ctx)
    if change == "name":  # a value changed after the checks: not taken from them
        names[at % len(names)] = "Le\u0302 Va\u0306n Ba"
    elif change == "number":
        numbers[at % len(numbers)] = "025 175 000 009"
    elif change == "copy":  # equal values in other lists: taken
        names, numbers = list(names), list(numbers)
    made = reg.member_search_columns(names, numbers, memo)
    again = reg.member_search_columns(names, numbers, reg.MemberMemo())
    assert made == again
    assert [list(map(type, column)) for column in made.values()] == [
        list(map(type, column)) for column in again.values()
    ]
