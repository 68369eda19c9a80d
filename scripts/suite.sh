#!/usr/bin/env bash
# `npm run suite`: the four services on this machine against local Postgres, Redis and the bus
# (Redis Streams by default; BUS_URL=kafka://127.0.0.1:9092 starts and uses the local Kafka broker).
# Logs go to .cache/logs/<service>.log. Ctrl-C stops every service gracefully.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

export BUS_URL=${BUS_URL:-redis://127.0.0.1:6379}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sentinel}
export API_KEYS=${API_KEYS:-dev-key-change-me}
export LOG_LEVEL=${LOG_LEVEL:-info}

bash scripts/ensure-node-modules.sh
if [[ $BUS_URL == kafka://* ]]; then bash scripts/infra.sh up --kafka; else bash scripts/infra.sh up; fi

mkdir -p .cache/logs
services=(ingest:3001 scoring:3002 profile-api:3003 alerts:3004)
pids=()
stop_all() {
  trap - INT TERM
  echo; echo "[suite] stopping services (draining in-flight batches)..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  echo "[suite] stopped"
}
trap stop_all INT TERM

for entry in "${services[@]}"; do
  name=${entry%%:*} port=${entry##*:}
  flags=()
  # Scoring allocates per event in bursts: a larger young generation spends ~20% less time in GC (docs/scoring.md).
  [ "$name" = scoring ] && flags=(--max-semi-space-size=64)
  PORT=$port node "${flags[@]}" -r ts-node/register/transpile-only -r tsconfig-paths/register "apps/$name/src/main.ts" >".cache/logs/$name.log" 2>&1 &
  pids+=($!)
done

for entry in "${services[@]}"; do
  name=${entry%%:*} port=${entry##*:}
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "[suite] $name is not ready; see .cache/logs/$name.log" >&2; stop_all; exit 1; }
done

cat <<INFO
[suite] running on $BUS_URL (API key: \$API_KEYS, default dev-key-change-me)
  ingest       http://127.0.0.1:3001/docs   (health /health/ready, metrics /metrics)
  scoring      http://127.0.0.1:3002/docs
  profile-api  http://127.0.0.1:3003/docs
  alerts       http://127.0.0.1:3004/docs
  logs         .cache/logs/<service>.log
Press Ctrl-C to stop.
INFO
wait "${pids[@]}"
