#!/usr/bin/env bash
# The seven apps and their ports on one stack instance (STACK_INSTANCE, default dev: the platform).
# dev gets the defaults of the apps' config schemas; another instance shifts every port by
# 100 × STACK_PORT_OFFSET, like its stack's ports (tools/stack/stack.sh), so platforms of two
# instances run side by side. Instance names, directories and offsets follow stack.sh.
APPS=(auth gateway realtime outbox-relay message-worker file-service connectors)
INSTANCE="${STACK_INSTANCE:-dev}"
case "$INSTANCE" in
  dev) INSTANCE_DIR="$ROOT/.stack"; PORT_OFFSET="${STACK_PORT_OFFSET:-0}" ;;
  test) INSTANCE_DIR="$ROOT/.stack/test"; PORT_OFFSET="${STACK_PORT_OFFSET:-1}" ;;
  *) INSTANCE_DIR="$ROOT/.stack/$INSTANCE"; PORT_OFFSET="${STACK_PORT_OFFSET:-}" ;;
esac
[[ "$PORT_OFFSET" =~ ^[0-9]$ ]] || die "apps: instance '$INSTANCE' needs STACK_PORT_OFFSET (0..9), got '$PORT_OFFSET'"
shift_by=$(( 100 * PORT_OFFSET ))
# The API listener (HTTP_PORT): the apps with an HTTP API. file-service's is reached through the
# gateway (which streams /v1/files/* to it), not by clients directly.
declare -A HTTP_PORTS=([gateway]=$(( 8080 + shift_by )) [realtime]=$(( 8081 + shift_by )) [file-service]=$(( 8083 + shift_by )) [connectors]=$(( 8084 + shift_by )))
# The internal listener (INTERNAL_HTTP_PORT: /health/live, /health/ready, /metrics): every app.
declare -A INTERNAL_PORTS=(
  [gateway]=$(( 9080 + shift_by )) [realtime]=$(( 9081 + shift_by )) [auth]=$(( 9082 + shift_by )) [file-service]=$(( 9083 + shift_by ))
  [connectors]=$(( 9084 + shift_by )) [outbox-relay]=$(( 9085 + shift_by )) [message-worker]=$(( 9086 + shift_by ))
)
# Apps that serve gRPC.
declare -A GRPC_PORTS=([auth]=$(( 50051 + shift_by )) [gateway]=$(( 50052 + shift_by )) [file-service]=$(( 50053 + shift_by )) [message-worker]=$(( 50054 + shift_by )))
# The web chat (apps/web-chat): a page and a same-origin proxy to gateway and realtime. Not one of
# APPS: it has one listener (its /health/* included), no internal port and no gRPC, and it starts
# once gateway and realtime are ready.
WEB_CHAT=web-chat
WEB_CHAT_PORT=$(( 8088 + shift_by ))
web_chat_url() { echo "https://127.0.0.1:$WEB_CHAT_PORT"; }
# Public entry points serve HTTPS/WSS locally with the self-signed certificate (NFR-018).
TLS_APPS=(gateway realtime)
APP_RUN="$INSTANCE_DIR/run/apps"
APP_LOGS="$INSTANCE_DIR/logs/apps"
DEMO_CLIENT="$INSTANCE_DIR/demo-client.json"

app_pid() {
  local f="$APP_RUN/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"
}

uses_tls() { [[ " ${TLS_APPS[*]} " == *" $1 "* ]]; }
has_public_port() { [ -n "${HTTP_PORTS[$1]:-}" ]; }
app_url() { if uses_tls "$1"; then echo "https://127.0.0.1:${HTTP_PORTS[$1]}"; else echo "http://127.0.0.1:${HTTP_PORTS[$1]}"; fi; }
internal_url() { echo "http://127.0.0.1:${INTERNAL_PORTS[$1]}"; }
