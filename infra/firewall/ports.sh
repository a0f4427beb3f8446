# Sourced by apply-nftables.sh and apply-ufw.sh: the firewall's port settings from the environment,
# validated. The caller defines die(). Sets ssh_port, mqtt_port, ws_port and the array broker_list.
# shellcheck shell=bash

ssh_port="${SSH_PORT:-22}"
mqtt_port="${MQTT_PORT:-18831}"
ws_port="${WS_PORT:-8020}"
broker_ports="${BROKER_PORTS:-1883 8001}"

check_port() {
  if ! [[ "$2" =~ ^[1-9][0-9]{0,4}$ ]] || [ "$2" -gt 65535 ]; then
    die "$1 must be a TCP port number (1-65535), got '$2'"
  fi
}

# validate_ports: every port is a port number, BROKER_PORTS names at least one, and no broker port
# is also one of the allowed ones.
validate_ports() {
  check_port SSH_PORT "$ssh_port"
  check_port MQTT_PORT "$mqtt_port"
  check_port WS_PORT "$ws_port"
  read -r -a broker_list <<<"${broker_ports//,/ }"
  [ ${#broker_list[@]} -gt 0 ] || die "BROKER_PORTS must name at least one port"
  local port open
  for port in "${broker_list[@]}"; do
    check_port BROKER_PORTS "$port"
    for open in "$ssh_port" "$mqtt_port" "$ws_port"; do
      [ "$port" != "$open" ] || die "port $port is both allowed and in BROKER_PORTS"
    done
  done
}
