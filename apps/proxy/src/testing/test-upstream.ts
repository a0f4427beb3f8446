// Test fixture: the gateway's own broker as the proxy's upstream (the broker's test fixture, in memory,
// on OS-chosen ports or the ports given), with the "host:port" strings PROXY_*_UPSTREAMS expect.
import { startTestBroker, type TestBroker } from '@gateway/broker/testing';

export interface TestUpstream extends TestBroker {
  /** "127.0.0.1:<port>", as PROXY_TCP_UPSTREAMS / PROXY_WS_UPSTREAMS expect. */
  tcpAddress: string;
  wsAddress: string;
}

export async function startTestUpstream(ports: { tcpPort?: number; wsPort?: number } = {}): Promise<TestUpstream> {
  const broker = await startTestBroker({ persistence: 'memory', host: '127.0.0.1', tcpPort: ports.tcpPort ?? 0, wsPort: ports.wsPort ?? 0 });
  return { ...broker, tcpAddress: `127.0.0.1:${String(broker.tcpPort)}`, wsAddress: `127.0.0.1:${String(broker.wsPort)}` };
}
