#!/usr/bin/env bash
# Stops the apps started by `npm start` (SIGTERM, then SIGKILL after their shutdown bound);
# with --all, the local stack too.
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
  bash "$ROOT/tools/stack/stack.sh" down
fi
