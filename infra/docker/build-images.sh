#!/usr/bin/env bash
# Builds the gateway's images (broker, proxy, simulator) from infra/docker/Dockerfile for one platform,
# handing the build the machine's npm registry and CA bundle as BuildKit secrets.
#
# Usage: infra/docker/build-images.sh [--platform linux/amd64|linux/arm64] [--local-base] [--tag TAG] [SERVICE...]
#   --platform    target platform (default: this machine's)
#   --local-base  use the locally built gateway/node-base:22-bookworm-<arch> images
#                 (infra/base-image/build.sh) instead of node:22-bookworm-slim from a registry
#   --tag         image tag (default: latest); images are tagged gateway/<service>:<tag>-<arch>, and
#                 gateway/<service>:<tag> too when the platform is this machine's
#   SERVICE       broker, proxy, simulator (default: all three)
# Environment:
#   NPM_REGISTRY  registry URL handed to the build (default: `npm config get registry` when npm exists)
#   NPM_CA_FILE   CA bundle handed to the build (default: $NODE_EXTRA_CA_CERTS, else
#                 /etc/ssl/certs/ca-certificates.crt when it exists); set it empty to hand none
#   BASE_IMAGE, BUILD_BASE_IMAGE  override the base images explicitly
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

arch_of() { case "$1" in x86_64|amd64) echo amd64 ;; aarch64|arm64) echo arm64 ;; *) echo "$1" ;; esac; }
host_arch="$(arch_of "$(uname -m)")"
platform="linux/$host_arch" local_base=0 tag=latest services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --platform) platform="${2:?}"; shift 2 ;;
    --platform=*) platform="${1#--platform=}"; shift ;;
    --local-base) local_base=1; shift ;;
    --tag) tag="${2:?}"; shift 2 ;;
    --tag=*) tag="${1#--tag=}"; shift ;;
    broker|proxy|simulator) services+=("$1"); shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-images: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#services[@]} -gt 0 ] || services=(broker proxy simulator)
arch="$(arch_of "${platform#linux/}")"

if [ "$local_base" -eq 1 ]; then
  BASE_IMAGE="${BASE_IMAGE:-gateway/node-base:22-bookworm-$arch}"
  BUILD_BASE_IMAGE="${BUILD_BASE_IMAGE:-gateway/node-base:22-bookworm-$host_arch}"
fi
BASE_IMAGE="${BASE_IMAGE:-node:22-bookworm-slim}"
BUILD_BASE_IMAGE="${BUILD_BASE_IMAGE:-node:22-bookworm-slim}"

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
secrets=()
registry="${NPM_REGISTRY-$(npm config get registry 2>/dev/null || true)}"
if [ -n "$registry" ]; then
  printf '%s\n' "$registry" >"$tmp/npm_registry"
  secrets+=(--secret "id=npm_registry,src=$tmp/npm_registry")
fi
default_ca=""
[ -s /etc/ssl/certs/ca-certificates.crt ] && default_ca=/etc/ssl/certs/ca-certificates.crt
ca="${NPM_CA_FILE-${NODE_EXTRA_CA_CERTS:-$default_ca}}"
[ -n "$ca" ] && secrets+=(--secret "id=npm_ca,src=$ca")

docker=(docker)
[ -x /usr/bin/docker ] && docker=(/usr/bin/docker)   # Debian's 20.10 client builds with BuildKit, no buildx needed
for service in "${services[@]}"; do
  names=("gateway/$service:$tag-$arch")
  [ "$arch" = "$host_arch" ] && names+=("gateway/$service:$tag")
  tags=(); for name in "${names[@]}"; do tags+=(-t "$name"); done
  started=$SECONDS
  echo "build-images: $service for $platform (base $BASE_IMAGE, build stage $BUILD_BASE_IMAGE)" >&2
  DOCKER_BUILDKIT=1 "${docker[@]}" build --progress=plain --platform "$platform" \
    -f "$root/infra/docker/Dockerfile" --target "$service" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "BUILD_BASE_IMAGE=$BUILD_BASE_IMAGE" \
    "${secrets[@]}" "${tags[@]}" "$root"
  echo "build-images: built ${names[*]} in $((SECONDS - started))s" >&2
done
