"""Logs never carry ID numbers, names or cell values."""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Callable

from giamngheo_desktop.domain.logscrub import scrub


def _message(fn: Callable[[], object]) -> str:
    try:
        fn()
    except Exception as exc:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    raise AssertionError("no exception")


def test_exception_texts_lose_id_numbers_names_and_cell_values() -> None:
    cases = [
        _message(lambda: int("Nguyễn Văn An")),
        _message(lambda: int("012345678901x")),
        _message(lambda: {"025190000002": 1}["025190000003"]),
        _message(lambda: (_ for _ in ()).throw(ValueError("Hộ của Trần Thị Hằng, CCCD 0251 9000 0002 lỗi"))),
    ]
    for text in cases:
        out = scrub(text)
        for secret in ("Nguyễn", "An'", "012345678901", "025190000002", "025190000003", "Trần Thị Hằng", "0251 9000"):
            assert secret not in out, (secret, out)
        assert "Traceback" in out and ("ValueError" in out or "KeyError" in out)
        assert "test_logscrub.py" in out and "line" in out, "where the bug is stays readable"


def test_program_structure_and_plain_words_stay() -> None:
    text = 'File "/app/giamngheo_desktop/services/register.py", line 412, in add_household'
    assert scrub(text) == text
    assert scrub("ZeroDivisionError: chia cho 0") == "ZeroDivisionError: chia cho 0"
    assert scrub("UNIQUE constraint failed: member.id_number") == "UNIQUE constraint failed: member.id_number"
    assert scrub("năm 2026, 50 hộ") == "năm 2026, 50 hộ"


def test_a_sqlite_error_with_a_cell_value_is_scrubbed() -> None:
    conn = sqlite3.connect(":memory:")
    text = _message(lambda: conn.execute('SELECT * FROM "Lò Văn Páo"'))  # "no such table: Lò Văn Páo"
    assert "Lò Văn Páo" in text and "Lò Văn Páo" not in scrub(text)
