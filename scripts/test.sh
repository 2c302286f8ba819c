#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the Swift toolchain, installing what the tests need.
# Real parts only: every server a test talks to is started on 127.0.0.1 by the tests or this script.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-packages.sh libsqlite3-dev libcurl4-openssl-dev python3 python3-aiosmtpd dovecot-imapd chromium \
  chromium-driver fonts-wqy-microhei

echo "== swift build --build-tests"
swift build --build-tests
export MINQING_BIN="$PWD/.build/debug/minqing"
echo "== swift test"
swift test --skip-build
