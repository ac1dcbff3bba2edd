#!/usr/bin/env bash
# bench/leaderboard (issue 5, point 7): wrk against GET /api/v1/leaderboards/{problem}/{gpu} on the
# real `kjudge serve` over a populated database, on 127.0.0.1.
#
# Population: ingest_bench submits USERS x PER_USER leaderboard-mode submissions through the API
# (a fresh database, its work dir kept); then every job is marked done with one run, 90% passed
# with a random score, the rest wrong answers, straight in SQLite (what runners would have posted).
# The server restarts on that database and wrk reads the standings.
#
#   bench/leaderboard/leaderboard_bench.sh BUILD_DIR MARKDOWN_OUT
#   env: USERS (200), PER_USER (10), CONNECTIONS (32), THREADS (2), DURATION (20s)
set -euo pipefail
build=${1:?build directory}
out=${2:?markdown output file}
users=${USERS:-200}
per_user=${PER_USER:-10}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
duration=${DURATION:-20s}
kjudge="$build/bin/kjudge"
[ -x "$kjudge" ] || kjudge=$(find "$build" -name kjudge -type f -perm -u+x | head -n 1)
command -v wrk >/dev/null || { echo "leaderboard_bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== leaderboard: populating ($users users x $per_user leaderboard submissions)"
"$build/bench/ingest_bench" --mode leaderboard --users "$users" --submissions $((users * per_user)) --warmup 0 \
  --clients 16 --target 0 --work-dir "$work/ingest" >/dev/null
db="$work/ingest/kjudge.db"
sqlite3 "$db" <<'SQL'
BEGIN;
UPDATE jobs SET status = 'done', attempts = 1, updated_ms = created_ms + 1000;
INSERT INTO runs(job_id, submission_id, attempt, verdict, score_ns, sol_ratio, runner, device, started_ms, finished_ms)
  SELECT id, submission_id, 1, CASE WHEN abs(random()) % 10 = 0 THEN 'wrong_answer' ELSE 'passed' END,
         1000.0 + abs(random()) % 1000000, 1.0 + (abs(random()) % 1000) / 100.0, 'bench', 'cpu',
         created_ms + 10, created_ms + 900
  FROM jobs;
UPDATE runs SET score_ns = NULL, sol_ratio = NULL WHERE verdict <> 'passed';
COMMIT;
SQL
submissions=$(sqlite3 "$db" "SELECT count(*) FROM submissions")
passed=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE verdict = 'passed'")

"$kjudge" serve --db "$db" --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's|^kjudge serving on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "leaderboard_bench: the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port/api/v1/leaderboards/scale/cpu"
entries=$(curl -fsS "$url" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')
bytes=$(curl -fsS "$url" | wc -c)
[ "$entries" -gt 0 ] || { echo "leaderboard_bench: the leaderboard is empty" >&2; exit 1; }

echo "== leaderboard: wrk -t$threads -c$connections -d$duration --latency $url ($entries entries)"
load_before=$(cut -d' ' -f1 /proc/loadavg)
wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url" | tee "$work/wrk.txt"
load_after=$(cut -d' ' -f1 /proc/loadavg)

rps=$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$work/wrk.txt")
pct() { sed -n "s/^[[:space:]]*$1%[[:space:]]*//p" "$work/wrk.txt" | head -n 1; }
errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" | sed 's/^[[:space:]]*//' | paste -sd ';' - || true)
{
  echo "\`kjudge serve\` (no runners) on a database of $submissions leaderboard-mode submissions by $users users"
  echo "($passed passed runs with random scores); \`GET /scale/cpu\` returns $entries entries ($bytes bytes)."
  echo "wrk: $threads threads, $connections keep-alive connections, $duration, on the same 2 cores as the server."
  echo "Load average $load_before before, $load_after after."
  echo
  echo "| requests/s | p50 | p75 | p90 | p99 | errors |"
  echo "|---:|---:|---:|---:|---:|---|"
  echo "| $rps | $(pct 50) | $(pct 75) | $(pct 90) | $(pct 99) | ${errors:-none} |"
} >"$out"
cat "$out"
