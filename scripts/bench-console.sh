#!/usr/bin/env bash
# Console benchmark (issue 16): the staff pages at 1,000, 10,000 and 100,000 cases.
#
# For each size: a fresh demo installation seeded by `candor bench-seed` (every case through the
# real intake, Ledger.submit, in parallel per day over three years; the older ones registered,
# closed as not actionable or proposed by the head through the real checked writes; only the
# tracking code's scrypt at test cost), then the release server, then scripts/console_load.py as
# the head: p50/p99 of the inbox's first page, a filtered page, the deadlines page, a case page,
# a register-number jump and the statistics page, the first related-reports computation, and the
# server's RSS (VmRSS after the run). Last line: RESULT ... as issue 16 asks.
#
# Knobs: SIZES ("1000 10000 100000"), REPEAT (requests per page, 100), DAYS (1095), SEEDED (a
# folder holding n<N>/data and n<N>/keys from an earlier `candor bench-seed`: copied, not seeded
# again, since seeding 100,000 cases takes long on a small machine).
# Targets (a miss fails the run): every p99 at the largest size <= 50 ms except the first related
# computation; growth_inbox <= 2; RSS <= 150 MiB. inbox_fresh is the inbox right after a commit
# (its kept section counts counted again), reported beside it with its own growth.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-packages.sh /usr/include/openssl/evp.h libssl-dev /usr/include/sqlite3.h libsqlite3-dev \
  /usr/bin/pkg-config pkg-config /usr/bin/python3 python3

SIZES=${SIZES:-"1000 10000 100000"}
REPEAT=${REPEAT:-100}
DAYS=${DAYS:-1095}
ROOT=$(mktemp -d /tmp/candor-bench-console.XXXXXX)
TMP=$ROOT/build
mkdir -p "$TMP"
. scripts/lib/release-demo.sh
trap 'stop_demo; rm -rf "$ROOT"' EXIT
build_release

declare -A FIRST_INBOX_P99
for n in $SIZES; do
  TMP=$ROOT/n$n
  mkdir -p "$TMP"
  if [ -n "${SEEDED:-}" ] && [ -d "$SEEDED/n$n/data" ]; then
    echo "== $n cases seeded earlier: copying $SEEDED/n$n"
    cp -r "$SEEDED/n$n/data" "$SEEDED/n$n/keys" "$TMP/"
    grep SEED "$SEEDED/n$n/seed.log" || true
  else
    echo "== seeding $n cases (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$BIN" bench-seed --data "$TMP/data" --keys "$TMP/keys" --cases "$n" --days "$DAYS" | tail -1
  fi
  start_demo
  python3 scripts/console_load.py --port "$PORT" --data "$TMP/data" --repeat "$REPEAT" > "$TMP/load.json"
  rss_kb=$(awk '$1=="VmRSS:" {print $2}' "/proc/$SERVER_PID/status")
  python3 - "$TMP/load.json" "$n" "$rss_kb" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["cases"] = int(sys.argv[2]); r["rss_mb"] = round(int(sys.argv[3]) / 1024, 1)
print("SIZE " + " ".join(f"{k}={v}" for k, v in r.items()))
json.dump(r, open(sys.argv[1], "w"))
PY
  stop_demo_keep() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }
  stop_demo_keep
done

echo "TARGETS every p99 at the largest size <= 50 ms except the first related-reports computation; growth_inbox <= 2; RSS <= 150 MiB"
python3 - "$ROOT" $SIZES <<'PY'
import json, os, sys
root, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
runs = {n: json.load(open(os.path.join(root, f"n{n}", "load.json"))) for n in sizes}
small, big = runs[min(sizes)], runs[max(sizes)]
growth = round(big["inbox_p99_ms"] / max(small["inbox_p99_ms"], 0.01), 2)
growth_fresh = round(big["inbox_fresh_p99_ms"] / max(small["inbox_fresh_p99_ms"], 0.01), 2)
print(f"RESULT cases={max(sizes)} inbox_p99_ms={big['inbox_p99_ms']} filtered_p99_ms={big['filtered_p99_ms']} "
      f"deadlines_p99_ms={big['deadlines_p99_ms']} case_p99_ms={big['case_p99_ms']} jump_p99_ms={big['jump_p99_ms']} "
      f"stats_p99_ms={big['stats_p99_ms']} related_first_ms={big['related_first_ms']} growth_inbox={growth} rss_mb={big['rss_mb']} "
      f"inbox_fresh_p99_ms={big['inbox_fresh_p99_ms']} growth_inbox_fresh={growth_fresh}")
missed = [f"{k}={v} > 50" for k, v in big.items() if k.endswith("_p99_ms") and v > 50]
if growth > 2: missed.append(f"growth_inbox={growth} > 2")
if big["rss_mb"] > 150: missed.append(f"rss_mb={big['rss_mb']} > 150")
for m in missed: print(f"missed: {m}")
sys.exit(1 if missed else 0)
PY
