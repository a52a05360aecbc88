#!/usr/bin/env bash
# Writes an upgrade fixture made by the code checked out now: a small installation (data folder
# with database, settings and sealed files; key folder; the recovery key; fixture.json with the
# reporters' codes, the staff password and what every role reads) into
# Tests/Fixtures/upgrade/<NAME>/. Run it once per schema change, with the release that change
# ships in, and commit the folder: UpgradeFixtureTests opens every folder here with the code of
# every later day.
#
#   Tests/Fixtures/upgrade/make-fixture.sh NAME     e.g. 0012-two-keys (the newest migration's name)
#
# The keys in a fixture are test keys, made for it and nothing else: never reuse them.
set -euo pipefail
name=${1:?usage: make-fixture.sh NAME}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out="$here/$name"
[ -e "$out" ] && { echo "$out exists: a fixture is never remade; pick a new NAME" >&2; exit 1; }
cd "$root"
CANDOR_FIXTURE_OUT="$out" CANDOR_FIXTURE_MADE_BY="$(git describe --always --dirty 2>/dev/null || echo unknown)" \
  swift test --filter UpgradeFixtureTests/testTheMakerBuildsAFixtureThatReadsBack
# git keeps no modes; the test sets 0700/0600 on its copy. No WAL or SHM is left (the ledger closed).
rm -f "$out/data/candor.sqlite-wal" "$out/data/candor.sqlite-shm"
echo "wrote $out; commit it"
