#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest: once in a normal build and
# once with AddressSanitizer + UndefinedBehaviorSanitizer. Warnings are errors. Idempotent.
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
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600
}

run_suite build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DKJUDGE_SANITIZE=ON -DKJUDGE_BUILD_BENCH=OFF
echo "== all tests passed in $(( $(date +%s) - start )) s"
