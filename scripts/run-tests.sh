#!/usr/bin/env bash
# Installs what is missing (as root also the system packages the tests need), then
# runs lint (ruff), format check, type check (mypy over the whole tree), tests/core in a second
# environment without PySide6 (.venv-core: proves the core needs no Qt) and the whole test suite
# offscreen. Fails when any of them fails or when pytest ran no test.
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
echo ">> pytest tests/core without Qt (.venv-core: the requirements without PySide6 and pytest-qt)"
CORE=.venv-core
if [ ! -x "$CORE/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$CORE"
fi
core_req="$CORE/requirements.txt"
grep -hv -e '^-r' -e '^#' -e '^PySide6' -e '^pytest-qt' -e '^ruff' -e '^mypy' -e '^check-jsonschema' \
  requirements.txt requirements-dev.txt | grep . > "$core_req.new"
if ! cmp -s "$core_req.new" "$core_req"; then
  "$CORE/bin/python" -m pip install -q --disable-pip-version-check -r "$core_req.new"
  mv "$core_req.new" "$core_req"
fi
rm -f "$core_req.new"
if "$CORE/bin/python" -c 'import PySide6' 2>/dev/null; then
  echo "PySide6 is installed in $CORE: the core run would not prove anything." >&2
  exit 1
fi
# the ini keys of pytest-qt are unknown there: no --strict-config for this run
"$CORE/bin/python" -m pytest tests/core -q -p no:cacheprovider -o addopts="--strict-markers -ra"

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
