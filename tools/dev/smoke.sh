#!/usr/bin/env bash
# `npm run smoke`: checks the platform that `npm start` runs, end to end (see smoke.mjs), on the stack
# instance STACK_INSTANCE (default dev).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$ROOT/tools/dev/apps.sh"
[ -f "$DEMO_CLIENT" ] || die "smoke: no demo client in ${DEMO_CLIENT#"$ROOT/"}: run npm start first"
# The admin CLI (smoke.mjs creates a user) works on this instance's database.
[ -n "${DATABASE_URL:-}" ] || eval "$(STACK_INSTANCE="$INSTANCE" STACK_PORT_OFFSET="$PORT_OFFSET" bash "$ROOT/tools/stack/stack.sh" env)"
export SMOKE_GATEWAY_URL="${SMOKE_GATEWAY_URL:-$(app_url gateway)}" SMOKE_DEMO_CLIENT="$DEMO_CLIENT" DATABASE_URL
NODE_EXTRA_CA_CERTS="$ROOT/.stack/tls/cert.pem" exec node "$ROOT/tools/dev/smoke.mjs"
