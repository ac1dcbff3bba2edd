#!/usr/bin/env bash
# bench/pages (issue 6, point 9): the leaderboard web page of one board holding USERS competitors
# and RUNS judged leaderboard-mode runs, served by the real `kjudge serve` on 127.0.0.1.
#
# Population, straight in SQLite (what intake and runners would have written, minus hours of
# judging): USERS users; RUNS submissions spread over them, each with a done job and one run, 90%
# passed with a random score, the rest wrong answers. Then three measurements:
#   cold:  the page right after a write (the standings are recomputed from the indexes), N times;
#   warm:  the page from the cache, N sequential requests on one keep-alive connection;
#   wrk:   THREADS x CONNECTIONS keep-alive connections for DURATION, on the server's own 2 cores.
#
#   bench/pages/pages_bench.sh BUILD_DIR MARKDOWN_OUT
#   env: USERS (10000), RUNS (1000000), CONNECTIONS (64), THREADS (2), DURATION (20s), SAMPLES (200)
set -euo pipefail
build=${1:?build directory}
out=${2:?markdown output file}
users=${USERS:-10000}
runs=${RUNS:-1000000}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
duration=${DURATION:-20s}
samples=${SAMPLES:-200}
here=$(cd "$(dirname "$0")" && pwd)
kjudge="$build/bin/kjudge"
command -v wrk >/dev/null || { echo "pages_bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT
db="$work/kjudge.db"

start_server() {
  "$kjudge" serve --db "$db" --listen 127.0.0.1:0 --threads 2 "$@" >"$work/serve.out" 2>"$work/serve.log" &
  server_pid=$!
  port=
  for _ in $(seq 1 600); do
    port=$(sed -n 's|^kjudge serving on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.out")
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "pages_bench: the server did not start" >&2
  exit 1
}

echo "== pages: publishing the problem, then populating $users users and $runs runs in SQLite"
start_server --problems "$here/../pipeline/problems"
stop_server
populate_start=$(date +%s)
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users)
INSERT INTO users(name, display_name, role, created_ms) SELECT 'user' || i, 'Competitor ' || i, 'competitor', 0 FROM n;
CREATE TEMP TABLE board AS
  SELECT l.id AS board_id, p.active_version_id AS version_id FROM leaderboards l JOIN problems p ON p.id = l.problem_id
  WHERE p.name = 'scale' AND l.gpu = 'cpu';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $runs)
INSERT INTO submissions(user_id, problem_version_id, leaderboard_id, language, file_name, source, source_sha256,
                        source_bytes, mode, created_ms)
  SELECT (SELECT min(id) FROM users WHERE role = 'competitor') + abs(random()) % $users, (SELECT version_id FROM board),
         (SELECT board_id FROM board), 'cpp', 'solution.cpp', 'x', printf('%064d', i), 1, 'leaderboard',
         1700000000000 + i * 1000
  FROM n;
INSERT INTO jobs(submission_id, user_id, gpu, mode, status, attempts, max_attempts, created_ms, updated_ms)
  SELECT id, user_id, 'cpu', 'leaderboard', 'done', 1, 3, created_ms, created_ms + 1000 FROM submissions;
INSERT INTO runs(job_id, submission_id, attempt, verdict, score_ns, sol_ratio, runner, device, started_ms, finished_ms)
  SELECT id, submission_id, 1, CASE WHEN abs(random()) % 10 = 0 THEN 'wrong_answer' ELSE 'passed' END,
         1000.0 + abs(random()) % 1000000, 1.0 + (abs(random()) % 1000) / 100.0, 'bench', 'cpu',
         created_ms + 10, created_ms + 900
  FROM jobs;
UPDATE runs SET score_ns = NULL, sol_ratio = NULL WHERE verdict <> 'passed';
COMMIT;
ANALYZE;
SQL
populate_s=$(( $(date +%s) - populate_start ))
n_users=$(sqlite3 "$db" "SELECT count(DISTINCT user_id) FROM submissions")
n_runs=$(sqlite3 "$db" "SELECT count(*) FROM runs")
n_passed=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE verdict = 'passed'")
db_mb=$(( $(stat -c %s "$db") / 1048576 ))

start_server
page="http://127.0.0.1:$port/leaderboards/scale/cpu"
api="http://127.0.0.1:$port/api/v1/leaderboards/scale/cpu"
curl -fsS "$page" -o "$work/page.html"
bytes=$(wc -c <"$work/page.html")
entries=$(curl -fsS "$api" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_entries"])')
[ "$entries" -gt 0 ] || { echo "pages_bench: the leaderboard is empty" >&2; exit 1; }

# A write the server sees (a failed login is not one; a logout is: 303) makes the next page cold.
echo "== pages: cold (after a write) and warm latency, $samples requests each"
python3 - "$port" "$samples" >"$work/latency.txt" <<'PY'
import http.client, statistics, sys, time
port, samples = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path):
    t = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse(); r.read()
    assert r.status == 200, r.status
    return (time.perf_counter() - t) * 1000
def write():
    conn.request("POST", "/logout", body="", headers={"Content-Length": "0"})
    r = conn.getresponse(); r.read()
    assert r.status == 303, r.status
cold = []
for _ in range(max(5, samples // 20)):
    write(); cold.append(get("/leaderboards/scale/cpu"))
warm = [get("/leaderboards/scale/cpu") for _ in range(samples)]
def q(v, p): return sorted(v)[min(len(v) - 1, int(p * len(v)))]
print(f"cold {statistics.median(cold):.2f} {q(cold, .9):.2f} {len(cold)}")
print(f"warm {statistics.median(warm):.3f} {q(warm, .99):.3f} {len(warm)}")
PY
cat "$work/latency.txt"
read -r _ cold_p50 cold_p90 cold_n < <(grep '^cold' "$work/latency.txt")
read -r _ warm_p50 warm_p99 warm_n < <(grep '^warm' "$work/latency.txt")

echo "== pages: wrk -t$threads -c$connections -d$duration --latency $page"
wrk -t"$threads" -c"$connections" -d"$duration" --latency "$page" | tee "$work/wrk.txt"
rps=$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$work/wrk.txt")
pct() { sed -n "s/^[[:space:]]*$1%[[:space:]]*//p" "$work/wrk.txt" | head -n 1; }
errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" | sed 's/^[[:space:]]*//' | paste -sd ';' - || true)
{
  echo "\`kjudge serve --threads 2\` over a database of $n_users competitors and $n_runs judged leaderboard-mode"
  echo "runs on one board ($n_passed passed; $db_mb MiB; populated in SQLite in ${populate_s} s). The page"
  echo "\`GET /leaderboards/scale/cpu\` ranks $entries competitors and shows the first 100 ($bytes bytes of HTML)."
  echo
  echo "| measurement | median | tail | samples |"
  echo "|---|---:|---:|---:|"
  echo "| page right after a write (standings recomputed) | $cold_p50 ms | p90 $cold_p90 ms | $cold_n |"
  echo "| page from the cache, one keep-alive connection | $warm_p50 ms | p99 $warm_p99 ms | $warm_n |"
  echo
  echo "wrk: $threads threads, $connections keep-alive connections, $duration, on the same 2 cores as the server."
  echo
  echo "| requests/s | p50 | p75 | p90 | p99 | errors |"
  echo "|---:|---:|---:|---:|---:|---|"
  echo "| $rps | $(pct 50) | $(pct 75) | $(pct 90) | $(pct 99) | ${errors:-none} |"
} >"$out"
cat "$out"
