#!/usr/bin/env bash
# Installs the Debian packages named after PURPOSE with apt, as root or with passwordless sudo;
# otherwise prints the apt-get line to run and fails. Callers decide which packages are missing.
# Usage: apt-install-missing.sh "PURPOSE" PACKAGE...
set -euo pipefail
purpose="$1"
shift
[ $# -gt 0 ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "$purpose need Debian packages: $*" >&2
  echo "Install them with: sudo apt-get install -y $*" >&2
  exit 1
fi
echo "Installing what $purpose need: $*" >&2
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
