#!/usr/bin/env bash
# Sustained load: the release hub on the example township (targets on nginx) under `wrk -t2 -c64` for
# <seconds> (default 600); every 30 s prints the write-ahead log's and the ledger's size, the hub's RSS, the cases
# stored and the repeat-detection queue. Shows whether the log stays bounded (WALKeeper) and how memory grows.
# Usage: Benchmarks/long-load.sh [seconds=600]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-600}"
scripts/system-packages.sh wrk nginx-light >/dev/null
source Benchmarks/lib.sh
build_release_hub
start_nginx
point_targets_at_nginx
machine_line
start_hub long
pid=${hub_pids[0]} port=${hub_ports[0]} data="$work/long"
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {printf "%d", $2}'; }
mb() { stat -c %s "$1" 2>/dev/null | awk '{printf "%.1f", $1 / 1048576}'; }
echo "load: wrk -t2 -c64 -d${duration}s -s Benchmarks/post-message.lua; idle RSS $(rss_mb "$pid") MB"
BENCH_PREFIX="long$RANDOM" wrk -t2 -c64 -d"${duration}s" --latency -s Benchmarks/post-message.lua \
  "http://127.0.0.1:$port/api/v1/messages" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
echo "| s | WAL MB | ledger MB | RSS MB | cases | detection queue |"
echo "|---|---|---|---|---|---|"
for i in $(seq 1 $((duration / 30))); do
  sleep 30
  echo "| $((i * 30)) | $(mb "$data/minqing.sqlite-wal") | $(mb "$data/minqing.sqlite") | $(rss_mb "$pid") |" \
    "$(metric 'minqing_intake_messages_total{result="created"}') | $(metric minqing_repeat_backlog) |"
done
wait "$wrk_pid"
echo "messages/s $(wrk_rate "$work/wrk.txt"), p50 $(wrk_pct "$work/wrk.txt" 50), p99 $(wrk_pct "$work/wrk.txt" 99)"
