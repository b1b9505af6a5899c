"""Who each row is, as lists write it: a ticked head column, a count that is no name, a note in a name, a blank
relationship on the head's row.
"""

from __future__ import annotations

from typing import Any

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.importing.planner_state import _filled, _PlannerState, _texts
from giamngheo_desktop.importing.values import _text, drop_name_titles, split_name_notes
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.text import fold_key


class _Heads(_PlannerState):
    """The ways lists say who heads a household and who a row names."""

    def _name_notes(self, names: list[str], columns: dict[str, list[Any]], total: int) -> list[str]:
        """Names written with a note in brackets ("Lê Thị Lan (đã chết)"): the name alone, the note put in the
        member's note (after what its "Ghi chú" holds), and a warning at the row to look at it."""
        plain, notes = split_name_notes(names)
        if not notes:
            return names
        note_cells = list(columns.get("note") or [None] * total)
        self.name_noted = set(notes)
        for i, note in notes.items():
            note_cells[i] = note if note_cells[i] is None else f"{_text(note_cells[i])}; {note}"
            self.issue(
                self.numbers[i],
                "full_name",
                names[i],
                f"ghi chú “{note}” trong ô họ tên: đã tách ra phần ghi chú của người này, hãy xem lại (người đã "
                "chết hay chuyển đi thì cập nhật trong sổ sau khi nhập)",
                "warning",
            )
        columns["note"] = note_cells
        self.columns.setdefault("note", self.labels.get("note", "note"))
        return plain

    def _blank_heads(self, columns: dict[str, list[Any]], names: list[str]) -> None:
        """A household (rows under one code, or from one "TT hộ" to the next) none of whose rows says "Chủ hộ",
        whose first row leaves the relationship empty and whose other rows fill it: that row is the head (a
        head's relation to himself is often left blank), and so is a person alone with an empty relationship
        in such a file; a note says which rows. In a file with no such household, an empty relationship is
        refused as before (nothing says who the person is)."""
        rels = columns["relationship"]
        if None not in rels:
            return
        codes, numbers = columns.get("household_code"), columns.get("household_no")
        code_texts = _texts(codes) if codes is not None else None
        keys = household_code.keys(code_texts) if code_texts is not None else {}
        groups: dict[Any, list[int]] = {}
        current: Any = None
        for i, name in enumerate(names):
            if not name:
                continue
            if numbers is not None and numbers[i] is not None:
                current = ("number", i)
            elif code_texts is not None and code_texts[i]:
                current = ("code", keys[code_texts[i]])
            if current is not None:
                groups.setdefault(current, []).append(i)
        head = reg.HEAD
        blank = [
            rows
            for rows in groups.values()
            if rels[rows[0]] is None
            and not any(rels[i] is not None and self.vocab.code("relationship", _text(rels[i])) == head for i in rows)
        ]
        # the file's way when another row of such a household says how it is related to him; then a person
        # alone whose relationship is empty is the head of his own household too
        if not any(any(rels[i] is not None for i in rows[1:]) for rows in blank):
            return
        firsts = [rows[0] for rows in blank if len(rows) == 1 or any(rels[i] is not None for i in rows[1:])]
        if not firsts:
            return
        rels = columns["relationship"] = list(rels)
        for i in firsts:
            rels[i] = "Chủ hộ"
        shown = ", ".join(self.where(self.numbers[i]) for i in firsts[:12]) + (" …" if len(firsts) > 12 else "")
        self.notes.append(
            f"{len(firsts)} hộ không ghi quan hệ ở dòng đầu và không dòng nào ghi “Chủ hộ”: người ở dòng đầu mỗi hộ "
            f"được ghi là chủ hộ ({shown}); hãy xem lại trong thẻ “Hộ sẽ ghi”."
        )

    def _name_titles(self, names: list[str]) -> list[str]:
        """Names written with the head's title ("Ông Phạm Văn Long"): the names alone (:func:`drop_name_titles`),
        a note naming the rows."""
        plain, rows = drop_name_titles(names)
        if not rows:
            return names
        shown = ", ".join(self.where(self.numbers[i]) for i in rows[:12]) + (" …" if len(rows) > 12 else "")
        self.notes.append(f"{len(rows)} họ tên ghi kèm “Ông”, “Bà” ({shown}): đã bỏ chữ đó, chỉ ghi họ tên vào sổ.")
        return plain

    def _counts_not_names(self, columns: dict[str, list[Any]]) -> bool:
        """A column taken for the members' names ("Nhân khẩu") beside the heads' names that holds only numbers:
        how many people each household has, not a name. It is left out (one row per household, the head)."""
        cells = columns["full_name"]
        filled = [cells[i] for i in _filled(cells)]
        if not filled or not all(type(v) in (int, float) or (type(v) is str and v.isdigit()) for v in filled):
            return False
        self.notes.append(
            f"Cột “{self.col('full_name')}” ghi số người của mỗi hộ, không phải họ tên: không dùng (mỗi dòng là "
            "một hộ, chỉ nhập chủ hộ)."
        )
        self.columns.pop("full_name", None)
        del columns["full_name"]
        return True

    def _head_ticked(self, columns: dict[str, list[Any]], total: int) -> bool:
        """A "Chủ hộ" column beside the names holding only ticks (x): the ticked rows are the heads (their
        relationship "Chủ hộ"), and the column is no name column."""
        ticks = columns["head_name"]
        # a 'no' word ("0", "Không": a checkbox left empty, as LibreOffice saves it) is no tick
        ticks = [None if t is not None and self.vocab.yes_no.get(fold_key(_text(t))) is False else t for t in ticks]
        filled = {_text(ticks[i]) for i in _filled(ticks)}
        if not filled or len(filled) > 5 or not all(fold_key(t) in self.vocab.marks for t in filled):
            return False
        relations = columns.get("relationship") or [None] * total
        columns["relationship"] = [
            "Chủ hộ" if tick is not None and rel is None else rel for rel, tick in zip(relations, ticks, strict=True)
        ]
        self.columns.setdefault("relationship", self.col("head_name"))
        del columns["head_name"]
        return True

    def _title_heads(self, columns: dict[str, list[Any]], names: list[str], total: int) -> None:
        """Households opened by a title row naming their head ("Hộ ông Phạm Văn Long"): the row of that name is the
        head (its relationship, left empty, is "Chủ hộ"); a household none of whose rows has that name, or whose
        row of that name is not the one saying "Chủ hộ", is refused at the title row or that row."""
        rels = columns.get("relationship")
        if rels is not None:
            rels = columns["relationship"] = list(rels)
        starts = sorted(self.titles)
        head = reg.HEAD
        for start, end in zip(starts, [*starts[1:], total], strict=True):
            title, written = self.titles[start]
            rows = [i for i in range(start, end) if names[i]]
            wanted = fold_key(written)
            named = [i for i in rows if fold_key(names[i]) == wanted]
            if not named:
                self.issue(
                    title,
                    "full_name",
                    written,
                    f"dòng tiêu đề hộ ghi chủ hộ là “{written}” mà các dòng của hộ bên dưới không có ai tên này: hãy "
                    "sửa tên ở dòng tiêu đề hoặc thêm dòng của chủ hộ",
                )
                continue
            if rels is None:  # without relationships the household's first row heads it
                if named[0] != rows[0]:
                    self.issue(
                        self.numbers[named[0]],
                        "full_name",
                        names[named[0]],
                        f"dòng tiêu đề hộ ({self.where(title)}) ghi người này là chủ hộ mà danh sách không có cột quan "
                        "hệ với chủ hộ: hãy đưa dòng của chủ hộ lên đầu hộ hoặc thêm cột “Quan hệ với chủ hộ”",
                    )
                continue
            codes = {i: self.vocab.code("relationship", _text(rels[i])) if rels[i] is not None else None for i in rows}
            heads = [i for i in rows if codes[i] == head]
            if any(codes[i] == head for i in named):
                continue
            if not heads and len(named) == 1 and rels[named[0]] is None:
                rels[named[0]] = "Chủ hộ"  # the head's relation to himself left empty
                continue
            other = f" mà {self.where(self.numbers[heads[0]])} ghi “Chủ hộ”" if heads else ""
            self.issue(
                self.numbers[named[0]],
                "relationship",
                rels[named[0]] or "",
                f"dòng tiêu đề hộ ({self.where(title)}) ghi “{written}” là chủ hộ{other}: hãy sửa cho khớp",
            )
