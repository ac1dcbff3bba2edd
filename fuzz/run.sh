#!/usr/bin/env bash
# Builds the libFuzzer target http_fuzz with clang and runs it for a fixed time on a fresh copy of
# the seed corpus (fuzz/corpus/), so every run starts from the same place and leaves the committed
# corpus untouched.
#   fuzz/run.sh [SECONDS] [libFuzzer flags...]     default 60 s
#   KJUDGE_FUZZ_BUILD_DIR  build directory (default build-fuzz/)
# Exit status: 0 nothing found; 1 a crash, leak, timeout, out-of-memory or invariant failure (the
# input is saved as $build/crash-*, leak-*, timeout-*: rerun it with `$build/fuzz/http_fuzz FILE`);
# 2 skipped because clang++-15 or its libFuzzer runtime (libclang-common-15-dev) is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${KJUDGE_FUZZ_BUILD_DIR:-build-fuzz}

if ! command -v clang++-15 >/dev/null 2>&1; then
  echo "fuzz: skipped: clang++-15 is not installed (apt-get install clang-15 libclang-common-15-dev)"
  exit 2
fi
runtime=$(clang-15 -print-runtime-dir 2>/dev/null || true)
if [ ! -f "$runtime/libclang_rt.fuzzer-x86_64.a" ] && [ ! -f "$runtime/libclang_rt.fuzzer.a" ]; then
  echo "fuzz: skipped: clang's libFuzzer runtime is missing (apt-get install libclang-common-15-dev)"
  exit 2
fi

# The whole project is configured (cheap) but only the fuzz target and its few sources are built.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKJUDGE_BUILD_FUZZ=ON -DKJUDGE_BUILD_TESTS=OFF -DKJUDGE_BUILD_BENCH=OFF -DKJUDGE_WERROR=ON >/dev/null
cmake --build "$build" --target http_fuzz -j "$(nproc 2>/dev/null || echo 2)"

corpus="$build/fuzz-corpus"
rm -rf "$corpus"
mkdir -p "$corpus"
cp fuzz/corpus/* "$corpus/"
log="$build/fuzz.log"
echo "== fuzz: http_fuzz for ${seconds} s on a copy of fuzz/corpus ($(ls fuzz/corpus | wc -l) seeds); log: $log"
status=0
# -timeout: any one input taking 10 s is a hang worth failing on (inputs are a few KiB at most).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$build/fuzz/http_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -dict=fuzz/http.dict -artifact_prefix="$build/" "$@" "$corpus" >"$log" 2>&1 || status=$?
summary=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
if [ "$status" -ne 0 ]; then
  echo "fuzz: FAILED (exit $status); the end of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
echo "fuzz: passed: ${runs:-?}; ${summary#*DONE}"
