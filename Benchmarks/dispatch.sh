#!/usr/bin/env bash
# Dispatch throughput and latency (release build): drain ROWS outbox rows to a loopback webhook receiver, then
# ingest at RATE messages/s for SECONDS and measure ingest → receipt at the receiver.
# Usage: Benchmarks/dispatch.sh [rows=100000] [rate=1000] [seconds=30] [lane-concurrency=32]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product minqing-bench-dispatch >/dev/null
"$(swift build -c release --show-bin-path)/minqing-bench-dispatch" "${1:-100000}" "${2:-1000}" "${3:-30}" "${4:-32}"
