#!/usr/bin/env bash
# Installs and starts what the docker backend tests need (test/runtime/agent/docker/):
# podman's Docker-compatible API on unix:///run/podman/podman.sock, and a local image
# localhost/busybox:edgewise made from Debian's busybox-static, since no registry is reachable.
# Idempotent: when everything is in place it only checks (about a second). On failure it prints
# one line saying why and exits 1; the tests then skip with their own printed reason.
# Facts (docs/FACTS.md §8): podman 4.3 here needs runc and container ulimits no higher than the
# host's hard limits (its default nofile of 1048576 fails with "error setting rlimit type 7").
set -uo pipefail

SOCKET=/run/podman/podman.sock
IMAGE=localhost/busybox:edgewise
CONF=/etc/containers/containers.conf.d/50-edgewise.conf
SERVICE_LOG=/run/podman/edgewise-service.log
SERVICE_PID=/run/podman/edgewise-service.pid
APT_LOG=/tmp/edgewise-podman-apt.log

say() { echo "podman-setup: $*"; }
fail() {
  echo "podman-setup: FAILED: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "must run as root (it installs Debian packages and serves a root socket)"

install_packages() {
  if command -v podman >/dev/null && command -v runc >/dev/null && dpkg -s busybox-static >/dev/null 2>&1; then return; fi
  command -v apt-get >/dev/null || fail "podman, runc or busybox-static is missing and there is no apt-get; install them by hand"
  say "installing podman runc busybox-static (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$APT_LOG" 2>&1 || fail "apt-get update failed (see $APT_LOG)"
  apt-get install -y -qq podman runc busybox-static >>"$APT_LOG" 2>&1 || fail "apt-get install podman runc busybox-static failed (see $APT_LOG)"
}

write_config() {
  local wanted
  wanted='# Written by edgewise .ci/podman-setup.sh: runc, and ulimits this machine allows.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"'
  if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$wanted" ]; then return; fi
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$wanted" >"$CONF"
  say "wrote $CONF"
  # A service this script started before the change still runs with the old settings.
  if [ -f "$SERVICE_PID" ] && kill "$(cat "$SERVICE_PID")" 2>/dev/null; then sleep 1; fi
}

ping_engine() {
  node -e "require('node:http').get({ socketPath: '$SOCKET', path: '/_ping', timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))" 2>/dev/null
}

start_service() {
  if ping_engine; then return; fi
  mkdir -p "$(dirname "$SOCKET")"
  rm -f "$SOCKET" # left by a service that died; nothing answers on it
  say "starting podman system service on unix://$SOCKET (log: $SERVICE_LOG)"
  setsid nohup podman system service --time=0 "unix://$SOCKET" >>"$SERVICE_LOG" 2>&1 </dev/null &
  echo $! >"$SERVICE_PID"
  for _ in $(seq 1 100); do
    if ping_engine; then return; fi
    sleep 0.2
  done
  fail "podman system service did not answer on $SOCKET within 20 s: $(tail -1 "$SERVICE_LOG" 2>/dev/null)"
}

import_image() {
  if podman image exists "$IMAGE"; then return; fi
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/mnt"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" --owner=0 --group=0 -cf "$root.tar" . || fail "could not pack the busybox rootfs"
  podman import --quiet --change 'CMD ["/bin/sh"]' "$root.tar" "$IMAGE" >/dev/null || fail "podman import of $IMAGE failed"
  rm -rf "$root" "$root.tar"
  say "imported $IMAGE from /bin/busybox"
}

smoke_test() {
  local out
  out=$(podman run --rm --network none "$IMAGE" echo ready 2>&1) || fail "a container does not run: $out"
  [ "$out" = ready ] || fail "a container printed '$out' instead of 'ready'"
}

install_packages
write_config
start_service
import_image
smoke_test
say "ready: DOCKER_HOST=unix://$SOCKET image $IMAGE"
