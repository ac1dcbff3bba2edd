#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, and runs every test through ctest. Idempotent.
#   KJUDGE_TEST_PLAIN=1   also build and run the suite without sanitizers (build/)
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
echo "== all tests passed in $(( $(date +%s) - start )) s"
