"""The home screen's figures (Tổng quan): the commune at a glance and what to do next.

One read-only call, :func:`overview`, gathers the counts by class and village, the open
review round and its next step, the requests waiting, the year plan's lagging targets and
the last automatic backup. Each part is plain text and numbers; the window links them to
the tab where the officer deals with them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from giamngheo_desktop import clock
from giamngheo_desktop.domain.permissions import Permission
from giamngheo_desktop.domain.vocab import CLASS_LABELS, PovertyClass, class_label
from giamngheo_desktop.paths import backups_dir_for
from giamngheo_desktop.services import backup, plan, review
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.text import thousands

NEXT_STEP = {
    "list": "tính chỉ số thiếu hụt và phân loại các hộ (bước 1–2)",
    "collect": "tính chỉ số thiếu hụt và phân loại các hộ (bước 1–2)",
    "meeting": "họp thôn ở các thôn còn lại, rồi niêm yết công khai (bước 3–4)",
    "posting": "trình Chủ tịch UBND xã quyết định công nhận (bước 5)",
    "decision": "cấp giấy chứng nhận rồi đóng đợt (bước 6)",
    "certificates": "in giấy chứng nhận và đóng đợt rà soát",
}
BACKUP_OLD_DAYS = 7  # a backup older than this is shown as a warning


@dataclass(frozen=True)
class VillageCounts:
    name: str
    households: int
    poor: int
    near_poor: int


@dataclass(frozen=True)
class Overview:
    households: int
    by_class: list[tuple[str, int]]  # (Vietnamese class, households), in the classes' order
    villages: list[VillageCounts]
    round_id: int | None
    round_text: str  # the open round and its next step, or what to do when there is none
    pending_requests: int
    requests_text: str
    plan_year: int
    plan_text: str
    lagging: list[str] = field(default_factory=list)  # "BHYT: 70 % / 85 %"…
    backup_text: str = ""
    backup_warning: bool = False


def _round(db: Database) -> tuple[int | None, str]:
    rounds = review.list_rounds(db)
    open_rounds = [r for r in rounds if r.step != "closed"]
    if not open_rounds:
        last = next((r for r in rounds if r.step == "closed"), None)
        after = f" Đợt gần nhất: {last.name} (đã đóng)." if last else ""
        return None, "Không có đợt rà soát nào đang mở." + after
    r = open_rounds[0]
    return r.id, f"{r.name}: đang ở bước «{r.step_label}» ({r.households} hộ). Việc tiếp theo: {NEXT_STEP[r.step]}."


def _plan(db: Database, year: int) -> tuple[str, list[str]]:
    row = plan.plan_for_year(db, year)
    if row is None:
        return f"Chưa có kế hoạch giảm nghèo năm {year}: lập từ kế hoạch mẫu ở thẻ Hỗ trợ › Kế hoạch.", []
    progress = plan.progress(db, row.id)
    lagging = [t for t in progress.targets if t.lagging]
    shown = []
    for t in lagging[:6]:
        value = "chưa có số liệu" if t.value is None else f"{t.value:g}".replace(".", ",")
        goal = "—" if t.target is None else f"{t.target:g}".replace(".", ",")
        shown.append(f"{t.label}: {value} / {goal} {t.unit}".strip())
    text = f"Kế hoạch năm {year}: {len(progress.targets)} chỉ tiêu, {len(lagging)} chỉ tiêu chậm tiến độ."
    return text, shown


def _age(when: _dt.datetime, now: _dt.datetime) -> tuple[str, float]:
    days = (now - when).total_seconds() / 86400
    return ("hôm nay" if days < 1 else f"{int(days)} ngày trước"), days


def _backup(db: Database, now: _dt.datetime) -> tuple[str, bool]:
    """The last copy to a USB stick (or another disk) and the last automatic copy; a warning when
    there has been no copy off the laptop for BACKUP_OLD_DAYS days."""
    if str(db.path) == ":memory:":
        return "", False
    copies = backup.list_backups(backups_dir_for(Path(db.path)), Path(db.path).stem)
    usb = backup.last_copy(db)
    if not copies and usb is None:
        return "Chưa có bản sao lưu nào: Tệp › Sao lưu ra USB…", True
    lines = []
    if usb is not None:
        target, made = usb
        age, usb_days = _age(made, now)
        lines.append(f"Sao lưu ra USB gần nhất: {made:%d/%m/%Y %H:%M} ({age}), vào {target.parent}.")
    else:
        usb_days = float("inf")
    if copies:
        newest = copies[0]
        when = _dt.datetime.fromtimestamp(newest.stat().st_mtime)
        age, _days = _age(when, now)
        reason = next((label for key, label in backup.REASON_LABELS.items() if f"-{key}-" in newest.name), "")
        lines.append(f"Bản sao lưu tự động gần nhất: {when:%d/%m/%Y %H:%M} ({age}{', ' + reason if reason else ''}).")
    old = usb_days >= BACKUP_OLD_DAYS
    if old:
        lines.append(
            "Chưa sao lưu ra USB lần nào: nên sao lưu ra USB." if usb is None else "Nên sao lưu ra USB lần nữa."
        )
    return "\n".join(lines), old


def overview(db: Database, *, today: _dt.date | None = None) -> Overview:
    """The commune at a glance (reads only)."""
    db.require(Permission.VIEW)
    day = today or clock.today()
    counts = {
        r["poverty_class"]: r["n"]
        for r in db.rows(
            "SELECT poverty_class, count(*) AS n FROM household WHERE deleted_at IS NULL GROUP BY poverty_class"
        )
    }
    order = [c.value for c in PovertyClass]
    by_class = [(CLASS_LABELS[PovertyClass(c)], counts[c]) for c in order if counts.get(c)]
    by_class += [(class_label(c) or str(c), n) for c, n in counts.items() if c not in order and n]
    villages = [
        VillageCounts(r["name"], r["households"], r["poor"], r["near_poor"])
        for r in db.rows(
            "SELECT v.name, count(h.id) AS households,"
            " sum(CASE WHEN h.poverty_class = 'poor' THEN 1 ELSE 0 END) AS poor,"
            " sum(CASE WHEN h.poverty_class = 'near_poor' THEN 1 ELSE 0 END) AS near_poor"
            " FROM village v LEFT JOIN household h ON h.village_id = v.id AND h.deleted_at IS NULL"
            " GROUP BY v.id ORDER BY v.sort_order, v.name"
        )
    ]
    round_id, round_text = _round(db)
    pending = len(review.pending_requests(db))
    requests_text = (
        f"{thousands(pending)} đơn đề nghị (Mẫu 01/04) chờ xử lý: sẽ vào đợt rà soát thường xuyên tới."
        if pending
        else "Không có đơn đề nghị nào chờ xử lý."
    )
    plan_text, lagging = _plan(db, day.year)
    backup_text, backup_warning = _backup(db, clock.now())
    return Overview(
        households=sum(counts.values()),
        by_class=by_class,
        villages=villages,
        round_id=round_id,
        round_text=round_text,
        pending_requests=pending,
        requests_text=requests_text,
        plan_year=day.year,
        plan_text=plan_text,
        lagging=lagging,
        backup_text=backup_text,
        backup_warning=backup_warning,
    )
