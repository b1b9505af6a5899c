"""One household at a time: the households the planner has something to say about."""

from __future__ import annotations

from typing import Any

from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import NotFound
from giamngheo_desktop.importing.planner_households import _Households
from giamngheo_desktop.importing.planner_register import _Register
from giamngheo_desktop.importing.preview import PlannedHousehold, PlannedMember
from giamngheo_desktop.importing.values import _text
from giamngheo_desktop.services import register as reg


class _OneHousehold(_Households, _Register):
    """A household planned on its own, its members matched with the register one by one."""

    def _plan_household(self, key: Any, rows: list[int], *, has_rel: bool) -> PlannedHousehold:
        numbers = list(map(self.numbers.__getitem__, rows))
        first_row = numbers[0]
        # household-level values: the first row that has each (usually the head's row)
        hvals: dict[str, Any] = {}
        for k, column in self.household_cols:
            for i in rows:
                if column[i] is not None:
                    hvals[k] = column[i]
                    break
        code = _text(hvals.get("household_code", ""))
        issues_before = len(self.issues)
        # village
        village_id, village_name, new_village = self._village(first_row, _text(hvals.get("village", "")))
        # existing household
        code_key = (self.code_keys.get(code) or household_code.key(code)) if code else ""
        existing_id: int | None = self.live_codes.get(code_key) if code else None
        id_matches: set[int] = set()
        assert self.m is not None
        ids = self.m.ids
        if self.ids_in_db:
            for i in rows:
                number = ids[i]
                found = self.ids_in_db.get(number) if number else None
                if found:
                    id_matches.add(found[0])
        if existing_id is None and len(id_matches) == 1:
            existing_id = next(iter(id_matches))
        elif existing_id is not None and id_matches - {existing_id}:
            pass  # reported per member below (ID belongs to another household)
        elif len(id_matches) > 1:
            self.issue(
                first_row,
                "id_number",
                "",
                "các nhân khẩu của hộ này đang thuộc nhiều hộ khác nhau trong sổ; hãy kiểm tra lại",
            )
        existing: tuple[Any, ...] | None = None
        if existing_id is not None:
            existing = self.existing.get(existing_id) or self._household_rows([existing_id]).get(existing_id)
            if existing is None:
                raise NotFound(f"Không tìm thấy hộ có mã số {existing_id}.")
        data = self._household_data(first_row, code, code_key, existing, village_id, hvals)
        check_at = len(self.issues)  # the register's checks of the household go here (_validate_households)
        # members
        existing_members: list[tuple[Any, ...]] = []
        if existing_id is not None:
            existing_members = self._members_of(existing_id)
        first_pending = len(self.pending)
        planned_members = self._plan_members(rows, numbers, existing_id, existing_members, has_rel=has_rel)
        # exactly one living head, counting members already in the register
        heads = [m for m in planned_members if m.data.relationship_code == reg.HEAD and m.data.life_status == "living"]
        col = self.member_index
        kept_heads: list[tuple[Any, ...]] = []
        if existing_members:
            updated_ids = {m.member_id for m in planned_members if m.member_id}
            kept_heads = [
                m
                for m in existing_members
                if m[col["id"]] not in updated_ids
                and m[col["relationship_code"]] == reg.HEAD
                and m[col["life_status"]] == "living"
            ]
        heads_before = len(self.heads)
        if kept_heads and heads:
            self.issue(
                heads[0].row,
                "relationship",
                "Chủ hộ",
                f"hộ {data.code} trong sổ đã có chủ hộ {kept_heads[0][col['full_name']]}; muốn thay chủ hộ hãy dùng "
                "“Đổi chủ hộ” trong ứng dụng",
                into=self.heads,
            )
        elif not heads and not kept_heads:
            self.issue(
                first_row, "relationship", "", "hộ chưa có chủ hộ (không dòng nào ghi “Chủ hộ”)", into=self.heads
            )
        elif len(heads) > 1:
            for m in heads[1:]:
                self.issue(
                    m.row,
                    "relationship",
                    "Chủ hộ",
                    f"hộ đã có chủ hộ {heads[0].data.full_name} ở {self.where(heads[0].row)}",
                    into=self.heads,
                )
        household_error = (len(self.issues) > issues_before or len(self.heads) > heads_before) and any(
            i.severity == "error" and i.row == first_row
            for found in (self.issues[issues_before:], self.heads[heads_before:])
            for i in found
        )
        planned = PlannedHousehold(
            rows=numbers,
            action="update" if existing_id is not None else "create",
            data=data,
            made_members=planned_members,
            household_id=existing_id,
            village_name=village_name,
            new_village=new_village,
            generate_code=not code and existing_id is None,
            valid=not household_error,
            before=existing,
            member_rows=rows,
        )
        self.household_checks.append((check_at, planned, bool(code)))
        # an error in the first row's member data makes the household invalid too (see _validate_members)
        if first_pending < len(self.pending):
            self.first_rows[first_pending] = planned
        return planned

    def _plan_members(
        self,
        rows: list[int],
        numbers: list[int],
        household_id: int | None,
        existing_members: list[tuple[Any, ...]],
        *,
        has_rel: bool,
    ) -> list[PlannedMember]:
        """The members of data rows ``rows``: from :meth:`_member_columns`, matched with the register."""
        m = self.m
        assert m is not None
        issues, before, after, new = self.issues, m.before, m.after, m.new
        pending, pending_rows = self.pending, self.pending_rows
        matching = household_id is not None or bool(self.ids_in_db)  # else every member is new
        planned: list[PlannedMember] = []
        for index, i in enumerate(rows):
            if i in before:
                issues.extend(before[i])
            match = self._match(i, numbers[index], household_id, existing_members) if matching else None
            if match is None:
                if not has_rel:  # the first row heads the household (in the members' column: what it is made of)
                    m.rels[i] = reg.HEAD if index == 0 else reg.OTHER_RELATIVE
                member = PlannedMember(numbers[index], "create", new.input(i), index=i)
            else:
                data = m.update(self.member_input(match), i, has_rel=has_rel)
                member = PlannedMember(numbers[index], "update", data, match[self.member_index["id"]], before=match)
                self.updates += 1
            if i in after:
                issues.extend(after[i])
            planned.append(member)
            pending.append(member)
            pending_rows.append(i)
        return planned
