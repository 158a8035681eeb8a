#!/usr/bin/env bash
# Runs one benchmark against the real local stack: tools/bench/run.sh <name>  (e.g. auth-tokens).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
[ $# -ge 1 ] || die "usage: tools/bench/run.sh <benchmark>   (available: $(cd "$ROOT/tools/bench" && ls *.mjs | sed 's/\.mjs$//' | tr '\n' ' '))"
ensure_node_deps
bash "$ROOT/tools/stack/stack.sh" up >/dev/null
eval "$(bash "$ROOT/tools/stack/stack.sh" env)"
build_all >/dev/null
migrate_all >/dev/null
exec node "$ROOT/tools/bench/$1.mjs" "${@:2}"
