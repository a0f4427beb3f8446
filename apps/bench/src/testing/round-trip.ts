// Test helper: one MQTT message out and back through a URL (raw MQTT or WebSocket).
import mqtt from 'mqtt';

/** Subscribes and publishes at QoS 1 through `url`; resolves with the payload that came back. */
export async function roundTrip(url: string, clientId: string): Promise<string> {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: 10_000 });
  try {
    const received = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString())));
    await client.subscribeAsync(`bench/${clientId}`, { qos: 1 });
    await client.publishAsync(`bench/${clientId}`, `hello from ${clientId}`, { qos: 1 });
    return await received;
  } finally {
    await client.endAsync();
  }
}
