#!/usr/bin/env bash
# `npm run smoke`: checks the platform that `npm start` runs, end to end (see smoke.mjs).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
[ -f "$ROOT/.stack/demo-client.json" ] || die "smoke: no demo client: run npm start first"
NODE_EXTRA_CA_CERTS="$ROOT/.stack/tls/cert.pem" exec node "$ROOT/tools/dev/smoke.mjs"
