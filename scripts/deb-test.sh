#!/usr/bin/env bash
# The Debian package, tested. `make test` runs it after the Swift tests, with the debug binary
# `swift test` built (the package's layout, scripts and unit are what is tested; `make deb`
# packs the release binary the same way).
#
# As root, on a machine where no candor package, user or /var/lib/candor exists yet: installs
# the package with dpkg, checks the user and the 0700 folders, runs `candor init` as the candor
# user in the package's folders, runs `candor serve` as that user (no systemd) on a demo
# organisation's folders (serve refuses to start until the alternates are confirmed readers,
# which takes a head in the console; `candor demo` makes them), fetches /, stops it, removes the
# package and checks that the data, the keys and the user are still there; then purges and
# cleans up what it made. Otherwise (not root, or candor already present: a developer's machine,
# or CI without root): builds the package and inspects it with dpkg-deb --info/--contents only,
# and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${CANDOR_BINARY:-.build/debug/candor}
[ -x "$binary" ] || binary=$(find .build -path '*/debug/candor' -type f -perm -u+x | head -1)
work=$(mktemp -d)
chmod 0755 "$work"
deb=$(scripts/make-deb.sh --binary "$binary" --out "$work")
fail() { echo "deb-test: FAIL: $*" >&2; exit 1; }

contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/candor ./usr/share/candor/Templates/ ./usr/share/candor/docs/openapi.json \
            ./usr/share/candor/settings.default.json ./lib/systemd/system/candor.service; do
  grep -q " $path\$" <<<"$contents" || grep -q " $path " <<<"$contents" || fail "$path missing from the package"
done
grep -q '^drwxr-xr-x root/root .* \./$' <<<"$contents" || fail "the package root is not 0755 root:root"
info=$(dpkg-deb --info "$deb")
grep -q "Package: candor" <<<"$info" || fail "no control file"
unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/candor.service)
for line in User=candor UMask=0077 NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
            ReadWritePaths=/var/lib/candor ReadOnlyPaths=/etc/candor/keys CapabilityBoundingSet= MemoryDenyWriteExecute=yes \
            LockPersonality=yes SystemCallArchitectures=native 'ExecReload=/bin/kill -HUP $MAINPID'; do
  grep -qxF "$line" <<<"$unit" || fail "the unit lacks $line"
done
echo "deb-test: $deb built; contents and unit checked"

if [ "$(id -u)" != 0 ] || dpkg -s candor >/dev/null 2>&1 || getent passwd candor >/dev/null || [ -e /var/lib/candor ] || [ -e /etc/candor ]; then
  echo "deb-test: not installing (needs root and no candor package, user, /var/lib/candor or /etc/candor on this machine): the package was built and inspected only"
  rm -rf "$work"
  exit 0
fi

server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  dpkg --purge candor >/dev/null 2>&1 || true
  rm -rf /var/lib/candor /etc/candor "$work"
  userdel candor 2>/dev/null || true
}
trap cleanup EXIT
dpkg -i "$deb" >/dev/null || fail "dpkg -i"
getent passwd candor | grep -q ':/usr/sbin/nologin$' || fail "no candor system user with no shell"
for d in /var/lib/candor /etc/candor/keys; do
  [ "$(stat -c '%a %U' "$d")" = "700 candor" ] || fail "$d is $(stat -c '%a %U' "$d"), want 700 candor"
done
[ "$(stat -c '%a %U' /var/lib/candor/settings.json)" = "600 candor" ] || fail "settings.json mode"

# setpriv execs in place (runuser forks and does not pass SIGTERM on); the servers are started
# with it directly, not through this function, so that $! is the server itself.
as_candor() { setpriv --reuid candor --regid candor --init-groups -- "$@"; }
install -d -o candor -m 0700 "$work/secret"
printf 'deb-test-admin-password\n' > "$work/secret/pw"
chown candor "$work/secret/pw"
as_candor candor init --data /var/lib/candor --keys /etc/candor/keys --admin it-admin --password-file "$work/secret/pw" \
  --recovery-key-out "$work/secret/recovery.key" \
  --intake-alternate deputy --chairman-alternate supervisor --party-secretary-alternate deputysecretary </dev/null >/dev/null \
  || fail "candor init as the candor user"
[ "$(stat -c '%a %U' /var/lib/candor/candor.sqlite)" = "600 candor" ] || fail "the database is not 0600 candor"
[ "$(stat -c '%a %U' /etc/candor/keys/pepper)" = "600 candor" ] || fail "the pepper is not 0600 candor"

# serve as the candor user on folders whose alternates are confirmed (made by `candor demo`).
install -d -o candor -m 0700 /var/lib/candor/demo
log=/var/lib/candor/demo/serve.log
setpriv --reuid candor --regid candor --init-groups -- candor demo --data /var/lib/candor/demo/data --keys /var/lib/candor/demo/keys --templates /usr/share/candor/Templates --port 0 >"$log" 2>&1 &
server=$!
for _ in $(seq 1 600); do grep -q 'serving on' "$log" && break; sleep 0.1; done
kill -TERM "$server"; wait "$server" || true; server=
setpriv --reuid candor --regid candor --init-groups -- candor serve --data /var/lib/candor/demo/data --keys /var/lib/candor/demo/keys --templates /usr/share/candor/Templates --port 0 >"$log" 2>&1 &
server=$!
for _ in $(seq 1 600); do grep -q 'serving on' "$log" && break; sleep 0.1; done
port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" | head -1)
[ -n "$port" ] || fail "candor serve did not start: $(cat "$log")"
[ "$(ps -o user= -p "$server" | tr -d ' ')" = candor ] || fail "serve does not run as candor"
status=$(curl -s -o "$work/index.html" -w '%{http_code}' "http://127.0.0.1:$port/")
[ "$status" = 200 ] || fail "GET / answered $status"
[ "$(curl -s "http://127.0.0.1:$port/healthz")" = ok ] || fail "/healthz"
kill -TERM "$server"; wait "$server" || true; server=
grep -q 'level=info event=stop' "$log" || fail "no stop line in the log"

dpkg -r candor >/dev/null || fail "dpkg -r"
[ ! -e /usr/bin/candor ] || fail "the binary is still there after removal"
[ -s /var/lib/candor/candor.sqlite ] && [ -s /etc/candor/keys/pepper ] && [ -s /etc/candor/keys/audit.key ] \
  || fail "removing the package took the data or the keys"
getent passwd candor >/dev/null || fail "removing the package took the user"
echo "deb-test: installed, init and serve as candor (GET / 200, /healthz ok), removed; data, keys and user left in place"
