#!/usr/bin/env bash
# Runs one benchmark against the real local stack: tools/bench/run.sh <name>  (e.g. auth-tokens).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
[ $# -ge 1 ] || die "usage: tools/bench/run.sh <benchmark>   (available: $(cd "$ROOT/tools/bench" && ls *.mjs | sed 's/\.mjs$//' | tr '\n' ' '))"
# Benchmarks and chaos runs start their own apps, consumer groups and load: on a stack instance of
# their own (data in .stack/bench/, ports +8 steps), never the platform's that npm start runs.
export STACK_INSTANCE="${STACK_INSTANCE:-bench}" STACK_PORT_OFFSET="${STACK_PORT_OFFSET:-8}"
ensure_node_deps
bash "$ROOT/tools/stack/stack.sh" up >/dev/null
eval "$(bash "$ROOT/tools/stack/stack.sh" env)"
# BENCH_TRACING=off: the apps make no recorded spans and export none (what tracing costs is the
# difference from a run with it on, the default: every span recorded and sent to Zipkin).
case "${BENCH_TRACING:-on}" in
  on) ;;
  off) unset OTEL_EXPORTER_ZIPKIN_ENDPOINT OTEL_EXPORTER_OTLP_ENDPOINT; export OTEL_TRACES_SAMPLE_RATIO=0 ;;
  *) die "bench: BENCH_TRACING must be on or off" ;;
esac
say "bench: tracing ${BENCH_TRACING:-on}"
build_all >/dev/null
migrate_all >/dev/null
exec node "$ROOT/tools/bench/$1.mjs" "${@:2}"
