# Shared by the scripts in tools/container: paths, podman with this project's settings, logging.
# shellcheck shell=bash

container_tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$container_tools_dir/../.." && pwd)
export CONTAINERS_CONF="$container_tools_dir/containers.conf"

# The debootstrap result and downloads, reused across runs on the same machine.
# shellcheck disable=SC2034 # used by the scripts that source this file
cache_dir=${POLLS_CONTAINER_CACHE:-/var/cache/polls-container}
socket_dir=/run/polls-podman
# shellcheck disable=SC2034
socket_path="$socket_dir/podman.sock"

log() { printf '\n== %s\n' "$*" >&2; }

# The image references the project pins: the Dockerfile's FROM and compose.yaml's database.
node_base_image() { awk 'toupper($1) == "FROM" { print $2; exit }' "$repo_root/Dockerfile"; }
postgres_image() { awk '$1 == "image:" && $2 ~ /^postgres:/ { print $2; exit }' "$repo_root/compose.yaml"; }

image_exists() { podman image exists "$1"; }

# Docker's meaning of a short name such as node:24 (podman would otherwise tag it under localhost/).
qualified_image() {
  case "$1" in
    */*) if [[ "${1%%/*}" == *[.:]* || "${1%%/*}" == localhost ]]; then echo "$1"; else echo "docker.io/$1"; fi ;;
    *) echo "docker.io/library/$1" ;;
  esac
}
