"""Upload package: ``export-package`` (commune), ``import-package`` and ``combine`` (receiving office).

python -m giamngheo_desktop export-package --db FILE --period 2026 --out DIR
python -m giamngheo_desktop keys show --db FILE                  (commune: the public key to send once)
python -m giamngheo_desktop keys register "giamngheo-ed25519 …"   (receiving office, once per commune)
python -m giamngheo_desktop import-package GOI.zip [GOI2.zip …] [--check-only]
python -m giamngheo_desktop combine GOI1.zip GOI2.zip … --out TONG-HOP.xlsx [--force]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from giamngheo_desktop.cli.common import ProgressPrinter, add_db_argument, open_db, print_json, show_help
from giamngheo_desktop.domain import periods
from giamngheo_desktop.domain.errors import BadFile
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import commune
from giamngheo_desktop.services import package as package_service


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("export-package", help="tạo gói dữ liệu gửi cấp trên cho một kỳ báo cáo")
    add_db_argument(p)
    p.add_argument("--period", required=True, help="kỳ: 2026-11, 2026-Q4, 2026, 2026-01-01..2026-03-31, round:7")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục ghi gói (.zip)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run_export)

    p = subparsers.add_parser(
        "import-package",
        help="nhận gói dữ liệu của xã gửi lên: kiểm tra chữ ký, manifest, SHA-256, số lần gửi; ghi nhận vào sổ",
    )
    p.add_argument("packages", nargs="+", type=Path, metavar="GOI.zip")
    add_register_argument(p)
    p.add_argument("--check-only", action="store_true", help="chỉ kiểm tra, không ghi nhận đã nhận gói")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run_verify)

    p = subparsers.add_parser("combine", help="tổng hợp gói dữ liệu của nhiều xã (cùng một kỳ) vào một tệp Excel")
    p.add_argument("packages", nargs="+", type=Path, metavar="GOI.zip")
    p.add_argument("--out", type=Path, required=True, metavar="TONG-HOP.xlsx")
    p.add_argument("--force", action="store_true", help="ghi đè tệp --out nếu đã có")
    add_register_argument(p)
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run_combine)

    p = subparsers.add_parser("keys", help="khóa ký gói dữ liệu: xem khóa của xã, đăng ký khóa các xã ở nơi nhận")
    sub = p.add_subparsers(dest="keys_command", metavar="LỆNH")
    q = sub.add_parser("show", help="(ở xã) in khóa công khai để gửi nơi nhận, kèm vân tay để đọc qua điện thoại")
    add_db_argument(q)
    q.set_defaults(func=run_keys_show)
    q = sub.add_parser("register", help="(ở nơi nhận) đăng ký khóa công khai của một xã")
    q.add_argument("key", help="dòng «giamngheo-ed25519 MÃ_XÃ KHÓA» do xã gửi, hoặc tệp chứa dòng đó")
    q.add_argument("--name", default="", help="tên xã (để dễ đọc)")
    q.add_argument("--replace", action="store_true", help="thay khóa cũ của xã (chỉ sau khi gọi điện xác nhận)")
    add_register_argument(q)
    q.set_defaults(func=run_keys_register)
    q = sub.add_parser("list", help="(ở nơi nhận) các xã đã đăng ký khóa")
    add_register_argument(q)
    q.set_defaults(func=run_keys_list)
    p.set_defaults(func=show_help(p))


def add_register_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--register",
        type=Path,
        default=None,
        metavar="SO_KHOA.json",
        help="sổ khóa của nơi nhận (mặc định: noi-nhan/khoa-cac-xa.json trong thư mục dữ liệu người dùng)",
    )


def run_export(args: argparse.Namespace) -> int:
    period = periods.parse(args.period)
    with open_db(args) as db:
        result = package_service.make_package(
            db,
            period=period,
            write=lambda contents: package.write_package(contents, args.out),
            progress=ProgressPrinter("Đang tạo gói", quiet=args.json),
        )
    if args.json:
        print_json({"file": str(result.path), "manifest": result.manifest})
    else:
        m = result.manifest
        print(
            f"Đã tạo gói {result.path} (lần gửi thứ {m['sequence']} của kỳ {m['period']['label']}, "
            f"{m['counts']['households']} hộ)."
        )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    register = signing.KeyRegister(args.register)
    out = []
    for path in args.packages:
        received = package.open_package(path, register) if args.check_only else package.receive(path, register)
        m = received.manifest
        out.append(
            {
                "file": str(path),
                "commune": m["commune"],
                "period": m["period"],
                "sequence": m["sequence"],
                "counts": m["counts"],
                "audit_head": m["audit_head"],
                "notes": received.notes,
                "recorded": not args.check_only,
            }
        )
        if not args.json:
            print(
                f"{path.name}: hợp lệ, đúng chữ ký — {m['commune']['name']} ({m['commune']['code']}), "
                f"{m['period']['label']}, lần gửi thứ {m['sequence']}, {m['counts']['households']} hộ."
            )
            for note in received.notes:
                print(f"  Lưu ý: {note}.")
    if args.json:
        print_json(out)
    return 0


def run_combine(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not args.force:
        raise BadFile(f"Tệp {out} đã có; không ghi đè. Chọn tên khác hoặc thêm --force để ghi đè.", code="exists")
    entries = package.read_bieu1_counts(args.packages, signing.KeyRegister(args.register))
    report = package_service.combined_bieu1(entries)
    temp = out.with_name(out.name + ".tmp-tong-hop.xlsx")
    try:
        write_xlsx(report, temp)
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    if args.json:
        print_json({"file": str(out), "communes": len(report.unit_rows())})
    else:
        print(f"Đã tổng hợp {len(report.unit_rows())} gói vào {out}.")
    return 0


def run_keys_show(args: argparse.Namespace) -> int:
    with open_db(args, write=False) as db:
        code = str(commune.get_commune(db).code or "")
    key = signing.commune_key(code)
    print(key.public_text)
    print(f"Vân tay: {key.fingerprint} (đọc cho nơi nhận qua điện thoại để họ đối chiếu khi đăng ký).")
    return 0


def run_keys_register(args: argparse.Namespace) -> int:
    text = args.key
    candidate = Path(text)
    if len(text) < 400 and candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    register = signing.KeyRegister(args.register)
    code, print_ = register.register(text, name=args.name, replace=args.replace)
    print(f"Đã đăng ký khóa của xã mã {code}, vân tay {print_}. Hãy đối chiếu vân tay với xã qua điện thoại.")
    return 0


def run_keys_list(args: argparse.Namespace) -> int:
    register = signing.KeyRegister(args.register)
    for code, entry in sorted(register.data["communes"].items()):
        name = entry.get("name") or ""
        print(f"{code}  {name:<30} vân tay {entry['fingerprint']}  (đăng ký {entry['registered_at']})")
    return 0
