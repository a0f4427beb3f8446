// Real NGINX (Debian's nginx and libnginx-mod-stream) in front of our real broker, as `--nginx-hop` runs it:
// MQTT over TCP and over WebSocket both reach the broker through it, and closing it frees its ports.
import { createLogger } from '@gateway/service-kit';
import { canConnect } from '@gateway/service-kit/testing';
import { loadBrokerConfig, startBroker, type StartedBroker } from '@gateway/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programsMissing } from './missing-programs.js';
import { nginxMissing, nginxPackages, startNginxProxy, type StartedNginxProxy } from './nginx-proxy.js';
import { roundTrip } from './testing/round-trip.js';

describe('NGINX in front of our broker', () => {
  let broker: StartedBroker;
  let nginx: StartedNginxProxy;

  beforeAll(async () => {
    const missing = programsMissing(nginxMissing(), 'this test runs NGINX', nginxPackages);
    if (missing !== undefined) throw new Error(missing);
    broker = await startBroker(
      loadBrokerConfig({ BROKER_HOST: '127.0.0.1', BROKER_TCP_PORT: '0', BROKER_WS_PORT: '0', BROKER_ADMIN_PORT: '0', BROKER_PERSISTENCE: 'memory' }),
      { logger: createLogger('broker', 'silent') },
    );
    nginx = await startNginxProxy({ brokerTcpPort: broker.tcpPort, brokerWsPort: broker.wsPort, workers: 1 });
  });

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
    await nginx?.close();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
    await broker?.close();
  });

  it('forwards raw MQTT to the broker', async () => {
    expect(nginx.urls.tcp).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(await roundTrip(nginx.urls.tcp, 'nginx-tcp')).toBe('hello from nginx-tcp');
  });

  it('forwards MQTT over WebSocket to the broker', async () => {
    expect(nginx.urls.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    expect(await roundTrip(nginx.urls.ws, 'nginx-ws')).toBe('hello from nginx-ws');
  });

  it('lets go of its ports when closed', async () => {
    const separate = await startNginxProxy({ brokerTcpPort: broker.tcpPort, brokerWsPort: broker.wsPort, workers: 1 });
    const port = Number(new URL(separate.urls.tcp).port);
    try {
      expect(await canConnect(port)).toBe(true);
    } finally {
      await separate.close();
    }
    expect(await canConnect(port)).toBe(false);
  });
});
