#!/bin/sh
# `make soak`: a release build, then scripts/soak.py against `candor demo` on a free loopback
# port with fresh temporary folders. SOAK_REPORTS (default 10000), SOAK_CLIENTS (64) and the
# other SOAK_* variables documented in soak.py tune the run; SOAK_SABOTAGE=delete-one or
# =duplicate tests the soak itself and must make it fail. Exits non-zero if an acknowledged
# report was lost or does not open as its receipt says, a case is duplicated or has no receipt,
# a request failed or a staff login was refused, memory kept growing, or the audit chain does not
# verify. A failed build fails here, before anything runs.
set -eu
cd "$(dirname "$0")/.."
${SWIFT:-swift} build -c release --product candor
exec python3 scripts/soak.py
