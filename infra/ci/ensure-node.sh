#!/usr/bin/env bash
# Makes Node.js 22 available: when the `node` on PATH is older than 22, installs the official
# binary from the npm registry (package node-linux-<arch>) into .tools/node and prints the bin dir.
# Usage: eval "$(infra/ci/ensure-node.sh)"  (prints an `export PATH=...` line)
set -euo pipefail
NODE_VERSION="${NODE_VERSION:-22.23.3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/.tools/node-$NODE_VERSION"

current_major=0
if command -v node >/dev/null 2>&1; then
  current_major="$(node -p 'process.versions.node.split(".")[0]')"
fi
if [ "$current_major" -ge 22 ]; then
  exit 0
fi

if [ ! -x "$dest/bin/node" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "ensure-node: unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION" >/dev/null)
  mkdir -p "$dest"
  tar -xzf "$tmp"/node-linux-*.tgz -C "$dest" --strip-components=1
  rm -rf "$tmp"
  echo "ensure-node: installed Node $NODE_VERSION into $dest" >&2
fi
echo "export PATH=\"$dest/bin:\$PATH\""
