#!/usr/bin/env bash
# Stops the apps started by `npm start` on the stack instance STACK_INSTANCE (default dev), SIGTERM
# then SIGKILL after their shutdown bound; with --all, the apps of every instance and every local
# stack instance too (the platform's and the test suite's).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$ROOT/tools/dev/apps.sh"

# Stops the apps whose pid files are in one instance's run folder.
stop_apps_in() {
  local run="$1" app pid
  # The web chat first: it proxies to gateway and realtime.
  for app in "$WEB_CHAT" "${APPS[@]}"; do
    if [ -f "$run/$app.pid" ] && pid="$(cat "$run/$app.pid")" && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      say "apps: stopped $app${2:+ ($2)}"
    fi
    rm -f "$run/$app.pid" "$run/../prometheus-targets/$app.json" # stopped on purpose: not an instance down
  done
}

if [ "${1:-}" != "--all" ]; then
  stop_apps_in "$APP_RUN"
  exit 0
fi
stop_apps_in "$ROOT/.stack/run/apps"
for run in "$ROOT"/.stack/*/run/apps; do
  [ -d "$run" ] && stop_apps_in "$run" "$(basename "$(dirname "$(dirname "$run")")")"
done
STACK_INSTANCE=dev bash "$ROOT/tools/stack/stack.sh" down
for offset_file in "$ROOT"/.stack/*/run/port-offset; do
  [ -f "$offset_file" ] || continue
  instance="$(basename "$(dirname "$(dirname "$offset_file")")")"
  STACK_INSTANCE="$instance" STACK_PORT_OFFSET="$(cat "$offset_file")" bash "$ROOT/tools/stack/stack.sh" down
done
