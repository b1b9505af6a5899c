"""Classification of a household under a standard, with a reason a person can read.

POVERTY_RULES §2.4: income ≤ line → poor when deprived in at least
``poor_min_deprivations`` indicators, else near-poor; above the line and up to the
average-living band → average-living (farming households only); else not poor.
Income may instead come from a B1 score under the card's cut-off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from giamngheo_desktop.domain.indicators import IndicatorResult
from giamngheo_desktop.domain.standards import Standard
from giamngheo_desktop.text import thousands

AREA_WORDS = {"rural": "nông thôn", "urban": "thành thị"}
CLASS_WORDS = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "average": "hộ có mức sống trung bình",
    "not_poor": "hộ không nghèo",
}


def vnd(amount: int | float) -> str:
    """1500000 → '1.500.000 đ' (Vietnamese grouping with dots)."""
    return thousands(amount) + " đ"


@dataclass(frozen=True)
class Classification:
    poverty_class: str | None  # None: not enough data to classify
    deprivation_count: int
    deprived: tuple[str, ...]  # indicator codes
    b2_score: int
    reason: str


_NAMES: list[Any] = [None, {}]  # the last standard asked for and its indicators' names


def _names(standard: Standard) -> dict[str, str]:
    """Indicator code → lower-case short name (kept for the last standard: 50,000 households
    are classified under the same one)."""
    if _NAMES[0] is not standard:
        _NAMES[:] = [standard, {i.code: i.short_name.lower() for i in standard.indicators}]
    names: dict[str, str] = _NAMES[1]
    return names


def name_list(names: Iterable[str]) -> str:
    """Indicator names each in «…», so a name with a comma ("viễn thông, dịch vụ số") reads as one."""
    return ", ".join(f"«{n}»" for n in names)


def classify(
    standard: Standard,
    *,
    area_type: str,
    income_per_capita: int | None,
    indicators: list[IndicatorResult],
    is_farming: bool = False,
    b1_score: float | None = None,
    b1_cutoff: float | None = None,
) -> Classification:
    names = _names(standard)
    deprived = tuple(r.code for r in indicators if r.deprived)
    count = len(deprived)
    total = len(standard.indicators)
    b2 = count * standard.b2_points_per_deprivation
    line = standard.line(area_type)
    area = AREA_WORDS[area_type]
    dep_text = f"thiếu hụt {count}/{total} chỉ số" + (": " + name_list(names[c] for c in deprived) if deprived else "")
    missing = [names[r.code] for r in indicators if r.missing]
    tail = f" (thiếu dữ liệu: {name_list(missing)})" if missing else ""
    if income_per_capita is not None:
        below = income_per_capita <= line
        income_text = f"Thu nhập {vnd(income_per_capita)} {'≤' if below else '>'} chuẩn {vnd(line)} ({area})"
    elif b1_score is not None and b1_cutoff is not None:
        below = b1_score <= b1_cutoff
        income_text = (
            f"Điểm B1 {b1_score:g} {'≤' if below else '>'} ngưỡng {b1_cutoff:g} ({area}): "
            f"thu nhập được coi là {'không vượt' if below else 'trên'} chuẩn"
        )
    else:
        return Classification(None, count, deprived, b2, "Chưa có thu nhập bình quân hoặc điểm B1: chưa phân loại được")
    if below:
        result = "poor" if count >= standard.poor_min_deprivations else "near_poor"
    else:
        upper = (standard.average_upper or {}).get(area_type)
        if income_per_capita is not None and upper is not None and income_per_capita <= upper and is_farming:
            result = "average"
            income_text += f"; ≤ {vnd(upper)} và làm nông, lâm, ngư, diêm nghiệp"
        else:
            result = "not_poor"
            if upper is None and is_farming and income_per_capita is not None:
                income_text += "; ngưỡng hộ có mức sống trung bình của chuẩn này chưa có quy định"
    return Classification(result, count, deprived, b2, f"{income_text}; {dep_text}{tail} → {CLASS_WORDS[result]}")


def low_income_worker(
    standard: Standard, *, area_type: str, household_class: str, income_per_capita: int | None
) -> bool:
    """§2.1: a worker in a household that is not poor/near-poor, household income ≤ the band."""
    upper = (standard.low_income_worker_upper or {}).get(area_type)
    if upper is None or income_per_capita is None or household_class in ("poor", "near_poor"):
        return False
    return income_per_capita <= upper
