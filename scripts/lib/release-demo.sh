# Sourced by the benchmarks that measure a release `candor demo` (bench-intake, bench-timing):
# one way to build, start, check and stop it. The caller sets TMP (a fresh folder, removed on
# exit) before calling; after start_demo, BIN, PORT and SERVER_PID are set.

SERVER_PID=""
stop_demo() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap stop_demo EXIT
trap 'exit 130' INT TERM

. scripts/lib/build-release.sh

# Serves the demo from fresh folders in $TMP and waits until it answers (the demo derives the
# staff's password keys first: up to 120 s); the process must be the release binary itself.
start_demo() {
  PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  mkdir -p "$TMP/data" "$TMP/keys"
  echo "== machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
  echo "== starting candor demo on 127.0.0.1:$PORT (data and keys in $TMP)"
  "$BIN" demo --data "$TMP/data" --keys "$TMP/keys" --templates Templates --host 127.0.0.1 --port "$PORT" \
    > "$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  local started=""
  for _ in $(seq 1 1200); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; echo "candor demo exited" >&2; exit 1; }
    if grep -q "Candor demo serving on" "$TMP/server.log" &&
       python3 -c "import http.client,sys; c=http.client.HTTPConnection('127.0.0.1',$PORT,timeout=2); c.request('GET','/'); sys.exit(c.getresponse().status!=200)" 2>/dev/null; then
      started=1; break
    fi
    sleep 0.1
  done
  [ -n "$started" ] || { cat "$TMP/server.log" >&2; echo "candor demo did not answer" >&2; exit 1; }
  local exe
  exe=$(readlink "/proc/$SERVER_PID/exe")
  [ "$exe" = "$(readlink -f "$BIN")" ] || { echo "server process is $exe, not the release binary" >&2; exit 1; }
  echo "server pid $SERVER_PID ($exe)"
}
