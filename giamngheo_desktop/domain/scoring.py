"""Scoring cards as data (Phiếu B1): questions → options → points, with a cut-off.

The official B1 questions and points are not available (POVERTY_RULES §5.3 [U]); the app
ships ``resources/cards/b1-sample.json``, clearly labelled a sample, so the mechanism can
be used and replaced by the official card as a file. B2 points come from the deprivation
flags (``Standard.b2_points_per_deprivation`` each).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from giamngheo_desktop.domain.errors import DomainError, ValidationFailed, ValidationIssue


@dataclass(frozen=True)
class Card:
    id: str
    standard_id: str
    area_type: str | None
    name: str
    is_sample: bool
    cutoff: float
    questions: list[dict[str, Any]]
    definition: dict[str, Any]


def parse_card(data: dict[str, Any]) -> Card:
    problems = [f"thiếu mục “{k}”" for k in ("id", "standard_id", "name", "cutoff", "questions") if k not in data]
    if problems:
        raise DomainError(f"Phiếu chấm điểm {data.get('id', '?')} không hợp lệ: " + "; ".join(problems) + ".")
    for q in data["questions"]:
        if not q.get("code") or not q.get("options"):
            raise DomainError(f"Phiếu {data['id']}: câu hỏi “{q.get('text', '?')}” thiếu mã hoặc phương án.")
        for o in q["options"]:
            if not isinstance(o.get("points"), int | float):
                raise DomainError(f"Phiếu {data['id']}, câu “{q['text']}”: phương án “{o.get('text')}” thiếu điểm.")
    return Card(
        id=data["id"],
        standard_id=data["standard_id"],
        area_type=data.get("area_type"),
        name=data["name"],
        is_sample=bool(data.get("is_sample")),
        cutoff=float(data["cutoff"]),
        questions=list(data["questions"]),
        definition=data,
    )


def score(card: Card, answers: dict[str, str]) -> float:
    """Total B1 points for answers {question code: option code}; every question must be answered."""
    issues = []
    total = 0.0
    for q in card.questions:
        chosen = answers.get(q["code"])
        option = next((o for o in q["options"] if o["code"] == chosen), None)
        if option is None:
            issues.append(ValidationIssue(q["text"], "chưa chọn phương án" if chosen is None else "phương án không có",
                                          value=chosen))  # fmt: skip
            continue
        total += float(option["points"])
    if issues:
        raise ValidationFailed(issues)
    return total
