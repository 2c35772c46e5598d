#!/usr/bin/env bash
# The example stack against the local HealthOmics emulator, from a fresh clone:
#
#   bash scripts/demo.sh                  set up, start the emulator, `pulumi up`, show outputs
#   bash scripts/demo.sh pulumi <args>    any pulumi command on the demo stack (e.g. refresh)
#   bash scripts/demo.sh destroy          `pulumi destroy`, then stop the emulator
#
# Everything lives in .state/ (git-ignored): a file:// backend, PULUMI_HOME, the emulator's
# state file and log. Your own ~/.pulumi and AWS account are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/setup.sh
source scripts/env.sh
state=${OMICS_DEMO_STATE:-$root/.state}
mkdir -p "$state/backend"
export PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-omics-demo}"
# The emulator checks that requests are signed, not by whom: any credentials will do.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-emulator}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-emulator}"
stack=emulator
say() { echo "[demo] $*" >&2; }

emulator_up() {
  [ -f "$state/emulator.url" ] && curl -fsS "$(cat "$state/emulator.url")/_emulator/durations" >/dev/null 2>&1
}

port_free() {
  # SO_REUSEADDR as the server sets it: connections of an earlier run in TIME_WAIT don't count.
  python -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $1))" 2>/dev/null
}

start_emulator() {
  if emulator_up; then say "emulator already running at $(cat "$state/emulator.url")"; return; fi
  # The stack's resources remember the endpoint: a restarted emulator takes the port the
  # demo used before (kept in .state/emulator.port), else 4566, else any free one.
  port=$(cat "$state/emulator.port" 2>/dev/null || echo 4566)
  if ! port_free "$port"; then
    if [ -f "$state/emulator.port" ]; then
      say "port $port, where this demo's stack expects the emulator, is taken: free it and re-run"
      exit 1
    fi
    port=0
  fi
  nohup python -m omics_resources.emulator --port "$port" --state "$state/emulator.json" \
    >"$state/emulator.log" 2>&1 &
  echo $! >"$state/emulator.pid"
  for _ in $(seq 1 100); do
    url=$(head -n 1 "$state/emulator.log" 2>/dev/null || true)
    case "$url" in http://*) echo "$url" >"$state/emulator.url"; echo "${url##*:}" >"$state/emulator.port"; break ;; esac
    sleep 0.1
  done
  emulator_up || { say "the emulator did not start:"; cat "$state/emulator.log" >&2; exit 1; }
  say "emulator running at $(cat "$state/emulator.url") (log: .state/emulator.log)"
}

stop_emulator() {
  if [ -f "$state/emulator.pid" ]; then
    kill "$(cat "$state/emulator.pid")" 2>/dev/null || true
    rm -f "$state/emulator.pid" "$state/emulator.url" "$state/emulator.port"
    say "emulator stopped"
  fi
}

select_stack() {
  pulumi stack select --create "$stack" --non-interactive >/dev/null
  pulumi config set aws:region us-east-1 --stack "$stack"
  pulumi config set omics-resources:endpoint "$(cat "$state/emulator.url")" --stack "$stack"
}

case "${1:-up}" in
  up)
    start_emulator
    select_stack
    pulumi up --yes --non-interactive --stack "$stack"
    pulumi stack output --stack "$stack"
    cat >&2 <<MSG

[demo] Done. Look around (the emulator keeps running, its state in .state/emulator.json):
         bash scripts/demo.sh pulumi stack output --json
         bash scripts/demo.sh pulumi refresh --yes        # reports job and read-set status
         curl -s $(cat "$state/emulator.url")/_emulator/jobs  # what the emulator holds
       Tear down (read sets are kept unless deleteReadSetsOnDestroy; the emulator stops):
         bash scripts/demo.sh destroy
MSG
    ;;
  pulumi)
    shift
    start_emulator
    select_stack
    pulumi "$@"
    ;;
  destroy)
    if emulator_up || { start_emulator && true; }; then
      select_stack
      pulumi destroy --yes --non-interactive --stack "$stack"
    fi
    stop_emulator
    ;;
  *)
    echo "usage: bash scripts/demo.sh [up | destroy | pulumi <args>]" >&2
    exit 2
    ;;
esac
