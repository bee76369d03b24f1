#!/usr/bin/env bash
# Make sure a Chromium for the browser tests is there. Playwright cannot download its own browser here, so the
# tests drive the system's Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $chromium: installing Debian's chromium package." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  [ -x "$chromium" ] && exit 0
fi
cat >&2 <<MSG
The browser tests need Chromium and it is not at $chromium.
Install it, e.g. 'sudo apt-get install chromium' (Debian/Ubuntu) or your system's chromium package,
or point CHROMIUM_PATH at an installed Chromium or Chrome binary, then run 'make test' again.
MSG
exit 1
