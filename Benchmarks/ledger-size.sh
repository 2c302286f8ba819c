#!/usr/bin/env bash
# Flat cost as the ledger grows (issue #15 item 4): at each ledger size, fills a fresh data directory (or PostgreSQL
# database) with `minqing-ledger-load`, starts the release hub on it and measures GET /api/v1/cases — the plain list,
# each filter, a deep offset page, a cursor page half-way down, text searches that hit and miss — as p50/p99 over
# $SECONDS_PER_URL seconds of back-to-back requests on one connection (wrk), then the ingest rate (wrk, 64
# connections, Benchmarks/post-message.lua) on the grown ledger. Prints a markdown table.
#
# Usage: Benchmarks/ledger-size.sh [SIZES...]        e.g. Benchmarks/ledger-size.sh 10000 100000 1000000
#   STORE=postgres  measure on PostgreSQL: a fresh cluster on loopback, one new database per size
#   SECONDS_PER_URL (default 5), INGEST_SECONDS (default 10)
#   GROW=api        grow each ledger through the API instead of the loader (SQLite only): the example township with
#                   its targets on nginx and repeat detection on, wrk -t2 -c64 in 30 s rounds until the ledger holds
#                   the size — each round prints messages/s, WAL, ledger and RSS — then the requests above are
#                   measured on that same running hub (the detection queue still draining, as after a real flood)
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/lib.sh
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
per_url="${SECONDS_PER_URL:-5}"
ingest_seconds="${INGEST_SECONDS:-10}"
store="${STORE:-sqlite}"
command -v wrk >/dev/null || { echo "需要 wrk：apt-get install -y wrk" >&2; exit 1; }

swift build -c release --product minqing >/dev/null
swift build -c release --product minqing-ledger-load >/dev/null
bindir="$(swift build -c release --show-bin-path)"
bin="$bindir/minqing"
loader="$bindir/minqing-ledger-load"

database_url=""
if [ "$store" = postgres ]; then
  # A fresh cluster (initdb refuses root: as root it belongs to the postgres user), as in scale-out.sh.
  export PATH="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1):$PATH"
  pg_user=$(id -un) pg_as=""
  if [ "$(id -u)" -eq 0 ]; then pg_as="runuser -u postgres --"; pg_user=postgres; chown postgres "$work"; fi
  pg_port=$(free_port)
  $pg_as initdb -D "$work/pg" --auth=trust -E UTF8 --locale=C.UTF-8 -U "$pg_user" >/dev/null
  $pg_as pg_ctl -D "$work/pg" -w -l "$work/pg.log" -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work" start >/dev/null
  on_exit '$pg_as pg_ctl -D "$work/pg" -m fast stop >/dev/null 2>&1'
fi
new_database() {
  [ "$store" = postgres ] || return 0
  createdb -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "ledger_$1"
  database_url="postgres://$pg_user@127.0.0.1:$pg_port/ledger_$1?sslmode=disable"
}

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# name|query: the requests measured ("路灯" occurs in no loaded case; a token without read_pii may not search digits).
requests=(
  "list|limit=20"
  "village=青山村|limit=20&village=$(enc 青山村)"
  "status=assigned|limit=20&status=assigned"
  "status=received|limit=20&status=received"
  "channel=hotline|limit=20&channel=hotline"
  "category=wages|limit=20&category=wages"
  "leader=sun-wei|limit=20&leader=sun-wei"
  "staff=chen-zhiqiang|limit=20&staff=chen-zhiqiang"
  "from..to (one week)|limit=20&from=FROM&to=TO"
  "offset=10000|limit=20&offset=10000"
  "status=received&offset=10000|limit=20&status=received&offset=10000"
  "cursor half-way|limit=20&cursor=DEEP"
  "status=received&cursor half-way|limit=20&status=received&cursor=DEEP"
  "q=垃圾 (common)|limit=20&q=$(enc 垃圾)"
  "q=低保 (some)|limit=20&q=$(enc 低保)"
  "q=宅基地纠纷 (5 chars)|limit=20&q=$(enc 宅基地纠纷)"
  "q=路灯 (none)|limit=20&q=$(enc 路灯)"
  "q=青 (1 char)|limit=20&q=$(enc 青)"
  "q=垃圾&village=青山村|limit=20&q=$(enc 垃圾)&village=$(enc 青山村)"
  "q=村民反映 (every case)|limit=20&q=$(enc 村民反映)"
)

grow="${GROW:-loader}"
if [ "$grow" = api ]; then
  [ "$store" = sqlite ] || { echo "GROW=api 只支持 SQLite / GROW=api measures SQLite only" >&2; exit 2; }
  start_nginx
  point_targets_at_nginx
fi
mb() { stat -c %s "$1" 2>/dev/null | awk '{printf "%.0f", $1 / 1048576}'; }
created() { curl -s "http://127.0.0.1:$1/metrics" | awk '$1 == "minqing_intake_messages_total{result=\"created\"}" {printf "%d", $2}'; }

# grow_by_api N DATA: starts the hub on DATA (sets $port) and posts messages until it stored N cases; sets
# $first_rate and $last_rate (the first and last round's messages/s) and $deep (a cursor half-way down).
grow_by_api() {
  local n="$1" data="$2" round=0 stored=0
  "$bin" serve --config Config/example --data "$data" --port 0 >"$data/serve.log" 2>&1 &
  hub_pids+=($!)
  local pid=$!
  for _ in $(seq 1 600); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
  port=$(grep -o '已启动：http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | sed 's/.*://')
  [ -n "$port" ] || { cat "$data/serve.log" >&2; exit 1; }
  echo "   | round | stored | messages/s | p99 | WAL MB | ledger MB | RSS MB | detection queue |" >&2
  while [ "$stored" -lt "$n" ]; do
    round=$((round + 1))
    BENCH_PREFIX="grow$n-$round" wrk -t2 -c64 -d30s --latency -s Benchmarks/post-message.lua \
      "http://127.0.0.1:$port/api/v1/messages" >"$work/grow.txt" 2>&1
    stored=$(created "$port")
    [ "$round" = 1 ] && first_rate=$(wrk_rate "$work/grow.txt")
    last_rate=$(wrk_rate "$work/grow.txt")
    echo "   | $round | $stored | $last_rate | $(wrk_pct "$work/grow.txt" 99) | $(mb "$data/minqing.sqlite-wal") |" \
      "$(mb "$data/minqing.sqlite") | $(rss_mb "$pid") |" \
      "$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "minqing_repeat_backlog" {printf "%d", $2}') |" >&2
  done
  deep=$(sqlite3 "file:$data/minqing.sqlite?mode=ro" \
    "SELECT registered_at, seq FROM cases ORDER BY registered_at DESC, seq DESC LIMIT 1 OFFSET $((stored / 2))" |
    python3 -c 'import struct, sys; t, s = sys.stdin.read().strip().split("|"); print("c1.%x.%s" % (struct.unpack(">Q", struct.pack(">d", float(t)))[0], s))')
}

declare -A p50 p99 totals
rates=()
for n in "${sizes[@]}"; do
  new_database "$n"
  data="$work/ledger-$n"
  mkdir -p "$data"
  hub_ports=()
  if [ "$grow" = api ]; then
    echo "== $n cases: growing through the API" >&2
    grow_by_api "$n" "$data"
  else
  echo "== $n cases: loading" >&2
  load_out=$(MINQING_DATABASE_URL="$database_url" "$loader" --config Config/example --data "$data" --count "$n" 2>&2)
  echo "$load_out" >&2
  deep=$(echo "$load_out" | sed -n 's/^deep_cursor=//p')
  fi
  if [ "$store" = sqlite ]; then
    echo "   ledger file: $(du -sh "$data" | cut -f1); largest parts (MB):" \
      "$(sqlite3 "$data/minqing.sqlite" "SELECT group_concat(name || ' ' || mb, ', ') FROM (SELECT name, sum(pgsize) / 1048576 AS mb FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 10)" 2>/dev/null)" >&2
  fi
  if [ "$grow" != api ]; then
  [ "$store" = postgres ] && psql -q -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "ledger_$n" -c "VACUUM ANALYZE" >/dev/null
  MINQING_DATABASE_URL="$database_url" "$bin" serve --config Config/example --data "$data" --port 0 >"$data/serve.log" 2>&1 &
  hub_pids+=($!)
  for _ in $(seq 1 600); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
  port=$(grep -o '已启动：http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | sed 's/.*://')
  [ -n "$port" ] || { cat "$data/serve.log" >&2; exit 1; }
  fi
  week_to=$(date -u +%Y-%m-%d)
  [ "$grow" = api ] && week_to=$(date -u -d '+2 days' +%Y-%m-%d)  # the API's cases are all of today (office time, up to UTC+14)
  week_from=$(date -u -d '-7 days' +%Y-%m-%d)
  for entry in "${requests[@]}"; do
    name="${entry%%|*}"
    query="${entry#*|}"
    query="${query//DEEP/$deep}"
    query="${query//FROM/$week_from}"
    query="${query//TO/$week_to}"
    url="http://127.0.0.1:$port/api/v1/cases?$query"
    body=$(curl -s -H "Authorization: Bearer $MINQING_API_TOKEN" "$url")
    totals["$n|$name"]=$(echo "$body" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(str(d["total"]) + ("+" if d.get("total_capped") else ""))' 2>/dev/null || echo "error")
    wrk -t1 -c1 -d"${per_url}s" --latency -H "Authorization: Bearer $MINQING_API_TOKEN" "$url" >"$work/wrk.txt"
    p50["$n|$name"]=$(wrk_pct "$work/wrk.txt" 50)
    p99["$n|$name"]=$(wrk_pct "$work/wrk.txt" 99)
    echo "   $name: total ${totals["$n|$name"]}, p50 ${p50["$n|$name"]}, p99 ${p99["$n|$name"]}" >&2
  done
  BENCH_PREFIX="size$n" wrk -t2 -c64 -d"${ingest_seconds}s" --latency -s Benchmarks/post-message.lua \
    "http://127.0.0.1:$port/api/v1/messages" >"$work/ingest.txt"
  rates+=("$(wrk_rate "$work/ingest.txt")/s, p50 $(wrk_pct "$work/ingest.txt" 50)")
  if [ "$grow" = api ]; then
    rates[-1]+=" (growing: first round ${first_rate}/s, last ${last_rate}/s; RSS $(rss_mb "${hub_pids[-1]}") MB,"
    rates[-1]+=" WAL $(mb "$data/minqing.sqlite-wal") MB, ledger $(mb "$data/minqing.sqlite") MB)"
  fi
  echo "   ingest: ${rates[-1]}" >&2
  stop_hubs
done

echo
machine_line
echo "store: $store; each request: wrk -t1 -c1 -d${per_url}s --latency; ingest: wrk -t2 -c64 -d${ingest_seconds}s -s Benchmarks/post-message.lua"
echo
header="| request |"; rule="|---|"
for n in "${sizes[@]}"; do header+=" $n cases: p50 / p99 (total) |"; rule+="---|"; done
echo "$header"; echo "$rule"
for entry in "${requests[@]}"; do
  name="${entry%%|*}"
  line="| \`$name\` |"
  for n in "${sizes[@]}"; do line+=" ${p50["$n|$name"]} / ${p99["$n|$name"]} (${totals["$n|$name"]}) |"; done
  echo "$line"
done
line="| ingest, 64 connections |"
for r in "${rates[@]}"; do line+=" $r |"; done
echo "$line"
