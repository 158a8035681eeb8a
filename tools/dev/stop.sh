#!/usr/bin/env bash
# Stops the apps started by `npm start` (SIGTERM, then SIGKILL after their shutdown bound);
# with --all, every local stack instance too (the platform's and the test suite's).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$ROOT/tools/dev/apps.sh"

for app in "${APPS[@]}"; do
  if pid=$(app_pid "$app"); then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    say "apps: stopped $app"
  fi
  rm -f "$APP_RUN/$app.pid"
done
if [ "${1:-}" = "--all" ]; then
  STACK_INSTANCE=dev bash "$ROOT/tools/stack/stack.sh" down
  for offset_file in "$ROOT"/.stack/*/run/port-offset; do
    [ -f "$offset_file" ] || continue
    instance="$(basename "$(dirname "$(dirname "$offset_file")")")"
    STACK_INSTANCE="$instance" STACK_PORT_OFFSET="$(cat "$offset_file")" bash "$ROOT/tools/stack/stack.sh" down
  done
fi
