#!/usr/bin/env bash
# Installs what is missing (as root also the system packages the tests need), then
# runs lint (ruff), format check, type check (mypy over the whole tree) and the whole test
# suite offscreen. Fails when any of them fails or when pytest ran no test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
PY=.venv/bin/python

echo ">> ruff check"
$PY -m ruff check .
echo ">> ruff format --check"
$PY -m ruff format --check .
echo ">> mypy (the whole tree; strict on the core: pyproject.toml)"
$PY -m mypy
echo ">> pytest"
set +e
$PY -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest ran no test: failing." >&2
  exit 1
fi
exit "$status"
