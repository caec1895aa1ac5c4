#!/usr/bin/env bash
# Run the whole test suite, GUI tests included. Creates .venv on first run; without a display it
# starts a private Xvfb (installing it with apt when root). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh

# gettext's msgfmt checks the catalogs (tests/unit/test_locales.py).
command -v msgfmt >/dev/null 2>&1 || apt_install gettext || true

xvfb_pid=""
cleanup() { if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  command -v Xvfb >/dev/null 2>&1 || apt_install xvfb xauth
  display=99
  while [ -e "/tmp/.X${display}-lock" ]; do display=$((display + 1)); done
  Xvfb ":${display}" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":${display}"
  for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X${display}" ] && break; sleep 0.1; done
fi
.venv/bin/python -m pytest "$@"
