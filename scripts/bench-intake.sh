#!/usr/bin/env bash
# Intake benchmark: report submissions against the machine's scrypt limit.
#
# Builds the release binary, serves `candor demo` on a free loopback port from a fresh temporary
# data/keys folder, measures in the same run how many scrypt derivations (N=2^14, r=8, p=1) per
# second the cores can do (Python's hashlib.scrypt is OpenSSL's, as the server's), then submits
# a ~2 KB report (multipart, mixed Chinese/ASCII narrative) at 1, 8 and 32 concurrent reporters,
# and at 32 again while 64 more clients flood POST /status with wrong well-formed codes, and one
# genuine reporter opens their own case every 0.1 s (genuine_lookup_first_try_rate: the share of
# its lookups answered at once, not "busy"; and their p99).
# Server RSS: idle (VmRSS before load) and peak (VmHWM at the end, reset after the idle reading so
# that it covers the benchmark and not the demo's setup). Last line: RESULT ...
#
# Every target is enforced: a failed build, an error, or a missed target ends the script
# non-zero, naming what failed. Lines read by `make measure`: TARGETS ... and RESULT ...
#
# Knobs (environment): DURATION (s per run, default 10), WARMUP (2), KDF_SECONDS (5),
# CONCURRENCY ("1 8 32"; 32 is needed for the targets), FLOOD (64), PORT (default: a free one).
# Targets, so that a run can show a miss failing: TARGET_EFFICIENCY (0.8), TARGET_P99_SLACK_MS
# (25: p99 at 1 reporter <= one derivation + this), TARGET_FLOOD_SHARE (0.5), TARGET_IDLE_RSS_MIB
# (30), TARGET_PEAK_RSS_MIB (100), TARGET_GENUINE_RATE (0.99).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-packages.sh /usr/include/openssl/evp.h libssl-dev /usr/include/sqlite3.h libsqlite3-dev \
  /usr/bin/pkg-config pkg-config /usr/bin/python3 python3

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
KDF_SECONDS=${KDF_SECONDS:-5}
CONCURRENCY=${CONCURRENCY:-"1 8 32"}
FLOOD=${FLOOD:-64}
LOAD="python3 scripts/intake_load.py"

TMP=$(mktemp -d /tmp/candor-bench-intake.XXXXXX)
. scripts/lib/release-demo.sh
build_release
start_demo

kb() { awk -v k="$1" '$1==k":" {print $2}' "/proc/$SERVER_PID/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat"; }
# Idle means idle: the server makes its unknown-login look-alike hash (a 128 MiB scrypt) on a
# thread as it starts, and on a busy machine that can outlast a fixed sleep. Wait until the
# process has used under 5 % of a core for two half-seconds in a row (at most 120 s).
quiet=0
for _ in $(seq 1 240); do
  before=$(cpu_ticks); sleep 0.5; after=$(cpu_ticks)
  if [ $((after - before)) -le $(( $(getconf CLK_TCK) / 40 )) ]; then quiet=$((quiet + 1)); else quiet=0; fi
  [ "$quiet" -ge 2 ] && break
done
[ "$quiet" -ge 2 ] || echo "WARNING: the server never went quiet; idle RSS is read anyway"
IDLE_RSS_MB=$(mib "$(kb VmRSS)")
SETUP_HWM_MB=$(mib "$(kb VmHWM)")
# Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so that the peak is the
# benchmark's; the demo's setup (staff password scrypt in the same process) peaks higher.
HWM_RESET=1
echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || HWM_RESET=0
echo "idle RSS $IDLE_RSS_MB MiB (VmHWM after demo setup $SETUP_HWM_MB MiB; HWM reset: $HWM_RESET)"

echo "== scrypt limit of this machine (N=2^14 r=8 p=1, hashlib = OpenSSL)"
$LOAD kdf --seconds "$KDF_SECONDS" --out "$TMP/kdf.json"

echo "== preflight"
$LOAD preflight --port "$PORT"

RUNS=()
for c in $CONCURRENCY; do
  echo "== $c reporter(s), ${WARMUP}s warm-up + ${DURATION}s"
  $LOAD load --port "$PORT" --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP" \
    --server-pid "$SERVER_PID" --out "$TMP/c$c.json"
  RUNS+=("c$c=$TMP/c$c.json")
done
echo "== 32 reporters while $FLOOD clients flood POST /status with wrong codes"
$LOAD load --port "$PORT" --concurrency 32 --flood "$FLOOD" --duration "$DURATION" --warmup "$WARMUP" \
  --server-pid "$SERVER_PID" --top --out "$TMP/flood.json"
RUNS+=("flood=$TMP/flood.json")
echo "-- top during the flood run:"
python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['top'])" "$TMP/flood.json"

kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died during the benchmark" >&2; tail -20 "$TMP/server.log" >&2; exit 1; }
PEAK_RSS_MB=$(mib "$(kb VmHWM)")
echo "server threads at the end: $(kb Threads); RSS now $(mib "$(kb VmRSS)") MiB"
if grep -qiE "error|fatal" "$TMP/server.log"; then
  echo "-- server log lines mentioning errors:"; grep -iE "error|fatal" "$TMP/server.log" | sort | uniq -c | head -20
fi

$LOAD report --kdf "$TMP/kdf.json" --idle-rss-mb "$IDLE_RSS_MB" --peak-rss-mb "$PEAK_RSS_MB" \
  --setup-hwm-mb "$SETUP_HWM_MB" --hwm-reset "$HWM_RESET" \
  --target-efficiency "${TARGET_EFFICIENCY:-0.8}" --target-p99-slack-ms "${TARGET_P99_SLACK_MS:-25}" \
  --target-flood-share "${TARGET_FLOOD_SHARE:-0.5}" --target-idle-rss-mb "${TARGET_IDLE_RSS_MIB:-30}" \
  --target-peak-rss-mb "${TARGET_PEAK_RSS_MIB:-100}" --target-genuine-rate "${TARGET_GENUINE_RATE:-0.99}" "${RUNS[@]}"
