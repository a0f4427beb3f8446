# Sourced by apply-nftables.sh and apply-ufw.sh: the firewall's port settings from the environment,
# validated. The caller defines die(). Sets ssh_port, mqtt_port, ws_port, mqtts_port, wss_port and the
# arrays allowed_list (those five) and broker_list.
# shellcheck shell=bash

ssh_port="${SSH_PORT:-22}"
mqtt_port="${MQTT_PORT:-18831}"
ws_port="${WS_PORT:-8020}"
mqtts_port="${MQTTS_PORT:-8883}"
wss_port="${WSS_PORT:-8443}"
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
  check_port MQTTS_PORT "$mqtts_port"
  check_port WSS_PORT "$wss_port"
  allowed_list=("$ssh_port" "$mqtt_port" "$ws_port" "$mqtts_port" "$wss_port")
  read -r -a broker_list <<<"${broker_ports//,/ }"
  [ ${#broker_list[@]} -gt 0 ] || die "BROKER_PORTS must name at least one port"
  local names=(SSH_PORT MQTT_PORT WS_PORT MQTTS_PORT WSS_PORT) port i
  for port in "${broker_list[@]}"; do
    check_port BROKER_PORTS "$port"
    for i in "${!allowed_list[@]}"; do
      [ "$port" != "${allowed_list[$i]}" ] || die "port $port is both allowed (${names[$i]}) and in BROKER_PORTS"
    done
  done
}
