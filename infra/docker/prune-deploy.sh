#!/bin/sh
# Trims a `pnpm deploy` output folder (DIR) down to what runs: removes the TypeScript sources, tool
# configs and caches of the service and of the workspace packages copied into its node_modules, and
# the classic-level prebuilt binaries of platforms the images never run on (kept: linux-x64, linux-arm64).
# Third-party packages are left as published.
set -eu
dir="${1:?usage: prune-deploy.sh DIR}"
for pkg in "$dir" "$dir"/node_modules/.pnpm/@gateway+*/node_modules/@gateway/*; do
  [ -d "$pkg" ] || continue
  rm -rf "$pkg/src" "$pkg/.turbo" "$pkg/test-results" "$pkg"/tsconfig*.json "$pkg"/eslint.config.* \
    "$pkg"/vitest*.config.* "$pkg/README.md"
done
rm -f "$dir/pnpm-workspace.yaml"
for prebuilds in "$dir"/node_modules/.pnpm/classic-level@*/node_modules/classic-level/prebuilds; do
  [ -d "$prebuilds" ] || continue
  for platform in "$prebuilds"/*; do
    case "${platform##*/}" in linux-x64|linux-arm64) ;; *) rm -rf "$platform" ;; esac
  done
done
