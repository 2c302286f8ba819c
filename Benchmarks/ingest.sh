#!/usr/bin/env bash
# Ingest throughput and latency: wrk with 64 connections posting distinct messages to a release build on loopback.
# Usage: Benchmarks/ingest.sh [seconds]   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-30}"
command -v wrk >/dev/null || { echo "需要 wrk：apt-get install -y wrk" >&2; exit 1; }
export MINQING_API_TOKEN="bench-token-0123456789abcdef"
source Benchmarks/serve-release.sh
echo "command: wrk -t2 -c64 -d${duration}s --latency -s Benchmarks/post-message.lua http://127.0.0.1:$port/api/v1/messages"
wrk -t2 -c64 -d"${duration}s" --latency -s Benchmarks/post-message.lua "http://127.0.0.1:$port/api/v1/messages"
echo "cases stored: $(curl -s -H "Authorization: Bearer $MINQING_API_TOKEN" "http://127.0.0.1:$port/api/v1/cases?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
# Repeat detection runs after intake (docs/repeats-and-warnings.md): how many cases were still queued when the load
# stopped, and how long the queue took to empty afterwards.
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {printf "%d", $2}'; }
backlog=$(metric minqing_repeat_backlog)
start=$(date +%s.%N)
for _ in $(seq 1 6000); do [ "$(metric minqing_repeat_backlog)" = 0 ] && break; sleep 0.1; done
echo "repeat queue when the load stopped: ${backlog:-?} cases; emptied $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s later" \
  "(detected in all: $(metric minqing_repeat_detected_total))"
