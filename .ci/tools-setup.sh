#!/usr/bin/env bash
# Installs the real tools some tests drive (issue 17), from Debian's packages:
#   pre-commit (test/integrations/pre-commit/), chromium (the status page's browser test) and strace
#   (test/fuzz/atomic-writes: it holds a write back, so a kill lands inside it), and mosquitto, the
#   hub benchmark's peer (test/bench/hub-report-shape checks its rows too).
# Idempotent: a second run only checks. On failure it prints one line saying why and exits 1;
# those tests then skip with their own printed reason.
set -uo pipefail
missing=()
command -v pre-commit >/dev/null || missing+=(pre-commit)
command -v chromium >/dev/null || missing+=(chromium)
command -v strace >/dev/null || missing+=(strace)
{ command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ]; } || missing+=(mosquitto)
[ ${#missing[@]} -eq 0 ] && { echo "tools-setup: pre-commit, chromium, strace and mosquitto are installed"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "tools-setup: FAILED: ${missing[*]} missing and not root; install them by hand" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "tools-setup: FAILED: ${missing[*]} missing and there is no apt-get" >&2; exit 1; }
echo "tools-setup: installing ${missing[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/edgewise-tools-apt.log 2>&1 ||
       { apt-get update >>/tmp/edgewise-tools-apt.log 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/edgewise-tools-apt.log 2>&1; }; }; then
  echo "tools-setup: FAILED: apt-get install ${missing[*]} (see /tmp/edgewise-tools-apt.log)" >&2
  exit 1
fi
echo "tools-setup: installed ${missing[*]}"
