#!/usr/bin/env bash
# Makes sure what the tests drive from outside is installed: the independent MQTT peers of the
# interoperability tests (Debian's mosquitto, mosquitto-clients, python3-paho-mqtt), the headless
# browser of the dashboard's end-to-end tests (Debian's chromium), and NGINX with its stream module for
# the benchmark's tests of its reference stack and --nginx-hop (nginx, libnginx-mod-stream). Installs them
# with apt when run as root (or with passwordless sudo); otherwise names the packages and fails.
set -euo pipefail
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
{ command -v mosquitto_pub && command -v mosquitto_sub; } >/dev/null 2>&1 || missing+=(mosquitto-clients)
/usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1 || missing+=(python3-paho-mqtt)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -r /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
exec bash "$(dirname "$0")/apt-install-missing.sh" "The tests" "${missing[@]}"
