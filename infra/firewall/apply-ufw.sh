#!/usr/bin/env bash
# Sets up the gateway's host firewall with ufw, for hosts that manage their firewall with ufw
# rather than with gateway.nft: SSH, the proxy's raw MQTT and WebSocket + dashboard ports and the
# same two over TLS open, the broker's own ports denied, IPv4 and IPv6 alike. Safe to re-run: it
# adds rules (ufw skips ones it already has) and never resets ufw. It leaves rules it did not write
# alone, except an `allow <broker port>/tcp` rule, which it deletes (see below).
#
# Usage: apply-ufw.sh [--dry-run | --help]
#   (no option)  run the ufw commands (needs root)
#   --dry-run    print the exact commands, one a line, with notes as `#` lines; changes nothing
# Environment (defaults in brackets):
#   SSH_PORT [22]       MQTT_PORT [18831]  WS_PORT [8020]    the proxy's raw MQTT, WebSocket + dashboard
#   MQTTS_PORT [8883]   WSS_PORT [8443]                      the proxy's MQTT over TLS, WebSocket over TLS
#   BROKER_PORTS ["1883 8001"]  denied (spaces or commas); none may be an allowed port
#   UFW [ufw]           the ufw binary to use
#   UFW_DEFAULTS [/etc/default/ufw]   ufw's defaults file, where IPV6=yes is set
set -euo pipefail

ufw_bin="${UFW:-ufw}"
ufw_defaults="${UFW_DEFAULTS:-/etc/default/ufw}"

die() {
  echo "apply-ufw: $*" >&2
  exit 1
}
# shellcheck source-path=SCRIPTDIR source=ports.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ports.sh"

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

dry_run=false
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=true ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown option '$1'" ;;
esac
[ $# -le 1 ] || die "takes at most one option, got: $*"

validate_ports

if ! $dry_run; then
  command -v "$ufw_bin" >/dev/null 2>&1 || die "'$ufw_bin' not found: install it with apt-get install -y ufw"
  [ "$(id -u)" -eq 0 ] || die "changing the firewall needs root (try: sudo $0)"
fi

# quote ARG: the argument as a shell word (single quotes only when needed), for printing.
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=+-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}

# run CMD...: print it (dry run) or run it.
run() {
  if $dry_run; then
    local word line=""
    for word in "$@"; do line+="${line:+ }$(quote "$word")"; done
    printf '%s\n' "$line"
  else
    "$@"
  fi
}

note() {
  if $dry_run; then printf '# %s\n' "$*"; else echo "apply-ufw: $*" >&2; fi
}

# IPv6: with IPV6=yes every rule below is written for IPv4 and IPv6; with IPV6=no ufw would leave
# IPv6 wide open to the broker's ports. Change only that one line of the defaults file.
# (A missing defaults file is the "no IPV6= line" case, not a reason to stop.)
ipv6_setting=""
if [ -r "$ufw_defaults" ]; then
  ipv6_setting="$(sed -n 's/^IPV6=//p' "$ufw_defaults" | tail -n 1 | tr -d '"')"
fi
if [ "$ipv6_setting" = "yes" ]; then
  note "IPv6: IPV6=yes in $ufw_defaults, so each rule below covers IPv4 and IPv6"
elif [ -f "$ufw_defaults" ] && grep -q '^IPV6=' "$ufw_defaults"; then
  note "IPv6: $ufw_defaults has IPV6=${ipv6_setting:-?}; setting IPV6=yes so each rule covers IPv4 and IPv6"
  run sed -i 's/^IPV6=.*/IPV6=yes/' "$ufw_defaults"
else
  note "IPv6: no IPV6= line in $ufw_defaults; adding IPV6=yes so each rule covers IPv4 and IPv6"
  if $dry_run; then
    printf '%s\n' "echo IPV6=yes >> $(quote "$ufw_defaults")"
  else
    echo "IPV6=yes" >>"$ufw_defaults"
  fi
fi

run "$ufw_bin" default deny incoming
run "$ufw_bin" default allow outgoing
# SSH first, so enabling ufw below can never lock out the session that runs this script.
run "$ufw_bin" allow "$ssh_port/tcp" comment "SSH"
run "$ufw_bin" allow "$mqtt_port/tcp" comment "gateway proxy: raw MQTT"
run "$ufw_bin" allow "$ws_port/tcp" comment "gateway proxy: MQTT over WebSocket and the dashboard"
run "$ufw_bin" allow "$mqtts_port/tcp" comment "gateway proxy: MQTT over TLS"
run "$ufw_bin" allow "$wss_port/tcp" comment "gateway proxy: MQTT over WebSocket and the dashboard, over TLS"
# Deny rules go to the top (prepend), so an allow-all rule someone added earlier cannot open them.
# ufw counts an `allow <port>/tcp` rule as the same rule as `deny <port>/tcp` and skips inserting
# the deny ("Skipping inserting existing rule"), which would leave the port open: delete such an
# allow rule first (ufw says "Could not delete non-existent rule" and goes on when there is none).
for port in "${broker_list[@]}"; do
  run "$ufw_bin" delete allow "$port/tcp"
  run "$ufw_bin" prepend deny "$port/tcp" comment "broker port: reached through the proxy only"
done
run "$ufw_bin" --force enable
