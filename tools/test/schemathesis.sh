#!/usr/bin/env bash
# schemathesis (PyPI), pinned, in a virtualenv of its own under the user's cache: the OpenAPI fuzz
# test (tests/system/openapi-fuzz.int-spec.ts) runs it against a live gateway. Arguments go to `st`.
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
venv="${XDG_CACHE_HOME:-$HOME/.cache}/chat4all/schemathesis-$SCHEMATHESIS_VERSION"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  command -v python3 >/dev/null || { echo "schemathesis: python3 is required (apt-get install python3 python3-venv)" >&2; exit 1; }
  rm -rf "$venv"
  # Debian splits venv out of python3; the package comes from apt like the rest of the stack.
  python3 -m venv "$venv" 2>/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2 && rm -rf "$venv" && python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
exec "$venv/bin/st" "$@"
