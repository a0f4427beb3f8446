// Requirement 2, firewall isolation: a gateway host (broker and proxy in one network namespace, the
// proxy reaching the broker over loopback) with the repository's nftables rules applied by
// infra/firewall/apply-nftables.sh: from a client container on the same network 1883 and 8001 are
// refused while the proxy's 18831 and 8020 and its TLS ports 8883 and 8443 connect and carry MQTT.
// amd64 images (native) and arm64 (emulated).
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectContainer } from './fixtures/docker-inspect.js';
import { repoRoot } from './fixtures/environment.js';
import { FirewalledGateway, PROXY_TLS_PORT, PROXY_WSS_PORT } from './fixtures/firewalled-gateway.js';
import { PROXY_TCP_PORT, PROXY_WS_PORT } from './fixtures/gateway-stack.js';
import { recordTiming, type Arch } from './fixtures/images.js';
import { expectPublishReachesSubscriber } from './fixtures/mqtt-check.js';
import { describeProbe } from './fixtures/tcp-probe.js';
import { requireGatewayImages } from './fixtures/prerequisites.js';
import { useSharedSetup } from './fixtures/shared-setup.js';

describe.each<Arch>(['amd64', 'arm64'])('firewall isolation (infra/firewall/gateway.nft), %s images', (arch) => {
  const startedGateway = useSharedSetup(async () => {
    await requireGatewayImages(arch);
    const started = Date.now();
    const gateway = await new FirewalledGateway().forArch(arch).start();
    recordTiming({ what: 'firewalled gateway start', arch, seconds: (Date.now() - started) / 1000 });
    return gateway;
  }, (gateway) => gateway.stop());

  test('without the firewall every port of the gateway namespace answers (the baseline)', async () => {
    const gateway = await startedGateway();
    const results = await gateway.probeGatewayPorts();
    expect(describeProbe(results)).toEqual(results.map(({ host, port }) => `${host}:${String(port)} connected`));
  });

  test("apply-nftables.sh loads the repository's gateway.nft (mounted read-only, the same file)", async () => {
    const gateway = await startedGateway();
    const { Mounts } = await inspectContainer(gateway.firewall.getId());
    expect(Mounts.map(({ Type, Source, Destination, RW }) => ({ Type, Source, Destination, RW }))).toEqual([
      { Type: 'bind', Source: join(repoRoot, 'infra/firewall'), Destination: '/firewall', RW: false },
    ]);
    const output = await gateway.applyFirewall();
    expect(output).toContain('loaded table inet gateway_firewall');
    expect(await gateway.listFirewall()).toContain('policy drop');
  });

  test('with the firewall, 1883 and 8001 are refused and 18831, 8020, 8883 and 8443 connect', async () => {
    const gateway = await startedGateway();
    const results = await gateway.probeGatewayPorts();
    console.info(`[e2e] ${arch} firewalled gateway, from the client: ${describeProbe(results).join('; ')}`);
    expect(results.map(({ port, connected }) => [port, connected])).toEqual([
      [18831, true],
      [8020, true],
      [8883, true],
      [8443, true],
      [1883, false],
      [8001, false],
    ]);
    // Rejected with a TCP reset by the ruleset's broker-port rule, not just lost.
    expect(results.filter((r) => !r.connected).map((r) => r.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    const ruleset = await gateway.listFirewall();
    expect(ruleset).toMatch(/tcp dport \{ 1883, 8001 \} counter packets [1-9]\d* bytes \d+ reject with tcp reset/);
    // The TLS ports got in through their own accept rules (counted), not through some other rule.
    expect(ruleset).toMatch(/tcp dport 8883 counter packets [1-9]\d* bytes \d+ accept comment "gateway proxy: MQTT over TLS"/);
    expect(ruleset).toMatch(/tcp dport 8443 counter packets [1-9]\d* bytes \d+ accept comment "gateway proxy: MQTT over WebSocket and the dashboard, over TLS"/);
  });

  test('through the firewall, MQTT on 18831, 8020, 8883 and 8443 still reaches the broker over loopback', async () => {
    const gateway = await startedGateway();
    const mqttUrl = `mqtt://${gateway.address}:${String(PROXY_TCP_PORT)}`;
    const wsUrl = `ws://${gateway.address}:${String(PROXY_WS_PORT)}/mqtt`;
    const mqttsUrl = `mqtts://${gateway.address}:${String(PROXY_TLS_PORT)}`;
    const wssUrl = `wss://${gateway.address}:${String(PROXY_WSS_PORT)}/mqtt`;
    await expectPublishReachesSubscriber(mqttUrl);
    await expectPublishReachesSubscriber(wsUrl, mqttUrl);
    // The proxy's self-signed certificate (made on first start) names no lan address: this checks
    // the firewall lets TLS through, not the certificate (apps/proxy's tests do that).
    const selfSigned = { rejectUnauthorized: false };
    await expectPublishReachesSubscriber(mqttsUrl, mqttUrl, selfSigned);
    await expectPublishReachesSubscriber(wssUrl, mqttsUrl, selfSigned);
  });
});
