#!/usr/bin/env bash
# HTTP benchmark: Candor's HTTPCore against nginx on the same machine, same page, same load.
# GET / at 64 connections (alternating ours/nginx, 3 rounds of 5 s), a 2 KB urlencoded POST,
# a 1 GiB streamed upload (server peak RSS), and a normal request's latency while 500
# connections trickle one header byte per second. Last line: RESULT ...
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-packages.sh /usr/sbin/nginx nginx-light /usr/bin/wrk wrk /usr/bin/curl curl /usr/bin/python3 python3

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
OURS_PORT=${OURS_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18082}
TMP=$(mktemp -d /tmp/candor-bench.XXXXXX)
SERVER_PID=""
NGINX_STARTED=""

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_STARTED" ] && [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "== building release"
swift build -c release --static-swift-stdlib 2>&1 | grep -E "warning:|error:|Compiling|Build complete" || true
BIN=.build/release/candor

start_ours() {
  "$BIN" bench-http-server --port "$OURS_PORT" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$OURS_PORT/" && return 0; sleep 0.05; done
  echo "our server did not start" >&2; exit 1
}
stop_ours() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

# nginx serves the same bytes our GET / returns, from its own prefix.
mkdir -p "$TMP/www" "$TMP/logs"
start_ours
curl -s "http://127.0.0.1:$OURS_PORT/" > "$TMP/www/index.html"
cat > "$TMP/nginx.conf" <<EOF
worker_processes auto;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $TMP/body; proxy_temp_path $TMP/proxy; fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi; scgi_temp_path $TMP/scgi;
  default_type text/html;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
    location / { index index.html; }
  }
}
EOF
nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/logs/error.log"
NGINX_STARTED=1
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break; sleep 0.05; done

# wrk's "Requests/sec" and its 99th percentile in milliseconds.
rps() { awk '/Requests\/sec/ {print int($2)}' "$1"; }
p99ms() {
  awk '$1=="99%" { v=$2; u=v; gsub(/[0-9.]/,"",u); gsub(/[a-z]/,"",v);
        if (u=="us") v=v/1000; else if (u=="s") v=v*1000; printf "%.2f\n", v }' "$1"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== GET / at 64 connections, $ROUNDS rounds of $DURATION, alternating"
: > "$TMP/ours.rps"; : > "$TMP/nginx.rps"; : > "$TMP/ours.p99"
for r in $(seq 1 "$ROUNDS"); do
  wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$OURS_PORT/" > "$TMP/w.txt"
  rps "$TMP/w.txt" >> "$TMP/ours.rps"; p99ms "$TMP/w.txt" >> "$TMP/ours.p99"
  echo "round $r ours:  $(rps "$TMP/w.txt") req/s, p99 $(p99ms "$TMP/w.txt") ms"
  wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$NGINX_PORT/" > "$TMP/w.txt"
  rps "$TMP/w.txt" >> "$TMP/nginx.rps"
  echo "round $r nginx: $(rps "$TMP/w.txt") req/s, p99 $(p99ms "$TMP/w.txt") ms"
done
GET_RPS=$(median < "$TMP/ours.rps")
NGINX_RPS=$(median < "$TMP/nginx.rps")
GET_P99=$(median < "$TMP/ours.p99")
RATIO=$(awk -v a="$GET_RPS" -v b="$NGINX_RPS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

echo "== POST /form, 2 KB urlencoded, 64 connections"
python3 - "$TMP/post.lua" <<'EOF'
import sys
pairs, n = [], 0
body = ""
i = 0
while len(body) < 2048:
    body += ("&" if body else "") + f"field{i}=" + "v" * 40
    i += 1
body = body[:2048]
open(sys.argv[1], "w").write(
    'wrk.method = "POST"\n'
    f'wrk.body = "{body}"\n'
    'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
EOF
curl -s -X POST --data-binary "@-" -H "Content-Type: application/x-www-form-urlencoded" \
  "http://127.0.0.1:$OURS_PORT/form" < <(head -c 2048 /dev/zero | tr '\0' 'a') ; echo " bytes counted by /form"
wrk -t2 -c64 -d"$DURATION" --latency -s "$TMP/post.lua" "http://127.0.0.1:$OURS_PORT/form" > "$TMP/w.txt"
POST_RPS=$(rps "$TMP/w.txt")
echo "POST: $POST_RPS req/s, p99 $(p99ms "$TMP/w.txt") ms"

# Fresh server for the memory figure, so the high-water mark is the upload's alone.
stop_ours
start_ours
echo "== 1 GiB streamed upload (Content-Length), server peak RSS"
python3 - "$OURS_PORT" <<'EOF'
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
answer = reply.split(b"\r\n\r\n", 1)[-1].decode().strip()
print(f"uploaded {size >> 20} MiB in {time.time() - t:.1f} s; server said: {answer}")
EOF
UPLOAD_HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
UPLOAD_RSS_MB=$(awk -v k="$UPLOAD_HWM_KB" 'BEGIN { printf "%.1f", k / 1024 }')
echo "upload_peak_rss_mib=$UPLOAD_RSS_MB (target < 64)"

echo "== 500 slowloris connections, one header byte per second; a normal request's latency"
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
)
echo "slowloris_worst_normal_request_ms=$SLOW_MS (target < 1000)"
stop_ours

echo "upload_peak_rss_mib=$UPLOAD_RSS_MB slowloris_normal_request_ms=$SLOW_MS"
echo "RESULT get_rps=$GET_RPS nginx_get_rps=$NGINX_RPS ratio=$RATIO post_rps=$POST_RPS get_p99_ms=$GET_P99"
