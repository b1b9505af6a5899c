"""Placeholder until the real tab lands (its owner replaces this file wholesale)."""

from __future__ import annotations

from ui.tabs.placeholder import PlaceholderTab


class ReportsTab(PlaceholderTab):
    TEXT = "Báo cáo (biểu mẫu tổng hợp, xuất Excel và PDF): phần này đang được xây dựng."
