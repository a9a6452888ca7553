#!/bin/sh
# As in the official Node image: arguments that are not a command are passed to node.
set -e
if [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then
  set -- node "$@"
fi
exec "$@"
