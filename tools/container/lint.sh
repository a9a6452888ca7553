#!/usr/bin/env bash
# Lints the container files: the Dockerfile and the stand-in recipes (dockerfile-utils, shellcheck on RUN
# lines), the shell scripts here, and compose.yaml with .env.example (Debian's docker-compose config -q).
# Needs Debian's shellcheck and docker-compose: without them it fails under CI and skips elsewhere.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo_root"

missing=()
for tool in shellcheck docker-compose; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  message="lint:container needs ${missing[*]} (apt-get install ${missing[*]})"
  if [[ "${CI:-}" == true ]]; then
    echo "$message" >&2
    exit 1
  fi
  echo "skipped: $message" >&2
  exit 0
fi

node --import tsx tools/container/lint-dockerfile.ts Dockerfile tools/container/stand-in/*.Containerfile
shellcheck --external-sources --source-path=SCRIPTDIR tools/container/*.sh tools/container/stand-in/*.sh

derived=$(mktemp)
trap 'rm -f "$derived"' EXIT
node --import tsx tools/container/compose-for-podman.ts compose.yaml >"$derived"
docker-compose --file "$derived" --project-directory . --env-file .env.example config --quiet
echo 'lint:container: Dockerfile, stand-ins, scripts, compose.yaml and .env.example are clean'
