"""A household's own fields as the file gives them: village, class, answers, causes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.importing.planner_state import _PlannerState
from giamngheo_desktop.importing.values import (
    _text,
    class_named,
    numbered_village,
    numbered_villages,
    parse_date,
    phone_text,
    village_key,
    village_numbers,
)
from giamngheo_desktop.services import commune
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.text import fold_key

# the import window's tick box (and the CLI's --create-villages): named the same in the refusal below
CREATE_VILLAGES_LABEL = "Tạo thôn/tổ mới khi tên trong tệp chưa có"


class _Households(_PlannerState):
    """What the file says of each household itself (its village, class, answers, causes)."""

    def _household_values(self, chunk: list[tuple[Any, list[int]]]) -> dict[str, list[Any]]:
        """Each household field of the file, of each household of ``chunk``: the first of its rows that
        has one (usually the head's row), None where none has; a column at a time."""
        firsts = [rows[0] for _key, rows in chunk]
        found: dict[str, list[Any]] = {}
        for key, column in self.household_cols:
            values = list(map(column.__getitem__, firsts))
            if None in values:
                for j in [j for j, v in enumerate(values) if v is None]:
                    values[j] = next((column[i] for i in chunk[j][1] if column[i] is not None), None)
            found[key] = values
        return found

    def _plain(self, chunk: list[tuple[Any, list[int]]], values: dict[str, list[Any]], plain: list[bool]) -> list[bool]:
        """``plain``, made False for each household of ``chunk`` whose rows have a problem named already or
        whose own fields :meth:`_plan_household` would say something of (a village it does not know, a
        class, date, answer or cause it does not understand)."""
        m = self.m
        assert m is not None
        count = len(chunk)
        problems = m.before.keys() | m.after.keys()
        if problems:
            row_lists = [rows for _key, rows in chunk]
            at = dict(  # data row → its household's place in the chunk
                zip(
                    itertools.chain.from_iterable(row_lists),
                    itertools.chain.from_iterable(map(itertools.repeat, range(count), map(len, row_lists))),
                    strict=True,
                )
            )
            for i in problems:
                place = at.get(i)
                if place is not None:
                    plain[place] = False
        understood: dict[str, Callable[[Any], bool]] = {
            "village": lambda v: self._village_known(_text(v)),
            "poverty_class": lambda v: self._class(_text(v)) is not None,
            "waste_treatment": lambda v: fold_key(_text(v)) in self.vocab.yes_no,
            "class_date": lambda v: (found := self.date(v))[2] is None and found[0] is not None,
            "causes": lambda v: self.vocab.causes(_text(v))[1],
        }
        for key, ok in understood.items():
            column = values.get(key)
            if column is None:
                if key == "village" and not self._village_known(""):
                    return [False] * count
                continue
            known: dict[tuple[type, Any], bool] = {}  # each distinct value once (1 and True apart)
            distinct = dict.fromkeys(column)  # texts (the usual: a few villages, classes): each text once
            if all(type(value) is str or value is None for value in distinct):
                for value in distinct:
                    if value is not None or key == "village":
                        known[(type(value), value)] = ok("" if value is None else value)
                if all(known.values()):  # every one understood: no household to look at
                    continue
            for j, value in enumerate(column):
                if plain[j] and (value is not None or key == "village"):
                    good = known.get((type(value), value))
                    if good is None:
                        good = known[(type(value), value)] = ok("" if value is None else value)
                    if not good:
                        plain[j] = False
        return plain

    def _household_data(
        self,
        first_row: int,
        code: str,
        code_key: str,
        existing: tuple[Any, ...] | None,
        village_id: int | None,
        hvals: dict[str, Any],
        read: reg.HouseholdInput | None = None,
    ) -> reg.HouseholdInput:
        """The household's fields: the register's (``existing``; ``read``: its input, when made already) or a
        new household's, with what the file gives (``hvals``: the first value of each household field down its
        rows), problems named at its first row."""
        if existing is not None:
            assert self.household_input is not None
            data = read if read is not None else self.household_input(existing)
            if village_id is not None and "village" in hvals:
                data.village_id = village_id
        else:
            data = reg.HouseholdInput(code=code, village_id=village_id or 0)
        if code and (existing is None or (data.code != code and household_code.key(data.code) != code_key)):
            data.code = code  # the register's "DX01" stays as it is for a file's "DX 01"
        if "address" in hvals:
            data.address = _text(hvals["address"])
        if "phone" in hvals:
            data.phone = phone_text(hvals["phone"])
        if "class_decision" in hvals:
            data.class_decision = _text(hvals["class_decision"])
        if "waste_treatment" in hvals:
            answer = self.vocab.yes_no.get(fold_key(_text(hvals["waste_treatment"])))
            if answer is None:
                self.issue(
                    first_row,
                    "waste_treatment",
                    hvals["waste_treatment"],
                    "ghi “Có” hoặc “Không”; đã bỏ qua",
                    "warning",
                )
            else:
                data.waste_treatment = answer
        if "class_date" in hvals:
            iso, _year, problem = parse_date(hvals["class_date"])
            if problem or iso is None:
                self.issue(first_row, "class_date", hvals["class_date"], problem or "cần ghi đủ ngày/tháng/năm")
            else:
                data.class_date = iso
        if "poverty_class" in hvals:
            text = _text(hvals["poverty_class"])
            cls = self._class(text)
            if cls is None:
                self.issue(first_row, "poverty_class", text, "không rõ loại hộ (ghi Hộ nghèo, Hộ cận nghèo, …)")
            else:
                data.poverty_class = cls
        elif existing is None and "poverty_class" in self.columns:
            data.poverty_class = "not_poor"
        if "causes" in hvals:
            causes, understood = self.vocab.causes(_text(hvals["causes"]))
            if not understood:
                self.issue(
                    first_row,
                    "causes",
                    hvals["causes"],
                    "có nguyên nhân không có trong danh mục (8 nguyên nhân theo quy định); đã bỏ qua phần không rõ",
                    "warning",
                )
            data.causes = causes
        return data

    def _set_household_columns(self, households: list[reg.HouseholdInput], values: dict[str, list[Any]]) -> None:
        """What the file says of each household's own fields (``values``: a column per household field, None where
        the file says nothing) put into ``households`` as :meth:`_household_data` puts it, a field at a time (each
        distinct text read once): households the planner has nothing to say about (:meth:`_plain`)."""
        setters: dict[str, Callable[[reg.HouseholdInput, Any], None]] = {
            "address": lambda data, v: setattr(data, "address", _text(v)),
            "phone": lambda data, v: setattr(data, "phone", phone_text(v)),
            "class_decision": lambda data, v: setattr(data, "class_decision", _text(v)),
            "waste_treatment": lambda data, v: setattr(data, "waste_treatment", self.vocab.yes_no[fold_key(_text(v))]),
            "class_date": lambda data, v: setattr(data, "class_date", self.date(v)[0]),
            "poverty_class": lambda data, v: setattr(data, "poverty_class", self._class(_text(v))),
            "causes": lambda data, v: setattr(data, "causes", self.vocab.causes(_text(v))[0]),
        }
        for key, column in values.items():
            setter = setters.get(key)
            if setter is None:
                continue
            distinct = dict.fromkeys(column)
            if key != "causes" and all(type(v) is str or v is None for v in distinct):
                # text (the usual): each distinct text read once (a value of its own: causes are a list each)
                scratch = reg.HouseholdInput("", 0)
                found: dict[str, Any] = {}
                for text in distinct:
                    if text is not None:
                        setter(scratch, text)
                        found[text] = getattr(scratch, key)
                for data, value in zip(households, column, strict=True):
                    if value is not None:
                        setattr(data, key, found[value])
                continue
            for data, value in zip(households, column, strict=True):
                if value is not None:
                    setter(data, value)

    def _class(self, text: str) -> str | None:
        """The poverty class a text names (None: not understood)."""
        if text not in self.classes:
            self.classes[text] = class_named(text)
        return self.classes[text]

    def _village_key(self, text: str) -> str:
        key = self.village_keys.get(text)
        if key is None:
            key = self.village_keys[text] = village_key(text)
            if key not in self.villages:  # "Thôn Bãi Sậy, xã Tân Lập": the part that is a village
                pieces = [p for p in re.split(r"\s*[,;–]\s*|\s+-\s+", text) if p.strip()]
                key = self.village_keys[text] = next((k for k in map(village_key, pieces) if k in self.villages), key)
                if key not in self.villages:  # "Thôn II", "Thôn số 2", "Thôn Hai" for the commune's "Thôn 2"
                    self._village_number(text, [text, *pieces])
                    key = self.village_keys[text]
        return key

    def _village_number(self, text: str, pieces: list[str]) -> None:
        if self.own_forms is None:
            names = [v["name"] for v in self.villages.values()]
            self.own_forms, self.own_numbers = numbered_villages(names), village_numbers(names)
        for piece in pieces:
            found = numbered_village(piece, self.own_numbers, self.own_forms)
            if found is not None:
                self.village_keys[text] = village_key(found)
                self.notes.append(f"Thôn ghi “{text}” được đọc là {found} (xã không có thôn nào viết theo cách đó).")
                return

    def _village_known(self, text: str) -> bool:
        """Whether :meth:`_village_found` finds a village for ``text`` (without taking a new one in)."""
        if not text:
            return len(self.villages) == 1
        return self.create_villages or self._village_key(text) in self.villages

    def _village_found(self, text: str) -> tuple[int | None, str, str] | None:
        """The village a household's text names: (id, name, the name of a village to create), or None
        where it names none the import may use (:meth:`_village` says why)."""
        if not text:
            if len(self.villages) == 1:
                village = next(iter(self.villages.values()))
                return int(village["id"]), str(village["name"]), ""
            return None
        key = self._village_key(text)
        found = self.villages.get(key)
        if found is not None:
            return int(found["id"]), str(found["name"]), ""
        if self.create_villages:
            self.new_villages.setdefault(key, text)
            # named as it will be created ("Thôn Bãi Sậy" → "Bãi Sậy")
            return None, commune.imported_village(self.new_villages[key]).name, self.new_villages[key]
        return None

    def _village(self, row: int, text: str) -> tuple[int | None, str, str]:
        found = self._village_found(text)
        if found is not None:
            return found
        if not text:
            if "village" not in self.columns:
                self.issue(row, "village", "", "tệp không có cột Thôn/Tổ dân phố mà xã có nhiều thôn")
            else:
                self.issue(row, "village", "", "chưa ghi thôn/tổ dân phố")
            return None, "", ""
        self.issue(
            row,
            "village",
            text,
            f"không có thôn/tổ này trong danh sách của xã (đánh dấu “{CREATE_VILLAGES_LABEL}”"
            " — dòng lệnh: --create-villages — để thêm, hoặc sửa tên trong tệp)",
        )
        return None, "", ""
