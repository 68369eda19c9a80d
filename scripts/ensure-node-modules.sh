#!/usr/bin/env bash
# Installs npm dependencies from the lockfile when they are missing or older than it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/node-22.sh
# A link to another checkout's dependencies (a benchmark's worktree, tools/bench/suite-against.ts, which
# links them only when the lockfiles agree): `npm ci` here would empty that checkout's node_modules.
[ -L node_modules ] && exit 0
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[npm] installing dependencies from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
