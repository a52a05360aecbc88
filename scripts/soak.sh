#!/bin/sh
# `make soak`: a release build, then scripts/soak.py against `candor demo` on a free loopback
# port with fresh temporary folders. SOAK_REPORTS (default 10000), SOAK_CLIENTS (64) and the
# other SOAK_* variables documented in soak.py tune the run. Exits non-zero if a report was
# lost, a request failed or the audit chain does not verify.
set -eu
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || scripts/need-packages.sh /usr/bin/sqlite3 sqlite3
${SWIFT:-swift} build -c release --product candor
exec python3 scripts/soak.py
