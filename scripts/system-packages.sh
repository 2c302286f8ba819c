#!/usr/bin/env bash
# Installs the Debian packages a command needs, only those missing; without root (and no sudo) it names them and stops.
# Usage: scripts/system-packages.sh PACKAGE...
set -euo pipefail
need=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "缺少系统软件包 / missing system packages: ${need[*]}" >&2
  echo "请以 root 身份安装 / install them as root:  apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "== 安装所需的系统软件包 / installing: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
