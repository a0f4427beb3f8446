// The real CLI in a child process against our broker: it publishes, and SIGINT makes it publish offline and exit 0;
// a bad flag gives one clear line and exit code 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '@gateway/broker/testing';
import { waitFor } from '@gateway/service-kit/testing';
import { sensorReadings, sensorStatus, sensorStatusTopic } from '@gateway/topics';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

interface Cli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(tsx, ['--conditions=@gateway/source', 'src/main.ts', ...args], {
    cwd: appDir,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close' rather than 'exit': only then has all of the child's output been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('the simulate CLI', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ persistence: 'memory' });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('publishes readings, and on SIGINT publishes offline statuses and exits 0', async () => {
    const subscriber = await connectAsync(broker.tcpUrl, { clientId: 'cli-test-subscriber', reconnectPeriod: 0 });
    const readings: string[] = [];
    const statuses = new Map<string, string>();
    subscriber.on('message', (topic, payload) => {
      if (sensorReadings.payload.decode(payload).ok) readings.push(topic);
      else statuses.set(topic, payload.toString());
    });
    await subscriber.subscribeAsync([sensorReadings.filter, sensorStatus.filter], { qos: 1 });

    const cli = runCli(['--sensors', '2', '--interval', '200ms', '--url', broker.tcpUrl, '--quiet', '--prefix', 'Cli']);
    try {
      await waitFor(() => readings.includes('/IoTSensor/Cli01/reading') && readings.includes('/IoTSensor/Cli02/reading'), {
        what: `readings from the CLI (output so far: ${cli.output()})`,
        timeoutMs: 15_000,
      });
      expect(statuses.get(sensorStatusTopic('Cli01'))).toBe('online');

      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(0);
      await waitFor(() => ['Cli01', 'Cli02'].every((id) => statuses.get(sensorStatusTopic(id)) === 'offline'), { what: 'offline statuses' });
      // Off a terminal the CLI logs structured pino lines, not a live status line.
      const lines = cli.output().trim().split('\n');
      expect(lines.every((line) => line.startsWith('{'))).toBe(true);
      expect(lines.some((line) => line.includes('"msg":"simulator started"'))).toBe(true);
    } finally {
      cli.child.kill('SIGKILL');
      await subscriber.endAsync();
    }
  });

  it('explains a bad flag in one line and exits 1', async () => {
    const cli = runCli(['--sensors', 'lots', '--url', broker.tcpUrl], { SIMULATOR_INTERVAL: 'often' });
    expect(await cli.exited).toBe(1);
    const output = cli.output();
    expect(output).toContain('--sensors');
    expect(output).toContain('SIMULATOR_INTERVAL');
    expect(output).not.toMatch(/^\s+at /m);
  });
});
