"""Importing a 50,000-household, 200,000-row list, against python-calamine reading alone.

The list (one row per member, title rows, household code on the head's row only, dates as
dd/mm/yyyy text) is written once with openpyxl's write-only mode and cached under /tmp.
Prints reading alone (the raw floor), planning (preview) and committing, and their ratios.
The preview is timed to its counts (what the import window shows first) and the commit to the
preview being dropped (as the window does once the rows are written).
Each is run ``--repeat`` times (reading alone next to each import, on a fresh database) and
the best runs are compared: on a shared machine one run's ratio moves with its neighbours.
No timed assertions.

    .venv/bin/python benchmarks/bench_import.py [--households 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.importing import lists
from giamngheo_desktop.services import commune
from giamngheo_desktop.storage.database import open_database

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Lò", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Quang", "Minh", "Thu", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hùng", "Long", "Nam", "Sơn", "Hằng", "Hoa", "Lan", "Mai", "Yến"]
VILLAGES = [f"Thôn {n}" for n in range(1, 13)]
RELATIONS = ["Chủ hộ", "Vợ", "Con", "Con"]


def make_list(path: Path, households: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(2)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["UBND XÃ TÂN LẬP"])
    ws.append(["DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU"])
    ws.append([])
    ws.append(["STT", "Mã hộ", "Thôn, xóm", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD",
               "Dân tộc", "Phân loại hộ"])  # fmt: skip
    serial = 0
    for number in range(1, households + 1):
        village = VILLAGES[number % len(VILLAGES)]
        klass = rng.choice(["Hộ nghèo", "Hộ cận nghèo", "Hộ không nghèo"])
        for order in range(4):
            serial += 1
            sex = "Nam" if order != 1 else "Nữ"
            year = rng.randint(1950, 1975) if order < 2 else rng.randint(1990, 2015)
            ws.append(
                [
                    serial,
                    f"HGD-{number:05d}" if order == 0 else None,
                    village,
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    RELATIONS[order],
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                    sex,
                    make_id_number("025", "M" if sex == "Nam" else "F", year, serial),
                    "Kinh",
                    klass if order == 0 else None,
                ]
            )
    wb.save(path)


def _fresh_database() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    db = open_database(folder / "import.sqlite")
    commune.setup_commune(
        db,
        commune.CommuneSetup(
            settings=commune.CommuneSettings(name="xã Tân Lập", code="01234", province="Phú Thọ", area_type="rural"),
            villages=[commune.VillageInput(name=name) for name in VILLAGES],
        ),
    )
    return db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs; the best of each is compared (a shared machine varies)"
    )
    args = parser.parse_args()
    source = Path(tempfile.gettempdir()) / f"giamngheo-bench-list-{args.households}.xlsx"
    if not source.exists():
        start = time.perf_counter()
        make_list(source, args.households)
        print(f"wrote {source} with openpyxl write-only in {time.perf_counter() - start:.1f} s")
    import python_calamine

    reads, previews, commits, wholes = [], [], [], []
    for attempt in range(1, args.repeat + 1):
        start = time.perf_counter()
        workbook = python_calamine.CalamineWorkbook.from_path(str(source))
        rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())
        read = time.perf_counter() - start
        reads.append(read)
        print(f"[{attempt}] baseline: python-calamine reading {rows:,} rows alone: {read:.2f} s")
        db = _fresh_database()
        start = time.perf_counter()
        preview = lists.plan_import(db, source)
        counts = preview.counts()  # as the import window does to show the preview (counted: a first
        planned = time.perf_counter() - start  # allocation here lets the GC scan the preview's objects)
        print(
            f"[{attempt}] preview (read + match + validate): {planned:.2f} s = {planned / read:.1f} × reading; "
            f"{counts['households_create']:,} households, {counts['members_create']:,} members, "
            f"{counts['errors']} errors"
        )
        start = time.perf_counter()
        result = lists.commit_import(db, preview)
        del preview  # as the import window does once the rows are written (counted: the officer waits for it)
        committed = time.perf_counter() - start
        print(f"[{attempt}] commit (one transaction): {committed:.2f} s = {committed / read:.1f} × reading")
        total = planned + committed
        print(
            f"[{attempt}] whole import: {total:.2f} s = {total / read:.1f} × reading "
            f"({result.members_created:,} members written)"
        )
        previews.append(planned)
        commits.append(committed)
        wholes.append(total)
        if attempt < args.repeat:
            db.close()
    best = min(reads)
    ratios = sorted(whole / read for whole, read in zip(wholes, reads, strict=True))
    print(
        f"whole import per run: {ratios[0]:.1f}–{ratios[-1]:.1f} × reading, "
        f"median {statistics.median(ratios):.1f} × (each run against its own reading)"
    )
    print(
        f"best of {args.repeat}: reading {best:.2f} s; preview {min(previews):.2f} s = {min(previews) / best:.1f} ×, "
        f"commit {min(commits):.2f} s = {min(commits) / best:.1f} ×, "
        f"whole import {min(wholes):.2f} s = {min(wholes) / best:.1f} × reading "
        "(the goal: 10 s where reading takes 2.4 s, about 4.2 ×)"
    )
    start = time.perf_counter()
    again = lists.plan_import(db, source)
    counts = again.counts()
    print(
        f"re-import preview (same list again): {time.perf_counter() - start:.2f} s; "
        f"{counts['households_update']:,} households to update, {counts['households_unchanged']:,} unchanged"
    )
    start = time.perf_counter()
    lists.commit_import(db, again)
    print(f"re-import commit (nothing to write): {time.perf_counter() - start:.2f} s")
    db.close()


if __name__ == "__main__":
    main()
