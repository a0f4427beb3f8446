// Requirement 4, persistence in containers: the broker keeps its LevelDB store in a named volume, so
// a retained message and a QoS 1 message queued for an offline persistent session survive a restart
// of the broker container (and a replacement of the container by a new one on the same volume).
// Clients go through the proxy's published 18831, as in the deployment. amd64 images (native) and
// arm64 (emulated).
import type { MqttClient } from 'mqtt';
import { describe, expect, test } from 'vitest';
import { DockerVolume } from './fixtures/docker-volume.js';
import { GatewayStack } from './fixtures/gateway-stack.js';
import { recordTiming, type Arch } from './fixtures/images.js';
import { connectMqtt, nextMessage } from './fixtures/mqtt-check.js';
import { waitFor } from '@gateway/service-kit/testing';
import { requireGatewayImages } from './fixtures/prerequisites.js';
import { useSharedSetup } from './fixtures/shared-setup.js';

describe.each<Arch>(['amd64', 'arm64'])('persistence across broker restarts (named volume), %s images', (arch) => {
  const run = `${arch}-${Math.random().toString(36).slice(2, 8)}`;
  const QUEUED_TOPIC = `e2e/persistence/${run}/queued`;
  const RETAINED_TOPIC = `e2e/persistence/${run}/retained`;
  const SESSION_CLIENT_ID = `e2e-persistent-${run}`;
  const startedStack = useSharedSetup(
    async () => {
      await requireGatewayImages(arch);
      const volume = await DockerVolume.create('gateway-e2e-broker-data');
      try {
        return { volume, stack: await new GatewayStack().forArch(arch).withBrokerVolume(volume.name).start() };
      } catch (error) {
        await volume.remove();
        throw error;
      }
    },
    async ({ volume, stack }) => {
      await stack.stop();
      await volume.remove();
    },
  );

  /** Connects through the proxy, retrying while the broker behind it is still starting. */
  const connectThroughProxy = async (options: Parameters<typeof connectMqtt>[1]): Promise<MqttClient> => {
    const { mqttUrl } = (await startedStack()).stack;
    return waitFor(() => connectMqtt(mqttUrl, options, 5_000), { timeoutMs: 60_000, intervalMs: 500, what: `an MQTT session through ${mqttUrl}` });
  };

  /** A new client that subscribes gets the retained message published before the restart. */
  const expectRetainedMessage = async (): Promise<void> => {
    const newcomer = await connectThroughProxy({ clean: true });
    try {
      const retained = nextMessage(newcomer, (topic, _payload, isRetained) => topic === RETAINED_TOPIC && isRetained);
      await newcomer.subscribeAsync(RETAINED_TOPIC, { qos: 1 });
      expect((await retained).payload).toBe('retained before restart');
    } finally {
      await newcomer.endAsync();
    }
  };

  test('a retained message and a QoS 1 message queued for an offline session survive `docker restart` of the broker', async () => {
    const { stack } = await startedStack();
    // The persistent session: subscribed at QoS 1, then offline.
    const session = await connectThroughProxy({ clientId: SESSION_CLIENT_ID, clean: false });
    await session.subscribeAsync(QUEUED_TOPIC, { qos: 1 });
    await session.endAsync();

    const publisher = await connectThroughProxy({ clean: true });
    await publisher.publishAsync(QUEUED_TOPIC, 'queued while offline', { qos: 1 });
    await publisher.publishAsync(RETAINED_TOPIC, 'retained before restart', { qos: 1, retain: true });
    await publisher.endAsync();

    const started = Date.now();
    await stack.restartBroker();
    recordTiming({ what: 'broker restart', arch, seconds: (Date.now() - started) / 1000 });

    // The session comes back with its queued message. Listen before CONNACK: the broker sends
    // queued messages right after it.
    const resumed = await connectThroughProxy({ clientId: SESSION_CLIENT_ID, clean: false });
    try {
      const queued = await nextMessage(resumed, (topic) => topic === QUEUED_TOPIC).catch((error: unknown) => {
        throw new Error(`the queued QoS 1 message did not arrive after the restart: ${String(error)}`);
      });
      expect(queued.payload).toBe('queued while offline');
    } finally {
      await resumed.endAsync();
    }

    await expectRetainedMessage();
  });

  test('the retained message also survives replacing the broker container by a new one on the same volume', async () => {
    const { stack } = await startedStack();
    await stack.replaceBroker();
    await expectRetainedMessage();
  });
});
