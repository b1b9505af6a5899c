"""Register search and filters: no accents, đ → d, household code, ID number, flags, deprivations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.services.household_query import HouseholdQuery, deprivation_choices, find_household_ids
from giamngheo_desktop.storage.connection import Database


@pytest.fixture
def three(db: Database) -> dict[str, int]:
    vid = int(db.scalar("SELECT min(id) FROM village"))
    out: dict[str, int] = {}
    for code, head, sex, cls in (
        ("DX-001", "Nguyễn Văn Đức", "M", "poor"),
        ("DX-002", "Đặng Thị Hằng", "F", "newly_escaped"),
        ("TH-100", "Lò Văn Sáng", "M", "not_poor"),
    ):
        out[code] = (
            reg.add_household(
                db,
                household=reg.HouseholdInput(code=code, village_id=vid, poverty_class=cls),
                members=[
                    reg.MemberInput(
                        head, "01", sex=sex, birth_year=1970, id_number=make_id_number("025", sex, 1970, len(out) + 1)
                    ),
                    *([reg.MemberInput("Trần Văn Đông", "04", sex="M", birth_year=2000)] if code == "TH-100" else []),
                ],
            ).household_id
            or 0
        )
    return out


def found(db: Database, **kw: Any) -> set[int]:
    return set(find_household_ids(db, HouseholdQuery(**kw)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nguyen van duc", {"DX-001"}),
        ("NGUYỄN VĂN ĐỨC", {"DX-001"}),
        ("dang thi hang", {"DX-002"}),
        ("đặng", {"DX-002"}),
        ("dong", {"TH-100"}),  # a member, not the head
        ("dx-00", {"DX-001", "DX-002"}),
        ("th-1", {"TH-100"}),
        ("025", {"DX-001", "DX-002", "TH-100"}),
        ("025070", {"DX-001", "TH-100"}),
        ("025170000002", {"DX-002"}),
        ("không có ai", set()),
        ("50%_", set()),
    ],
)
def test_search_ignores_case_and_accents_and_finds_codes_and_ids(
    db: Database, three: dict[str, int], text: str, expected: set[str]
) -> None:
    assert found(db, text=text) == {three[c] for c in expected}


def test_filters_class_including_newly_escaped_and_flags(db: Database, three: dict[str, int]) -> None:
    assert found(db, poverty_class="newly_escaped") == {three["DX-002"]}
    assert found(db, flags={"female_head": True}) == {three["DX-002"]}
    reg.remove_household(db, three["TH-100"])
    assert three["TH-100"] not in found(db)


def test_deprivation_filter_uses_the_latest_round(db: Database, three: dict[str, int]) -> None:
    conn = db.conn
    definition = json.dumps({"indicators": [{"code": "water", "name": "Nguồn nước"}]})
    conn.execute(
        "INSERT INTO poverty_standard (id, name, level, valid_from, definition, loaded_at) "
        "VALUES ('S', 'Chuẩn', 'national', '2022-01-01', ?, 'x')",
        (definition,),
    )
    for round_id, year in ((1, 2024), (2, 2025)):
        conn.execute(
            "INSERT INTO review_round (id, kind, year, name, reference_date, standard_id, opened_at) "
            "VALUES (?, 'annual', ?, 'Rà soát', '2025-01-01', 'S', 'x')",
            (round_id, year),
        )
    dx1, dx2 = three["DX-001"], three["DX-002"]
    for round_id, household, deprived in ((1, dx1, 1), (2, dx1, 0), (1, dx2, 0), (2, dx2, 1)):
        conn.execute("INSERT INTO round_household (round_id, household_id) VALUES (?, ?)", (round_id, household))
        conn.execute(
            "INSERT INTO round_indicator (round_id, household_id, indicator_code, deprived, source) "
            "VALUES (?, ?, 'water', ?, 'computed')",
            (round_id, household, deprived),
        )
    assert deprivation_choices(db) == [("water", "Nguồn nước")]
    assert found(db, extra={"deprived": "water"}) == {dx2}
    assert found(db, extra={"deprived_any": 1}) == {dx2}


def _search_text_is_current(db: Database) -> None:
    """The trigger-kept search text equals a fresh rebuild for every household."""
    from giamngheo_desktop.storage import search

    before = db.conn.execute("SELECT id, search_fold, search_ids FROM household ORDER BY id").fetchall()
    db.conn.execute("SAVEPOINT check_search")
    search.rebuild(db.conn)
    after = db.conn.execute("SELECT id, search_fold, search_ids FROM household ORDER BY id").fetchall()
    db.conn.execute("ROLLBACK TO check_search")
    db.conn.execute("RELEASE check_search")
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    # the trigram index holds exactly the same texts (nothing left for sync_index to rewrite)
    indexed = db.conn.execute(f"SELECT rowid, search_fold, search_ids FROM {search.FTS} ORDER BY rowid").fetchall()
    assert [tuple(r) for r in indexed] == [tuple(r) for r in before]


def test_search_follows_every_register_operation_and_undo(db: Database, three: dict[str, int]) -> None:
    th = three["TH-100"]
    dong = next(m for m in reg.list_members(db, th) if m["relationship_code"] != "01")
    # edit a member's name: the old name is no longer found, the new one is
    data = reg.member_input_from_row(dong)
    data.full_name = "Trần Văn Đông Hải"
    op = reg.update_member(db, dong["id"], member=data)
    assert found(db, text="dong hai") == {th}
    assert op.snapshot is not None
    reg.undo_operation(db, op.snapshot)
    assert found(db, text="dong hai") == set()
    assert found(db, text="tran van dong") == {th}
    # move the member to another household: found there, not in the old one
    reg.move_member(db, dong["id"], to_household_id=three["DX-001"], relationship_code="04")
    assert found(db, text="tran van dong") == {three["DX-001"]}
    # remove, and undo the removal
    removed = reg.remove_member(db, dong["id"])
    assert found(db, text="tran van dong") == set()
    assert removed.snapshot is not None
    reg.undo_operation(db, removed.snapshot)
    assert found(db, text="tran van dong") == {three["DX-001"]}
    # a new household code
    hh = reg.household_input_from_row(reg.get_household(db, th), [])
    hh.code = "TH-777"
    reg.update_household(db, th, household=hh)
    assert found(db, text="th-777") == {th}
    assert found(db, text="th-100") == set()
    _search_text_is_current(db)


def test_bulk_writes_leave_search_text_and_audit_triggers_in_place(db: Database, three: dict[str, int]) -> None:
    from giamngheo_desktop.storage import audit, search

    triggers = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(search.TRIGGERS) <= triggers
    with db.atomic() as conn, audit.bulk(db, action="test", entity="member", summary={"n": 1}):
        conn.execute(
            "INSERT INTO member (household_id, full_name, name_fold, created_at, updated_at) "
            "VALUES (?, 'Hà Thị Bông', 'ha thi bong', 'x', 'x')",
            (three["DX-002"],),
        )
    assert {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")} == triggers
    assert found(db, text="ha thi bong") == {three["DX-002"]}
    assert not audit.needs_sync(db.conn)
    _search_text_is_current(db)


def _scan(db: Database, text: str) -> set[int]:
    """What a search must find: the households whose folded text or ID numbers hold it (no index)."""
    from giamngheo_desktop.text import fold

    folded = fold(text)
    digits = folded.replace(" ", "")
    rows = db.conn.execute("SELECT id, search_fold, search_ids FROM household WHERE deleted_at IS NULL").fetchall()
    return {r[0] for r in rows if folded in r[1] or (digits.isdigit() and digits in r[2])}


@pytest.mark.parametrize(
    "text",
    ["n", "đ", "0", "02", "ng", "nguyen", "n v", "van d", "c\nd", 'a"b', "th-", "025 17", "2517", "x*", "dong"],
)
def test_index_finds_what_a_scan_of_the_search_text_finds(db: Database, three: dict[str, int], text: str) -> None:
    from giamngheo_desktop.services.household_query import matching_ids

    assert found(db, text=text) == _scan(db, text)
    assert (matching_ids(db, text) or set()) >= _scan(db, text)


def test_a_keystroke_filters_the_kept_order_and_sees_changes_after_forget(db: Database, three: dict[str, int]) -> None:
    from giamngheo_desktop.services.household_query import RegisterSearch

    search = RegisterSearch(db)
    by_code_desc = HouseholdQuery(sort="code", descending=True)
    assert search.ids(by_code_desc) == [three["TH-100"], three["DX-002"], three["DX-001"]]
    assert search.ids(HouseholdQuery(text="dx-0", sort="code", descending=True)) == [three["DX-002"], three["DX-001"]]
    reg.remove_household(db, three["DX-002"])
    search.forget()
    assert search.ids(HouseholdQuery(text="dx-0")) == [three["DX-001"]]
    assert search.ids(HouseholdQuery(text="dx-0", include_deleted=True)) == [three["DX-001"], three["DX-002"]]


def test_upgrading_a_version_3_file_builds_the_index(tmp_path: Path) -> None:
    from giamngheo_desktop.storage import migrations, search
    from giamngheo_desktop.storage.connection import Database, connect
    from giamngheo_desktop.storage.database import open_database

    path = tmp_path / "v3.sqlite"
    conn = connect(path)
    migrations.upgrade(Database(conn, path), steps=migrations.STEPS[:2])  # as version 3 left files
    conn.execute("INSERT INTO village (code, name, name_fold) VALUES ('01', 'Thôn Một', 'thon mot')")
    conn.execute(
        "INSERT INTO household (code, code_fold, village_id, created_at, updated_at) "
        "VALUES ('HGD-7', 'hgd-7', 1, '', '')"
    )
    conn.execute(
        "INSERT INTO member (household_id, full_name, name_fold, created_at, updated_at) "
        "VALUES (1, 'Lò Văn Sáng', 'lo van sang', '', '')"
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()
    with open_database(path, backup_dir=tmp_path / "bk") as db:
        assert db.scalar("PRAGMA user_version") == migrations.LATEST
        assert db.scalar(f"SELECT rowid FROM {search.FTS} WHERE {search.FTS} MATCH ?", ('"van sang"',)) == 1
        assert find_household_ids(db, HouseholdQuery(text="văn sáng")) == [1]


@pytest.mark.parametrize("sort", ["code", "head", "village", "class", "members"])
def test_a_keystroke_gives_the_order_and_rows_the_full_query_gives(tmp_path: Path, sort: str) -> None:
    """Few households found are put in the kept order by position, many by walking the kept
    list: either way the rows and their order are those of the one-SELECT query."""
    from giamngheo_desktop.services import demo
    from giamngheo_desktop.services.household_query import RegisterSearch
    from giamngheo_desktop.storage.database import open_database

    with open_database(tmp_path / "demo.sqlite") as db:
        demo.generate(db, households=300, seed=5)
        village = int(db.scalar("SELECT max(id) FROM village"))
        head = str(db.scalar("SELECT m.full_name FROM household h JOIN member m ON m.id = h.head_member_id LIMIT 1"))
        search = RegisterSearch(db)
        for descending in (False, True):
            for village_id in (None, village):
                for text in ("n", "ng", "0", "thi", head, head.split()[-1], "qxz"):
                    query = HouseholdQuery(text=text, sort=sort, descending=descending, village_id=village_id)
                    assert search.ids(query) == find_household_ids(db, query), (text, descending, village_id)
        sizes = {len(search.ids(HouseholdQuery(text=t, sort=sort))) for t in ("n", head)}
        assert max(sizes) > 8 * min(sizes) > 0  # both ways of ordering were taken


def test_a_big_resync_of_the_trigram_index_finds_every_household(
    db: Database, three: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resync of many households (a big import's) lets the index hold more in memory first:
    the index it leaves is whole (FTS5's own check) and every search finds what it found."""
    from giamngheo_desktop.storage import search

    before = {text: found(db, text=text) for text in ("nguyen van duc", "dx-00", "025070", "dong")}
    monkeypatch.setattr(search, "BIG_SYNC", 2)
    with db.atomic() as conn:
        conn.execute(f"DELETE FROM {search.FTS}")
        assert search.sync_index(conn) == 3
        conn.execute(f"INSERT INTO {search.FTS} ({search.FTS}) VALUES ('integrity-check')")
    assert db.scalar(f"SELECT v FROM {search.FTS}_config WHERE k = 'hashsize'") == search.HASHSIZE
    assert {text: found(db, text=text) for text in before} == before
    assert before["dx-00"] == {three["DX-001"], three["DX-002"]}
    _search_text_is_current(db)


def _indexed_as_stored(db: Database) -> list[tuple[Any, ...]]:
    """Every row the trigram index keeps (its own tables), to compare two ways of filling it."""
    from giamngheo_desktop.storage import search

    return [
        (part, *row)
        for part in ("data", "idx", "content", "docsize", "config")
        for row in db.conn.execute(f"SELECT * FROM {search.FTS}_{part} ORDER BY 1, 2")
    ]


@pytest.mark.parametrize("stray", [False, True])
def test_households_just_inserted_are_indexed_as_a_resync_indexes_them(
    db: Database, three: dict[str, int], monkeypatch: pytest.MonkeyPatch, stray: bool
) -> None:
    """A big import indexes its new households by their ids, without comparing every household with the
    index: the index it leaves is the one a resync leaves, row for row. When the index already holds a row
    among those ids (``stray``: left by a household removed outside the app), the resync is made instead."""
    from giamngheo_desktop.storage import search

    monkeypatch.setattr(search, "BIG_SYNC", 2)
    vid = int(db.scalar("SELECT min(id) FROM village"))
    first = max(three.values()) + 1
    results: dict[str, Any] = {}
    for way in ("resync", "by ids"):
        with db.atomic() as conn:
            search.drop_triggers(conn)
            conn.execute("SAVEPOINT try_it")
            if stray:
                conn.execute(f"INSERT INTO {search.FTS} (rowid, search_fold) VALUES (?, 'mồ côi')", (first + 1,))
            for n in range(3):
                conn.execute(
                    "INSERT INTO household (id, code, code_fold, village_id, search_fold, search_ids, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, '2026', '2026')",
                    (first + n, f"MX-{n}", f"mx-{n}", vid, f"mx-{n}\nhoang van moi {n}", f"02509000000{n}"),
                )
            written = search.sync_index(conn) if way == "resync" else search.index_added(conn, first, first + 2)
            assert search.sync_index(conn) == 0  # nothing left stale
            conn.execute(f"INSERT INTO {search.FTS} ({search.FTS}) VALUES ('integrity-check')")
            results[way] = (written, _indexed_as_stored(db), found(db, text="hoang van moi"), found(db, text="mồ côi"))
            conn.execute("ROLLBACK TO try_it")
            conn.execute("RELEASE try_it")
            search.create_triggers(conn)
    assert results["by ids"] == results["resync"]
    assert results["resync"][0] == 3
    assert results["resync"][2] == {first, first + 1, first + 2} and not results["resync"][3]
    with db.atomic() as conn:
        assert search.index_added(conn, first, first - 1) == 0  # no households
