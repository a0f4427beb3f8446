// Reusable zod field types for configuration read from strings: ports, hosts, sizes, durations, lists.
import { z } from 'zod';

/** A TCP port, 0 (any free port) to 65535. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** A positive whole number. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A whole number >= 0. */
export const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** A host name or IP address to bind to or connect to. */
export const host = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.:_-]+$/, 'expected a host name or IP address')
    .default(fallback);

const flagValue = () =>
  z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'expected true or false' })])
    .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes' || value === 'on');

/** true/false, 1/0, yes/no, on/off. */
export const flag = (fallback: boolean) => flagValue().default(fallback);

/** A flag whose absence means "decide from other settings": undefined when unset. */
export const optionalFlag = () => flagValue().optional();

const sizeUnits: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

/** A size in bytes: 1024, 256KiB, 1MiB. */
export const byteSize = (fallback: number) =>
  z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(String(value));
      const unit = sizeUnits[(match?.[2] ?? 'x').toLowerCase()];
      if (!match || unit === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected a size such as 1048576, 256KiB or 1MiB' });
        return z.NEVER;
      }
      return Number(match[1]) * unit;
    })
    .pipe(z.number().int().positive())
    .default(fallback);

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "500ms", "2s", "1m" or a bare number of milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (durationUnits[match[2] ?? 'ms'] ?? 1));
}

/** A duration in milliseconds: 500ms, 2s, 1m, or a bare number of milliseconds. */
export const duration = (fallback: number) =>
  z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = typeof value === 'number' ? value : parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 2s or 1m' });
        return z.NEVER;
      }
      return ms;
    })
    .pipe(z.number().min(0))
    .default(fallback);

/** A comma-separated list of non-empty strings. */
export const list = (fallback: readonly string[]) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .default([...fallback]);

/** host:port, as used for upstream lists. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses "host:port" or "[v6]:port". */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** A comma-separated list of host:port addresses, at least one. */
export const hostPortList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
      const parsed: HostPort[] = [];
      for (const item of items) {
        const hostPort = parseHostPort(item);
        if (!hostPort) {
          ctx.addIssue({ code: 'custom', message: `expected host:port, got ${JSON.stringify(item)}` });
          return z.NEVER;
        }
        parsed.push(hostPort);
      }
      if (parsed.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'expected at least one host:port' });
        return z.NEVER;
      }
      return parsed;
    });

/** pino's log levels. */
export const logLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
