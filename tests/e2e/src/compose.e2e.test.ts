// Requirement 3, the stack as composed: docker-compose.yml is validated (`docker compose config`),
// brought up on the images this run built (local base image) after the README's first-run path (users
// added with gateway-passwd), and the exposure rules hold for it: only the proxy publishes (18831/8020
// and TLS 8883/8443, moved to free host ports through the compose variables), anonymous clients are
// refused, the broker sees clients' real addresses (PROXY protocol v2 from the proxy),
// the broker publishes nothing and is unreachable from the edge network, and the simulator's
// readings arrive through the proxy's published port. Torn down with `down -v`. amd64 images
// (native) and arm64 (emulated, chosen through the compose file's GATEWAY_PLATFORM).
import { sensorReadings } from '@gateway/topics';
import { describe, expect, test } from 'vitest';
import { mustRun } from '@gateway/service-kit/testing';
import { ComposeStack, runOnNetwork } from './fixtures/compose-stack.js';
import { inspectContainer, publishedPorts } from './fixtures/docker-inspect.js';
import { BROKER_TCP_PORT, BROKER_WS_PORT } from './fixtures/gateway-stack.js';
import { HOST_ARCH, gatewayImage, recordTiming, type Arch } from './fixtures/images.js';
import { connectMqtt, expectPublishReachesSubscriber, nextMessage } from './fixtures/mqtt-check.js';
import { describeProbe, parseProbeOutput, probeCommand } from './fixtures/tcp-probe.js';
import { requireGatewayImages } from './fixtures/prerequisites.js';
import { useSharedSetup } from './fixtures/shared-setup.js';

describe.each<Arch>(['amd64', 'arm64'])('docker-compose.yml, %s images', (arch) => {
  const startedCompose = useSharedSetup(async () => {
    await requireGatewayImages(arch);
    const started = Date.now();
    const compose = await new ComposeStack().forArch(arch).withSimulator(2, '250ms').start();
    recordTiming({ what: 'docker compose up --wait', arch, seconds: (Date.now() - started) / 1000 });
    return compose;
  }, (compose) => compose.down());

  test('the compose file validates and declares the exposure rules', async () => {
    const compose = await startedCompose();
    const config = await compose.config();
    expect(Object.keys(config.services).sort()).toEqual(['broker', 'proxy', 'simulator']);
    const { broker, proxy, simulator } = config.services;
    expect(broker?.ports ?? []).toEqual([]);
    expect(simulator?.ports ?? []).toEqual([]);
    expect(proxy?.ports?.map((p) => [p.target, Number(p.published), p.host_ip])).toEqual([
      [compose.tcpPort, compose.tcpPort, '127.0.0.1'],
      [compose.wsPort, compose.wsPort, '127.0.0.1'],
      [compose.tlsPort, compose.tlsPort, '127.0.0.1'],
      [compose.wssPort, compose.wssPort, '127.0.0.1'],
    ]);
    expect(Object.keys(broker?.networks ?? {})).toEqual(['internal']);
    expect(Object.keys(proxy?.networks ?? {}).sort()).toEqual(['edge', 'internal']);
    expect(Object.keys(simulator?.networks ?? {})).toEqual(['edge']);
    expect(config.networks.internal?.internal).toBe(true);
    expect(broker?.volumes?.map((v) => [v.type, v.source, v.target])).toEqual([['volume', 'broker-data', '/data']]);
    expect(proxy?.volumes?.map((v) => [v.type, v.source, v.target])).toEqual([['volume', 'proxy-data', '/data']]);
    for (const service of ['broker', 'proxy', 'simulator'] as const) expect(config.services[service]?.image).toBe(gatewayImage(service, arch));
  });

  test('the running containers are the images this run built', async () => {
    const compose = await startedCompose();
    for (const service of ['broker', 'proxy', 'simulator'] as const) {
      const container = await inspectContainer(await compose.containerId(service));
      const built = (await mustRun('docker', ['image', 'inspect', '--format', '{{.Id}}', gatewayImage(service, arch)])).stdout.trim();
      const used = (await mustRun('docker', ['container', 'inspect', '--format', '{{.Image}}', container.Name.slice(1)])).stdout.trim();
      expect(used, service).toBe(built);
    }
  });

  test('only the proxy publishes ports: `docker compose port broker` answers nothing', async () => {
    const compose = await startedCompose();
    expect(await compose.port('broker', BROKER_TCP_PORT)).toBeUndefined();
    expect(await compose.port('broker', BROKER_WS_PORT)).toBeUndefined();
    expect(await publishedPorts(await compose.containerId('broker'))).toEqual([]);
    expect(await publishedPorts(await compose.containerId('simulator'))).toEqual([]);
    expect(await publishedPorts(await compose.containerId('proxy'))).toEqual(
      [compose.tcpPort, compose.wsPort, compose.tlsPort, compose.wssPort].map((port) => `${String(port)}/tcp`).sort(),
    );
    expect(await compose.port('proxy', compose.tcpPort)).toBe(`127.0.0.1:${String(compose.tcpPort)}`);
    expect(await compose.port('proxy', compose.wsPort)).toBe(`127.0.0.1:${String(compose.wsPort)}`);
  });

  test('from the host, the published raw MQTT and WebSocket ports carry a publish to a subscriber', async () => {
    const compose = await startedCompose();
    await expectPublishReachesSubscriber(compose.mqttUrl);
    await expectPublishReachesSubscriber(compose.wsUrl, compose.mqttUrl);
  });

  test('anonymous clients and wrong passwords are refused; a user added with gateway-passwd gets in', async () => {
    const compose = await startedCompose();
    await expect(connectMqtt(compose.anonymousMqttUrl)).rejects.toThrow(/Not authorized/i);
    await expect(connectMqtt(compose.mqttUrl.replace(compose.users.admin, 'wrong-password'))).rejects.toThrow(/Bad username or password/i);
    const admin = await connectMqtt(compose.mqttUrl);
    await admin.endAsync();
  });

  test('MQTT over TLS and WebSocket over TLS carry a publish (self-signed certificate made on first start)', async () => {
    const compose = await startedCompose();
    await expectPublishReachesSubscriber(compose.tlsUrl, compose.wssUrl, { rejectUnauthorized: false });
  });

  test("the broker logs each client's real address, relayed by the proxy", async () => {
    const compose = await startedCompose();
    const proxy = await inspectContainer(await compose.containerId('proxy'));
    const proxyInternalIp = proxy.NetworkSettings.Networks[compose.resourceName('internal')]?.IPAddress ?? '';
    const client = await connectMqtt(compose.mqttUrl, { clientId: `e2e-address-${arch}` });
    await client.endAsync();
    const logs = (await compose.mustCompose(['logs', '--no-color', '--no-log-prefix', 'broker'])).stdout;
    const connected = logs
      .split('\n')
      .filter((line) => line.includes('"client connected"') && line.includes(`e2e-address-${arch}`))
      // `docker compose logs` may put terminal control codes before each line, even with --no-color.
      .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { remoteAddress?: string; via?: string });
    expect(connected).toHaveLength(1);
    expect(connected[0]?.via).toMatch(new RegExp(`^${proxyInternalIp.replaceAll('.', '\\.')}:\\d+$`));
    expect(connected[0]?.remoteAddress).not.toContain(proxyInternalIp);
  });

  test('a container on the edge network reaches the proxy but not the broker', async () => {
    const compose = await startedCompose();
    const broker = await inspectContainer(await compose.containerId('broker'));
    const brokerIp = broker.NetworkSettings.Networks[compose.resourceName('internal')]?.IPAddress ?? '';
    expect(brokerIp).not.toBe('');
    const targets = [
      { host: 'proxy', port: compose.tcpPort },
      { host: 'proxy', port: compose.wsPort },
      { host: 'broker', port: BROKER_TCP_PORT },
      { host: 'broker', port: BROKER_WS_PORT },
      { host: brokerIp, port: BROKER_TCP_PORT },
      { host: brokerIp, port: BROKER_WS_PORT },
    ];
    const results = parseProbeOutput(await runOnNetwork(compose.resourceName('edge'), gatewayImage('proxy', HOST_ARCH), probeCommand(targets)));
    console.info(`[e2e] ${arch} compose edge probe: ${describeProbe(results).join('; ')}`);
    expect(results.map((r) => r.connected)).toEqual([true, true, false, false, false, false]);
  });

  test("the simulator's readings arrive through the proxy's published port", async () => {
    const compose = await startedCompose();
    const subscriber = await connectMqtt(compose.mqttUrl);
    try {
      await subscriber.subscribeAsync(sensorReadings.filter, { qos: 0 });
      const reading = await nextMessage(subscriber, (topic) => /^\/IoTSensor\/[^/]+\/reading$/.test(topic), 30_000);
      const decoded = sensorReadings.payload.decode(reading.payload);
      expect(decoded.ok, JSON.stringify(decoded)).toBe(true);
      expect(reading.topic).toMatch(/^\/IoTSensor\/Sensor0[12]\/reading$/);
    } finally {
      await subscriber.endAsync();
    }
  });

  test('`docker compose down -v` removes the containers, networks and the broker-data volume', async () => {
    const compose = await startedCompose();
    await compose.down();
    const leftovers = await mustRun('docker', ['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${compose.project}`]);
    expect(leftovers.stdout.trim()).toBe('');
    const volumes = await mustRun('docker', ['volume', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${compose.project}`]);
    expect(volumes.stdout.trim()).toBe('');
    const networks = await mustRun('docker', ['network', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${compose.project}`]);
    expect(networks.stdout.trim()).toBe('');
  });
});
