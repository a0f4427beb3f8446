"""Independent MQTT-over-WebSocket client for the proxy's tests (Debian's paho-mqtt 1.6, /usr/bin/python3).

Usage: paho_ws_client.py HOST PORT PATH TOPIC PAYLOAD
Connects over WebSocket (subprotocol "mqtt"), subscribes to TOPIC, publishes PAYLOAD to it, waits for
it to come back and prints one JSON line: {"connected": rc, "received": payload}. Exits 1 on timeout.
"""
import json
import sys
import threading

import paho.mqtt.client as mqtt

host, port, path, topic, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
result = {"connected": None, "received": None}
done = threading.Event()


def on_connect(client, _userdata, _flags, rc):
    result["connected"] = rc
    client.subscribe(topic, qos=1)


def on_subscribe(client, _userdata, _mid, _granted):
    client.publish(topic, payload, qos=1)


def on_message(_client, _userdata, message):
    result["received"] = message.payload.decode("utf-8")
    done.set()


client = mqtt.Client(client_id="paho-ws-test", transport="websockets")
client.ws_set_options(path=path)
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_message = on_message
client.connect(host, port, keepalive=30)
client.loop_start()
ok = done.wait(timeout=10)
client.disconnect()
client.loop_stop()
print(json.dumps(result))
sys.exit(0 if ok else 1)
