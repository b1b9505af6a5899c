#!/usr/bin/env bash
# Installs what is missing, then starts Giảm nghèo Desktop on its default database
# (created on first run in the user's data folder). Extra arguments go to main.py,
# e.g. --demo to open a demo commune.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py "$@"
