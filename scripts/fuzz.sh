#!/usr/bin/env bash
# Builds every libFuzzer target in Fuzz/ and runs each for FUZZ_SECONDS (default 60).
# Fails on any crash, leak, timeout or out-of-memory, and says where the input was saved.
#
#   FUZZ_SECONDS=30 scripts/fuzz.sh              # all targets
#   FUZZ_TARGETS="multipart" scripts/fuzz.sh     # some targets
#   Fuzz/<target>/main.swift is the target; Fuzz/<target>/corpus/ its committed seeds.
#
# A target whose parser source is missing, an empty FUZZ_TARGETS, or a target that ran no
# inputs is a failure, not a skip: a green run means every named target was fuzzed. Binaries and working corpora go to .build/fuzz/
# (the committed seeds are never written to), crashing inputs to fuzz-out/<target>/.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-"urlencoded multipart request-head chunked isobmff"}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}        # seconds one input may take before it counts as a hang
FUZZ_ARTIFACTS=${FUZZ_ARTIFACTS:-fuzz-out}
SWIFTC=${SWIFTC:-swiftc}
OUT=.build/fuzz

# The backtracer can hang after a crash while holding the output pipe open.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1:symbolize=1:handle_abort=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-print_suppressions=0:report_objects=1}

# target -> the source file that must exist for it to be built.
required_source() {
    case "$1" in
        urlencoded) echo Sources/HTTPCore/Forms/URLEncodedForm.swift ;;
        multipart) echo Sources/HTTPCore/Forms/MultipartParser.swift ;;
        request-head) echo Sources/HTTPCore/RequestHeadParser.swift ;;
        chunked) echo Sources/HTTPCore/ChunkedDecoder.swift ;;
        isobmff) echo Sources/Presentation/Metadata/ISOBMFFMetadataStripper.swift ;;
        *) echo "" ;;
    esac
}

max_len() {
    case "$1" in
        multipart) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

FUZZ_FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -use-ld=lld -module-name HTTPCore -g)

# The metadata strippers depend on nothing outside their folder.
build_metadata_target() {
    local target=$1 binary=$2
    "$SWIFTC" "${FUZZ_FLAGS[@]/HTTPCore/Presentation}" "Fuzz/$target/main.swift" Sources/Presentation/Metadata/*.swift \
        -o "$binary"
}

# The form parsers depend on nothing else in HTTPCore, so their own folder is enough and
# builds fastest; should that stop being true, the whole module is compiled instead.
build_forms_target() {
    local target=$1 binary=$2
    if "$SWIFTC" "${FUZZ_FLAGS[@]}" "Fuzz/$target/main.swift" Sources/HTTPCore/Forms/*.swift \
        -o "$binary" 2>"$OUT/$target.build-forms.log"; then
        return 0
    fi
    echo "  Forms-only build failed (see $OUT/$target.build-forms.log); building with all of HTTPCore"
    build_server_target "$target" "$binary"
}

# The server parsers live among sources that import COpenSSL for TLS, and may use other
# HTTPCore files, so the whole module is compiled into the binary. If that fails (say a
# TLS file does not build outside SwiftPM), the files that import COpenSSL are left out.
build_server_target() {
    local target=$1 binary=$2
    local all=() no_tls=() file
    while IFS= read -r file; do
        all+=("$file")
        grep -q '^[[:space:]]*import[[:space:]]\+COpenSSL' "$file" || no_tls+=("$file")
    done < <(find Sources/HTTPCore -name '*.swift' | sort)
    local openssl_flags=()
    if command -v pkg-config >/dev/null && pkg-config --exists openssl; then
        for flag in $(pkg-config --cflags-only-I openssl); do openssl_flags+=(-Xcc "$flag"); done
        for flag in $(pkg-config --libs-only-L openssl); do openssl_flags+=("$flag"); done
    fi
    if "$SWIFTC" "${FUZZ_FLAGS[@]}" -I Sources/COpenSSL "${openssl_flags[@]}" -lssl -lcrypto \
        "Fuzz/$target/main.swift" "${all[@]}" -o "$binary" 2>"$OUT/$target.build-all.log"; then
        return 0
    fi
    echo "  whole-module build failed (see $OUT/$target.build-all.log); retrying without COpenSSL files"
    "$SWIFTC" "${FUZZ_FLAGS[@]}" "Fuzz/$target/main.swift" "${no_tls[@]}" -o "$binary"
}

mkdir -p "$OUT"
ran=() failed=() result=()
if [[ -z "${FUZZ_TARGETS//[[:space:]]/}" ]]; then
    echo "FUZZ_TARGETS is empty: nothing would be fuzzed" >&2
    exit 1
fi
for target in $FUZZ_TARGETS; do
    echo "== $target"
    if [[ ! -f "Fuzz/$target/main.swift" ]]; then
        echo "unknown target: Fuzz/$target/main.swift does not exist" >&2
        failed+=("$target (no such target)")
        continue
    fi
    needed=$(required_source "$target")
    if [[ -n "$needed" && ! -f "$needed" ]]; then
        echo "  FAILED: $needed not present, so the target cannot be built" >&2
        failed+=("$target ($needed not present)")
        continue
    fi

    binary="$OUT/$target"
    echo "  building $binary"
    if [[ "$needed" == Sources/Presentation/Metadata/* ]]; then
        build_metadata_target "$target" "$binary"
    elif [[ "$needed" == Sources/HTTPCore/Forms/* ]]; then
        build_forms_target "$target" "$binary"
    else
        build_server_target "$target" "$binary"
    fi || { echo "  BUILD FAILED" >&2; failed+=("$target (build failed)"); continue; }

    work="$OUT/work/$target"
    artifacts="$FUZZ_ARTIFACTS/$target/"
    rm -rf "$work" && mkdir -p "$work/corpus" "$artifacts"
    cp -R "Fuzz/$target/corpus/." "$work/corpus/" 2>/dev/null || true
    log="$OUT/$target.log"
    echo "  fuzzing for ${FUZZ_SECONDS}s (log: $log)"
    # The outer timeout guards against a fuzzer that never exits on its own.
    timeout --kill-after=30 $((FUZZ_SECONDS + 300)) "$binary" \
        -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout="$FUZZ_TIMEOUT" \
        -max_len="$(max_len "$target")" -print_final_stats=1 \
        -artifact_prefix="$artifacts" "$work/corpus" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [[ $status -ne 0 ]]; then
        echo "  FAILED (exit $status):" >&2
        grep -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|Fatal error|Precondition failed|SUMMARY' "$log" | head -5 >&2
        saved=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        echo "  crashing input saved to: ${saved:-(none written; see $log)}" >&2
        echo "  reproduce: $binary ${saved:-<input>}" >&2
        failed+=("$target (exit $status, input ${saved:-unknown})")
        continue
    fi
    if [[ ! "${execs:-}" =~ ^[0-9]+$ || "$execs" -eq 0 ]]; then
        echo "  FAILED: no inputs were executed (see $log)" >&2
        failed+=("$target (no executions)")
        continue
    fi
    echo "  ok: ${execs:-?} executions, ${speed:-?} exec/s, corpus $(ls "$work/corpus" | wc -l) inputs"
    ran+=("$target: ${FUZZ_SECONDS}s, ${execs:-?} execs, ${speed:-?} exec/s")
    result+=("${target//-/_}_execs_per_s=${speed:-0}")
done

echo
echo "== fuzz summary"
for line in "${ran[@]}"; do echo "ran      $line"; done
for line in "${failed[@]}"; do echo "FAILED   $line"; done
# For `make measure`: figures from this run, and what a green run means.
echo "TARGETS every named target built and ran inputs; no crash, leak, hang or broken property"
echo "RESULT seconds_each=$FUZZ_SECONDS targets_ran=${#ran[@]} targets_failed=${#failed[@]} ${result[*]}"
[[ ${#failed[@]} -eq 0 && ${#ran[@]} -gt 0 ]]
