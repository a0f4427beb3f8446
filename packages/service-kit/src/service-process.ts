// Test helper: runs a built service the way a user does (`node dist/main.js` with environment settings) as a
// child process, reads its pino lines as they come (the latest kept to explain a failure), waits for one,
// stops it with a signal and reads its memory as the kernel sees it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export type LogFields = Record<string, unknown>;

export interface ServiceProcessOptions {
  /** Command-line arguments after the entry file. */
  readonly args?: readonly string[];
  /** Node's own flags, before the entry file (for example --trace-gc, which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
  /** Settings on top of this process's environment (LOG_LEVEL is 'info' unless given here). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; the current one by default. */
  readonly cwd?: string;
  /** How many of the latest log lines are kept (a fuzzed service logs thousands); 1000 by default. */
  readonly keptLines?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (null after a signal) once the process has exited and its output is read. */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  /** The latest log lines, oldest first. */
  recentLines(): readonly string[];
  /** Waits for a log line containing `text` (already logged or still to come). */
  waitForLine(text: string, timeoutMs?: number): Promise<string>;
  /** Waits for the pino line whose message starts with `msg` and returns its fields. */
  waitForLog(msg: string, timeoutMs?: number): Promise<LogFields>;
  /** Sends `signal` (when still running) and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resident set size in bytes, from /proc/<pid>/status (Linux). */
  residentBytes(): number;
}

/** Starts `node <entry> ...args`; wait for its ready line with `waitForLog`. */
export function startServiceProcess(name: string, entry: string, options: ServiceProcessOptions = {}): ServiceProcess {
  const { args = [], nodeArgs = [], env = {}, cwd = process.cwd(), keptLines = 1000 } = options;
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? -1;
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let running = true;
  // 'close' rather than 'exit': only then has all of the child's output been read.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      running = false;
      resolve(code);
    }),
  );
  // A spawn failure ('error') is followed by 'close'; listening keeps it from being thrown.
  child.once('error', (error) => lines.push(`[${name} could not start: ${error.message}]`));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > keptLines) lines.shift();
      for (const watcher of watchers) watcher(line);
    });
  }
  const isRunning = () => running && child.exitCode === null && child.signalCode === null;
  const explain = (message: string) => new Error(`${message}\n${name} logged:\n  ${lines.slice(-15).join('\n  ')}`);

  /** Resolves with the first line (kept or to come) `match` accepts; rejects on time-out or exit. */
  const waitForMatch = <T>(match: (line: string) => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    for (const line of lines) {
      const value = match(line);
      if (value !== undefined) return Promise.resolve(value);
    }
    return new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        watchers.delete(watcher);
        settle();
      };
      const watcher = (line: string) => {
        const value = match(line);
        if (value !== undefined) finish(() => resolve(value));
      };
      const timer = setTimeout(() => finish(() => reject(explain(`timed out after ${String(timeoutMs)} ms waiting for ${name} to log ${what}`))), timeoutMs);
      watchers.add(watcher);
      void exited.then((code) => finish(() => reject(explain(`${name} exited (code ${String(code)}, signal ${String(child.signalCode)}) before it logged ${what}`))));
    });
  };

  return {
    name,
    pid,
    exited,
    isRunning,
    recentLines: () => lines,
    waitForLine: (text, timeoutMs = 15_000) => waitForMatch((line) => (line.includes(text) ? line : undefined), `"${text}"`, timeoutMs),
    waitForLog: (msg, timeoutMs = 15_000) =>
      waitForMatch(
        (line) => {
          const fields = parseLogLine(line);
          return typeof fields?.['msg'] === 'string' && fields['msg'].startsWith(msg) ? fields : undefined;
        },
        `"${msg}"`,
        timeoutMs,
      ),
    async stop(signal = 'SIGTERM') {
      if (isRunning()) child.kill(signal);
      return exited;
    },
    residentBytes() {
      const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
      const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      if (kilobytes === undefined) throw new Error(`no VmRSS in /proc/${String(pid)}/status of ${name}`);
      return Number(kilobytes) * 1024;
    },
  };
}

/** The fields of a pino JSON line; undefined for any other line. */
export function parseLogLine(line: string): LogFields | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' ? (parsed as LogFields) : undefined;
  } catch {
    return undefined;
  }
}
