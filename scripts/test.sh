#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the Swift toolchain, installing what the tests need.
# Real parts only: every server a test talks to is started on 127.0.0.1 by the tests or this script.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-packages.sh libsqlite3-dev libcurl4-openssl-dev python3 python3-venv python3-aiosmtpd dovecot-imapd postgresql \
  chromium chromium-driver fonts-wqy-microhei

# schemathesis (PyPI, 4.x) checks the live hub against Sources/MinqingWeb/openapi.yaml (SchemaConformanceTests).
venv="$PWD/.build/schemathesis"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "version 4\."; then
  echo "== 安装 schemathesis / installing schemathesis 4.x (pip, into $venv)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis>=4,<5"
fi
export SCHEMATHESIS="$venv/bin/schemathesis"

# The SMS vendors' own SDKs (PyPI) recompute the signatures of captured gateway requests (SMSAdapterTests).
sms_sdk="$PWD/.build/sms-sdk"
if ! "$sms_sdk/bin/python3" -c "import tencentcloud.common.sign, alibabacloud_openapi_util.client" 2>/dev/null; then
  echo "== 安装短信厂商 SDK / installing the SMS vendors' SDKs (pip, into $sms_sdk)"
  python3 -m venv "$sms_sdk"
  "$sms_sdk/bin/pip" install -q tencentcloud-sdk-python-common alibabacloud-openapi-util
fi
export MINQING_SMS_SDK_PYTHON="$sms_sdk/bin/python3"

echo "== swift build --build-tests"
swift build --build-tests --explicit-target-dependency-import-check error
export MINQING_BIN="$PWD/.build/debug/minqing"
# Three groups, each in its own test process: the unit and adapter suites; the suites on the shared PostgreSQL server
# and the hub processes; then the three-instance scale-out test alone. Run all at once, the PostgreSQL and process
# suites starve each other on a 2-core machine past their time limits (docs/postgres.md#running-it-in-tests).
echo "== swift test (unit, store, web and adapter suites)"
swift test --skip-build --skip "MinqingStorePostgresTests|MinqingIntegrationTests"
echo "== swift test (PostgreSQL and hub-process suites)"
swift test --skip-build --filter "MinqingStorePostgresTests|MinqingIntegrationTests" --skip ScaleOutTests
# Three hub processes under 64 clients load both cores and the shared PostgreSQL for a minute: run alone, so the
# time limits of the tests around it measure their own work (docs/postgres.md#running-it-in-tests).
echo "== swift test --filter ScaleOutTests"
swift test --skip-build --filter ScaleOutTests
