"""``review open|list|status|compute|meeting|advance|certificates|close|movement``."""

from __future__ import annotations

import argparse

from giamngheo_desktop import formats
from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, open_db, print_json, show_help
from giamngheo_desktop.services import review


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("review", help="đợt rà soát: mở, tính, họp thôn, chuyển bước, đóng, diễn biến")
    sub = p.add_subparsers(dest="review_command", metavar="LỆNH")

    def cmd(name: str, help_text: str, func: object) -> argparse.ArgumentParser:
        q: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        add_db_argument(q)
        q.add_argument("--json", action="store_true")
        q.set_defaults(func=func)
        return q

    q = cmd("open", "mở đợt rà soát (lập danh sách)", run_open)
    q.add_argument("--kind", choices=["annual", "monthly"], default="annual")
    q.add_argument("--date", required=True, help="ngày tham chiếu YYYY-MM-DD")
    cmd("list", "các đợt rà soát", run_list)
    q = cmd("status", "tình hình một đợt", run_status)
    q.add_argument("round", type=int)
    q = cmd("compute", "tính chỉ số và phân loại cho mọi hộ của đợt", run_compute)
    q.add_argument("round", type=int)
    q = cmd("meeting", "ghi kết quả họp thôn", run_meeting)
    q.add_argument("round", type=int)
    q.add_argument("--village", type=int, required=True, help="mã số thôn trong tệp")
    q.add_argument("--date", required=True)
    q.add_argument("--attendees", type=int, required=True)
    q.add_argument("--agreed", type=int, required=True)
    q = cmd("advance", "chuyển sang bước sau", run_advance)
    q.add_argument("round", type=int)
    q.add_argument("--to", required=True, choices=["posting", "decision", "certificates"])
    q.add_argument("--posting-from")
    q.add_argument("--posting-to")
    q.add_argument("--decision-number")
    q.add_argument("--decision-date")
    q = cmd("certificates", "cấp số giấy chứng nhận", run_certificates)
    q.add_argument("round", type=int)
    q = cmd("close", "đóng đợt (cố định kết quả, cập nhật sổ hộ)", run_close)
    q.add_argument("round", type=int)
    q = cmd("movement", "diễn biến hộ nghèo, cận nghèo giữa hai đợt đã đóng", run_movement)
    q.add_argument("start", type=int)
    q.add_argument("end", type=int)
    p.set_defaults(func=show_help(p))


def run_open(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        round_id = review.open_round(db, kind=args.kind, reference_date=args.date).written_id
        summary = review.round_summary(db, round_id)
    print_json(summary) if args.json else print(f"Đã mở đợt số {round_id}: {summary['round']['households']} hộ.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        rounds = review.list_rounds(db)
    if args.json:
        print_json([r.__dict__ for r in rounds])
    for r in rounds if not args.json else []:
        print(
            f"{r.id:>4}  {r.name:<45} {formats.dmy(r.reference_date)}  {r.step_label:<22} {r.households} hộ  "
            f"({r.standard_id})"
        )
    return 0


def run_status(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        summary = review.round_summary(db, args.round)
    print_json(summary)
    return 0


def run_compute(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        review.compute_round(db, args.round, progress=ProgressPrinter("Tính phân loại"))
        summary = review.round_summary(db, args.round)
    print_json(summary) if args.json else print(
        f"Đã tính: {summary['by_class']}; khác hiện tại: {summary['changed']} hộ."
    )
    return 0


def run_meeting(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        review.record_meeting(
            db,
            args.round,
            village_id=args.village,
            meeting_date=args.date,
            attendees=args.attendees,
            agreed=args.agreed,
        )
    passed = review.meeting_passed(args.attendees, args.agreed)
    print("Đạt (≥ 50 % đồng ý)." if passed else "Chưa đạt 50 % đồng ý: các hộ của thôn cần rà soát lại.")
    return 0 if passed else 4


def run_advance(args: argparse.Namespace) -> int:
    dates = {
        "posting_from": args.posting_from,
        "posting_to": args.posting_to,
        "decision_number": args.decision_number,
        "decision_date": args.decision_date,
    }
    with open_db(args) as db:
        review.advance(db, args.round, to_step=args.to, **{k: v for k, v in dates.items() if v})
    print("Đã chuyển bước.")
    return 0


def run_certificates(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        count = review.issue_certificates(db, args.round).count
    print(f"Đã cấp {count} giấy chứng nhận.")
    return 0


def run_close(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        review.close_round(db, args.round)
    print("Đã đóng đợt rà soát; kết quả đã được cố định và cập nhật vào sổ hộ.")
    return 0


def run_movement(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        result = review.movement_between(db, args.start, args.end)
    out = {group: {"households": c[None].households, "persons": c[None].persons} for group, c in result.items()}
    print_json(out)
    return 0
