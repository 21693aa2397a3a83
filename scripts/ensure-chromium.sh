#!/bin/sh
# The browser tests drive Debian's chromium through playwright-core: npm tools
# cannot download a browser build of their own here, but apt-get can install
# Debian's. Does that when it is missing and we may; says what to do otherwise.
set -e
browser=/usr/bin/chromium
[ -x "$browser" ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "kith: $browser is missing and this user cannot install it: run 'apt-get install chromium' as root for the browser tests" >&2
  exit 1
fi
echo "kith: installing Debian's chromium for the browser tests (once)" >&2
export DEBIAN_FRONTEND=noninteractive
# Waits for a concurrent apt run rather than failing on its lock.
apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >&2
[ -x "$browser" ] || { echo "kith: apt-get installed chromium but $browser is not there" >&2; exit 1; }
