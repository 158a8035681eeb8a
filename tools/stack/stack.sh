#!/usr/bin/env bash
# The local stack without Docker: PostgreSQL and Redis from Debian packages, Apache Kafka (KRaft,
# combined broker+controller) from its jars on Maven Central, MinIO built with `go install`; and the
# observability services: Prometheus and Alertmanager (Debian packages), Zipkin (its exec jar on Maven
# Central) and VictoriaLogs (`go install`). Each runs as a local process on loopback, on non-default
# ports, with its data under .stack/ (git-ignored). CHAT4ALL_OBSERVABILITY=off leaves the last four out.
#
#   stack.sh up [svc...]     install what is missing, start, wait until healthy (idempotent)
#   stack.sh down [svc...]   stop gracefully (idempotent)
#   stack.sh status          one line per service
#   stack.sh logs <svc> [-f] tail a service's log
#   stack.sh reset <svc>|all stop and delete a service's data (binaries and caches stay)
#   stack.sh env             export lines for DATABASE_URL, REDIS_URL, KAFKA_BROKERS, S3_*
#
# Instances: STACK_INSTANCE picks one of several independent stacks on one machine, each with its own
# processes, data and ports. `dev` (the default) is what `npm start` runs, with its data in .stack/;
# `test` is what `npm test` runs (data in .stack/test/, every port shifted by STACK_PORT_OFFSET=1), so
# the test suite can stop, reset and fill its services while the platform keeps running untouched.
# Any other name needs its own STACK_PORT_OFFSET (2..9): PostgreSQL 54329+10n, Redis 63790+n,
# Kafka 19092+100n (controller +1), MinIO 19000+100n (console +1), Prometheus 9090+100n,
# Alertmanager 9093+100n, Zipkin 9411+100n, VictoriaLogs 9428+100n.
#
# A service whose URL variable (DATABASE_URL, REDIS_URL, KAFKA_BROKERS, S3_ENDPOINT) is set to
# something other than the instance's local default is external: nothing is installed or started for it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${CHAT4ALL_CACHE:-$HOME/.cache/chat4all}"
SERVICES=(postgres redis kafka minio)
OBSERVABILITY_SERVICES=(prometheus alertmanager zipkin victorialogs)
case "${CHAT4ALL_OBSERVABILITY:-on}" in
  on) SERVICES+=("${OBSERVABILITY_SERVICES[@]}") ;;
  off) ;;
  *) echo "stack: CHAT4ALL_OBSERVABILITY must be on or off, got '$CHAT4ALL_OBSERVABILITY'" >&2; exit 2 ;;
esac

INSTANCE="${STACK_INSTANCE:-dev}"
[[ "$INSTANCE" =~ ^[a-z][a-z0-9-]{0,30}$ ]] || { echo "stack: STACK_INSTANCE must be a short lower-case name, got '$INSTANCE'" >&2; exit 2; }
case "$INSTANCE" in
  dev) STACK="$ROOT/.stack"; OFFSET="${STACK_PORT_OFFSET:-0}" ;;
  test) STACK="$ROOT/.stack/test"; OFFSET="${STACK_PORT_OFFSET:-1}" ;;
  *) STACK="$ROOT/.stack/$INSTANCE"; OFFSET="${STACK_PORT_OFFSET:-}"
     [ -n "$OFFSET" ] || { echo "stack: instance '$INSTANCE' needs STACK_PORT_OFFSET (2..9)" >&2; exit 2; } ;;
esac
[[ "$OFFSET" =~ ^[0-9]$ ]] || { echo "stack: STACK_PORT_OFFSET must be 0..9, got '$OFFSET'" >&2; exit 2; }

PG_PORT=$(( 54329 + 10 * OFFSET ))
REDIS_PORT=$(( 63790 + OFFSET ))
KAFKA_PORT=$(( 19092 + 100 * OFFSET ))
KAFKA_CONTROLLER_PORT=$(( KAFKA_PORT + 1 ))
MINIO_PORT=$(( 19000 + 100 * OFFSET ))
MINIO_CONSOLE_PORT=$(( MINIO_PORT + 1 ))
PROMETHEUS_PORT=$(( 9090 + 100 * OFFSET ))
ALERTMANAGER_PORT=$(( 9093 + 100 * OFFSET ))
ZIPKIN_PORT=$(( 9411 + 100 * OFFSET ))
VICTORIALOGS_PORT=$(( 9428 + 100 * OFFSET ))
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
ZIPKIN_VERSION="${ZIPKIN_VERSION:-3.5.1}"
VICTORIALOGS_VERSION="${VICTORIALOGS_VERSION:-v1.52.1}"
# The test instance evaluates rules every 2 s (its alert tests wait for alerts), the others every 15 s.
if [ "$INSTANCE" = test ]; then default_interval=2s; else default_interval=15s; fi
PROMETHEUS_SCRAPE_INTERVAL="${PROMETHEUS_SCRAPE_INTERVAL:-$default_interval}"
PROMETHEUS_EVALUATION_INTERVAL="${PROMETHEUS_EVALUATION_INTERVAL:-$default_interval}"
# How long the local stores keep what they get (Zipkin keeps spans in memory, bounded by count).
PROMETHEUS_RETENTION="${PROMETHEUS_RETENTION:-7d}"
VICTORIALOGS_RETENTION="${VICTORIALOGS_RETENTION:-7d}"
ZIPKIN_MAX_SPANS="${ZIPKIN_MAX_SPANS:-100000}"
HEALTH_TIMEOUT_S="${STACK_HEALTH_TIMEOUT_S:-60}"

LOCAL_DATABASE_URL="postgres://chat4all:chat4all@127.0.0.1:$PG_PORT/chat4all"
LOCAL_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
LOCAL_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
LOCAL_S3_ENDPOINT="http://127.0.0.1:$MINIO_PORT"
LOCAL_PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT"
LOCAL_ALERTMANAGER_URL="http://127.0.0.1:$ALERTMANAGER_PORT"
LOCAL_ZIPKIN_URL="http://127.0.0.1:$ZIPKIN_PORT"
LOCAL_VICTORIALOGS_URL="http://127.0.0.1:$VICTORIALOGS_PORT"
# Where app instances announce themselves to Prometheus (file-based discovery: one JSON file per
# instance, written by whoever starts it; tools/dev/start.sh and the test kit do).
PROMETHEUS_TARGETS_DIR="$STACK/run/prometheus-targets"
S3_LOCAL_USER=chat4all
S3_LOCAL_SECRET=chat4all-secret

PREFIX="stack"; [ "$INSTANCE" = dev ] || PREFIX="stack[$INSTANCE]"
say() { printf '%s: %s\n' "$PREFIX" "$*"; }
die() { printf '%s: %s\n' "$PREFIX" "$*" >&2; exit 1; }
data_dir() { echo "$STACK/data/$1"; }
log_file() { echo "$STACK/logs/$1.log"; }
pid_file() { echo "$STACK/run/$1.pid"; }
pid_of() { local f; f="$(pid_file "$1")"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

url_var() {
  case "$1" in
    postgres) echo DATABASE_URL ;; redis) echo REDIS_URL ;; kafka) echo KAFKA_BROKERS ;; minio) echo S3_ENDPOINT ;;
    prometheus) echo PROMETHEUS_URL ;; alertmanager) echo ALERTMANAGER_URL ;; zipkin) echo ZIPKIN_URL ;; victorialogs) echo VICTORIALOGS_URL ;;
  esac
}
local_url() {
  case "$1" in
    postgres) echo "$LOCAL_DATABASE_URL" ;; redis) echo "$LOCAL_REDIS_URL" ;;
    kafka) echo "$LOCAL_KAFKA_BROKERS" ;; minio) echo "$LOCAL_S3_ENDPOINT" ;;
    prometheus) echo "$LOCAL_PROMETHEUS_URL" ;; alertmanager) echo "$LOCAL_ALERTMANAGER_URL" ;;
    zipkin) echo "$LOCAL_ZIPKIN_URL" ;; victorialogs) echo "$LOCAL_VICTORIALOGS_URL" ;;
  esac
}
is_external() {
  local var value
  var="$(url_var "$1")"
  value="${!var:-}"
  [ -n "$value" ] && [ "$value" != "$(local_url "$1")" ]
}
effective_url() { local var; var="$(url_var "$1")"; if is_external "$1"; then echo "${!var}"; else local_url "$1"; fi; }

# --- installation --------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* yourself, or set $(url_var "$SVC")"
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get): run as root or install it yourself"
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_postgres() {
  pg_bin >/dev/null && return
  # The stack runs its own cluster; do not let the package create and start the system one.
  mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  SVC=postgres apt_install postgresql
}

install_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return
  SVC=redis apt_install redis-server redis-tools
}

kafka_libs() { echo "$CACHE/kafka-$KAFKA_VERSION/libs"; }
install_kafka() {
  command -v java >/dev/null 2>&1 || die "Java 17+ is required for Kafka: apt-get install -y openjdk-17-jre-headless"
  local libs stamp
  libs="$(kafka_libs)"
  stamp="$libs/.complete"
  [ -f "$stamp" ] && return
  command -v mvn >/dev/null 2>&1 || die "Maven is required to fetch Kafka's jars from Maven Central: apt-get install -y maven"
  say "kafka: resolving Apache Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never -f "$ROOT/tools/stack/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >/dev/null
  touch "$stamp"
}

minio_bin() {
  local candidate
  for candidate in "$CACHE/bin/minio" "$(command -v go >/dev/null 2>&1 && go env GOPATH)/bin/minio" "$(command -v minio 2>/dev/null)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  return 1
}
install_minio() {
  minio_bin >/dev/null && return
  command -v go >/dev/null 2>&1 || die "Go is required to build MinIO: install Go 1.24+ (apt-get install -y golang, or from the Go site)"
  say "minio: go install github.com/minio/minio@latest (first run only, takes a few minutes)"
  mkdir -p "$CACHE/bin"
  GOBIN="$CACHE/bin" go install github.com/minio/minio@latest
}

# --- per-service start / stop / health ---------------------------------------------------------------
postgres_pid() { local f; f="$(data_dir postgres)/postmaster.pid"; [ -f "$f" ] && head -n 1 "$f"; }
postgres_healthy() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
as_postgres() { runuser -u postgres -- "$@"; }
start_postgres() {
  local bin data sock log
  bin="$(pg_bin)"; data="$(data_dir postgres)"; sock="$STACK/run/postgres"; log="$(log_file postgres)"
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  mkdir -p "$data" "$sock"; touch "$log"
  chown postgres "$data" "$sock" "$log"; chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "postgres: initdb (own cluster in ${STACK#"$ROOT"/}/data/postgres)"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_min_duration_statement = 1000
CONF
    echo "host all all 127.0.0.1/32 scram-sha-256" >> "$data/pg_hba.conf"
  fi
  as_postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t "$HEALTH_TIMEOUT_S" start >/dev/null
  as_postgres "$bin/psql" -q -h "$sock" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE chat4all LOGIN CREATEDB PASSWORD ''chat4all'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chat4all') \gexec
SELECT 'CREATE DATABASE chat4all OWNER chat4all'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'chat4all') \gexec
SQL
}
stop_postgres() { as_postgres "$(pg_bin)/pg_ctl" -D "$(data_dir postgres)" -m fast -w -t 30 stop >/dev/null; }

redis_pid() { [ -f "$(pid_file redis)" ] && cat "$(pid_file redis)"; }
redis_healthy() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
start_redis() {
  mkdir -p "$(data_dir redis)"
  # AOF with fsync every second: Redis holds only live fan-out and rate-limit state, nothing durable.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$(data_dir redis)" \
    --pidfile "$(pid_file redis)" --logfile "$(log_file redis)" --appendonly yes --appendfsync everysec \
    --save '' --protected-mode yes >/dev/null
}
stop_redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; }

kafka_conf() { echo "$STACK/run/kafka.properties"; }
write_kafka_conf() {
  cat > "$(kafka_conf)" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$(data_dir kafka)
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
controlled.shutdown.enable=true
CONF
}
KAFKA_JAVA_OPTS=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$ROOT/tools/stack/kafka/log4j.properties")
kafka_java() { java "${KAFKA_JAVA_OPTS[@]}" -cp "$(kafka_libs)/*" "$@"; }
kafka_pid() { pid_of kafka; }
kafka_healthy() {
  port_open "$KAFKA_PORT" && [ -n "$(kafka_pid)" ] || return 1
  # grep -c reads to the end: with -q, tail would die of SIGPIPE and pipefail would report failure.
  [ "$(tail -c +"$(cat "$STACK/run/kafka.log-offset" 2>/dev/null || echo 1)" "$(log_file kafka)" | grep -c "Kafka Server started")" -gt 0 ]
}
start_kafka() {
  mkdir -p "$(data_dir kafka)"
  write_kafka_conf
  if [ ! -f "$(data_dir kafka)/meta.properties" ]; then
    say "kafka: formatting KRaft storage"
    kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)" \
      -c "$(kafka_conf)" >> "$(log_file kafka)" 2>&1
  fi
  touch "$(log_file kafka)"
  echo $(( $(stat -c %s "$(log_file kafka)") + 1 )) > "$STACK/run/kafka.log-offset"
  nohup java "${KAFKA_JAVA_OPTS[@]}" -cp "$(kafka_libs)/*" kafka.Kafka "$(kafka_conf)" \
    >> "$(log_file kafka)" 2>&1 < /dev/null &
  echo $! > "$(pid_file kafka)"
}
stop_pid_file() { # name, grace seconds
  local pid f; f="$(pid_file "$1")"
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 $(( $2 * 4 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && { say "$1: did not stop in $2 s, killing"; kill -KILL "$pid"; }
  fi
  rm -f "$f"
}
stop_kafka() { stop_pid_file kafka 30; }

minio_pid() { pid_of minio; }
minio_healthy() { [ -n "$(minio_pid)" ] && curl -sf -o /dev/null "http://127.0.0.1:$MINIO_PORT/minio/health/ready"; }
start_minio() {
  mkdir -p "$(data_dir minio)"
  MINIO_ROOT_USER="$S3_LOCAL_USER" MINIO_ROOT_PASSWORD="$S3_LOCAL_SECRET" MINIO_BROWSER=off \
    nohup "$(minio_bin)" server "$(data_dir minio)" --address "127.0.0.1:$MINIO_PORT" \
    --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" --quiet >> "$(log_file minio)" 2>&1 < /dev/null &
  echo $! > "$(pid_file minio)"
}
stop_minio() { stop_pid_file minio 15; }

# --- observability -----------------------------------------------------------------------------------
install_prometheus() { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || SVC=prometheus apt_install prometheus; disable_system_unit prometheus; }
install_alertmanager() { command -v prometheus-alertmanager >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 || SVC=alertmanager apt_install prometheus-alertmanager; disable_system_unit prometheus-alertmanager; }
# The Debian packages come with system units: the stack runs its own processes, never those.
disable_system_unit() { command -v systemctl >/dev/null 2>&1 && systemctl disable --now "$1" >/dev/null 2>&1 || true; }

zipkin_jar() { echo "$CACHE/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"; }
install_zipkin() {
  [ -f "$(zipkin_jar)" ] && return
  command -v java >/dev/null 2>&1 || die "Java 17+ is required for Zipkin: apt-get install -y openjdk-17-jre-headless"
  command -v mvn >/dev/null 2>&1 || die "Maven is required to fetch Zipkin from Maven Central: apt-get install -y maven"
  say "zipkin: fetching io.zipkin:zipkin-server:$ZIPKIN_VERSION:exec from Maven Central (first run only, 130 MB)"
  mkdir -p "$CACHE/zipkin"
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$CACHE/zipkin" >/dev/null
}

victorialogs_bin() { [ -x "$CACHE/bin/victoria-logs" ] && echo "$CACHE/bin/victoria-logs"; }
install_victorialogs() {
  victorialogs_bin >/dev/null && return
  command -v go >/dev/null 2>&1 || die "Go is required to build VictoriaLogs: install Go 1.24+"
  say "victorialogs: go install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@$VICTORIALOGS_VERSION (first run only, a few minutes)"
  mkdir -p "$CACHE/bin"
  GOBIN="$CACHE/bin" go install "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@$VICTORIALOGS_VERSION"
}

http_ok() { curl -sf -o /dev/null --max-time 2 "$1"; }

write_prometheus_conf() {
  mkdir -p "$PROMETHEUS_TARGETS_DIR"
  cat > "$STACK/run/prometheus.yml" <<CONF
# Written by tools/stack/stack.sh at every start: edit the script, not this file.
global:
  scrape_interval: $PROMETHEUS_SCRAPE_INTERVAL
  scrape_timeout: $PROMETHEUS_SCRAPE_INTERVAL
  evaluation_interval: $PROMETHEUS_EVALUATION_INTERVAL
  external_labels: { stack: $INSTANCE }
rule_files:
  - $ROOT/observability/prometheus/rules/*.yml
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:$ALERTMANAGER_PORT'] }]
scrape_configs:
  # Every app instance, whoever started it: one JSON file per instance in the targets folder.
  - job_name: chat4all
    honor_labels: true
    file_sd_configs:
      - files: ['$PROMETHEUS_TARGETS_DIR/*.json']
        refresh_interval: 5s
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:$PROMETHEUS_PORT'], labels: { service: prometheus } }]
  - job_name: alertmanager
    static_configs: [{ targets: ['127.0.0.1:$ALERTMANAGER_PORT'], labels: { service: alertmanager } }]
CONF
}
prometheus_pid() { pid_of prometheus; }
prometheus_healthy() { [ -n "$(prometheus_pid)" ] && http_ok "$LOCAL_PROMETHEUS_URL/-/ready"; }
start_prometheus() {
  mkdir -p "$(data_dir prometheus)"
  write_prometheus_conf
  nohup prometheus --config.file="$STACK/run/prometheus.yml" --storage.tsdb.path="$(data_dir prometheus)" \
    --storage.tsdb.retention.time="$PROMETHEUS_RETENTION" --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle --web.console.templates=/etc/prometheus/consoles --web.console.libraries=/etc/prometheus/console_libraries \
    >> "$(log_file prometheus)" 2>&1 < /dev/null &
  echo $! > "$(pid_file prometheus)"
}
stop_prometheus() { stop_pid_file prometheus 15; }

# The test instance's alerts go to a webhook the alert tests listen on (9099+100n), right away.
write_alertmanager_conf() {
  local -a env=()
  if [ "$INSTANCE" = test ]; then
    env=(ALERT_WEBHOOK_URL="${ALERT_WEBHOOK_URL:-http://127.0.0.1:$(( 9099 + 100 * OFFSET ))/alerts}"
      ALERT_GROUP_WAIT="${ALERT_GROUP_WAIT:-1s}" ALERT_GROUP_INTERVAL="${ALERT_GROUP_INTERVAL:-1s}")
  fi
  env "${env[@]}" node "$ROOT/tools/observability/alertmanager-config.mjs" > "$STACK/run/alertmanager.yml"
}
alertmanager_pid() { pid_of alertmanager; }
alertmanager_healthy() { [ -n "$(alertmanager_pid)" ] && http_ok "$LOCAL_ALERTMANAGER_URL/-/ready"; }
start_alertmanager() {
  mkdir -p "$(data_dir alertmanager)"
  write_alertmanager_conf
  # --cluster.listen-address= : a single Alertmanager, no gossip port.
  nohup prometheus-alertmanager --config.file="$STACK/run/alertmanager.yml" --storage.path="$(data_dir alertmanager)" \
    --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address= \
    >> "$(log_file alertmanager)" 2>&1 < /dev/null &
  echo $! > "$(pid_file alertmanager)"
}
stop_alertmanager() { stop_pid_file alertmanager 15; }

zipkin_pid() { pid_of zipkin; }
zipkin_healthy() { [ -n "$(zipkin_pid)" ] && http_ok "$LOCAL_ZIPKIN_URL/health"; }
start_zipkin() {
  # In-memory storage bounded by span count: traces of a local stack, gone at restart.
  STORAGE_TYPE=mem MEM_MAX_SPANS="$ZIPKIN_MAX_SPANS" nohup java -Xms64m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true -jar "$(zipkin_jar)" --armeria.ports[0].port="$ZIPKIN_PORT" \
    --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].protocols=http \
    >> "$(log_file zipkin)" 2>&1 < /dev/null &
  echo $! > "$(pid_file zipkin)"
}
stop_zipkin() { stop_pid_file zipkin 15; }

victorialogs_pid() { pid_of victorialogs; }
victorialogs_healthy() { [ -n "$(victorialogs_pid)" ] && http_ok "$LOCAL_VICTORIALOGS_URL/health"; }
start_victorialogs() {
  mkdir -p "$(data_dir victorialogs)"
  nohup "$(victorialogs_bin)" -httpListenAddr="127.0.0.1:$VICTORIALOGS_PORT" -storageDataPath="$(data_dir victorialogs)" \
    -retentionPeriod="$VICTORIALOGS_RETENTION" -loggerLevel=WARN >> "$(log_file victorialogs)" 2>&1 < /dev/null &
  echo $! > "$(pid_file victorialogs)"
}
stop_victorialogs() { stop_pid_file victorialogs 15; }

running() { [ -n "$("$1"_pid 2>/dev/null)" ] && "$1"_healthy; }

# --- commands ---------------------------------------------------------------------------------------
select_services() { if [ $# -eq 0 ]; then echo "${SERVICES[@]}"; else
  for s in "$@"; do [[ " ${SERVICES[*]} " == *" $s "* ]] || die "unknown service '$s' (one of: ${SERVICES[*]})"; done; echo "$@"; fi; }

check_external() {
  case "$1" in
    kafka) local hp="${KAFKA_BROKERS%%,*}"; port_open_host "${hp%:*}" "${hp##*:}" ;;
    *) return 0 ;;
  esac
}
port_open_host() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

cmd_up() {
  local started=$SECONDS svc
  mkdir -p "$STACK/data" "$STACK/logs" "$STACK/run"
  echo "$OFFSET" > "$STACK/run/port-offset" # lets `npm stop -- --all` find and stop this instance
  local -a todo=()
  for svc in $(select_services "$@"); do
    if is_external "$svc"; then say "$svc: external ($(effective_url "$svc"))"; check_external "$svc" || say "$svc: warning: external server not reachable"; continue; fi
    "install_$svc"
    if running "$svc"; then
      say "$svc: already running"
      # Rules and targets may have changed since it started: rewrite the config and reload.
      [ "$svc" = prometheus ] && { write_prometheus_conf; curl -sf -X POST -o /dev/null "$LOCAL_PROMETHEUS_URL/-/reload" || say "prometheus: reload failed"; }
      continue
    fi
    "start_$svc"
    todo+=("$svc")
  done
  for svc in "${todo[@]}"; do
    local deadline=$(( SECONDS + HEALTH_TIMEOUT_S ))
    until "${svc}_healthy"; do
      if [ $SECONDS -ge $deadline ]; then
        tail -n 30 "$(log_file "$svc")" >&2 || true
        die "$svc: not healthy after $HEALTH_TIMEOUT_S s (log: ${STACK#"$ROOT"/}/logs/$svc.log)"
      fi
      sleep 0.25
    done
    say "$svc: up at $(local_url "$svc")"
  done
  say "up in $(( SECONDS - started )) s"
}

cmd_down() {
  local svc
  for svc in $(select_services "$@"); do
    is_external "$svc" && continue
    if [ -n "$("${svc}_pid" 2>/dev/null)" ]; then "stop_$svc"; say "$svc: stopped"; fi
  done
}

cmd_status() {
  local svc state pid
  for svc in "${SERVICES[@]}"; do
    pid="-"
    if is_external "$svc"; then state=external
    elif pid="$("${svc}_pid" 2>/dev/null)" && [ -n "$pid" ]; then
      if "${svc}_healthy"; then state=running; else state=starting; fi
    else state=stopped; pid="-"; fi
    printf '%-13s %-9s %-8s %s\n' "$svc" "$state" "$pid" "$(effective_url "$svc")"
  done
}

cmd_logs() {
  [ $# -ge 1 ] || die "usage: stack.sh logs <service> [-f]"
  select_services "$1" >/dev/null
  if [ "${2:-}" = "-f" ]; then tail -n 100 -F "$(log_file "$1")"; else tail -n 100 "$(log_file "$1")"; fi
}

cmd_reset() {
  [ $# -ge 1 ] || die "usage: stack.sh reset <service>|all"
  local targets
  if [ "$1" = all ]; then targets="${SERVICES[*]}"; else targets="$(select_services "$@")"; fi
  for svc in $targets; do
    is_external "$svc" && { say "$svc: external, not touched"; continue; }
    cmd_down "$svc"
    rm -rf "$(data_dir "$svc")"
    say "$svc: data deleted"
  done
}

cmd_env() {
  echo "export DATABASE_URL='$(effective_url postgres)'"
  echo "export REDIS_URL='$(effective_url redis)'"
  echo "export KAFKA_BROKERS='$(effective_url kafka)'"
  echo "export S3_ENDPOINT='$(effective_url minio)'"
  if is_external minio; then
    for v in S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_BUCKET S3_REGION; do [ -n "${!v:-}" ] && echo "export $v='${!v}'"; done
  else
    echo "export S3_ACCESS_KEY_ID='$S3_LOCAL_USER'"
    echo "export S3_SECRET_ACCESS_KEY='$S3_LOCAL_SECRET'"
    echo "export S3_BUCKET='${S3_BUCKET:-chat4all}'"
    echo "export S3_REGION='${S3_REGION:-us-east-1}'"
  fi
  [[ " ${SERVICES[*]} " == *" prometheus "* ]] || return 0
  echo "export PROMETHEUS_URL='$(effective_url prometheus)'"
  echo "export ALERTMANAGER_URL='$(effective_url alertmanager)'"
  echo "export ZIPKIN_URL='$(effective_url zipkin)'"
  echo "export VICTORIALOGS_URL='$(effective_url victorialogs)'"
  echo "export PROMETHEUS_TARGETS_DIR='$PROMETHEUS_TARGETS_DIR'"
  # What the apps read: where spans and log lines go.
  echo "export OTEL_EXPORTER_ZIPKIN_ENDPOINT='$(effective_url zipkin)/api/v2/spans'"
  echo "export LOG_SHIP_URL='$(effective_url victorialogs)'"
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status ;;
  logs) cmd_logs "$@" ;;
  reset) cmd_reset "$@" ;;
  env) cmd_env ;;
  *) die "usage: stack.sh up|down [svc...] | status | logs <svc> [-f] | reset <svc>|all | env   (services: ${SERVICES[*]})" ;;
esac
