#!/usr/bin/env bash
# Loopback load test of the Conekta sync handler (conektasync.NewHandler)
# against a net/http baseline doing only the irreducible work, served the same
# way, in one run. Installs wrk with apt if it is missing. Targets (issue 4):
# the SDK at least 0.8x the baseline's requests per second and at most 1.5x
# its p99 latency. Not run by CI: run it by hand.
#
#   bash scripts/loadtest-conekta-sync.sh            # 10 s each
#   DURATION=30s CONNECTIONS=64 bash scripts/loadtest-conekta-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk with apt"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq wrk >/dev/null
fi

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/server" ./scripts/loadtest-conekta-sync
"$tmp/server" -bodies "$tmp/lookups.tsv" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q '^ready' "$tmp/server.log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
  sleep 0.1
done
ready=$(grep '^ready' "$tmp/server.log") || { echo "the servers did not start"; cat "$tmp/server.log"; exit 1; }
sdk=$(sed 's/.*sdk=\([^ ]*\).*/\1/' <<<"$ready")
base=$(sed 's/.*baseline=\([^ ]*\).*/\1/' <<<"$ready")

load() { # address duration
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout 5s -s scripts/loadtest-conekta-sync.lua \
    "http://$1/conekta/approval" -- "$tmp/lookups.tsv" | grep '^RESULT'
}

echo "warming up both servers (2 s each)"
load "$base" 2s >/dev/null
load "$sdk" 2s >/dev/null
echo "loading each for $DURATION: $THREADS threads, $CONNECTIONS connections, loopback"
b=$(load "$base" "$DURATION")
s=$(load "$sdk" "$DURATION")

field() { sed "s/.*$2=\([^ ]*\).*/\1/" <<<"$1"; }
printf '\n%-10s %12s %10s %10s %10s %8s\n' server "requests/s" "p50 (us)" "p99 (us)" requests errors
for row in "baseline:$b" "sdk:$s"; do
  name=${row%%:*}; r=${row#*:}
  printf '%-10s %12s %10s %10s %10s %8s\n' "$name" "$(field "$r" rps)" "$(field "$r" p50_us)" "$(field "$r" p99_us)" "$(field "$r" requests)" "$(field "$r" errors)"
done
awk -v sr="$(field "$s" rps)" -v br="$(field "$b" rps)" -v sp="$(field "$s" p99_us)" -v bp="$(field "$b" p99_us)" 'BEGIN {
  rr = sr / br; pr = sp / bp
  printf "\nratios (sdk / baseline): requests/s %.2fx (target >= 0.8x: %s), p99 %.2fx (target <= 1.5x: %s)\n",
    rr, (rr >= 0.8 ? "met" : "MISSED"), pr, (pr <= 1.5 ? "met" : "MISSED")
}'
