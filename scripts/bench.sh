#!/usr/bin/env bash
# Builds the benchmarks in Release (into build-release/, or $KJUDGE_BENCH_BUILD_DIR), runs them and
# writes docs/perf.md with the date, the machine and the commit. Arguments go to pipeline_bench
# (e.g. --runs 100). Run it on an otherwise idle machine: the numbers are only as quiet as the host.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
ensure_build_deps
build_dir=${KJUDGE_BENCH_BUILD_DIR:-build-release}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKJUDGE_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" -j "$(jobs_for_build)" --target kjudge pipeline_bench

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== bench/pipeline"
"$build_dir/bench/pipeline_bench" --markdown "$out/pipeline.md" --json "$build_dir/pipeline_samples.json" "$@"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# Performance"
  echo
  echo "Written by \`scripts/bench.sh\`; do not edit by hand. Targets live in benchmarks under \`bench/\`,"
  echo "never in timed unit tests."
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)"
  echo "- commit: ${commit}${dirty}"
  echo "- build: Release, $(c++ --version | head -n 1)"
  echo
  echo "## bench/pipeline: submit-to-verdict latency"
  echo
  echo "Target (issue 4): overhead outside compile and run under 50 ms at the median."
  echo
  cat "$out/pipeline.md"
  if [ -f docs/perf-notes.md ]; then
    echo
    cat docs/perf-notes.md
  fi
} >docs/perf.md
echo "== wrote docs/perf.md (samples: $build_dir/pipeline_samples.json)"
