#!/usr/bin/env bash
# Makes sure the host firewall tools and what their tests drive are installed: nft (nftables),
# ip (iproute2, network namespaces) and ufw (for the ufw script's test; installing it does not
# enable it). Installs the missing ones with apt when run as root (or with passwordless sudo);
# otherwise names the packages and fails.
# Usage: bash infra/firewall/ensure-tools.sh [--without-ufw]
set -euo pipefail
with_ufw=true
[ "${1:-}" = "--without-ufw" ] && with_ufw=false

# Tools live in /usr/sbin, which a non-root PATH may lack.
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

missing=()
has nft || missing+=(nftables)
has ip || missing+=(iproute2)
if $with_ufw; then has ufw || missing+=(ufw); fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "The firewall scripts and tests need Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing the firewall tools: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
