#!/usr/bin/env bash
# `npm run admin -- <command>`: the admin CLI (users, API clients, signing keys). Without DATABASE_URL
# it uses the local platform's stack, the one `npm start` runs; the CLI names the database it uses.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(STACK_INSTANCE=dev bash "$ROOT/tools/stack/stack.sh" env)"
  say "admin: DATABASE_URL not set: using the local stack's (the one npm start runs)" >&2
fi
cli="$ROOT/dist/apps/auth/src/cli/admin.js"
[ -f "$cli" ] || die "admin: $cli is missing: run npm start (or npm run build) first"
exec node "$cli" "$@"
