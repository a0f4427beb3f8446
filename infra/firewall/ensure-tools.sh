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
exec bash "$(dirname "$0")/../ci/apt-install-missing.sh" "The firewall scripts and tests" "${missing[@]}"
