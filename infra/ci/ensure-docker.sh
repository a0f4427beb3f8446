#!/usr/bin/env bash
# Prepares Docker on a Debian bookworm machine: the engine (docker.io), the compose v2 and buildx CLI
# plugins (from trixie, which bookworm lacks), arm64 emulation (qemu-user-static), a running daemon,
# and the local Node.js base images (infra/base-image/build.sh) when they are missing.
# Idempotent: prints one line per thing it did and nothing when all is there.
# Usage: infra/ci/ensure-docker.sh [--no-base-images]
#   BASE_IMAGE_ARCHES="amd64 arm64"   which base images to make sure of (default: both)
#   DOCKERD_WAIT=60                    seconds to wait for a freshly started daemon
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
COMPOSE_VERSION="${COMPOSE_VERSION:-2.26.1-4}"
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
with_base_images=1
for arg in "$@"; do
  case "$arg" in
    --no-base-images) with_base_images=0 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ensure-docker: unknown argument $arg" >&2; exit 2 ;;
  esac
done

say() { echo "ensure-docker: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
trap 'fail "command \"$BASH_COMMAND\" exited with $? (line $LINENO)"' ERR

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  fail "needs root (or passwordless sudo) to install packages and start dockerd"
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    "${as_root[@]}" apt-get update -qq >/dev/null || fail "apt-get update failed"
    apt_updated=1
  fi
  local out
  out="$("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" 2>&1)" \
    || { echo "$out" >&2; fail "apt-get install $* failed"; }
  say "installed $* (apt)"
}

# The URI apt's own sources use for the main Debian archive (a mirror on some sites).
debian_mirror() {
  local uri
  # shellcheck disable=SC2016 # $(REPO_URI) is apt's format placeholder, not a shell expansion
  uri="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null \
    | awk '$2 == "bookworm" { print $1; exit }')"
  if [ -z "$uri" ]; then
    uri="$(grep -rhoE '^(deb[[:space:]]+(\[[^]]*\][[:space:]]+)?|URIs:[[:space:]]*)[a-z]+://[^[:space:]]+' \
      /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | grep -v -- '-security' \
      | grep -oE '[a-z]+://[^[:space:]]+' | head -n1 || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# --- engine
if ! command -v dockerd >/dev/null 2>&1 && ! [ -x /usr/sbin/dockerd ]; then
  apt_install docker.io
fi

# --- compose v2 and buildx plugins, downloaded from trixie without touching the machine's sources
plugins_ok() {
  docker compose version >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1
}
if ! plugins_ok; then
  tmp="$(mktemp -d)"
  mirror="$(debian_mirror)"
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/sources.list.d" "$tmp/debs"
  echo "deb $mirror trixie main" >"$tmp/sources.list"
  apt_tmp=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o "Dir::Etc::SourceParts=$tmp/sources.list.d"
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  apt-get "${apt_tmp[@]}" update -qq >/dev/null || fail "could not read trixie's package index from $mirror"
  (cd "$tmp/debs" && apt-get "${apt_tmp[@]}" download -qq "docker-compose=$COMPOSE_VERSION" docker-buildx >/dev/null) \
    || fail "apt-get download docker-compose=$COMPOSE_VERSION docker-buildx (trixie, $mirror) failed"
  for deb in "$tmp"/debs/*.deb; do dpkg -x "$deb" "$tmp/root"; done
  "${as_root[@]}" mkdir -p "$PLUGIN_DIR"
  "${as_root[@]}" cp "$tmp"/root/usr/libexec/docker/cli-plugins/* "$PLUGIN_DIR/"
  rm -rf "$tmp"
  plugins_ok || fail "docker compose / docker buildx do not run after installing them into $PLUGIN_DIR"
  say "installed docker compose $(docker compose version --short) and buildx $(docker buildx version | awk '{print $2}') from trixie into $PLUGIN_DIR"
fi

# --- arm64 emulation
if ! [ -x /usr/bin/qemu-aarch64-static ] || ! command -v update-binfmts >/dev/null 2>&1; then
  apt_install qemu-user-static binfmt-support
fi
if ! [ -e /proc/sys/fs/binfmt_misc/register ]; then
  "${as_root[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || fail "cannot mount binfmt_misc"
  say "mounted binfmt_misc"
fi
if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
  "${as_root[@]}" update-binfmts --enable qemu-aarch64 || fail "update-binfmts --enable qemu-aarch64 failed"
  grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || fail "qemu-aarch64 binfmt handler is not enabled"
  say "enabled arm64 emulation (qemu-aarch64 binfmt handler)"
fi

# --- daemon
if ! docker info >/dev/null 2>&1; then
  if ! pgrep -x dockerd >/dev/null; then
    "${as_root[@]}" setsid sh -c 'exec dockerd >/var/log/dockerd.log 2>&1' </dev/null &
    say "started dockerd (log: /var/log/dockerd.log)"
  fi
  deadline=$((SECONDS + ${DOCKERD_WAIT:-60}))
  until docker info >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "docker info still fails after ${DOCKERD_WAIT:-60}s; see /var/log/dockerd.log"
    sleep 1
  done
fi

# --- local base images (no container registry here)
if [ "$with_base_images" -eq 1 ]; then
  missing=()
  for arch in ${BASE_IMAGE_ARCHES:-amd64 arm64}; do
    docker image inspect "gateway/node-base:22-bookworm-$arch" >/dev/null 2>&1 || missing+=(--arch "$arch")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    "$root/infra/base-image/build.sh" --if-missing "${missing[@]}" || fail "infra/base-image/build.sh failed"
  fi
fi
