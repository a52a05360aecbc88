# Sourced by the benchmarks: the release build they measure. The caller sets TMP first.
# A failed build must not benchmark the binary an earlier build left behind.
build_release() {
  echo "== building release"
  if ! swift build -c release --static-swift-stdlib > "$TMP/build.log" 2>&1; then
    grep -E "error:" "$TMP/build.log" | head -40 >&2 || tail -40 "$TMP/build.log" >&2
    echo "FAIL: the release build failed; nothing was measured" >&2
    exit 1
  fi
  grep -E "warning:|Build complete" "$TMP/build.log" || true
  BIN=.build/release/candor
  [ -x "$BIN" ] || { echo "FAIL: no $BIN after the build" >&2; exit 1; }
}
