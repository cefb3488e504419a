#!/usr/bin/env bash
# Builds every libFuzzer target in Fuzz/ and runs each one for a bounded time; prints a summary table.
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_RUNS (stop after this many executions instead),
# FUZZ_TARGETS (space-separated names, default every fuzzTarget("…") in Fuzz/Package.swift), FUZZ_FLAGS (extra libFuzzer flags).
# Output per target in fuzz-out/<Target>/: corpus/ (grows across runs), crashes/ (reproducers), log.txt.
# Exit status: non-zero if any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

# SwiftPM names a path package after its directory: a checkout directory called "fuzz" would clash with this
# package (Fuzz/), and the build would fail with "product 'EthereumKit' … not found".
if [ "$(basename "$PWD" | tr '[:upper:]' '[:lower:]')" = fuzz ]; then
    echo "Fuzz/run.sh: the checkout directory is named '$(basename "$PWD")', which SwiftPM confuses with the Fuzz/ package;" >&2
    echo "build from a checkout with another name (a symlink to it does not help: SwiftPM resolves the real path)." >&2
    exit 2
fi

seconds=${FUZZ_SECONDS:-60}
# The targets declared with fuzzTarget("…") in Fuzz/Package.swift.
targets=${FUZZ_TARGETS:-$(grep -o 'fuzzTarget("[A-Za-z0-9_]*"' Fuzz/Package.swift | sed 's/fuzzTarget("\(.*\)"/\1/' | tr '\n' ' ')}

# -use-ld=lld: ld.gold fails with an internal error on the sanitizer runtime.
swift build --package-path Fuzz -c release --scratch-path .build/fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

# Swift's own crash backtracer fights AddressSanitizer's signal handling; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no

failed=0
rows=()
for target in $targets; do
    out=fuzz-out/$target
    mkdir -p "$out/corpus" "$out/crashes"
    seeds=()
    [ -d "Fuzz/Seeds/$target" ] && seeds=("Fuzz/Seeds/$target")
    limit=(-max_total_time="$seconds")
    budget="$seconds s"
    if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); budget="$FUZZ_RUNS executions"; fi
    echo "fuzz $target: $budget (log: $out/log.txt)"
    set +e
    # shellcheck disable=SC2086
    ".build/fuzz/release/$target" "${limit[@]}" -print_final_stats=1 -artifact_prefix="$out/crashes/" \
        ${FUZZ_FLAGS:-} "$out/corpus" "${seeds[@]}" >"$out/log.txt" 2>&1
    status=$?
    set -e
    executions=$(grep 'stat::number_of_executed_units:' "$out/log.txt" | awk '{print $2}' | tail -1)
    rate=$(grep 'stat::average_exec_per_sec:' "$out/log.txt" | awk '{print $2}' | tail -1)
    crashes=$(find "$out/crashes" -type f | wc -l)
    corpus=$(find "$out/corpus" -type f | wc -l)
    result=ok
    if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        result="CRASH (exit $status; reproduce: .build/fuzz/release/$target $out/crashes/<file>)"
        grep -E "fuzz invariant failed|ERROR: AddressSanitizer|Fatal error|SUMMARY" "$out/log.txt" | head -5 || true
        failed=1
    fi
    rows+=("$(printf '%-22s %12s %10s %8s %8s  %s' "$target" "${executions:-?}" "${rate:-?}" "$corpus" "$crashes" "$result")")
done

echo
printf '%-22s %12s %10s %8s %8s  %s\n' target executions "execs/s" corpus crashes result
for row in "${rows[@]}"; do echo "$row"; done
exit $failed
