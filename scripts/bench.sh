#!/usr/bin/env bash
# Builds the benchmarks in Release (into build-release/, or $KJUDGE_BENCH_BUILD_DIR), runs them and
# writes docs/perf.md with the date, the machine and the commit. Arguments go to pipeline_bench
# (e.g. --runs 200). Run it on an otherwise idle machine: the numbers are only as quiet as the host.
# bench/README.md says what each benchmark measures and how to read the results.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
ensure_build_deps
build_dir=${KJUDGE_BENCH_BUILD_DIR:-build-release}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKJUDGE_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" -j "$(jobs_for_build)" --target kjudge pipeline_bench sandbox_start_bench

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== bench/pipeline"
"$build_dir/bench/pipeline_bench" --markdown "$out/pipeline.md" --json "$build_dir/pipeline_samples.json" "$@"
echo "== bench/sandbox"
"$build_dir/bench/sandbox_start_bench" --benchmark_color=false | tee "$out/sandbox.txt"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# Performance"
  echo
  echo "Written by \`scripts/bench.sh\`; do not edit by hand. Speed targets live in benchmarks under"
  echo "\`bench/\`, never in timed unit tests. [bench/README.md](../bench/README.md) says what each"
  echo "benchmark measures and where the time goes."
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "- commit: ${commit}${dirty}"
  echo "- build: Release, $(c++ --version | head -n 1)"
  echo
  echo "## bench/pipeline: submit-to-verdict latency"
  echo
  echo "Target (issue 4): overhead outside compile and run under 50 ms at the median."
  echo
  cat "$out/pipeline.md"
  echo
  echo "## bench/sandbox: starting one sandboxed process"
  echo
  echo "\`/bin/true\` under each sandbox policy, launch to exit, against a plain \`posix_spawn\`."
  echo "A cache-hit judging starts three sandboxes: compile, link, and the judged run."
  echo
  echo '```'
  grep -E '^(Benchmark|BM_|-)' "$out/sandbox.txt"
  echo '```'
} >docs/perf.md
echo "== wrote docs/perf.md (samples: $build_dir/pipeline_samples.json)"
