#!/usr/bin/env bash
# Two release builds of the hub, interleaved on the same load, so a change is judged against the noise of this
# machine (a 2-core VM whose throughput drifts by ±15 % between runs): for each round and binary, a fresh example
# township (targets on nginx), `wrk -t2 -c64 -d<seconds>s` with Benchmarks/post-message.lua, then 8 s for the outbox;
# prints messages/s, p50/p99, and the hub's CPU time per stored case (user + system from /proc, load + 8 s).
# Usage: Benchmarks/ab.sh BINARY_A BINARY_B [rounds=3] [seconds=10]   (CONFIG=Config/... for another township)
# Build a binary of another commit with: git worktree add /tmp/old <commit> && (cd /tmp/old && swift build -c release --product minqing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "用法 / usage: Benchmarks/ab.sh BINARY_A BINARY_B [rounds] [seconds]" >&2; exit 2; }
a="$1" b="$2" rounds="${3:-3}" duration="${4:-10}" config="${CONFIG:-Config/example}"
scripts/system-packages.sh wrk nginx-light >/dev/null
source Benchmarks/lib.sh
start_nginx
point_targets_at_nginx
machine_line
echo "load: wrk -t2 -c64 -d${duration}s -s Benchmarks/post-message.lua; config: $config"
printf "| %-5s | %-40s | %10s | %20s | %12s | %10s |\n" round binary "messages/s" "p50 / p99" "CPU ms/case" delivered
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for binary in "$a" "$b"; do
    data="$work/r$round-$(basename "$binary")-$RANDOM"
    mkdir -p "$data"
    "$binary" serve --config "$config" --data "$data" --port 0 >"$data/serve.log" 2>&1 &
    pid=$!
    hub_pids+=("$pid")
    for _ in $(seq 1 300); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
    port=$(grep -o '已启动：http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | sed 's/.*://')
    [ -n "$port" ] || { echo "hub did not start:" >&2; cat "$data/serve.log" >&2; exit 1; }
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    BENCH_PREFIX="ab$round$RANDOM" wrk -t2 -c64 -d"${duration}s" --latency -s Benchmarks/post-message.lua \
      "http://127.0.0.1:$port/api/v1/messages" >"$data/wrk.txt" 2>&1
    sleep 8
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    cases=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "minqing_intake_messages_total{result=\"created\"}" {printf "%d", $2}')
    ticks=$(getconf CLK_TCK)
    per_case=$(python3 -c "print(f'{($cpu1 - $cpu0) * 1000 / $ticks / max(${cases:-0}, 1):.2f}')")
    printf "| %-5s | %-40s | %10s | %20s | %12s | %10s |\n" "$round" "$binary" "$(wrk_rate "$data/wrk.txt")" \
      "$(wrk_pct "$data/wrk.txt" 50) / $(wrk_pct "$data/wrk.txt" 99)" "$per_case" "$(hub_delivered "$port")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    hub_pids=()
    rm -rf "$data"
  done
done
