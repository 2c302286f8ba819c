#!/usr/bin/env bash
# Times `minqing import cdr` on a generated Master.csv (LINES lines), then the same import again (must change nothing).
# Usage: Benchmarks/cdr-import.sh [LINES] [BIN]   (BIN defaults to .build/debug/minqing)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000}
bin=${2:-.build/debug/minqing}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/make-master-csv.py "$work/Master.csv" "$lines"
export MINQING_API_TOKEN=${MINQING_API_TOKEN:-benchmark-token-0123456789}
for run in first again; do
  start=$(date +%s.%N)
  "$bin" import cdr --config Config/example --data "$work/data" "$work/Master.csv" 2>/dev/null
  end=$(date +%s.%N)
  echo "$run import: $(echo "$end - $start" | bc) s for $lines lines"
done
