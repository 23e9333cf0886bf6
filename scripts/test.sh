#!/usr/bin/env bash
# Install everything the test suite needs (Debian's chromium for the browser tests, redis-server
# and haproxy for the shared-state and deployment tests, curl for the documentation's snippets,
# Node.js and Tencent's Node SDKs pinned in tests/tencent/node, a .venv with the project and its
# test extras), then run it. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v curl >/dev/null 2>&1 || missing+=(curl)  # the README's and docs/' snippets, run by tests/docs
if [ ${#missing[@]} -gt 0 ]; then
  sudo_if_needed=""
  [ "$(id -u)" = 0 ] || sudo_if_needed="sudo"
  $sudo_if_needed apt-get update -qq
  # the tests start their own redis-server and haproxy on free loopback ports (a system service is left alone)
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v npm >/dev/null 2>&1; then  # Node.js: Tencent's Node SDKs are clients in tests/tencent
  sudo_if_needed=""
  [ "$(id -u)" = 0 ] || sudo_if_needed="sudo"
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --prefix tests/tencent/node --no-audit --no-fund --loglevel=error >/dev/null
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
