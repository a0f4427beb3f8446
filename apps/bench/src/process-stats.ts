// What the kernel says about the processes under test (Linux /proc): CPU time and resident memory of a
// process together with its children (NGINX's workers, say), and the load generator's own CPU time.
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux architecture Node runs on. */
const ticksPerSecond = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** `pid` and all its descendants that are alive now. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!Number.isInteger(parent)) continue;
    const siblings = children.get(parent) ?? [];
    siblings.push(Number(entry));
    children.set(parent, siblings);
  }
  const tree: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || statFields(next) === undefined) continue;
    tree.push(next);
    pending.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** User + system CPU seconds used so far by `pids` and their descendants. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids.flatMap(processTree)) {
    const fields = statFields(pid);
    // Fields 14 and 15 of stat (utime, stime) are at index 11 and 12 once pid and comm are cut off.
    ticks += Number(fields?.[11] ?? 0) + Number(fields?.[12] ?? 0);
  }
  return ticks / ticksPerSecond;
}

/** Resident set size in bytes (VmRSS) of `pids` and their descendants. */
export function residentBytes(pids: readonly number[]): number {
  let kilobytes = 0;
  for (const pid of pids.flatMap(processTree)) {
    try {
      const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
      kilobytes += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kilobytes * 1024;
}

/** CPU seconds of this process, all its threads (the load workers included). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** A CPU meter over an interval: percent of one core used by each group of processes, and by this one. */
export class CpuMeter {
  readonly #groups: Record<string, readonly number[]>;
  readonly #start: Record<string, number>;
  readonly #ownStart = ownCpuSeconds();
  readonly #startedAt = performance.now();

  constructor(groups: Record<string, readonly number[]>) {
    this.#groups = groups;
    this.#start = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuSeconds(pids)]));
  }

  /** Percent of one core since construction, per group, and `loadGenerator` for this process. */
  read(): Record<string, number> {
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const percent = (used: number) => Math.round((used / seconds) * 1000) / 10;
    const result: Record<string, number> = { loadGenerator: percent(ownCpuSeconds() - this.#ownStart) };
    for (const [name, pids] of Object.entries(this.#groups)) result[name] = percent(cpuSeconds(pids) - (this.#start[name] ?? 0));
    return result;
  }
}
