#!/usr/bin/env bash
# The front door and its Node.js peer (bench/node-peer: socket.io 4 +
# better-sqlite3 12) side by side, in one run, on the same open-loop schedule:
#
#   bench/compare.sh            # everything below, ~15 minutes
#   QUICK=1 bench/compare.sh    # smaller N, for trying the script
#
# 1. 9,000 concurrent conversations at 2,000 visitor msg/s (target p99 < 20 ms);
# 2. 1,000 conversations at rising rates: the highest rate whose relay p99
#    stays <= 40 ms, ours against the peer's (target: at least twice);
# 3. memory per idle socket (conversations open, nobody writing);
# 4. two front door nodes on one PostgreSQL: visitors on node A, consoles on
#    node B (every message crosses nodes through LISTEN/NOTIFY).
#
# Ours is driven by loadgen (server/src/bin/loadgen.rs), the peer by
# bench/node-peer/driver.js: the same schedule, the same measurements, the
# same report lines. Results: bench/results/compare.txt (every report),
# bench/results/compare.tsv (the table) and bench/latency-vs-rate.svg.
# Ports 3950-3959. Targets are reported, never asserted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../scripts/env.sh
source scripts/env.sh

BIG="${BIG:-9000}"
SWEEP_N="${SWEEP_N:-1000}"
RATES="${RATES:-500 1000 2000 4000 8000}"
IDLE_N="${IDLE_N:-5000}"
NODES_N="${NODES_N:-1000}"
if [ -n "${QUICK:-}" ]; then
  BIG=500 SWEEP_N=200 RATES="200 400" IDLE_N=300 NODES_N=100
fi
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
OUT=bench/results
mkdir -p "$OUT"
REPORT="$OUT/compare.txt"
TABLE="$OUT/compare.tsv"
: >"$REPORT"
printf 'scenario\tsystem\tconversations\toffered_msg_s\tdelivered_msg_s\trelay_p50\trelay_p90\trelay_p99\trelay_max\treply_p99\tack_p50\tack_p99\tlost\tduplicated\tkib_per_idle_conversation\tserver_cpu\tdriver_cpu\n' >"$TABLE"

step "build (release) and the Node peer's packages"
nice -n 5 cargo build --release -p server --bin server --bin counsellor --bin loadgen
(cd bench/node-peer && { [ -d node_modules ] || npm ci --no-audit --no-fund; })

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
PASSWORD="loadtest $(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export FRONT_DOOR_CONFIG="$ROOT/end2end/front-door.e2e.toml"

# Counsellor accounts loadtest1..K, allowed as many chats as loadgen gives
# each (the default maximum is 3).
accounts() { # K, then the database env
  local k=$1
  for i in $(seq 1 "$k"); do
    printf '%s\n' "$PASSWORD" |
      target/release/counsellor add --login "loadtest$i" --first-name "Load$i" >/dev/null
  done
}

# A template SQLite data folder with the accounts, copied for every run.
# Consoles: one per 50 conversations, and enough that the replies (every
# fifth message) fit the server's per-console frame limit (10/s; loadgen
# spends 9.5) with room: at most 8 replies/s each. Too few consoles would
# make the replies, not the relay, set the delivered rate.
consoles_for() { # conversations, offered msg/s
  local by_n=$(($1 / 50)) by_rate=$((($2 + 39) / 40)) k
  k=$((by_n > by_rate ? by_n : by_rate))
  echo $((k > 4 ? k : 4))
}
MAXK=4
for r in $RATES; do
  # The rate the sweep really offers: the interval is whole milliseconds.
  ms=$((SWEEP_N * 1000 / r))
  k=$(consoles_for "$SWEEP_N" $((SWEEP_N * 1000 / ms))); MAXK=$((k > MAXK ? k : MAXK))
done
k=$(consoles_for "$BIG" 2000); MAXK=$((k > MAXK ? k : MAXK))
k=$(consoles_for "$IDLE_N" 0); MAXK=$((k > MAXK ? k : MAXK))
step "template database with $MAXK counsellor accounts"
TEMPLATE="$WORK/template"
(
  export FRONT_DOOR_DATA_DIR="$TEMPLATE"
  unset DATABASE_URL
  accounts "$MAXK"
)
sqlite3 "$TEMPLATE/front-door.db" "PRAGMA wal_checkpoint(TRUNCATE); UPDATE counsellors SET max_chats = 100000;" >/dev/null

wait_ready() { # url pid log
  for _ in $(seq 1 300); do
    curl -fsS "$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -n 20 "$3"; return 1; }
    sleep 0.1
  done
  return 1
}

# Reads one loadgen/driver report into a table row.
row() { # scenario system n offered file
  awk -v s="$1" -v sys="$2" -v n="$3" -v off="$4" '
    function pct(line, key,   r) { r = line; sub(".*" key " ", "", r); sub(" .*", "", r); return r }
    /^delivered:/ { split($0, a, ", "); d = a[2]; sub(" msg/s", "", d) }
    /^relay latency visitor->counsellor:/ { r50 = pct($0, "p50"); r90 = pct($0, "p90"); r99 = pct($0, "p99"); rmax = pct($0, "max") }
    /^relay latency counsellor->visitor:/ { b99 = pct($0, "p99") }
    /^ack latency/ { a50 = pct($0, "p50"); a99 = pct($0, "p99") }
    /^lost:/ { lost = $2 }
    /^duplicated:/ { dup = $2 }
    /^server RSS per idle conversation:/ { kib = $6 }
    /^server CPU, messaging/ { cpu = $0; sub(" of one core.*", "", cpu); sub(".*= ", "", cpu) }
    /^loadgen CPU:/ { own = $0; sub(" of one core.*", "", own); sub(".*= ", "", own) }
    END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, sys, n, off, d, r50, r90, r99, rmax, b99, a50, a99, lost, dup, kib, cpu, own }
  ' "$5" >>"$TABLE"
}

PORT=3950
ours() { # scenario n messages interval_ms
  local scenario=$1 n=$2 m=$3 ms=$4 k
  k=$(consoles_for "$n" $((m > 0 ? n * 1000 / ms : 0)))
  local dir="$WORK/ours-$scenario-$n-$ms" log="$WORK/ours.log" file="$WORK/report"
  cp -a "$TEMPLATE" "$dir"
  env -u DATABASE_URL FRONT_DOOR_DATA_DIR="$dir" FRONT_DOOR_ADDR="127.0.0.1:$PORT" \
    target/release/server >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_ready "http://127.0.0.1:$PORT" "$pid" "$log"
  local ramp=$((n / 400 > 5 ? n / 400 : 5))
  target/release/loadgen --url "http://127.0.0.1:$PORT" --conversations "$n" --counsellors "$k" \
    --password "$PASSWORD" --server-pid "$pid" --messages "$m" --interval-ms "$ms" \
    --ramp-secs "$ramp" >"$file" 2>&1 || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  { echo "### $scenario: front door, $n conversations, $m messages every $ms ms"; cat "$file"; echo; } >>"$REPORT"
  row "$scenario" "front door" "$n" "$((n * 1000 / ms))" "$file"
  rm -rf "$dir"
}

peer() { # scenario n messages interval_ms
  local scenario=$1 n=$2 m=$3 ms=$4 k
  k=$(consoles_for "$n" $((m > 0 ? n * 1000 / ms : 0)))
  local db="$WORK/peer.db" log="$WORK/peer.log" file="$WORK/report"
  rm -f "$db"*
  PORT=$((PORT + 1)) DB="$db" node --expose-gc bench/node-peer/server.js >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_ready_peer() {
    for _ in $(seq 1 100); do grep -q "node peer on" "$log" && return 0; sleep 0.1; done
    return 1
  }
  wait_ready_peer
  local ramp=$((n / 400 > 5 ? n / 400 : 5))
  node bench/node-peer/driver.js --url "http://127.0.0.1:$((PORT + 1))" --conversations "$n" \
    --counsellors "$k" --messages "$m" --interval-ms "$ms" --ramp-secs "$ramp" \
    --server-pid "$pid" >"$file" 2>&1 || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  { echo "### $scenario: node peer, $n conversations, $m messages every $ms ms"; cat "$file"; echo; } >>"$REPORT"
  row "$scenario" "node peer" "$n" "$((n * 1000 / ms))" "$file"
}

{
  echo "# bench/compare.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >>"$REPORT"

BIG_MS=$((BIG * 1000 / 2000))
step "1. $BIG conversations at 2,000 msg/s"
ours big "$BIG" 6 "$BIG_MS"
peer big "$BIG" 6 "$BIG_MS"

step "2. $SWEEP_N conversations at rising rates: $RATES msg/s"
for rate in $RATES; do
  ms=$((SWEEP_N * 1000 / rate))
  # Ten messages each: within the per-conversation burst allowance (10),
  # so the server's rate limit does not refuse the faster rates.
  ours sweep "$SWEEP_N" 10 "$ms"
  peer sweep "$SWEEP_N" 10 "$ms"
done

step "3. $IDLE_N idle conversations (memory per socket)"
ours idle "$IDLE_N" 0 1000
peer idle "$IDLE_N" 0 1000

step "4. two front door nodes on one PostgreSQL, $NODES_N conversations"
DBNAME="front_door_bench_$$"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DBNAME" -c "CREATE DATABASE $DBNAME" >/dev/null
export DATABASE_URL="$PG/$DBNAME"
K2=$(consoles_for "$NODES_N" "$NODES_N")
(FRONT_DOOR_DATA_DIR="$WORK/nodes" accounts "$K2")
psql "$DATABASE_URL" -qc "UPDATE counsellors SET max_chats = 100000" >/dev/null
for node in a b; do
  p=$([ "$node" = a ] && echo 3952 || echo 3953)
  FRONT_DOOR_DATA_DIR="$WORK/nodes" FRONT_DOOR_ADDR="127.0.0.1:$p" \
    target/release/server >"$WORK/node-$node.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  eval "NODE_$node=$pid"
  wait_ready "http://127.0.0.1:$p" "$pid" "$WORK/node-$node.log"
done
file="$WORK/report"
target/release/loadgen --url http://127.0.0.1:3952 --console-url http://127.0.0.1:3953 \
  --conversations "$NODES_N" --counsellors "$K2" --password "$PASSWORD" --server-pid "$NODE_a" \
  --messages 10 --interval-ms 1000 >"$file" 2>&1 || true
{
  echo "### nodes: two front door nodes on PostgreSQL (visitors on A, consoles on B), $NODES_N conversations"
  echo "(server RSS/CPU lines are node A's; node B: $(ps -o rss=,time= -p "$NODE_b" | awk '{print $1 " KiB RSS, " $2 " CPU time"}'))"
  cat "$file"
  echo
} >>"$REPORT"
row nodes "front door, 2 nodes, PostgreSQL" "$NODES_N" "$NODES_N" "$file"
kill "$NODE_a" "$NODE_b"; wait "$NODE_a" "$NODE_b" 2>/dev/null || true
unset DATABASE_URL
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null || true

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$REPORT"
node bench/chart.js "$TABLE" bench/latency-vs-rate.svg
step "results"
column -t -s $'\t' "$TABLE"
echo "(reports: $REPORT; chart: bench/latency-vs-rate.svg)"
