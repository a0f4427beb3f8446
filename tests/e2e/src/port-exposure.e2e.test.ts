// Requirement 1, port exposure, for the amd64 images and the arm64 images (under qemu emulation):
// from the host only the proxy's 18831 (raw MQTT) and 8020 (MQTT over WebSocket) answer and carry
// a publish to a subscriber; the broker publishes nothing, and a container on the edge network
// only reaches the proxy, never the broker (by name or by address).
import { describe, expect, test } from 'vitest';
import { containerArchitecture, networksOf, publishedPorts } from './fixtures/docker-inspect.js';
import { BROKER_TCP_PORT, BROKER_WS_PORT, GatewayStack, PROXY_TCP_PORT, PROXY_WS_PORT } from './fixtures/gateway-stack.js';
import { recordTiming, type Arch } from './fixtures/images.js';
import { expectPublishReachesSubscriber } from './fixtures/mqtt-check.js';
import { describeProbe } from './fixtures/tcp-probe.js';
import { requireGatewayImages } from './fixtures/prerequisites.js';
import { useSharedSetup } from './fixtures/shared-setup.js';

describe.each<Arch>(['amd64', 'arm64'])('port exposure, %s images', (arch) => {
  const startedStack = useSharedSetup(async () => {
    await requireGatewayImages(arch);
    const started = Date.now();
    const stack = await new GatewayStack().forArch(arch).withEdgeProbe().start();
    recordTiming({ what: 'gateway stack start', arch, seconds: (Date.now() - started) / 1000 });
    return stack;
  }, (stack) => stack.stop());

  test(`the containers run ${arch} images`, async () => {
    const stack = await startedStack();
    for (const container of [stack.broker, stack.proxy]) {
      expect(await containerArchitecture(container.getId())).toBe(arch);
      const uname = await container.exec(['uname', '-m']);
      expect(uname.stdout.trim()).toBe(arch === 'arm64' ? 'aarch64' : 'x86_64');
    }
  });

  test('from the host, raw MQTT (18831) and MQTT over WebSocket (8020) carry a publish to a subscriber', async () => {
    const stack = await startedStack();
    await expectPublishReachesSubscriber(stack.mqttUrl);
    await expectPublishReachesSubscriber(stack.wsUrl);
    await expectPublishReachesSubscriber(stack.wsUrl, stack.mqttUrl);
  });

  test('only the proxy publishes ports, 18831 and 8020; the broker publishes none and sits on the internal network only', async () => {
    const stack = await startedStack();
    expect(await publishedPorts(stack.proxy.getId())).toEqual([`${String(PROXY_TCP_PORT)}/tcp`, `${String(PROXY_WS_PORT)}/tcp`].sort());
    expect(await publishedPorts(stack.broker.getId())).toEqual([]);
    expect(() => stack.broker.getMappedPort(BROKER_TCP_PORT)).toThrow();
    expect(await networksOf(stack.broker.getId())).toEqual([stack.internal.getName()]);
    expect(await networksOf(stack.proxy.getId())).toEqual([stack.edge.getName(), stack.internal.getName()].sort());
  });

  test('a container on the edge network only reaches the proxy, not the broker by name or address', async () => {
    const stack = await startedStack();
    const brokerIp = stack.brokerAddress;
    const results = await stack.probeFromEdge([
      { host: 'proxy', port: PROXY_TCP_PORT },
      { host: 'proxy', port: PROXY_WS_PORT },
      { host: 'broker', port: BROKER_TCP_PORT },
      { host: 'broker', port: BROKER_WS_PORT },
      { host: brokerIp, port: BROKER_TCP_PORT },
      { host: brokerIp, port: BROKER_WS_PORT },
    ]);
    console.info(`[e2e] ${arch} edge probe: ${describeProbe(results).join('; ')}`);
    expect(results.map((r) => r.connected)).toEqual([true, true, false, false, false, false]);
  });
});
