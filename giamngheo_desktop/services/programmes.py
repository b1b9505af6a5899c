"""Production models, vocational training classes, staff trainings and the staff list.

* A production model (mô hình giảm nghèo) has a year, a budget and participating
  households (each with the amount it received within the model).
* A vocational class (lớp đào tạo nghề) has trainees (members) and, for each, whether
  they completed the course and found work.
* A staff training (tập huấn cán bộ) has attendees; the staff list (cán bộ làm công tác
  giảm nghèo) is the denominator of "100 % staff trained": an active staff member is
  trained in a year when their name (folded) is among that year's attendees.

All functions run on the thread that owns ``db``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from giamngheo_desktop.domain.errors import NotFound, ValidationFailed, ValidationIssue
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.services.changes import Changes
from giamngheo_desktop.services.support import check_date, code_exists
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import fold, nfc

CHANGED = Changes(support=True, plans=True)


def _check_year(issues: list[ValidationIssue], year: int | None) -> None:
    if year is None or not (2000 <= int(year) <= 2100):
        issues.append(ValidationIssue("Năm", "phải là năm từ 2000 đến 2100.", value=str(year)))


def _check_money(issues: list[ValidationIssue], field_name: str, value: int | None) -> None:
    if value is None or int(value) != value or value < 0:
        issues.append(ValidationIssue(field_name, "phải là số đồng không âm.", value=str(value)))


def _check_refs(
    db: Database, issues: list[ValidationIssue], funding_source: str | None, programme_id: int | None
) -> None:
    if funding_source and not code_exists(db, "funding_source", funding_source):
        issues.append(ValidationIssue("Nguồn vốn", "không có trong danh mục nguồn vốn.", value=funding_source))
    if programme_id is not None and not db.scalar("SELECT 1 FROM programme WHERE id = ?", (programme_id,)):
        issues.append(
            ValidationIssue("Chương trình", "không có trong danh mục chương trình, dự án.", value=str(programme_id))
        )


def _check_period(issues: list[ValidationIssue], start: str | None, end: str | None) -> None:
    check_date(issues, "Ngày bắt đầu", start, required=False)
    check_date(issues, "Ngày kết thúc", end, required=False)
    if start and end and end < start:
        issues.append(ValidationIssue("Ngày kết thúc", "trước ngày bắt đầu.", value=end))


# --------------------------------------------------------------- models ----
@dataclass(frozen=True)
class ModelInput:
    name: str
    year: int
    village_id: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    budget: int = 0
    funding_source: str | None = None
    programme_id: int | None = None
    description: str = ""


@dataclass(frozen=True)
class ModelRow:
    id: int
    name: str
    year: int
    village_id: int | None
    village_name: str
    start_date: str | None
    end_date: str | None
    budget: int
    funding_source: str | None
    programme_id: int | None
    description: str
    households: int
    participant_amount: int


@dataclass(frozen=True)
class Participant:
    household_id: int
    household_code: str
    head_name: str
    poverty_class: str
    amount: int
    joined_date: str | None


def _validate_model(db: Database, data: ModelInput) -> None:
    issues: list[ValidationIssue] = []
    if not nfc(data.name):
        issues.append(ValidationIssue("Tên mô hình", "chưa nhập tên.", code="required"))
    _check_year(issues, data.year)
    _check_money(issues, "Kinh phí", data.budget)
    _check_period(issues, data.start_date, data.end_date)
    _check_refs(db, issues, data.funding_source, data.programme_id)
    if data.village_id is not None and not db.scalar("SELECT 1 FROM village WHERE id = ?", (data.village_id,)):
        issues.append(ValidationIssue("Thôn", "không có thôn này.", value=str(data.village_id)))
    if issues:
        raise ValidationFailed(issues)


def _model_values(data: ModelInput) -> tuple[Any, ...]:
    return (
        nfc(data.name),
        int(data.year),
        data.start_date or None,
        data.end_date or None,
        data.village_id,
        int(data.budget),
        data.funding_source or None,
        data.programme_id,
        nfc(data.description),
    )


def add_model(db: Database, *, data: ModelInput) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    _validate_model(db, data)
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO production_model (name, year, start_date, end_date, village_id, budget, funding_source,"
            " programme_id, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _model_values(data),
        )
    return replace(CHANGED, id=int(cur.lastrowid or 0))


def edit_model(db: Database, *, model_id: int, data: ModelInput) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    _validate_model(db, data)
    with db.atomic() as conn:
        cur = conn.execute(
            "UPDATE production_model SET name = ?, year = ?, start_date = ?, end_date = ?, village_id = ?, budget = ?,"
            " funding_source = ?, programme_id = ?, description = ? WHERE id = ? AND deleted_at IS NULL",
            (*_model_values(data), model_id),
        )
        if cur.rowcount == 0:
            raise NotFound(f"Không tìm thấy mô hình số {model_id}.")
    return CHANGED


def list_models(db: Database, *, year: int | None = None) -> list[ModelRow]:
    db.require(Permission.VIEW)
    sql = (
        "SELECT pm.id, pm.name, pm.year, pm.village_id, COALESCE(v.name, 'Toàn xã') AS village_name, pm.start_date,"
        " pm.end_date, pm.budget, pm.funding_source, pm.programme_id, pm.description,"
        " (SELECT COUNT(*) FROM model_participant mp WHERE mp.model_id = pm.id) AS households,"
        " (SELECT COALESCE(SUM(amount), 0) FROM model_participant mp WHERE mp.model_id = pm.id) AS participant_amount"
        " FROM production_model pm LEFT JOIN village v ON v.id = pm.village_id WHERE pm.deleted_at IS NULL"
    )
    params: list[Any] = []
    if year:
        sql += " AND pm.year = ?"
        params.append(year)
    return [ModelRow(**r) for r in db.rows(sql + " ORDER BY pm.year DESC, pm.id DESC", params)]


def set_model_participants(
    db: Database, *, model_id: int, participants: Sequence[tuple[int, int]], joined_date: str | None = None
) -> Changes:
    """Replace a model's participants with (household id, amount) pairs."""
    db.require(Permission.EDIT_SUPPORT)
    if not db.scalar("SELECT 1 FROM production_model WHERE id = ? AND deleted_at IS NULL", (model_id,)):
        raise NotFound(f"Không tìm thấy mô hình số {model_id}.")
    issues: list[ValidationIssue] = []
    for n, (household_id, amount) in enumerate(participants, start=1):
        if not db.scalar("SELECT 1 FROM household WHERE id = ? AND deleted_at IS NULL", (household_id,)):
            issues.append(ValidationIssue("Hộ tham gia", "không tìm thấy hộ.", row=n, value=str(household_id)))
        _check_money(issues, "Số tiền hỗ trợ hộ", amount)
    if len({h for h, _ in participants}) != len(participants):
        issues.append(ValidationIssue("Hộ tham gia", "một hộ được chọn hai lần."))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        conn.execute("DELETE FROM model_participant WHERE model_id = ?", (model_id,))
        conn.executemany(
            "INSERT INTO model_participant (model_id, household_id, amount, joined_date) VALUES (?, ?, ?, ?)",
            [(model_id, h, int(a), joined_date) for h, a in participants],
        )
    return Changes(support=True, plans=True, household_ids=frozenset(h for h, _ in participants))


def model_participants(db: Database, model_id: int) -> list[Participant]:
    db.require(Permission.VIEW)
    return [
        Participant(**r)
        for r in db.rows(
            "SELECT mp.household_id, h.code AS household_code, COALESCE(hm.full_name, '') AS head_name,"
            " h.poverty_class, mp.amount, mp.joined_date FROM model_participant mp"
            " JOIN household h ON h.id = mp.household_id LEFT JOIN member hm ON hm.id = h.head_member_id"
            " WHERE mp.model_id = ? ORDER BY h.code",
            (model_id,),
        )
    ]


# -------------------------------------------------------------- classes ----
@dataclass(frozen=True)
class ClassInput:
    name: str
    year: int
    occupation: str = ""
    start_date: str | None = None
    end_date: str | None = None
    organiser: str = ""
    budget: int = 0
    funding_source: str | None = None
    programme_id: int | None = None


@dataclass(frozen=True)
class ClassRow:
    id: int
    name: str
    occupation: str
    year: int
    start_date: str | None
    end_date: str | None
    organiser: str
    budget: int
    funding_source: str | None
    programme_id: int | None
    trainees: int
    completed: int
    employed: int


@dataclass(frozen=True)
class Trainee:
    member_id: int
    full_name: str
    household_id: int
    household_code: str
    poverty_class: str
    completed: bool
    employed: bool
    employed_date: str | None


def _validate_class(db: Database, data: ClassInput) -> None:
    issues: list[ValidationIssue] = []
    if not nfc(data.name):
        issues.append(ValidationIssue("Tên lớp", "chưa nhập tên lớp.", code="required"))
    _check_year(issues, data.year)
    _check_money(issues, "Kinh phí", data.budget)
    _check_period(issues, data.start_date, data.end_date)
    _check_refs(db, issues, data.funding_source, data.programme_id)
    if issues:
        raise ValidationFailed(issues)


def _class_values(data: ClassInput) -> tuple[Any, ...]:
    return (
        nfc(data.name),
        nfc(data.occupation),
        int(data.year),
        data.start_date or None,
        data.end_date or None,
        nfc(data.organiser),
        int(data.budget),
        data.funding_source or None,
        data.programme_id,
    )


def add_class(db: Database, *, data: ClassInput) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    _validate_class(db, data)
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO training_class (name, occupation, year, start_date, end_date, organiser, budget,"
            " funding_source, programme_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _class_values(data),
        )
    return replace(CHANGED, id=int(cur.lastrowid or 0))


def edit_class(db: Database, *, class_id: int, data: ClassInput) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    _validate_class(db, data)
    with db.atomic() as conn:
        cur = conn.execute(
            "UPDATE training_class SET name = ?, occupation = ?, year = ?, start_date = ?, end_date = ?, organiser = ?,"
            " budget = ?, funding_source = ?, programme_id = ? WHERE id = ? AND deleted_at IS NULL",
            (*_class_values(data), class_id),
        )
        if cur.rowcount == 0:
            raise NotFound(f"Không tìm thấy lớp số {class_id}.")
    return CHANGED


def list_classes(db: Database, *, year: int | None = None) -> list[ClassRow]:
    db.require(Permission.VIEW)
    sql = (
        "SELECT c.id, c.name, c.occupation, c.year, c.start_date, c.end_date, c.organiser, c.budget, c.funding_source,"
        " c.programme_id, COUNT(t.member_id) AS trainees, COALESCE(SUM(t.completed), 0) AS completed,"
        " COALESCE(SUM(t.employed), 0) AS employed"
        " FROM training_class c LEFT JOIN class_trainee t ON t.class_id = c.id WHERE c.deleted_at IS NULL"
    )
    params: list[Any] = []
    if year:
        sql += " AND c.year = ?"
        params.append(year)
    return [ClassRow(**r) for r in db.rows(sql + " GROUP BY c.id ORDER BY c.year DESC, c.id DESC", params)]


def set_trainee(
    db: Database,
    *,
    class_id: int,
    member_id: int,
    completed: bool = False,
    employed: bool = False,
    employed_date: str | None = None,
) -> Changes:
    """Add a trainee to a class or update their outcome (completed, found work)."""
    db.require(Permission.EDIT_SUPPORT)
    issues: list[ValidationIssue] = []
    if not db.scalar("SELECT 1 FROM training_class WHERE id = ? AND deleted_at IS NULL", (class_id,)):
        raise NotFound(f"Không tìm thấy lớp số {class_id}.")
    member = db.row("SELECT household_id FROM member WHERE id = ? AND deleted_at IS NULL", (member_id,))
    if member is None:
        issues.append(ValidationIssue("Học viên", "không tìm thấy thành viên.", value=str(member_id)))
    check_date(issues, "Ngày có việc làm", employed_date, required=False)
    if employed_date and not employed:
        issues.append(ValidationIssue("Ngày có việc làm", "chỉ nhập khi học viên đã có việc làm."))
    if issues:
        raise ValidationFailed(issues)
    assert member is not None
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO class_trainee (class_id, member_id, completed, employed, employed_date) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(class_id, member_id) DO UPDATE SET completed = excluded.completed,"
            " employed = excluded.employed, employed_date = excluded.employed_date",
            (class_id, member_id, int(completed), int(employed), employed_date or None),
        )
    return Changes(support=True, plans=True, household_ids=frozenset({member["household_id"]}))


def class_trainees(db: Database, class_id: int) -> list[Trainee]:
    db.require(Permission.VIEW)
    rows = db.rows(
        "SELECT t.member_id, m.full_name, m.household_id, h.code AS household_code, h.poverty_class, t.completed,"
        " t.employed, t.employed_date FROM class_trainee t JOIN member m ON m.id = t.member_id"
        " JOIN household h ON h.id = m.household_id WHERE t.class_id = ? ORDER BY h.code, m.sort_order, m.id",
        (class_id,),
    )
    return [Trainee(**{**r, "completed": bool(r["completed"]), "employed": bool(r["employed"])}) for r in rows]


# -------------------------------------------------------- staff trainings ----
@dataclass(frozen=True)
class StaffTrainingRow:
    id: int
    title: str
    year: int
    held_date: str | None
    organiser: str
    attendees: int


@dataclass(frozen=True)
class StaffRow:
    id: int
    full_name: str
    position: str
    active: bool


def add_staff_training(
    db: Database, *, title: str, year: int, held_date: str | None = None, organiser: str = ""
) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    issues: list[ValidationIssue] = []
    if not nfc(title):
        issues.append(ValidationIssue("Nội dung tập huấn", "chưa nhập.", code="required"))
    _check_year(issues, year)
    check_date(issues, "Ngày tập huấn", held_date, required=False)
    if held_date and year and not held_date.startswith(f"{int(year):04d}"):
        issues.append(ValidationIssue("Ngày tập huấn", f"không thuộc năm {year}.", value=held_date))
    if issues:
        raise ValidationFailed(issues)
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO staff_training (title, year, held_date, organiser) VALUES (?, ?, ?, ?)",
            (nfc(title), int(year), held_date or None, nfc(organiser)),
        )
    return replace(CHANGED, id=int(cur.lastrowid or 0))


def add_attendee(db: Database, *, training_id: int, full_name: str, position: str = "") -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    if not nfc(full_name):
        raise ValidationFailed(ValidationIssue("Họ tên người dự", "chưa nhập.", code="required"))
    if not db.scalar("SELECT 1 FROM staff_training WHERE id = ? AND deleted_at IS NULL", (training_id,)):
        raise NotFound(f"Không tìm thấy lớp tập huấn số {training_id}.")
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO staff_training_attendee (training_id, full_name, position) VALUES (?, ?, ?)",
            (training_id, nfc(full_name), nfc(position)),
        )
    return CHANGED


def list_staff_trainings(db: Database, *, year: int | None = None) -> list[StaffTrainingRow]:
    db.require(Permission.VIEW)
    sql = (
        "SELECT t.id, t.title, t.year, t.held_date, t.organiser, COUNT(a.id) AS attendees FROM staff_training t"
        " LEFT JOIN staff_training_attendee a ON a.training_id = t.id WHERE t.deleted_at IS NULL"
    )
    params: list[Any] = []
    if year:
        sql += " AND t.year = ?"
        params.append(year)
    return [StaffTrainingRow(**r) for r in db.rows(sql + " GROUP BY t.id ORDER BY t.year DESC, t.id DESC", params)]


def add_staff_member(db: Database, *, full_name: str, position: str = "") -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    if not nfc(full_name):
        raise ValidationFailed(ValidationIssue("Họ tên cán bộ", "chưa nhập.", code="required"))
    with db.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO staff_member (full_name, position) VALUES (?, ?)", (nfc(full_name), nfc(position))
        )
    return replace(CHANGED, id=int(cur.lastrowid or 0))


def set_staff_active(db: Database, *, staff_id: int, active: bool) -> Changes:
    db.require(Permission.EDIT_SUPPORT)
    with db.atomic() as conn:
        conn.execute("UPDATE staff_member SET active = ? WHERE id = ?", (int(active), staff_id))
    return CHANGED


def save_staff_list(db: Database, *, wanted: Sequence[tuple[str, str]]) -> Changes:
    """The list of staff working on poverty reduction as (name, position) lines, in one transaction:
    people no longer listed are marked inactive, new names are added."""
    db.require(Permission.EDIT_SUPPORT)
    names = {nfc(name) for name, _ in wanted}
    with db.atomic():
        current = list_staff(db)
        for s in current:
            if s.full_name not in names:
                set_staff_active(db, staff_id=s.id, active=False)
        known = {s.full_name for s in current}
        for name, position in wanted:
            if nfc(name) not in known:
                add_staff_member(db, full_name=name, position=position)
                known.add(nfc(name))
    return CHANGED


def list_staff(db: Database, *, active_only: bool = True) -> list[StaffRow]:
    db.require(Permission.VIEW)
    sql = "SELECT id, full_name, position, active FROM staff_member"
    if active_only:
        sql += " WHERE active = 1"
    return [StaffRow(**{**r, "active": bool(r["active"])}) for r in db.rows(sql + " ORDER BY id")]


def staff_trained(db: Database, *, year: int) -> tuple[int, int]:
    """(active staff who attended a training in ``year``, active staff)."""
    db.require(Permission.VIEW)
    attended = {
        fold(r["full_name"])
        for r in db.rows(
            "SELECT a.full_name FROM staff_training_attendee a JOIN staff_training t ON t.id = a.training_id"
            " WHERE t.deleted_at IS NULL AND t.year = ?",
            (year,),
        )
    }
    staff = list_staff(db)
    return sum(1 for s in staff if fold(s.full_name) in attended), len(staff)


@dataclass(frozen=True)
class TraineeInput:
    member_id: int
    completed: bool = False
    employed: bool = False
    employed_date: str | None = None


def save_class(
    db: Database, *, data: ClassInput, trainees: Sequence[TraineeInput], class_id: int | None = None
) -> Changes:
    """Create or update a class and replace its trainees, in one transaction. Returns the class id."""
    db.require(Permission.EDIT_SUPPORT)
    _validate_class(db, data)
    with db.atomic() as conn:
        if class_id is None:
            class_id = add_class(db, data=data).written_id
        else:
            edit_class(db, class_id=class_id, data=data)
        conn.execute("DELETE FROM class_trainee WHERE class_id = ?", (class_id,))
        for t in trainees:
            set_trainee(
                db,
                class_id=class_id,
                member_id=t.member_id,
                completed=t.completed,
                employed=t.employed,
                employed_date=t.employed_date,
            )
    return replace(CHANGED, id=class_id)


def save_model(
    db: Database, *, data: ModelInput, participants: Sequence[tuple[int, int]], model_id: int | None = None
) -> Changes:
    """Create or update a production model and replace its participants, in one transaction."""
    db.require(Permission.EDIT_SUPPORT)
    _validate_model(db, data)
    with db.atomic():
        if model_id is None:
            model_id = add_model(db, data=data).written_id
        else:
            edit_model(db, model_id=model_id, data=data)
        set_model_participants(db, model_id=model_id, participants=participants, joined_date=data.start_date)
    return replace(CHANGED, id=model_id)


def save_staff_training(
    db: Database, *, title: str, year: int, held_date: str | None, organiser: str, attendees: Sequence[tuple[str, str]]
) -> Changes:
    """A staff training with its attendees (name, position), in one transaction."""
    with db.atomic():
        training_id = add_staff_training(
            db, title=title, year=year, held_date=held_date, organiser=organiser
        ).written_id
        for name, position in attendees:
            if nfc(name):
                add_attendee(db, training_id=training_id, full_name=name, position=position)
    return replace(CHANGED, id=training_id)
