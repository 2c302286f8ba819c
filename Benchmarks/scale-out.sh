#!/usr/bin/env bash
# Ingest and delivery with 1, 2 and 3 hub instances on one PostgreSQL, next to one instance on SQLite, and
# pgbench's own single-row insert rate as the database's limit — all on this machine, release build, loopback only.
#
# Every run: a fresh ledger (SQLite file or PostgreSQL database), the example township's configuration with its
# county webhook and WeCom/DingTalk/Feishu robots pointed at one nginx answering {"errcode":0,"code":0}, and
# 64 wrk connections posting distinct messages for SECONDS, split evenly over the instances (a wrk per instance,
# as a round-robin balancer would). Deliveries are counted in the ledger at the end of the load and 10 s later.
# PostgreSQL runs durably (fsync on, synchronous_commit on), as SQLite does (synchronous=FULL).
#
# Usage: Benchmarks/scale-out.sh [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
scripts/system-packages.sh wrk nginx-light postgresql postgresql-contrib >/dev/null

swift build -c release --product minqing >/dev/null
bin="$(swift build -c release --show-bin-path)/minqing"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -d "$work/pg" ] && $pg_as pg_ctl -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx on loopback: every target's receiver.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"errcode":0,"code":0,"errmsg":"ok"}'; }
  }
}
EOF
nginx -c "$work/nginx.conf"

# PostgreSQL: a fresh cluster as the postgres user (initdb refuses root), socket and data in $work.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
export PATH="$pg_bin:$PATH"
pg_user=$(id -un)
pg_as=""
if [ "$(id -u)" -eq 0 ]; then pg_as="runuser -u postgres --"; pg_user=postgres; chown postgres "$work"; fi
pg_port=$(free_port)
$pg_as initdb -D "$work/pg" --auth=trust -E UTF8 --locale=C.UTF-8 -U "$pg_user" >/dev/null
$pg_as pg_ctl -D "$work/pg" -w -l "$work/pg.log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work -c max_connections=200" start >/dev/null
db_url() { echo "postgres://$pg_user@127.0.0.1:$pg_port/$1?sslmode=disable"; }

echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GB"
echo "PostgreSQL $(postgres --version | awk '{print $3}'), fsync on; load: wrk, 64 connections, ${duration} s"

# pgbench: one single-row INSERT per transaction from 64 clients — the durable commit rate of this disk.
createdb -h 127.0.0.1 -p "$pg_port" -U "$pg_user" pgbench_limit
psql -q -h 127.0.0.1 -p "$pg_port" -U "$pg_user" pgbench_limit -c "CREATE TABLE rows (id bigserial PRIMARY KEY, v text)"
echo "INSERT INTO rows (v) VALUES ('村口垃圾堆积多日无人清运');" >"$work/insert.sql"
pgbench_tps=$(pgbench -n -h 127.0.0.1 -p "$pg_port" -U "$pg_user" -c 64 -j 2 -T "$duration" -f "$work/insert.sql" pgbench_limit 2>/dev/null \
  | awk '/^tps/ {print int($3); exit}')

export MINQING_API_TOKEN="bench-token-0123456789abcdef"
export MINQING_WEBHOOK_URL="http://127.0.0.1:$nginx_port/county"
export MINQING_WECOM_URL="http://127.0.0.1:$nginx_port/cgi-bin/webhook/send?key=bench"
export MINQING_DINGTALK_URL="http://127.0.0.1:$nginx_port/robot/send?access_token=bench"
export MINQING_FEISHU_URL="http://127.0.0.1:$nginx_port/open-apis/bot/v2/hook/bench"

# start_hub NAME [DATABASE_URL]: starts `minqing serve` with its own --data; appends its port to $ports.
start_hub() {
  local data="$work/$1"
  mkdir -p "$data"
  MINQING_DATABASE_URL="${2:-}" "$bin" serve --config Config/example --data "$data" --port 0 >"$data/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
  grep -q "已启动" "$data/serve.log" || { echo "hub $1 did not start:" >&2; cat "$data/serve.log" >&2; exit 1; }
  ports+=("$(grep -o '127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | cut -d: -f2)")
}

stop_hubs() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

# delivered COUNT of the store behind the first instance: notifications delivered so far.
delivered() {
  if [ -n "${1:-}" ]; then
    psql -qtA -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$1" -c "SELECT count(*) FROM outbox WHERE state = 'delivered'"
  else
    python3 - "$work/sqlite/minqing.sqlite" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM outbox WHERE state = 'delivered'").fetchone()[0])
PY
  fi
}

# run LABEL INSTANCES [DATABASE]: the load, then the figures as one table row.
run() {
  local label="$1" n="$2" database="${3:-}"
  ports=()
  if [ -n "$database" ]; then
    createdb -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$database"
    for i in $(seq 1 "$n"); do start_hub "$database-$i" "$(db_url "$database")"; done
  else
    start_hub sqlite
  fi
  local per=$((64 / n)) i=0 loads=()
  for port in "${ports[@]}"; do
    i=$((i + 1))
    BENCH_PREFIX="$label-$i" wrk -t1 -c"$per" -d"${duration}s" --latency -s Benchmarks/post-message.lua \
      "http://127.0.0.1:$port/api/v1/messages" >"$work/wrk-$n-$i.txt" 2>"$work/wrk-$n-$i.err" &
    loads+=($!)
  done
  wait "${loads[@]}"
  local at_end later
  at_end=$(delivered "$database")
  sleep 10
  later=$(delivered "$database")
  local rate p50 p99 errors
  rate=$(cat "$work"/wrk-"$n"-*.txt | awk '/^Requests\/sec/ {s += $2} END {printf "%d", s}')
  p50=$(cat "$work"/wrk-"$n"-*.txt | awk '$1 == "50%" {print $2}' | sort -V | tail -1)
  p99=$(cat "$work"/wrk-"$n"-*.txt | awk '$1 == "99%" {print $2}' | sort -V | tail -1)
  errors=$(cat "$work"/wrk-"$n"-*.err | grep -c "unexpected status" || true)
  rm -f "$work"/wrk-"$n"-*
  printf "| %-22s | %9s | %7s | %7s | %13s | %15s | %6s |\n" "$label" "$rate" "$p50" "$p99" \
    "$((at_end / duration))" "$((later / (duration + 10)))" "$errors"
  stop_hubs
}

echo
printf "| %-22s | %9s | %7s | %7s | %13s | %15s | %6s |\n" "store" "ingest/s" "p50" "p99" "delivered/s*" "delivered/s**" "non-2xx"
echo "|---|---|---|---|---|---|---|"
run "SQLite, 1 instance" 1
run "PostgreSQL, 1 instance" 1 bench_one
run "PostgreSQL, 2 instances" 2 bench_two
run "PostgreSQL, 3 instances" 3 bench_three
printf "| %-22s | %9s | %7s | %7s | %13s | %15s | %6s |\n" "pgbench INSERT (limit)" "$pgbench_tps" "" "" "" "" ""
echo
echo "* delivered during the load, per second of load; ** delivered by 10 s after it, per second of load + 10 s"
