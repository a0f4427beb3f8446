#!/usr/bin/env bash
# Loads the gateway's host firewall (gateway.nft, table inet gateway_firewall) into nftables,
# replacing an earlier copy of that table in one atomic transaction and leaving every other table
# (Docker's iptables-nft rules included) alone.
#
# Usage: apply-nftables.sh [--dry-run | --remove | --help]
#   (no option)  render gateway.nft with the ports below and load it (needs root)
#   --dry-run    print the rendered ruleset and, when nft is installed, check it with `nft -c -f`;
#                changes nothing
#   --remove     delete table inet gateway_firewall (nothing else); fine when it is not loaded
# Environment (defaults in brackets):
#   SSH_PORT [22]       MQTT_PORT [18831]  WS_PORT [8020]    the proxy's raw MQTT, WebSocket + dashboard
#   MQTTS_PORT [8883]   WSS_PORT [8443]                      the proxy's MQTT over TLS, WebSocket over TLS
#   BROKER_PORTS ["1883 8001"]  closed to the network (spaces or commas); none may be an allowed port
#   NFT [nft]           the nft binary to use
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ruleset_file="$here/gateway.nft"
table_family="inet"
table_name="gateway_firewall"
nft_bin="${NFT:-nft}"

die() {
  echo "apply-nftables: $*" >&2
  exit 1
}
# shellcheck source-path=SCRIPTDIR source=ports.sh
. "$here/ports.sh"

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

mode="apply"
case "${1:-}" in
  "") ;;
  --dry-run) mode="dry-run" ;;
  --remove) mode="remove" ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown option '$1'" ;;
esac
[ $# -le 1 ] || die "takes at most one option, got: $*"

validate_ports
broker_set="{ $(printf '%s, ' "${broker_list[@]}" | sed 's/, $//') }"

# render: gateway.nft with its `define` lines set from the environment. Fails when the file no
# longer has one of them, so a renamed variable cannot silently keep its default.
render() {
  [ -r "$ruleset_file" ] || die "cannot read $ruleset_file"
  awk -v ssh="$ssh_port" -v mqtt="$mqtt_port" -v ws="$ws_port" -v mqtts="$mqtts_port" -v wss="$wss_port" -v broker="$broker_set" '
    /^define SSH_PORT = /     { print "define SSH_PORT = " ssh; seen["SSH_PORT"] = 1; next }
    /^define MQTT_PORT = /    { print "define MQTT_PORT = " mqtt; seen["MQTT_PORT"] = 1; next }
    /^define WS_PORT = /      { print "define WS_PORT = " ws; seen["WS_PORT"] = 1; next }
    /^define MQTTS_PORT = /   { print "define MQTTS_PORT = " mqtts; seen["MQTTS_PORT"] = 1; next }
    /^define WSS_PORT = /     { print "define WSS_PORT = " wss; seen["WSS_PORT"] = 1; next }
    /^define BROKER_PORTS = / { print "define BROKER_PORTS = " broker; seen["BROKER_PORTS"] = 1; next }
    { print }
    END {
      n = split("SSH_PORT MQTT_PORT WS_PORT MQTTS_PORT WSS_PORT BROKER_PORTS", names, " ")
      for (i = 1; i <= n; i++) if (!(names[i] in seen)) { print "missing define " names[i] > "/dev/stderr"; exit 1 }
    }' "$ruleset_file" || die "$ruleset_file lacks a define line the script sets"
}

have_nft() { command -v "$nft_bin" >/dev/null 2>&1; }

need_nft() {
  have_nft || die "'$nft_bin' not found: install the nftables package (infra/firewall/ensure-tools.sh does)"
  [ "$(id -u)" -eq 0 ] || die "loading firewall rules needs root (try: sudo $0 ${1:-})"
}

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

case "$mode" in
  dry-run)
    render >"$tmp"
    cat "$tmp"
    if ! have_nft; then
      echo "# apply-nftables: dry run, '$nft_bin' not installed: ruleset not checked" >&2
    elif [ "$(id -u)" -ne 0 ]; then
      echo "# apply-nftables: dry run, not root: ruleset not checked (nft -c needs root)" >&2
    else
      "$nft_bin" -c -f "$tmp" || die "the rendered ruleset does not pass 'nft -c -f'"
      echo "# apply-nftables: dry run, ruleset checked with nft -c; nothing changed" >&2
    fi
    ;;
  apply)
    need_nft
    render >"$tmp"
    "$nft_bin" -f "$tmp" || die "nft rejected the ruleset; nothing changed (the transaction is atomic)"
    echo "apply-nftables: loaded table $table_family $table_name (SSH $ssh_port, MQTT $mqtt_port, WebSocket $ws_port, MQTT over TLS $mqtts_port, WebSocket over TLS $wss_port open; ${broker_list[*]} closed)" >&2
    ;;
  remove)
    need_nft --remove
    # Same idiom as in gateway.nft: create-if-missing then delete, in one transaction.
    printf 'table %s %s\ndelete table %s %s\n' "$table_family" "$table_name" "$table_family" "$table_name" >"$tmp"
    "$nft_bin" -f "$tmp" || die "could not delete table $table_family $table_name"
    echo "apply-nftables: removed table $table_family $table_name (other tables untouched)" >&2
    ;;
esac
