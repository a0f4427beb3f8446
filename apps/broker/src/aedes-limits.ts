// The limits aedes 1.x enforces itself, set from the broker's configuration, and how to recognise them
// among its errors: aedes closes the connection and reports only an Error whose message says which one.
//
// - connectTimeout: armed when aedes takes the connection, cleared only once a whole CONNECT is parsed, so
//   it closes a silent socket and one trickling bytes (slowloris) alike: "connect did not arrive in time".
// - a first packet that is not CONNECT closes the connection at once (MQTT-3.1.0-1): "Invalid protocol";
//   bytes mqtt-packet cannot parse do too, with the parser's message.
// - queueLimit: packets a client pipelines behind its CONNECT while that is still being processed;
//   one more closes the connection: "Client queue limit reached".
// - maxInflightInbound: QoS 2 PUBLISHes from a client stored awaiting its PUBREL; one more closes the
//   connection (MQTT 3.1.1 has no reason code for it): "maxInflightInbound exceeded: ...".
import type { AedesOptions, Client } from 'aedes';
import type { LimitName } from './limit-reporter.js';

export interface AedesLimitSettings {
  connectTimeoutMs: number;
  connectQueueLimit: number;
  maxInflight: number;
}

export function aedesLimitOptions(settings: AedesLimitSettings): Pick<AedesOptions, 'connectTimeout' | 'queueLimit' | 'maxInflightInbound'> {
  return { connectTimeout: settings.connectTimeoutMs, queueLimit: settings.connectQueueLimit, maxInflightInbound: settings.maxInflight };
}

/** The limit behind an error aedes reported for `client` (as 'clientError' or 'connectionError'), if any. */
export function limitOfAedesError(client: Client, error: Error & { code?: unknown }): LimitName | undefined {
  if (error.message === 'connect did not arrive in time') return 'connect_timeout';
  if (error.message === 'Client queue limit reached') return 'connect_queue';
  if (error.message.startsWith('maxInflightInbound exceeded')) return 'inflight_inbound';
  // Before any CONNECT (not even one being processed), an error without a system error code is a protocol
  // error: a first packet that is not CONNECT, or bytes that are not MQTT. Socket errors (ECONNRESET) carry a code.
  const beforeConnect = !client.connecting && !client.connected && (client.id as unknown) === null;
  if (beforeConnect && error.code === undefined) return 'connect_required';
  return undefined;
}
