"""Fixed vocabularies of the schema (CHECK constraints) and their Vietnamese labels.

Open-ended vocabularies (ethnic groups, relationships, causes, support types …) are
data in the ``code_list`` table, seeded from ``resources/codes/*.json``.
"""

from __future__ import annotations

from enum import StrEnum


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
