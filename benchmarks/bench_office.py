"""Receiving office at scale: C communes' annual packages of H households each are taken
in, and the combined annual tables are built and written — against raw floors measured in the
same run (reading every zip and parsing its data without any check; reading every stored table).
Prints times, ratios and each phase's peak memory (its own process). No timed assertions.

Run: ``.venv/bin/python benchmarks/bench_office.py [--communes 30] [--households 2000]``;
the issue's size is ``--communes 150 --households 10000`` (about 20 minutes on a 2-core laptop,
most of it making the one real commune the packages are cloned from).

One demo commune of H households (two closed rounds) makes a real signed package; it is cloned
C times under other commune codes, names, ID numbers and keys (each clone re-signed), so every
package is a distinct, valid one.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo_desktop.domain import periods
from giamngheo_desktop.export import package, signing
from giamngheo_desktop.export.office_open import open_for_office, package_files, peek
from giamngheo_desktop.export.xlsx import write_xlsx
from giamngheo_desktop.services import office, office_demo
from giamngheo_desktop.services.package import make_package
from giamngheo_desktop.storage.database import open_database
from giamngheo_desktop.storage.office_db import open_office

PERIOD = periods.year(2026)


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_packages(root: Path, communes: int, households: int) -> Path:
    folder = root / "goi"
    if folder.exists() and len(list(folder.glob("*.zip"))) == communes:
        return folder
    template_db = root / "mau.sqlite"
    start = time.perf_counter()
    with open_database(template_db) as db:
        office_demo.demo_commune(db, n=0, households=households)
        result = make_package(db, period=PERIOD, write=lambda c: package.write_package(c, root / "mau"))
    print(f"real commune of {households} households and its package: {time.perf_counter() - start:.1f} s")
    with zipfile.ZipFile(result.path) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    folder.mkdir(exist_ok=True)
    for i in range(communes):
        code, name = office_demo.demo_code(i), office_demo.demo_name(i)
        data = json.loads(files[package.DATA])
        data["commune"].update(code=code, name=name)
        for h in data["households"]:
            for m in h["members"]:
                if m.get("id_number"):
                    m["id_number"] = f"{i:03d}{m['id_number'][3:]}"
        data_bytes = json.dumps(data, ensure_ascii=False).encode("utf-8")
        manifest = json.loads(files[package.MANIFEST])
        manifest["commune"].update(code=code, name=name)
        key = signing.commune_key(code)
        manifest["signer"]["key_id"] = key.key_id
        for f in manifest["files"]:
            if f["name"] == package.DATA:
                f["size"], f["sha256"] = len(data_bytes), package.sha256_bytes(data_bytes)
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        import base64

        out = {
            package.MANIFEST: manifest_bytes,
            package.SIGNATURE: base64.b64encode(key.sign(manifest_bytes)),
            package.WORKBOOK: files[package.WORKBOOK],
            package.DATA: data_bytes,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, b in out.items():
                zf.writestr(n, b)
        (folder / f"goi-du-lieu-{code}-2026-lan01.zip").write_bytes(buffer.getvalue())
    return folder


def phase_floor_read(folder: Path) -> dict[str, float]:
    start = time.perf_counter()
    rows = 0
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as zf:
            data = json.loads(zf.read(package.DATA))
            rows += sum(len(h["members"]) for h in data["households"])
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "members": rows}


def phase_import(folder: Path, office_file: Path) -> dict[str, float]:
    with open_office(office_file) as db:
        office.setup_office(db, office.OfficeSettings("Sở Nông nghiệp và Môi trường (thử tải)"))
        files = package_files([folder])
        for i in range(len(files)):
            code = office_demo.demo_code(i)
            office.save_commune(db, office.CommuneEntry(code, office_demo.demo_name(i)))
            office.register_key(db, signing.commune_key(code, create=False).public_text)
        keys = office.OfficeKeys(db)
        start = time.perf_counter()
        summary = office.receive_packages(db, files, lambda p: open_for_office(p, keys), peek=peek)
        elapsed = time.perf_counter() - start
        assert not summary.refused, summary.refused[:3]
        again_start = time.perf_counter()
        again = office.receive_packages(db, files, lambda p: open_for_office(p, keys), peek=peek)
        again_s = time.perf_counter() - again_start
        assert len(again.unchanged) == len(files)
    size = office_file.stat().st_size / 1e6
    return {"seconds": elapsed, "reimport_seconds": again_s, "peak_mb": peak_mb(), "file_mb": size}


def phase_floor_tables(office_file: Path) -> dict[str, float]:
    import sqlite3

    start = time.perf_counter()
    conn = sqlite3.connect(office_file)
    n = sum(1 for (d,) in conn.execute("SELECT data FROM office_report") if json.loads(d))
    conn.close()
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "tables": n}


def phase_report(office_file: Path, out: Path) -> dict[str, float]:
    with open_office(office_file, write=False) as db:
        start = time.perf_counter()
        reports = office.combined_reports(db, PERIOD.key)
        built = time.perf_counter() - start
        checks = office.cross_checks(db, PERIOD.key)
        checked = time.perf_counter() - start - built
    start = time.perf_counter()
    write_xlsx(reports, out)
    written = time.perf_counter() - start
    return {"seconds": built, "checks_seconds": checked, "xlsx_seconds": written, "peak_mb": peak_mb(),
            "findings": len(checks)}  # fmt: skip


def run_phase(name: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, *args], check=True, capture_output=True, text=True, env=os.environ
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=30)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--work", type=Path, help="folder kept between runs (packages are reused)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phases: dict[str, Callable[..., Any]] = {
            "floor_read": phase_floor_read,
            "import": phase_import,
            "floor_tables": phase_floor_tables,
            "report": phase_report,
        }
        fn = phases[args.phase]
        print(json.dumps(fn(*[Path(a) for a in args.args])))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = args.work or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        os.environ["GIAMNGHEO_DATA_DIR"] = str(root / "appdata")  # the demo communes' signing keys
        folder = make_packages(root, args.communes, args.households)
        office_file = root / "noi-nhan.sqlite"
        for leftover in root.glob("noi-nhan.sqlite*"):
            leftover.unlink()
        size = sum(p.stat().st_size for p in folder.glob("*.zip")) / 1e6
        print(f"{args.communes} communes × {args.households} households: {size:.1f} MB of packages")
        floor = run_phase("floor_read", str(folder))
        imp = run_phase("import", str(folder), str(office_file))
        tfloor = run_phase("floor_tables", str(office_file))
        rep = run_phase("report", str(office_file), str(root / "tong-hop.xlsx"))
    print(f"{'raw floor: unzip + parse every package':<52} {floor['seconds']:8.2f} s  {floor['peak_mb']:7.0f} MB")
    print(
        f"{'office import (every check, stored)':<52} {imp['seconds']:8.2f} s  {imp['peak_mb']:7.0f} MB"
        f"  ratio {imp['seconds'] / max(floor['seconds'], 1e-9):5.1f}x  office file {imp['file_mb']:.0f} MB"
    )
    print(f"{'re-import of the same folder (nothing changes)':<52} {imp['reimport_seconds']:8.2f} s")
    print(f"{'raw floor: read every stored table':<52} {tfloor['seconds']:8.2f} s  {tfloor['peak_mb']:7.0f} MB")
    print(
        f"{'combined annual tables (all kinds)':<52} {rep['seconds']:8.2f} s  {rep['peak_mb']:7.0f} MB"
        f"  ratio {rep['seconds'] / max(tfloor['seconds'], 1e-9):5.1f}x"
    )
    print(f"{'checks across communes':<52} {rep['checks_seconds']:8.2f} s  ({rep['findings']:.0f} findings)")
    print(f"{'combined workbook written':<52} {rep['xlsx_seconds']:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
