#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft: one process is broker and controller) on 127.0.0.1,
# run from the jars Maven Central serves. Usage: scripts/kafka.sh install|start|stop|status|restart
# Settings: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (port+1), KAFKA_DATA_DIR, KAFKA_HEAP (1g).
# KAFKA_SASL_SSL_PORT adds a SASL_SSL listener there, as managed clusters have: a CA and a broker
# certificate made with openssl in $KAFKA_DATA_DIR/tls (clients trust tls/ca.crt), and one user,
# KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD (sentinel / sentinel-secret), for PLAIN, SCRAM-SHA-256 and
# SCRAM-SHA-512.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KAFKA_CACHE_DIR:-$ROOT/.cache/kafka}
LIBS=$CACHE/libs
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}
DATA=${KAFKA_DATA_DIR:-$CACHE/node-$PORT}
PIDFILE=$DATA/kafka.pid
HEAP=${KAFKA_HEAP:-1g}
SASL_SSL_PORT=${KAFKA_SASL_SSL_PORT:-}
SASL_USER=${KAFKA_SASL_USERNAME:-sentinel}
SASL_PASSWORD=${KAFKA_SASL_PASSWORD:-sentinel-secret}
TLS=$DATA/tls

log() { echo "[kafka:$PORT] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install() {
  [ -f "$LIBS/.complete" ] && return 0
  command -v java >/dev/null || { log "java is required (apt-get install -y openjdk-17-jre-headless)"; exit 1; }
  command -v mvn >/dev/null || { log "maven is required (apt-get install -y maven)"; exit 1; }
  log "resolving Apache Kafka jars from Maven Central into $LIBS (once)"
  rm -rf "$LIBS"
  mvn -q -B -f "$ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIBS" -DincludeScope=runtime
  touch "$LIBS/.complete"
}

# A throwaway CA and a broker certificate for 127.0.0.1 and localhost, in the PKCS12 store the broker reads.
make_certificates() {
  [ -f "$TLS/broker.p12" ] && return 0
  command -v openssl >/dev/null || { log "openssl is required (apt-get install -y openssl)"; exit 1; }
  mkdir -p "$TLS"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=sentinel-test-ca" -keyout "$TLS/ca.key" -out "$TLS/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$TLS/broker.key" -out "$TLS/broker.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$TLS/broker.ext"
  openssl x509 -req -in "$TLS/broker.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 30 -extfile "$TLS/broker.ext" -out "$TLS/broker.crt" 2>/dev/null
  openssl pkcs12 -export -in "$TLS/broker.crt" -inkey "$TLS/broker.key" -name broker -out "$TLS/broker.p12" -passout pass:broker-store
}

sasl_ssl_properties() {
  cat <<PROPS
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$TLS/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=broker-store
listener.name.sasl_ssl.ssl.key.password=broker-store
PROPS
}

# SCRAM credentials live in the cluster's metadata. A new data folder gets them when it is formatted
# (no broker needed); one formatted without them gets them from the running broker, retried while it
# settles (a loaded machine can take a while to elect its controller after the port opens).
add_scram_user() {
  for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do # one per request: the broker refuses a user twice in one
    for attempt in 1 2 3; do
      java_cmd kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$PORT" --alter --entity-type users --entity-name "$SASL_USER" \
        --add-config "$mechanism=[password=$SASL_PASSWORD]" >/dev/null 2>"$DATA/scram.log" && break
      [ "$attempt" = 3 ] && { log "could not add the SASL user; see $DATA/scram.log"; return 1; }
      sleep 2
    done
  done
}

write_config() {
  mkdir -p "$DATA/logs"
  local listeners="PLAINTEXT://127.0.0.1:$PORT" protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  if [ -n "$SASL_SSL_PORT" ]; then
    make_certificates
    listeners="$listeners,SASL_SSL://127.0.0.1:$SASL_SSL_PORT"
    protocols="$protocols,SASL_SSL:SASL_SSL"
  fi
  cat >"$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=$listeners,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
log.dirs=$DATA/logs
auto.create.topics.enable=false
num.partitions=4
# One node: internal topics cannot be replicated; small ones start fast.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Tests and demos start groups often; the default 3 s delay would stall each one.
group.initial.rebalance.delay.ms=0
# After a hard kill the controller waits out the dead broker's session before the new one may register.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=1000
log.retention.hours=168
num.network.threads=2
num.io.threads=4
PROPS
  if [ -n "$SASL_SSL_PORT" ]; then sasl_ssl_properties >>"$DATA/server.properties"; fi
  cat >"$DATA/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$DATA/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
}

# The JVM flags of Kafka's own kafka-run-class.sh: G1 aiming at 20 ms pauses (the default aims at 200).
JVM_FLAGS=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true)

java_cmd() {
  java -Xms256m -Xmx"$HEAP" "${JVM_FLAGS[@]}" -Dlog4j.configuration="file:$DATA/log4j.properties" -cp "$LIBS/*" "$@"
}

running_pid() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"
}

start() {
  if port_open "$PORT"; then log "already listening"; return 0; fi
  install
  write_config
  if [ ! -f "$DATA/logs/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java_cmd kafka.tools.StorageTool random-uuid)
    local scram=()
    if [ -n "$SASL_SSL_PORT" ]; then
      for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do scram+=(--add-scram "$mechanism=[name=$SASL_USER,password=$SASL_PASSWORD]"); done
    fi
    java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$DATA/server.properties" "${scram[@]}" >/dev/null
    if [ -n "$SASL_SSL_PORT" ]; then touch "$DATA/scram-formatted"; fi
  fi
  nohup java -Xms"$HEAP" -Xmx"$HEAP" "${JVM_FLAGS[@]}" -Dlog4j.configuration="file:$DATA/log4j.properties" -cp "$LIBS/*" \
    kafka.Kafka "$DATA/server.properties" >>"$DATA/stdout.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 120); do
    if port_open "$PORT"; then
      if [ -n "$SASL_SSL_PORT" ] && [ ! -f "$DATA/scram-formatted" ]; then
        add_scram_user || exit 1
        touch "$DATA/scram-formatted"
      fi
      log "up (pid $(cat "$PIDFILE"), data $DATA${SASL_SSL_PORT:+, SASL_SSL on $SASL_SSL_PORT})"
      return 0
    fi
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { log "exited; see $DATA/server.log"; tail -20 "$DATA/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  log "did not open port $PORT within 60 s; see $DATA/server.log"; exit 1
}

stop() {
  local pid signal=${1:-TERM}
  pid=$(running_pid) || { log "not running"; return 0; }
  kill -"$signal" "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; log "stopped"; return 0; }; sleep 0.5; done
  log "still running after 30 s; killing"; kill -9 "$pid"; rm -f "$PIDFILE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop TERM ;;
  kill) stop KILL ;;
  restart) stop TERM; start ;;
  status) if port_open "$PORT"; then echo "running on 127.0.0.1:$PORT"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 install|start|stop|kill|restart|status" >&2; exit 2 ;;
esac
