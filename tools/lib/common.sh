#!/usr/bin/env bash
# Shared by tools/dev and tools/test: repo root, Node 24 from node_modules, dependency install.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
# npm scripts already put node_modules/.bin first; make direct `bash tools/...` calls behave the same.
export PATH="$ROOT/node_modules/.bin:$PATH"

say() { printf '%s\n' "$*"; }
die() { printf '%s\n' "$*" >&2; exit 1; }

# Installs npm dependencies when node_modules is missing or older than package-lock.json (hash stamp),
# so a fresh clone needs no separate install step and a warm one pays nothing.
ensure_node_deps() {
  command -v npm >/dev/null 2>&1 || die "setup: npm is required to bootstrap (any Node >= 20 with npm >= 10); the repo then installs Node 24 itself"
  local want have stamp="$ROOT/node_modules/.chat4all-lock.sha256"
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [ "$want" != "$have" ] || [ ! -x "$ROOT/node_modules/.bin/node" ]; then
    say "setup: installing npm dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
  local v
  v="$("$ROOT/node_modules/.bin/node" -v)"
  case "$v" in v24.*) ;; *) die "setup: expected Node 24 from node_modules, got $v" ;; esac
}

build_all() {
  say "build: generating gRPC types and compiling (swc)"
  (cd "$ROOT" && npm run --silent build)
}

migrate_all() {
  (cd "$ROOT" && bash tools/db/migrate.sh)
}
