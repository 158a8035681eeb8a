#!/usr/bin/env bash
# Applies every owning app's migrations (auth, gateway, message-worker, ...), each under its own
# advisory lock and in its own schema. Needs a build (dist/) and DATABASE_URL.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
shopt -s nullglob
scripts=("$ROOT"/dist/apps/*/src/database/migrate.js)
[ ${#scripts[@]} -gt 0 ] || { echo "migrate: nothing built under dist/: run npm run build" >&2; exit 1; }
for script in "${scripts[@]}"; do
  node "$script"
done
