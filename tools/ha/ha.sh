#!/usr/bin/env bash
# A local high-availability topology, as local processes (no Docker), every port in 15000-15999 and
# every byte of data under .stack/ha/ (git-ignored):
#   - Kafka: 3 KRaft nodes (combined broker+controller, 3 voters); topics RF 3, min.insync.replicas 2
#   - PostgreSQL 15: 3 Patroni nodes on one etcd (etcd3 API), synchronous_mode, HAProxy to the primary
#     (Patroni REST GET /primary) and to the replicas (GET /replica)
#   - one Redis, one MinIO (known single points of this local topology)
#   - apps: 3 gateways, 2 of every other app, behind HAProxy (gateway HTTPS passthrough, realtime
#     WSS, the gRPC services and file-service/connectors HTTP, all TCP mode with health checks on
#     each instance's internal /health/ready)
#
#   ha.sh up              start everything (idempotent), wait until every app instance is ready, print them
#   ha.sh down            stop everything (apps, haproxy, patroni then postgres, etcd, kafka, redis, minio)
#   ha.sh status          one line per process
#   ha.sh env             export lines (DATABASE_URL via HAProxy, KAFKA_BROKERS, balancer URLs, ...)
#   ha.sh start <name>    start one process again (kafka-2, pg-1, gateway-3, ...): used by the fault tests
#   ha.sh chaos [scenario] the fault tests (tools/chaos/ha.mjs) against the running topology
#   ha.sh leader          name of the Patroni leader (pg-N)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

HA="$ROOT/.stack/ha"
RUN="$HA/run"; LOGS="$HA/logs"; DATA="$HA/data"
CACHE="${CHAT4ALL_CACHE:-$HOME/.cache/chat4all}"
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
KAFKA_LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
PG_BIN="${HA_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
READY_TIMEOUT_S="${HA_READY_TIMEOUT_S:-300}"

# --- ports (all 127.0.0.1, all in 15000-15999) -------------------------------------------------------
HAP_PG_PRIMARY=15000; HAP_PG_REPLICA=15001; HAP_STATS=15002
HAP_GATEWAY=15010; HAP_REALTIME=15011; HAP_AUTH_GRPC=15012; HAP_MESSAGING_GRPC=15013
HAP_DELIVERY_GRPC=15014; HAP_FILE_GRPC=15015; HAP_FILE_HTTP=15016; HAP_CONNECTORS=15017
ETCD_CLIENT=15020; ETCD_PEER=15021
PG_NODES=(1 2 3)
pg_port() { echo $(( 15030 + $1 )); }        # 15031..15033
patroni_port() { echo $(( 15040 + $1 )); }   # 15041..15043 (REST API)
KAFKA_NODES=(1 2 3)
kafka_port() { echo $(( 15050 + $1 )); }     # 15051..15053
kafka_ctl_port() { echo $(( 15060 + $1 )); } # 15061..15063
REDIS_PORT=15070; MINIO_PORT=15071; MINIO_CONSOLE_PORT=15072
# App instances: name-N; instance k (0-based, in this order) listens on 15200+10k (public HTTP),
# +1 (internal: /health/*, /metrics), +2 (gRPC).
INSTANCES=(auth-1 auth-2 gateway-1 gateway-2 gateway-3 realtime-1 realtime-2 outbox-relay-1 outbox-relay-2
  message-worker-1 message-worker-2 file-service-1 file-service-2 connectors-1 connectors-2)
instance_index() { local i; for i in "${!INSTANCES[@]}"; do [ "${INSTANCES[$i]}" = "$1" ] && { echo "$i"; return; }; done; return 1; }
http_port() { echo $(( 15200 + 10 * $(instance_index "$1") )); }
internal_port() { echo $(( 15201 + 10 * $(instance_index "$1") )); }
grpc_port() { echo $(( 15202 + 10 * $(instance_index "$1") )); }
app_of() { echo "${1%-*}"; }
instances_of() { local n; for n in "${INSTANCES[@]}"; do [ "$(app_of "$n")" = "$1" ] && echo "$n"; done; }

PG_SUPER_PASSWORD=chat4all-ha-super
DATABASE_URL_HA="postgres://chat4all:chat4all@127.0.0.1:$HAP_PG_PRIMARY/chat4all"
KAFKA_BROKERS_HA="127.0.0.1:$(kafka_port 1),127.0.0.1:$(kafka_port 2),127.0.0.1:$(kafka_port 3)"
S3_USER=chat4all; S3_SECRET=chat4all-secret

say() { printf 'ha: %s\n' "$*"; }
die() { printf 'ha: %s\n' "$*" >&2; exit 1; }
pid_file() { echo "$RUN/$1.pid"; }
pid_of() { local f; f="$(pid_file "$1")"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # description, timeout s, command...
  local what="$1" t="$2"; shift 2
  local deadline=$(( SECONDS + t ))
  until "$@" >/dev/null; do [ $SECONDS -lt $deadline ] || die "$what: not ready after $t s"; sleep 0.5; done
}
stop_pid() { # name, grace seconds
  local pid f; f="$(pid_file "$1")"
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $(( $2 * 4 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && { say "$1: did not stop in $2 s, killing"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$f"
}

# --- prerequisites ---------------------------------------------------------------------------------
check_prereqs() {
  local b
  for b in patroni etcd haproxy redis-server java setpriv; do command -v "$b" >/dev/null 2>&1 || die "$b not found (Debian: apt-get install patroni etcd-server haproxy redis-server openjdk-17-jre-headless)"; done
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found (/usr/lib/postgresql/<v>/bin): apt-get install postgresql"
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  if [ ! -f "$KAFKA_LIBS/.complete" ]; then
    command -v mvn >/dev/null 2>&1 || die "Kafka's jars are missing and Maven is not installed (apt-get install -y maven)"
    say "kafka: resolving Apache Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
    rm -rf "$KAFKA_LIBS" && mkdir -p "$KAFKA_LIBS"
    mvn -q -B -Dstyle.color=never -f "$ROOT/tools/stack/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >/dev/null
    touch "$KAFKA_LIBS/.complete"
  fi
  if ! minio_bin >/dev/null; then
    command -v go >/dev/null 2>&1 || die "MinIO is missing and Go is not installed (Go 1.24+)"
    say "minio: go install github.com/minio/minio@latest (first run only)"
    mkdir -p "$CACHE/bin"; GOBIN="$CACHE/bin" go install github.com/minio/minio@latest
  fi
}
minio_bin() {
  local c
  for c in "$CACHE/bin/minio" "$(command -v go >/dev/null 2>&1 && go env GOPATH)/bin/minio" "$(command -v minio 2>/dev/null)"; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return; }
  done
  return 1
}

# --- etcd ------------------------------------------------------------------------------------------
start_etcd() {
  pid_of etcd >/dev/null && return
  mkdir -p "$DATA/etcd"; chmod 700 "$DATA/etcd"
  nohup etcd --name ha-etcd --data-dir "$DATA/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster "ha-etcd=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new \
    --listen-metrics-urls "" --log-level warn --logger zap >> "$LOGS/etcd.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file etcd)"
}
etcd_healthy() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$ETCD_CLIENT/health"; }

# --- PostgreSQL under Patroni ----------------------------------------------------------------------
write_patroni_conf() { # node
  local n="$1" conf="$RUN/patroni-pg-$1.yml"
  cat > "$conf" <<YAML
# Written by tools/ha/ha.sh at every start: edit the script, not this file.
scope: chat4all-ha
name: pg-$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(patroni_port "$n")
  connect_address: 127.0.0.1:$(patroni_port "$n")
etcd3:
  hosts: 127.0.0.1:$ETCD_CLIENT
bootstrap:
  dcs:
    # Failover in well under 30 s: the leader key lives 10 s (ttl >= loop_wait + 2 * retry_timeout).
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # A commit is acknowledged once a synchronous standby has it, and only that standby may be
    # promoted: an acknowledged commit survives the loss of the primary. Not strict: with no standby
    # left, the primary keeps accepting writes (availability over a second copy).
    synchronous_mode: true
    synchronous_mode_strict: false
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        max_connections: 300
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: "on"
        synchronous_commit: "on"
        wal_keep_size: 256MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:$(pg_port "$n")
  connect_address: 127.0.0.1:$(pg_port "$n")
  data_dir: $DATA/pg-$n/data
  bin_dir: $PG_BIN
  pgpass: $DATA/pg-$n/pgpass
  authentication:
    superuser: { username: postgres, password: $PG_SUPER_PASSWORD }
    replication: { username: replicator, password: chat4all-ha-replicator }
    rewind: { username: rewinder, password: chat4all-ha-rewinder }
  parameters:
    unix_socket_directories: $RUN/pg-$n
    shared_buffers: 128MB
    log_min_duration_statement: 1000
tags:
  nofailover: false
  noloadbalance: false
YAML
  chown postgres "$conf"; chmod 600 "$conf"
}
start_patroni() { # node
  local n="$1"
  pid_of "pg-$n" >/dev/null && return
  # A postmaster left by a killed Patroni: Patroni adopts a running one, but a stale one is stopped first.
  # The node's folder belongs to postgres: Patroni writes its pgpass there and may move a data
  # directory it cannot rewind aside (data.failed) before cloning a new one.
  mkdir -p "$DATA/pg-$n" "$RUN/pg-$n"; chown postgres "$DATA/pg-$n" "$RUN/pg-$n"; chmod 700 "$DATA/pg-$n"
  touch "$LOGS/pg-$n.log"; chown postgres "$LOGS/pg-$n.log"
  write_patroni_conf "$n"
  HOME=/var/lib/postgresql nohup setpriv --reuid=postgres --regid=postgres --init-groups \
    patroni "$RUN/patroni-pg-$n.yml" >> "$LOGS/pg-$n.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file "pg-$n")"
}
postmaster_pid() { local f="$DATA/pg-$1/data/postmaster.pid"; [ -f "$f" ] && head -n 1 "$f"; }
stop_patroni() { # node: Patroni stops its PostgreSQL on SIGTERM; a postmaster left alone is stopped after
  local n="$1" pm
  stop_pid "pg-$n" 40
  pm="$(postmaster_pid "$n" || true)"
  if [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null; then
    setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/pg_ctl" -D "$DATA/pg-$n/data" -m fast -w -t 30 stop >/dev/null 2>&1 || kill -KILL "$pm" 2>/dev/null || true
  fi
}
patroni_role() { curl -s --max-time 2 "http://127.0.0.1:$(patroni_port "$1")/patroni" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log(`${j.role}/${j.state}`)}catch{console.log("-")}})'; }
leader() { local n; for n in "${PG_NODES[@]}"; do curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$(patroni_port "$n")/primary" && { echo "pg-$n"; return; }; done; return 1; }
primary_via_haproxy() { PGPASSWORD=$PG_SUPER_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$HAP_PG_PRIMARY" -U postgres -d postgres -tAqc 'SELECT NOT pg_is_in_recovery()' 2>/dev/null | grep -q t; }
ensure_database() {
  PGPASSWORD=$PG_SUPER_PASSWORD "$PG_BIN/psql" -q -h 127.0.0.1 -p "$HAP_PG_PRIMARY" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE chat4all LOGIN CREATEDB PASSWORD ''chat4all'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chat4all') \gexec
SELECT 'CREATE DATABASE chat4all OWNER chat4all'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'chat4all') \gexec
SQL
}

# --- Kafka (3 KRaft nodes) -------------------------------------------------------------------------
KAFKA_JAVA_OPTS=(-Xms192m -Xmx512m -XX:+UseG1GC -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$ROOT/tools/stack/kafka/log4j.properties")
kafka_java() { java "${KAFKA_JAVA_OPTS[@]}" -cp "$KAFKA_LIBS/*" "$@"; }
write_kafka_conf() { # node
  local n="$1"
  cat > "$RUN/kafka-$n.properties" <<CONF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=1@127.0.0.1:$(kafka_ctl_port 1),2@127.0.0.1:$(kafka_ctl_port 2),3@127.0.0.1:$(kafka_ctl_port 3)
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$n"),CONTROLLER://127.0.0.1:$(kafka_ctl_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA/kafka-$n
num.partitions=3
default.replication.factor=3
auto.create.topics.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
min.insync.replicas=2
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
controlled.shutdown.enable=true
num.network.threads=2
num.io.threads=2
CONF
}
start_kafka() { # node
  local n="$1"
  pid_of "kafka-$n" >/dev/null && return
  mkdir -p "$DATA/kafka-$n"
  write_kafka_conf "$n"
  if [ ! -f "$DATA/kafka-$n/meta.properties" ]; then
    [ -f "$HA/kafka-cluster-id" ] || kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 > "$HA/kafka-cluster-id"
    kafka_java kafka.tools.StorageTool format -t "$(cat "$HA/kafka-cluster-id")" -c "$RUN/kafka-$n.properties" >> "$LOGS/kafka-$n.log" 2>&1
  fi
  nohup java "${KAFKA_JAVA_OPTS[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$RUN/kafka-$n.properties" >> "$LOGS/kafka-$n.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file "kafka-$n")"
}
kafka_all_open() { local n; for n in "${KAFKA_NODES[@]}"; do port_open "$(kafka_port "$n")" || return 1; done; }

# --- Redis, MinIO ----------------------------------------------------------------------------------
start_redis() {
  pid_of redis >/dev/null && return
  mkdir -p "$DATA/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$DATA/redis" --pidfile "$(pid_file redis)" \
    --logfile "$LOGS/redis.log" --appendonly yes --appendfsync everysec --save '' --protected-mode yes >/dev/null
}
redis_healthy() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
start_minio() {
  pid_of minio >/dev/null && return
  mkdir -p "$DATA/minio"
  MINIO_ROOT_USER="$S3_USER" MINIO_ROOT_PASSWORD="$S3_SECRET" MINIO_BROWSER=off nohup "$(minio_bin)" server "$DATA/minio" \
    --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" --quiet >> "$LOGS/minio.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file minio)"
}
minio_healthy() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$MINIO_PORT/minio/health/ready"; }

# --- HAProxy ---------------------------------------------------------------------------------------
hap_app_backend() { # name, app, port kind (http|grpc), frontend port
  local name="$1" app="$2" kind="$3" front="$4" inst port
  printf '\nlisten %s\n  bind 127.0.0.1:%s\n  mode tcp\n  option httpchk GET /health/ready\n  http-check expect status 200\n' "$name" "$front"
  # A dead instance refuses connections (retried elsewhere at once, redispatch) and fails its checks
  # within ~1.5 s; a slow one (a busy machine) keeps its open requests and sockets: no shutdown-sessions.
  printf '  default-server inter 1s fastinter 500ms downinter 1s fall 3 rise 2\n'
  for inst in $(instances_of "$app"); do
    if [ "$kind" = grpc ]; then port="$(grpc_port "$inst")"; else port="$(http_port "$inst")"; fi
    printf '  server %s 127.0.0.1:%s check port %s\n' "$inst" "$port" "$(internal_port "$inst")"
  done
}
write_haproxy_conf() {
  local n
  {
    cat <<CONF
# Written by tools/ha/ha.sh at every start: edit the script, not this file.
global
  maxconn 4000
  log stdout format raw local0 notice
defaults
  mode tcp
  log global
  option dontlognull
  # A connection refused by a dead instance is retried on another one before the client sees it.
  retries 3
  option redispatch
  timeout connect 1s
  timeout check 3s
  # Long-lived connections: WebSockets, gRPC (HTTP/2) and the apps' PostgreSQL pools.
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
  option clitcpka
  option srvtcpka

listen stats
  bind 127.0.0.1:$HAP_STATS
  mode http
  stats enable
  stats uri /
  stats refresh 2s

# PostgreSQL: the primary (Patroni's GET /primary answers 200 only on the leader) ...
listen pg-primary
  bind 127.0.0.1:$HAP_PG_PRIMARY
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1 on-marked-down shutdown-sessions
CONF
    for n in "${PG_NODES[@]}"; do printf '  server pg-%s 127.0.0.1:%s check port %s\n' "$n" "$(pg_port "$n")" "$(patroni_port "$n")"; done
    cat <<CONF

# ... and the replicas (GET /replica), for reads that tolerate lag.
listen pg-replicas
  bind 127.0.0.1:$HAP_PG_REPLICA
  balance roundrobin
  option httpchk GET /replica
  http-check expect status 200
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1 on-marked-down shutdown-sessions
CONF
    for n in "${PG_NODES[@]}"; do printf '  server pg-%s 127.0.0.1:%s check port %s\n' "$n" "$(pg_port "$n")" "$(patroni_port "$n")"; done
    hap_app_backend gateway gateway http "$HAP_GATEWAY"
    printf '  balance roundrobin\n'
    hap_app_backend realtime realtime http "$HAP_REALTIME"
    printf '  balance leastconn\n'
    hap_app_backend auth-grpc auth grpc "$HAP_AUTH_GRPC"
    hap_app_backend messaging-grpc gateway grpc "$HAP_MESSAGING_GRPC"
    hap_app_backend delivery-grpc message-worker grpc "$HAP_DELIVERY_GRPC"
    hap_app_backend file-grpc file-service grpc "$HAP_FILE_GRPC"
    hap_app_backend file-http file-service http "$HAP_FILE_HTTP"
    hap_app_backend connectors connectors http "$HAP_CONNECTORS"
  } > "$RUN/haproxy.cfg"
}
start_haproxy() {
  pid_of haproxy >/dev/null && return
  write_haproxy_conf
  haproxy -c -q -f "$RUN/haproxy.cfg" || die "haproxy: invalid configuration ($RUN/haproxy.cfg)"
  nohup haproxy -W -f "$RUN/haproxy.cfg" >> "$LOGS/haproxy.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file haproxy)"
}

# --- apps ------------------------------------------------------------------------------------------
TLS_DIR="$ROOT/.stack/tls"
common_app_env() {
  echo DATABASE_URL="$DATABASE_URL_HA" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" KAFKA_BROKERS="$KAFKA_BROKERS_HA" \
    KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2 \
    S3_ENDPOINT="http://127.0.0.1:$MINIO_PORT" S3_ACCESS_KEY_ID="$S3_USER" S3_SECRET_ACCESS_KEY="$S3_SECRET" S3_BUCKET=chat4all S3_REGION=us-east-1 \
    AUTH_GRPC_URL="127.0.0.1:$HAP_AUTH_GRPC" MESSAGING_GRPC_URL="127.0.0.1:$HAP_MESSAGING_GRPC" \
    DELIVERY_GRPC_URL="127.0.0.1:$HAP_DELIVERY_GRPC" FILE_GRPC_URL="127.0.0.1:$HAP_FILE_GRPC" FILE_SERVICE_URL="http://127.0.0.1:$HAP_FILE_HTTP"
}
start_app() { # instance name
  local inst="$1" app; app="$(app_of "$inst")"
  pid_of "$inst" >/dev/null && return
  local -a env=($(common_app_env) HTTP_PORT="$(http_port "$inst")" INTERNAL_HTTP_PORT="$(internal_port "$inst")" GRPC_PORT="$(grpc_port "$inst")")
  case "$app" in
    gateway|realtime) env+=(TLS_CERT_FILE="$TLS_DIR/cert.pem" TLS_KEY_FILE="$TLS_DIR/key.pem") ;;
  esac
  # Behind the balancer every client is 127.0.0.1: per-IP and per-client limits sized for the fault tests' load.
  [ "$app" = gateway ] && env+=(RATE_LIMIT_WRITE_PER_MINUTE="${HA_RATE_LIMIT_WRITE_PER_MINUTE:-1000000}" RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE="${HA_RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE:-100000}")
  [ -f "$HA/inbound-member-ids" ] && env+=(INBOUND_MEMBER_IDS="$(cat "$HA/inbound-member-ids")")
  env+=(CONNECTORS_SIMULATE="${CONNECTORS_SIMULATE:-true}" LOG_LEVEL="${HA_LOG_LEVEL:-info}")
  env "${env[@]}" nohup node --enable-source-maps "$ROOT/dist/apps/$app/src/main.js" >> "$LOGS/$inst.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file "$inst")"
}
app_ready() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$(internal_port "$1")/health/ready"; }

admin() { DATABASE_URL="$DATABASE_URL_HA" node "$ROOT/dist/apps/auth/src/cli/admin.js" "$@" 2> >(grep -v '^admin: database ' >&2); }
ensure_demo_client() {
  local demo="$HA/demo-client.json"
  if [ ! -f "$demo" ] || ! grep -q "$(node -p "require('$demo').client_id")" <<<"$(admin list-clients)"; then
    grep -q '"name": "demo"' <<<"$(admin list-users)" || admin create-user demo >/dev/null
    admin create-client demo --scopes read,write,admin > "$demo"
  fi
  admin list-users | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).find(u=>u.name==="demo").user_id))' > "$HA/inbound-member-ids"
}

# --- commands --------------------------------------------------------------------------------------
cmd_up() {
  local started=$SECONDS n inst
  check_prereqs
  ensure_node_deps
  if [ ! -f "$ROOT/dist/apps/gateway/src/main.js" ] || [ "${HA_BUILD:-auto}" = always ]; then build_all; fi
  source "$ROOT/tools/dev/tls.sh"; ensure_local_tls
  mkdir -p "$RUN" "$LOGS" "$DATA"
  chmod 755 "$HA" "$RUN" "$LOGS"
  start_etcd; start_redis; start_minio
  for n in "${KAFKA_NODES[@]}"; do start_kafka "$n"; done
  wait_for etcd 30 etcd_healthy; say "etcd: up at 127.0.0.1:$ETCD_CLIENT"
  for n in "${PG_NODES[@]}"; do start_patroni "$n"; done
  start_haproxy
  wait_for redis 30 redis_healthy; wait_for minio 60 minio_healthy
  wait_for "patroni leader" 120 leader; say "postgres: leader $(leader)"
  wait_for "postgres primary through haproxy" 60 primary_via_haproxy
  ensure_database
  wait_for "kafka (3 nodes)" 120 kafka_all_open; say "kafka: 3 nodes listening"
  say "migrations (through haproxy)"
  env $(common_app_env) bash "$ROOT/tools/db/migrate.sh" >/dev/null
  ensure_demo_client
  # auth first (every other app verifies tokens with its keys), then the rest.
  for inst in "${INSTANCES[@]}"; do start_app "$inst"; done
  local deadline=$(( SECONDS + READY_TIMEOUT_S )) pending
  while :; do
    pending=()
    for inst in "${INSTANCES[@]}"; do app_ready "$inst" || pending+=("$inst"); done
    [ ${#pending[@]} -eq 0 ] && break
    for inst in "${pending[@]}"; do pid_of "$inst" >/dev/null || { tail -n 20 "$LOGS/$inst.log" >&2; die "$inst exited (log: .stack/ha/logs/$inst.log)"; }; done
    if [ $SECONDS -ge $deadline ]; then
      for inst in "${pending[@]}"; do say "$inst /health/ready: $(curl -s --max-time 2 "http://127.0.0.1:$(internal_port "$inst")/health/ready" || echo 'no answer')" >&2; done
      die "not ready after $READY_TIMEOUT_S s: ${pending[*]}"
    fi
    sleep 1
  done
  say "up in $(( SECONDS - started )) s"
  cmd_status
  say ""
  say "gateway:  https://127.0.0.1:$HAP_GATEWAY  realtime: wss://127.0.0.1:$HAP_REALTIME/ws  (--cacert .stack/tls/cert.pem)"
  say "database: $DATABASE_URL_HA (primary)  replicas: 127.0.0.1:$HAP_PG_REPLICA   haproxy stats: http://127.0.0.1:$HAP_STATS/"
  say "demo client: .stack/ha/demo-client.json   env: eval \"\$(npm run -s ha -- env)\""
}

cmd_down() {
  local inst n
  for inst in "${INSTANCES[@]}"; do stop_pid "$inst" 15 & done; wait
  stop_pid haproxy 10
  # Replicas first, the leader last: no needless failover while stopping.
  local lead; lead="$(leader 2>/dev/null || true)"
  for n in "${PG_NODES[@]}"; do [ "pg-$n" = "$lead" ] || stop_patroni "$n"; done
  [ -n "$lead" ] && stop_patroni "${lead#pg-}"
  for n in "${PG_NODES[@]}"; do stop_patroni "$n"; done
  stop_pid etcd 10
  for n in "${KAFKA_NODES[@]}"; do stop_pid "kafka-$n" 40 & done; wait
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; rm -f "$(pid_file redis)"
  stop_pid minio 10
  say "down"
}

line() { printf '  %-17s %-18s %-8s %s\n' "$@"; }
cmd_status() {
  local n inst pid state
  line process state pid address
  pid="$(pid_of etcd || echo -)"; state=stopped; [ "$pid" != - ] && { etcd_healthy && state=running || state=starting; }
  line etcd "$state" "$pid" "127.0.0.1:$ETCD_CLIENT"
  for n in "${PG_NODES[@]}"; do
    pid="$(pid_of "pg-$n" || echo -)"; state=stopped; [ "$pid" != - ] && state="$(patroni_role "$n")"
    line "pg-$n (patroni)" "$state" "$pid" "pg 127.0.0.1:$(pg_port "$n")  rest :$(patroni_port "$n")  postmaster $(postmaster_pid "$n" 2>/dev/null || echo -)"
  done
  for n in "${KAFKA_NODES[@]}"; do
    pid="$(pid_of "kafka-$n" || echo -)"; state=stopped; [ "$pid" != - ] && { port_open "$(kafka_port "$n")" && state=running || state=starting; }
    line "kafka-$n" "$state" "$pid" "127.0.0.1:$(kafka_port "$n") (controller :$(kafka_ctl_port "$n"))"
  done
  pid="$(pid_of redis || echo -)"; state=stopped; [ "$pid" != - ] && { redis_healthy && state=running || state=starting; }
  line redis "$state" "$pid" "127.0.0.1:$REDIS_PORT"
  pid="$(pid_of minio || echo -)"; state=stopped; [ "$pid" != - ] && { minio_healthy && state=running || state=starting; }
  line minio "$state" "$pid" "127.0.0.1:$MINIO_PORT"
  pid="$(pid_of haproxy || echo -)"; state=stopped; [ "$pid" != - ] && state=running
  line haproxy "$state" "$pid" "pg $HAP_PG_PRIMARY/$HAP_PG_REPLICA gw $HAP_GATEWAY rt $HAP_REALTIME grpc $HAP_AUTH_GRPC-$HAP_FILE_GRPC stats $HAP_STATS"
  for inst in "${INSTANCES[@]}"; do
    pid="$(pid_of "$inst" || echo -)"; state=stopped
    if [ "$pid" != - ]; then
      state="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(internal_port "$inst")/health/ready" || true)"
      state="ready=${state:-000}"
    fi
    line "$inst" "$state" "$pid" "http :$(http_port "$inst")  internal :$(internal_port "$inst")  grpc :$(grpc_port "$inst")"
  done
}

cmd_env() {
  echo "export DATABASE_URL='$DATABASE_URL_HA'"
  echo "export DATABASE_REPLICA_URL='postgres://chat4all:chat4all@127.0.0.1:$HAP_PG_REPLICA/chat4all'"
  echo "export REDIS_URL='redis://127.0.0.1:$REDIS_PORT'"
  echo "export KAFKA_BROKERS='$KAFKA_BROKERS_HA'"
  echo "export S3_ENDPOINT='http://127.0.0.1:$MINIO_PORT'"
  echo "export S3_ACCESS_KEY_ID='$S3_USER'"
  echo "export S3_SECRET_ACCESS_KEY='$S3_SECRET'"
  echo "export S3_BUCKET='chat4all'"
  echo "export S3_REGION='us-east-1'"
  echo "export GATEWAY_URL='https://127.0.0.1:$HAP_GATEWAY'"
  echo "export REALTIME_URL='wss://127.0.0.1:$HAP_REALTIME/ws'"
  echo "export NODE_EXTRA_CA_CERTS='$TLS_DIR/cert.pem'"
}

# What tools/chaos/ha.mjs reads: where every process is and how to reach it.
cmd_layout() {
  local n inst
  node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1])))' "$(
    printf '{"root":"%s","ha":"%s","pgBin":"%s","pgSuperPassword":"%s","balancers":{"gateway":"https://127.0.0.1:%s","realtime":"wss://127.0.0.1:%s/ws","pgPrimary":%s},' \
      "$ROOT" "$HA" "$PG_BIN" "$PG_SUPER_PASSWORD" "$HAP_GATEWAY" "$HAP_REALTIME" "$HAP_PG_PRIMARY"
    printf '"pg":['; sep=""; for n in "${PG_NODES[@]}"; do printf '%s{"name":"pg-%s","port":%s,"rest":%s,"data":"%s"}' "$sep" "$n" "$(pg_port "$n")" "$(patroni_port "$n")" "$DATA/pg-$n/data"; sep=","; done; printf '],'
    printf '"kafka":['; sep=""; for n in "${KAFKA_NODES[@]}"; do printf '%s{"name":"kafka-%s","port":%s}' "$sep" "$n" "$(kafka_port "$n")"; sep=","; done; printf '],'
    printf '"apps":['; sep=""; for inst in "${INSTANCES[@]}"; do printf '%s{"name":"%s","app":"%s","http":%s,"internal":%s,"grpc":%s}' "$sep" "$inst" "$(app_of "$inst")" "$(http_port "$inst")" "$(internal_port "$inst")" "$(grpc_port "$inst")"; sep=","; done; printf ']}'
  )"
}

cmd_start() {
  [ $# -eq 1 ] || die "usage: ha.sh start <kafka-N|pg-N|app-N|haproxy|etcd|redis|minio>"
  case "$1" in
    kafka-[1-3]) start_kafka "${1#kafka-}" ;;
    pg-[1-3]) start_patroni "${1#pg-}" ;;
    haproxy) start_haproxy ;; etcd) start_etcd ;; redis) start_redis ;; minio) start_minio ;;
    *) instance_index "$1" >/dev/null || die "unknown process '$1'"; start_app "$1" ;;
  esac
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  layout) cmd_layout ;;
  leader) leader ;;
  start) cmd_start "$@" ;;
  chaos)
    eval "$(cmd_env)"
    exec node "$ROOT/tools/chaos/ha.mjs" "$@" ;;
  *) die "usage: ha.sh up | down | status | env | start <name> | leader | chaos [scenario]" ;;
esac
