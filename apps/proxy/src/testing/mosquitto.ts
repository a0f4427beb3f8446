// Test fixture: Debian's mosquitto broker as an independent upstream (raw MQTT and MQTT over WebSocket
// listeners on free loopback ports, anonymous access), started from a generated config file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProgram } from '@gateway/service-kit/testing';

export interface StartedMosquitto {
  tcpPort: number;
  wsPort: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startMosquitto(): Promise<StartedMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-mosquitto-'));
  const tcpPort = await freePort();
  const wsPort = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(
    configFile,
    [`listener ${String(tcpPort)} 127.0.0.1`, `listener ${String(wsPort)} 127.0.0.1`, 'protocol websockets', 'allow_anonymous true', 'persistence false', ''].join('\n'),
  );
  const mosquitto = startProgram('mosquitto', ['-c', configFile]);
  const close = async () => {
    await mosquitto.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mosquitto.listening([tcpPort, wsPort], 5000);
  } catch (error) {
    await close();
    throw error;
  }
  return { tcpPort, wsPort, close, [Symbol.asyncDispose]: close };
}
