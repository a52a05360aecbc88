#!/usr/bin/env bash
# Backup benchmark (issue 16): `candor backup`, `restore` and `purge` at 100,000 cases with 5 GiB
# of evidence files, each against `cp -r` of the same data folder in the same run.
#
# The installation: a copy of SEEDED/n<CASES>/{data,keys} from an earlier `candor bench-seed` (the
# original is never changed), or one seeded here by `candor bench-seed --cases CASES` (every case
# through the real intake; three in four of the older ones closed as not actionable the day they
# came, over three years). Then `candor bench-seed --files-mib FILES_MIB` adds the evidence: the
# head's files on the open cases, 128 KiB to 4 MiB each, through the real upload path (sealed as
# they stream in under the case's internal key, synced, their rows in the case's checked write).
#
# Timed one after another, each after a `sync` so that none pays for the writeback of the one
# before, on the same data folder (its bytes: du -sb):
#   cp -r       the data folder, alone (cp_mib_s) and to the end of a `sync` after it (cp_sync_mib_s);
#   backup      `candor backup`: the database as one snapshot, every file copied with its SHA-256,
#               each synced, the manifest last;
#   restore     `candor restore` of that backup into a fresh folder: every SHA-256 checked, then
#               copied and hashed again, synced, then the database's integrity check and the audit
#               log's verification against the key folder (the whole command is timed);
#   purge       `candor purge --yes`: every closed case past its retention period (24 months)
#               crypto-shredded, one transaction each (the count is the dry run's).
# MiB/s is the data folder's bytes over the command's wall time; *_vs_cp divides by cp_mib_s.
# Last line: RESULT ... as issue 16 asks. Target: backup_vs_cp and restore_vs_cp >= 0.5 (the run
# fails on a miss unless ENFORCE=0).
#
# Knobs: CASES (100000), FILES_MIB (5120), DAYS (1095), SEEDED (a folder holding n<CASES>/data and
# n<CASES>/keys), KEEP=1 (keep the work folder, printed at the start), TIMED_BIN (another candor
# binary, e.g. an earlier commit's, for the timed backup, restore and purge; the seeding still uses
# this build's).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-packages.sh /usr/include/openssl/evp.h libssl-dev /usr/include/sqlite3.h libsqlite3-dev \
  /usr/bin/pkg-config pkg-config /usr/bin/python3 python3

CASES=${CASES:-100000}
FILES_MIB=${FILES_MIB:-5120}
DAYS=${DAYS:-1095}
ROOT=$(mktemp -d /tmp/candor-bench-backup.XXXXXX)
chmod 700 "$ROOT"
TMP=$ROOT/build
mkdir -p "$TMP"
cleanup() { if [ "${KEEP:-}" = 1 ]; then echo "kept $ROOT"; else rm -rf "$ROOT"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
. scripts/lib/build-release.sh
build_release
BIN=$(readlink -f "$BIN")
TIMED=${TIMED_BIN:-$BIN}

INST=$ROOT/inst
mkdir -m 700 "$INST"
if [ -n "${SEEDED:-}" ] && [ -d "$SEEDED/n$CASES/data" ]; then
  echo "== $CASES cases seeded earlier: copying $SEEDED/n$CASES"
  cp -r "$SEEDED/n$CASES/data" "$SEEDED/n$CASES/keys" "$INST/"
  grep SEED "$SEEDED/n$CASES/seed.log" || true
else
  echo "== seeding $CASES cases (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$BIN" bench-seed --data "$INST/data" --keys "$INST/keys" --cases "$CASES" --days "$DAYS" | tail -1
fi
echo "== adding $FILES_MIB MiB of evidence files"
"$BIN" bench-seed --data "$INST/data" --keys "$INST/keys" --files-mib "$FILES_MIB" | tail -1

now() { date +%s.%N; }
# Seconds since $1.
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
sync
BYTES=$(du -sb "$INST/data" | cut -f1)
FILES=$(find "$INST/data/files" -type f | wc -l)
FILE_BYTES=$(du -sb "$INST/data/files" | cut -f1)
echo "== data folder: $BYTES bytes, $FILES files of $FILE_BYTES bytes; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== cp -r"
t=$(now); cp -r "$INST/data" "$ROOT/cp"; CP_S=$(since "$t"); sync; CP_SYNC_S=$(since "$t")
echo "cp -r: $CP_S s ($CP_SYNC_S s to the end of the sync)"
rm -rf "$ROOT/cp"; sync

echo "== candor backup"
t=$(now); "$TIMED" backup "$ROOT/backup" --data "$INST/data" --keys "$INST/keys" > "$ROOT/backup.log"; BACKUP_S=$(since "$t")
grep -E "^(throughput|Backed up)" "$ROOT/backup.log"
sync

echo "== candor restore"
t=$(now); "$TIMED" restore "$ROOT/backup" --data "$ROOT/restored/data" --keys "$INST/keys" > "$ROOT/restore.log"; RESTORE_S=$(since "$t")
grep -E "^(throughput|Verified|The key folder)" "$ROOT/restore.log"
RESTORE_COPY=$(grep -oE '[0-9.]+ MiB/s' "$ROOT/restore.log" | head -1 | cut -d' ' -f1)
rm -rf "$ROOT/backup" "$ROOT/restored"; sync

echo "== candor purge"
DUE=$("$TIMED" purge --dry-run --data "$INST/data" --keys "$INST/keys" | tail -1 | grep -oE '^[0-9]+' || echo 0)
t=$(now); "$TIMED" purge --yes --data "$INST/data" --keys "$INST/keys" > "$ROOT/purge.log"; PURGE_S=$(since "$t")
grep -E "^(throughput|No closed case)|purged; " "$ROOT/purge.log" || true
PURGED=$(grep -oE '^[0-9]+ case\(s\) purged' "$ROOT/purge.log" | grep -oE '^[0-9]+' || echo 0)

echo "TARGETS backup and restore each >= 0.5 of cp -r of the same folder in the same run"
python3 - "$CASES" "$BYTES" "$FILES" "$FILE_BYTES" "$CP_S" "$CP_SYNC_S" "$BACKUP_S" "$RESTORE_S" "$RESTORE_COPY" "$DUE" "$PURGED" "$PURGE_S" "${ENFORCE:-}" <<'PY'
import sys
cases, size, files, file_bytes = (int(x) for x in sys.argv[1:5])
cp, cp_sync, backup, restore = (float(x) for x in sys.argv[5:9])
restore_copy, due, purged, purge, enforce = float(sys.argv[9] or 0), int(sys.argv[10]), int(sys.argv[11]), float(sys.argv[12]), sys.argv[13]
mib = size / 1048576
rate = lambda s: round(mib / max(s, 0.001), 1)
r = dict(cases=cases, files=files, files_gib=round(file_bytes / 2**30, 2), data_gib=round(mib / 1024, 2), cp_mib_s=rate(cp), cp_sync_mib_s=rate(cp_sync),
         backup_mib_s=rate(backup), backup_vs_cp=round(cp / backup, 2), restore_mib_s=rate(restore),
         restore_vs_cp=round(cp / restore, 2), restore_copy_mib_s=restore_copy, backup_s=backup, restore_s=restore,
         purged=purged, purge_due=due, purge_s=purge, purge_cases_s=round(purged / max(purge, 0.001)))
print("RESULT " + " ".join(f"{k}={v}" for k, v in r.items()))
missed = [k for k in ("backup_vs_cp", "restore_vs_cp") if r[k] < 0.5]
for k in missed:
    print(f"missed: {k}={r[k]} < 0.5 of cp -r")
sys.exit(1 if missed and enforce != "0" else 0)
PY
