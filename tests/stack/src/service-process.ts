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
  /** Waits for the pino line whose message starts with `msg` and returns its fields. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
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
  // 'close' rather than 'exit': only then has all of the child's output been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  /** Like waitFor, but a time-out (or the process exiting) says what the service logged. */
  const waitForOrExplain = async <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<NonNullable<T>> => {
    try {
      return await waitFor(() => {
        const value = check();
        if (value === undefined && child.exitCode !== null) throw new Error(`${name} exited with code ${String(child.exitCode)}`);
        return value;
      }, { timeoutMs, what });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${name} logged:\n  ${lines.slice(-10).join('\n  ')}`, { cause: error });
    }
  };
  return {
    name,
    child,
    lines,
    waitForLine: (text, timeoutMs = 15_000) => waitForOrExplain(() => lines.find((line) => line.includes(text)), timeoutMs, `${name} to log "${text}"`),
    waitForLog: (msg, timeoutMs = 15_000) =>
      waitForOrExplain(
        () => lines.map(parseLogLine).find((fields) => typeof fields?.['msg'] === 'string' && fields['msg'].startsWith(msg)),
        timeoutMs,
        `${name} to log "${msg}"`,
      ),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
