#!/usr/bin/env bash
# container-smoke.sh: build the image and check, end to end, what a team relies on:
#   - an offline answer with a citation on a read-only root filesystem (`reportbot ask`)
#   - `reportbot health` passes, and the image's HEALTHCHECK reaches "healthy"
#   - a running `reportbot run` is reported unhealthy while not connected to Discord
#   - `docker stop` of a running `reportbot run` takes < 3 s and exits 0 (our SIGTERM handler)
#   - uid 10001, no dev dependencies, no model-hub client, and a token given at run time is in no image metadata
#
# How `run` is kept running without Discord: the container sits on an --internal Docker network
# (no route out) where a second container answers to the name discord.com and accepts TCP
# connections without ever replying. `reportbot run` is then genuinely mid-login, as it would be
# on a slow network, with the production code path and no test hook; the fake token never
# leaves the machine.
#
# Usage: scripts/container-smoke.sh        (prints PASS/FAIL per check; exit 1 on any FAIL)
# Env:   DOCKER (docker), IMAGE (reportbot:smoke), CONTAINER_BASE_SCRIPT
#        (../shared/tools/container-base.sh: run when no daemon or no python:3.11-slim image)
set -uo pipefail

cd "$(dirname "$0")/.."
DOCKER=${DOCKER:-docker}
IMAGE=${IMAGE:-reportbot:smoke}
CONTAINER_BASE_SCRIPT=${CONTAINER_BASE_SCRIPT:-../shared/tools/container-base.sh}
RUN_ID="smoke-$$"
VOLUME="reportbot-$RUN_ID"
NETWORK="reportbot-$RUN_ID"
WORK=$(mktemp -d)
SENTINEL="smoke.$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n').token"
FAILURES=0
HARDENED=(--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges)

pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILURES=$((FAILURES + 1)); }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cleanup() {
  "$DOCKER" rm -fv "$RUN_ID-bot" "$RUN_ID-hc" "$RUN_ID-blackhole" >/dev/null 2>&1
  "$DOCKER" network rm "$NETWORK" >/dev/null 2>&1
  "$DOCKER" volume rm "$VOLUME" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {  # wait_for SECONDS COMMAND...: poll until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# 0. A daemon and a base image --------------------------------------------------------------
if ! "$DOCKER" info >/dev/null 2>&1 || ! "$DOCKER" image inspect python:3.11-slim >/dev/null 2>&1; then
  if [[ -f "$CONTAINER_BASE_SCRIPT" ]]; then
    echo "no docker daemon or no python:3.11-slim: running $CONTAINER_BASE_SCRIPT"
    bash "$CONTAINER_BASE_SCRIPT" >"$WORK/base.log" 2>&1 || { cat "$WORK/base.log"; exit 1; }
  else
    echo "FAIL  docker daemon with python:3.11-slim (no $CONTAINER_BASE_SCRIPT to make one)"
    exit 1
  fi
fi

# 1. Build --------------------------------------------------------------------------------
start=$(now)
if "$DOCKER" build --network host -t "$IMAGE" . >"$WORK/build.log" 2>&1; then
  pass "build $IMAGE ($(elapsed "$start" "$(now)") s)"
else
  tail -20 "$WORK/build.log"
  fail "build $IMAGE"
  exit 1
fi
"$DOCKER" volume create "$VOLUME" >/dev/null

# 2. Offline answer on a read-only root ------------------------------------------------------
out=$("$DOCKER" run --rm --network none "${HARDENED[@]}" -v "$VOLUME:/data" "$IMAGE" \
  ask "oil revenue" 2>"$WORK/ask.err")
status=$?
citation=$(grep -oE 'S/[0-9]{4}/[0-9]+, para\. [0-9]+' <<<"$out" | head -1)
if [[ $status -eq 0 && -n "$citation" ]]; then
  pass "ask \"oil revenue\" offline, read-only root, volume /data: cites $citation"
else
  fail "ask \"oil revenue\" (exit $status): $(tail -3 "$WORK/ask.err" | tr '\n' ' ')$(head -c 300 <<<"$out")"
fi

# 3. Health: the command, the image's HEALTHCHECK, and a running-but-unconnected bot ---------
if out=$("$DOCKER" run --rm --network none "${HARDENED[@]}" -v "$VOLUME:/data" "$IMAGE" health 2>&1); then
  pass "reportbot health: $out"
else
  fail "reportbot health: $out"
fi

test_cmd=$("$DOCKER" image inspect -f '{{json .Config.Healthcheck.Test}}' "$IMAGE")
if [[ "$test_cmd" == '["CMD","reportbot","health"]' ]]; then
  pass "image HEALTHCHECK runs reportbot health"
else
  fail "image HEALTHCHECK is $test_cmd"
fi

# Same image HEALTHCHECK command; only the interval is shortened so the check is quick. The main
# process just waits: without a heartbeat file, health judges the database alone.
"$DOCKER" run -d --name "$RUN_ID-hc" --network none "${HARDENED[@]}" -v "$VOLUME:/data" \
  --health-interval 1s --health-start-period 30s \
  --entrypoint python "$IMAGE" -c 'import time; time.sleep(300)' >/dev/null
is_healthy() { [[ $("$DOCKER" inspect -f '{{.State.Health.Status}}' "$RUN_ID-hc") == healthy ]]; }
if wait_for 60 is_healthy; then
  pass "container HEALTHCHECK reached healthy"
else
  fail "container HEALTHCHECK: $("$DOCKER" inspect -f '{{json .State.Health}}' "$RUN_ID-hc" | head -c 400)"
fi
"$DOCKER" rm -fv "$RUN_ID-hc" >/dev/null

# 4. `reportbot run` stuck in login behind a black hole; then docker stop ---------------------
"$DOCKER" network create --internal "$NETWORK" >/dev/null
# uid 10001 may bind port 443 inside its own network namespace thanks to the sysctl.
"$DOCKER" run -d --name "$RUN_ID-blackhole" --network "$NETWORK" --network-alias discord.com \
  --sysctl net.ipv4.ip_unprivileged_port_start=0 --entrypoint python "$IMAGE" -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 443))
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])  # accept, never answer: the TLS handshake hangs
' >/dev/null

printf '%s' "$SENTINEL" >"$WORK/discord_token"
chmod 0444 "$WORK/discord_token"
"$DOCKER" run -d --name "$RUN_ID-bot" --network "$NETWORK" "${HARDENED[@]}" -v "$VOLUME:/data" \
  -v "$WORK/discord_token:/run/secrets/discord_token:ro" \
  -e DISCORD_TOKEN_FILE=/run/secrets/discord_token "$IMAGE" run >/dev/null

logging_in() { "$DOCKER" logs "$RUN_ID-bot" 2>&1 | grep -q "logging in using static token"; }
heartbeat_written() { "$DOCKER" exec "$RUN_ID-bot" test -f /tmp/reportbot-heartbeat.json; }
if wait_for 30 logging_in && wait_for 10 heartbeat_written; then
  pass "reportbot run started and is logging in (blocked by the black hole)"
else
  fail "reportbot run did not start: $("$DOCKER" logs "$RUN_ID-bot" 2>&1 | tail -5)"
fi

out=$("$DOCKER" exec "$RUN_ID-bot" reportbot health 2>&1)
status=$?
if [[ $status -eq 1 && "$out" == *"not connected"* ]]; then
  pass "health fails while the gateway is not connected: $out"
else
  fail "health of a bot that is not connected (exit $status): $out"
fi

start=$(now)
"$DOCKER" stop -t 10 "$RUN_ID-bot" >/dev/null
took=$(elapsed "$start" "$(now)")
code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$RUN_ID-bot")
if [[ $code -eq 0 ]] && awk -v t="$took" 'BEGIN { exit !(t < 3) }'; then
  pass "docker stop: exit 0 in $took s"
else
  fail "docker stop: exit $code in $took s: $("$DOCKER" logs "$RUN_ID-bot" 2>&1 | tail -5)"
fi
if "$DOCKER" logs "$RUN_ID-bot" 2>&1 | grep -q "received SIGTERM"; then
  pass "reportbot logged the SIGTERM and its clean stop"
else
  fail "no SIGTERM line in the logs"
fi

# 5. Non-root, no dev dependencies, no token anywhere in image metadata or logs --------------
uid=$("$DOCKER" run --rm --entrypoint id "$IMAGE" -u)
[[ "$uid" == 10001 ]] && pass "runs as uid 10001" || fail "runs as uid $uid"
if "$DOCKER" run --rm --entrypoint python "$IMAGE" -c 'import pytest' >/dev/null 2>&1; then
  fail "dev dependencies (pytest) are in the image"
else
  pass "no dev dependencies in the image (pytest absent)"
fi
hub='import importlib.util as u; raise SystemExit(u.find_spec("huggingface_hub") is not None)'
if "$DOCKER" run --rm --entrypoint python "$IMAGE" -c "$hub" >/dev/null 2>&1; then
  pass "no model-hub client in the image (huggingface_hub absent; the model is package data)"
else
  fail "huggingface_hub is in the image"
fi
{
  "$DOCKER" history --no-trunc "$IMAGE"
  "$DOCKER" image inspect "$IMAGE"
} >"$WORK/image-metadata.txt" 2>&1
"$DOCKER" inspect "$RUN_ID-bot" >"$WORK/container-metadata.txt" 2>&1
"$DOCKER" logs "$RUN_ID-bot" >"$WORK/logs.txt" 2>&1
if grep -q "$SENTINEL" "$WORK/image-metadata.txt"; then
  fail "the run-time token appears in docker history / image inspect"
else
  pass "the token is in neither docker history nor docker image inspect"
fi
if grep -q "$SENTINEL" "$WORK/container-metadata.txt" "$WORK/logs.txt"; then
  fail "the token appears in docker inspect of the container or in its logs"
else
  pass "the token is in neither the container's docker inspect nor its logs"
fi

if ((FAILURES)); then
  echo "$FAILURES check(s) FAILED"
  exit 1
fi
echo "all checks passed"
