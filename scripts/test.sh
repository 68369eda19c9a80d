#!/usr/bin/env bash
# `npm test`: installs what is missing (npm packages; Debian's docker-compose and unzip for the
# deployment tests, Chromium for the console's browser tests), brings up Postgres, Redis and (unless TEST_KAFKA_BROKERS points at one) a local
# Kafka broker with a SASL_SSL listener, type-checks, lints (eslint.config.mjs), checks formatting (Prettier,
# .prettierrc.json), builds dist/, audits the production dependencies (scripts/audit.sh), then runs every
# unit and integration test.
# Extra arguments go to jest, e.g. `npm test -- libs/bus`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/node-22.sh

bash scripts/ensure-node-modules.sh
bash scripts/infra.sh up
bash scripts/infra.sh test-tools

if [ -z "${TEST_KAFKA_BROKERS:-}" ]; then
  export KAFKA_PORT=${KAFKA_PORT:-9092}
  # A SASL_SSL listener beside the plaintext one: the bus contract suite runs over both.
  export KAFKA_SASL_SSL_PORT=${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 2))}
  started_kafka=
  if ! bash scripts/kafka.sh status >/dev/null 2>&1; then
    bash scripts/kafka.sh start
    started_kafka=1
  fi
  trap '[ -n "$started_kafka" ] && bash scripts/kafka.sh stop' EXIT
  export TEST_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
  ca=${KAFKA_DATA_DIR:-$ROOT/.cache/kafka/node-$KAFKA_PORT}/tls/ca.crt
  if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_SASL_SSL_PORT") 2>/dev/null && [ -f "$ca" ]; then
    export TEST_KAFKA_SASL_SSL_URL=kafka+ssl://127.0.0.1:$KAFKA_SASL_SSL_PORT TEST_KAFKA_SSL_CA_FILE=$ca
  else
    echo "[test] the running broker has no SASL_SSL listener on $KAFKA_SASL_SSL_PORT: the contract suite runs on plaintext only" >&2
  fi
fi
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}

echo "[test] type-checking" >&2
npx tsc -p tsconfig.json --noEmit
echo "[test] linting and checking formatting" >&2
npx eslint --max-warnings 0 .
npx prettier --check --log-level warn "**/*.ts" "apps/console/src/assets/*.{js,css}" || { echo "[test] failed: formatting differs from Prettier's (npm run format fixes it)" >&2; exit 1; }
echo "[test] building dist/: the end-to-end tests start the services compiled, as the image runs them" >&2
bash scripts/build.sh
export TEST_SERVICES_COMPILED=1
# Judged now, reported as the run's outcome at the end: a vulnerable dependency fails the run.
audit=0
bash scripts/audit.sh || audit=1
echo "[test] jest on Node.js $(node --version) (kafka $TEST_KAFKA_BROKERS${TEST_KAFKA_SASL_SSL_URL:+ and $TEST_KAFKA_SASL_SSL_URL}, redis $TEST_REDIS_URL)" >&2
mkdir -p .cache
status=0
npx jest --maxWorkers=2 --json --outputFile=.cache/jest-results.json "$@" || status=$?
# The closing line CI reads: "tests: N passed, N failed, N skipped".
node -e '
  const r = require("./.cache/jest-results.json");
  // A test file that fails to run (a crash in a hook) has no test of its own counted: it counts as one failure.
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
[ "$audit" = 0 ] || { echo "[test] failed: npm audit found a high or critical advisory (above)" >&2; status=1; }
exit $status
