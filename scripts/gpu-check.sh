#!/usr/bin/env bash
# Judges every problem's CUDA sample solutions (problems/*/solutions/{correct,wrong,cheat}/*.cu) on
# this machine's GPU through the whole pipeline: `kjudge serve` with an in-process runner on the GPU
# (sandboxed nvcc, sandboxed judged process, supervisor, database), each solution in test and in
# leaderboard mode, each correct one RUNS times in leaderboard mode for the across-run spread. Prints
# a table (problem, solution, expected and actual verdicts, score, x SoL, across-run CV, SM clock)
# and exits 1 when any verdict differs from the one in the solution's first line
# (include/kjudge/problem/solution_header.h).
#
#   scripts/gpu-check.sh [options] [PROBLEM...]     judge (every problem when none is named)
#   scripts/gpu-check.sh --report FILE.jsonl...     print the table of earlier runs again
#   scripts/gpu-check.sh --exploits [options]       judge tests/exploits/*.cu instead (issue 8): each
#                    once, in the mode its `// mode:` line names; prints exploit, family, expected
#                    (caught), got, how it was caught; exits 1 when an exploit passes uncharged
#                    (a pass with charged_ns > 0 in any benchmark case counts as caught) and beats
#                    its `// caught-if:` score rule, or a control is misjudged
#   scripts/gpu-check.sh --profile [options] PROBLEM...   judge one correct solution of each named
#                    problem in profile mode (Nsight Compute, issue 7) and print its profile summary;
#                    set KJUDGE_NCU=/path/to/ncu if ncu is not in PATH, /usr/local/cuda/bin or
#                    /opt/nvidia/nsight-compute/*; exits 1 when a run fails or has no profile
#
# Options:
#   --kjudge PATH    kjudge binary to use; without it one is built in build-gpu/ (needs the
#                    Debian/Ubuntu -dev packages of scripts/lib/deps.sh)
#   --lib-dir DIR    shared libraries that binary needs and this machine lacks (searched first)
#   --bwrap PATH     bubblewrap (>= 0.8) to install as /usr/bin/bwrap, where the sandbox runs it,
#                    when this machine has none (root only; meant for throwaway GPU machines)
#   --prepare-host   on a throwaway GPU machine (root): where /usr/local/cuda is a symbolic link,
#                    bind-mount its target there instead (the judged sandbox binds /usr/local/cuda
#                    over /usr and bubblewrap cannot recreate the link: "Can't make symlink at
#                    /usr/local/cuda: File exists", seen on the H100 image on 2026-11-25)
#   --problems DIR   the problem set to load and judge (default problems/)
#   --runs N         leaderboard runs of each correct solution (default 3)
#   --deadline-s S   start no submission after S seconds; what is left is reported as not run
#   --out DIR        results.jsonl, device.txt and logs (default var/gpu-check)
#   --device N       GPU index (default 0)
#   --gpu NAME       GPU type the runner serves, canonical name (default: from nvidia-smi's name,
#                    e.g. "NVIDIA H200" -> H200, "NVIDIA H100 80GB HBM3" -> H100_SXM)
#   --port P         server port on 127.0.0.1 (default 18080)
#   --extra P=FILE   also judge FILE as a solution of problem P (repeatable), e.g. the timing
#                    checks under tests/runner/testdata/gpu/
#   --solutions GLOB judge only the solutions matching GLOB under each problem's solutions/
#                    (default */*; e.g. 'correct/*' for the across-run spread of bench/gpu/repeat_check.sh)
#   --cases          also print every benchmark case's spread across the leaderboard runs (the mean
#                    of each run, its CV across runs; issue 7's goal: under 0.5% for cases >= 10 us)
#   --markdown       print the table as Markdown
# Exit status: 0 every verdict as expected, 1 some verdict differs or was not judged, 2 setup failed.
set -euo pipefail
cd "$(dirname "$0")/.."

kjudge="" lib_dir="" bwrap="" runs=3 deadline_s=0 out=var/gpu-check device=0 gpu="" port=18080 markdown=0
solutions_glob='*/*' cases=0
report_only=0 prepare_host=0 exploits=0 profile=0 problems=() extras=() problems_dir=problems
while [ $# -gt 0 ]; do
  case "$1" in
    --kjudge) kjudge=$2; shift ;;
    --lib-dir) lib_dir=$2; shift ;;
    --bwrap) bwrap=$2; shift ;;
    --runs) runs=$2; shift ;;
    --problems) problems_dir=$2; shift ;;
    --deadline-s) deadline_s=$2; shift ;;
    --out) out=$2; shift ;;
    --device) device=$2; shift ;;
    --gpu) gpu=$2; shift ;;
    --port) port=$2; shift ;;
    --extra) extras+=("$2"); shift ;;
    --markdown) markdown=1 ;;
    --solutions) solutions_glob=$2; shift ;;
    --cases) cases=1 ;;
    --prepare-host) prepare_host=1 ;;
    --report) report_only=1 ;;
    --exploits) exploits=1 ;;
    --profile) profile=1 ;;
    -h|--help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) problems+=("$1") ;;
  esac
  shift
done

helper=$(mktemp /tmp/kjudge-gpu-check-XXXXXX.py)
trap 'rm -f "$helper"' EXIT
cat > "$helper" <<'PY'
"""gpu-check's JSON work: expected verdicts, one record per judged submission, the table."""
import json, math, os, re, statistics, sys

def expected(path, mode):
    line = open(path, encoding="utf-8").readline()
    m = re.match(r"\s*//\s*expect:\s*(.*?)\s*(?:\u2014|--)", line)
    if not m:
        return "?"
    parts = [p.strip() for p in m.group(1).split(",")]
    verdict, by_mode = parts[0], {}
    for p in parts[1:]:
        k, _, v = p.partition(":")
        by_mode[k.strip()] = v.strip()
    return by_mode.get(mode, verdict)

def record(raw_path, problem, solution, mode, run, expect, wall_s, exit_code):
    rec = {"problem": problem, "solution": solution, "mode": mode, "run": int(run), "expected": expect,
           "wall_s": round(float(wall_s), 1), "verdict": "not_judged", "exit_code": int(exit_code)}
    try:
        sub = json.load(open(raw_path, encoding="utf-8"))
    except Exception as e:  # the CLI printed no JSON: setup trouble, say so in the record
        rec["message"] = "no result from kjudge submit (%s)" % e.__class__.__name__
        print(json.dumps(rec)); return
    rec["status"] = sub.get("status")
    runs = sub.get("runs") or []
    if runs:
        r = runs[-1]
        rec.update(verdict=r.get("verdict"), message=r.get("message", "")[:300], score_ns=r.get("score_ns"),
                   sol_ratio=r.get("sol_ratio"), device=r.get("device"))
        cases = []
        for c in r.get("cases", []):
            t = c.get("timing")
            if c.get("kind") != "benchmark" or not t:
                continue
            clock = t.get("sm_clock") or {}
            cases.append({"params": c.get("params"), "sol_ns": c.get("sol_ns"), "median_ns": t.get("median_ns"),
                          "mean_ns": t.get("mean_ns"), "wall_mean_ns": t.get("wall_mean_ns"), "wall_split_ms": t.get("wall_split_ms"), "stddev_ns": t.get("stddev_ns"), "samples": t.get("samples"),
                          "rel_sem": t.get("rel_sem"), "stop_reason": t.get("stop_reason"),
                          "timer_floor_ns": t.get("timer_floor_ns"), "l2_flushed": t.get("l2_flushed"),
                          "harness_overhead_ns": t.get("harness_overhead_ns"), "charged_ns": t.get("charged_ns"),
                          "outputs_frozen": t.get("outputs_frozen"), "case_message": c.get("message"),
                          "timer": t.get("timer"),
                          "clock_min_mhz": clock.get("min_mhz"), "clock_max_mhz": clock.get("max_mhz"),
                          "clock_reasons": clock.get("reasons"), "throttled": clock.get("throttled")})
        rec["cases"] = cases
    else:
        rec["verdict"] = sub.get("status", "not_judged")
    print(json.dumps(rec))

def print_table(head, rows, markdown):
    """Rows of strings under `head`: a Markdown table, or columns padded for a terminal."""
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for l in rows:
            print("| " + " | ".join(c.replace("|", "/") for c in l) + " |")
    else:
        widths = [max(len(h), *(len(l[i]) for l in rows)) if rows else len(h) for i, h in enumerate(head)]
        for l in [head] + rows:
            print("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip())

def fmt_us(ns):
    return "-" if ns is None else ("%.1f" % (ns / 1e3) if ns < 1e7 else "%.0f" % (ns / 1e3))

def table(paths, markdown):
    recs = [json.loads(l) for p in paths for l in open(p, encoding="utf-8") if l.strip()]
    for r in recs:
        r["run"] = int(r["run"])
    # Merging runs: a submission one run left unjudged (deadline) and a later run judged counts once.
    judged = {(r["problem"], r["solution"], r["mode"], r["run"]) for r in recs if r["verdict"] != "not_run"}
    seen, kept = set(), []
    for r in recs:
        key = (r["problem"], r["solution"], r["mode"], r["run"])
        if (r["verdict"] == "not_run" and key in judged) or key in seen:
            continue
        seen.add(key); kept.append(r)
    recs = kept
    order, rows = [], {}
    for r in recs:
        key = (r["problem"], r["solution"])
        if key not in rows:
            order.append(key); rows[key] = {"test": [], "leaderboard": []}
        rows[key].setdefault(r["mode"], []).append(r)
    head = ["problem", "solution", "expected (test / lb)", "verdict (test / lb runs)", "score us", "x SoL",
            "CV runs", "max rel SEM", "samples", "timer", "SM MHz", "floor us", "check"]
    lines, bad = [], 0
    for key in order:
        t, lb = rows[key]["test"], rows[key]["leaderboard"]
        exp_t = t[0]["expected"] if t else "?"
        exp_l = lb[0]["expected"] if lb else "?"
        got_t = t[0]["verdict"] if t else "not_run"
        got_l = [r["verdict"] for r in lb] or ["not_run"]
        ok = got_t == exp_t and all(v == exp_l for v in got_l) and bool(t) and bool(lb)
        bad += not ok
        scores = [r["score_ns"] for r in lb if r.get("verdict") == "passed" and r.get("score_ns")]
        sols = [r["sol_ratio"] for r in lb if r.get("verdict") == "passed" and r.get("sol_ratio")]
        cases = [c for r in lb if r.get("verdict") == "passed" for c in r.get("cases", [])]
        mean = statistics.fmean(scores) if scores else None
        cv = "%.2f%%" % (100 * statistics.stdev(scores) / mean) if len(scores) >= 2 else "-"
        sems = [c["rel_sem"] for c in cases if c.get("rel_sem") is not None]
        lows = [c["clock_min_mhz"] for c in cases if c.get("clock_min_mhz")]
        highs = [c["clock_max_mhz"] for c in cases if c.get("clock_max_mhz")]
        clock = ("%.0f-%.0f" % (min(lows), max(highs))) if lows else "-"
        if any(c.get("throttled") for c in cases):
            clock += " THROTTLED"
        floors = [c["timer_floor_ns"] for c in cases if c.get("timer_floor_ns")]
        counts = [c["samples"] for c in cases if c.get("samples")]
        timers = sorted({c["timer"] for c in cases if c.get("timer")})
        lines.append([key[0], key[1], "%s / %s" % (exp_t, exp_l), "%s / %s" % (got_t, ", ".join(got_l)),
                      fmt_us(mean), "%.2f" % statistics.fmean(sols) if sols else "-", cv,
                      "%.2f%%" % (100 * max(sems)) if sems else "-",
                      "%d-%d" % (min(counts), max(counts)) if counts else "-", "/".join(timers) or "-", clock,
                      fmt_us(statistics.median(floors)) if floors else "-", "ok" if ok else "MISMATCH"])
    print_table(head, lines, markdown)
    print("\n%d solutions, %d not as expected" % (len(lines), bad))
    return 1 if bad or not lines else 0

def cases_table(paths, markdown):
    """Every benchmark case of every correct solution: its mean per leaderboard run, spread across runs."""
    recs = [json.loads(l) for p in paths for l in open(p, encoding="utf-8") if l.strip()]
    order, groups = [], {}
    for r in recs:
        if r.get("mode") != "leaderboard" or r.get("verdict") != "passed":
            continue
        for c in r.get("cases") or []:
            if c.get("mean_ns") is None:
                continue
            key = (r["problem"], r["solution"], json.dumps(c.get("params"), sort_keys=True))
            if key not in groups:
                order.append(key); groups[key] = []
            groups[key].append(c)
    head = ["problem", "solution", "case", "runs", "mean us", "min run us", "max run us", "CV across runs",
            "samples per run", "goal (CV < 0.5% for >= 10 us)"]
    lines, met, missed = [], 0, 0
    for key in order:
        cs = groups[key]
        means = [c["mean_ns"] for c in cs]
        mean = statistics.fmean(means)
        cv = statistics.stdev(means) / mean if len(means) >= 2 and mean > 0 else None
        if len(means) < 2:
            goal = "-"
        elif mean < 10e3:
            goal = "(under 10 us)"
        elif cv < 0.005:
            goal = "met"; met += 1
        else:
            goal = "NOT met"; missed += 1
        params = ", ".join("%s=%s" % kv for kv in json.loads(key[2]).items()) if key[2] != "null" else "-"
        counts = [c.get("samples") for c in cs if c.get("samples")]
        lines.append([key[0], key[1], params, str(len(means)), fmt_us(mean), fmt_us(min(means)), fmt_us(max(means)),
                      "-" if cv is None else "%.2f%%" % (100 * cv),
                      "%d-%d" % (min(counts), max(counts)) if counts else "-", goal])
    print_table(head, lines, markdown)
    print("\n%d benchmark cases of 10 us or more: %d under 0.5%% CV across runs, %d not" % (met + missed, met, missed))
    return 0

def header_field(path, key):
    for line in open(path, encoding="utf-8"):
        if not line.startswith("//"):
            break
        m = re.match(r"//\s*%s:\s*(.*?)\s*$" % re.escape(key), line)
        if m:
            return m.group(1)
    return ""

def inline_helpers(path, out):
    """An exploit as the one file it is submitted as: each `#include "kx/NAME.h"` line replaced by
    tests/exploits/kx/NAME.h (tests/exploits/README.md)."""
    here = os.path.dirname(os.path.abspath(path))
    text = []
    for line in open(path, encoding="utf-8"):
        m = re.match(r'#include "kx/([a-z_]+)\.h"\s*$', line)
        text.append(open(os.path.join(here, "kx", m.group(1) + ".h"), encoding="utf-8").read() if m else line)
    open(out, "w", encoding="utf-8").write("".join(text))

def exploits_table(results, markdown):
    """One row per tests/exploits/*.cu: caught, or a hole (exit 1), or a misjudged control."""
    recs = [json.loads(l) for l in open(results, encoding="utf-8") if l.strip()]
    control = next((r.get("score_ns") for r in recs if r["solution"].endswith("control_correct.cu")
                    and r.get("verdict") == "passed"), None)
    head = ["exploit", "family", "mode", "expected (caught)", "got", "score us", "result", "how it was caught"]
    rows, bad = [], 0
    for r in recs:
        path = r["solution"]
        family, rule = header_field(path, "family"), header_field(path, "caught-if")
        got, score = r.get("verdict"), r.get("score_ns")
        if family.startswith("control"):
            ok = got == r["expected"]
            result = "ok" if ok else "MISJUDGED"
        else:
            ok = got not in ("passed", "not_judged", "not_run")
            # Charged: in some benchmark case the supervisor's own clock replaced the reported times.
            charged = got == "passed" and any((c.get("charged_ns") or 0) > 0 for c in r.get("cases") or [])
            score_ok = None
            m = re.search(r"score_us\s*>=\s*([0-9.]+)", rule)
            if got == "passed" and m and score is not None:
                score_ok = score / 1e3 >= float(m.group(1))
            m = re.search(r"score\s*>=\s*([0-9.]+)\s*x\s*control_correct", rule)
            if got == "passed" and m and score is not None and control is not None:
                score_ok = score >= float(m.group(1)) * control
            if got == "passed":  # a pass is caught when charged (`caught-if: charged ...`: charged AND the score rule)
                ok = (charged and score_ok is not False) if rule.startswith("charged") else (charged or bool(score_ok))
            result = ("caught (charged)" if charged else "caught") if ok else ("HOLE" if got == "passed" else "NOT JUDGED")
        bad += not ok
        how = (r.get("message") or "").replace("\n", " ")
        rows.append([path.rsplit("/", 1)[-1], family[:48], r["mode"], r["expected"], str(got), fmt_us(score), result,
                     how[:90] + ("..." if len(how) > 90 else "")])
    print_table(head, rows, markdown)
    print("\n%d exploits and controls, %d holes or misjudged" % (len(rows), bad))
    return 1 if bad or not rows else 0

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "expected":
        print(expected(sys.argv[2], sys.argv[3]))
    elif cmd == "record":
        record(*sys.argv[2:10])
    elif cmd == "table":
        sys.exit(table(sys.argv[3:], sys.argv[2] == "1"))
    elif cmd == "exploits":
        sys.exit(exploits_table(sys.argv[3], sys.argv[2] == "1"))
    elif cmd == "cases":
        sys.exit(cases_table(sys.argv[3:], sys.argv[2] == "1"))
    elif cmd == "field":
        print(header_field(sys.argv[2], sys.argv[3]))
    elif cmd == "inline":
        inline_helpers(sys.argv[2], sys.argv[3])
PY

if [ "$report_only" = 1 ]; then
  [ ${#problems[@]} -gt 0 ] || { echo "gpu-check: --report needs results files" >&2; exit 2; }
  if [ "$exploits" = 1 ]; then
    status=0
    for f in "${problems[@]}"; do python3 "$helper" exploits "$markdown" "$f" || status=1; done
    exit $status
  fi
  status=0
  python3 "$helper" table "$markdown" "${problems[@]}" || status=1
  if [ "$cases" = 1 ]; then echo; python3 "$helper" cases "$markdown" "${problems[@]}"; fi
  exit $status
fi

fail_setup() { echo "gpu-check: $*" >&2; exit 2; }
command -v nvidia-smi >/dev/null || fail_setup "nvidia-smi not found: this script needs an NVIDIA GPU"
[ -x /usr/local/cuda/bin/nvcc ] || fail_setup "no nvcc at /usr/local/cuda/bin/nvcc (the runner's CUDA toolchain)"
if [ -z "$gpu" ]; then
  # The catalogue's canonical name for this card: SoL and leaderboards are per GPU type.
  case "$(nvidia-smi -i "$device" --query-gpu=name --format=csv,noheader)" in
    *H200*) gpu=H200 ;;
    *H100*PCIe*) gpu=H100_PCIe ;;
    *H100*) gpu=H100_SXM ;;
    *B200*) gpu=B200 ;;
    *A100*) gpu=A100_SXM ;;
    *L4*) gpu=L4 ;;
    *) fail_setup "cannot tell this GPU's catalogue name; give --gpu NAME (see docs/gpus.md)" ;;
  esac
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
started=$(date +%s)

# --- the kjudge binary --------------------------------------------------------------------------
if [ -n "$lib_dir" ]; then export LD_LIBRARY_PATH="$(cd "$lib_dir" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
if [ -z "$kjudge" ]; then
  echo "== building kjudge in build-gpu/"
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DKJUDGE_BUILD_TESTS=OFF -DKJUDGE_BUILD_BENCH=OFF \
    >"$out/build.log" 2>&1 || fail_setup "cmake failed, see $out/build.log"
  cmake --build build-gpu --target kjudge -j "$(nproc)" >>"$out/build.log" 2>&1 || fail_setup "build failed, see $out/build.log"
  kjudge=build-gpu/bin/kjudge
fi
kjudge=$(cd "$(dirname "$kjudge")" && pwd)/$(basename "$kjudge")
"$kjudge" version >/dev/null 2>&1 || fail_setup "$kjudge does not run here: $(ldd "$kjudge" 2>&1 | grep 'not found' | tr '\n' ' ')"

# --- the sandbox ----------------------------------------------------------------------------------
if [ ! -x /usr/bin/bwrap ] && [ -n "$bwrap" ]; then
  [ "$(id -u)" = 0 ] || fail_setup "installing $bwrap as /usr/bin/bwrap needs root"
  echo "== installing $bwrap as /usr/bin/bwrap (the sandbox runs bubblewrap from there)"
  install -m 0755 "$bwrap" /usr/bin/bwrap
fi
if [ "$prepare_host" = 1 ] && [ -L /usr/local/cuda ]; then
  [ "$(id -u)" = 0 ] || fail_setup "--prepare-host needs root"
  target=$(readlink -f /usr/local/cuda)
  echo "== replacing the link /usr/local/cuda -> $target by a bind mount of it"
  rm /usr/local/cuda && mkdir /usr/local/cuda && mount --bind "$target" /usr/local/cuda
fi
[ -x /usr/bin/bwrap ] || fail_setup "no /usr/bin/bwrap: the runner judges only in its sandbox (give --bwrap PATH)"

# --- the device -----------------------------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "gpu: $(nvidia-smi -i "$device" --query-gpu=name,memory.total,clocks.max.sm,power.limit --format=csv,noheader)"
  echo "catalogue GPU: $gpu"
  echo "driver: $(nvidia-smi -i "$device" --query-gpu=driver_version --format=csv,noheader)"
  echo "cuda (driver): $(nvidia-smi | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -n 1)"
  echo "nvcc: $(/usr/local/cuda/bin/nvcc --version | tail -n 1)"
  echo "host: $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cores, kernel $(uname -r)"
  echo "bubblewrap: $(/usr/bin/bwrap --version)"
} | tee "$out/device.txt"

# --- server with an in-process runner on the GPU ------------------------------------------------
work=$(mktemp -d /tmp/kjudge-gpu-check-XXXXXX)
chmod 755 "$work"  # the sandbox's unprivileged user must reach the runner's cache under it
db=$work/db.sqlite
url=http://127.0.0.1:$port
# The runner is named by the canonical GPU name because it leases jobs by the name it is given and
# jobs carry the canonical one: `--local-runner cuda:0` (which names "H100") leased nothing here on
# 2026-11-25.
"$kjudge" serve --db "$db" --listen "127.0.0.1:$port" --problems "$problems_dir" --local-runner "$gpu:$device" \
  --cache-dir "$work/cache" --duplicate-window-s 0 --rate-limit "max=100000,per=1h" --max-queued-jobs 1000 \
  --log-level info >"$out/server.log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work" "$helper"
}
trap stop_server EXIT
for _ in $(seq 1 150); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { tail -n 20 "$out/server.log" >&2; fail_setup "the server exited during start-up"; }
  sleep 0.2
done
curl -fsS "$url/healthz" >/dev/null 2>&1 || fail_setup "the server did not answer within 30 s"
token=$("$kjudge" admin user add gpucheck --db "$db" 2>>"$out/server.log") || fail_setup "cannot create the check's user"

# --- judging ---------------------------------------------------------------------------------------
results=$out/results.jsonl
: >"$results"
# No problem named: every problem, unless only --extra solutions were asked for.
if [ ${#problems[@]} -eq 0 ] && [ ${#extras[@]} -eq 0 ]; then
  for d in "$problems_dir"/*/; do problems+=("$(basename "$d")"); done
fi
judge() {  # FILE PROBLEM MODE RUN [SUBMITTED_FILE: what is sent, when not FILE itself]
  local file=$1 problem=$2 mode=$3 run=$4 submitted=${5:-$1} solution expect raw t0 rc=0
  solution=${file#"$problems_dir/$problem"/solutions/}
  solution=${solution#tests/runner/testdata/}
  expect=$(python3 "$helper" expected "$file" "$mode")
  raw=$out/raw.json
  if [ "$deadline_s" -gt 0 ] && [ $(( $(date +%s) - started )) -ge "$deadline_s" ]; then
    printf '{"problem":"%s","solution":"%s","mode":"%s","run":%d,"expected":"%s","verdict":"not_run","message":"deadline"}\n' \
      "$problem" "$solution" "$mode" "$run" "$expect" >>"$results"
    return
  fi
  t0=$(date +%s%N)
  "$kjudge" submit "$submitted" --server "$url" --token "$token" --problem "$problem" --gpu "$gpu" --mode "$mode" \
    --timeout 300 --json >"$raw" 2>>"$out/submit.log" || rc=$?
  python3 "$helper" record "$raw" "$problem" "$solution" "$mode" "$run" "$expect" \
    "$(( ($(date +%s%N) - t0) / 1000000 ))e-3" "$rc" >>"$results"
  printf '%-10s %-32s %-11s run %d: %s (expected %s)\n' "$problem" "$solution" "$mode" "$run" \
    "$(tail -n 1 "$results" | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')" "$expect"
}
judge_all_modes() {  # FILE PROBLEM
  judge "$1" "$2" test 1
  judge "$1" "$2" leaderboard 1
  if [ "$(python3 "$helper" expected "$1" leaderboard)" = passed ]; then
    for run in $(seq 2 "$runs"); do judge "$1" "$2" leaderboard "$run"; done
  fi
}
if [ "$exploits" = 1 ]; then
  # The exploit suite (issue 8): every tests/exploits/*.cu once, in the mode where it would pay off.
  echo "== judging the exploits (results: $results)"
  for file in tests/exploits/*.cu; do
    [ -e "$file" ] || continue
    # The exploits share helpers (tests/exploits/kx/); a submission is one file, with them inlined.
    inlined=$work/$(basename "$file")
    python3 "$helper" inline "$file" "$inlined"
    judge "$file" vectoradd "$(python3 "$helper" field "$file" mode)" 1 "$inlined"
  done
  rm -f "$out/raw.json"
  echo
  cat "$out/device.txt"
  echo
  python3 "$helper" exploits "$markdown" "$results"
  exit $?
fi
if [ "$profile" = 1 ]; then
  # Profile mode (issue 7): one correct solution per named problem, its summary printed.
  [ ${#problems[@]} -gt 0 ] || fail_setup "--profile needs problem names"
  echo "== profiling (submission JSON in $out/profile-PROBLEM.json; the runner's log in $out/server.log)"
  status=0
  for problem in "${problems[@]}"; do
    file=$(ls "$problems_dir/$problem"/solutions/correct/*.cu 2>/dev/null | head -n 1 || true)
    [ -n "$file" ] || { echo "$problem: no correct CUDA solution"; status=1; continue; }
    echo "-- $problem: $file"
    "$kjudge" submit "$file" --server "$url" --token "$token" --problem "$problem" --gpu "$gpu" --mode profile \
      --timeout 900 --json >"$out/profile-$problem.json" 2>>"$out/submit.log" || status=1
    python3 - "$out/profile-$problem.json" <<'PROFILE' || status=1
import json, sys
sub = json.load(open(sys.argv[1], encoding="utf-8"))
run = (sub.get("runs") or [{}])[-1]
print("result:", sub.get("status"), "|", run.get("message", ""))
p = run.get("profile")
if p is None:
    print("(the server did not store the run's profile field; the message above carries its summary)")
    sys.exit(0 if "profile (Nsight Compute" in run.get("message", "") else 1)
print("profile:", p.get("status"), p.get("tool_version", ""), "-", p.get("message", ""))
for k in p.get("kernels", []):
    stalls = ", ".join("%s %.0f%%" % (s["reason"], 100 * s["share"]) for s in k.get("top_stalls", [])[:3])
    f = lambda v, fmt: "-" if v is None else fmt % v
    print("  %-40s %10s us  DRAM %5s%%  SM %5s%%  regs %4s  occ %5s/%5s%%  %s" % (
        k["name"][:40], f(k.get("duration_ns") and k["duration_ns"] / 1e3, "%.1f"), f(k.get("dram_throughput_pct"), "%.0f"),
        f(k.get("sm_throughput_pct"), "%.0f"), f(k.get("registers_per_thread"), "%.0f"),
        f(k.get("achieved_occupancy_pct"), "%.0f"), f(k.get("theoretical_occupancy_pct"), "%.0f"), stalls))
sys.exit(0 if p.get("status") == "ok" else 1)
PROFILE
  done
  grep -a "profile run output" -A12 "$out/server.log" | tail -n 40 || true
  exit $status
fi
echo "== judging (results: $results)"
for problem in "${problems[@]}"; do
  # shellcheck disable=SC2086 # the glob is meant to expand
  for file in "$problems_dir/$problem"/solutions/$solutions_glob.cu; do
    [ -e "$file" ] && judge_all_modes "$file" "$problem"
  done
done
for extra in "${extras[@]}"; do
  judge_all_modes "${extra#*=}" "${extra%%=*}"
done
rm -f "$out/raw.json"

echo
cat "$out/device.txt"
echo
status=0
python3 "$helper" table "$markdown" "$results" || status=1
if [ "$cases" = 1 ]; then echo; python3 "$helper" cases "$markdown" "$results"; fi
exit $status
