#!/usr/bin/env bash
# Builds the benchmarks in Release (into build-release/, or $KJUDGE_BENCH_BUILD_DIR), runs them and
# writes docs/perf.md with the date, the machine, the commit and the load average. Arguments go to
# pipeline_bench (e.g. --runs 200). Run it on an otherwise idle machine: the numbers are only as
# quiet as the host. bench/README.md says what each benchmark measures and how to read the results.
#   KJUDGE_BENCH_ONLY=ingest,leaderboard   run only these (pipeline, sandbox, ingest, leaderboard,
#                                          pages, fuzz); the other sections are kept from docs/perf.md
#   KJUDGE_BENCH_FUZZ_SECONDS=600          how long the libFuzzer run lasts (fuzz/run.sh)
#   KJUDGE_BENCH_INGEST_ARGS="--submissions 20000"   extra ingest_bench arguments
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
ensure_bench_deps
build_dir=${KJUDGE_BENCH_BUILD_DIR:-build-release}
only=${KJUDGE_BENCH_ONLY:-pipeline,sandbox,ingest,leaderboard,pages,fuzz}
fuzz_seconds=${KJUDGE_BENCH_FUZZ_SECONDS:-600}
wanted() { [[ ",$only," == *",$1,"* ]]; }

targets=(kjudge)
wanted pipeline && targets+=(pipeline_bench)
wanted sandbox && targets+=(sandbox_start_bench)
{ wanted ingest || wanted leaderboard; } && targets+=(ingest_bench)
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKJUDGE_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" -j "$(jobs_for_build)" --target "${targets[@]}"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
previous=$(mktemp)
cp docs/perf.md "$previous" 2>/dev/null || true
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
stamp() { echo "_Measured $(date -u +%Y-%m-%dT%H:%MZ), load average $(loadavg) after._"; }

# section NAME: the "## bench/NAME..." section of the previous docs/perf.md, when not rerun now.
carried() {
  local body
  body=$(awk -v name="$1" '/^## / { inside = index($0, "## bench/" name) == 1 || index($0, "## " name) == 1 } inside' "$previous")
  if [ -z "$body" ]; then
    echo "## bench/$1"
    echo
    echo "_Not run yet: \`KJUDGE_BENCH_ONLY=$1 scripts/bench.sh\`._"
  else
    echo "$body" | head -n 1
    echo
    echo "_Kept from the previous docs/perf.md: not rerun this time._"
    # A section kept again already carries the notice (and the blank line after it) once.
    echo "$body" | tail -n +2 | awk 'BEGIN { skip = 1 }
      skip && (/^$/ || /^_Kept from the previous docs\/perf.md: not rerun this time._$/) { next }
      { skip = 0; print }' | sed '1i\\'

  fi
}

if wanted pipeline; then
  echo "== bench/pipeline"
  "$build_dir/bench/pipeline_bench" --markdown "$out/pipeline.md" --json "$build_dir/pipeline_samples.json" "$@"
fi
if wanted sandbox; then
  echo "== bench/sandbox"
  "$build_dir/bench/sandbox_start_bench" --benchmark_color=false | tee "$out/sandbox.txt"
fi
if wanted ingest; then
  echo "== bench/ingest"
  # shellcheck disable=SC2086  # word splitting of the extra arguments is wanted
  "$build_dir/bench/ingest_bench" --markdown "$out/ingest.md" ${KJUDGE_BENCH_INGEST_ARGS:-} || true
  [ -s "$out/ingest.md" ] || { echo "ingest_bench failed" >&2; exit 1; }
  stamp >>"$out/ingest.md"
fi
if wanted leaderboard; then
  echo "== bench/leaderboard"
  bench/leaderboard/leaderboard_bench.sh "$build_dir" "$out/leaderboard.md"
  stamp >>"$out/leaderboard.md"
fi
if wanted pages; then
  echo "== bench/pages"
  bench/pages/pages_bench.sh "$build_dir" "$out/pages.md"
  stamp >>"$out/pages.md"
fi
if wanted fuzz; then
  echo "== fuzz (${fuzz_seconds} s)"
  fuzz_status=0
  fuzz/run.sh "$fuzz_seconds" | tee "$out/fuzz.txt" || fuzz_status=$?
  {
    case $fuzz_status in
      0) echo "http_fuzz for ${fuzz_seconds} s from the seed corpus: nothing found." ;;
      2) echo "Skipped: clang++-15 (clang-15, libclang-common-15-dev) is not installed." ;;
      *) echo "http_fuzz for ${fuzz_seconds} s: **FAILED** (exit $fuzz_status): see build-fuzz/fuzz.log and the crash-* input there." ;;
    esac
    echo
    echo '```'
    grep -E '^fuzz: ' "$out/fuzz.txt" || true
    grep -E '^stat::' build-fuzz/fuzz.log 2>/dev/null || true
    echo '```'
    stamp
  } >"$out/fuzz.md"
fi

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
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r), load average $(loadavg) at the end"
  echo "- commit: ${commit}${dirty}"
  echo "- build: Release, $(c++ --version | head -n 1)"
  echo "- rerun: \`scripts/bench.sh\` (all), or \`KJUDGE_BENCH_ONLY=ingest,leaderboard scripts/bench.sh\` (some; the other sections are kept)"
  echo
  if wanted pipeline; then
    echo "## bench/pipeline: submit-to-verdict latency"
    echo
    echo "Target (issue 4): overhead outside compile and run under 50 ms at the median."
    echo
    cat "$out/pipeline.md"
  else
    carried pipeline
  fi
  echo
  if wanted sandbox; then
    echo "## bench/sandbox: starting one sandboxed process"
    echo
    echo "\`/bin/true\` under each sandbox policy, launch to exit, against a plain \`posix_spawn\`."
    echo "A cache-hit judging starts three sandboxes: compile, link, and the judged run."
    echo
    echo '```'
    grep -E '^(Benchmark|BM_|-)' "$out/sandbox.txt"
    echo '```'
  else
    carried sandbox
  fi
  echo
  if wanted ingest; then
    echo "## bench/ingest: accepted and durable submissions per second"
    echo
    echo "Target (issue 5): at least 1,000 accepted submissions/s, durable in SQLite, on this machine."
    echo
    cat "$out/ingest.md"
  else
    carried ingest
  fi
  echo
  if wanted leaderboard; then
    echo "## bench/leaderboard: wrk against GET /api/v1/leaderboards/{problem}/{gpu}"
    echo
    cat "$out/leaderboard.md"
  else
    carried leaderboard
  fi
  echo
  if wanted pages; then
    echo "## bench/pages: the leaderboard page with 10,000 competitors and 1,000,000 runs"
    echo
    echo "Target (issue 6): under 20 ms at the median, and at least 5,000 requests/s from wrk on 2 cores."
    echo
    cat "$out/pages.md"
  else
    carried pages
  fi
  echo
  if wanted fuzz; then
    echo "## fuzz: http_fuzz (libFuzzer) over the HTTP parsers and router"
    echo
    cat "$out/fuzz.md"
  else
    carried fuzz
  fi
} >docs/perf.md
rm -f "$previous"
echo "== wrote docs/perf.md"
