// Starts a built service the way a user does (`node dist/main.js` with environment settings) and
// keeps its pino log lines, so a test can wait for one and stop the service with a signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@gateway/service-kit/testing';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Waits for a log line containing `text`. */
  waitForLine(text: string, timeoutMs?: number): Promise<string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startServiceProcess(name: string, entry: string, args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    lines,
    waitForLine: (text, timeoutMs = 15_000) =>
      waitFor(() => lines.find((line) => line.includes(text)), { timeoutMs, what: `${name} to log "${text}" (log so far: ${lines.slice(-5).join(' | ')})` }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
