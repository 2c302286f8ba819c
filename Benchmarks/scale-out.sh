#!/usr/bin/env bash
# Ingest and delivery with 1, 2 and 3 hub instances on one PostgreSQL, next to one instance on SQLite, and
# pgbench's own single-row insert rate as the database's limit — all on this machine, release build, loopback only.
#
# Every run: a fresh ledger (SQLite file or PostgreSQL database), the example township's configuration with its
# county webhook and WeCom/DingTalk/Feishu robots pointed at one nginx, and 64 wrk connections posting distinct
# messages for SECONDS, split evenly over the instances (a wrk per instance, as a round-robin balancer would).
# Deliveries and repeat detection's compared cases are read from every instance's /metrics at the end of the load
# and 10 s later.
# PostgreSQL runs durably (fsync on, synchronous_commit on), as SQLite does (synchronous=FULL).
#
# Usage: Benchmarks/scale-out.sh [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
scripts/system-packages.sh wrk nginx-light postgresql >/dev/null
source Benchmarks/lib.sh
build_release_hub
start_nginx
point_targets_at_nginx

# PostgreSQL: a fresh cluster (initdb refuses root: as root it belongs to the postgres user).
export PATH="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1):$PATH"
pg_user=$(id -un) pg_as=""
if [ "$(id -u)" -eq 0 ]; then pg_as="runuser -u postgres --"; pg_user=postgres; chown postgres "$work"; fi
pg_port=$(free_port)
$pg_as initdb -D "$work/pg" --auth=trust -E UTF8 --locale=C.UTF-8 -U "$pg_user" >/dev/null
$pg_as pg_ctl -D "$work/pg" -w -l "$work/pg.log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work -c max_connections=200" start >/dev/null
on_exit '$pg_as pg_ctl -D "$work/pg" -m fast stop >/dev/null 2>&1'
db_url() { echo "postgres://$pg_user@127.0.0.1:$pg_port/$1?sslmode=disable"; }
pg() { psql -qtA -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$@"; }

machine_line
echo "PostgreSQL $(postgres --version | awk '{print $3}') (fsync on); load: wrk, 64 connections, ${duration} s, split over the instances"

# pgbench: one single-row INSERT per transaction from 64 clients — the durable commit rate of this disk and server.
createdb -h 127.0.0.1 -p "$pg_port" -U "$pg_user" pgbench_limit
pg pgbench_limit -c "CREATE TABLE rows (id bigserial PRIMARY KEY, v text)"
echo "INSERT INTO rows (v) VALUES ('村口垃圾堆积多日无人清运');" >"$work/insert.sql"
pgbench_tps=$(pgbench -n -h 127.0.0.1 -p "$pg_port" -U "$pg_user" -c 64 -j 2 -T "$duration" -f "$work/insert.sql" pgbench_limit 2>/dev/null \
  | awk '/^tps/ {printf "%d", $3; exit}')

row() { printf "| %-24s | %9s | %8s | %8s | %13s | %14s | %10s | %10s | %7s |\n" "$@"; }

# run LABEL INSTANCES [DATABASE]
run() {
  local label="$1" n="$2" database="${3:-}"
  if [ -n "$database" ]; then
    createdb -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$database"
    for i in $(seq 1 "$n"); do start_hub "$database-$i" "$(db_url "$database")"; done
  else
    start_hub sqlite
  fi
  local per=$((64 / n)) i=0 loads=()
  for port in "${hub_ports[@]}"; do
    i=$((i + 1))
    BENCH_PREFIX="$n-$i" wrk -t1 -c"$per" -d"${duration}s" --latency -s Benchmarks/post-message.lua \
      "http://127.0.0.1:$port/api/v1/messages" >"$work/wrk-$i.txt" 2>"$work/wrk-$i.err" &
    loads+=($!)
  done
  wait "${loads[@]}"
  local at_end=0 later=0 compared=0 compared_later=0 rate p50 p99 errors
  for port in "${hub_ports[@]}"; do
    at_end=$((at_end + $(hub_delivered "$port"))); compared=$((compared + $(hub_compared "$port")))
  done
  sleep 10
  for port in "${hub_ports[@]}"; do
    later=$((later + $(hub_delivered "$port"))); compared_later=$((compared_later + $(hub_compared "$port")))
  done
  rate=$(cat "$work"/wrk-*.txt | awk '/^Requests\/sec/ {s += $2} END {printf "%d", s}')
  p50=$(cat "$work"/wrk-*.txt | awk '$1 == "50%" {print $2}' | sort -h | tail -1)
  p99=$(cat "$work"/wrk-*.txt | awk '$1 == "99%" {print $2}' | sort -h | tail -1)
  errors=$(cat "$work"/wrk-*.err | grep -c "unexpected status" || true)
  rm -f "$work"/wrk-*
  row "$label" "$rate" "$p50" "$p99" "$((at_end / duration))" "$((later / (duration + 10)))" \
    "$((compared / duration))" "$(((compared_later - compared) / 10))" "$errors"
  stop_hubs
}

echo
row "store" "ingest/s" "p50*" "p99*" "delivered/s¹" "delivered/s²" "compared/s¹" "compared/s³" "non-2xx"
echo "|---|---|---|---|---|---|---|---|---|"
run "SQLite, 1 instance" 1
run "PostgreSQL, 1 instance" 1 bench_one
run "PostgreSQL, 2 instances" 2 bench_two
run "PostgreSQL, 3 instances" 3 bench_three
row "pgbench INSERT (limit)" "$pgbench_tps" "" "" "" "" "" "" ""
echo
echo "* the slowest instance's; ¹ during the load, per second of load; ² by 10 s after it, per second of load + 10 s;"
echo "compared: new cases repeat detection compared (its queue drains behind intake); ³ in the 10 s after the load"
