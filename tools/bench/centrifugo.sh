#!/usr/bin/env bash
# Installs Centrifugo for the realtime benchmark's side-by-side phase and prints the binary's path:
#   tools/bench/centrifugo.sh
# Built once with `go install` from the Go module proxy into a cache keyed by the version (as
# tools/k8s/validate.sh builds kubeconform, with the version stamped in as Centrifugo's release build
# does); later runs find the binary and fetch nothing.
set -euo pipefail

# --- pin (the one place) ----------------------------------------------------------------------
CENTRIFUGO_VERSION=v6.9.1
# ----------------------------------------------------------------------------------------------

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/chat4all/centrifugo"
BIN="$CACHE/bin/centrifugo-$CENTRIFUGO_VERSION"
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "centrifugo: go is required to build it (go install from the Go module proxy)" >&2; exit 1; }
  echo "centrifugo: go install github.com/centrifugal/centrifugo/v6@$CENTRIFUGO_VERSION (a few minutes, once)" >&2
  scratch="$(mktemp -d)"
  trap 'chmod -R u+w "$scratch" 2>/dev/null || true; rm -rf "$scratch"' EXIT
  # Module and build caches of our own, removed at the end; GOTOOLCHAIN=local: never fetch another Go.
  mkdir -p "$CACHE/bin"
  GOBIN="$scratch/bin" GOMODCACHE="$scratch/gomod" GOCACHE="$scratch/gocache" GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local \
    nice -n 10 go install -p 1 -ldflags "-X github.com/centrifugal/centrifugo/v6/internal/build.Version=${CENTRIFUGO_VERSION#v}" \
    "github.com/centrifugal/centrifugo/v6@$CENTRIFUGO_VERSION" >&2
  mv "$scratch/bin/centrifugo" "$BIN"
fi
echo "$BIN"
