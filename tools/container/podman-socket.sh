#!/usr/bin/env bash
# Starts or stops podman's Docker-compatible API socket, for docker-compose, with this project's podman
# settings (containers.conf). Podman runs healthchecks from systemd timers and these machines have no
# systemd, so while the socket is up a small loop also runs the healthchecks of running containers.
#
# Usage: podman-socket.sh start|stop [STATE_DIR]      (STATE_DIR defaults to /run/polls-podman)
# start prints the DOCKER_HOST value to use: export DOCKER_HOST=$(tools/container/podman-socket.sh start)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

state_dir=${2:-/run/polls-podman}
socket="$state_dir/podman.sock"

answers() { curl --silent --fail --max-time 2 --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1; }

run_healthchecks_forever() {
  set +e +o pipefail # a container that goes away mid-loop must not end the loop
  while sleep 1; do
    podman ps --format '{{.ID}} {{.Status}}' | awk '/\((starting|healthy|unhealthy)\)/ { print $1 }' |
      while read -r id; do podman healthcheck run "$id" </dev/null >/dev/null 2>&1; done
  done
}

start() {
  if ! answers; then
    install -d -m 700 "$state_dir"
    rm -f "$socket"
    podman system service --time=0 "unix://$socket" >"$state_dir/service.log" 2>&1 &
    echo $! >"$state_dir/service.pid"
    run_healthchecks_forever >/dev/null 2>&1 &
    echo $! >"$state_dir/healthchecks.pid"
    local attempt
    for attempt in $(seq 50); do
      answers && break
      if ((attempt == 50)); then
        echo "podman system service did not answer on $socket (see $state_dir/service.log)" >&2
        stop
        return 1
      fi
      sleep 0.2
    done
  fi
  echo "unix://$socket"
}

stop() {
  local pid_file pid
  for pid_file in "$state_dir/healthchecks.pid" "$state_dir/service.pid"; do
    [[ -s "$pid_file" ]] || continue
    pid=$(<"$pid_file")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$pid_file"
  done
  rm -f "$socket"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop [STATE_DIR]" >&2
    exit 2
    ;;
esac
