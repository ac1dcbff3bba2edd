#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, and runs every test through ctest. Idempotent.
#   KJUDGE_TEST_PLAIN=1   also build and run the suite without sanitizers (build/)
#   KJUDGE_FUZZ_SECONDS   how long the libFuzzer step runs (default 60; fuzz/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
start=$(date +%s)
ensure_test_deps
cuda_status
jobs=$(jobs_for_build)

run_suite() {
  local dir=$1; shift
  echo "== $dir: configure and build"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKJUDGE_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== $dir: ctest"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 900
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build-asan -DKJUDGE_SANITIZE=ON -DKJUDGE_BUILD_BENCH=OFF
if [ "${KJUDGE_TEST_PLAIN:-0}" = 1 ]; then
  run_suite build
fi

# libFuzzer over the HTTP parsers and router (fuzz/): a clang build of only the sources it covers,
# then a fixed 60 s run. A crash, leak or broken invariant fails the suite; no clang skips it.
fuzz_start=$(date +%s)
fuzz_status=0
fuzz/run.sh "${KJUDGE_FUZZ_SECONDS:-60}" || fuzz_status=$?
case $fuzz_status in
  0) echo "== fuzz: build and run took $(( $(date +%s) - fuzz_start )) s" ;;
  2) ;;  # skipped; run.sh said why
  *) echo "== fuzz: FAILED" >&2; exit 1 ;;
esac
echo "== all tests passed in $(( $(date +%s) - start )) s"
