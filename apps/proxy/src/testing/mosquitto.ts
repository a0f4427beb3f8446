// Test fixture: Debian's mosquitto broker as an independent upstream (raw MQTT and MQTT over WebSocket
// listeners on free loopback ports, anonymous access), started from a generated config file.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, waitFor } from '@gateway/service-kit/testing';

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
  const child = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => child.exitCode === null && (await canConnect(tcpPort)) && (await canConnect(wsPort)), { timeoutMs: 5000, what: 'mosquitto to listen' });
  } catch (error) {
    await close();
    throw new Error(`mosquitto did not start: ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
  return { tcpPort, wsPort, close, [Symbol.asyncDispose]: close };
}
