#!/usr/bin/env bash
# The seven apps and their default ports (HTTP, gRPC); the apps' config schemas hold the same defaults.
APPS=(auth gateway realtime outbox-relay message-worker file-service connectors)
declare -A HTTP_PORTS=([gateway]=8080 [realtime]=8081 [auth]=8082 [file-service]=8083 [connectors]=8084 [outbox-relay]=8085 [message-worker]=8086)
# Apps that serve gRPC today (file-service:50053 comes with its service).
declare -A GRPC_PORTS=([auth]=50051 [gateway]=50052 [message-worker]=50054)
# Public entry points serve HTTPS/WSS locally with the self-signed certificate (NFR-018).
TLS_APPS=(gateway realtime)
APP_RUN="$ROOT/.stack/run/apps"
APP_LOGS="$ROOT/.stack/logs/apps"

app_pid() {
  local f="$APP_RUN/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"
}

uses_tls() { [[ " ${TLS_APPS[*]} " == *" $1 "* ]]; }
app_url() { if uses_tls "$1"; then echo "https://127.0.0.1:${HTTP_PORTS[$1]}"; else echo "http://127.0.0.1:${HTTP_PORTS[$1]}"; fi; }
