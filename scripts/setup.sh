#!/usr/bin/env bash
# One setup step for the demo, the tests and CI: a virtualenv with the pinned requirements
# and this package (editable), plus the pinned Pulumi CLI and language hosts, and what the
# SDK tests compile with (the SDK generator, node_modules, Go modules).
# Idempotent and quick when nothing changed. Prints progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[setup] $*" >&2; }
started=$SECONDS

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python=$candidate; break; fi
  done
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
  echo "[setup] Python 3.11 or newer is needed (found: ${python:-none}); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $("$python" --version)"
  "$python" -m venv .venv
fi
want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.omics-resources-requirements 2>/dev/null)" != "$want" ]; then
  log "installing pinned requirements into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > .venv/.omics-resources-requirements
else
  log ".venv is up to date"
fi

bash scripts/setup_pulumi.sh >/dev/null
bash scripts/setup_tofu.sh >/dev/null
bash scripts/setup_sdks.sh >/dev/null
log "ready in $((SECONDS - started)) s"
