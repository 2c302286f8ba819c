#!/usr/bin/env bash
# Ingest throughput and latency: wrk with 64 connections posting distinct messages to a release build on loopback.
# Usage: Benchmarks/ingest.sh [seconds]   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-30}"
command -v wrk >/dev/null || { echo "需要 wrk：apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product minqing >/dev/null
bin="$(swift build -c release --show-bin-path)/minqing"
data="$(mktemp -d)"
export MINQING_API_TOKEN="bench-token-0123456789abcdef"
"$bin" serve --config Config/example --data "$data" --port 0 >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | cut -d: -f2)
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: wrk -t2 -c64 -d${duration}s --latency -s Benchmarks/post-message.lua http://127.0.0.1:$port/api/v1/messages"
wrk -t2 -c64 -d"${duration}s" --latency -s Benchmarks/post-message.lua "http://127.0.0.1:$port/api/v1/messages"
echo "cases stored: $(curl -s -H "Authorization: Bearer $MINQING_API_TOKEN" "http://127.0.0.1:$port/api/v1/cases?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
