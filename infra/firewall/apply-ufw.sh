#!/usr/bin/env bash
# Sets up the gateway's host firewall with ufw, for hosts that manage their firewall with ufw
# rather than with gateway.nft: SSH, the proxy's raw MQTT and WebSocket + dashboard ports open,
# the broker's own ports denied, IPv4 and IPv6 alike. Safe to re-run: it adds rules (ufw skips
# ones it already has), never resets ufw and leaves rules it did not write alone.
#
# Usage: apply-ufw.sh [--dry-run | --help]
#   (no option)  run the ufw commands (needs root)
#   --dry-run    print the exact commands, one a line, with notes as `#` lines; changes nothing
# Environment (defaults in brackets):
#   SSH_PORT [22]  MQTT_PORT [18831]  WS_PORT [8020]  BROKER_PORTS ["1883 8001"] (spaces or commas)
#   UFW [ufw]      the ufw binary to use
#   UFW_DEFAULTS [/etc/default/ufw]  ufw's defaults file, where IPV6=yes is set
set -euo pipefail

ufw_bin="${UFW:-ufw}"
ufw_defaults="${UFW_DEFAULTS:-/etc/default/ufw}"
ssh_port="${SSH_PORT:-22}"
mqtt_port="${MQTT_PORT:-18831}"
ws_port="${WS_PORT:-8020}"
broker_ports="${BROKER_PORTS:-1883 8001}"

die() {
  echo "apply-ufw: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

check_port() {
  if ! [[ "$2" =~ ^[1-9][0-9]{0,4}$ ]] || [ "$2" -gt 65535 ]; then
    die "$1 must be a TCP port number (1-65535), got '$2'"
  fi
}

dry_run=false
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=true ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown option '$1'" ;;
esac
[ $# -le 1 ] || die "takes at most one option, got: $*"

check_port SSH_PORT "$ssh_port"
check_port MQTT_PORT "$mqtt_port"
check_port WS_PORT "$ws_port"
read -r -a broker_list <<<"${broker_ports//,/ }"
[ ${#broker_list[@]} -gt 0 ] || die "BROKER_PORTS must name at least one port"
for port in "${broker_list[@]}"; do
  check_port BROKER_PORTS "$port"
  for open in "$ssh_port" "$mqtt_port" "$ws_port"; do
    [ "$port" != "$open" ] || die "port $port is both allowed and in BROKER_PORTS"
  done
done

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
ipv6_setting="$(sed -n 's/^IPV6=//p' "$ufw_defaults" 2>/dev/null | tail -n 1 | tr -d '"')"
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
# Deny rules go to the top (prepend), so an allow-all rule someone added earlier cannot open them.
for port in "${broker_list[@]}"; do
  run "$ufw_bin" prepend deny "$port/tcp" comment "broker port: reached through the proxy only"
done
run "$ufw_bin" --force enable
