#!/usr/bin/env bash
# Generates TypeScript for the gRPC contracts in proto/ (never edited by hand, git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root/proto"
rm -rf "$root/libs/proto/src/generated"
"$root/node_modules/.bin/buf" lint
"$root/node_modules/.bin/buf" generate
