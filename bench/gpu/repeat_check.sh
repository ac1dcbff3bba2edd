#!/usr/bin/env bash
# bench/gpu/repeat_check.sh [gpu-check options] [PROBLEM...]: issue 7's repeatability goal. Judges
# every correct CUDA solution of the named problems (default: the set below) RUNS times (default
# 10) in leaderboard mode through scripts/gpu-check.sh, then prints each benchmark case's mean per
# run and its coefficient of variation across the runs; the goal is a CV under 0.5% for every case
# of 10 us or more. GPU machine only; the options (--kjudge, --lib-dir, --runs, --deadline-s, --out,
# ...) are gpu-check's. Results: OUT/results.jsonl, readable again with
# `scripts/gpu-check.sh --report --cases --markdown OUT/results.jsonl`.
set -euo pipefail
cd "$(dirname "$0")/../.."
args=() problems=()
while [ $# -gt 0 ]; do
  case "$1" in
    --markdown|--prepare-host|--cases) args+=("$1") ;;
    -*) args+=("$1" "$2"); shift ;;
    *) problems+=("$1") ;;
  esac
  shift
done
# Problems whose correct solutions run from a few us to a few ms: launch-bound, memory-bound and
# tensor-core kernels, CUB and cuBLAS ones among them.
[ ${#problems[@]} -gt 0 ] || problems=(vectoradd softmax matmul fp8_gemm moe_grouped_gemm)
exec scripts/gpu-check.sh --runs 10 --out var/repeat-check "${args[@]}" --solutions 'correct/*' --cases "${problems[@]}"
