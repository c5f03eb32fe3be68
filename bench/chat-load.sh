#!/usr/bin/env bash
# Chat load benchmark, end to end: builds the release binaries, starts a
# throwaway server on a temporary data directory, creates the counsellor
# accounts with the counsellor CLI, runs loadgen, stops the server.
#
#   bench/chat-load.sh [N] [more loadgen flags...]
#
# N: concurrent conversations (default 100). Counsellors: max(4, N/50),
# or COUNSELLORS=K. Port: PORT (default 3950). Extra flags go to loadgen,
# e.g. `bench/chat-load.sh 1000 --messages 10`.
# Exit status: loadgen's (0 = nothing lost, duplicated or failed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../scripts/env.sh
source scripts/env.sh

N="${1:-100}"
shift || true
K="${COUNSELLORS:-$((N / 50 > 4 ? N / 50 : 4))}"
PORT="${PORT:-3950}"

step "build (release)"
nice -n 5 cargo build --release -p server --bin server --bin counsellor --bin loadgen

DATA="$(mktemp -d)"
export FRONT_DOOR_DATA_DIR="$DATA" FRONT_DOOR_ADDR="127.0.0.1:$PORT"
unset DATABASE_URL
# Open around the clock, so the benchmark runs at any hour.
export FRONT_DOOR_CONFIG="$ROOT/end2end/front-door.e2e.toml"
# A throwaway password for throwaway accounts in a throwaway database.
PASSWORD="loadtest $(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

step "server on 127.0.0.1:$PORT, data in $DATA"
target/release/server >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
stop() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
  sleep 0.1
done

step "$K counsellor accounts"
for i in $(seq 1 "$K"); do
  printf '%s\n' "$PASSWORD" |
    target/release/counsellor add --login "loadtest$i" --first-name "Load$i" >/dev/null
done

step "loadgen: $N conversations"
status=0
target/release/loadgen --url "http://127.0.0.1:$PORT" --conversations "$N" \
  --counsellors "$K" --password "$PASSWORD" --server-pid "$SERVER_PID" "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 20 lines) ---" >&2
  tail -n 20 "$DATA/server.log" >&2
fi
exit "$status"
