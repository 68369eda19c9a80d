#!/usr/bin/env bash
# Makes XGBoost's JVM jars (Apache-2.0, with their native library) available under .cache/xgboost/libs,
# resolved from Maven Central by infra/xgboost/pom.xml. Used by `npm run train`. Prints the classpath.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIBS="$ROOT/.cache/xgboost/libs"
log() { echo "[xgboost] $*" >&2; }
if [ ! -f "$LIBS/.complete" ]; then
  command -v mvn >/dev/null || { log "maven is required (apt-get install -y maven)"; exit 1; }
  command -v java >/dev/null || { log "a JDK (17+) is required (apt-get install -y default-jdk-headless)"; exit 1; }
  log "resolving xgboost4j from Maven Central into $LIBS (once)"
  rm -rf "$LIBS"
  mvn -q -B -f "$ROOT/infra/xgboost/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime >&2
  touch "$LIBS/.complete"
fi
echo "$LIBS/*"
