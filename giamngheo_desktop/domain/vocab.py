"""Fixed vocabularies of the schema (CHECK constraints) and their Vietnamese labels.

Open-ended vocabularies (ethnic groups, relationships, causes, support types …) are
data in the ``code_list`` table, seeded from ``resources/codes/*.json``.
"""

from __future__ import annotations

import datetime as _dt
from enum import StrEnum

NEWLY_ESCAPED_MONTHS = 36  # a household that escaped poverty is "newly escaped" this long (§4.5)


class PovertyClass(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    NEWLY_ESCAPED = "newly_escaped"
    AVERAGE = "average"
    NOT_POOR = "not_poor"


CLASS_LABELS = {
    PovertyClass.POOR: "Hộ nghèo",
    PovertyClass.NEAR_POOR: "Hộ cận nghèo",
    PovertyClass.NEWLY_ESCAPED: "Hộ mới thoát nghèo",
    PovertyClass.AVERAGE: "Hộ có mức sống trung bình",
    PovertyClass.NOT_POOR: "Hộ không nghèo",
}


def class_label(code: str | None) -> str:
    if code is None:
        return ""
    try:
        return CLASS_LABELS[PovertyClass(code)]
    except ValueError:
        return code


class AreaType(StrEnum):
    RURAL = "rural"
    URBAN = "urban"


AREA_LABELS = {AreaType.RURAL: "Nông thôn", AreaType.URBAN: "Thành thị"}

COMMUNE_KIND_LABELS = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}

VILLAGE_KIND_LABELS = {
    "thon": "Thôn",
    "to_dan_pho": "Tổ dân phố",
    "ban": "Bản",
    "ap": "Ấp",
    "khom": "Khóm",
    "buon": "Buôn",
    "khac": "Khác",
}

# A village is named without its kind ("Đông Xá", kind thôn): the kind is its own field, and the
# papers put them together where the forms want it ("Thôn Đông Xá").
_NAMED_KINDS = ("to_dan_pho", "thon", "ban", "ap", "khom", "buon")  # longest label first


def _kind_word(words: str) -> str | None:
    """The kind whose label the text starts with ("Thôn …", "tổ dân phố …"), if any."""
    for kind in _NAMED_KINDS:
        if words.casefold().startswith(VILLAGE_KIND_LABELS[kind].casefold() + " "):
            return kind
    return None


def split_village_name(text: str) -> tuple[str | None, str]:
    """("thon", "Đông Xá") for "Thôn Đông Xá"; (None, text) when the text starts with no kind's
    label, or when what follows it is only a number ("Tổ dân phố 3", "Thôn 5" keep their word)."""
    words = " ".join(text.split())
    kind = _kind_word(words)
    if kind is not None:
        rest = words[len(VILLAGE_KIND_LABELS[kind]) + 1 :].strip()
        if any(ch.isalpha() for ch in rest):
            return kind, rest
    return None, words


def village_title(name: str, kind: str | None) -> str:
    """The village as the official papers name it: "Thôn Đông Xá", "Tổ dân phố 3" (a name that has
    its word already, or a village of another kind, is left as it is)."""
    if kind not in _NAMED_KINDS or _kind_word(" ".join(name.split())) is not None:
        return name
    return f"{VILLAGE_KIND_LABELS[kind]} {name}"


SEX_LABELS = {"M": "Nam", "F": "Nữ"}

LIFE_STATUS_LABELS = {"living": "Đang sống tại hộ", "deceased": "Đã chết", "moved_away": "Đã chuyển đi"}

ROUND_KIND_LABELS = {"annual": "Rà soát định kỳ", "monthly": "Rà soát thường xuyên"}

ROUND_STEP_LABELS = {
    "list": "Lập danh sách",
    "collect": "Thu thập thông tin",
    "meeting": "Họp thôn",
    "posting": "Niêm yết công khai",
    "decision": "Quyết định công nhận",
    "certificates": "Cấp giấy chứng nhận",
    "closed": "Đã đóng",
}


def effective_class(poverty_class: str | None, escaped_date: str | None, on: _dt.date | str) -> str:
    """The class as read on ``on``: a newly-escaped household is so for 36 months after it escaped,
    then not poor (the stored class is rewritten only when a round opens)."""
    cls = poverty_class or PovertyClass.NOT_POOR.value
    if cls != PovertyClass.NEWLY_ESCAPED or not escaped_date:
        return cls
    try:
        escaped = _dt.date.fromisoformat(escaped_date[:10])
    except ValueError:
        return cls
    day = on if isinstance(on, _dt.date) else _dt.date.fromisoformat(on[:10])
    months = (day.year - escaped.year) * 12 + day.month - escaped.month - (day.day < escaped.day)
    return cls if months < NEWLY_ESCAPED_MONTHS else PovertyClass.NOT_POOR.value


def effective_class_sql(on: _dt.date, cls: str = "h.poverty_class", escaped: str = "h.escaped_date") -> str:
    """SQL for :func:`effective_class` over columns ``cls`` and ``escaped`` (same 36-month rule)."""
    return (
        f"(CASE WHEN {cls} = 'newly_escaped' AND {escaped} IS NOT NULL AND "
        f"date({escaped}, '+{NEWLY_ESCAPED_MONTHS} months') <= '{on.isoformat()}' THEN 'not_poor' ELSE {cls} END)"
    )
