#!/usr/bin/env bash
# Hostile barrage: starts the RELEASE build of `minqing serve` on the example township (loopback, temp data dir) and
# runs Benchmarks/hostile.py against it — huge bodies with and without Content-Length on every POST route, a
# 358k-part multipart form, 16 concurrent 100 MB unauthenticated posts to /console/letter, large and deeply nested
# authenticated JSON, slowloris-style slow headers and bodies — while probing /healthz every 100 ms and sampling RSS.
# Reports max /healthz latency, any 5xx, whether the process died, and peak RSS. Exit 1 when the goal is missed.
# Usage: Benchmarks/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export MINQING_API_TOKEN="hostile-token-0123456789abcdef"
source Benchmarks/serve-release.sh
echo "memory: $(free -g | awk '/Mem:/{print $2}') GiB"
echo "command: Benchmarks/hostile.sh (release build, pid $pid, port $port)"
status=0
python3 Benchmarks/hostile.py --port "$port" --pid "$pid" --token "$MINQING_API_TOKEN" || status=$?
echo "uploads left in the spool: $(ls "$data/uploads" 2>/dev/null | wc -l)"
if ! kill -0 "$pid" 2>/dev/null; then echo "server log tail:"; tail -20 "$data/serve.log"; fi
exit $status
