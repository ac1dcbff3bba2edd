#!/usr/bin/env bash
# One-machine demo: installs what is missing, builds, starts `kjudge serve` with its embedded
# database (var/demo.db) and an in-process cpu runner on http://127.0.0.1:8080, loads problems/,
# judges every problem's sample cpp solutions in leaderboard mode, and prints the leaderboard URL.
#   scripts/demo.sh          serve until Ctrl-C
#   scripts/demo.sh --once   do the same work, check the server answers, stop it and exit
# Environment: KJUDGE_DEMO_PORT (default 8080), KJUDGE_DEMO_DB (default var/demo.db).
set -euo pipefail
cd "$(dirname "$0")/.."
once=0
for arg in "$@"; do
  case "$arg" in
    --once) once=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument '$arg' (use --once or --help)" >&2; exit 2 ;;
  esac
done

source scripts/lib/deps.sh
ensure_build_deps
cuda_status
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(jobs_for_build)" --target kjudge

port=${KJUDGE_DEMO_PORT:-8080}
db=${KJUDGE_DEMO_DB:-var/demo.db}
mkdir -p "$(dirname "$db")"
kjudge=build/bin/kjudge

"$kjudge" problems validate problems

"$kjudge" serve --db "$db" --listen "127.0.0.1:$port" --problems problems --local-runner cpu \
  --cache-dir var/cache --log-level warn &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
}
trap 'stop_server; exit 0' INT TERM
trap 'stop_server' EXIT

# Wait for the server to answer, with a deadline (it exits on its own if it cannot start).
deadline=$(( $(date +%s) + 30 ))
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server" || true
    echo "demo.sh: the server exited during start-up (is port $port free? set KJUDGE_DEMO_PORT)" >&2
    exit 1
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { echo "demo.sh: the server did not answer within 30 s" >&2; exit 1; }
  sleep 0.2
done

# A demo competitor; a fresh token each run (tokens are shown once, stored only as hashes).
if "$kjudge" admin user list --db "$db" | grep -q $'\tdemo\t'; then
  token=$("$kjudge" admin token issue demo --db "$db" --label demo)
else
  token=$("$kjudge" admin user add demo --db "$db" 2>/dev/null)
fi

echo
echo "== judging the sample solutions (cpp, leaderboard mode, on the host cpu backend)"
summary=()
for solution in problems/*/solutions/*/*.cpp; do
  problem=$(echo "$solution" | cut -d/ -f2)
  expected=$(head -n 1 "$solution" | sed -n 's|^// expect: \([a-z_]*\).*|\1|p')
  got=$("$kjudge" submit "$solution" --server "http://127.0.0.1:$port" --token "$token" --problem "$problem" \
          --gpu cpu --mode leaderboard --timeout 600 2>&1 | sed -n 's/^result: //p' || true)
  mark="as expected"; [ "$got" = "$expected" ] || mark="EXPECTED $expected"
  summary+=("$(printf '%-10s %-45s %-14s %s' "$problem" "${solution#problems/$problem/solutions/}" "${got:-?}" "$mark")")
done
printf '%-10s %-45s %-14s %s\n' problem solution verdict check
printf '%s\n' "${summary[@]}"

echo
for dir in problems/*/; do
  problem=$(basename "$dir")
  "$kjudge" leaderboard "$problem" cpu --server "http://127.0.0.1:$port" || true
  echo
done
echo "kjudge is running: http://127.0.0.1:$port/"
echo "leaderboard: http://127.0.0.1:$port/leaderboards/vectoradd/cpu"
echo "leaderboard (JSON): http://127.0.0.1:$port/api/v1/leaderboards/vectoradd/cpu"
echo "database: $db"
if [ "$once" = 1 ]; then
  exit 0
fi
echo "Press Ctrl-C to stop."
wait "$server"
