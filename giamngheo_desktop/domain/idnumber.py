"""Personal ID numbers (số định danh cá nhân / CCCD), POVERTY_RULES.md §7.2.

12 digits: 3-digit province-of-birth code, a century+sex digit, two birth-year
digits, six random digits. There is no check digit: validation is by format.
Legacy 9-digit CMND numbers are accepted and flagged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import NamedTuple, TypeGuard

# Birth-registration province codes (the 63 pre-2025 provinces; never remapped).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "TP Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

# Century + sex digit: 20th c. male 0 / female 1, 21st 2/3, 22nd 4/5, 23rd 6/7, 24th 8/9.
_CENTURY_START = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}


class IdCheck(NamedTuple):
    """Result of checking an ID number. ``kind`` is 'cccd', 'cmnd' or None if invalid.

    A named tuple rather than a frozen dataclass: an import checks 200,000 numbers.
    """

    normalized: str
    kind: str | None
    problems: tuple[str, ...] = ()
    sex: str | None = None
    birth_year: int | None = None
    province: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind is not None and not self.problems


def normalize_id(value: str | None) -> str:
    """Strip spaces, dots and dashes; keep digits as text (leading zeros matter)."""
    if value is None:
        return ""
    if type(value) is str and value.isascii() and value.isdigit():  # the usual, already plain number
        return value
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float
        text = text[:-2]
    if not text.isascii():  # full-width digits typed with some input methods: ０１２ → 012
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_SEPARATORS)


_SEPARATORS = str.maketrans("", "", " .-_\u00a0'\u2018\u2019")


def check_id_number(value: str | None) -> IdCheck:
    """Check the format of an ID number; never raises."""
    text = normalize_id(value)
    if not text:
        return IdCheck(text, None, ("trống",))
    if not (text.isascii() and text.isdigit()):  # other scripts' digits are digits too, but not here
        return IdCheck(text, None, ("chỉ được gồm chữ số",))
    if len(text) == 9:
        return IdCheck(text, "cmnd", ("số CMND 9 chữ số cũ, cần cập nhật số định danh 12 chữ số",))
    if len(text) != 12:
        return IdCheck(text, None, (f"phải có 12 chữ số (đang có {len(text)})",))
    province = PROVINCE_CODES.get(text[:3])
    problems = () if province is not None else (f"mã tỉnh nơi đăng ký khai sinh “{text[:3]}” không có trong danh mục",)
    digit = ord(text[3]) - 48
    return IdCheck(text, "cccd", problems, "F" if digit & 1 else "M", _CENTURY_START[digit] + int(text[4:6]), province)


def _plain(value: object) -> TypeGuard[str]:
    """A 12-digit number as text, nothing to normalise: what almost every list holds."""
    return type(value) is str and len(value) == 12 and value.isascii() and value.isdigit()


IdFacts = tuple[str | None, tuple[str, ...], str | None, int | None]  # kind, problems, sex, birth year


def id_facts(values: Iterable[str | None]) -> list[IdFacts | None]:
    """What :func:`check_id_number` says of each value but its normalised text (None where empty).

    An import checks 200,000 numbers. What a 12-digit number says (kind, problems, sex,
    birth year) is in its first six digits, which most numbers share with others: that
    part is worked out once per six digits and shared, so checking a number makes nothing.
    """
    return checked_ids(values)[0]


def checked_ids(values: Iterable[str | None]) -> tuple[list[IdFacts | None], bool]:
    """:func:`id_facts` of the values, and whether every one not empty is a plain 12-digit number (stored as it is,
    a CCCD: what :func:`id_columns` would then say of them is known)."""
    shared: dict[str, IdFacts] = {}
    found: list[IdFacts | None] = []
    plain = True
    for value in values:
        if not value:
            found.append(None)
        elif type(value) is str and len(value) == 12 and value.isascii() and value.isdigit():  # _plain, inline
            facts = shared.get(value[:6])
            if facts is None:
                facts = shared[value[:6]] = check_id_number(value)[1:5]
            found.append(facts)
        else:
            found.append(check_id_number(value)[1:5])
            plain = False
    return found, plain


def id_columns(values: Iterable[str | None]) -> tuple[list[str | None], list[str | None]]:
    """The stored ID number (normalised, None when empty) and its kind, of each value."""
    numbers: list[str | None] = []
    kinds: list[str | None] = []
    for value in values:
        if not value:
            numbers.append(None)
            kinds.append(None)
        elif type(value) is str and len(value) == 12 and value.isascii() and value.isdigit():  # _plain, inline
            numbers.append(value)
            kinds.append("cccd")
        else:
            check = check_id_number(value)
            numbers.append(check.normalized or None)
            kinds.append(check.kind)
    return numbers, kinds


def id_contradictions(value: str | None, *, sex: str | None, birth_year: int | None) -> list[str]:
    """What a 12-digit ID says that contradicts the member's sex or birth year."""
    check = check_id_number(value)
    if check.kind != "cccd":
        return []
    found = []
    if sex and check.sex and sex != check.sex:
        found.append(
            f"chữ số thứ 4 của số định danh cho biết giới tính "
            f"{'Nam' if check.sex == 'M' else 'Nữ'}, khác với giới tính đã ghi"
        )
    if birth_year and check.birth_year and birth_year != check.birth_year:
        found.append(f"số định danh cho biết năm sinh {check.birth_year}, khác với năm sinh {birth_year} đã ghi")
    return found


def make_id_number(province_code: str, sex: str, birth_year: int, serial: int) -> str:
    """Build a well-formed 12-digit ID (used by the demo generator and tests)."""
    century = (birth_year // 100) - 19
    digit = century * 2 + (1 if sex == "F" else 0)
    return f"{province_code}{digit}{birth_year % 100:02d}{serial % 1_000_000:06d}"
