"""A realistic, deterministic demo commune (``demo`` command, ``main.py --demo``).

Same ``seed`` and size → the same rows, byte for byte (timestamps are fixed, the
reference date is fixed, every random choice comes from one ``random.Random(seed)``).
Households and members are coherent (one head, plausible ages and relationships, ID
numbers whose digits agree with sex and birth year) and their class AGREES with their
data under the 2022–2025 standard (POVERTY_RULES §2.3–2.4): poor households have an
income at or below the line and at least three deliberately built deprivations,
near-poor households at most two, other households have incomes above the line — with
a spread just above the 2022–2026 line so that the 2027 lines change some classes.
Three years of support history (2024–2026) are written too.

Everything is written in one transaction: a cancelled or failed run writes nothing.
Demo data is never mixed into a file that already holds households.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from giamngheo_desktop import clock
from giamngheo_desktop.domain import household_code
from giamngheo_desktop.domain.errors import DomainError
from giamngheo_desktop.domain.idnumber import make_id_number
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services import commune, register
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.storage import audit
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold

REFERENCE_DATE = _dt.date(2026, 11, 15)  # ages and card validity are coherent on this date
STAMP = "2026-01-05T08:00:00"  # created_at/updated_at of every demo row (deterministic)
RURAL_LINE = 1_500_000
DECISION = ("2025-12-10", "215/QĐ-UBND")

VILLAGES = [
    "Thôn Đồng Xuân", "Thôn Tân Hòa", "Thôn Bãi Sậy", "Thôn Gò Mít", "Thôn Khe Cát",
    "Thôn Làng Mới", "Thôn Đồng Tâm", "Thôn Phú Lợi", "Thôn Nà Phặc", "Thôn Suối Mơ",
]  # fmt: skip

FAMILY = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 3), ("Phan", 4),
    ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1),
    ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Đào", 1), ("Cao", 1),
]  # fmt: skip
MALE = [
    "Văn An", "Văn Bình", "Văn Cường", "Văn Dũng", "Văn Đức", "Minh Đức", "Văn Hải", "Văn Hùng", "Quang Huy",
    "Văn Khánh", "Văn Long", "Văn Mạnh", "Văn Nam", "Hữu Nghĩa", "Văn Phúc", "Văn Quang", "Văn Sơn",
    "Văn Thắng", "Văn Toàn", "Văn Trung", "Anh Tuấn", "Văn Việt", "Đình Hiếu", "Công Thành", "Xuân Trường",
    "Văn Lộc", "Hoàng Long", "Gia Bảo", "Minh Khôi", "Đức Anh", "Văn Tiến", "Ngọc Hưng",
]  # fmt: skip
FEMALE = [
    "Thị Hoa", "Thị Lan", "Thị Hằng", "Thị Hương", "Thị Mai", "Thị Ngọc", "Thị Nhung", "Thị Oanh",
    "Thị Phương", "Thị Thảo", "Thị Thu", "Thị Trang", "Thị Tuyết", "Thị Yến", "Thị Bích", "Thị Dung",
    "Thị Giang", "Thị Hạnh", "Thị Loan", "Thị Nga", "Ngọc Ánh", "Thu Hà", "Khánh Linh", "Bảo Ngọc",
    "Minh Châu", "Thị Huệ", "Thị Liên", "Thị Xuân", "Hải Yến", "Phương Anh", "Thị Đào", "Thị Vân",
]  # fmt: skip
# Ethnic-minority groups: (GSO-A code, family names, male given names, female given names)
MINORITY = [
    ("02", ["Hoàng", "Nông", "Lương", "Hà"], ["Văn Páo", "Văn Thào", "Văn Sình"], ["Thị Slao", "Thị Mỷ", "Thị Dín"]),
    ("03", ["Lò", "Cầm", "Quàng", "Lường"], ["Văn Sáng", "Văn Ún", "Văn Pọm"], ["Thị Ỏn", "Thị Xuân", "Thị Piếng"]),
    ("04", ["Hà", "Bùi", "Đinh", "Quách"], ["Văn Mường", "Văn Thọ", "Văn Khởi"], ["Thị Mến", "Thị Lụa", "Thị Nhài"]),
    ("08", ["Giàng", "Sùng", "Vàng", "Thào", "Lù"], ["A Páo", "A Chứ", "Seo Lử"], ["Thị Mỷ", "Thị Dợ", "Thị Sua"]),
    ("09", ["Triệu", "Bàn", "Đặng", "Lý"], ["Văn Chàn", "Tài Lìn", "Văn Phin"], ["Thị Mẩy", "Mùi Chiêu", "Thị Nái"]),
]  # fmt: skip
OTHER_PROVINCES = ["001", "019", "026", "030", "038"]  # birth registered elsewhere
PROVINCE_CODE = "025"  # Phú Thọ, the demo commune's province (ID prefix)


@dataclass
class _Person:
    id: int
    name: str
    sex: str
    birth: _dt.date
    relationship: str
    ethnicity: str
    values: dict[str, Any] = field(default_factory=dict)

    def age(self, on: _dt.date = REFERENCE_DATE) -> int:
        years = on.year - self.birth.year
        return years - ((on.month, on.day) < (self.birth.month, self.birth.day))


def _birth(rng: random.Random, age: int) -> _dt.date:
    """A birth date so that the person is exactly ``age`` on the reference date."""
    back = rng.randint(1, 364)
    date = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age) - _dt.timedelta(days=back)
    return date


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.families = [f for f, _ in FAMILY]
        self.weights = [w for _, w in FAMILY]

    def family(self) -> str:
        return self.rng.choices(self.families, self.weights)[0]

    def given(self, sex: str, group: tuple[Any, ...] | None = None) -> str:
        if group is not None:
            return str(self.rng.choice(group[2] if sex == "M" else group[3]))
        return self.rng.choice(MALE if sex == "M" else FEMALE)


def _pick_class(rng: random.Random, minority: bool) -> str:
    roll = rng.random() * (0.6 if minority else 1.0)
    if roll < 0.04:
        return "poor"
    if roll < 0.08:
        return "near_poor"
    if roll < 0.095:
        return "newly_escaped"
    if roll < 0.125:
        return "average"
    return "not_poor"


def generate(
    db: Database,
    *,
    households: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Write ``households`` demo households (and a commune, if none) into ``db``."""
    db.require(Permission.EDIT_REGISTER)
    if households < 1 or households > 200_000:
        raise DomainError("Số hộ của xã mẫu phải từ 1 đến 200.000.")
    if db.scalar("SELECT count(*) FROM household") > 0:
        raise DomainError(
            "Tệp dữ liệu này đã có hộ gia đình. Dữ liệu mẫu chỉ được tạo trong một tệp mới, "
            "để không lẫn với dữ liệu thật."
        )
    with db.atomic():
        if not commune.has_commune(db):
            commune.setup_commune(
                db,
                commune.CommuneSetup(
                    settings=commune.CommuneSettings(
                        name="xã Tân Lập (dữ liệu mẫu)",
                        code="07966",
                        province="Phú Thọ",
                        province_code="25",
                        area_type="rural",
                        receiving_office="Sở Nông nghiệp và Môi trường tỉnh Phú Thọ",
                        address="UBND xã Tân Lập, tỉnh Phú Thọ",
                        chairman_name="Nguyễn Văn Thành",
                        preparer_name="Trần Thị Hương",
                    ),
                    villages=[commune.VillageInput(name=name, head_name="") for name in VILLAGES],
                ),
            )
        generator = _Generator(db, random.Random(seed), households, progress, cancelled)
        summary = {"households": households, "seed": seed, "note": "Tạo dữ liệu mẫu"}
        with audit.bulk(db, action="demo", entity="household", summary=summary):
            generator.run()


class _Generator:
    def __init__(
        self,
        db: Database,
        rng: random.Random,
        count: int,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.db = db
        self.rng = rng
        self.count = count
        self.progress = progress or (lambda done, total: None)
        self.cancelled = cancelled or (lambda: False)
        self.names = _Names(rng)
        self.villages = db.rows("SELECT id, code FROM village WHERE deleted_at IS NULL ORDER BY sort_order, id")
        self.next_hh = (db.scalar("SELECT max(id) FROM household") or 0) + 1
        self.next_member = (db.scalar("SELECT max(id) FROM member") or 0) + 1
        self.serial = 0
        self.household_rows: list[tuple[Any, ...]] = []
        self.member_rows: list[tuple[Any, ...]] = []
        self.cause_rows: list[tuple[int, str]] = []
        self.people: dict[int, list[_Person]] = {}
        self.classes: dict[int, str] = {}
        self.village_of: dict[int, int] = {}
        self.per_village: dict[int, int] = {}
        self.codes = register.CodeBook(db)

    # ------------------------------------------------------------------ run ----
    def run(self) -> None:
        total = self.count
        step = max(1, total // 100)
        for index in range(total):
            if index % step == 0:
                if self.cancelled():
                    raise DomainError("Đã hủy tạo dữ liệu mẫu; không có gì được ghi.", code="cancelled")
                self.progress(index, total + total // 5)
            self._household()
        self._flush()
        self._supports()
        self.progress(total + total // 5, total + total // 5)

    def _flush(self) -> None:
        conn = self.db.conn
        conn.executemany(
            "INSERT INTO household (id, code, code_fold, village_id, address, phone, poverty_class, class_date,"
            " class_decision, escaped_date, ethnic_minority, local_indigenous, has_merit_person, no_labour_capacity,"
            " female_head, social_protection, is_farming, income_per_capita, wall_material, column_material,"
            " roof_material, floor_area, water_source, latrine_type, internet_use, info_devices, loudspeaker_reach,"
            " waste_treatment, note, created_at, updated_at, head_member_id)"
            " VALUES (" + ", ".join("?" * 32) + ")",
            self.household_rows,
        )
        conn.executemany(
            "INSERT INTO member (id, household_id, full_name, name_fold, birth_date, birth_year, sex, id_number,"
            " id_kind, ethnicity_system, ethnicity_code, relationship_code, education_level, schooling,"
            " occupation, employment, labour_contract, hi_card_number, hi_group, hi_valid_from, hi_valid_to,"
            " disability, social_allowance, nutrition, life_status, life_status_date, sort_order, created_at,"
            " updated_at) VALUES (" + ", ".join("?" * 29) + ")",
            self.member_rows,
        )
        conn.executemany("INSERT INTO household_cause (household_id, cause_code) VALUES (?, ?)", self.cause_rows)

    # ------------------------------------------------------------ households ----
    def _household(self) -> None:
        rng = self.rng
        hid = self.next_hh
        self.next_hh += 1
        village = self.villages[min(int(rng.random() ** 1.15 * len(self.villages)), len(self.villages) - 1)]
        number = self.per_village.get(village["id"], 0) + 1
        self.per_village[village["id"]] = number
        code = household_code.make(village["code"], number)
        minority_group = (
            rng.choice(MINORITY) if rng.random() < (0.15 + 0.3 * (village["code"] in ("09", "10"))) else None
        )
        klass = _pick_class(rng, minority_group is not None)
        people = self._family(hid, klass, minority_group)
        head = people[0]
        deprived = self._deprivations(klass, people)
        hh = self._housing(klass, deprived, people)
        living = [p for p in people if p.values["life_status"] == "living"]
        income = self._income(klass)
        escaped = None
        class_date, decision = (None, "")
        if klass in ("poor", "near_poor", "average"):
            class_date, decision = DECISION
        if klass == "newly_escaped":
            escaped = rng.choice(["2024-12-10", "2025-12-10"])
            class_date, decision = escaped, "215/QĐ-UBND" if escaped.startswith("2025") else "198/QĐ-UBND"
        working = [p for p in living if 15 <= p.age() < 60 and not p.values.get("disability")]
        no_labour = 1 if not working else 0
        flags = register.head_flags(head.sex, head.ethnicity, "GSO-A", self.codes)  # as the register derives them
        female_head = flags.get("female_head", 0)
        merit = 1 if rng.random() < 0.03 else 0
        protection = 1 if any(p.values["social_allowance"] for p in living) else 0
        farming = 1 if klass == "average" or (klass != "not_poor" and rng.random() < 0.7) or rng.random() < 0.35 else 0
        self.household_rows.append(
            (
                hid, code, fold(code), village["id"], f"{VILLAGES[self.villages.index(village)]}, xã Tân Lập",
                self._phone() if rng.random() < 0.8 else "", klass, class_date, decision, escaped,
                flags.get("ethnic_minority", 1 if minority_group else 0),
                1 if minority_group and minority_group[0] in ("08", "09") else 0,
                merit, no_labour, female_head, protection, farming, income,
                hh["wall"], hh["column"], hh["roof"], hh["floor"], hh["water"], hh["latrine"], hh["internet"],
                hh["devices"], hh["loudspeaker"], hh["waste"], "", STAMP, STAMP, head.id,
            )
        )  # fmt: skip
        for order, person in enumerate(people, start=1):
            self.member_rows.append(self._member_row(hid, person, order))
        if klass in ("poor", "near_poor"):
            for cause in sorted(rng.sample(["1", "2", "3", "4", "5", "6", "7", "8"], rng.randint(1, 3))):
                self.cause_rows.append((hid, cause))
        self.people[hid] = people
        self.classes[hid] = klass
        self.village_of[hid] = village["id"]

    def _phone(self) -> str:
        return "0" + self.rng.choice(["9", "3", "8", "7"]) + "".join(str(self.rng.randint(0, 9)) for _ in range(8))

    def _income(self, klass: str) -> int:
        rng = self.rng
        if klass in ("poor", "near_poor"):
            value = rng.randint(600, RURAL_LINE // 1000) * 1000
            return RURAL_LINE if rng.random() < 0.05 else value  # some exactly at the line
        if klass == "average":
            return rng.randint(1_501, 2_250) * 1000
        if klass == "newly_escaped":
            return rng.randint(1_550, 2_600) * 1000
        if rng.random() < 0.10:  # just above the 2022–2026 line, below the 2027 line (2,200,000)
            return rng.randint(1_501, 2_199) * 1000
        return int(rng.lognormvariate(8.25, 0.45)) * 1000 + 2_250_000

    # --------------------------------------------------------------- members ----
    def _new_person(self, name: str, sex: str, age: int, relationship: str, ethnicity: str) -> _Person:
        person = _Person(self.next_member, name, sex, _birth(self.rng, age), relationship, ethnicity)
        self.next_member += 1
        return person

    def _family(self, hid: int, klass: str, group: tuple[Any, ...] | None) -> list[_Person]:
        rng = self.rng
        family = rng.choice(group[1]) if group else self.names.family()
        ethnicity = group[0] if group else "01"
        head_sex = "F" if rng.random() < 0.22 else "M"
        head_age = max(22, min(88, int(rng.gauss(50, 14))))
        people: list[_Person] = []
        head = self._new_person(f"{family} {self.names.given(head_sex, group)}", head_sex, head_age, "01", ethnicity)
        people.append(head)
        married = head_age >= 24 and rng.random() < (0.85 if head_sex == "M" else 0.35)
        if married:
            spouse_sex = "F" if head_sex == "M" else "M"
            spouse_family = (rng.choice(group[1]) if group else self.names.family()) if spouse_sex == "F" else family
            spouse_age = max(20, head_age + (rng.randint(-8, 2) if spouse_sex == "F" else rng.randint(-2, 8)))
            people.append(
                self._new_person(
                    f"{spouse_family} {self.names.given(spouse_sex, group)}",
                    spouse_sex,
                    spouse_age,
                    "02" if spouse_sex == "F" else "03",
                    ethnicity,
                )
            )
        father_family = family if head_sex == "M" or not married else people[1].name.split()[0]
        child_count = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4] if klass in ("poor", "near_poor") else [0, 1, 2, 2, 2, 3])
        if head_age > 62:
            child_count = min(child_count, 1)
        max_child_age = head_age - 19
        for _ in range(child_count):
            if max_child_age < 0:
                break
            age = rng.randint(max(0, head_age - 42), max_child_age)
            sex = rng.choice("MF")
            people.append(
                self._new_person(f"{father_family} {self.names.given(sex, group)}", sex, age, "04", ethnicity)
            )
        if 28 <= head_age <= 55 and rng.random() < 0.15:
            gp_sex = rng.choice("MF")
            gp_age = min(95, head_age + rng.randint(22, 35))
            rel = ("09" if gp_sex == "M" else "10") if head_sex == "M" else ("13" if gp_sex == "M" else "14")
            gp_family = family if gp_sex == "M" else (rng.choice(group[1]) if group else self.names.family())
            people.append(self._new_person(f"{gp_family} {self.names.given(gp_sex, group)}", gp_sex, gp_age, rel,
                                           ethnicity))  # fmt: skip
        if head_age >= 58 and rng.random() < 0.35:
            for _ in range(rng.randint(1, 2)):
                sex = rng.choice("MF")
                age = rng.randint(0, max(0, head_age - 45))
                people.append(self._new_person(f"{family} {self.names.given(sex, group)}", sex, age, "21", ethnicity))
        for person in people:
            self._fill_member(person, klass)
        # a few members who died or moved away (never the head, never the only member)
        if len(people) > 2 and self.rng.random() < 0.03:
            gone = people[-1]
            gone.values["life_status"] = self.rng.choice(["deceased", "moved_away"])
            gone.values["life_status_date"] = f"2026-{self.rng.randint(1, 10):02d}-{self.rng.randint(1, 28):02d}"
        return people

    def _fill_member(self, person: _Person, klass: str) -> None:
        rng = self.rng
        age = person.age()
        v = person.values
        v["life_status"] = "living"
        v["life_status_date"] = None
        v["disability"] = "severe" if rng.random() < (0.04 if klass in ("poor", "near_poor") else 0.01) else None
        v["social_allowance"] = 0
        if v["disability"] or age >= 80:
            v["social_allowance"] = 540_000 if v["disability"] else 360_000
        # ID number: adults and most children from 14; a few legacy 9-digit numbers
        if age >= 14 or rng.random() < 0.5:
            if age >= 40 and rng.random() < 0.02:
                v["id_number"], v["id_kind"] = "".join(str(rng.randint(0, 9)) for _ in range(9)), "cmnd"
            else:
                self.serial += 1
                province = PROVINCE_CODE if rng.random() < 0.9 else rng.choice(OTHER_PROVINCES)
                v["id_number"] = make_id_number(province, person.sex, person.birth.year, self.serial * 7919 % 999_983)
                v["id_kind"] = "cccd"
        else:
            v["id_number"], v["id_kind"] = None, None
        # education and schooling appropriate for the age (not deprived by default)
        v["schooling"], v["education_level"] = _schooling_for(age), _education_for(age, rng)
        v["nutrition"] = "normal" if age < 16 else None
        # employment for working age
        if 15 <= age < 60 and v["schooling"] in (None, "not_in_school"):
            if v["disability"]:
                v["employment"], v["labour_contract"] = "unable", 0
            else:
                v["employment"] = rng.choice(["self_employed"] * 5 + ["wage_contract"] * 3 + ["civil_servant"])
                v["labour_contract"] = 1 if v["employment"] in ("wage_contract", "civil_servant") else 0
        elif 14 <= age < 60:
            v["employment"], v["labour_contract"] = "student", 0
        elif age >= 60:
            v["employment"], v["labour_contract"] = "retired", 0
        else:
            v["employment"], v["labour_contract"] = None, None
        v["occupation"] = {
            "self_employed": rng.choice(["Làm ruộng", "Chăn nuôi", "Buôn bán nhỏ", "Trồng chè", "Làm vườn"]),
            "wage_contract": rng.choice(["Công nhân", "Thợ may", "Lái xe", "Thợ xây"]),
            "civil_servant": rng.choice(["Giáo viên", "Cán bộ xã", "Y sĩ"]),
        }.get(v["employment"] or "", "")
        # health insurance: valid on the reference date
        group = {"poor": "HN", "near_poor": "CN"}.get(klass)
        if age < 6:
            group = "TE"
        elif group is None:
            group = rng.choice(["GD", "GD", "NO", "HS" if v["schooling"] not in (None, "not_in_school") else "GD"])
        v["hi_group"] = group
        v["hi_card_number"] = f"{group}4{PROVINCE_CODE[1:]}{rng.randint(10**9, 10**10 - 1)}"
        v["hi_valid_from"], v["hi_valid_to"] = "2026-01-01", "2026-12-31"

    def _member_row(self, hid: int, p: _Person, order: int) -> tuple[Any, ...]:
        v = p.values
        return (
            p.id, hid, p.name, fold(p.name), p.birth.isoformat(), p.birth.year, p.sex, v["id_number"], v["id_kind"],
            "GSO-A", p.ethnicity, p.relationship, v["education_level"], v["schooling"], v["occupation"],
            v["employment"], v["labour_contract"], v["hi_card_number"], v["hi_group"], v["hi_valid_from"],
            v["hi_valid_to"], v["disability"], v["social_allowance"], v["nutrition"], v["life_status"],
            v["life_status_date"], order, STAMP, STAMP,
        )  # fmt: skip

    # ---------------------------------------------------------- deprivations ----
    def _deprivations(self, klass: str, people: list[_Person]) -> set[str]:
        """Build the household's deprivations on purpose so data and class agree."""
        rng = self.rng
        living = [p for p in people if p.values["life_status"] == "living"]
        possible = ["hi", "housing", "floor_area", "water", "latrine", "internet", "information"]
        if any(15 <= p.age() < 60 and p.values["employment"] in ("self_employed", "wage_contract") for p in living):
            possible.append("employment")
        if any(18 <= p.age() <= 30 for p in living):
            possible.append("adult_education")
        if any(6 <= p.age() < 16 for p in living):
            possible.append("school")
        if any(p.age() < 16 for p in living):
            possible.append("nutrition")
        natural = 1 if _dependants_over_half(living) else 0
        if klass == "poor":
            wanted = rng.randint(3, 5)  # three or more even where indicator 2 is read narrowly
        elif klass == "near_poor" or klass == "newly_escaped":
            wanted = max(0, rng.randint(0, 2) - natural)
        else:
            wanted = 1 if rng.random() < 0.12 else 0
        if klass != "poor":
            possible.remove("information")  # building it also removes internet use: two at once
        chosen = set(rng.sample(sorted(possible), min(wanted, len(possible))))
        if "information" in chosen:
            chosen.add("internet")
        for name in sorted(chosen):
            self._apply_person_deprivation(name, living)
        return chosen

    def _apply_person_deprivation(self, name: str, living: list[_Person]) -> None:
        rng = self.rng
        if name == "hi":
            target = rng.choice([p for p in living if p.age() >= 6] or living)
            if rng.random() < 0.5:
                target.values.update(hi_card_number=None, hi_group=None, hi_valid_from=None, hi_valid_to=None)
            else:
                target.values.update(hi_valid_from="2025-01-01", hi_valid_to="2025-12-31")
        elif name == "employment":
            target = rng.choice(
                [
                    p
                    for p in living
                    if 15 <= p.age() < 60 and p.values["employment"] in ("self_employed", "wage_contract")
                ]
            )
            target.values.update(employment=rng.choice(["wage_no_contract", "unemployed"]), labour_contract=0)
            target.values["occupation"] = "Làm thuê tự do" if target.values["employment"] == "wage_no_contract" else ""
        elif name == "adult_education":
            target = rng.choice([p for p in living if 18 <= p.age() <= 30])
            target.values.update(education_level="primary", schooling="not_in_school")
            if target.values["employment"] == "student":
                target.values.update(employment="self_employed", occupation="Làm ruộng", labour_contract=0)
        elif name == "school":
            target = rng.choice([p for p in living if 6 <= p.age() < 16])
            target.values.update(schooling="dropped_out")
        elif name == "nutrition":
            target = rng.choice([p for p in living if p.age() < 16])
            target.values.update(nutrition=rng.choice(["stunted", "underweight"]))

    def _housing(self, klass: str, deprived: set[str], people: list[_Person]) -> dict[str, Any]:
        rng = self.rng
        living = sum(1 for p in people if p.values["life_status"] == "living")
        poorish = klass in ("poor", "near_poor")
        hh: dict[str, Any] = {
            "wall": rng.choice(["brick", "brick", "concrete"] if not poorish else ["brick", "hardwood"]),
            "column": rng.choice(["concrete", "brick", "hardwood"]),
            "roof": rng.choice(["tile", "metal_sheet", "concrete", "fibro"]),
            "floor": float(max(living * rng.randint(12, 30), 30)),
            "water": rng.choice(["piped", "drilled_well", "drilled_well", "protected_dug_well", "rain"]),
            "latrine": rng.choice(["septic", "septic", "semi_septic", "double_vault"]),
            "internet": 1,
            "devices": ",".join(sorted(rng.sample(["tv", "smartphone", "radio", "computer"], rng.randint(1, 3)))),
            "loudspeaker": 1 if rng.random() < 0.9 else 0,
            "waste": 1 if rng.random() < (0.5 if poorish else 0.85) else 0,
        }
        if "housing" in deprived:
            hh["wall"] = rng.choice(["bamboo", "earth", "weak_wood"])
            hh["roof"] = rng.choice(["thatch", "tarpaulin"])
        if "floor_area" in deprived:
            hh["floor"] = float(max(6, living * rng.randint(4, 7)))
            if hh["floor"] / max(living, 1) >= 8:
                hh["floor"] = float(living * 7)
        if "water" in deprived:
            hh["water"] = rng.choice(["unprotected_well", "surface", "unprotected_spring"])
        if "latrine" in deprived:
            hh["latrine"] = rng.choice(["simple_pit", "over_water", "none"])
        if "internet" in deprived:
            hh["internet"] = 0
            hh["devices"] = ",".join(d for d in hh["devices"].split(",") if d not in ("smartphone", "computer"))
            if not hh["devices"] and "information" not in deprived:
                hh["devices"] = "tv"
        if "information" in deprived:
            hh["devices"], hh["loudspeaker"] = "", 0
        return hh

    # --------------------------------------------------------------- supports ----
    def _supports(self) -> None:
        from giamngheo_desktop.services.support import default_for

        rng = self.rng
        conn = self.db.conn
        defaults: dict[tuple[str, int], tuple[int | None, str | None]] = {}

        def programme(type_code: str, year: int) -> tuple[int | None, str | None]:
            key = (type_code, year)
            if key not in defaults:
                defaults[key] = default_for(self.db, type_code, f"{year}-06-30")
            return defaults[key]

        records: list[tuple[Any, ...]] = []
        loans: list[tuple[Any, ...]] = []
        repayments: list[tuple[Any, ...]] = []
        next_support = (self.db.scalar("SELECT max(id) FROM support_record") or 0) + 1
        next_loan = (self.db.scalar("SELECT max(id) FROM loan") or 0) + 1

        today = clock.today_iso()

        def add(hid: int, mid: int | None, type_code: str, date: str, amount: int, unit: str,
                source: str | None = None, note: str = "") -> int:  # fmt: skip
            nonlocal next_support
            date = min(date, today)  # a demo support is never dated after today
            pid, default_source = programme(type_code, int(date[:4]))
            records.append(
                (next_support, hid, mid, type_code, date, 1, unit, amount, source or default_source or "local", pid,
                 note, STAMP)
            )  # fmt: skip
            next_support += 1
            return next_support - 1

        targets = sorted(h for h, k in self.classes.items() if k in ("poor", "near_poor", "newly_escaped"))
        for year in (2024, 2025, 2026):
            for hid in targets:
                klass = self.classes[hid]
                living = [p for p in self.people[hid] if p.values["life_status"] == "living"]
                if klass in ("poor", "near_poor"):
                    for person in living:
                        if person.values.get("hi_valid_to") == f"{year}-12-31" or (
                            year < 2026 and person.values.get("hi_card_number")
                        ):
                            amount = 1_263_600 if klass == "poor" else 884_520
                            add(hid, person.id, "health_insurance", f"{year}-01-0{rng.randint(2, 9)}", amount, "thẻ",
                                "central")  # fmt: skip
                    add(hid, None, "tet_emergency", f"{year}-01-{rng.randint(10, 25):02d}", 500_000, "suất",
                        rng.choice(["ngay_vi_nguoi_nghe", "local", "social"]), "Quà Tết")  # fmt: skip
                if klass == "poor":
                    add(hid, None, "electricity", f"{year}-12-15", 49_000 * 12, "tháng", "central",
                        "Hỗ trợ tiền điện cả năm")  # fmt: skip
                if rng.random() < 0.12:
                    kind = rng.choice(["housing_repair", "latrine", "clean_water"])
                    amount = {"housing_repair": 20_000_000, "latrine": 3_000_000, "clean_water": 4_000_000}[kind]
                    add(
                        hid,
                        None,
                        kind,
                        f"{year}-{rng.randint(3, 10):02d}-{rng.randint(1, 28):02d}",
                        amount,
                        {"housing_repair": "nhà", "latrine": "công trình", "clean_water": "công trình"}[kind],
                    )
                if (rng.random() < 0.25 and year != 2026) or rng.random() < 0.1:
                    programme_code = {"poor": "poor", "near_poor": "near_poor", "newly_escaped": "newly_escaped"}[klass]
                    if rng.random() < 0.3:
                        programme_code = rng.choice(["water_sanitation", "job_creation", "student"])
                    rate = {"poor": 6.6, "near_poor": 7.92, "newly_escaped": 8.25}.get(programme_code, 9.0)
                    amount = rng.choice([30, 40, 50, 70, 100]) * 1_000_000
                    date = _dt.date(year, rng.randint(2, 10), rng.randint(1, 28))
                    term = rng.choice([36, 48, 60])
                    sid = add(hid, None, "loan", date.isoformat(), amount, "khoản vay", "vbsp")
                    due = date + _dt.timedelta(days=term * 30)
                    loans.append((next_loan, sid, programme_code, amount, term, rate, date.isoformat(),
                                  due.isoformat(), "active"))  # fmt: skip
                    paid_months = (REFERENCE_DATE.year - year) * 12 + REFERENCE_DATE.month - date.month
                    for k in range(1, paid_months // 6 + 1):
                        paid = date + _dt.timedelta(days=182 * k)
                        if paid >= REFERENCE_DATE:
                            break
                        repayments.append((next_loan, paid.isoformat(), amount // 10,
                                           int(amount * rate / 200), ""))  # fmt: skip
                    next_loan += 1
            # vocational training and job connection for some working-age members
            for hid in targets:
                if rng.random() < 0.08:
                    workers = [
                        p for p in self.people[hid] if 16 <= p.age() < 50 and p.values["life_status"] == "living"
                    ]
                    if workers:
                        person = rng.choice(workers)
                        add(
                            hid,
                            person.id,
                            rng.choice(["vocational_training", "job_connection"]),
                            f"{year}-{rng.randint(4, 11):02d}-{rng.randint(1, 28):02d}",
                            2_500_000,
                            "người",
                        )
        conn.executemany(
            "INSERT INTO support_record (id, household_id, member_id, type_code, support_date, quantity, unit, amount,"
            " funding_source, programme_id, note, created_at) VALUES (" + ", ".join("?" * 12) + ")",
            records,
        )
        conn.executemany(
            "INSERT INTO loan (id, support_record_id, programme_code, amount, term_months, interest_rate,"
            " disbursement_date, due_date, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            loans,
        )
        conn.executemany(
            "INSERT INTO loan_repayment (loan_id, paid_date, principal, interest, note) VALUES (?, ?, ?, ?, ?)",
            repayments,
        )
        self._programmes(targets)

    def _programmes(self, targets: list[int]) -> None:
        rng = self.rng
        conn = self.db.conn
        staff = ["Trần Thị Hương", "Nguyễn Văn Thành", "Lê Văn Hải", "Phạm Thị Lan", "Hoàng Văn Nam"]
        positions = ["Công chức Văn hóa - Xã hội", "Chủ tịch UBND xã", "Phó Chủ tịch UBND xã", "Trưởng thôn",
                     "Chủ tịch Hội Phụ nữ"]  # fmt: skip
        conn.executemany(
            "INSERT INTO staff_member (full_name, position) VALUES (?, ?)", list(zip(staff, positions, strict=True))
        )
        models = [
            ("Mô hình nuôi bò sinh sản", 300_000_000), ("Mô hình trồng chè chất lượng cao", 180_000_000),
            ("Mô hình nuôi gà thả vườn", 120_000_000), ("Mô hình trồng cây ăn quả", 150_000_000),
            ("Mô hình nuôi lợn đen bản địa", 200_000_000),
        ]  # fmt: skip
        classes = [("Lớp kỹ thuật chăn nuôi", "Chăn nuôi"), ("Lớp may công nghiệp", "May"),
                   ("Lớp sửa chữa xe máy", "Cơ khí"), ("Lớp trồng nấm", "Trồng trọt")]  # fmt: skip
        pool = targets or sorted(self.classes)
        for year in (2024, 2025, 2026):
            for name, budget in rng.sample(models, 3):
                village = rng.choice(self.villages)["id"]
                cur = conn.execute(
                    "INSERT INTO production_model (name, year, start_date, village_id, budget, funding_source)"
                    " VALUES (?, ?, ?, ?, ?, 'central')",
                    (f"{name} {year}", year, f"{year}-04-01", village, budget),
                )
                for hid in sorted(rng.sample(pool, min(len(pool), rng.randint(5, 10)))):
                    conn.execute(
                        "INSERT INTO model_participant (model_id, household_id, amount, joined_date)"
                        " VALUES (?, ?, ?, ?)",
                        (cur.lastrowid, hid, budget // 10, f"{year}-04-01"),
                    )
            for name, occupation in rng.sample(classes, 2):
                cur = conn.execute(
                    "INSERT INTO training_class (name, occupation, year, start_date, end_date, organiser, budget,"
                    " funding_source) VALUES (?, ?, ?, ?, ?, ?, ?, 'central')",
                    (f"{name} {year}", occupation, year, f"{year}-06-01", f"{year}-08-30",
                     "Trung tâm Giáo dục nghề nghiệp", 90_000_000),
                )  # fmt: skip
                members = [p.id for h in pool for p in self.people[h] if 16 <= p.age() < 45][:400]
                for mid in sorted(rng.sample(members, min(len(members), 12))):
                    employed = 1 if rng.random() < 0.6 else 0
                    conn.execute(
                        "INSERT OR IGNORE INTO class_trainee (class_id, member_id, completed, employed, employed_date)"
                        " VALUES (?, ?, 1, ?, ?)",
                        (cur.lastrowid, mid, employed, f"{year}-10-01" if employed else None),
                    )
            cur = conn.execute(
                "INSERT INTO staff_training (title, year, held_date, organiser) VALUES (?, ?, ?, ?)",
                (f"Tập huấn nghiệp vụ giảm nghèo năm {year}", year, f"{year}-05-20", "Sở Nông nghiệp và Môi trường"),
            )
            for name, position in zip(staff[: 3 + (year - 2024)], positions, strict=False):
                conn.execute(
                    "INSERT INTO staff_training_attendee (training_id, full_name, position) VALUES (?, ?, ?)",
                    (cur.lastrowid, name, position),
                )


def _schooling_for(age: int) -> str | None:
    if age < 2:
        return None
    if age < 6:
        return "preschool"
    if age < 11:
        return "primary"
    if age < 15:
        return "lower_secondary"
    if age < 18:
        return "upper_secondary"
    return "not_in_school"


def _education_for(age: int, rng: random.Random) -> str | None:
    if age < 11:
        return None
    if age < 15:
        return "primary"
    if age < 18:
        return "lower_secondary"
    if age <= 30:
        return rng.choice(["upper_secondary", "upper_secondary", "vocational_intermediate", "college", "university"])
    if age < 60:
        return rng.choice(["lower_secondary", "upper_secondary", "upper_secondary", "primary", "vocational_elementary"])
    return rng.choice(["primary", "lower_secondary", "none"])


def _dependants_over_half(living: list[_Person]) -> bool:
    """Dependants (children under 16, people 60+, people with a disability) > 50 % of members.

    The broadest reading of indicator 2 (POVERTY_RULES §2.3 [P]); the generator counts a
    household as deprived in it under this reading when it decides how many other
    deprivations to build, so a near-poor household never ends up with three.
    """
    if not living:
        return False
    dependants = sum(1 for p in living if p.age() < 16 or p.age() >= 60 or p.values.get("disability"))
    return dependants * 2 > len(living)


def add_review_history(db: Database) -> Changes:
    """Two closed annual rounds (2025 and 2026) on a demo commune, so that movement and
    deprivation reports (Biểu 2–7) have data."""
    from giamngheo_desktop.services import review

    today = clock.today()
    count = 0
    for reference, number, decided in (
        (_dt.date(2025, 11, 15), "198/QĐ-UBND", _dt.date(2025, 12, 10)),
        (_dt.date(2026, 11, 15), "215/QĐ-UBND", _dt.date(2026, 12, 10)),
    ):
        posted = reference + _dt.timedelta(days=4)  # after the 3-day posting
        if posted > today:
            break  # a round is never decided after today: this one has not happened yet
        review.run_complete_round(
            db,
            reference_date=reference.isoformat(),
            decision_number=number,
            decision_date=min(decided, today).isoformat(),
        )
        count += 1
    return Changes(review=True, households=True, count=count)
