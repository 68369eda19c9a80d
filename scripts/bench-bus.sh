#!/usr/bin/env bash
# `npm run bench:bus`: brings up Redis and a local Kafka broker, then runs tools/bench/bus.bench.ts.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/ensure-node-modules.sh
bash scripts/infra.sh up --kafka
export TEST_KAFKA_BROKERS=${TEST_KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}
exec node -r ts-node/register/transpile-only -r tsconfig-paths/register tools/bench/bus.bench.ts "$@"
