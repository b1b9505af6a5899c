"""A household's support history (every support of the household and its members, across years).

Small and fully loaded: ``model.load(db, household_id)`` fills it from
``support.household_history``; the household detail view can show it as is.
"""

from __future__ import annotations

from typing import Any

from giamngheo_desktop.services import support
from giamngheo_desktop.services.session import Database
from ui.models.support_rows_model import Column, RowsTableModel, money, vn_date


class SupportHistoryModel(RowsTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Ngày", lambda r: r.support_date, vn_date),
                Column("Loại hỗ trợ", lambda r: r.type_name),
                Column("Người nhận", lambda r: r.member_name or "Cả hộ"),
                Column("Số lượng", lambda r: f"{r.quantity:g} {r.unit}".replace(".", ",").strip()),
                Column("Số tiền (đồng)", lambda r: r.amount, money, numeric=True),
                Column("Nguồn vốn", lambda r: r.funding_name),
                Column("Chương trình, dự án", lambda r: r.programme_name, tooltip=lambda r: r.programme_code),
                Column("Ghi chú", lambda r: r.note),
            ],
            parent=parent,
        )

    def load(self, db: Database, household_id: int | None) -> None:
        self.set_rows(support.household_history(db, household_id) if household_id else [])

    def total_amount(self) -> int:
        return sum(r.amount for r in self.rows())
