"""A list's data rows grouped into households."""

from __future__ import annotations

import itertools
import operator
from typing import Any

from giamngheo_desktop.importing.planner_state import _PlannerState
from giamngheo_desktop.importing.preview import Cancelled, Progress
from giamngheo_desktop.importing.reader import ImportCancelled
from giamngheo_desktop.importing.values import _SUMMARY, _text, cell_text, village_key
from giamngheo_desktop.services import register as reg
from giamngheo_desktop.text import fold


def _by_code(codes: list[str], keys: dict[str, str], relationships: list[str | None]) -> dict[Any, list[int]] | None:
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
        for i in range(total):
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
                group.append(i)
                if is_head:
                    group_head[key] = True
            current = key
        return groups
