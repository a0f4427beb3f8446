// Test helpers: MQTT.js clients that never reconnect on their own (disposable with `await using`) and a
// promise of the next message on a topic.
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export type TestClient = MqttClient & { [Symbol.asyncDispose](): Promise<void> };

export async function connectClient(url: string, options: IClientOptions = {}): Promise<TestClient> {
  const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.endAsync(true) });
}

/** Resolves with the payload of the next message on `topic`. */
export function nextMessage(client: MqttClient, topic: string): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      client.off('message', onMessage);
      resolve(payload.toString('utf8'));
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes. */
export function connectionClosed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}
