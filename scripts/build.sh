#!/usr/bin/env bash
# `npm run build`: compiles every app and lib into dist/ (dist/apps/<app>/src/main.js is what the image
# and the tests run). The apps share tsconfig.build.json, so one compile of the program emits them all:
# `nest build` of the default project takes a fifth of `nest build --all`, which compiles it once per app.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/run.sh npx nest build
