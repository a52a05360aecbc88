#!/usr/bin/env bash
# HTTP benchmark, two parts, each against nginx on the same machine serving the same bytes under
# the same load (wrk, 64 connections, alternating ours/nginx, ROUNDS rounds of DURATION):
#
#   core   HTTPCore alone (`candor bench-http-server`): GET / of a small page, a 2 KB urlencoded
#          POST, a 1 GiB streamed upload (server peak RSS), and a normal request's latency while
#          500 connections trickle one header byte per second (slowloris).
#   pages  the real gateway (`candor demo` on a fresh data and key folder): GET of the landing
#          page, the report form, the status login and the console login. nginx serves a copy of
#          each page fetched from the gateway first, with the gateway's response header fields.
#
# A ratio is the median over the rounds of (ours / nginx) in the same round; the req/s and p99
# figures are medians of the rounds.
#
# Every target is enforced: a failed build, any non-2xx answer or socket error in wrk's output, or
# a missed target ends the script non-zero, naming what failed. Lines read by `make measure`:
# TARGETS ... and RESULT ... (the figures).
#
# Knobs (environment): ROUNDS (3), DURATION (5s), CONNECTIONS (64), PARTS ("core pages"; a subset
# is for development and says so), ports OURS_PORT, NGINX_PORT, GATEWAY_PORT, NGINX_PAGES_PORT
# (default: free ones). Targets, so that a run can show a miss failing: TARGET_GET_RATIO (0.6),
# TARGET_GET_P99_MS (10), TARGET_PAGE_RATIO (0.5), TARGET_UPLOAD_RSS_MIB (64),
# TARGET_SLOWLORIS_MS (1000). WRK_PATH_SUFFIX is appended to every page path wrk requests (a
# check of the script itself: "/nope" must fail it with non-2xx answers).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-packages.sh /usr/sbin/nginx nginx-light /usr/bin/wrk wrk /usr/bin/curl curl /usr/bin/python3 python3 \
  /usr/include/openssl/evp.h libssl-dev /usr/include/sqlite3.h libsqlite3-dev /usr/bin/pkg-config pkg-config

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-64}
PARTS=${PARTS:-core pages}
TARGET_GET_RATIO=${TARGET_GET_RATIO:-0.6}
TARGET_GET_P99_MS=${TARGET_GET_P99_MS:-10}
TARGET_PAGE_RATIO=${TARGET_PAGE_RATIO:-0.5}
TARGET_UPLOAD_RSS_MIB=${TARGET_UPLOAD_RSS_MIB:-64}
TARGET_SLOWLORIS_MS=${TARGET_SLOWLORIS_MS:-1000}
WRK_PATH_SUFFIX=${WRK_PATH_SUFFIX:-}
# name=path, in the order they are measured and reported.
PAGES=(landing=/ report=/report status=/status console=/console/login)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
OURS_PORT=${OURS_PORT:-$(free_port)}
NGINX_PORT=${NGINX_PORT:-$(free_port)}
GATEWAY_PORT=${GATEWAY_PORT:-$(free_port)}
NGINX_PAGES_PORT=${NGINX_PAGES_PORT:-$(free_port)}

TMP=$(mktemp -d /tmp/candor-bench.XXXXXX)
SERVER_PID=""
GATEWAY_PID=""

stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$SERVER_PID"
  stop_pid "$GATEWAY_PID"
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILS=()
fail() { echo "FAIL: $*" >&2; FAILS+=("$*"); }

. scripts/lib/build-release.sh
build_release

echo "== machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

wait_for() {   # URL PID SECONDS: until URL answers 200, or the process exits, or time runs out
  local url=$1 pid=$2 i
  for i in $(seq 1 $(($3 * 10))); do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

start_ours() {
  "$BIN" bench-http-server --port "$OURS_PORT" &
  SERVER_PID=$!
  wait_for "http://127.0.0.1:$OURS_PORT/" "$SERVER_PID" 10 || { echo "FAIL: the bench page server did not start" >&2; exit 1; }
}
stop_ours() { stop_pid "$SERVER_PID"; SERVER_PID=""; }

# wrk's figures: requests per second, the 99th percentile in ms, and its error lines, which count
# answers >= 400 ("Non-2xx or 3xx responses") and failed connects, reads, writes and timeouts.
rps() { awk '/Requests\/sec/ {print int($2)}' "$1"; }
p99ms() {
  awk '$1=="99%" { v=$2; u=v; gsub(/[0-9.]/,"",u); gsub(/[a-z]/,"",v);
        if (u=="us") v=v/1000; else if (u=="s") v=v*1000; else if (u=="m") v=v*60000; printf "%.2f\n", v }' "$1"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wrk_errors() {
  awk '/Non-2xx or 3xx responses:/ { printf "%s non-2xx answers; ", $NF }
       /Socket errors:/ { gsub(",", ""); if ($4 + $6 + $8 + $10 > 0) printf "socket errors: connect %s read %s write %s timeout %s; ", $4, $6, $8, $10 }' "$1"
}
# NAME URL [wrk args...]: one wrk run into $TMP/w.txt; wrk's failures and error lines fail the run.
run_wrk() {
  local name=$1 url=$2; shift 2
  if ! wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" > "$TMP/w.txt" 2>&1; then
    fail "$name: wrk exited non-zero: $(tail -3 "$TMP/w.txt" | tr '\n' ' ')"
  fi
  local errors; errors=$(wrk_errors "$TMP/w.txt")
  [ -z "$errors" ] || fail "$name: $errors(errors are not throughput)"
  [ -n "$(rps "$TMP/w.txt")" ] || fail "$name: no Requests/sec in wrk's output"
}

NGINX_CONF="$TMP/nginx.conf"
mkdir -p "$TMP/www" "$TMP/pages" "$TMP/logs"
# Started as root, nginx's workers run as an unprivileged user: they must reach the copies.
chmod 755 "$TMP" "$TMP/www" "$TMP/pages"
CORE_SERVER=""
PAGES_SERVER=""
start_nginx() {
  cat > "$NGINX_CONF" <<EOF
worker_processes auto;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  etag off;
  keepalive_requests 1000000;
  client_body_temp_path $TMP/body; proxy_temp_path $TMP/proxy; fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi; scgi_temp_path $TMP/scgi;
  default_type text/html;
$CORE_SERVER
$PAGES_SERVER
}
EOF
  nginx -p "$TMP" -c "$NGINX_CONF" -e "$TMP/logs/error.log"
}
stop_nginx() {
  [ -f "$TMP/nginx.pid" ] || return 0
  local pid; pid=$(cat "$TMP/nginx.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$TMP/nginx.pid"
}

RESULT=()
has_part() { [[ " $PARTS " == *" $1 "* ]]; }

# --- core: HTTPCore's own page --------------------------------------------------------------
if has_part core; then
  start_ours
  curl -s "http://127.0.0.1:$OURS_PORT/" > "$TMP/www/index.html"
  CORE_SERVER="  server { listen 127.0.0.1:$NGINX_PORT; root $TMP/www; location / { index index.html; } }"
  start_nginx
  wait_for "http://127.0.0.1:$NGINX_PORT/" "$(cat "$TMP/nginx.pid")" 10 || { echo "FAIL: nginx did not start" >&2; tail -5 "$TMP/logs/error.log" >&2; exit 1; }

  echo "== core: GET / at $CONNECTIONS connections, $ROUNDS rounds of $DURATION, alternating"
  : > "$TMP/ours.rps"; : > "$TMP/nginx.rps"; : > "$TMP/ours.p99"; : > "$TMP/core.ratio"
  for r in $(seq 1 "$ROUNDS"); do
    run_wrk "core GET / (ours)" "http://127.0.0.1:$OURS_PORT/$WRK_PATH_SUFFIX"
    rps "$TMP/w.txt" >> "$TMP/ours.rps"; p99ms "$TMP/w.txt" >> "$TMP/ours.p99"
    echo "round $r ours:  $(rps "$TMP/w.txt") req/s, p99 $(p99ms "$TMP/w.txt") ms"
    run_wrk "core GET / (nginx)" "http://127.0.0.1:$NGINX_PORT/$WRK_PATH_SUFFIX"
    rps "$TMP/w.txt" >> "$TMP/nginx.rps"
    echo "round $r nginx: $(rps "$TMP/w.txt") req/s, p99 $(p99ms "$TMP/w.txt") ms"
    awk -v a="$(tail -1 "$TMP/ours.rps")" -v b="$(tail -1 "$TMP/nginx.rps")" 'BEGIN { printf "%.4f\n", (b > 0 ? a / b : 0) }' >> "$TMP/core.ratio"
  done
  GET_RPS=$(median < "$TMP/ours.rps")
  NGINX_RPS=$(median < "$TMP/nginx.rps")
  GET_P99=$(median < "$TMP/ours.p99")
  RATIO=$(median < "$TMP/core.ratio" | awk '{ printf "%.2f", $1 }')
  stop_nginx

  echo "== core: POST /form, 2 KB urlencoded, $CONNECTIONS connections"
  python3 - "$TMP/post.lua" <<'EOF'
import sys
body, i = "", 0
while len(body) < 2048:
    body += ("&" if body else "") + f"field{i}=" + "v" * 40
    i += 1
body = body[:2048]
open(sys.argv[1], "w").write(
    'wrk.method = "POST"\n'
    f'wrk.body = "{body}"\n'
    'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
EOF
  counted=$(head -c 2048 /dev/zero | tr '\0' 'a' | curl -s -X POST --data-binary "@-" \
    -H "Content-Type: application/x-www-form-urlencoded" "http://127.0.0.1:$OURS_PORT/form")
  [ "$counted" = 2048 ] || fail "POST /form counted '$counted' bytes of 2048"
  run_wrk "core POST /form" "http://127.0.0.1:$OURS_PORT/form" -s "$TMP/post.lua"
  POST_RPS=$(rps "$TMP/w.txt")
  echo "POST: $POST_RPS req/s, p99 $(p99ms "$TMP/w.txt") ms"

  # A fresh server for the memory figure, so that the high-water mark is the upload's alone.
  stop_ours
  start_ours
  echo "== core: 1 GiB streamed upload (Content-Length), server peak RSS"
  if ! python3 - "$OURS_PORT" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
size = 1 << 30
s = socket.create_connection(("127.0.0.1", port))
s.sendall(f"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\nContent-Type: application/octet-stream\r\n\r\n".encode())
block = bytes(range(256)) * 4096
sent = 0
t = time.time()
while sent < size:
    s.sendall(block)
    sent += len(block)
reply = b""
while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(str(size).encode()):
    d = s.recv(65536)
    if not d: break
    reply += d
head, _, answer = reply.partition(b"\r\n\r\n")
print(f"uploaded {size >> 20} MiB in {time.time() - t:.1f} s; server said: {answer.decode().strip()}")
sys.exit(0 if head.startswith(b"HTTP/1.1 200") and answer.strip() == str(size).encode() else 1)
EOF
  then
    fail "the 1 GiB upload was not answered 200 with its full length"
  fi
  UPLOAD_HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  UPLOAD_RSS_MB=$(awk -v k="$UPLOAD_HWM_KB" 'BEGIN { printf "%.1f", k / 1024 }')
  echo "upload_peak_rss_mib=$UPLOAD_RSS_MB (target < $TARGET_UPLOAD_RSS_MIB)"

  echo "== core: 500 slowloris connections, one header byte per second; a normal request's latency"
  SLOW_MS=$(python3 - "$OURS_PORT" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
def open_slow():
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
    return s
slow = [open_slow() for _ in range(500)]
worst = 0.0
for second in range(12):
    for i, s in enumerate(slow):
        try:
            s.send(b"X")
        except OSError:
            slow[i] = open_slow()   # the server dropped it (head deadline); the attacker comes back
    t = time.time()
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        d = c.recv(65536)
        if not d: break
        data += d
    c.close()
    ms = (time.time() - t) * 1000
    if not data.startswith(b"HTTP/1.1 200"): ms = 99999
    worst = max(worst, ms)
    time.sleep(max(0, 1 - (time.time() - t)))
print(f"{worst:.1f}")
EOF
  ) || { fail "the slowloris client failed"; SLOW_MS=99999; }
  echo "slowloris_worst_normal_request_ms=$SLOW_MS (target < $TARGET_SLOWLORIS_MS)"
  stop_ours
  RESULT+=("get_rps=$GET_RPS" "nginx_get_rps=$NGINX_RPS" "ratio=$RATIO" "post_rps=$POST_RPS" "get_p99_ms=$GET_P99"
           "upload_peak_rss_mib=$UPLOAD_RSS_MB" "slowloris_ms=$SLOW_MS")
fi

# --- pages: the gateway's own pages -----------------------------------------------------------
if has_part pages; then
  echo "== pages: starting candor demo on 127.0.0.1:$GATEWAY_PORT (fresh data and keys in $TMP)"
  mkdir -p -m 700 "$TMP/data" "$TMP/keys"
  "$BIN" demo --data "$TMP/data" --keys "$TMP/keys" --templates Templates --host 127.0.0.1 --port "$GATEWAY_PORT" \
    > "$TMP/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  # Up to 180 s: the demo derives every staff password's keys (production scrypt) first.
  wait_for "http://127.0.0.1:$GATEWAY_PORT/" "$GATEWAY_PID" 180 ||
    { tail -20 "$TMP/gateway.log" >&2; echo "FAIL: candor demo did not answer" >&2; exit 1; }
  EXE=$(readlink "/proc/$GATEWAY_PID/exe")
  [ "$EXE" = "$(readlink -f "$BIN")" ] || { echo "FAIL: the gateway process is $EXE, not the release binary" >&2; exit 1; }

  # Each page as the gateway serves it now; nginx serves this copy. A page with a per-request
  # value would be served by nginx as this one copy: the reference is the bytes, not the work.
  for entry in "${PAGES[@]}"; do
    name=${entry%%=*} path=${entry#*=}
    code=$(curl -s -D "$TMP/pages/$name.head" -o "$TMP/pages/$name.html" -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT$path")
    [ "$code" = 200 ] || { echo "FAIL: GET $path answered $code" >&2; exit 1; }
    echo "$name: GET $path -> 200, $(wc -c < "$TMP/pages/$name.html") bytes"
  done
  PAGES_SERVER=$(python3 - "$TMP/pages" "$NGINX_PAGES_PORT" "${PAGES[@]}" <<'EOF'
import sys
folder, port, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
# Framing and per-response fields are nginx's own business; every other field the gateway sent
# is sent by nginx too, so that both answers carry the same header bytes as near as can be.
skip = {"date", "content-length", "connection", "keep-alive", "transfer-encoding", "server", "content-type"}
lines = [f"  server {{ listen 127.0.0.1:{port}; root {folder};"]
for entry in pages:
    name, path = entry.split("=", 1)
    head = open(f"{folder}/{name}.head", "rb").read().decode("latin-1").split("\r\n")
    ctype, adds = "text/html", []
    for line in head[1:]:
        if ":" not in line:
            continue
        k, v = line.split(":", 1)
        v = v.strip()
        if k.lower() == "content-type":
            ctype = v
        elif k.lower() not in skip:
            if "$" in v:
                sys.exit(f"{name}: the header field {k} holds a '$', which nginx cannot send literally")
            v = v.replace("\\", "\\\\").replace('"', '\\"')
            adds.append(f'add_header {k} "{v}";')
    lines.append(f'    location = {path} {{ default_type "{ctype}"; types {{ }} try_files /{name}.html =404; {" ".join(adds)} }}')
lines.append("  }")
print("\n".join(lines))
EOF
  )
  start_nginx
  wait_for "http://127.0.0.1:$NGINX_PAGES_PORT/" "$(cat "$TMP/nginx.pid")" 10 || { echo "FAIL: nginx did not start" >&2; tail -5 "$TMP/logs/error.log" >&2; exit 1; }
  for entry in "${PAGES[@]}"; do
    name=${entry%%=*} path=${entry#*=}
    curl -s "http://127.0.0.1:$NGINX_PAGES_PORT$path" > "$TMP/pages/$name.nginx"
    cmp -s "$TMP/pages/$name.html" "$TMP/pages/$name.nginx" || { echo "FAIL: nginx does not serve the same bytes for $path" >&2; exit 1; }
  done
  echo "-- the gateway's header fields for /report (nginx sends the same, with its own Date, Content-Length and Server):"
  sed -n '2,$p' "$TMP/pages/report.head" | tr -d '\r' | sed '/^$/d; s/^/   /'

  echo "== pages: GET at $CONNECTIONS connections, $ROUNDS rounds of $DURATION, alternating gateway/nginx per page"
  for entry in "${PAGES[@]}"; do
    name=${entry%%=*}; : > "$TMP/$name.ours.rps"; : > "$TMP/$name.nginx.rps"; : > "$TMP/$name.ours.p99"; : > "$TMP/$name.ratio"
  done
  for r in $(seq 1 "$ROUNDS"); do
    for entry in "${PAGES[@]}"; do
      name=${entry%%=*} path=${entry#*=}
      run_wrk "$name GET $path (gateway)" "http://127.0.0.1:$GATEWAY_PORT$path$WRK_PATH_SUFFIX"
      ours=$(rps "$TMP/w.txt"); p99=$(p99ms "$TMP/w.txt")
      echo "${ours:-0}" >> "$TMP/$name.ours.rps"; echo "${p99:-0}" >> "$TMP/$name.ours.p99"
      run_wrk "$name GET $path (nginx)" "http://127.0.0.1:$NGINX_PAGES_PORT$path$WRK_PATH_SUFFIX"
      theirs=$(rps "$TMP/w.txt")
      echo "${theirs:-0}" >> "$TMP/$name.nginx.rps"
      awk -v a="${ours:-0}" -v b="${theirs:-0}" 'BEGIN { printf "%.4f\n", (b > 0 ? a / b : 0) }' >> "$TMP/$name.ratio"
      printf 'round %s %-8s gateway %7s req/s (p99 %6s ms)   nginx %7s req/s (p99 %6s ms)\n' \
        "$r" "$name" "$ours" "$p99" "$theirs" "$(p99ms "$TMP/w.txt")"
    done
  done
  kill -0 "$GATEWAY_PID" 2>/dev/null || fail "the gateway died during the benchmark"
  stop_pid "$GATEWAY_PID"; GATEWAY_PID=""
  stop_nginx
  for entry in "${PAGES[@]}"; do
    name=${entry%%=*}
    o=$(median < "$TMP/$name.ours.rps"); n=$(median < "$TMP/$name.nginx.rps"); p=$(median < "$TMP/$name.ours.p99")
    # The median of each round's ratio: a round's two runs are seconds apart, so load from
    # elsewhere on the machine weighs on both alike.
    ratio=$(median < "$TMP/$name.ratio" | awk '{ printf "%.2f", $1 }')
    RESULT+=("${name}_rps=$o" "${name}_nginx_rps=$n" "${name}_ratio=$ratio" "${name}_p99_ms=$p")
    eval "PAGE_RATIO_$name=$ratio"
  done
fi

# --- targets --------------------------------------------------------------------------------
echo
echo "== against the targets"
target() {   # WHAT VALUE OP LIMIT: prints ok or MISS, and a miss fails the run
  local what=$1 value=$2 op=$3 limit=$4
  if awk -v v="$value" -v l="$limit" -v op="$op" 'BEGIN { exit !((op == ">=" && v >= l) || (op == "<=" && v <= l) || (op == "<" && v < l)) }'; then
    printf '  ok   %-46s %10s   target %s %s\n' "$what" "$value" "$op" "$limit"
  else
    printf '  MISS %-46s %10s   target %s %s\n' "$what" "$value" "$op" "$limit"
    FAILS+=("missed: $what = $value, target $op $limit")
  fi
}
TARGETS=()
if has_part core; then
  target "core GET / ratio to nginx" "$RATIO" ">=" "$TARGET_GET_RATIO"
  target "core GET / p99 (ms)" "$GET_P99" "<=" "$TARGET_GET_P99_MS"
  target "1 GiB upload peak RSS (MiB)" "$UPLOAD_RSS_MB" "<" "$TARGET_UPLOAD_RSS_MIB"
  target "normal request beside slowloris (ms)" "$SLOW_MS" "<" "$TARGET_SLOWLORIS_MS"
  TARGETS+=("core ratio ≥ $TARGET_GET_RATIO" "core p99 ≤ $TARGET_GET_P99_MS ms" "upload < $TARGET_UPLOAD_RSS_MIB MiB"
            "slowloris < $TARGET_SLOWLORIS_MS ms")
fi
if has_part pages; then
  for entry in "${PAGES[@]}"; do
    name=${entry%%=*} path=${entry#*=}
    r="PAGE_RATIO_$name"
    target "$name (GET $path) ratio to nginx" "${!r}" ">=" "$TARGET_PAGE_RATIO"
  done
  TARGETS+=("each page's ratio ≥ $TARGET_PAGE_RATIO")
fi
TARGETS+=("no wrk errors")
echo "TARGETS $(IFS=';'; echo "${TARGETS[*]}" | sed 's/;/; /g')"
echo "RESULT ${RESULT[*]}"
if [ "$PARTS" != "core pages" ]; then
  echo "PARTIAL RUN (PARTS=\"$PARTS\"): only these parts were measured and checked"
fi
if [ ${#FAILS[@]} -gt 0 ]; then
  echo "bench-http FAILED:" >&2
  for f in "${FAILS[@]}"; do echo "  $f" >&2; done
  exit 1
fi
echo "bench-http: every target met, no errors"
