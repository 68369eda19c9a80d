#!/usr/bin/env bash
# `npm test` runs this: fails on a high or critical advisory against a production dependency
# (`npm audit --omit=dev`). Where the registry's advisory endpoint does not answer (some registries and
# mirrors refuse it with 405), it says so in one line and judges nothing.
# With a file argument, judges that saved `npm audit --json` report instead of asking the registry.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/node-22.sh
if [ $# -gt 0 ]; then report=$(cat "$1"); else report=$(npm audit --omit=dev --json 2>/dev/null || true); fi
node -e '
  const text = require("fs").readFileSync(0, "utf8");
  let report = {};
  try { report = JSON.parse(text); } catch { /* no report at all */ }
  if (!report.metadata) {
    console.error(`[audit] the advisory endpoint gave no report (${report.statusCode ?? report.message ?? "no answer"}): production dependencies not checked`);
    process.exit(0);
  }
  const counts = report.metadata.vulnerabilities;
  console.error(`[audit] production dependencies: ${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low`);
  const blocking = Object.values(report.vulnerabilities ?? {}).filter((v) => v.severity === "high" || v.severity === "critical");
  if (blocking.length > 0) {
    console.error(`[audit] upgrade or replace: ${blocking.map((v) => `${v.name} (${v.severity})`).join(", ")}`);
    process.exit(1);
  }
' <<<"$report"
