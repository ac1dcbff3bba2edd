#!/usr/bin/env bash
# bench/pages (issue 6, point 9): the leaderboard web page of one board holding USERS competitors
# and RUNS judged leaderboard-mode runs, served by the real `kjudge serve` on 127.0.0.1.
#
# Population, straight in SQLite (what intake and runners would have written, minus hours of
# judging): USERS users; RUNS submissions spread over them, each with a done job and one run, 90%
# passed with a random score, the rest wrong answers. Then three measurements:
#   after a write: the page and its JSON mirror right after a write, alone and in a burst;
#   warm:  the page from the cache, N sequential requests on one keep-alive connection;
#   wrk:   THREADS x CONNECTIONS keep-alive connections for DURATION, on the server's own 2 cores,
#          without writes and with a write every WRITE_EVERY seconds.
#
#   bench/pages/pages_bench.sh BUILD_DIR MARKDOWN_OUT
#   env: USERS (10000), RUNS (1000000), CONNECTIONS (64), THREADS (2), DURATION (20s), SAMPLES (200), BURST (32),
#        WRITE_EVERY (0.1 s), KEEP_DB
set -euo pipefail
build=${1:?build directory}
out=${2:?markdown output file}
users=${USERS:-10000}
runs=${RUNS:-1000000}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
duration=${DURATION:-20s}
samples=${SAMPLES:-200}
burst=${BURST:-32}
write_every=${WRITE_EVERY:-0.1}
here=$(cd "$(dirname "$0")" && pwd)
kjudge="$build/bin/kjudge"
command -v wrk >/dev/null || { echo "pages_bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}
# KEEP_DB=PATH keeps the populated database there (for EXPLAIN QUERY PLAN and timings in sqlite3).
cleanup() {
  stop_server
  if [ -n "${KEEP_DB:-}" ] && [ -f "$work/kjudge.db" ]; then sqlite3 "$work/kjudge.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null && mv "$work/kjudge.db" "$KEEP_DB"; fi
  rm -rf "$work"
}
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
# Each key (standings, page) is then recomputed by one request while concurrent readers get the
# previous copy (include/kjudge/http/page_cache.h), so three views of "after a write":
#   first:  the one request after a write, alone: it recomputes the standings and the page;
#   api:    the same for the JSON mirror, which is not cached itself: the raw standings recompute;
#   burst:  BURST connections ask at once right after a write: what most readers see (and, as
#           the baseline, the same burst with no write before it).
echo "== pages: after a write (first, api, burst of $burst) and warm latency, $samples requests each"
python3 - "$port" "$samples" "$burst" >"$work/latency.txt" <<'PY'
import http.client, re, selectors, socket, statistics, sys, time
port, samples, burst = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
page, api = "/leaderboards/scale/cpu", "/api/v1/leaderboards/scale/cpu"
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path, c=conn):
    t = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
    return (time.perf_counter() - t) * 1000
def write():
    conn.request("POST", "/logout", body="", headers={"Content-Length": "0"})
    r = conn.getresponse(); r.read()
    assert r.status == 303, r.status
rounds = max(5, samples // 20)
first, first_api = [], []
for _ in range(rounds):
    write(); first.append(get(page))
    write(); first_api.append(get(api))
# The burst from one thread, without the GIL in the way: every request is sent on its own
# keep-alive connection first, then the answers are timed as they arrive.
req = f"GET {page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
socks = []
for _ in range(burst):
    sk = socket.create_connection(("127.0.0.1", port))
    sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sk.setblocking(False)
    socks.append(sk)
def burst_round():
    sel = selectors.DefaultSelector()
    sent, bufs, took = {}, {}, {}
    for sk in socks:
        bufs[sk] = b""
        sent[sk] = time.perf_counter()
        sk.send(req)
        sel.register(sk, selectors.EVENT_READ)
    while len(took) < len(socks):
        events = sel.select(timeout=60)
        assert events, "no answer within 60 s"
        for key, _ in events:
            sk = key.fileobj
            chunk = sk.recv(1 << 20)
            assert chunk, "connection closed"
            bufs[sk] += chunk
            head, sep, body = bufs[sk].partition(b"\r\n\r\n")
            if not sep: continue
            assert head.split(b" ", 2)[1] == b"200", head[:40]
            length = int(re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head).group(1))
            if len(body) >= length:
                took[sk] = (time.perf_counter() - sent[sk]) * 1000
                sel.unregister(sk)
    sel.close()
    return list(took.values())
burst_round()  # every connection open and the page cached
bursts, cached_bursts = [], []
for _ in range(rounds):
    cached_bursts.extend(burst_round())  # the same burst from the cache: the baseline
    write()
    bursts.extend(burst_round())
warm = [get(page) for _ in range(samples)]
def q(v, p): return sorted(v)[min(len(v) - 1, int(p * len(v)))]
print(f"first {statistics.median(first):.2f} {q(first, .9):.2f} {len(first)}")
print(f"api {statistics.median(first_api):.2f} {q(first_api, .9):.2f} {len(first_api)}")
print(f"burst {statistics.median(bursts):.2f} {q(bursts, .9):.2f} {max(bursts):.2f} {len(bursts)}")
print(f"cachedburst {statistics.median(cached_bursts):.2f} {q(cached_bursts, .9):.2f} {max(cached_bursts):.2f} {len(cached_bursts)}")
print(f"warm {statistics.median(warm):.3f} {q(warm, .99):.3f} {len(warm)}")
PY
cat "$work/latency.txt"
read -r _ first_p50 first_p90 first_n < <(grep '^first' "$work/latency.txt")
read -r _ api_p50 api_p90 api_n < <(grep '^api' "$work/latency.txt")
read -r _ burst_p50 burst_p90 burst_max burst_n < <(grep '^burst' "$work/latency.txt")
read -r _ cburst_p50 cburst_p90 cburst_max cburst_n < <(grep '^cachedburst' "$work/latency.txt")
read -r _ warm_p50 warm_p99 warm_n < <(grep '^warm' "$work/latency.txt")

# wrk twice: with no writes (every request from the cache), then with a write every WRITE_EVERY
# seconds alongside, so each write makes the page cold again while 64 connections keep asking.
run_wrk() {  # $1: name of the output file
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "$page" | tee "$work/$1"
}
echo "== pages: wrk -t$threads -c$connections -d$duration --latency $page"
run_wrk wrk.txt
echo "== pages: the same with a write every $write_every s"
# The writer connects from 127.0.0.2, another client: wrk holds the per-address connection cap.
( while :; do curl -fsS --interface 127.0.0.2 -o /dev/null -X POST "http://127.0.0.1:$port/logout"; sleep "$write_every"; done ) &
writer_pid=$!
run_wrk wrk_writes.txt
kill "$writer_pid"; wait "$writer_pid" 2>/dev/null || true
writes=$(awk -v d="${duration%s}" -v w="$write_every" 'BEGIN { printf "%d", d / w }')
wrk_row() {  # $1: wrk output file; prints the table row
  local f="$work/$1"
  pct() { sed -n "s/^[[:space:]]*$1%[[:space:]]*//p" "$f" | head -n 1; }
  local errors
  errors=$(grep -E 'Non-2xx|Socket errors' "$f" | sed 's/^[[:space:]]*//' | paste -sd ';' - || true)
  echo "| $(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$f") | $(pct 50) | $(pct 75) | $(pct 90) | $(pct 99) | ${errors:-none} |"
}
{
  echo "\`kjudge serve --threads 2\` over a database of $n_users competitors and $n_runs judged leaderboard-mode"
  echo "runs on one board ($n_passed passed; $db_mb MiB; populated in SQLite in ${populate_s} s). The page"
  echo "\`GET /leaderboards/scale/cpu\` ranks $entries competitors and shows the first 100 ($bytes bytes of HTML)."
  echo
  echo "| measurement | median | tail | samples |"
  echo "|---|---:|---:|---:|"
  echo "| page after a write, $burst readers at once (one recomputes, the rest get the previous copy) | $burst_p50 ms | p90 $burst_p90 ms, max $burst_max ms | $burst_n |"
  echo "| the same $burst readers at once, no write before (all from the cache) | $cburst_p50 ms | p90 $cburst_p90 ms, max $cburst_max ms | $cburst_n |"
  echo "| page after a write, one reader alone (it recomputes standings and page) | $first_p50 ms | p90 $first_p90 ms | $first_n |"
  echo "| JSON mirror after a write, alone (not cached itself: the raw standings recompute) | $api_p50 ms | p90 $api_p90 ms | $api_n |"
  echo "| page from the cache, one keep-alive connection | $warm_p50 ms | p99 $warm_p99 ms | $warm_n |"
  echo
  echo "wrk: $threads threads, $connections keep-alive connections, $duration, on the same 2 cores as the server."
  echo
  echo "| writes | requests/s | p50 | p75 | p90 | p99 | errors |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  echo "| none $(wrk_row wrk.txt)"
  echo "| one every $write_every s (about $writes) $(wrk_row wrk_writes.txt)"
} >"$out"
cat "$out"
