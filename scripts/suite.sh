#!/usr/bin/env bash
# `npm run suite`: the five services and the console on this machine against local Postgres, Redis and the bus
# (Redis Streams by default; BUS_URL=kafka://127.0.0.1:9092 starts and uses the local Kafka broker),
# with demo traffic: a fraud-team webhook receiver registers itself with alerts, the simulator
# sends events to ingest at SUITE_DEMO_RATE events/s, and a demo checkout asks for a decision every
# 3 s (SUITE_DEMO=false: services only).
# Logs go to .cache/logs/<name>.log. A service that dies is started again, as docker-compose and Kubernetes
# do (scripts/supervise.sh). Ctrl-C stops everything gracefully.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/node-22.sh

export BUS_URL=${BUS_URL:-redis://127.0.0.1:6379}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sentinel}
export API_KEYS=${API_KEYS:-dev-key-change-me}
export LOG_LEVEL=${LOG_LEVEL:-info}
# The demo receiver listens on 127.0.0.1, which alerts refuses as a webhook target unless allowed.
export WEBHOOK_ALLOWED_TARGETS=${WEBHOOK_ALLOWED_TARGETS:-127.0.0.1}
SUITE_DEMO=${SUITE_DEMO:-true}
SUITE_DEMO_RATE=${SUITE_DEMO_RATE:-1000}
# The demo tools pick the key with the scope they need from API_KEYS; the hint below shows a bare one.
API_KEY=${API_KEYS%%,*}
[[ $API_KEY == *=* ]] && API_KEY='<a key with the profiles scope>'
# The console signs people in with CONSOLE_USERS and calls the services with CONSOLE_API_KEY (admin+profiles).
export CONSOLE_USERS=${CONSOLE_USERS:-operator=console-demo-password}
[[ -z ${CONSOLE_API_KEY:-} && ${API_KEYS%%,*} != *=* ]] && export CONSOLE_API_KEY=${API_KEYS%%,*}

bash scripts/ensure-node-modules.sh
if [[ $BUS_URL == kafka://* ]]; then bash scripts/infra.sh up --kafka; else bash scripts/infra.sh up; fi

mkdir -p .cache/logs
pids=()
stop_all() {
  trap - INT TERM
  echo; echo "[suite] stopping services (draining in-flight batches)..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  echo "[suite] stopped"
}
trap stop_all INT TERM

source scripts/supervise.sh
names=() ports=()
# start_service NAME PORT APP INGEST_ROLES NICENESS [NODE_OPTION...]: started again whenever it dies (scripts/supervise.sh),
# with the settings of this call (the assignments before it included).
start_service() {
  local name=$1 port=$2 app=$3 roles=$4 niceness=$5
  shift 5
  : >".cache/logs/$name.log"
  supervise "$name" ".cache/logs/$name.log" env PORT="$port" ${roles:+INGEST_ROLES=$roles} nice -n "$niceness" \
    node "$@" -r ts-node/register/transpile-only -r tsconfig-paths/register "apps/$app/src/main.ts" &
  pids+=($!) names+=("$name") ports+=("$port")
}
# As libs/testing/src/suite-topology.ts and docker-compose.yml run them (docs/suite.md, "Memory" and "CPU");
# the image preloads the same allocator, ingest's service sets glibc's back, and so does scoring's on Kafka.
export LD_PRELOAD=libjemalloc.so.2
if [[ $BUS_URL == kafka://* ]]; then scoring_preload=; else scoring_preload=$LD_PRELOAD; fi
LD_PRELOAD= MALLOC_MMAP_THRESHOLD_=65536 start_service ingest 3001 ingest http,raw 0 --v8-pool-size=1 --max-old-space-size=1024 --max-semi-space-size=8
start_service lake 3005 lake "" 10 --v8-pool-size=1 --heap-growing-percent=100 --max-semi-space-size=8
LD_PRELOAD=$scoring_preload start_service scoring 3002 scoring "" 0 --v8-pool-size=1 --max-old-space-size=1024 --max-semi-space-size=8
start_service profile-api 3003 profile-api "" 0 --v8-pool-size=1 --heap-growing-percent=100 --max-semi-space-size=8
start_service alerts 3004 alerts "" 0 --v8-pool-size=1
start_service console 3006 console "" 0 --v8-pool-size=1

for i in "${!names[@]}"; do
  name=${names[$i]} port=${ports[$i]}
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "[suite] $name is not ready; see .cache/logs/$name.log" >&2; stop_all; exit 1; }
done

# exec: started with &, the subshell becomes node, so $! is the process that stop_all signals.
run_tool() { exec node -r ts-node/register/transpile-only -r tsconfig-paths/register "$@"; }
if [ "$SUITE_DEMO" = true ]; then
  run_tool tools/demo/demo-receiver.ts --port 3009 --alerts http://127.0.0.1:3004 >.cache/logs/receiver.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do grep -q registered .cache/logs/receiver.log 2>/dev/null && break; sleep 0.5; done
  grep -q registered .cache/logs/receiver.log || { echo "[suite] the demo receiver did not start; see .cache/logs/receiver.log" >&2; stop_all; exit 1; }
  run_tool tools/simulate/simulate.ts --url http://127.0.0.1:3001 --rate "$SUITE_DEMO_RATE" >.cache/logs/simulate.log 2>&1 &
  pids=($! "${pids[@]}") # stopped first, so ingest drains what it was sent
  run_tool tools/demo/demo-decisions.ts --ingest http://127.0.0.1:3001 >.cache/logs/decisions.log 2>&1 &
  pids=($! "${pids[@]}")
fi

cat <<INFO
[suite] running on $BUS_URL (API key: \$API_KEYS, default dev-key-change-me)
  ingest       http://127.0.0.1:3001/docs   (health /health/ready, metrics /metrics)
  lake         http://127.0.0.1:3005/docs   (the lake sink: events.enriched to data/lake)
  scoring      http://127.0.0.1:3002/docs   (model: /v1/models/active, rules: /v1/rules)
  profile-api  http://127.0.0.1:3003/docs
  alerts       http://127.0.0.1:3004/docs
  console      http://127.0.0.1:3006/   (sign in as operator / console-demo-password unless CONSOLE_USERS says otherwise)
  logs         .cache/logs/<name>.log
INFO
if [ "$SUITE_DEMO" = true ]; then
  cat <<INFO
Demo traffic: the simulator sends ${SUITE_DEMO_RATE} events/s to ingest (.cache/logs/simulate.log).
  a profile    curl -s http://127.0.0.1:3003/v1/profiles/C42 -H 'authorization: Bearer $API_KEY'
  alerts       http://127.0.0.1:3009/  (verified deliveries to the demo receiver; also .cache/demo/alerts.ndjson)
  decisions    tail -f .cache/logs/decisions.log   (a demo checkout asks POST /v1/decisions every 3 s; docs/decisions.md)
  the lake     ls data/lake/events/   (Parquet, rolled every 10 s)
  metrics      curl -s http://127.0.0.1:3002/metrics | grep scoring_
INFO
fi
echo "Press Ctrl-C to stop."
wait "${pids[@]}"
