#!/usr/bin/env bash
# Installs what is missing to run Giảm nghèo Desktop (and, with --dev, its tests):
# system libraries when run as root on Debian/Ubuntu, a virtual environment in
# .venv, and the pinned Python packages. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

# Qt needs these on a bare machine (offscreen and on a real display).
RUNTIME_PKGS="python3 python3-venv python3-pip ca-certificates libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-xinerama0"
# Independent checkers of the files we produce (tests only): pdftotext/pdftoppm, LibreOffice.
DEV_PKGS="poppler-utils libreoffice-calc-nogui"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  pkgs="$RUNTIME_PKGS"
  [ "$DEV" = 1 ] && pkgs="$pkgs $DEV_PKGS"
  for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo ">> Cài gói hệ thống:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo ">> Cài gói hệ thống (sudo):$missing"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo ">> Thiếu gói hệ thống:$missing"
    echo ">> Hãy chạy với quyền root: sudo apt-get install$missing"
  fi
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Cần Python 3.11 trở lên (đang có: $("$PY" --version 2>&1))." >&2
  exit 1
fi
if [ -L .venv ] && [ ! -x .venv/bin/python ]; then
  rm .venv  # a link to an environment that is gone (or to itself): make a real one here
fi
if [ ! -x .venv/bin/python ]; then
  echo ">> Tạo môi trường ảo .venv"
  "$PY" -m venv .venv
fi
req=requirements.txt
[ "$DEV" = 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(basename "$req" .txt)"
if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  echo ">> Cài thư viện Python ($req)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
  touch "$stamp"
fi
