#!/usr/bin/env bash
# One command from a fresh clone to a running platform: npm dependencies (Node 24 included), the
# local stack (PostgreSQL, Redis, Kafka, MinIO), a build, migrations, then the seven apps and the web chat.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
# The platform's stack instance: dev unless STACK_INSTANCE (with STACK_PORT_OFFSET) names another,
# whose apps then get ports of their own (tools/dev/apps.sh). The test suite's belongs to npm test.
export STACK_INSTANCE="${STACK_INSTANCE:-dev}"
[ "$STACK_INSTANCE" != test ] || die "start: the test instance belongs to npm test; start the platform on dev (the default) or another instance"
source "$ROOT/tools/dev/apps.sh"
source "$ROOT/tools/dev/tls.sh"
started=$(date +%s)

ensure_node_deps
bash "$ROOT/tools/stack/stack.sh" up
eval "$(bash "$ROOT/tools/stack/stack.sh" env)"
build_all
migrate_all
ensure_local_tls

# A demo API client: its secret exists only at creation, so it is kept in the instance's .stack/
# folder (git-ignored) and recreated when the database was reset.
demo="$DEMO_CLIENT"
admin() { node "$ROOT/dist/apps/auth/src/cli/admin.js" "$@" 2> >(grep -v '^admin: database ' >&2); }
# (Lists are read whole before searching: `admin … | grep -q` would close the pipe at the first match,
# and the admin CLI, still writing, would die of EPIPE and fail the test under pipefail.)
if [ ! -f "$demo" ] || ! grep -q "$(node -p "require('$demo').client_id")" <<<"$(admin list-clients)"; then
  grep -q '"name": "demo"' <<<"$(admin list-users)" || admin create-user demo >/dev/null
  admin create-client demo --scopes read,write,admin > "$demo"
fi
# New external contacts' conversations go to the demo user (gateway INBOUND_MEMBER_IDS), and the four
# messaging platforms are simulated inside connectors (spec clarification 3), unless set otherwise.
demo_user_id="$(admin list-users | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).find(u=>u.name==="demo").user_id))')"
export INBOUND_MEMBER_IDS="${INBOUND_MEMBER_IDS:-$demo_user_id}"
export CONNECTORS_SIMULATE="${CONNECTORS_SIMULATE:-true}"

say "admin: demo user and client in database ${DATABASE_URL#*@}"
mkdir -p "$APP_RUN" "$APP_LOGS"
for app in "${APPS[@]}"; do
  if pid=$(app_pid "$app"); then
    say "apps: $app already running (pid $pid)"
    continue
  fi
  app_env=(INTERNAL_HTTP_PORT="${INTERNAL_PORTS[$app]}")
  has_public_port "$app" && app_env+=(HTTP_PORT="${HTTP_PORTS[$app]}")
  [ -n "${GRPC_PORTS[$app]:-}" ] && app_env+=(GRPC_PORT="${GRPC_PORTS[$app]}")
  uses_tls "$app" && app_env+=(TLS_CERT_FILE="$TLS_DIR/cert.pem" TLS_KEY_FILE="$TLS_DIR/key.pem")
  # Each app finds the others on this instance's ports (an app ignores the addresses it does not use).
  env "${app_env[@]}" AUTH_GRPC_URL="127.0.0.1:${GRPC_PORTS[auth]}" MESSAGING_GRPC_URL="127.0.0.1:${GRPC_PORTS[gateway]}" \
    DELIVERY_GRPC_URL="127.0.0.1:${GRPC_PORTS[message-worker]}" FILE_GRPC_URL="127.0.0.1:${GRPC_PORTS[file-service]}" \
    FILE_SERVICE_URL="http://127.0.0.1:${HTTP_PORTS[file-service]}" nohup node --enable-source-maps "$ROOT/dist/apps/$app/src/main.js" \
    >> "$APP_LOGS/$app.log" 2>&1 &
  echo $! > "$APP_RUN/$app.pid"
  # Prometheus finds each instance by its file (file-based discovery: more instances, more files).
  if [ -n "${PROMETHEUS_TARGETS_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_TARGETS_DIR"
    printf '[{"targets":["127.0.0.1:%s"],"labels":{"service":"%s"}}]\n' "${INTERNAL_PORTS[$app]}" "$app" > "$PROMETHEUS_TARGETS_DIR/$app.json"
  fi
done

# Apps wait for dependencies that are still settling (a new Kafka electing its group coordinators...)
# and answer /health/ready (internal port) 503 naming what they wait for meanwhile; an app that exits
# has hit a permanent error, named in its last log line.
deadline=$(( $(date +%s) + ${START_READY_TIMEOUT_S:-180} ))
for app in "${APPS[@]}"; do
  url="$(internal_url "$app")/health/ready"
  until curl -sf -o /dev/null "$url"; do
    if ! app_pid "$app" >/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
      tail -n 30 "$APP_LOGS/$app.log" >&2
      waiting="$(curl -s "$url" 2>/dev/null || true)"
      [ -n "$waiting" ] && say "apps: $app /health/ready: $waiting" >&2
      die "apps: $app did not become ready (log: ${APP_LOGS#"$ROOT/"}/$app.log)"
    fi
    sleep 0.5
  done
done

# The web chat, once what it proxies to answers: the browser's one origin (REST, OAuth and the WebSocket).
if pid=$(app_pid "$WEB_CHAT"); then
  say "apps: $WEB_CHAT already running (pid $pid)"
else
  WEB_CHAT_PORT="$WEB_CHAT_PORT" TLS_CERT_FILE="$TLS_DIR/cert.pem" TLS_KEY_FILE="$TLS_DIR/key.pem" TLS_CA_FILE="$TLS_DIR/cert.pem" \
    GATEWAY_URL="$(app_url gateway)" REALTIME_URL="$(app_url realtime)" nohup node --enable-source-maps "$ROOT/dist/apps/$WEB_CHAT/src/main.js" \
    >> "$APP_LOGS/$WEB_CHAT.log" 2>&1 &
  echo $! > "$APP_RUN/$WEB_CHAT.pid"
fi
until curl -sf -o /dev/null --cacert "$TLS_DIR/cert.pem" "$(web_chat_url)/health/ready"; do
  if ! app_pid "$WEB_CHAT" >/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
    tail -n 30 "$APP_LOGS/$WEB_CHAT.log" >&2
    die "apps: $WEB_CHAT did not become ready (log: ${APP_LOGS#"$ROOT/"}/$WEB_CHAT.log)"
  fi
  sleep 0.5
done

demo_id="$(node -p "require('$demo').client_id")"
demo_secret="$(node -p "require('$demo').client_secret")"

on_instance=""
[ "$STACK_INSTANCE" = dev ] || on_instance="STACK_INSTANCE=$STACK_INSTANCE STACK_PORT_OFFSET=$PORT_OFFSET "
say ""
say "Chat4All is running ($(( $(date +%s) - started )) s)${on_instance:+ on stack instance $STACK_INSTANCE}:"
for app in "${APPS[@]}"; do
  public="(no public port)"
  has_public_port "$app" && public="$(app_url "$app")"
  grpc=""
  [ -n "${GRPC_PORTS[$app]:-}" ] && grpc="  grpc 127.0.0.1:${GRPC_PORTS[$app]}"
  printf '  %-15s %-24s  internal %s (/health/ready, /metrics)%s\n' "$app" "$public" "$(internal_url "$app")" "$grpc"
done
printf '  %-15s %-24s  (/health/ready on the same port)\n' "$WEB_CHAT" "$(web_chat_url)"
say ""
say "  web chat:       $(web_chat_url)   (sign in with the demo client below; the certificate is self-signed)"
say "  API reference:  $(app_url gateway)/docs   (OpenAPI 3.1: $(app_url gateway)/openapi.json; AsyncAPI: docs/asyncapi.json)"
say "  demo client:    $demo_id  secret: $demo_secret  (also in ${demo#"$ROOT/"})"
say "  get a token:    curl -s --cacert .stack/tls/cert.pem -u '$demo_id:$demo_secret' -d grant_type=client_credentials $(app_url gateway)/auth/token"
say "  logs:           ${APP_LOGS#"$ROOT/"}/<app>.log   stack: ${on_instance}npm run stack -- status"
if [ -n "${PROMETHEUS_URL:-}" ]; then
  say ""
  say "  metrics:        $PROMETHEUS_URL   (Prometheus; alerts: $PROMETHEUS_URL/alerts)"
  say "  alerts:         $ALERTMANAGER_URL   (Alertmanager)"
  say "  traces:         $ZIPKIN_URL/zipkin/   (Zipkin; a response's X-Trace-Id: $ZIPKIN_URL/zipkin/traces/<trace id>)"
  say "  logs search:    $VICTORIALOGS_URL/select/vmui/   (VictoriaLogs; e.g. trace_id:<trace id>, service:gateway level:error)"
  say "  dashboards:     observability/grafana/dashboards/*.json   (import into your Grafana; npm run dashboards:render draws the pipeline one)"
else
  say "  observability:  off (CHAT4ALL_OBSERVABILITY=off)"
fi
say "  stop:           ${on_instance}npm stop   (apps only; 'npm stop -- --all' also stops the stacks)"
