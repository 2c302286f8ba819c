# Sourced by the side-by-side benchmarks (peers.sh, scale-out.sh): a work directory removed on exit, free loopback
# ports, one nginx answering every target, and release `minqing serve` instances.
# Sets $work and $bin; the caller adds cleanup steps with `on_exit "command"`.
work="$(mktemp -d)"
exit_steps=()
hub_pids=()
on_exit() { exit_steps+=("$1"); }
run_exit_steps() {
  for p in "${hub_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for step in "${exit_steps[@]}"; do eval "$step" || true; done
  rm -rf "$work"
}
trap run_exit_steps EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

machine_line() {
  echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GB RAM, $(. /etc/os-release; echo "$PRETTY_NAME")"
}

# start_nginx: nginx on loopback answering {"errcode":0,"code":0} to everything (WeCom/DingTalk read errcode,
# Feishu code, webhooks the status); sets $nginx_port.
start_nginx() {
  nginx_port=$(free_port)
  mkdir -p "$work/nginx"
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"errcode":0,"code":0,"errmsg":"ok"}'; }
  }
}
CONF
  nginx -c "$work/nginx.conf"
  on_exit 'kill "$(cat "$work/nginx.pid")"'
}

# point_targets_at_nginx: the example configuration's county webhook and robots all go to nginx.
point_targets_at_nginx() {
  export MINQING_WEBHOOK_URL="http://127.0.0.1:$nginx_port/county"
  export MINQING_WECOM_URL="http://127.0.0.1:$nginx_port/cgi-bin/webhook/send?key=bench"
  export MINQING_DINGTALK_URL="http://127.0.0.1:$nginx_port/robot/send?access_token=bench"
  export MINQING_FEISHU_URL="http://127.0.0.1:$nginx_port/open-apis/bot/v2/hook/bench"
}

# build_release_hub: this checkout's release `minqing` in $bin — or, to measure another build, BENCH_BIN=path.
build_release_hub() {
  if [ -n "${BENCH_BIN:-}" ]; then bin="$BENCH_BIN"; return; fi
  swift build -c release --product minqing >/dev/null
  bin="$(swift build -c release --show-bin-path)/minqing"
}

# start_hub NAME [DATABASE_URL]: `minqing serve` of the example township with its own --data on a free port;
# appends its port to $hub_ports and its process id to $hub_pids.
export MINQING_API_TOKEN="bench-token-0123456789abcdef"
start_hub() {
  local data="$work/$1"
  mkdir -p "$data"
  MINQING_DATABASE_URL="${2:-}" "$bin" serve --config Config/example --data "$data" --port 0 >"$data/serve.log" 2>&1 &
  hub_pids+=($!)
  for _ in $(seq 1 300); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
  grep -q "已启动" "$data/serve.log" || { echo "hub $1 did not start:" >&2; cat "$data/serve.log" >&2; exit 1; }
  hub_ports+=("$(grep -o '已启动：http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | sed 's/.*://')")
}

stop_hubs() {
  for p in "${hub_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${hub_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  hub_pids=()
  hub_ports=()
}

# hub_delivered PORT: notifications the hub on PORT counted as delivered (its /metrics, served to loopback).
hub_delivered() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^minqing_deliveries_total\{.*result="delivered"/ {s += $NF} END {printf "%d", s}'
}

# hub_compared PORT: new cases repeat detection has compared so far on the hub on PORT.
hub_compared() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^minqing_repeat_detected_total/ {s += $NF} END {printf "%d", s}'
}

# rss_mb PID: resident memory in MB.
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }

# wrk_rate FILE / wrk_pct FILE PCT: requests/s and a latency percentile from wrk --latency output.
wrk_rate() { awk '/^Requests\/sec/ {printf "%d", $2}' "$1"; }
wrk_pct() { awk -v p="$2%" '$1 == p {print $2}' "$1"; }
