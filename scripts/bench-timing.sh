#!/usr/bin/env bash
# Timing benchmark: do the answers an attacker can compare take the same time?
#
# Builds the release binary (a failed build fails the run), serves `candor demo` on a free
# loopback port from a fresh temporary data/keys folder, then times, one request at a time and
# interleaved in random order: POST /status with an existing code against a missing well-formed
# code, and console logins for an unknown account, a known account with a wrong password, and a
# known account with its right password and a wrong TOTP code. scripts/timing_bench.py says how
# the samples are paired and tested, and how the demo accounts are kept clear of the lock-out.
# Exits 1 when a difference is significant and above THRESHOLD %, or when the run could not have
# found a MAX_MDE % difference. Last line: RESULT ...
#
# Knobs (environment): BUDGET (s of measuring at most, default 540; MIN_ROUNDS come first), MIN_ROUNDS (30),
# CODE_PAIRS (2 per round), STOP_MDE (4), MAX_MDE (5), THRESHOLD (2), CODE_THRESHOLD (5; see timing_bench.py), SEED, PORT (a free one),
# SAMPLES_OUT (a file to keep every sample in, as JSON).
# Beside the wall-clock times it reads the server's CPU time per request (the work, which other load on
# the machine moves far less), tested the same way.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-packages.sh /usr/include/openssl/evp.h libssl-dev /usr/include/sqlite3.h libsqlite3-dev \
  /usr/bin/pkg-config pkg-config /usr/bin/python3 python3

BUDGET=${BUDGET:-540}
MIN_ROUNDS=${MIN_ROUNDS:-30}
CODE_PAIRS=${CODE_PAIRS:-2}
STOP_MDE=${STOP_MDE:-4}
MAX_MDE=${MAX_MDE:-5}
THRESHOLD=${THRESHOLD:-2}
CODE_THRESHOLD=${CODE_THRESHOLD:-5}

TMP=$(mktemp -d /tmp/candor-bench-timing.XXXXXX)
. scripts/lib/release-demo.sh
build_release
start_demo

CPU0=$(python3 -c 'l=open("/proc/stat").readline().split()[1:9]; v=list(map(int,l)); print(sum(v)-v[3]-v[4], sum(v))')
status=0
python3 scripts/timing_bench.py --port "$PORT" --accounts "$TMP/data/demo-accounts.json" --budget "$BUDGET" \
  --min-rounds "$MIN_ROUNDS" --code-pairs "$CODE_PAIRS" --stop-mde "$STOP_MDE" --max-mde "$MAX_MDE" \
  --threshold "$THRESHOLD" --code-threshold "$CODE_THRESHOLD" ${SEED:+--seed "$SEED"} --server-pid "$SERVER_PID" --out "$TMP/timing.json" > "$TMP/client.out" || status=$?
CPU1=$(python3 -c 'l=open("/proc/stat").readline().split()[1:9]; v=list(map(int,l)); print(sum(v)-v[3]-v[4], sum(v))')
kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/client.out"; echo "server died during the benchmark" >&2; tail -20 "$TMP/server.log" >&2; exit 1; }
read -r b0 t0 <<< "$CPU0"; read -r b1 t1 <<< "$CPU1"
echo "== machine busy $(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v n="$(nproc)" 'BEGIN { printf "%.0f", t ? 100 * b / t : 0 }') % of $(nproc) cores during the run (server and client included); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${SAMPLES_OUT:-}" ] && [ -f "$TMP/timing.json" ]; then cp "$TMP/timing.json" "$SAMPLES_OUT"; fi
# The RESULT line last, as the other benchmarks print it.
grep -v '^RESULT ' "$TMP/client.out" || :
grep '^RESULT ' "$TMP/client.out" || { echo "bench-timing: the client printed no RESULT (exit $status)" >&2; exit 1; }
exit "$status"
