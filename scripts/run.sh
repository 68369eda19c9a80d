#!/usr/bin/env bash
# Runs a command under Node.js 22 with the npm dependencies installed; a .ts file as the first argument
# runs through ts-node with the @app/... aliases (`bash scripts/run.sh tools/simulate/simulate.ts --rate 100`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/node-22.sh
bash scripts/ensure-node-modules.sh
if [[ ${1:-} == *.ts ]]; then exec node -r ts-node/register/transpile-only -r tsconfig-paths/register "$@"; fi
exec "$@"
