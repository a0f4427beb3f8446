// The benchmark's command-line options, validated with zod (errors name the option), and what --quick
// and --compare change in them.
import { parseDuration } from '@gateway/service-kit';
import { z } from 'zod';

/** "5s", "500ms", "1m"; a bare number is seconds. */
const seconds = () =>
  z.string().transform((text, ctx) => {
    const ms = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Math.round(Number(text) * 1000) : parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 5s, 500ms or 1m, got ${JSON.stringify(text)}` });
      return z.NEVER;
    }
    return ms;
  });

const count = (min: number) => z.coerce.number().int().min(min);

const schema = z.object({
  target: z.array(z.string()).default([]),
  compare: z.boolean().default(false),
  nginxHop: z.boolean().default(false),
  rounds: count(1).optional(),
  duration: seconds().default(5000),
  quick: z.boolean().default(false),
  scenario: z.string().optional(),
  json: z.string().min(1).optional(),
  publishers: count(1).default(4),
  subscribers: count(1).default(10),
  idleConnections: count(1).default(1000),
  idleHold: seconds().default(2000),
  window: count(1).max(65_535).default(32),
  qos0Window: count(0).default(1000),
  rate: z.coerce.number().min(0).default(0),
  threads: count(1).default(2),
  drainTimeout: seconds().default(10_000),
  nginxWorkers: count(1).default(1),
  proxyWorkers: count(1).max(64).default(1),
  cpuProf: z.string().min(1).optional(),
});

export interface BenchOptions {
  targets: string[];
  compare: boolean;
  /** Also measure our broker behind NGINX ("ours-nginx"). */
  nginxHop: boolean;
  rounds: number;
  durationMs: number;
  quick: boolean;
  scenario: string | undefined;
  jsonFile: string | undefined;
  publishers: number;
  subscribers: number;
  idleConnections: number;
  idleHoldMs: number;
  window: number;
  qos0Window: number;
  rate: number;
  threads: number;
  drainTimeoutMs: number;
  nginxWorkers: number;
  /** PROXY_WORKERS of our proxy. */
  proxyWorkers: number;
  /** Directory for the V8 CPU profiles of our broker and proxy. */
  cpuProfileDir: string | undefined;
}

/** Validates commander's parsed options; throws an Error listing each bad option. */
export function parseBenchOptions(raw: Record<string, unknown>): BenchOptions {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `--${kebab(String(issue.path[0] ?? ''))}: ${issue.message}`);
    throw new Error(`Invalid options:\n  ${issues.join('\n  ')}`);
  }
  const options = parsed.data;
  if (options.compare && options.target.length > 0) throw new Error('--compare starts both stacks itself: leave out --target');
  if (options.nginxHop && options.target.length > 0) throw new Error('--nginx-hop puts NGINX in front of the broker it starts itself: leave out --target');
  if (options.cpuProf !== undefined && options.proxyWorkers > 1) throw new Error('--cpu-prof: profiles one proxy process; leave out --proxy-workers');
  const rounds = options.rounds ?? (options.quick ? 1 : options.compare ? 3 : 1);
  if (options.compare && !options.quick && rounds < 3) throw new Error('--rounds: at least 3 with --compare (medians of fewer runs mean little)');
  return {
    targets: options.target,
    compare: options.compare,
    nginxHop: options.nginxHop,
    rounds,
    durationMs: options.quick ? Math.min(options.duration, 500) : options.duration,
    quick: options.quick,
    scenario: options.scenario,
    jsonFile: options.json,
    publishers: options.quick ? Math.min(options.publishers, 2) : options.publishers,
    subscribers: options.quick ? Math.min(options.subscribers, 2) : options.subscribers,
    idleConnections: options.quick ? Math.min(options.idleConnections, 20) : options.idleConnections,
    idleHoldMs: options.quick ? Math.min(options.idleHold, 200) : options.idleHold,
    window: options.window,
    qos0Window: options.qos0Window,
    rate: options.rate,
    threads: options.threads,
    drainTimeoutMs: options.quick ? Math.min(options.drainTimeout, 3000) : options.drainTimeout,
    nginxWorkers: options.nginxWorkers,
    proxyWorkers: options.proxyWorkers,
    cpuProfileDir: options.cpuProf,
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
