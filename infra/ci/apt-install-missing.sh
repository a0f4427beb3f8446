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
# Installed for the tests, not as system services: a system Mosquitto would hold port 1883 (which the
# broker of `pnpm dev` uses) and NGINX port 80. A policy-rc.d that answers 101 keeps Debian's maintainer
# scripts from starting them (one already there, as in Docker images, is left as it is), and on a
# systemd machine the services this install added are disabled, so they do not start at boot either.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  "${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
if [ -d /run/systemd/system ]; then
  for service in mosquitto nginx; do
    case " $* " in *" $service "*) "${as_root[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true ;; esac
  done
fi
