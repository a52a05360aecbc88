#!/usr/bin/env bash
# make api-fuzz: schemathesis against the JSON API of a fresh `candor demo`.
# Installs schemathesis from PyPI into .build/api-fuzz-venv, builds release, serves the demo on a
# free loopback port with throwaway folders, creates a staff API token through the console (login
# with password and TOTP, then the token form), files one report through the API so the inbox is
# not empty, and runs schemathesis with the checks not_a_server_error and
# response_schema_conformance, bounded by API_FUZZ_EXAMPLES per operation and API_FUZZ_SECONDS
# overall. Prints the number of requests sent; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/api-fuzz-venv
EXAMPLES=${API_FUZZ_EXAMPLES:-100}
SECONDS_BUDGET=${API_FUZZ_SECONDS:-180}

if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check schemathesis
fi
swift build -c release --static-swift-stdlib

WORK=$(mktemp -d /tmp/candor-api-fuzz.XXXXXX)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
.build/release/candor demo --data "$WORK/data" --keys "$WORK/keys" --templates Templates --openapi docs/openapi.json \
    --host 127.0.0.1 --port "$PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "$BASE/api/v1/openapi.json" -o /dev/null 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "api-fuzz: the demo did not start" >&2; exit 1; }
    sleep 0.2
done

# A staff token for the head, made the way a person makes one; and one report in the inbox.
TOKEN=$("$VENV/bin/python" - "$BASE" "$WORK/data/demo-accounts.json" <<'PY'
import base64, hashlib, hmac, json, re, struct, sys, time, urllib.parse, urllib.request
base, accounts = sys.argv[1], json.load(open(sys.argv[2]))
head = next(a for a in accounts if a["login"] == "head")
secret = base64.b32decode(head["totp_secret"] + "=" * (-len(head["totp_secret"]) % 8))
digest = hmac.new(secret, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
totp = "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect)
def call(path, form=None, cookie=None, body=None, ctype=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else body
    req = urllib.request.Request(base + path, data=data)
    if form is not None: req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if ctype: req.add_header("Content-Type", ctype)
    if cookie: req.add_header("Cookie", "candor_staff=" + cookie)
    try: r = opener.open(req)
    except urllib.error.HTTPError as e: r = e
    return r.status, r.headers, r.read().decode()
status, headers, _ = call("/console/login", {"login": "head", "password": head["password"], "totp": totp})
cookie = re.search(r"candor_staff=([^;]+)", headers.get("Set-Cookie", "")).group(1)
_, _, page = call("/console/tokens", cookie=cookie)
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
status, _, page = call("/console/tokens", {"csrf": csrf, "name": "api-fuzz"}, cookie=cookie)
token = re.search(r'id="new-token">(cnd_[A-Za-z0-9_-]+)<', page).group(1)
report = json.dumps({"category": "private_contracting", "narrative": "api-fuzz seed report"}).encode()
status, _, _ = call("/api/v1/reports", body=report, ctype="application/json")
assert status == 201, status
print(token)
PY
)

HAR="$WORK/requests.har"
set +e
timeout $((SECONDS_BUDGET + 120)) "$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    -H "Authorization: Bearer $TOKEN" \
    --max-examples "$EXAMPLES" --max-time "$SECONDS_BUDGET" --request-timeout 30 --workers 2 \
    --generation-database none --no-color \
    --report har --report-har-path "$HAR"
STATUS=$?
set -e
REQUESTS=$("$VENV/bin/python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["log"]["entries"]))' "$HAR" 2>/dev/null || echo "?")
echo "api-fuzz: $REQUESTS requests sent to $BASE/api/v1 (exit status $STATUS)"
echo "TARGETS no server error, every answer conforms to docs/openapi.json"
echo "RESULT requests=$REQUESTS exit=$STATUS"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "api-fuzz: the server died" >&2; cat "$WORK/server.log" >&2; exit 1; fi
exit "$STATUS"
