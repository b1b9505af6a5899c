"""Placeholder until the real tab lands (its owner replaces this file wholesale)."""

from __future__ import annotations

from ui.tabs.placeholder import PlaceholderTab


class SupportTab(PlaceholderTab):
    TEXT = "Theo dõi hỗ trợ (chính sách, đợt hỗ trợ, vay vốn, mô hình sinh kế): phần này đang được xây dựng."
