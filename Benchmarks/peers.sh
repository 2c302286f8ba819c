#!/usr/bin/env bash
# Side by side on this machine: Prometheus Alertmanager (Debian's) and the hub, one after the other, against the
# same nginx receiver, plus the hub's own GET /healthz as the loopback limit; prints the figures and the ratios.
#
# - Alertmanager: group_by ['...'] and group_wait 0s (every alert its own group, one webhook each), in memory,
#   no fsync; wrk posts one alert per request to /api/v2/alerts.
# - The hub: release build, the example township on a fresh SQLite data directory (WAL, synchronous=FULL: every
#   message fsync'd before its 201), its county webhook and WeCom/DingTalk/Feishu robots all pointed at nginx
#   (the robots keep their real rate limits); wrk posts one distinct message per request.
# - Intake's HTTP side: the same requests with an unknown channel (BENCH_MESSAGES=refused), which the hub answers
#   422 after the token check and JSON decoding, storing nothing — beside /healthz, the loopback limit.
# - Deliveries: each side's own counter (alertmanager_notifications_total, minqing_deliveries_total) over the
#   load plus 10 s.
#
# Usage: Benchmarks/peers.sh [seconds=10] [connections=64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}" connections="${2:-64}"
scripts/system-packages.sh wrk nginx-light prometheus-alertmanager >/dev/null
source Benchmarks/lib.sh
build_release_hub
start_nginx
machine_line
echo "load: wrk -t2 -c$connections -d${duration}s --latency; receiver: nginx $(nginx -v 2>&1 | cut -d/ -f2)"
echo

# Alertmanager
am_port=$(free_port)
cat >"$work/alertmanager.yml" <<CONF
route:
  receiver: nginx
  group_by: ['...']
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: nginx
    webhook_configs:
      - url: http://127.0.0.1:$nginx_port/alert
        send_resolved: false
CONF
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$work/am.log" 2>&1 &
am_pid=$!
on_exit "kill $am_pid"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$am_port/-/ready" >/dev/null && break; sleep 0.1; done
sleep 5; am_idle=$(rss_mb $am_pid)  # idle: started, settled, nothing received yet
am_sent() { curl -s "http://127.0.0.1:$am_port/metrics" | awk '/^alertmanager_notifications_total\{integration="webhook"/ {printf "%d", $NF}'; }
wrk -t2 -c"$connections" -d"${duration}s" --latency -s Benchmarks/alert.lua "http://127.0.0.1:$am_port/api/v2/alerts" >"$work/am-wrk.txt"
sleep 10
am_rate=$(wrk_rate "$work/am-wrk.txt") am_p50=$(wrk_pct "$work/am-wrk.txt" 50) am_p99=$(wrk_pct "$work/am-wrk.txt" 99)
am_deliveries=$(( $(am_sent) / (duration + 10) )) am_rss=$(rss_mb $am_pid)
kill $am_pid

# The hub
point_targets_at_nginx
start_hub peers
hub_pid=${hub_pids[0]} port=${hub_ports[0]}
sleep 5; hub_idle=$(rss_mb "$hub_pid")
wrk -t2 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port/healthz" >"$work/healthz.txt"
healthz=$(wrk_rate "$work/healthz.txt")
# Intake's HTTP side alone: the same messages with an unknown channel, refused (422) after the token check and the
# JSON decoding, before anything is stored — what intake costs before the store, routing and notifications.
BENCH_PREFIX=refused BENCH_MESSAGES=refused wrk -t2 -c"$connections" -d"${duration}s" --latency -s Benchmarks/post-message.lua \
  "http://127.0.0.1:$port/api/v1/messages" >"$work/refused.txt" 2>"$work/refused.err"
refused=$(wrk_rate "$work/refused.txt")
refused_errors=$(grep -c "unexpected status" "$work/refused.err" || true)
BENCH_PREFIX=peers wrk -t2 -c"$connections" -d"${duration}s" --latency -s Benchmarks/post-message.lua \
  "http://127.0.0.1:$port/api/v1/messages" >"$work/hub-wrk.txt" 2>"$work/hub-wrk.err"
sleep 10
hub_rate=$(wrk_rate "$work/hub-wrk.txt") hub_p50=$(wrk_pct "$work/hub-wrk.txt" 50) hub_p99=$(wrk_pct "$work/hub-wrk.txt" 99)
hub_deliveries=$(( $(hub_delivered "$port") / (duration + 10) )) hub_rss=$(rss_mb "$hub_pid")
hub_errors=$(grep -c "unexpected status" "$work/hub-wrk.err" || true)
stop_hubs

ratio() { python3 -c "print(f'{$1 / max($2, 1):.2f}×')"; }
printf "| %-34s | %14s | %14s | %8s |\n" "figure" "Alertmanager" "Minqing Hub" "ratio"
echo "|---|---|---|---|"
printf "| %-34s | %14s | %14s | %8s |\n" "ingest, requests/s" "$am_rate" "$hub_rate" "$(ratio "$hub_rate" "$am_rate")"
printf "| %-34s | %14s | %14s | %8s |\n" "ingest latency p50 / p99" "$am_p50 / $am_p99" "$hub_p50 / $hub_p99" ""
printf "| %-34s | %14s | %14s | %8s |\n" "deliveries/s over load + 10 s" "$am_deliveries" "$hub_deliveries" "$(ratio "$hub_deliveries" "$am_deliveries")"
printf "| %-34s | %14s | %14s | %8s |\n" "hub GET /healthz, requests/s" "" "$healthz" "$(ratio "$hub_rate" "$healthz") (ingest/healthz)"
printf "| %-34s | %14s | %14s | %8s |\n" "hub POST refused after decoding/s" "" "$refused" "$(ratio "$refused" "$healthz") (of healthz)"
printf "| %-34s | %14s | %14s | %8s |\n" "RSS idle (started, 5 s), MB" "$am_idle" "$hub_idle" ""
printf "| %-34s | %14s | %14s | %8s |\n" "RSS after the run, MB" "$am_rss" "$hub_rss" ""
printf "| %-34s | %14s | %14s | %8s |\n" "non-2xx answers" "" "$hub_errors" ""
printf "| %-34s | %14s | %14s | %8s |\n" "refused run: answers other than 422" "" "$refused_errors" ""
