#!/usr/bin/env bash
# The one test command (`npm test`, called by .ci/run): installs what is missing, starts the local
# stack, builds, type-checks, lints, migrates, then runs unit and integration tests against the
# real PostgreSQL, Redis, Kafka and MinIO. Ends with "tests: N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
started=$(date +%s)
results="$ROOT/.stack/test-results"
mkdir -p "$results"
export TZ=UTC

ensure_node_deps
bash "$ROOT/tools/stack/stack.sh" up
eval "$(bash "$ROOT/tools/stack/stack.sh" env)"
build_all
say "check: typecheck and lint"
(cd "$ROOT" && npm run --silent typecheck && npm run --silent lint)
migrate_all

status=0
say "test: unit"
(cd "$ROOT" && jest --selectProjects unit --json --outputFile="$results/unit.json") || status=1
say "test: integration (real stack)"
(cd "$ROOT" && jest --selectProjects integration --runInBand --json --outputFile="$results/integration.json") || status=1

node -e '
  const files = process.argv.slice(1);
  let passed = 0, failed = 0, suitesFailed = 0;
  for (const f of files) {
    try {
      const r = require(f);
      passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
      suitesFailed += r.numFailedTestSuites;
    } catch { failed += 1; }
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$results/unit.json" "$results/integration.json"
say "test: finished in $(( $(date +%s) - started )) s"
exit $status
