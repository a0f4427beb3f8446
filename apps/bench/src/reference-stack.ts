// The reference system under test for --compare: Debian's Mosquitto (raw MQTT and WebSocket listeners,
// infra/bench/mosquitto.conf.template) behind NGINX (nginx-proxy.ts), on free loopback ports, each program
// in the foreground with its files in a temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '@gateway/service-kit';
import { freePort, startProgram, type ForegroundProgram } from '@gateway/service-kit/testing';
import { writeConfig } from './config-template.js';
import { programsMissing } from './missing-programs.js';
import { nginxMissing, nginxPackages, startNginxProxy, type StartedNginxProxy } from './nginx-proxy.js';
import type { Target } from './targets.js';

export const referencePackages = `mosquitto ${nginxPackages}`;

export interface ReferenceStackOptions {
  nginxWorkers: number;
}

export interface StartedReferenceStack {
  target: Target;
  close(): Promise<void>;
}

/** Why the reference stack cannot start here, or undefined when it can. */
export function referenceStackMissing(): string | undefined {
  return programsMissing([...(findExecutable('mosquitto') === undefined ? ['mosquitto'] : []), ...nginxMissing()], '--compare needs the reference stack', referencePackages);
}

export async function startReferenceStack(options: ReferenceStackOptions): Promise<StartedReferenceStack> {
  const missing = referenceStackMissing();
  if (missing !== undefined) throw new Error(missing);
  const directory = await mkdtemp(join(tmpdir(), 'gateway-bench-mosquitto-'));
  let mosquitto: ForegroundProgram | undefined;
  let nginx: StartedNginxProxy | undefined;
  const close = async () => {
    // NGINX first, then Mosquitto.
    await nginx?.close();
    await mosquitto?.stop('SIGTERM');
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const ports = { BROKER_TCP_PORT: await freePort(), BROKER_WS_PORT: await freePort() };
    mosquitto = startProgram('mosquitto', ['-c', await writeConfig('mosquitto.conf', directory, ports)]);
    await mosquitto.listening([ports.BROKER_TCP_PORT, ports.BROKER_WS_PORT]);
    nginx = await startNginxProxy({ brokerTcpPort: ports.BROKER_TCP_PORT, brokerWsPort: ports.BROKER_WS_PORT, workers: options.nginxWorkers });
    return {
      target: { name: 'reference', urls: nginx.urls, brokerPids: [mosquitto.pid], proxyPids: [nginx.pid] },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
