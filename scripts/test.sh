#!/usr/bin/env bash
# `make test`: every test, then the skips counted, because a skipped test is not a passed one.
# A skip fails the run unless Tests/allowed-skips.txt names the test; under CI (CI set, not
# false/0) only entries marked `always` may skip. Every skip is listed with the reason it printed.
#   scripts/test.sh [swift test arguments]  the tests (their output as it comes), then the skip check
#   scripts/test.sh --check LOG             the skip check alone, on a saved `swift test` output
#   scripts/test.sh --self-test             the skip check against sample outputs (also run first
#                                           by the default mode, so a broken parser fails the run)
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
ALLOWED="${ALLOWED_SKIPS:-Tests/allowed-skips.txt}"

in_ci() { case "${CI:-}" in "" | false | False | FALSE | 0) return 1 ;; *) return 0 ;; esac; }

# The skipped tests in a `swift test` output, one per line: NAME<TAB>REASON. XCTest (Linux):
#   PATH:LINE: Suite.test : Test skipped - REASON
#   Test Case 'Suite.test' skipped (0.1 seconds)
# swift-testing:  <symbol> Test name() skipped: "REASON"   or   <symbol> Test name() skipped.
skipped_tests() {
  awk '
    / : Test skipped( - |$)/ {
      name = $0; sub(/ : Test skipped.*$/, "", name); sub(/^.*: /, "", name)
      why = $0; if (!sub(/^.* : Test skipped - /, "", why)) why = ""
      reason[name] = why; next
    }
    /^Test Case \x27.*\x27 skipped \(/ {
      name = $0; sub(/^Test Case \x27/, "", name); sub(/\x27 skipped \(.*$/, "", name)
      print name "\t" ((name in reason && reason[name] != "") ? reason[name] : "(no reason printed)"); next
    }
    /^[^ ]+ Test .+ skipped(: ".*"|\.)$/ {
      name = $0; sub(/^[^ ]+ Test /, "", name); sub(/ skipped(: ".*"|\.)$/, "", name)
      why = $0; if (sub(/^.* skipped: "/, "", why)) sub(/"$/, "", why); else why = "(no reason printed)"
      print name "\t" why
    }
  ' "$1"
}

# XCTest's own count of skips for the whole run, from the line after the top suite's end:
#   Test Suite 'All tests' passed at ...        (or 'Selected tests' with --filter)
#        Executed 9 tests, with 1 test skipped and 0 failures (0 unexpected) in ...
# Prints nothing when the run never reached that line.
xctest_skip_count() {
  awk '
    /^Test Suite \x27(All tests|Selected tests)\x27 (passed|failed) at / { top = 1; next }
    top && /Executed [0-9]+ tests?, with/ {
      if (match($0, /with [0-9]+ tests? skipped/)) { n = substr($0, RSTART + 5); sub(/ .*/, "", n) } else n = 0
      found = n; top = 0
    }
    END { if (found != "") print found }
  ' "$1"
}

# Checks the skips in LOG against the allowlist ALLOWED; prints each skip and returns 1 on an
# unexpected one, or when the skips found disagree with XCTest's own count.
check_log() {
  local log="$1" allowed="$2" name why entry when because problems=0 count=0
  local skips expected
  skips=$(skipped_tests "$log")
  expected=$(xctest_skip_count "$log")
  if [ -z "$expected" ]; then
    echo "skip check: no XCTest summary in the output, so the run did not finish" >&2
    return 1
  fi
  # XCTest's count covers XCTest only; swift-testing skips are the lines without a suite dot.
  local xctest_listed
  xctest_listed=$(printf '%s\n' "$skips" | cut -f1 | grep -c '^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$' || true)
  if [ "$xctest_listed" != "$expected" ]; then
    echo "skip check: XCTest counted $expected skipped, the checker found $xctest_listed: the output format changed?" >&2
    problems=1
  fi
  while IFS=$'\t' read -r name why; do
    [ -n "$name" ] || continue
    count=$((count + 1))
    entry=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ +/, ""); print; exit }' "$allowed" 2>/dev/null || true)
    when=${entry%% *}
    because=${entry#* }
    if [ -z "$entry" ]; then
      echo "UNEXPECTED SKIP: $name — $why (not in $allowed)" >&2
      problems=1
    elif [ "$when" = local ] && in_ci; then
      echo "SKIP NOT ALLOWED UNDER CI: $name — $why ($allowed: $because)" >&2
      problems=1
    elif [ "$when" = local ] || [ "$when" = always ]; then
      echo "allowed skip: $name — $why ($allowed: $because)"
    else
      echo "skip check: $allowed names $name with '$when', not local or always" >&2
      problems=1
    fi
  done <<<"$skips"
  echo "skip check: $count skipped, CI=${CI:-unset}: $([ $problems -eq 0 ] && echo ok || echo FAILED)"
  return $problems
}

# A subshell, so that its EXIT trap removes the samples whichever way it ends.
self_test() (
  local dir cases=0
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cat >"$dir/allowed" <<'EOF'
# sample allowlist
QRCodeSVGTests.testZbarDecodesRenderedSVG local tools not installed
AlwaysTests.testOptional always never needed in CI
EOF
  cat >"$dir/zbar.log" <<'EOF'
Test Suite 'All tests' started at 2026-12-02 07:03:52.834
Test Case 'QRCodeSVGTests.testZbarDecodesRenderedSVG' started at 2026-12-02 07:03:53.002
/w/Tests/GatewayTests/QRCodeSVGTests.swift:122: QRCodeSVGTests.testZbarDecodesRenderedSVG : Test skipped - rsvg-convert and zbarimg not installed
Test Case 'QRCodeSVGTests.testZbarDecodesRenderedSVG' skipped (0.105 seconds)
Test Case 'AlwaysTests.testOptional' started at 2026-12-02 07:03:53.002
/w/Tests/GatewayTests/AlwaysTests.swift:1: AlwaysTests.testOptional : Test skipped
Test Case 'AlwaysTests.testOptional' skipped (0.001 seconds)
Test Suite 'QRCodeSVGTests' passed at 2026-12-02 07:03:53.106
	 Executed 2 tests, with 2 tests skipped and 0 failures (0 unexpected) in 0.217 (0.217) seconds
Test Suite 'All tests' passed at 2026-12-02 07:03:53.107
	 Executed 603 tests, with 2 tests skipped and 0 failures (0 unexpected) in 0.217 (0.217) seconds
EOF
  sed -e 's/QRCodeSVGTests.testZbarDecodesRenderedSVG/FaultTests.testPlanted/g' "$dir/zbar.log" >"$dir/unlisted.log"
  grep -v "^Test Case 'AlwaysTests.testOptional' skipped" "$dir/zbar.log" >"$dir/missed.log"
  cat >"$dir/none.log" <<'EOF'
Test Suite 'Selected tests' passed at 2026-12-02 07:04:04.618
	 Executed 4 tests, with 0 failures (0 unexpected) in 5.108 (5.108) seconds
EOF
  head -n 4 "$dir/zbar.log" >"$dir/unfinished.log"
  { cat "$dir/none.log"; printf '%s\n' '◇ Test run started.' '➜ Test planted() skipped: "planted"'; } >"$dir/testing.log"
  expect() { # WANT(0|1) CI LOG
    local got=0
    CI="$2" check_log "$dir/$3" "$dir/allowed" >"$dir/out" 2>&1 || got=1
    cases=$((cases + 1))
    if [ "$got" != "$1" ]; then
      echo "skip checker self-test: $3 with CI='$2' gave $got, expected $1:" >&2
      cat "$dir/out" >&2
      return 1
    fi
  }
  expect 0 "" zbar.log             # allowed locally, with its reason
  expect 1 true zbar.log           # a `local` entry fails under CI
  expect 1 "" unlisted.log         # a test not in the allowlist
  expect 1 "" missed.log           # the checker saw fewer skips than XCTest counted
  expect 0 true none.log           # no skips
  expect 1 "" unfinished.log       # no summary: the run did not finish
  expect 1 "" testing.log          # a swift-testing skip not in the allowlist
  skipped_tests "$dir/zbar.log" | grep -q $'^QRCodeSVGTests.testZbarDecodesRenderedSVG\trsvg-convert and zbarimg not installed$' || {
    echo "skip checker self-test: the reason was not read" >&2
    return 1
  }
  echo "skip checker self-test: $((cases + 1)) cases as expected"
)

case "${1:-}" in
--self-test)
  self_test
  ;;
--check)
  check_log "$2" "$ALLOWED"
  ;;
*)
  self_test
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  set +e
  "$SWIFT" test "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    check_log "$log" "$ALLOWED" || true
    echo "test: swift test failed (exit $status)" >&2
    exit "$status"
  fi
  check_log "$log" "$ALLOWED"
  ;;
esac
