#!/usr/bin/env bash
# bench/gpu/timer_check.sh OUT_MARKDOWN: builds bench/gpu/timer_check.cu, runs it, runs it again
# under Nsight Compute (clocks left alone: --clock-control none), and writes a table of the
# median time each method reports per copy size next to ncu's gpu__time_duration. GPU machine only.
set -euo pipefail
out=${1:?markdown output file}
here=$(cd "$(dirname "$0")" && pwd)
cuda=${CUDA_HOME:-/usr/local/cuda}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cuda/bin/nvcc" -std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -o "$work/timer_check" "$here/timer_check.cu"
"$work/timer_check" >"$work/methods.txt"
"$work/timer_check" --events >>"$work/methods.txt"
"$cuda/bin/ncu" --clock-control none --kernel-name Copy --metrics gpu__time_duration.sum --csv \
  "$work/timer_check" --ncu >"$work/ncu.csv" 2>"$work/ncu.log" || { cat "$work/ncu.log" >&2; exit 1; }
python3 - "$work/methods.txt" "$work/ncu.csv" "$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)" >"$out" <<'PY'
import csv, statistics, sys, datetime
methods = {}
for line in open(sys.argv[1]):
    m, size, ns = line.split()
    methods.setdefault(int(size), {})[m] = float(ns)
sizes = sorted(methods)
rows = [r for r in csv.reader(open(sys.argv[2])) if len(r) > 5]
head = rows[0]
vi, ui = head.index("Metric Value"), head.index("Metric Unit")
durations = []
for r in rows[1:]:
    v = float(r[vi].replace(",", ""))
    unit = r[ui]
    durations.append(v * {"nsecond": 1, "usecond": 1e3, "msecond": 1e6}.get(unit, 1))
per = len(durations) // len(sizes)
print(f"Measured {datetime.date.today()} on {sys.argv[3]} (bench/gpu/timer_check.sh). Median of "
      f"the launches of a float4 copy kernel, each after an L2 flush; ncu: `--clock-control none`, {per} launches per size.\n")
print("| bytes copied | ncu gpu__time_duration | harness span (CUPTI) | span vs ncu | span right after a KernelBot-style call | that vs ncu | plain events | events vs ncu | events with CUPTI on | KernelBot-style host timing | host vs ncu |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for i, s in enumerate(sizes):
    ncu = statistics.median(durations[i * per:(i + 1) * per])
    m = methods[s]
    def cell(k):
        if k not in m: return "-", "-"
        return "%.2f us" % (m[k] / 1e3), "%+.1f%% (%+.2f us)" % (100 * (m[k] - ncu) / ncu, (m[k] - ncu) / 1e3)
    sp, spd = cell("span"); sa, sad = cell("span_after_host"); ev, evd = cell("events"); kb, _ = cell("kernelbot"); ec, _ = cell("events_with_cupti")
    kbx = "%.0fx" % (m["kernelbot"] / ncu) if "kernelbot" in m else "-"
    print(f"| {s >> 20} MiB | {ncu / 1e3:.2f} us | {sp} | {spd} | {sa} | {sad} | {ev} | {evd} | {ec} | {kb} | {kbx} |")
PY
cat "$out"
