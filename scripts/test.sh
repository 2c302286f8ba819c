#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the Swift toolchain, installing what the tests need.
# Real parts only: every server a test talks to is started on 127.0.0.1 by the tests or this script.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libsqlite3-dev libcurl4-openssl-dev python3 python3-aiosmtpd dovecot-imapd chromium chromium-driver fonts-wqy-microhei; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "== 安装测试所需的系统软件包 / installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

echo "== swift build --build-tests"
swift build --build-tests
export MINQING_BIN="$PWD/.build/debug/minqing"
echo "== swift test"
swift test --skip-build
