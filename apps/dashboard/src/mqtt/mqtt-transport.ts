// The real transport: MQTT.js (browser build) over WebSocket. MQTT.js' own reconnect is off;
// the connection manager decides when to retry, with backoff, and whether a refused CONNECT is worth it.
import mqtt from 'mqtt';
import type { IClientOptions } from 'mqtt';
import { decodeUtf8 } from '../lib/payload-format';
import type { Transport, TransportFactory } from './transport';

/**
 * MQTT.js is typed for Node's Buffer, which the browser build does not expose. UTF-8 text goes
 * as a string (same bytes on the wire); other bytes go as the Uint8Array, which mqtt-packet's
 * Buffer.byteLength and the stream polyfill accept.
 */
function toWire(payload: Uint8Array | string): string {
  if (typeof payload === 'string') return payload;
  const text = decodeUtf8(payload);
  return text ?? (payload as unknown as string);
}

export const createMqttTransport: TransportFactory = (url, options, events): Transport => {
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: options.clean,
    keepalive: options.keepalive,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    resubscribe: false,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(options.will ? { will: { ...options.will } } : {}),
  };
  const client = mqtt.connect(url, clientOptions);
  client.on('connect', () => events.onConnect());
  client.on('close', () => events.onClose());
  client.on('error', (error) => {
    // A refused CONNACK comes as an ErrorWithReasonCode whose numeric `code` is the return code;
    // network errors carry string codes (ECONNREFUSED...).
    const code = (error as Error & { code?: unknown }).code;
    if (typeof code === 'number' && !client.connected) events.onRefused(code, error.message);
    else events.onError(error);
  });
  client.on('message', (topic, payload, packet) => {
    events.onMessage({
      topic,
      // A copy: MQTT.js hands out a Buffer view that may share memory with the socket's chunk.
      payload: new Uint8Array(payload),
      qos: packet.qos,
      retain: packet.retain,
      ts: Date.now(),
    });
  });
  return {
    async subscribe(filter, qos) {
      const granted = await client.subscribeAsync(filter, { qos });
      const refused = granted.find((grant) => grant.qos === 128);
      if (refused) throw new Error(`the broker refused the subscription to ${filter}`);
    },
    async unsubscribe(filter) {
      await client.unsubscribeAsync(filter);
    },
    async publish(topic, payload, publishOptions) {
      await client.publishAsync(topic, toWire(payload), publishOptions);
    },
    reconnect() {
      client.reconnect();
    },
    async end(force = false) {
      await client.endAsync(force);
    },
  };
};
