// The reference stack as --compare starts it: real Mosquitto behind real NGINX, both transports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceStackMissing, startReferenceStack, type StartedReferenceStack } from './reference-stack.js';
import { roundTrip } from './testing/round-trip.js';

describe('reference stack', () => {
  let reference: StartedReferenceStack;

  beforeAll(async () => {
    const missing = referenceStackMissing();
    if (missing !== undefined) throw new Error(missing);
    reference = await startReferenceStack({ nginxWorkers: 1 });
  });

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
    await reference?.close();
  });

  it('serves MQTT over TCP and over WebSocket through NGINX, and names both processes', async () => {
    const { urls, brokerPids, proxyPids } = reference.target;
    expect(await roundTrip(urls.tcp ?? '', 'reference-tcp')).toBe('hello from reference-tcp');
    expect(await roundTrip(urls.ws ?? '', 'reference-ws')).toBe('hello from reference-ws');
    expect(brokerPids).toHaveLength(1);
    expect(proxyPids).toHaveLength(1);
    expect(brokerPids[0]).toBeGreaterThan(0);
    expect(proxyPids[0]).toBeGreaterThan(0);
  });
});
