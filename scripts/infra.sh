#!/usr/bin/env bash
# Local infrastructure for the suite and the tests: Postgres and Redis answer (started if not),
# Redis persists (AOF), the `sentinel` database exists, and the Kafka broker runs when asked.
# Usage: scripts/infra.sh up [--kafka] | down | test-tools | bench-tools
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "[infra] $*" >&2; }

PG_HOST=${PGHOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
AOF_REWRITE_MIN_SIZE=1gb
AOF_REWRITE_MIN_BYTES=$((1024 * 1024 * 1024))

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "missing $*: install them (Debian: apt-get install -y $*)"; exit 1
  fi
  log "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v pg_isready >/dev/null || missing+=(postgresql postgresql-client)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  # The allocator the services preload (libs/testing/src/suite-topology.ts, the Dockerfile).
  compgen -G '/usr/lib/*/libjemalloc.so.2' >/dev/null || compgen -G '/lib/*/libjemalloc.so.2' >/dev/null || missing+=(libjemalloc2)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

ensure_redis() {
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "starting redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
      --appendonly yes --appendfsync everysec --auto-aof-rewrite-min-size "$AOF_REWRITE_MIN_SIZE" \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  # Redis is our queue and state store: it must keep what it acknowledged (DESIGN.md, "Message queue").
  if [ "$(redis-cli -p "$REDIS_PORT" config get appendonly | tail -1)" != yes ]; then
    log "enabling redis persistence (appendonly yes, appendfsync everysec)"
    redis-cli -p "$REDIS_PORT" config set appendfsync everysec >/dev/null
    redis-cli -p "$REDIS_PORT" config set appendonly yes >/dev/null
  fi
  # Every stream entry lands in the AOF: with Redis's 64 MB default it rewrote the whole dataset every
  # few seconds under load (10 rewrites per `npm run bench`, each a fork stalling Redis ~14 ms and a
  # second core busy); 1 GB: none (docs/bus.md, "Durability").
  if [ "$(redis-cli -p "$REDIS_PORT" config get auto-aof-rewrite-min-size | tail -1)" -lt "$AOF_REWRITE_MIN_BYTES" ]; then
    log "raising redis auto-aof-rewrite-min-size to $AOF_REWRITE_MIN_SIZE"
    redis-cli -p "$REDIS_PORT" config set auto-aof-rewrite-min-size "$AOF_REWRITE_MIN_SIZE" >/dev/null
  fi
}

ensure_postgres() {
  if ! pg_isready -q -h "$PG_HOST"; then
    log "starting postgres"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 50); do pg_isready -q -h "$PG_HOST" && break; sleep 0.2; done
  fi
  if ! psql -h "$PG_HOST" -U postgres -tAc "select 1 from pg_database where datname='sentinel'" | grep -q 1; then
    log "creating database sentinel"
    psql -h "$PG_HOST" -U postgres -qc "create database sentinel" >/dev/null
  fi
}

case "${1:-}" in
  up)
    ensure_packages
    ensure_redis
    ensure_postgres
    if [ "${2:-}" = --kafka ]; then bash "$ROOT/scripts/kafka.sh" start; fi
    log "postgres $(pg_isready -h "$PG_HOST" | cut -d' ' -f2-), redis $(redis-cli -p "$REDIS_PORT" ping)"
    ;;
  down)
    bash "$ROOT/scripts/kafka.sh" stop
    ;;
  test-tools)
    # The deployment tests (test/deploy): `docker-compose config` checks docker-compose.yml; unzip
    # unpacks the kubectl that scripts/kubectl.sh fetches where none with Kustomize 5 is installed.
    # The console's browser tests (apps/console/test) drive Debian's Chromium with playwright-core.
    missing=()
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    command -v unzip >/dev/null || missing+=(unzip)
    command -v chromium >/dev/null || missing+=(chromium)
    if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
    ;;
  bench-tools)
    # hey (Apache-2.0): a standard HTTP load generator with a paced, per-worker request rate.
    command -v hey >/dev/null || apt_install hey
    ;;
  *) echo "usage: $0 up [--kafka] | down | test-tools | bench-tools" >&2; exit 2 ;;
esac
