#!/usr/bin/env bash
# Installs the pnpm version named in package.json's packageManager field with npm when it is not
# already the pnpm on PATH (corepack cannot verify signatures behind a registry mirror).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
wanted="$(node -p "require('$root/package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$wanted" ]; then
  npm install --global --no-fund --no-audit "pnpm@$wanted" >&2
fi
pnpm --version >/dev/null
