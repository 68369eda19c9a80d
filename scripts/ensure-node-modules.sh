#!/usr/bin/env bash
# Installs npm dependencies from the lockfile when they are missing or older than it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then echo "Node.js 20 or newer is required (found $(node --version 2>/dev/null || echo none))" >&2; exit 1; fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[npm] installing dependencies from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
