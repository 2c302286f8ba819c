# 民情通 Minqing Hub — the two commands from the README.
.PHONY: demo test build bench

# Runs the demo township on the embedded SQLite store (data in ./data; sample messages on first start).
# Demo tokens, one per integration (docs/api-access.md): intake+read, office system (transitions), hotline.
MINQING_API_TOKEN ?= demo-token-please-change-0001
MINQING_OFFICE_TOKEN ?= demo-office-token-change-0002
MINQING_HOTLINE_TOKEN ?= demo-hotline-token-change-0003
export MINQING_API_TOKEN MINQING_OFFICE_TOKEN MINQING_HOTLINE_TOKEN
demo:
	scripts/system-packages.sh libsqlite3-dev libcurl4-openssl-dev
	swift build --product minqing
	@echo "演示令牌 / demo tokens: 提交与查阅 $(MINQING_API_TOKEN)；办理 $(MINQING_OFFICE_TOKEN)；热线 $(MINQING_HOTLINE_TOKEN)"
	.build/debug/minqing serve --config Config/example --data ./data --demo

# Runs the whole test suite, installing what it needs.
test:
	scripts/test.sh

build:
	swift build

bench:
	Benchmarks/ingest.sh
