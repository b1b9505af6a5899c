"""Placeholder until the real tab lands (its owner replaces this file wholesale)."""

from __future__ import annotations

from ui.tabs.placeholder import PlaceholderTab


class ReviewTab(PlaceholderTab):
    TEXT = (
        "Rà soát hộ nghèo, hộ cận nghèo (đợt rà soát, chấm điểm, họp thôn, niêm yết, quyết định): "
        "phần này đang được xây dựng."
    )
