"""A list's data rows grouped into households."""

from __future__ import annotations

import itertools
import operator
from typing import Any

from giamngheo_desktop.importing.planner_state import _PlannerState
from giamngheo_desktop.importing.preview import ROW_BITS, Cancelled, Progress
from giamngheo_desktop.importing.reader import ImportCancelled
from giamngheo_desktop.importing.values import _SUMMARY, _text, cell_text, village_key
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.text import fold


def _by_code(
    codes: list[str], keys: dict[str, str], relationships: list[str | None], repeated: list[Any] | None = None
) -> dict[Any, list[int]] | None:
    """The data rows grouped into households as the row-by-row reading of a list that names every row and
    gives each household's code on its first row groups them (a row without a code belongs to the
    household above), when no row without a code is a head's (the row-by-row reading then starts a
    household of its own or names a problem); else None."""
    if not codes or not codes[0]:
        return None
    heads = itertools.compress(range(len(codes)), map(operator.eq, relationships, itertools.repeat(reg.HEAD)))
    if not all(map(codes.__getitem__, heads)):
        return None
    starts = list(itertools.compress(range(len(codes)), codes))
    groups: dict[Any, list[int]] = {}
    for start, end in zip(starts, [*starts[1:], len(codes)], strict=True):
        key = ("code", keys[codes[start]])  # household_code.key: "DX 01" and "DX01" are one household
        group = groups.get(key)
        if group is None:
            groups[key] = list(range(start, end))
        else:  # the same code further down: one household, as the row-by-row reading makes it
            if repeated is not None and group[-1] != start - 1:  # (said when of two villages: _one_village)
                repeated.append(key)
            group.extend(range(start, end))
    return groups


class _Groups(_PlannerState):
    """The data rows grouped into households, row by row (:func:`_by_code` groups the usual list at once)."""

    def _group_rows(
        self,
        rows: list[list[Any]],
        plain: list[list[Any]],
        content: list[list[Any]],
        skipped: set[int],
        names: list[str],
        bulleted: set[int],
        rel_codes: list[str | None],
        code_texts: list[str],
        code_keys: dict[str, str],
        number_cells: list[Any] | None,
        head_cells: list[Any] | None,
        village_cells: list[Any],
        *,
        has_code: bool,
        has_rel: bool,
        has_full: bool,
        progress: Progress | None,
        cancelled: Cancelled | None,
        repeated: list[Any],
    ) -> dict[Any, list[int]]:
        """The data rows grouped into households as a row-by-row reading of the list groups them: a household
        code, a "TT hộ" number or a head's name (``head_cells``) starts a household or joins the one it names,
        a row without one belongs to the household above it or starts its own; a row without a name is left
        out (empty, a subtotal: ``plain``, ``content``) or refused, as is a member no household above takes."""
        numbers = self.numbers
        total = len(numbers)
        groups: dict[Any, list[int]] = {}
        group_head: dict[Any, bool] = {}  # the group has a head row
        current: Any = None
        last_number = ""  # the "TT hộ" of the household above
        alone = not (has_rel or bulleted or has_code or number_cells is not None or head_cells is not None)
        # each sheet's first row: a household never goes on from one sheet to the next (a sheet per village)
        sheet_starts = {i for i in range(1, total) if numbers[i] >> ROW_BITS != numbers[i - 1] >> ROW_BITS}
        for i in range(total):
            if sheet_starts and i in sheet_starts:
                current, last_number = None, ""
            if i % 2000 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(60 + i * 20 // max(total, 1), 100)
            if skipped and i in skipped:
                continue
            if not names[i]:
                if all(column[i] is None for column in plain):
                    continue
                raw = rows[i]
                first = fold(cell_text(next((c for c in raw if c not in (None, "")), "")))
                if _SUMMARY.match(first) or all(column[i] is None for column in content):
                    continue
                self.issue(numbers[i], "full_name" if has_full else "head_name", "", "thiếu họ và tên")
                continue
            # without a relationship column, a name without the bullet its members have is a head
            is_head = rel_codes[i] == reg.HEAD if has_rel or not bulleted else i not in bulleted
            code = code_texts[i]
            if code:
                key: Any = ("code", code_keys[code])
            elif number_cells is not None and number_cells[i] is not None:  # "TT hộ": a household starts here
                number = cell_text(number_cells[i])
                # unless it is the number of the household above written again on a member's row
                if not (current is not None and current[0] == "number" and number == last_number and not is_head):
                    key = ("number", i)
                    last_number = number
                else:
                    key = current
            elif head_cells is not None and head_cells[i]:
                village = village_cells[i]
                key = ("head", fold(_text(head_cells[i])), village_key("" if village is None else _text(village)))
            elif alone:  # nothing says who lives with whom: a list of households, a row each
                key = ("row", numbers[i])
            elif current is not None and (
                (number_cells is not None or head_cells is not None)
                or (not (is_head and group_head[current]) if has_code else not is_head)
            ):  # a row without a household code belongs to the household above it
                key = current
            elif is_head or not has_rel or not has_full:
                key = ("row", numbers[i])
            else:
                self.issue(
                    numbers[i],
                    "household_code" if has_code else "relationship",
                    code,
                    "không biết nhân khẩu này thuộc hộ nào (chưa có dòng chủ hộ hoặc mã hộ phía trên)",
                )
                continue
            group = groups.get(key)
            if group is None:
                groups[key] = [i]
                group_head[key] = is_head
            else:
                if key[0] == "code" and group[-1] != i - 1:  # met again further down (as _by_code tells it)
                    repeated.append(key)
                group.append(i)
                if is_head:
                    group_head[key] = True
            current = key
        if alone and len(groups) > 1:
            self.notes.append(
                "Tệp không có cột “Quan hệ với chủ hộ”, “Mã hộ” hay “TT hộ”: mỗi dòng được đọc là một hộ, người ở "
                "dòng đó là chủ hộ. Nếu danh sách có cả thành viên, hãy thêm một trong các cột đó rồi nhập lại."
            )
        return groups

    def _one_village(
        self, groups: dict[Any, list[int]], repeated: list[Any], village_cells: list[Any], code_texts: list[str]
    ) -> None:
        """A household code written again further down the list on rows of another village: two households given one
        code by mistake (one household lives in one village), refused at the first such row instead of merged."""
        for key in dict.fromkeys(repeated):
            first: tuple[int, str] | None = None
            for i in groups[key]:
                cell = village_cells[i]
                if cell is None:
                    continue
                text = _text(cell)
                if first is None:
                    first = (i, text)
                elif village_key(text) != village_key(first[1]):
                    self.issue(
                        self.numbers[i],
                        "household_code",
                        code_texts[i] or code_texts[first[0]],
                        f"mã hộ này đã ghi cho hộ ở {self.where(self.numbers[first[0]])} ({first[1]}) mà dòng này ghi "
                        f"{text}: một hộ chỉ ở một thôn; hai hộ khác nhau không được trùng mã hộ",
                    )
                    break

    def _codes_lost_zeros(self, groups: dict[Any, list[int]], code_texts: list[str]) -> None:
        """A household code of digits the register does not hold while it holds the same number with zeros before it
        ("1" against "001", or the other way): Excel dropped the zeros of a code kept as a number, and the household
        would be created again beside the register's. Refused at the code's first row."""
        missing = [key for key in set(self.code_keys.values()) - self.live_codes.keys() if key.isdigit()]
        if not missing:
            return
        held: dict[int, list[str]] = {}
        for code in self.live_codes:
            if code.isdigit():
                held.setdefault(int(code), []).append(code)
        for key in sorted(missing):
            same = [code for code in held.get(int(key), []) if code != key]
            rows = groups.get(("code", key))
            if not same or not rows:
                continue
            self.issue(
                self.numbers[rows[0]],
                "household_code",
                code_texts[rows[0]] or key,
                f"mã hộ này không có trong sổ mà sổ có hộ mã {same[0]}: Excel có thể đã bỏ các số 0 ở đầu mã (ô dạng "
                "số); hãy định dạng cột mã hộ là Văn bản (Text), ghi lại đủ mã rồi nhập lại",
            )
