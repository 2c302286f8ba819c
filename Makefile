# 民情通 Minqing Hub — the two commands from the README.
.PHONY: demo test build bench

# Runs the demo township on the embedded SQLite store (data in ./data; sample messages on first start).
MINQING_API_TOKEN ?= demo-token-please-change-0001
export MINQING_API_TOKEN
demo:
	scripts/system-packages.sh libsqlite3-dev libcurl4-openssl-dev
	swift build --product minqing
	@echo "演示令牌 / demo token: $(MINQING_API_TOKEN)"
	.build/debug/minqing serve --config Config/example --data ./data --demo

# Runs the whole test suite, installing what it needs.
test:
	scripts/test.sh

build:
	swift build

bench:
	Benchmarks/ingest.sh
