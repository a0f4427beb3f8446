#!/usr/bin/env bash
# Builds the Node.js 22 base images gateway/node-base:22-bookworm-<arch> without a container registry:
# a Debian bookworm minbase root filesystem (debootstrap, from the Debian mirror apt already uses),
# the official Node binary and npm (both from the npm registry), ca-certificates and a non-root user
# `node` (uid/gid 1000), imported through a `FROM scratch` build so the image has the right
# Architecture. Root filesystems are cached in .data/base-image/ (git-ignored); see README.md here.
#
# Usage: infra/base-image/build.sh [--arch amd64|arm64]... [--if-missing] [--rebuild] [--mirror URI]
#   --arch       architecture to build; repeatable (default: amd64 and arm64)
#   --if-missing skip an architecture whose image already exists
#   --rebuild    make the root filesystem again even when a cached tarball exists
#   --mirror     Debian mirror for debootstrap (default: the URI apt's own sources use)
#   NODE_VERSION (22.23.3), NPM_VERSION (10.9.9), BASE_IMAGE_CACHE (.data/base-image) override.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
NODE_VERSION="${NODE_VERSION:-22.23.3}"
NPM_VERSION="${NPM_VERSION:-10.9.9}"
SUITE=bookworm
cache="${BASE_IMAGE_CACHE:-$root/.data/base-image}"
arches=() if_missing=0 rebuild=0 mirror=""

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arches+=("${2:?--arch needs amd64 or arm64}"); shift 2 ;;
    --arch=*) arches+=("${1#--arch=}"); shift ;;
    --if-missing) if_missing=1; shift ;;
    --rebuild) rebuild=1; shift ;;
    --mirror) mirror="${2:?--mirror needs a URI}"; shift 2 ;;
    --mirror=*) mirror="${1#--mirror=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "base-image: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64)

say() { echo "base-image: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root: debootstrap and the root filesystem's file owners need it"
command -v docker >/dev/null || fail "docker is missing; run infra/ci/ensure-docker.sh first"
docker_build=(docker build)
[ -x /usr/bin/docker ] && docker_build=(/usr/bin/docker build)   # Debian's 20.10 client: BuildKit without buildx

tag_of() { echo "gateway/node-base:22-$SUITE-$1"; }
node_arch_of() {
  case "$1" in
    amd64) echo x64 ;;
    arm64) echo arm64 ;;
    *) fail "unsupported architecture $1 (amd64 or arm64)" ;;
  esac
}
for arch in "${arches[@]}"; do node_arch_of "$arch" >/dev/null; done

debian_mirror() {
  local uri
  # shellcheck disable=SC2016 # $(REPO_URI) is apt's format placeholder, not a shell expansion
  uri="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null \
    | awk -v suite="$SUITE" '$2 == suite { print $1; exit }')"
  echo "${uri:-http://deb.debian.org/debian}"
}

# An npm package's tarball, downloaded once into the cache (npm pack honours the machine's registry and CA).
npm_tarball() {
  local spec="$1" name="${1%@*}" version="${1##*@}" file
  file="$cache/downloads/$name-$version.tgz"
  if [ ! -s "$file" ]; then
    mkdir -p "$cache/downloads"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1) || { rm -rf "$tmp"; fail "npm pack $spec failed"; }
    mv "$tmp"/*.tgz "$file"; rm -rf "$tmp"
  fi
  echo "$file"
}

# Removes a work folder, first unmounting what an interrupted debootstrap may have left mounted in it.
release_work() {
  local mount
  for mount in $(awk -v dir="$1/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mount" 2>/dev/null || true
  done
  rm -rf "$1"
}

# Makes $cache/rootfs-<suite>-node<version>-<arch>.tar: minbase + ca-certificates + node + npm + user node.
make_rootfs() {
  local arch="$1" tar="$2" started=$SECONDS
  local work="$cache/work-$arch"
  command -v debootstrap >/dev/null || {
    say "installing debootstrap (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } \
      || fail "apt-get install debootstrap failed"
  }
  if [ "$arch" != "$(dpkg --print-architecture)" ] && ! grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-${arch/arm64/aarch64}" 2>/dev/null; then
    fail "no emulation for $arch: run infra/ci/ensure-docker.sh (qemu-user-static + binfmt) first"
  fi
  [ -n "$mirror" ] || mirror="$(debian_mirror)"
  release_work "$work"; mkdir -p "$work"
  say "debootstrap --variant=minbase --arch=$arch $SUITE from $mirror (log: $work.log)"
  debootstrap --variant=minbase --arch="$arch" --include=ca-certificates "$SUITE" "$work/rootfs" "$mirror" >"$work.log" 2>&1 \
    || { tail -n 20 "$work.log" >&2; fail "debootstrap for $arch failed (full log: $work.log)"; }

  local rootfs="${work:?}/rootfs" node_tgz npm_tgz
  node_tgz="$(npm_tarball "node-linux-$(node_arch_of "$arch")@$NODE_VERSION")"
  npm_tgz="$(npm_tarball "npm@$NPM_VERSION")"
  tar -xzf "$node_tgz" -C "$rootfs/usr/local/bin" --strip-components=2 package/bin/node
  chown 0:0 "$rootfs/usr/local/bin/node"; chmod 755 "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  # The host's shadow tools edit the root filesystem's /etc in place (no emulated binaries involved).
  groupadd --root "$rootfs" --gid 1000 node
  useradd --root "$rootfs" --uid 1000 --gid node --shell /bin/bash --create-home node

  # Slim like Debian's -slim images: no manuals, translations or docs (copyright files stay), now or
  # for packages installed later.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old "${rootfs:?}"/tmp/* "${rootfs:?}"/dev/*
  tar --numeric-owner -C "$rootfs" -cf "$tar.partial" . && mv "$tar.partial" "$tar"
  release_work "$work"
  say "root filesystem for $arch ready in $((SECONDS - started))s: $tar ($(du -h "$tar" | cut -f1))"
}

import_image() {
  local arch="$1" tar="$2" tag ctx started=$SECONDS
  tag="$(tag_of "$arch")"
  ctx="$cache/context-$arch"
  rm -rf "$ctx"; mkdir -p "$ctx"
  ln "$tar" "$ctx/rootfs.tar" 2>/dev/null || cp "$tar" "$ctx/rootfs.tar"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 NODE_VERSION=$NODE_VERSION
LABEL org.opencontainers.image.title="gateway/node-base" \\
      org.opencontainers.image.description="Debian $SUITE minbase + Node.js $NODE_VERSION + npm $NPM_VERSION, user node (1000), built by infra/base-image/build.sh"
CMD ["node"]
DOCKERFILE
  DOCKER_BUILDKIT=1 "${docker_build[@]}" --quiet --platform "linux/$arch" -t "$tag" "$ctx" >/dev/null \
    || fail "docker build of $tag failed"
  rm -rf "$ctx"
  local got; got="$(docker image inspect --format '{{.Architecture}}' "$tag")"
  [ "$got" = "$arch" ] || fail "$tag has Architecture $got, expected $arch"
  local checked="node not started: no $arch emulation here"
  if [ "$arch" = "$(dpkg --print-architecture)" ] || grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-${arch/arm64/aarch64}" 2>/dev/null; then
    local version; version="$(docker run --rm --platform "linux/$arch" "$tag" node --version)"
    [ "$version" = "v$NODE_VERSION" ] || fail "node --version in $tag printed '$version'"
    checked="node $version runs"
  fi
  say "built $tag ($arch, $checked, $(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')) in $((SECONDS - started))s"
}

mkdir -p "$cache"
for arch in "${arches[@]}"; do
  tag="$(tag_of "$arch")"
  if [ "$if_missing" -eq 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    continue
  fi
  tar="$cache/rootfs-$SUITE-node$NODE_VERSION-npm$NPM_VERSION-$arch.tar"
  if [ "$rebuild" -eq 1 ] || [ ! -s "$tar" ]; then
    make_rootfs "$arch" "$tar"
  else
    say "using cached root filesystem $tar"
  fi
  import_image "$arch" "$tar"
done
