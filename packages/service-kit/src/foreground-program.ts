// Test and benchmark helper: a program from Debian (Mosquitto, NGINX) run in the foreground, found with
// findExecutable (PATH, then sbin), its output kept for error messages, waited for until its ports answer,
// and stopped with a signal (SIGKILL after 10 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { findExecutable } from './find-executable.js';
import { canConnect, waitFor } from './testing.js';

export interface ForegroundProgram {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 4,000 characters it wrote (stdout and stderr). */
  output(): string;
  /** Resolves once it listens on every one of `ports`; rejects with its output as soon as it exits, or after `timeoutMs`. */
  listening(ports: readonly number[], timeoutMs?: number): Promise<void>;
  stop(signal: NodeJS.Signals): Promise<void>;
}

export function startProgram(name: string, args: readonly string[]): ForegroundProgram {
  const command = findExecutable(name) ?? name;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`[${command}: ${error.message}]`)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    name,
    child,
    pid: child.pid ?? -1,
    output: () => output,
    async listening(ports, timeoutMs = 10_000) {
      let settled = false;
      const exitedFirst = exited.then(() => {
        if (!settled) throw new Error(`it exited (${child.signalCode ?? `code ${String(child.exitCode)}`})`);
      });
      const answering = waitFor(async () => settled || (await Promise.all(ports.map(canConnect))).every(Boolean), { timeoutMs, what: `${name} to listen` });
      try {
        await Promise.race([answering, exitedFirst]);
      } catch (error) {
        throw new Error(`${name} did not start: ${output.trim() || (error as Error).message}`, { cause: error });
      } finally {
        settled = true;
        // The loser of the race ends on its own now (settled); its outcome no longer matters.
        answering.catch(() => undefined);
        exitedFirst.catch(() => undefined);
      }
    },
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
