#!/bin/bash
# The part of the official PostgreSQL image's entrypoint that compose.yaml relies on: create the cluster
# on first start (superuser POSTGRES_USER with POSTGRES_PASSWORD, database POSTGRES_DB, password logins
# over TCP), then run the server as the postgres user.
set -euo pipefail

if [[ "${1:-}" == -* ]]; then
  set -- postgres "$@"
fi
if [[ "${1:-}" != postgres ]]; then
  exec "$@"
fi

if [[ "$(id -u)" == 0 ]]; then
  install -d -o postgres -g postgres -m 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

superuser=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$superuser}

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?is required to create the database cluster}"
  initdb --username="$superuser" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\nunix_socket_directories = '/var/run/postgresql'\n" >>"$PGDATA/postgresql.conf"
  if [[ "$database" != postgres ]]; then
    # Single-user mode: nothing listens until the cluster is complete.
    printf 'CREATE DATABASE "%s";\n' "$database" | postgres --single -D "$PGDATA" -j postgres >/dev/null
  fi
  echo "database cluster created in $PGDATA" >&2
fi

exec "$@"
