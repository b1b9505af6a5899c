"""``office``: the receiving office's file.

python -m giamngheo_desktop office init --db NOI-NHAN.sqlite --name "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ"
python -m giamngheo_desktop office communes --db F [--add CODE NAME [--type xa|phuong|dac_khu]] [--list DMHC.xlsx]
python -m giamngheo_desktop office key --db F "giamngheo-ed25519 07966 …" [--replace]
python -m giamngheo_desktop office import --db F THU-MUC-HOAC-GOI.zip …
python -m giamngheo_desktop office status --db F --period 2026 [--status missing late] [--out BANG.xlsx]
python -m giamngheo_desktop office report --db F --period 2026 [--kind bieu1 …] [--commune CODE] --out X.xlsx|.pdf
python -m giamngheo_desktop office check --db F --period 2026
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from giamngheo_desktop.cli.common import ProgressPrinter, holder, print_json
from giamngheo_desktop.domain import office as rules
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import BadFile, ValidationFailed
from giamngheo_desktop.domain.report import ReportData
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.export.office_open import open_for_office, package_files, peek
from giamngheo_desktop.export.pdf import write_pdf
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.importing.reader import read_table
from giamngheo_desktop.services import office, office_demo
from giamngheo_desktop.services import package as package_service
from giamngheo_desktop.storage.connection import Database
from giamngheo_desktop.storage.database import open_database
from giamngheo_desktop.storage.office_db import open_office


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, required=True, metavar="FILE", help="tệp của cơ quan tiếp nhận (.sqlite)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    top = subparsers.add_parser("office", help="cơ quan tiếp nhận: nhận gói của các xã, theo dõi, tổng hợp")
    sub = top.add_subparsers(dest="office_command", metavar="LỆNH", required=True)

    p = sub.add_parser("init", help="tạo (hoặc sửa) tệp của cơ quan tiếp nhận")
    _db_arg(p)
    p.add_argument("--name", required=True, help="tên cơ quan, ví dụ «Sở Nông nghiệp và Môi trường tỉnh Phú Thọ»")
    p.add_argument("--level", choices=sorted(rules.LEVELS), default="province")
    p.add_argument("--province", default="")
    p.add_argument("--preparer", default="", help="người lập biểu")
    p.add_argument("--head", default="", help="thủ trưởng cơ quan (ký)")
    p.set_defaults(func=run_init)

    p = sub.add_parser("communes", help="danh sách xã: xem, thêm một xã, hoặc nhập danh mục đơn vị hành chính")
    _db_arg(p)
    p.add_argument("--add", nargs=2, metavar=("MÃ", "TÊN"), help="thêm (hoặc sửa tên) một xã")
    p.add_argument("--type", default="", help="loại: xa, phuong, dac_khu (mặc định: theo tên)")
    p.add_argument("--list", type=Path, metavar="DMHC.xlsx", help="nhập danh mục đơn vị hành chính (xlsx/csv)")
    p.add_argument("--province", default="", help="chỉ lấy các xã của tỉnh này (danh mục cả nước)")
    p.set_defaults(func=run_communes)

    p = sub.add_parser("key", help="đăng ký khóa công khai của một xã (dòng «giamngheo-ed25519 …» xã gửi)")
    _db_arg(p)
    p.add_argument("line", help="dòng khóa công khai")
    p.add_argument("--replace", action="store_true", help="thay khóa cũ (sau khi gọi điện xác nhận với xã)")
    p.set_defaults(func=run_key)

    p = sub.add_parser("import", help="nhận gói dữ liệu từ thư mục (USB) hoặc tệp .zip")
    _db_arg(p)
    p.add_argument("sources", nargs="+", type=Path, metavar="THƯ-MỤC-HOẶC-GOI.zip")
    p.set_defaults(func=run_import)

    p = sub.add_parser("status", help="bảng tình hình gửi gói của các xã trong một kỳ")
    _db_arg(p)
    p.add_argument("--period", required=True, help="kỳ: 2026-11, 2026-Q4, 2026 …")
    p.add_argument("--status", nargs="*", choices=sorted(rules.STATUS_LABELS), help="chỉ các tình trạng này")
    p.add_argument("--out", type=Path, metavar="BANG.xlsx|.pdf", help="xuất bảng ra tệp")
    p.set_defaults(func=run_status)

    p = sub.add_parser("report", help="báo cáo tổng hợp các xã (hoặc bảng của một xã)")
    _db_arg(p)
    p.add_argument("--period", required=True)
    p.add_argument("--kind", nargs="*", help="loại bảng (bieu1, bieu2 …); mặc định: mọi bảng các xã gửi")
    p.add_argument("--commune", help="mã xã: xem bảng của riêng xã này")
    p.add_argument("--out", type=Path, metavar="TONG-HOP.xlsx|.pdf")
    p.set_defaults(func=run_report)

    p = sub.add_parser("check", help="kiểm tra chéo giữa các xã")
    _db_arg(p)
    p.add_argument("--period", required=True)
    p.set_defaults(func=run_check)

    p = sub.add_parser("demo", help="tạo các xã mẫu và gói dữ liệu của chúng (để thử chế độ tiếp nhận)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục ghi tệp của các xã và gói")
    p.add_argument("--communes", type=int, default=20)
    p.add_argument("--households", type=int, default=300, help="số hộ mỗi xã")
    p.add_argument("--period", default="2026")
    p.add_argument(
        "--office", type=Path, metavar="NOI-NHAN.sqlite", help="thêm các xã mẫu và khóa của chúng vào tệp cơ quan này"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_demo)

    p = sub.add_parser("sendings", help="các lần gửi đã nhận (cả lần đã được thay)")
    _db_arg(p)
    p.add_argument("--period")
    p.add_argument("--commune")
    p.set_defaults(func=run_sendings)


def _open(args: argparse.Namespace, create: bool = False) -> Database:
    return open_office(args.db, create=create, holder=holder(args))


def run_init(args: argparse.Namespace) -> int:
    with _open(args, create=True) as db:
        office.setup_office(
            db,
            office.OfficeSettings(
                args.name, args.level, args.province, preparer_name=args.preparer, head_name=args.head
            ),
        )
    if args.json:
        print_json({"db": str(args.db), "name": args.name})
    else:
        print(f"Đã tạo tệp cơ quan tiếp nhận {args.db} ({args.name}).")
    return 0


def _commune_json(c: office.CommuneEntry) -> dict[str, Any]:
    return {"code": c.code, "name": c.name, "type": c.unit_type, "key_id": c.key_id, "active": c.active}


def run_communes(args: argparse.Namespace) -> int:
    with _open(args) as db:
        if args.add:
            existing = office.find_commune(db, args.add[0])
            entry = office.CommuneEntry(args.add[0], args.add[1], args.type)
            if existing is not None:
                entry.id, entry.active = existing.id, existing.active
            office.save_commune(db, entry)
        if args.list:
            table = read_table(args.list)
            result = office.import_communes(db, table.rows, row_numbers=table.row_numbers, province=args.province)
            if result.issues:
                raise ValidationFailed(result.issues)
            if not args.json:
                skipped = result.skipped_other_province
                print(
                    f"Đã nhập danh mục: thêm {result.added} xã, sửa {result.updated}, giữ nguyên {result.unchanged}"
                    + (f", bỏ qua {skipped} xã tỉnh khác" if skipped else "")
                    + "."
                )
        communes = office.list_communes(db)
    if args.json:
        print_json([_commune_json(c) for c in communes])
    elif not args.list:
        for c in communes:
            key = f"khóa {c.key_id}" if c.key_id else "chưa đăng ký khóa"
            print(f"{c.code}  {c.name}  ({c.type_label}; {key}{'' if c.active else '; tạm ngừng'})")
        print(f"Tổng số: {len(communes)} xã, phường.")
    return 0


def run_key(args: argparse.Namespace) -> int:
    with _open(args) as db:
        office.register_key(db, args.line, replace=args.replace)
        code, raw = rules.parse_key_line(args.line)
    if args.json:
        print_json({"code": code, "key_id": rules.key_id(raw)})
    else:
        print(f"Đã đăng ký khóa của xã mã {code} (mã khóa {rules.key_id(raw)}).")
    return 0


def run_import(args: argparse.Namespace) -> int:
    files = package_files(args.sources)
    if not files:
        raise BadFile("Không có tệp .zip nào trong các thư mục đã chọn.", code="empty")
    with _open(args) as db:
        keys = office.OfficeKeys(db)
        summary = office.receive_packages(
            db,
            files,
            lambda p: open_for_office(p, keys),
            peek=peek,
            progress=ProgressPrinter("Đang nhận gói", quiet=args.json),
        )
    if args.json:
        print_json(summary.as_json())
    else:
        for r in summary.received:
            extra = f" (thay lần gửi thứ {r.replaced})" if r.replaced else ""
            notes = f" — lưu ý: {'; '.join(r.notes)}" if r.notes else ""
            who = f"{r.commune_name} ({r.commune_code}), {r.period_label}, lần {r.sequence}"
            print(f"Đã nhận {r.file}: {who}{extra}{notes}")
        for r in summary.unchanged:
            print(f"Đã nhận trước đó, không đổi: {r.file}")
        for f in summary.refused:
            print(f"KHÔNG NHẬN — {f.reason}")
        print(
            f"Tổng: nhận {len(summary.received)}, không đổi {len(summary.unchanged)}, "
            f"không nhận {len(summary.refused)} trong {len(files)} tệp."
        )
    return 1 if summary.refused else 0


def _write(report: ReportData | list[ReportData], out: Path) -> Path:
    return write_pdf(report, out) if out.suffix.lower() == ".pdf" else write_xlsx(report, out)


def run_status(args: argparse.Namespace) -> int:
    with _open(args) as db:
        period, rows = office.status_board(db, args.period, status=args.status)
        report = office.status_report(db, args.period, status=args.status) if args.out else None
    if report is not None:
        _write(report, args.out)
    if args.json:
        print_json(
            {
                "period": period.key,
                "label": period.label,
                "communes": [
                    {"code": r.code, "name": r.name, "status": r.status, "due": r.due, "received_at": r.received_at,
                     "sequence": r.sequence, "sendings": r.sendings, "households": r.households}
                    for r in rows
                ],
            }
        )  # fmt: skip
    else:
        print(f"Tình hình gửi gói — {period.label}:")
        for r in rows:
            when = f", nhận {r.received_at}, lần {r.sequence}" if r.received_at else ""
            print(f"  {r.code}  {r.name}: {r.status_label}{when}")
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status_label] = counts.get(r.status_label, 0) + 1
        print("  " + "; ".join(f"{k}: {v}" for k, v in counts.items()))
        if args.out:
            print(f"Đã xuất bảng ra {args.out}.")
    return 0


def run_report(args: argparse.Namespace) -> int:
    with _open(args) as db:
        if args.commune:
            kinds = args.kind or [k for k, _, _ in office.report_kinds(db, args.period)]
            reports = [office.commune_report(db, args.commune, args.period, k) for k in kinds]
        else:
            reports = office.combined_reports(
                db, args.period, args.kind, progress=ProgressPrinter("Đang tổng hợp", quiet=args.json)
            )
    if args.out:
        _write(reports, args.out)
    if args.json:
        print_json(
            {
                "file": str(args.out) if args.out else None,
                "reports": [
                    {"kind": r.kind, "code": r.code, "title": r.title, "columns": r.leaf_headers(),
                     "rows": [{"kind": row.kind, "values": list(row.values)} for row in r.rows]}
                    for r in reports
                ],
            }
        )  # fmt: skip
    else:
        for r in reports:
            total = r.total_row()
            print(f"{r.code} {r.title}: {len(r.unit_rows())} dòng" + (" (có dòng tổng cộng)" if total else ""))
        if args.out:
            print(f"Đã ghi {len(reports)} bảng vào {args.out}.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    with _open(args) as db:
        findings = office.cross_checks(db, args.period)
    if args.json:
        print_json(
            [{"check": f.check, "message": f.message, "communes": f.communes, "households": f.households}
             for f in findings]
        )  # fmt: skip
    else:
        for f in findings:
            print(f"[{office.CHECK_LABELS[f.check]}] {f.message}")
        print(f"Có {len(findings)} điểm cần xem lại." if findings else "Không thấy điểm nào bất thường.")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    period = periods.parse(args.period)
    made = []
    progress = ProgressPrinter("Đang tạo các xã mẫu", quiet=args.json)
    for n in range(args.communes):
        path = args.out / f"xa-{office_demo.demo_code(n)}.sqlite"
        if path.exists():
            raise BadFile(f"Tệp {path} đã có; hãy chọn thư mục trống.", code="exists")
        with open_database(path, holder=holder(args)) as db:
            office_demo.demo_commune(db, n=n, households=args.households)
            result = package_service.make_package(
                db, period=period, write=lambda contents: package.write_package(contents, args.out / "goi")
            )
        made.append({"commune": office_demo.demo_code(n), "file": str(path), "package": str(result.path)})
        progress(n + 1, args.communes)
    if args.office:
        with open_office(args.office, create=False, holder=holder(args)) as odb:
            for n in range(args.communes):
                code = office_demo.demo_code(n)
                if office.find_commune(odb, code) is None:
                    office.save_commune(odb, office.CommuneEntry(code, office_demo.demo_name(n)))
                office.register_key(odb, signing.commune_key(code, create=False).public_text, replace=True)
    if args.json:
        print_json(made)
    else:
        print(f"Đã tạo {len(made)} xã mẫu và gói dữ liệu của chúng trong {args.out / 'goi'}.")
    return 0


def run_sendings(args: argparse.Namespace) -> int:
    with _open(args) as db:
        rows = office.sendings(db, code=args.commune, period_key=args.period)
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            state = "hiện dùng" if r["current"] else f"đã được thay ({r['replaced_at']})"
            print(
                f"{r['code']} {r['name']} — {r['period_label']}, lần {r['sequence']}, tạo {r['created_at']}, "
                f"nhận {r['received_at']} từ {r['source_file']}: {state}"
            )
    return 0
