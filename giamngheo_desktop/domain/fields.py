"""The household and member fields, described once.

Each field of a household or a member: its key (the record's attribute and database column),
its Vietnamese label, its kind, the code list it takes its values from, the rules its value
must meet (:class:`Rule`), the import field that fills it (``resources/templates/header-synonyms.json``
holds that field's header synonyms), its column in the register export (and the import
template), and the widget the dialogs show for it. One validator (``services/field_checks.py``)
reads the rules for the dialogs' save, the import and the register's checks; a problem names
the field by its key and shows this label. The register export writes these columns in this
order; the dialogs build their forms from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from giamngheo_desktop.domain.vocab import LIFE_STATUS_LABELS, PovertyClass


@dataclass(frozen=True)
class Rule:
    """What a field's value must be. Besides these, a 'code'/'codes' field's values must be in its
    code list, a 'date' field's a whole date, a 'village' field's a village of the commune."""

    required: str = ""  # 'error' | 'warning': an empty value is a problem of this severity ('' = may be empty)
    missing: str = "không được để trống"  # the problem an empty value is named by
    max_length: int = 0  # text: at most this many characters (0 = any length)
    letters: bool = False  # text: holds a letter (a person's name, not only marks, dashes or digits)
    past: bool = False  # a date or a year: not after today
    earliest: int = 0  # a date or a year: not before this year (0 = any)
    low: float | None = None  # a number: at least this
    below: float | None = None  # a number: less than this
    choices: tuple[str, ...] = ()  # the only values allowed
    wrong: str = ""  # the problem a value out of the choices or the bounds is named by
    id_number: bool = False  # a personal ID number: CCCD of 12 digits (an old CMND of 9: a warning)
    unique: bool = False  # no other household (member) of the register holds the same value
    not_before: str = ""  # a date: not before the date in this field of the same record …
    order: str = ""  # … the problem it is named by


NO_RULE = Rule()


# the rules a field can declare (besides its kind's), in the order the validator checks them
RULE_NAMES = ("required", "max_length", "letters", "choices", "past", "earliest", "low", "below", "id_number", "unique",
              "not_before")  # fmt: skip

# a code list as a problem names it ("không có trong danh mục vật liệu")
CODE_LIST_NOUNS = {
    "housing_material": "vật liệu",
    "water_source": "nguồn nước",
    "latrine_type": "nhà tiêu",
    "poverty_cause": "nguyên nhân nghèo",
    "ethnicity": "dân tộc",
}

BIRTH = Rule(past=True, earliest=1880)  # nobody living was born before 1880
PAST_DATE = Rule(past=True, earliest=1900)  # a date the register records once it happened
DATE = Rule(earliest=1900)
NOT_NEGATIVE = Rule(low=0, wrong="không được âm")


@dataclass(frozen=True)
class Field:
    key: str  # attribute of HouseholdInput / MemberInput and database column
    level: str  # 'household' | 'member'
    label: str  # Vietnamese, as dialogs and messages name it
    kind: str  # 'text' | 'date' | 'year' | 'int' | 'number' | 'bool' | 'code' | 'codes' | 'sex' | 'class' | 'village'
    code_list: str = ""  # the code list of a 'code' or 'codes' field
    import_key: str = ""  # the import field that fills it ('' = not imported)
    export: str = ""  # its column header in the register export and the import template ('' = not exported)
    width: int = 12  # that column's width (characters)
    source: str = ""  # the export query's column holding the shown value (default: key)
    # dialog widget ('' = none): line, date, birth (date or year), combo (code list), yes_no, checks, sex,
    # village, area_type, class, area (m²), money (đ/tháng), income (đ/người/tháng, may be unknown)
    widget: str = ""
    section: str = ""  # dialog page: general, housing (household); person, more (member)
    empty: str = "(chưa rõ)"  # what a drop-down shows for no value
    rule: Rule = NO_RULE  # what its value must be
    system: str = ""  # the field holding the code system of a 'code' field's list (ethnicity: ethnicity_system)

    def declared(self) -> list[str]:
        """The rules this field declares: its :class:`Rule`'s and its kind's ('code_list', 'date',
        'village')."""
        rule = self.rule
        found = [name for name in RULE_NAMES if getattr(rule, name) not in (None, "", 0, (), False)]
        if rule.low == 0 and "low" not in found:
            found.append("low")
        if self.code_list:
            found.append("code_list")
        if self.kind in ("date", "village"):
            found.append(self.kind)
        return found


# The exported fields in the register export's column order; a dialog page's fields in the page's order.
FIELDS: tuple[Field, ...] = (
    Field("code", "household", "Mã hộ", "text", import_key="household_code", export="Mã hộ", width=12,
          widget="line", section="general", rule=Rule(required="error", max_length=40, unique=True)),
    Field("village_id", "household", "Thôn/tổ", "village", import_key="village", export="Thôn/Tổ", width=18,
          source="village_name", widget="village", section="general"),
    Field("full_name", "member", "Họ và tên", "text", import_key="full_name", export="Họ và tên", width=26,
          widget="line", section="person", rule=Rule(required="error", max_length=100, letters=True)),
    Field("relationship_code", "member", "Quan hệ với chủ hộ", "code", "relationship", "relationship",
          "Quan hệ với chủ hộ", 14, source="relationship_name", widget="combo", section="person", empty="(chọn)",
          rule=Rule(required="error", missing="chưa chọn quan hệ với chủ hộ")),
    Field("birth_date", "member", "Ngày sinh", "date", import_key="birth_date", export="Ngày sinh", width=12,
          widget="birth", section="person", rule=BIRTH),
    Field("sex", "member", "Giới tính", "sex", import_key="sex", export="Giới tính", width=8,
          widget="sex", section="person",
          rule=Rule(required="warning", missing="chưa ghi giới tính", choices=("M", "F"), wrong="phải là Nam hoặc Nữ")),
    Field("id_number", "member", "Số định danh cá nhân", "text", import_key="id_number",
          export="Số định danh cá nhân", width=16, widget="line", section="person",
          rule=Rule(id_number=True, unique=True)),
    Field("ethnicity_code", "member", "Dân tộc", "code", "ethnicity", "ethnicity", "Dân tộc", 10,
          source="ethnicity_name", widget="combo", section="person", system="ethnicity_system"),
    Field("poverty_class", "household", "Phân loại hộ", "class", import_key="poverty_class", export="Phân loại hộ",
          width=18, widget="class", section="general",
          rule=Rule(required="error", missing="chưa chọn phân loại hộ", choices=tuple(c.value for c in PovertyClass),
                    wrong="không thuộc các loại hộ đã quy định")),
    Field("address", "household", "Địa chỉ", "text", import_key="address", export="Địa chỉ", width=20,
          widget="line", section="general"),
    Field("phone", "household", "Điện thoại", "text", import_key="phone", export="Điện thoại", width=13,
          widget="line", section="general"),
    Field("causes", "household", "Nguyên nhân nghèo", "codes", "poverty_cause", "causes", "Nguyên nhân nghèo", 26,
          widget="checks", section="closing"),
    Field("class_decision", "household", "Số quyết định", "text", import_key="class_decision", export="Số quyết định",
          width=12, widget="line", section="general"),
    Field("class_date", "household", "Ngày quyết định phân loại", "date", import_key="class_date",
          export="Ngày quyết định", width=12, widget="date", section="general", rule=PAST_DATE),
    Field("hi_card_number", "member", "Số thẻ BHYT", "text", import_key="hi_card_number", export="Số thẻ BHYT",
          width=16, widget="line", section="more"),
    Field("hi_valid_to", "member", "BHYT có giá trị đến", "date", import_key="hi_valid_to", export="Hạn thẻ BHYT",
          width=12, widget="date", section="more",
          rule=Rule(earliest=1900, not_before="hi_valid_from", order="trước ngày bắt đầu có giá trị")),
    Field("education_level", "member", "Trình độ học vấn", "code", "education_level", "education_level",
          "Trình độ học vấn", 18, source="education_name", widget="combo", section="more"),
    Field("schooling", "member", "Tình trạng đi học", "code", "schooling", "schooling", "Tình trạng đi học", 16,
          source="schooling_name", widget="combo", section="more"),
    Field("employment", "member", "Việc làm", "code", "employment", "employment", "Việc làm", 22,
          source="employment_name", widget="combo", section="more"),
    Field("labour_contract", "member", "Có hợp đồng lao động", "bool", widget="yes_no", section="more"),
    Field("occupation", "member", "Nghề nghiệp", "text", import_key="occupation", export="Nghề nghiệp", width=16,
          widget="line", section="more"),
    Field("note", "member", "Ghi chú", "text", import_key="note", export="Ghi chú", width=20, widget="line",
          section="more"),
    Field("area_type", "household", "Khu vực", "text", widget="area_type", section="general",
          rule=Rule(choices=("rural", "urban"), wrong="phải là nông thôn hoặc thành thị")),
    Field("escaped_date", "household", "Ngày thoát nghèo", "date", widget="date", section="general", rule=PAST_DATE),
    Field("income_per_capita", "household", "Thu nhập bình quân đầu người/tháng", "int",
          widget="income", section="general", rule=NOT_NEGATIVE),
    Field("wall_material", "household", "Vật liệu tường", "code", "housing_material", widget="combo",
          section="housing"),
    Field("column_material", "household", "Vật liệu cột (khung)", "code", "housing_material", widget="combo",
          section="housing"),
    Field("roof_material", "household", "Vật liệu mái", "code", "housing_material", widget="combo",
          section="housing"),
    Field("floor_area", "household", "Diện tích nhà ở (m²)", "number", widget="area", section="housing",
          rule=Rule(low=0, below=10_000, wrong="phải từ 0 đến dưới 10.000 m²")),
    Field("water_source", "household", "Nguồn nước sinh hoạt", "code", "water_source", widget="combo",
          section="housing"),
    Field("latrine_type", "household", "Loại nhà tiêu", "code", "latrine_type", widget="combo", section="housing"),
    Field("internet_use", "household", "Có người dùng internet", "bool", widget="yes_no", section="housing"),
    Field("info_devices", "household", "Phương tiện tiếp cận thông tin", "codes", "info_device", widget="checks",
          section="housing"),
    Field("loudspeaker_reach", "household", "Nghe được loa truyền thanh", "bool", widget="yes_no",
          section="housing"),
    Field("waste_treatment", "household", "Xử lý rác thải sinh hoạt hợp vệ sinh", "bool",
          import_key="waste_treatment", export="Xử lý rác thải", width=12, widget="yes_no", section="housing"),
    # the household's flags (the dialog's "Đặc điểm của hộ" box, the register's filters)
    Field("ethnic_minority", "household", "Hộ dân tộc thiểu số", "bool", widget="check", section="flags"),
    Field("local_indigenous", "household", "Hộ dân tộc tại chỗ", "bool", widget="check", section="flags"),
    Field("has_merit_person", "household", "Hộ có người có công", "bool", widget="check", section="flags"),
    Field("no_labour_capacity", "household", "Hộ không có khả năng lao động", "bool", widget="check",
          section="flags"),
    Field("female_head", "household", "Chủ hộ là nữ", "bool", widget="check", section="flags"),
    Field("social_protection", "household", "Hộ bảo trợ xã hội", "bool", widget="check", section="flags"),
    Field("is_farming", "household", "Hộ làm nông, lâm, ngư, diêm nghiệp", "bool", widget="check",
          section="flags"),
    Field("note", "household", "Ghi chú", "text", widget="line", section="closing"),
    Field("birth_year", "member", "Năm sinh", "year", rule=Rule(past=True, earliest=1880, wrong="không hợp lý")),
    Field("id_issue_date", "member", "Ngày cấp", "date", rule=PAST_DATE),
    Field("trained_on_job", "member", "Đã qua đào tạo nghề (kèm cặp tại chỗ)", "bool"),
    Field("ethnicity_system", "member", "Danh mục dân tộc", "text"),
    Field("hi_group", "member", "Nhóm đối tượng BHYT", "code", "hi_group", widget="combo", section="more"),
    Field("hi_valid_from", "member", "BHYT có giá trị từ", "date", widget="date", section="more", rule=DATE),
    Field("disability", "member", "Khuyết tật", "code", "disability", widget="combo", section="more", empty="Không"),
    Field("social_allowance", "member", "Trợ cấp xã hội hằng tháng", "int", widget="money", section="more",
          rule=NOT_NEGATIVE),
    Field("nutrition", "member", "Tình trạng dinh dưỡng", "code", "nutrition", widget="combo", section="more"),
    Field("life_status", "member", "Tình trạng", "text",
          rule=Rule(choices=tuple(LIFE_STATUS_LABELS), wrong="không hợp lệ")),
    Field("life_status_date", "member", "Ngày (chết/chuyển đi)", "date", rule=PAST_DATE),
)  # fmt: skip

BY_KEY: dict[tuple[str, str], Field] = {(f.level, f.key): f for f in FIELDS}
EXPORTED: tuple[Field, ...] = tuple(f for f in FIELDS if f.export)


def labels(level: str) -> dict[str, str]:
    """key → Vietnamese label of the fields of one level ('household' or 'member')."""
    return {f.key: f.label for f in FIELDS if f.level == level}


def label(key: str) -> str:
    """The Vietnamese label of a field key (household first), or the key itself when it names none."""
    found = BY_KEY.get(("household", key)) or BY_KEY.get(("member", key))
    return found.label if found is not None else key


# the order of the fields on a dialog page built from the table
PAGES: dict[str, tuple[str, ...]] = {
    "general": ("code", "village_id", "address", "phone", "area_type", "poverty_class", "class_date",
                "class_decision", "escaped_date", "income_per_capita"),
    "closing": ("causes", "note"),
    "person": ("full_name", "relationship_code", "birth_date", "sex", "id_number", "ethnicity_code"),
    "housing": ("wall_material", "column_material", "roof_material", "floor_area", "water_source", "latrine_type",
                "internet_use", "info_devices", "loudspeaker_reach", "waste_treatment"),
    "more": ("education_level", "schooling", "occupation", "employment", "labour_contract", "hi_card_number",
             "hi_group", "hi_valid_from", "hi_valid_to", "disability", "social_allowance", "nutrition", "note"),
}  # fmt: skip


def section(level: str, name: str) -> list[Field]:
    """The fields a dialog page builds from the table (those with a widget), in the page's order."""
    found = [f for f in FIELDS if f.level == level and f.section == name and f.widget]
    order = PAGES.get(name, ())
    return sorted(found, key=lambda f: order.index(f.key) if f.key in order else len(order))


def flag_labels() -> dict[str, str]:
    """The household flags and their labels, in the table's order."""
    return {f.key: f.label for f in FIELDS if f.level == "household" and f.section == "flags"}
