"""Assemble the USB-stick folder for commune laptops, with checksums.

    python packaging/usb_kit.py --out DIR [--installer FILE] [--zip FILE] [--guide FILE] [--notices FILE]
    python packaging/usb_kit.py --verify DIR

The folder gets: the installer ``GiamNgheo-Setup-<version>.exe``, the portable zip
``GiamNgheo-<version>-windows-amd64.zip``, the user guide ``HuongDanSuDung-<version>.pdf``,
``DOC-TRUOC.txt`` (read first, in Vietnamese), ``LICENSE.txt``, ``THIRD-PARTY-NOTICES.txt`` and
``SHA256SUMS.txt`` (``<sha256>  <file>`` for every other file; ``certutil -hashfile FILE SHA256``
on Windows prints the same number). Defaults are the files ``packaging/build.py`` leaves in
``dist/`` and ``build/``; the guide and the notices are made when missing. ``--verify`` checks a
stick's files against its SHA256SUMS.txt and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from giamngheo_desktop import APP_NAME, __version__  # noqa: E402

DIST = ROOT / "dist"
SUMS = "SHA256SUMS.txt"
README_NAME = "DOC-TRUOC.txt"
EXE_IN_ZIP = "GiamNgheo/GiamNgheo.exe"


class KitError(SystemExit):
    """The kit cannot be made; the message says which file is wrong."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_first(version: str, installer: str, portable: str, guide: str) -> str:
    """DOC-TRUOC.txt: what an officer (or the district IT person) needs before installing."""
    return f"""ĐỌC TRƯỚC KHI CÀI ĐẶT — {APP_NAME} phiên bản {version}
======================================================================

Phần mềm quản lý hộ nghèo, hộ cận nghèo cấp xã. Chạy hoàn toàn trên máy,
không cần mạng, không gửi dữ liệu đi đâu.

TRONG THƯ MỤC NÀY
- {installer}: bộ cài đặt (khuyên dùng).
- {portable}: bản chạy không cần cài (giải nén rồi chạy GiamNgheo.exe),
  dùng khi máy không cho phép cài phần mềm.
- {guide}: hướng dẫn sử dụng (mở bằng trình đọc PDF).
- {SUMS}: mã kiểm tra SHA-256 của các tệp trên.
- LICENSE.txt, THIRD-PARTY-NOTICES.txt: giấy phép của phần mềm và các thành phần đi kèm.

1. MÁY TÍNH DÙNG ĐƯỢC
- Windows 10 hoặc Windows 11, bản 64-bit. Windows 7, Windows 8.1 và Windows
  bản 32-bit KHÔNG chạy được: bộ cài sẽ báo và không cài gì.
  (Xem: Start > Settings > System > About > "System type": phải là "64-bit".)
- Không cần quyền quản trị (Administrator), không cần Internet, không cần cài
  thêm Python hay thư viện nào.
- Ổ đĩa còn trống ít nhất 500 MB.

2. KIỂM TRA TỆP TRƯỚC KHI CÀI (khuyên làm, nhất là khi chép qua nhiều USB)
- Mở Command Prompt (bấm Start, gõ cmd, Enter) trong thư mục này, gõ:
      certutil -hashfile {installer} SHA256
- So dãy số in ra với dòng có tên {installer} trong tệp {SUMS}.
  Hai dãy phải giống hệt nhau (không phân biệt chữ hoa, chữ thường).
  Nếu khác: tệp bị hỏng hoặc bị thay đổi — KHÔNG cài, chép lại từ nguồn.
- Làm tương tự với {portable} nếu dùng bản không cần cài.

3. CÀI ĐẶT
- Nháy đúp {installer}, bấm "Tiếp", chọn thư mục (để mặc định là được),
  bấm "Cài đặt", rồi "Hoàn tất". Chương trình có biểu tượng trên màn hình và
  trong menu Start (thư mục "{APP_NAME}").
- Nếu chương trình đang mở, bộ cài sẽ yêu cầu đóng lại rồi bấm "Thử lại".
- Cài bản mới đè lên bản cũ: dữ liệu được giữ nguyên, không cần gỡ bản cũ.
- Bộ cài sẽ hỏi lại nếu máy đang có bản MỚI HƠN bản sắp cài. Chỉ cài bản
  cũ hơn khi cán bộ kỹ thuật yêu cầu.
- Cài không hiện cửa sổ (cho cán bộ kỹ thuật):
      {installer} /S
  thêm /D=C:\\ThuMuc để chọn thư mục (đặt cuối cùng, không có ngoặc kép).

4. KHI WINDOWS HOẶC PHẦN MỀM DIỆT VIRUS CẢNH BÁO
- Windows có thể hiện "Windows protected your PC" (SmartScreen) vì bộ cài chưa
  được ký số. Nếu mã kiểm tra ở mục 2 đúng: bấm "More info" (Thông tin thêm)
  rồi "Run anyway" (Vẫn chạy).
- Phần mềm diệt virus có thể chặn hoặc cách ly tệp GiamNgheo.exe. Nếu mã kiểm
  tra đúng, báo cán bộ kỹ thuật thêm thư mục cài đặt vào danh sách cho phép
  (mặc định %LOCALAPPDATA%\\Programs\\GiamNgheoDesktop) rồi cài lại.
- Không tắt hẳn phần mềm diệt virus.

5. DỮ LIỆU NẰM Ở ĐÂU
- Tệp dữ liệu của xã: %APPDATA%\\GiamNgheoDesktop\\giamngheo.sqlite
  (dán dòng %APPDATA%\\GiamNgheoDesktop vào thanh địa chỉ của File Explorer để mở).
- Bên cạnh: thư mục backups (bản sao lưu tự động), exports (báo cáo đã xuất),
  logs (nhật ký lỗi để gửi cán bộ kỹ thuật).
- Gỡ cài đặt chương trình KHÔNG xoá dữ liệu và các thiết lập.

6. SAO LƯU TRƯỚC KHI NÂNG CẤP
- Trước khi cài phiên bản mới: mở chương trình, vào Tệp > Sao lưu ra USB…,
  lưu bản sao lưu ra USB hoặc ổ khác. Khi nâng cấp, chương trình còn tự sao
  một bản vào thư mục backups trước khi đổi cấu trúc dữ liệu.

7. NHIỀU MÁY DÙNG CHUNG MỘT TỆP DỮ LIỆU
- Mọi máy mở cùng một tệp dữ liệu (chép qua lại bằng USB) phải dùng CÙNG MỘT
  phiên bản chương trình. Cài phiên bản mới cho tất cả các máy cùng lúc.
- Tệp đã mở bằng bản mới có thể không mở được bằng bản cũ: chương trình sẽ báo
  và không thay đổi tệp.

8. KHI CẦN HỖ TRỢ
- Trong chương trình: Trợ giúp > Hướng dẫn sử dụng; Trợ giúp > Giới thiệu
  (xem phiên bản, thư mục dữ liệu); Trợ giúp > Mở thư mục nhật ký lỗi.
"""


def _check_installer(path: Path) -> None:
    if not path.is_file():
        raise KitError(f"installer not found: {path} (build it: python packaging/build.py, on Windows)")
    with path.open("rb") as handle:
        magic = handle.read(2)
    if path.suffix.lower() != ".exe" or magic != b"MZ":
        raise KitError(f"{path.name} is not a Windows program (.exe starting with MZ)")


def _check_zip(path: Path) -> None:
    if not path.is_file():
        raise KitError(f"portable zip not found: {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise KitError(f"{path.name} is not a zip file") from exc
    if EXE_IN_ZIP not in names:
        raise KitError(f"{path.name} has no {EXE_IN_ZIP}: not the Windows bundle")


def write_sums(folder: Path) -> Path:
    lines = [f"{sha256(p)}  {p.name}" for p in sorted(folder.iterdir()) if p.is_file() and p.name != SUMS]
    target = folder / SUMS
    target.write_text("\n".join(lines) + "\n", encoding="ascii", newline="\r\n")
    return target


def verify(folder: Path) -> list[str]:
    """Problems found (empty when every file matches and nothing is missing or extra)."""
    sums = folder / SUMS
    if not sums.exists():
        return [f"{SUMS} missing"]
    problems = []
    listed = set()
    for line in sums.read_text(encoding="ascii").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        listed.add(name)
        path = folder / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif sha256(path) != digest.lower():
            problems.append(f"{name}: checksum differs")
    for path in folder.iterdir():
        if path.is_file() and path.name not in listed and path.name != SUMS:
            problems.append(f"{path.name}: not in {SUMS}")
    return problems


def make_kit(
    out: Path,
    *,
    installer: Path,
    portable: Path,
    guide: Path | None = None,
    notices: Path | None = None,
    version: str = __version__,
) -> Path:
    _check_installer(installer)
    _check_zip(portable)
    if guide is None or not guide.exists():
        import guide as guide_builder

        guide = guide_builder.build_pdf(out=guide or ROOT / "build" / "guide" / "huong-dan-su-dung.pdf")
    if notices is None or not notices.exists():
        import notices as notices_builder

        notices = notices_builder.write_notices(notices or ROOT / "build" / "licences" / "THIRD-PARTY-NOTICES.txt")
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():
        if stale.is_file():
            stale.unlink()
    names = {
        installer: f"GiamNgheo-Setup-{version}.exe",
        portable: f"GiamNgheo-{version}-windows-amd64.zip",
        guide: f"HuongDanSuDung-{version}.pdf",
        notices: "THIRD-PARTY-NOTICES.txt",
        ROOT / "LICENSE": "LICENSE.txt",
    }
    for source, name in names.items():
        shutil.copy2(source, out / name)
    text = read_first(version, names[installer], names[portable], names[guide])
    # UTF-8 with BOM and CRLF: Notepad on every Windows 10 shows the Vietnamese letters
    (out / README_NAME).write_text(text, encoding="utf-8-sig", newline="\r\n")
    write_sums(out)
    problems = verify(out)
    if problems:
        raise KitError("kit checksums do not verify: " + "; ".join(problems))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="the stick folder to fill")
    parser.add_argument("--installer", type=Path, default=DIST / f"GiamNgheo-Setup-{__version__}.exe")
    parser.add_argument("--zip", type=Path, default=DIST / f"GiamNgheo-{__version__}-windows-amd64.zip")
    parser.add_argument("--guide", type=Path, default=None)
    parser.add_argument("--notices", type=Path, default=None)
    parser.add_argument("--verify", type=Path, metavar="DIR", help="check a stick folder against its SHA256SUMS.txt")
    args = parser.parse_args()
    if args.verify:
        problems = verify(args.verify)
        for problem in problems:
            print(problem)
        print("OK" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if not args.out:
        parser.error("--out DIR is required")
    kit = make_kit(args.out, installer=args.installer, portable=args.zip, guide=args.guide, notices=args.notices)
    for path in sorted(kit.iterdir()):
        print(f"{path.stat().st_size:>12}  {path.name}")
    print(f"kit ready: {kit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
