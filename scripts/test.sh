#!/usr/bin/env bash
# The test command: set up everything (venv, pinned pulumi CLI), then lint, type-check and
# run every test layer (unit, integration against the emulator, end-to-end with the real
# CLI), and a smoke run of the benchmarks. Exits non-zero on any failure.
# Extra arguments go to pytest (e.g. `scripts/test.sh tests/unit -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

echo "== ruff" >&2
ruff check omics_resources tests harness benchmarks tools demo_support examples __main__.py
ruff format --check omics_resources
echo "== mypy --strict" >&2
mypy
echo "== pytest" >&2
status=0
python -m pytest "${@:-tests}" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
if [ $# -eq 0 ]; then
  echo "== benchmarks (smoke)" >&2
  python -m benchmarks --smoke
fi
