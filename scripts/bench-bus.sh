#!/usr/bin/env bash
# `npm run bench:bus`: brings up Redis and a local Kafka broker with a SASL_SSL listener beside the
# plaintext one, then runs tools/bench/bus.bench.ts (engines kafka, kafka-sasl-ssl, redis).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/node-22.sh
bash scripts/ensure-node-modules.sh
export KAFKA_PORT=${KAFKA_PORT:-9092}
export KAFKA_SASL_SSL_PORT=${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 2))}
bash scripts/infra.sh up --kafka
export TEST_KAFKA_BROKERS=${TEST_KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}
export TEST_KAFKA_SASL_SSL_URL=${TEST_KAFKA_SASL_SSL_URL:-kafka+ssl://127.0.0.1:$KAFKA_SASL_SSL_PORT}
export TEST_KAFKA_SSL_CA_FILE=${TEST_KAFKA_SSL_CA_FILE:-${KAFKA_DATA_DIR:-$ROOT/.cache/kafka/node-$KAFKA_PORT}/tls/ca.crt}
exec node -r ts-node/register/transpile-only -r tsconfig-paths/register tools/bench/bus.bench.ts "$@"
